from django.urls import path

from apps.integrations.tawasul import views

app_name = "tawasul"
urlpatterns = [path("messages", views.webhook, name="webhook")]
