from django.urls import path

from apps.contacts import views

app_name = "contacts"

urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/log/", views.console_log, name="console_log"),
    path("console/citizens/new/", views.console_citizen_create, name="console_citizen_create"),
    path("console/citizens/<int:citizen_id>/timeline/", views.console_timeline, name="console_timeline"),
    path("console/citizens/<int:citizen_id>/phones/", views.console_phone_add, name="console_phone_add"),
    path("console/phones/<int:phone_id>/confirm/", views.console_phone_confirm, name="console_phone_confirm"),
    path("supervisor/contacts/", views.supervisor, name="supervisor"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up_detail, name="follow_up_detail"),
]
