from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TawasulConfig(AppConfig):
    name = "apps.integrations.tawasul"
    label = "integrations_tawasul"
    verbose_name = _("Tawasul")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.integrations.tawasul import hooks

        hooks.connect()
