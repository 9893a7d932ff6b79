from django.urls import path

from apps.chat import views

app_name = "chat"

urlpatterns = [
    # The citizen's side (public).
    path("portal/chat/", views.panel, name="panel"),
    path("portal/chat/start/", views.start, name="start"),
    path("portal/chat/leave/", views.leave_message, name="leave"),
    path("portal/chat/attach/", views.attach, name="attach"),
    path("portal/chat/video/", views.video_request, name="video_request"),
    path("portal/chat/t/<str:token>/", views.transcript, name="transcript"),
    path("chat/files/<int:message_id>/", views.attachment, name="attachment"),
    # The agents' and supervisors' side.
    path("chat/healthz", views.health, name="health"),
    path("chat/", views.workspace, name="workspace"),
    path("chat/availability/", views.availability, name="availability"),
    path("chat/<int:chat_id>/side/", views.side, name="side"),
    path("chat/<int:chat_id>/close/", views.close, name="close"),
    path("chat/<int:chat_id>/end/", views.end, name="end"),
    path("chat/<int:chat_id>/transfer/", views.transfer, name="transfer"),
    path("chat/<int:chat_id>/ticket/", views.open_ticket, name="ticket"),
    path("chat/<int:chat_id>/take-over/", views.take_over, name="take_over"),
    path("chat/supervisor/", views.supervisor, name="supervisor"),
    path("chat/supervisor/live/", views.supervisor_live, name="supervisor_live"),
    path("chat/video/", views.video_list, name="video_list"),
    path("chat/video/<int:call_id>/<str:action>/", views.video_action, name="video_action"),
]
