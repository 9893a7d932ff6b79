from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "apps.chat"
    label = "chat"
    verbose_name = _("Live chat")

    def ready(self):
        from apps.chat import notify
        from apps.core.navigation import NavEntry, register

        notify.register_events()
        register(
            NavEntry(
                "chat:workspace",
                _("Live chat"),
                "chat:workspace",
                "chat.use_chat_workspace",
                order=22,
                group="desk",
            )
        )
        register(
            NavEntry(
                "chat:supervisor",
                _("Live chat now"),
                "chat:supervisor",
                "chat.supervise_chat",
                order=23,
                group="management",
            )
        )
        register(
            NavEntry(
                "chat:video",
                _("Video calls"),
                "chat:video_list",
                "chat.use_chat_workspace",
                order=24,
                group="desk",
            )
        )
