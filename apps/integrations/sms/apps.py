from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "apps.integrations.sms"
    label = "integrations_sms"
    verbose_name = _("Citizens' text messages")
    default_auto_field = "django.db.models.BigAutoField"
