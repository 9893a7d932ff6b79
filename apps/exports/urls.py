from django.urls import path

from apps.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_jobs, name="list"),
    path("<int:pk>/download/", views.export_download, name="download"),
    path("<slug:list_key>/<str:fmt>/", views.export, name="export"),
]
