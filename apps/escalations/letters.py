"""What a case tells the citizen — the one-time code, the decision letter, an extension —
through the notifications outbox, inside the service's transaction (nothing is sent if it
rolls back).

Events registered here (``register_events``, from ``AppConfig.ready()``):

- ``escalation.one_time_code``: the code for the "Under Your Command" form; SMS only,
  essential and urgent (a citizen waiting at the form cannot wait for quiet hours to end).
- ``escalation.decided``: the decision letter. The SMS says the decision is ready and
  where to read it; the e-mail carries the decision's public text. Never the internal text.
  A confidential event: staff without the right to read the case never read the letter
  back (outbox, message log, timelines), though it is sent.

An extension uses the notifications app's own ``sla.extended`` (new date and reason).
The tracking page shows the same public texts behind the second factor
(``selectors.public_extension_rows``, ``public_decision_rows``).

The code's SMS is a *secret* event: the outbox and a citizen's messages never list it, so no
member of staff can read a live code (the code's own record, ``apps.core.otp``, keeps only
a hash; the SMS row keeps the text the gateway was given, for the administrator only).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
from apps.notifications.services import Recipient, notification_queue

CODE_EVENT = "escalation.one_time_code"
DECIDED_EVENT = "escalation.decided"
EXTENDED_EVENT = "sla.extended"

_SIGNATURE_AR = "مع التحية،\nمكتب الإدارة العليا — وزارة الإسكان"
_SIGNATURE_EN = "Kind regards,\nSenior Management Office — Ministry of Housing"


def register_events() -> None:
    register(
        Event(
            key=CODE_EVENT,
            label=_("Under Your Command: one-time code"),
            description=_(
                "The code a citizen types on the Under Your Command form to prove the mobile is theirs."
            ),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            urgent=True,
            secret=True,
            placeholders=(
                Placeholder("code", _("One-time code"), "482913", ltr=True),
                Placeholder("minutes", _("Minutes the code is valid"), 5),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: رمز التحقق لخدمة «تحت أمرك» هو {{ code }}، صالح لمدة {{ minutes }} دقائق."
                    " لا تشاركه مع أحد."
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: your Under Your Command code is {{ code }}. It is valid for"
                    " {{ minutes }} minutes. Do not share it with anyone."
                ),
            },
        )
    )
    register(
        Event(
            key=DECIDED_EVENT,
            label=_("Under Your Command: decision letter"),
            description=_("Tells the citizen senior management's decision on their case."),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS, Channel.EMAIL),
            essential=True,
            confidential=True,
            placeholders=(
                Placeholder("review_number", _("Review number"), "2026-004217-K", ltr=True),
                Placeholder(
                    "tracking_url", _("Tracking link"), "https://contact.housing.gov.bh/portal/track/"
                ),
                Placeholder(
                    "decision_text", _("The decision, as the citizen reads it"), "تقرر تخصيص وحدة سكنية لكم."
                ),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: صدر قرار الإدارة العليا بشأن طلبك رقم {{ review_number }}."
                    " اقرأ القرار عبر {{ tracking_url }}"
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: senior management has decided on your request {{ review_number }}."
                    " Read the decision at {{ tracking_url }}"
                ),
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="قرار الإدارة العليا بشأن طلبك رقم {{ review_number }}",
                    body=(
                        "السلام عليكم،\n\nبالإشارة إلى رسالتكم إلى الإدارة العليا عبر خدمة «تحت أمرك»، "
                        "رقم المراجعة {{ review_number }}، نفيدكم بما يلي:\n\n{{ decision_text }}\n\n"
                        "يمكنكم الاطلاع على القرار في أي وقت عبر الرابط:\n{{ tracking_url }}\n\n"
                        + _SIGNATURE_AR
                    ),
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="Senior management's decision on your request {{ review_number }}",
                    body=(
                        "Hello,\n\nFurther to your message to senior management through Under Your Command, "
                        "review number {{ review_number }}, we write to tell you:\n\n{{ decision_text }}\n\n"
                        "You can read the decision at any time at:\n{{ tracking_url }}\n\n" + _SIGNATURE_EN
                    ),
                ),
            },
        )
    )


def tracking_url() -> str:
    return settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + "/portal/track/"


def _citizen(ticket) -> Recipient:
    """The citizen as the outbox knows them, reached on the mobile given with the message."""
    if ticket.citizen_id is None:
        return Recipient(phone=ticket.contact_phone, language=ticket.language)
    person = ticket.citizen.as_notification_recipient()
    return Recipient(
        phone=ticket.contact_phone or person.phone,
        email=person.email,
        language=person.language,
        opted_out=person.opted_out,
        ref=person.ref,
    )


def queue_decision_letter(escalation, *, actor, now: datetime) -> None:
    ticket = escalation.ticket
    notification_queue(
        event=DECIDED_EVENT,
        recipient_citizen=_citizen(ticket),
        context={
            "review_number": ticket.review_number,
            "tracking_url": tracking_url(),
            "decision_text": escalation.decision_public,
        },
        confidential=True,
        actor=actor,
        now=now,
    )


def queue_extension_notice(escalation, *, reason: str, actor, now: datetime) -> None:
    ticket = escalation.ticket
    notification_queue(
        event=EXTENDED_EVENT,
        recipient_citizen=_citizen(ticket),
        context={
            "review_number": ticket.review_number,
            "tracking_url": tracking_url(),
            "new_due_date": timezone.localdate(escalation.due_at),
            "reason": reason,
        },
        confidential=True,
        actor=actor,
        now=now,
    )


def queue_code(*, phone: str, code: str, minutes: int, language: str) -> None:
    notification_queue(
        event=CODE_EVENT, to_phone=phone, language=language, context={"code": code, "minutes": minutes}
    )
