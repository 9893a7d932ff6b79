"""The ASGI application: Django's HTTP views, and the live chat's websockets (apps/chat).

Daphne serves it (``daphne housing_contact.asgi:application``) beside the WSGI web process.
A websocket whose Origin is not one of ALLOWED_HOSTS is refused before any consumer runs;
the agents' socket reads the signed-in user from the session cookie.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_contact.settings.base")
django_application = get_asgi_application()  # sets Django up before the consumers import models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from apps.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
