from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "apps.privacy.history"
    label = "privacy_history"
    verbose_name = _("Change history")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import triggers

        triggers.register_all()
