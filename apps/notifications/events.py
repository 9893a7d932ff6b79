"""The event registry: every message the product sends starts as one of these events.

An event says who it is for (citizens or staff), on which channels it goes by default,
which placeholders its templates may use (with sample values for the admin preview),
whether it is essential (sent even to citizens who opted out of other messages) or
urgent (sent during SMS quiet hours), and its default wording per channel and language.

Adding an event from another app, without touching this one::

    # apps/escalations/apps.py
    class EscalationsConfig(AppConfig):
        def ready(self):
            from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
            from apps.notifications.choices import Audience, Channel

            register(Event(
                key="escalation.decided",
                label=_("Under Your Command decision"),
                audience=Audience.CITIZEN,
                channels=(Channel.SMS, Channel.EMAIL),
                essential=True,
                placeholders=(
                    Placeholder("review_number", _("Review number"), "UYC-2026-000123-7", ltr=True),
                    Placeholder("tracking_url", _("Tracking link"), "https://…/t/"),
                ),
                defaults={
                    (Channel.SMS, "ar"): DefaultTemplate("… {{ review_number }} …"),
                    (Channel.SMS, "en"): DefaultTemplate("… {{ review_number }} …"),
                    (Channel.EMAIL, "ar"): DefaultTemplate("…", subject="…"),
                    (Channel.EMAIL, "en"): DefaultTemplate("…", subject="…"),
                },
            ))

then ``notification_queue(event="escalation.decided", ...)`` from the app's services, and
``manage.py seed_demo`` (or the admin) puts the default wording in the editable templates.
The registry checks an event when it is registered: its defaults must use only its own
placeholders, and every channel needs Arabic wording (the fallback language).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import FALLBACK_LANGUAGE, Audience, Channel

_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Placeholder:
    name: str
    label: Any
    sample: str | int | date | datetime
    # Left-to-right tokens (review numbers, phone numbers) are wrapped in U+2066…U+2069
    # inside right-to-left text so that their digits and dashes keep their order.
    ltr: bool = False
    # An optional placeholder may be left out of the context; it renders as "".
    optional: bool = False


@dataclass(frozen=True)
class DefaultTemplate:
    body: str
    subject: str = ""


@dataclass(frozen=True)
class Event:
    key: str
    label: Any
    audience: str
    channels: tuple[str, ...]
    placeholders: tuple[Placeholder, ...]
    defaults: Mapping[tuple[str, str], DefaultTemplate]
    essential: bool = False
    urgent: bool = False
    # For in-app notifications: the placeholder whose value is the page the bell opens.
    link_placeholder: str | None = None
    # A secret's text (a one-time code) is for its recipient only: the outbox and a
    # person's messages never list it, so no member of staff can read a live code.
    secret: bool = False
    # Every message of the event is about a confidential record (an "Under Your Command"
    # case): see ``notification_queue(confidential=)``, which callers also set per message.
    confidential: bool = False
    # Required by law (the answer to a data-subject request): never stopped by a citizen's
    # objection, whatever kinds of messages they asked us to stop.
    legally_required: bool = False
    description: Any = ""
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_name.update({p.name: p for p in self.placeholders})

    @property
    def placeholder_names(self) -> frozenset[str]:
        return frozenset(self._by_name)

    def placeholder(self, name: str) -> Placeholder:
        return self._by_name[name]

    def sample_context(self) -> dict:
        return {p.name: p.sample for p in self.placeholders}


_REGISTRY: dict[str, Event] = {}


class UnknownEvent(LookupError):
    pass


def register(event: Event) -> Event:
    """Add ``event`` to the registry (again with the same definition is harmless)."""
    from apps.notifications.rendering import template_problems

    if not _KEY.match(event.key):
        raise ImproperlyConfigured(f"Event key {event.key!r} must look like 'app.event_name'.")
    existing = _REGISTRY.get(event.key)
    if existing is not None and existing != event:
        raise ImproperlyConfigured(f"Event {event.key!r} is already registered with another definition.")
    if event.link_placeholder and event.link_placeholder not in event.placeholder_names:
        raise ImproperlyConfigured(f"Event {event.key!r}: link placeholder is not one of its placeholders.")
    for channel in event.channels:
        if (channel, FALLBACK_LANGUAGE) not in event.defaults:
            raise ImproperlyConfigured(f"Event {event.key!r} has no Arabic wording for {channel}.")
    for (channel, _language), default in event.defaults.items():
        if channel not in event.channels:
            raise ImproperlyConfigured(f"Event {event.key!r} has wording for a channel it does not use.")
        problems = template_problems(event, channel, subject=default.subject, body=default.body)
        if problems:
            raise ImproperlyConfigured(f"Event {event.key!r} default {channel} wording: {problems}")
    _REGISTRY[event.key] = event
    return event


def get(key: str) -> Event:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownEvent(key) from None


def all_events() -> list[Event]:
    return sorted(_REGISTRY.values(), key=lambda e: e.key)


def secret_keys() -> list[str]:
    return sorted(event.key for event in _REGISTRY.values() if event.secret)


# Events a citizen may ask us to stop (an objection under the data-protection law), declared
# by the app that offers the objection; only these are checked against ``stopped_events``,
# so every other message costs no extra query.
_STOPPABLE: set[str] = set()


def allow_stopping(*keys: str) -> None:
    _STOPPABLE.update(keys)


def can_be_stopped(event: Event) -> bool:
    return event.key in _STOPPABLE and not event.secret and not event.legally_required


def choices() -> list[tuple[str, str]]:
    return [(event.key, f"{event.label} ({event.key})") for event in all_events()]


# ---------------------------------------------------------------------------------------
# The events of the ticket and SLA work. Escalation decisions, committee decisions and
# appointment reminders are registered by their own apps (see the module docstring).
# ---------------------------------------------------------------------------------------

SAMPLE_REVIEW_NUMBER = "2026-004217-K"
SAMPLE_TRACKING_URL = "https://contact.housing.gov.bh/t/"
SAMPLE_TICKET_URL = "https://contact.housing.gov.bh/tickets/4217/"

_review_number = Placeholder("review_number", _("Review number"), SAMPLE_REVIEW_NUMBER, ltr=True)
_tracking_url = Placeholder("tracking_url", _("Tracking link"), SAMPLE_TRACKING_URL)
_ticket_url = Placeholder("ticket_url", _("Link to the ticket"), SAMPLE_TICKET_URL)
_due_at = Placeholder("due_at", _("Deadline"), datetime(2026, 12, 10, 13, 0))

_SIGNATURE_AR = "مع التحية،\nمركز الاتصال الوطني — وزارة الإسكان"
_SIGNATURE_EN = "Kind regards,\nNational Contact Centre — Ministry of Housing"

TICKET_RECEIVED = register(
    Event(
        key="ticket.received",
        label=_("Request received"),
        description=_("Sent at once when a complaint, inquiry, suggestion or request is registered."),
        audience=Audience.CITIZEN,
        channels=(Channel.SMS, Channel.EMAIL),
        essential=True,
        urgent=True,
        placeholders=(
            _review_number,
            _tracking_url,
            Placeholder("ticket_kind", _("Kind of request"), "شكوى", optional=True),
        ),
        defaults={
            (Channel.SMS, "ar"): DefaultTemplate(
                "وزارة الإسكان: استلمنا طلبك، ورقم المراجعة {{ review_number }}. تابع طلبك عبر {{ tracking_url }}"
            ),
            (Channel.SMS, "en"): DefaultTemplate(
                "Ministry of Housing: we received your request. Your review number is {{ review_number }}."
                " Track it at {{ tracking_url }}"
            ),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject="استلمنا طلبك — رقم المراجعة {{ review_number }}",
                body=(
                    "السلام عليكم،\n\nاستلمت وزارة الإسكان طلبك، ورقم المراجعة هو {{ review_number }}.\n"
                    "احتفظ بهذا الرقم لمتابعة طلبك وقراءة الرد عبر الرابط:\n{{ tracking_url }}\n\n"
                    + _SIGNATURE_AR
                ),
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject="We received your request — review number {{ review_number }}",
                body=(
                    "Hello,\n\nThe Ministry of Housing has received your request. "
                    "Your review number is {{ review_number }}.\n"
                    "Keep this number to follow your request and read the answer at:\n{{ tracking_url }}\n\n"
                    + _SIGNATURE_EN
                ),
            ),
        },
    )
)

TICKET_PUBLIC_REPLY = register(
    Event(
        key="ticket.public_reply",
        label=_("New reply on a request"),
        description=_("Sent when staff post a reply the citizen can read."),
        audience=Audience.CITIZEN,
        channels=(Channel.SMS, Channel.EMAIL),
        placeholders=(
            _review_number,
            _tracking_url,
            Placeholder(
                "reply_text", _("Text of the reply"), "نرجو تزويدنا بنسخة من عقد الإيجار.", optional=True
            ),
        ),
        defaults={
            (Channel.SMS, "ar"): DefaultTemplate(
                "وزارة الإسكان: لديك رد جديد على طلبك رقم {{ review_number }}. اقرأه عبر {{ tracking_url }}"
            ),
            (Channel.SMS, "en"): DefaultTemplate(
                "Ministry of Housing: there is a new reply on your request {{ review_number }}."
                " Read it at {{ tracking_url }}"
            ),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject="رد جديد على طلبك رقم {{ review_number }}",
                body=(
                    "السلام عليكم،\n\nأضافت وزارة الإسكان ردًا جديدًا على طلبك رقم {{ review_number }}:\n\n"
                    "{{ reply_text }}\n\nيمكنك متابعة طلبك عبر الرابط:\n{{ tracking_url }}\n\n"
                    + _SIGNATURE_AR
                ),
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject="New reply on your request {{ review_number }}",
                body=(
                    "Hello,\n\nThe Ministry of Housing has added a reply to your request "
                    "{{ review_number }}:\n\n{{ reply_text }}\n\nFollow your request at:\n{{ tracking_url }}\n\n"
                    + _SIGNATURE_EN
                ),
            ),
        },
    )
)

TICKET_RESPONDED = register(
    Event(
        key="ticket.responded",
        label=_("Request answered"),
        description=_("Sent when the ministry's answer to a request is ready."),
        audience=Audience.CITIZEN,
        channels=(Channel.SMS, Channel.EMAIL),
        essential=True,
        placeholders=(_review_number, _tracking_url),
        defaults={
            (Channel.SMS, "ar"): DefaultTemplate(
                "وزارة الإسكان: تم الرد على طلبك رقم {{ review_number }}. اقرأ الرد عبر {{ tracking_url }}"
            ),
            (Channel.SMS, "en"): DefaultTemplate(
                "Ministry of Housing: your request {{ review_number }} has been answered."
                " Read the answer at {{ tracking_url }}"
            ),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject="تم الرد على طلبك رقم {{ review_number }}",
                body=(
                    "السلام عليكم،\n\nأجابت وزارة الإسكان عن طلبك رقم {{ review_number }}.\n"
                    "اقرأ الرد كاملًا عبر الرابط:\n{{ tracking_url }}\n\n" + _SIGNATURE_AR
                ),
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject="Your request {{ review_number }} has been answered",
                body=(
                    "Hello,\n\nThe Ministry of Housing has answered your request {{ review_number }}.\n"
                    "Read the full answer at:\n{{ tracking_url }}\n\n" + _SIGNATURE_EN
                ),
            ),
        },
    )
)

TICKET_CLOSED = register(
    Event(
        key="ticket.closed",
        label=_("Request closed"),
        description=_("Sent when a request is closed; invites the citizen to rate the service."),
        audience=Audience.CITIZEN,
        channels=(Channel.SMS, Channel.EMAIL),
        placeholders=(_review_number, _tracking_url),
        defaults={
            (Channel.SMS, "ar"): DefaultTemplate(
                "وزارة الإسكان: أُغلق طلبك رقم {{ review_number }}. شكرًا لتواصلك، ويسعدنا تقييمك للخدمة عبر"
                " {{ tracking_url }}"
            ),
            (Channel.SMS, "en"): DefaultTemplate(
                "Ministry of Housing: your request {{ review_number }} is now closed. Thank you;"
                " you can rate our service at {{ tracking_url }}"
            ),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject="أُغلق طلبك رقم {{ review_number }}",
                body=(
                    "السلام عليكم،\n\nأُغلق طلبك رقم {{ review_number }}. شكرًا لتواصلك مع وزارة الإسكان.\n"
                    "يسعدنا أن تقيّم الخدمة التي تلقيتها عبر الرابط:\n{{ tracking_url }}\n\n" + _SIGNATURE_AR
                ),
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject="Your request {{ review_number }} is closed",
                body=(
                    "Hello,\n\nYour request {{ review_number }} is now closed. Thank you for contacting the "
                    "Ministry of Housing.\nPlease rate the service you received at:\n{{ tracking_url }}\n\n"
                    + _SIGNATURE_EN
                ),
            ),
        },
    )
)

SLA_EXTENDED = register(
    Event(
        key="sla.extended",
        label=_("Answer time extended"),
        description=_("Sent when the deadline to answer a request is extended; says until when and why."),
        audience=Audience.CITIZEN,
        channels=(Channel.SMS, Channel.EMAIL),
        essential=True,
        placeholders=(
            _review_number,
            _tracking_url,
            Placeholder("new_due_date", _("New deadline"), date(2026, 12, 24)),
            Placeholder("reason", _("Reason for the extension"), "الحاجة إلى معاينة الوحدة السكنية"),
        ),
        defaults={
            (Channel.SMS, "ar"): DefaultTemplate(
                "وزارة الإسكان: مُدّدت مدة الرد على طلبك رقم {{ review_number }} حتى {{ new_due_date }}."
                " السبب: {{ reason }}"
            ),
            (Channel.SMS, "en"): DefaultTemplate(
                "Ministry of Housing: the time to answer your request {{ review_number }} has been extended"
                " to {{ new_due_date }}. Reason: {{ reason }}"
            ),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject="تمديد مدة الرد على طلبك رقم {{ review_number }}",
                body=(
                    "السلام عليكم،\n\nمُدّدت مدة الرد على طلبك رقم {{ review_number }} حتى {{ new_due_date }}.\n"
                    "السبب: {{ reason }}\n\nيمكنك متابعة طلبك عبر الرابط:\n{{ tracking_url }}\n\n"
                    + _SIGNATURE_AR
                ),
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject="More time to answer your request {{ review_number }}",
                body=(
                    "Hello,\n\nThe time to answer your request {{ review_number }} has been extended to "
                    "{{ new_due_date }}.\nReason: {{ reason }}\n\nFollow your request at:\n{{ tracking_url }}\n\n"
                    + _SIGNATURE_EN
                ),
            ),
        },
    )
)

TICKET_ASSIGNED = register(
    Event(
        key="ticket.assigned",
        label=_("Request assigned to you"),
        description=_("Tells a member of staff that a request is now theirs."),
        audience=Audience.STAFF,
        channels=(Channel.IN_APP, Channel.EMAIL),
        link_placeholder="ticket_url",
        placeholders=(
            _review_number,
            _ticket_url,
            Placeholder("ticket_subject", _("Subject of the request"), "تأخر صيانة الوحدة السكنية"),
            Placeholder("assigned_by", _("Assigned by"), "عائشة"),
            Placeholder("due_at", _("Deadline"), datetime(2026, 12, 10, 13, 0), optional=True),
        ),
        defaults={
            (Channel.IN_APP, "ar"): DefaultTemplate(
                subject="أُسند إليك الطلب {{ review_number }}",
                body="{{ ticket_subject }} — أسنده {{ assigned_by }}.",
            ),
            (Channel.IN_APP, "en"): DefaultTemplate(
                subject="Request {{ review_number }} was assigned to you",
                body="{{ ticket_subject }} — assigned by {{ assigned_by }}.",
            ),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject="أُسند إليك الطلب {{ review_number }}",
                body=(
                    "أسند {{ assigned_by }} إليك الطلب {{ review_number }}:\n{{ ticket_subject }}\n\n"
                    "افتح الطلب:\n{{ ticket_url }}"
                ),
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject="Request {{ review_number }} was assigned to you",
                body=(
                    "{{ assigned_by }} assigned request {{ review_number }} to you:\n{{ ticket_subject }}\n\n"
                    "Open the request:\n{{ ticket_url }}"
                ),
            ),
        },
    )
)

SLA_AT_RISK = register(
    Event(
        key="sla.at_risk",
        label=_("Deadline at risk"),
        description=_("Warns the owner of a request that its deadline is close."),
        audience=Audience.STAFF,
        channels=(Channel.IN_APP,),
        link_placeholder="ticket_url",
        placeholders=(_review_number, _ticket_url, _due_at),
        defaults={
            (Channel.IN_APP, "ar"): DefaultTemplate(
                subject="الطلب {{ review_number }} يقترب من موعده النهائي",
                body="يحل الموعد النهائي للرد في {{ due_at }}.",
            ),
            (Channel.IN_APP, "en"): DefaultTemplate(
                subject="Request {{ review_number }} is close to its deadline",
                body="The answer is due by {{ due_at }}.",
            ),
        },
    )
)

SLA_BREACHED = register(
    Event(
        key="sla.breached",
        label=_("Deadline missed"),
        description=_("Tells the owner of a request and their supervisor that its deadline has passed."),
        audience=Audience.STAFF,
        channels=(Channel.IN_APP, Channel.EMAIL),
        urgent=True,
        link_placeholder="ticket_url",
        placeholders=(_review_number, _ticket_url, _due_at),
        defaults={
            (Channel.IN_APP, "ar"): DefaultTemplate(
                subject="تجاوز الطلب {{ review_number }} موعده النهائي",
                body="كان الموعد النهائي للرد {{ due_at }}. يرجى اتخاذ الإجراء اللازم الآن.",
            ),
            (Channel.IN_APP, "en"): DefaultTemplate(
                subject="Request {{ review_number }} is past its deadline",
                body="The answer was due by {{ due_at }}. Please act on it now.",
            ),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject="تجاوز الطلب {{ review_number }} موعده النهائي",
                body=(
                    "كان الموعد النهائي للرد على الطلب {{ review_number }} {{ due_at }}.\n"
                    "يرجى اتخاذ الإجراء اللازم الآن:\n{{ ticket_url }}"
                ),
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject="Request {{ review_number }} is past its deadline",
                body=(
                    "The answer to request {{ review_number }} was due by {{ due_at }}.\n"
                    "Please act on it now:\n{{ ticket_url }}"
                ),
            ),
        },
    )
)
