"""The SLA engine's staff pages, included under /sla/ (its API routes are in urls.py)."""

from django.urls import path

from apps.sla import views

app_name = "sla"

urlpatterns = [path("", views.dashboard, name="dashboard")]
