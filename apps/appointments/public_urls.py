from django.urls import path

from apps.appointments import public_views

app_name = "appointments_portal"

urlpatterns = [
    path("", public_views.start, name="start"),
    path("code/", public_views.code, name="code"),
    path("book/", public_views.book, name="book"),
    path("m/<str:token>/", public_views.manage, name="manage"),
]
