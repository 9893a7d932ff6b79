from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "apps.integrations.sms"
    label = "integrations_sms"
    verbose_name = _("Citizens' text messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import Q

        from apps.core import confidentiality
        from apps.integrations.sms.models import InboundSms

        # A text threaded into a confidential ticket ("Under Your Command") is read as that
        # ticket's reply is: only by those the one policy lets read it.
        confidentiality.register(
            InboundSms,
            is_confidential=lambda row: row.ticket_id is not None and row.ticket.confidential,
            hide=_hide,
            rows=lambda: Q(ticket__confidential=True),
        )


def _hide(row) -> None:
    row.text = ""
    row.from_number = ""
