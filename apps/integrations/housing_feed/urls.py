from django.urls import path

from apps.integrations.housing_feed import api

app_name = "housing_feed"

urlpatterns = [
    path("files/", api.HousingFilesFeed.as_view(), name="files"),
]
