"""What the data-subject requests tell people, through the notifications outbox.

- ``privacy.one_time_code``: the portal's code (SMS, essential, urgent, secret);
- ``privacy.request_received``: the reference and the legal deadline (legally required);
- ``privacy.request_decided``: the answer, approval or refusal, with the officer's reason
  (legally required: never stopped by an objection);
- ``privacy.requests_due``: the officers' bell, when requests come near or past their due date.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, allow_stopping, register
from apps.notifications.services import notification_queue
from apps.privacy.requests.workflow import OBJECTION_EVENTS

CODE_EVENT = "privacy.one_time_code"
RECEIVED_EVENT = "privacy.request_received"
DECIDED_EVENT = "privacy.request_decided"
DUE_EVENT = "privacy.requests_due"

_REFERENCE = Placeholder("reference", _("Request reference"), "PDP-2026-000123", ltr=True)
_KIND = Placeholder("kind", _("Kind of request"), "الاطلاع على بياناتي")
_PORTAL = Placeholder(
    "portal_url", _("Link to the request page"), "https://contact.housing.gov.bh/portal/privacy/"
)


def register_events() -> None:
    register(
        Event(
            key=CODE_EVENT,
            label=_("Data protection: one-time code"),
            description=_(
                "The code a citizen types on the portal to file or follow a data-protection request."
            ),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            urgent=True,
            secret=True,
            legally_required=True,
            placeholders=(
                Placeholder("code", _("One-time code"), "482913", ltr=True),
                Placeholder("minutes", _("Minutes the code is valid"), 5),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: رمز التحقق لطلبات حماية البيانات هو {{ code }}، صالح لمدة {{ minutes }}"
                    " دقائق. لا تشاركه مع أحد."
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: your data-protection code is {{ code }}. It is valid for"
                    " {{ minutes }} minutes. Do not share it with anyone."
                ),
            },
        )
    )
    register(
        Event(
            key=RECEIVED_EVENT,
            label=_("Data-protection request received"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS, Channel.EMAIL),
            essential=True,
            legally_required=True,
            placeholders=(_REFERENCE, _KIND, Placeholder("due_date", _("Due date"), "2026-12-24"), _PORTAL),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: استلمنا طلبك ({{ kind }}) برقم {{ reference }}، وسنرد عليه قبل {{ due_date }}."
                    " تابعه عبر {{ portal_url }}"
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: we received your request ({{ kind }}), reference {{ reference }}."
                    " We will answer by {{ due_date }}. Follow it at {{ portal_url }}"
                ),
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="استلمنا طلبك — {{ reference }}",
                    body="استلمنا طلبك ({{ kind }}) برقم {{ reference }}، وسنرد عليه قبل {{ due_date }}.\n"
                    "تابعه عبر {{ portal_url }}\n\nمع التحية،\nوزارة الإسكان",
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="We received your request — {{ reference }}",
                    body="We received your request ({{ kind }}), reference {{ reference }}. We will answer"
                    " by {{ due_date }}.\nFollow it at {{ portal_url }}\n\nKind regards,\nMinistry of Housing",
                ),
            },
        )
    )
    register(
        Event(
            key=DECIDED_EVENT,
            label=_("Data-protection request answered"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS, Channel.EMAIL),
            essential=True,
            legally_required=True,
            placeholders=(
                _REFERENCE,
                _KIND,
                Placeholder("outcome", _("Outcome"), "تمت الموافقة"),
                Placeholder("reason", _("Reason"), "تم تصحيح العنوان", optional=True),
                _PORTAL,
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: طلبك {{ reference }} ({{ kind }}): {{ outcome }}. {{ reason }}"
                    " التفاصيل عبر {{ portal_url }}"
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: your request {{ reference }} ({{ kind }}): {{ outcome }}. {{ reason }}"
                    " Details at {{ portal_url }}"
                ),
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="الرد على طلبك — {{ reference }}",
                    body="طلبك {{ reference }} ({{ kind }}): {{ outcome }}.\n{{ reason }}\n"
                    "التفاصيل عبر {{ portal_url }}\n\nمع التحية،\nوزارة الإسكان",
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="The answer to your request — {{ reference }}",
                    body="Your request {{ reference }} ({{ kind }}): {{ outcome }}.\n{{ reason }}\n"
                    "Details at {{ portal_url }}\n\nKind regards,\nMinistry of Housing",
                ),
            },
        )
    )
    register(
        Event(
            key=DUE_EVENT,
            label=_("Data-protection requests near or past their due date"),
            audience=Audience.STAFF,
            channels=(Channel.IN_APP,),
            link_placeholder="queue_url",
            placeholders=(
                Placeholder("near", _("Requests due soon"), 2),
                Placeholder("overdue", _("Overdue requests"), 1),
                Placeholder("queue_url", _("Link to the queue"), "/privacy/requests/?due=flagged"),
            ),
            defaults={
                (Channel.IN_APP, "ar"): DefaultTemplate(
                    subject="طلبات حماية البيانات: مواعيد تقترب",
                    body="طلبات يقترب موعدها: {{ near }}. طلبات تجاوزت موعدها: {{ overdue }}.",
                ),
                (Channel.IN_APP, "en"): DefaultTemplate(
                    subject="Data-protection requests: deadlines",
                    body="Requests due soon: {{ near }}. Overdue requests: {{ overdue }}.",
                ),
            },
        )
    )
    allow_stopping(*(key for keys in OBJECTION_EVENTS.values() for key in keys))


def portal_url() -> str:
    return f"{settings.HOUSING_PUBLIC_BASE_URL.rstrip('/')}/portal/privacy/"


def queue_code(*, phone: str, code: str, minutes: int, language: str) -> None:
    notification_queue(
        event=CODE_EVENT, to_phone=phone, language=language, context={"code": code, "minutes": minutes}
    )


def queue_received(request, *, actor=None) -> None:
    citizen = request.citizen
    with translation.override(citizen.language):
        due = formats.date_format(timezone.localtime(request.due_at), "j F Y")
        kind = str(request.get_kind_display())
    notification_queue(
        event=RECEIVED_EVENT,
        recipient_citizen=citizen,
        context={"reference": request.reference, "kind": kind, "due_date": due, "portal_url": portal_url()},
        actor=actor,
    )


def queue_decided(request, *, actor=None) -> None:
    citizen = request.citizen
    with translation.override(citizen.language):
        kind = str(request.get_kind_display())
        outcome = {
            "answered": _("your data is ready to download on the portal"),
            "approved": _("approved"),
            "refused": _("refused"),
        }[request.status]
        outcome = str(outcome)
    notification_queue(
        event=DECIDED_EVENT,
        recipient_citizen=citizen,
        context={
            "reference": request.reference,
            "kind": kind,
            "outcome": outcome,
            "reason": request.decision_reason,
            "portal_url": portal_url(),
        },
        actor=actor,
    )


def queue_due(*, officer, near: int, overdue: int) -> None:
    notification_queue(
        event=DUE_EVENT,
        recipient_user=officer,
        context={"near": near, "overdue": overdue, "queue_url": "/privacy/requests/?due=flagged"},
    )
