from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "apps.privacy.requests"
    label = "privacy_requests"
    verbose_name = _("Data-subject requests")
    default_auto_field = "django.db.models.BigAutoField"
