"""The citizen-facing committee page (no login): appealing a rejection."""

from django.urls import path

from apps.committee import views

app_name = "committee_public"

urlpatterns = [path("appeal/", views.appeal, name="appeal")]
