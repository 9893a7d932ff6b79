from django.urls import path

from apps.integrations.sms import views

app_name = "sms"
urlpatterns = [path("inbound", views.inbound, name="inbound")]
