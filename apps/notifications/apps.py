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
        self._watch_templates()

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

    @staticmethod
    def _watch_templates() -> None:
        """Any write to a template (service or admin) makes every process reload them."""
        from apps.notifications.models import MessageTemplate
        from apps.notifications.selectors import templates_cache

        templates_cache.watch(MessageTemplate)
