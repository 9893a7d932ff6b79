from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "apps.integrations.mail"
    label = "integrations_mail"
    verbose_name = _("Inbound e-mail")

    def ready(self):
        from apps.integrations.mail import notify

        notify.register_events()
