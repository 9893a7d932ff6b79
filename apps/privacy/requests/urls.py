from django.urls import path

from apps.privacy.requests import views

app_name = "privacy_requests"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/review/", views.start_review, name="review"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("new/<int:citizen_pk>/", views.file_on_behalf, name="file"),
]
