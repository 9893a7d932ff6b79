from django.urls import path

from apps.chat import consumers

websocket_urlpatterns = [
    path("ws/chat/", consumers.CitizenConsumer.as_asgi()),
    path("ws/chat/agent/", consumers.AgentConsumer.as_asgi()),
]
