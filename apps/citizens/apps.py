from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "apps.citizens"
    label = "citizens"
    verbose_name = _("Citizens")

    def ready(self):
        from apps.citizens import selectors, timeline

        timeline.register("phone", selectors.phone_events_timeline())
