from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "apps.privacy.desk"
    label = "privacy_desk"
    verbose_name = _("Data-protection desk")
    default_auto_field = "django.db.models.BigAutoField"
