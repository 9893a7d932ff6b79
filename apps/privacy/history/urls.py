from django.urls import path

from . import views

app_name = "privacy_history"

urlpatterns = [
    path("", views.change_search, name="search"),
]
