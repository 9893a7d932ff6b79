from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AppointmentsConfig(AppConfig):
    name = "apps.appointments"
    label = "appointments"
    verbose_name = pgettext_lazy("branch visits", "Appointments")

    def ready(self):
        from apps.appointments import integrations

        integrations.connect()
        from apps.appointments import exports

        exports.register_export()
