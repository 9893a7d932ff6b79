from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "apps.committee"
    label = "committee"
    verbose_name = _("Housing committee")

    def ready(self):
        from apps.committee import dashboard

        dashboard.register_panels()
        from apps.committee import (
            letters,
            navigation,  # noqa: F401  (registers the staff nav entries)
            ticket_sync,
        )

        ticket_sync.register()
        letters.register_events()
