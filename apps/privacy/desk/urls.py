from django.urls import path

from apps.privacy.desk import views

app_name = "privacy_desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("reads/", views.reads, name="reads"),
    path("reads/export/", views.reads_export, name="reads_export"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("subject-access/", views.subject_access, name="subject_access"),
]
