from django.urls import path

from apps.privacy.retention import views

app_name = "privacy_retention"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("policies/<int:pk>/", views.policy_update, name="policy_update"),
    path("dry-run/", views.dry_run, name="dry_run"),
    path("holds/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
