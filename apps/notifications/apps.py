from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from apps.core.navigation import NavEntry, register
        from apps.notifications import checks, events, selectors  # noqa: F401 - registers the core events and checks

        selectors.register_confidentiality()

        register(
            NavEntry(
                "notifications_outbox",
                _("Outbox"),
                "notifications:outbox",
                "notifications.view_outbox",
                800,
                group="administration",
            )
        )
