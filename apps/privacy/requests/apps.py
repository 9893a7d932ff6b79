from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "apps.privacy.requests"
    label = "privacy_requests"
    verbose_name = _("Data-subject requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.core.navigation import NavEntry, register
        from apps.privacy.requests import notify

        notify.register_events()
        register(
            NavEntry(
                "privacy_requests:queue",
                _("Data-subject requests"),
                "privacy_requests:queue",
                "privacy_requests.view_datasubjectrequest",
                order=20,
                group="privacy",
            )
        )
