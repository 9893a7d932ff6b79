from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "apps.integrations.webhooks"
    label = "integrations_webhooks"
    verbose_name = _("Outbound webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.integrations.webhooks import hooks

        hooks.connect()
