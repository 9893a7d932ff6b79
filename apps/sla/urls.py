"""The SLA engine's API routes, included under /api/v1/sla/."""

from django.urls import path

from apps.sla import api

app_name = "sla"

urlpatterns = [
    path("calendar/working-days/", api.WorkingDaysView.as_view(), name="working-days"),
    path("policies/", api.PolicyListView.as_view(), name="policies"),
]
