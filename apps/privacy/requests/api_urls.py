from django.urls import path

from apps.privacy.requests import api

urlpatterns = [
    path("", api.RequestListAPI.as_view(), name="privacy-requests"),
    path("<int:pk>/", api.RequestDetailAPI.as_view(), name="privacy-request"),
    path("<int:pk>/decide/", api.RequestDecideAPI.as_view(), name="privacy-request-decide"),
]
