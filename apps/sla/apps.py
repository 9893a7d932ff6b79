from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "apps.sla"
    label = "sla"
    verbose_name = _("Service levels and calendar")

    def ready(self):
        from apps.sla import signals

        signals.connect()
