from django.urls import path

from apps.citizens import api

urlpatterns = [
    path("citizens/", api.CitizenListCreateAPI.as_view(), name="citizen-list"),
    path("citizens/<int:pk>/", api.CitizenDetailAPI.as_view(), name="citizen-detail"),
    path("citizens/<int:pk>/phones/", api.CitizenPhonesAPI.as_view(), name="citizen-phones"),
    path("citizens/<int:pk>/phones/<int:phone_id>/", api.CitizenPhoneAPI.as_view(), name="citizen-phone"),
]
