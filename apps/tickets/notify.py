"""What a ticket tells the citizen (and the member of staff it is given to), and when.

Services call ``queue_ticket_notice`` inside their own transaction; it writes the
messages to the notifications outbox (``apps.notifications.services.notification_queue``)
in that same transaction, so a rolled-back change messages nobody and a committed one
is handed to delivery after commit. Messages never carry the ticket's text, its replies
or its notes: they give the review number and where to read the answer (the tracking
page, behind the second factor).

The ticket events the notifications app does not register itself (waiting for the
citizen, reopened, merged) are registered here, from ``TicketsConfig.ready()``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
from apps.notifications.models import Notification
from apps.notifications.services import Recipient, notification_queue, notification_rows
from apps.tickets.models import Ticket

# The ticket services' names for their events → the outbox's event keys. A name with a
# dot is taken as an outbox key as it is (an event another app registered).
EVENTS = {
    "created": "ticket.received",
    "replied": "ticket.public_reply",
    "awaiting_citizen": "ticket.awaiting_citizen",
    "responded": "ticket.responded",
    "closed": "ticket.closed",
    "reopened": "ticket.reopened",
    "merged": "ticket.merged",
    "extended": "sla.extended",
}
# Context names callers used before the outbox → the outbox event's placeholder names.
_RENAMED = {"new_due": "new_due_date"}

CONTACT_CENTRE_PHONE = "80008001"
_SIGNATURE_AR = "مع التحية،\nمركز الاتصال الوطني — وزارة الإسكان"
_SIGNATURE_EN = "Kind regards,\nNational Contact Centre — Ministry of Housing"


def tracking_url() -> str:
    return settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + reverse("portal:track")


def ticket_url(ticket: Ticket) -> str:
    return settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + reverse("tickets:detail", args=[ticket.pk])


def _review_number() -> Placeholder:
    return Placeholder("review_number", _("Review number"), "2026-004217-K", ltr=True)


def _tracking_url() -> Placeholder:
    return Placeholder("tracking_url", _("Tracking link"), "https://contact.housing.gov.bh/portal/track/")


def _event(key, label, description, placeholders, sms_ar, sms_en, subject_ar, subject_en, mail_ar, mail_en):
    return Event(
        key=key,
        label=label,
        description=description,
        audience=Audience.CITIZEN,
        channels=(Channel.SMS, Channel.EMAIL),
        placeholders=placeholders,
        defaults={
            (Channel.SMS, "ar"): DefaultTemplate(sms_ar),
            (Channel.SMS, "en"): DefaultTemplate(sms_en),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject=subject_ar, body="السلام عليكم،\n\n" + mail_ar + "\n\n" + _SIGNATURE_AR
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject=subject_en, body="Hello,\n\n" + mail_en + "\n\n" + _SIGNATURE_EN
            ),
        },
    )


def register_events() -> None:
    """Register the ticket events the notifications app leaves to this app (idempotent)."""
    register(
        _event(
            "ticket.awaiting_citizen",
            _("More information needed"),
            _("Sent when staff need more information from the citizen to go on with a request."),
            (
                _review_number(),
                _tracking_url(),
                Placeholder("contact_phone", _("Contact centre phone"), CONTACT_CENTRE_PHONE, ltr=True),
            ),
            "وزارة الإسكان: نحتاج إلى معلومات إضافية عن طلبك رقم {{ review_number }}."
            " اطلع عليها عبر {{ tracking_url }} أو اتصل على {{ contact_phone }}",
            "Ministry of Housing: we need more information about your request {{ review_number }}."
            " Please see {{ tracking_url }} or call {{ contact_phone }}",
            "نحتاج إلى معلومات إضافية عن طلبك رقم {{ review_number }}",
            "We need more information about your request {{ review_number }}",
            "نحتاج إلى معلومات إضافية لمتابعة طلبك رقم {{ review_number }}.\n"
            "اطلع على ما نحتاجه عبر الرابط:\n{{ tracking_url }}\nأو اتصل بنا على {{ contact_phone }}.",
            "We need more information to go on with your request {{ review_number }}.\n"
            "See what we need at:\n{{ tracking_url }}\nor call us on {{ contact_phone }}.",
        )
    )
    register(
        _event(
            "ticket.reopened",
            _("Request reopened"),
            _("Sent when an answered or closed request is worked on again."),
            (_review_number(), _tracking_url()),
            "وزارة الإسكان: أُعيد فتح طلبك رقم {{ review_number }} ويجري العمل عليه من جديد."
            " تابعه عبر {{ tracking_url }}",
            "Ministry of Housing: your request {{ review_number }} has been reopened and is being worked on"
            " again. Follow it at {{ tracking_url }}",
            "أُعيد فتح طلبك رقم {{ review_number }}",
            "Your request {{ review_number }} has been reopened",
            "أُعيد فتح طلبك رقم {{ review_number }}، ويجري العمل عليه من جديد.\n"
            "يمكنك متابعته عبر الرابط:\n{{ tracking_url }}",
            "Your request {{ review_number }} has been reopened and is being worked on again.\n"
            "Follow it at:\n{{ tracking_url }}",
        )
    )
    register(
        _event(
            "ticket.merged",
            _("Request handled with another"),
            _("Sent when a duplicate request is merged into the one it repeats."),
            (
                _review_number(),
                Placeholder(
                    "original_review_number", _("Review number of the original"), "2026-004001-B", ltr=True
                ),
                _tracking_url(),
            ),
            "وزارة الإسكان: يُعالَج طلبك رقم {{ review_number }} مع الطلب رقم {{ original_review_number }}."
            " تابعه عبر {{ tracking_url }}",
            "Ministry of Housing: your request {{ review_number }} is being handled together with request"
            " {{ original_review_number }}. Follow it at {{ tracking_url }}",
            "يُعالَج طلبك رقم {{ review_number }} مع الطلب {{ original_review_number }}",
            "Your request {{ review_number }} is handled with request {{ original_review_number }}",
            "طلبك رقم {{ review_number }} مكرر للطلب رقم {{ original_review_number }}،"
            " فسيُعالَجان معاً ويصلك الرد على الطلب {{ original_review_number }}.\n"
            "تابعه عبر الرابط:\n{{ tracking_url }}",
            "Your request {{ review_number }} repeats request {{ original_review_number }}, so they are"
            " handled together and the answer comes on request {{ original_review_number }}.\n"
            "Follow it at:\n{{ tracking_url }}",
        )
    )


def _context(key: str, ticket: Ticket, extra: dict[str, Any]) -> dict[str, Any]:
    from apps.notifications import events

    names = events.get(key).placeholder_names
    values: dict[str, Any] = {
        "review_number": ticket.review_number,
        "tracking_url": tracking_url(),
        "ticket_kind": Ticket.Kind(ticket.kind).label,
        "contact_phone": CONTACT_CENTRE_PHONE,
        "original_review_number": ticket.duplicate_of.review_number if ticket.duplicate_of_id else "",
    }
    values.update({_RENAMED.get(name, name): value for name, value in extra.items()})
    return {name: value for name, value in values.items() if name in names}


def ticket_notify(
    event: str, ticket: Ticket | int, context: dict[str, Any] | None = None, *, actor=None, write: bool = True
) -> list[Notification]:
    """Queue the citizen's message for ``event`` in their language; returns the outbox rows.

    Call it inside the transaction that records the event. The ticket's contact mobile
    (the one given with the request) is used before the citizen's own phone; the language
    is the citizen's (the ticket's for an anonymous suggestion). A citizen with no usable
    address still gets rows, recorded as failed with the reason (the outbox shows them);
    an anonymous suggestion with no mobile cannot be told anything: nothing is queued.

    ``write=False``: the rows built but not written, for a caller that writes them with its
    own rows in one statement and then calls ``notifications.services.rows_written``.
    """
    key = event if "." in event else EVENTS.get(event)
    if key is None:
        raise ValueError(f"unknown ticket event {event!r}")
    if not isinstance(ticket, Ticket):
        ticket = Ticket.objects.select_related("citizen", "duplicate_of").filter(pk=ticket).first()
        if ticket is None:
            return []
    if ticket.citizen_id:
        recipient = ticket.citizen.as_notification_recipient()
    else:
        recipient = Recipient(phone="", email="", language=ticket.language)
    if ticket.contact_phone:
        recipient = Recipient(
            phone=ticket.contact_phone,
            email=recipient.email,
            language=recipient.language,
            opted_out=recipient.opted_out,
            ref=recipient.ref,
        )
    if not ticket.citizen_id and not recipient.phone:
        return []
    notice = {
        "event": key,
        "recipient_citizen": recipient,
        "context": _context(key, ticket, context or {}),
        "confidential": ticket.confidential,
        "actor": actor,
    }
    if write:
        return notification_queue(**notice)
    return notification_rows(**notice)  # the caller writes them with its own rows


def queue_ticket_notice(event: str, ticket: Ticket, **context) -> list[Notification]:
    """Queue the message for ``event`` in the caller's transaction (see ``ticket_notify``)."""
    return ticket_notify(event, ticket, context)


def assignment_notify(
    *, ticket: Ticket, assignee, actor, due_at: datetime | None = None
) -> list[Notification]:
    """Tell a member of staff a ticket is now theirs (bell and e-mail); not when they took it themselves.

    About a confidential ticket the message carries its review number and a neutral title
    only (``notification_queue(confidential=True)``), whoever the assignee is."""
    if assignee is None or (actor is not None and assignee.pk == actor.pk):
        return []
    context = {
        "review_number": ticket.review_number,
        "ticket_url": ticket_url(ticket),
        "ticket_subject": ticket.subject,
        "assigned_by": (actor.get_full_name() or actor.get_username()) if actor is not None else "",
    }
    if due_at is not None:
        context["due_at"] = due_at
    return notification_queue(
        event="ticket.assigned",
        recipient_user=assignee,
        context=context,
        confidential=ticket.confidential,
        actor=actor,
    )
