"""The citizen's message when the housing system changes their file's status (off by default:
``HOUSING_FEED_NOTIFY_STATUS``); its wording is editable in the admin like every template."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register

from .services import STATUS_CHANGED_EVENT


def register_events() -> None:
    register(
        Event(
            key=STATUS_CHANGED_EVENT,
            label=_("Housing application status changed"),
            description=_(
                "Sent when the housing system changes the status of a citizen's housing application."
            ),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS, Channel.EMAIL),
            placeholders=(
                Placeholder("application_number", _("Application number"), "HA-2019-004512", ltr=True),
                Placeholder("status", _("New status"), "مستحق، بانتظار التخصيص"),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: تغيّرت حالة طلبك الإسكاني رقم {{ application_number }} إلى: {{ status }}."
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: the status of your housing application {{ application_number }}"
                    " is now: {{ status }}."
                ),
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="تغيّرت حالة طلبك الإسكاني رقم {{ application_number }}",
                    body=(
                        "السلام عليكم،\n\nتغيّرت حالة طلبك الإسكاني رقم {{ application_number }} إلى: {{ status }}.\n\n"
                        "مع التحية،\nمركز الاتصال الوطني — وزارة الإسكان"
                    ),
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="The status of your housing application {{ application_number }} has changed",
                    body=(
                        "Hello,\n\nThe status of your housing application {{ application_number }} is now:"
                        " {{ status }}.\n\nKind regards,\nNational Contact Centre — Ministry of Housing"
                    ),
                ),
            },
        )
    )
