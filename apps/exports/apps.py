from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "apps.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self):
        from apps.exports import notify  # noqa: F401 - registers the "export ready" event
