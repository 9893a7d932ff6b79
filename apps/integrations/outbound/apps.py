from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboundConfig(AppConfig):
    name = "apps.integrations.outbound"
    label = "integrations_outbound"
    verbose_name = _("Partner deliveries")
    default_auto_field = "django.db.models.BigAutoField"
