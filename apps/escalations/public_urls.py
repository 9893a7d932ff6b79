from django.urls import path

from apps.escalations import public_views

app_name = "uyc_portal"

urlpatterns = [
    path("", public_views.message, name="form"),
    path("code/", public_views.code, name="code"),
    path("receipt/", public_views.receipt, name="receipt"),
]
