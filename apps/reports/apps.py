from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Monthly statement")

    def ready(self):
        from apps.reports import navigation, notify

        navigation.register_entries()
        notify.register_events()
