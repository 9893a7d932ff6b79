from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "apps.sla"
    label = "sla"
    verbose_name = _("Service levels and calendar")

    def ready(self):
        from apps.core.navigation import NavEntry, register
        from apps.sla import notify, signals

        signals.connect()
        notify.register_events()
        register(
            NavEntry("sla:dashboard", _("Deadlines"), "sla:dashboard", "sla.view_sla_dashboard", order=40)
        )
