"""Decision letters to citizens: one outbox event per outcome, in the citizen's language.

``letter_queue`` writes the letter to the notifications outbox inside the transaction
that makes the decision final (the chair's sign-off, or an amendment), so a sign-off
that rolls back sends nothing. The events (``committee.decision_approved`` /
``_rejected`` / ``_deferred``) are registered from ``CommitteeConfig.ready()`` with
their default wording; administrators may edit it like any other message template.

Message templates hold no logic, so the sentences that exist only in some letters
(the review number of a case that came from a ticket, the correction notice of an
amendment, the conditions of an approval, the appeal route of a first rejection) are
written here in the letter's language and passed as optional placeholders; their
left-to-right tokens are isolated in Arabic as the outbox does for its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.committee.models import Decision, Outcome, SourceKind
from apps.core.text import isolate_ltr, latin_digits
from apps.notifications import events
from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
from apps.notifications.models import Notification
from apps.notifications.rendering import prepare_context, render_text
from apps.notifications.selectors import template_for
from apps.notifications.services import notification_queue

APPEAL_WINDOW_DAYS = 30

EVENTS = {
    Outcome.APPROVED: "committee.decision_approved",
    Outcome.REJECTED: "committee.decision_rejected",
    Outcome.DEFERRED: "committee.decision_deferred",
}


@dataclass(frozen=True)
class Letter:
    language: str
    subject: str
    body: str


# --------------------------------------------------------------------------- the events

_COMMON = (
    Placeholder("citizen_name", gettext_lazy("Citizen's name"), "أحمد علي"),
    Placeholder("committee_name", gettext_lazy("Committee"), "لجنة الإسكان"),
    Placeholder("reference", gettext_lazy("Case number"), "HC-2026-0042", ltr=True),
    Placeholder("review_number", gettext_lazy("Review number"), "2026-004217-K", ltr=True, optional=True),
    Placeholder(
        "review_note",
        gettext_lazy("Review number sentence (cases from a ticket)"),
        " (رقم المراجعة \u20662026-004217-K\u2069)",
        optional=True,
    ),
    Placeholder("meeting", gettext_lazy("Meeting"), "3/2026", ltr=True),
    Placeholder("meeting_date", gettext_lazy("Meeting date"), "2026-07-05"),
    Placeholder(
        "correction_note",
        gettext_lazy("Correction sentence (amendments)"),
        "يصحح هذا الخطاب خطابنا السابق بشأن الحالة نفسها.",
        optional=True,
    ),
)

_OPENING_AR = (
    "السيد/السيدة {{ citizen_name }} المحترم/ة،\n\n"
    "نظرت {{ committee_name }} في حالتكم رقم {{ reference }}{{ review_note }} في اجتماعها {{ meeting }}"
    " بتاريخ {{ meeting_date }}. {{ correction_note }}\n"
)
_OPENING_EN = (
    "Dear {{ citizen_name }},\n\n"
    "The {{ committee_name }} studied your case {{ reference }}{{ review_note }} at its meeting {{ meeting }}"
    " on {{ meeting_date }}. {{ correction_note }}\n"
)
_SUBJECT_AR = "قرار لجنة الإسكان في حالتكم رقم {{ reference }}"
_SUBJECT_EN = "The housing committee's decision on your case {{ reference }}"
_CLOSING_AR = "\n\nوزارة الإسكان"
_CLOSING_EN = "\n\nMinistry of Housing"


def _letter_event(outcome, label, extra, sms_ar, sms_en, body_ar, body_en) -> Event:
    return Event(
        key=EVENTS[outcome],
        label=label,
        description=gettext_lazy("The letter to the citizen when the committee's decision becomes final."),
        audience=Audience.CITIZEN,
        channels=(Channel.SMS, Channel.EMAIL),
        essential=True,
        placeholders=_COMMON + extra,
        defaults={
            (Channel.SMS, "ar"): DefaultTemplate(sms_ar),
            (Channel.SMS, "en"): DefaultTemplate(sms_en),
            (Channel.EMAIL, "ar"): DefaultTemplate(
                subject=_SUBJECT_AR, body=_OPENING_AR + body_ar + _CLOSING_AR
            ),
            (Channel.EMAIL, "en"): DefaultTemplate(
                subject=_SUBJECT_EN, body=_OPENING_EN + body_en + _CLOSING_EN
            ),
        },
    )


def register_events() -> None:
    """Register the three decision-letter events (idempotent)."""
    register(
        _letter_event(
            Outcome.APPROVED,
            gettext_lazy("Committee decision: approved"),
            (
                Placeholder(
                    "conditions_note",
                    gettext_lazy("Conditions sentence"),
                    "والموافقة مشروطة بما يلي: تقديم عقد الإيجار",
                    optional=True,
                ),
            ),
            "وزارة الإسكان: وافقت {{ committee_name }} على طلبكم في الحالة رقم {{ reference }}{{ review_note }}."
            " {{ correction_note }} {{ conditions_note }}",
            "Ministry of Housing: the {{ committee_name }} approved your request in case {{ reference }}"
            "{{ review_note }}. {{ correction_note }} {{ conditions_note }}",
            "وافقت اللجنة على طلبكم. {{ conditions_note }}",
            "The committee approved your request. {{ conditions_note }}",
        )
    )
    register(
        _letter_event(
            Outcome.REJECTED,
            gettext_lazy("Committee decision: rejected"),
            (
                Placeholder("reason", gettext_lazy("Reason"), "الدخل يتجاوز الحد المسموح"),
                Placeholder("note", gettext_lazy("Further explanation"), "", optional=True),
                Placeholder(
                    "appeal_note",
                    gettext_lazy("Appeal sentence (first rulings)"),
                    "يحق لكم التظلم من هذا القرار مرة واحدة حتى 4 أغسطس 2026.",
                    optional=True,
                ),
            ),
            "وزارة الإسكان: تعتذر {{ committee_name }} عن عدم الموافقة على طلبكم في الحالة رقم {{ reference }}"
            "{{ review_note }}، للسبب التالي: {{ reason }}. {{ appeal_note }} {{ correction_note }}",
            "Ministry of Housing: the {{ committee_name }} regrets that it cannot approve your request in case"
            " {{ reference }}{{ review_note }}, for this reason: {{ reason }}. {{ appeal_note }}"
            " {{ correction_note }}",
            "تعتذر اللجنة عن عدم الموافقة على طلبكم، للسبب التالي: {{ reason }}\n{{ note }}\n{{ appeal_note }}",
            "The committee regrets that it cannot approve your request, for this reason: {{ reason }}\n"
            "{{ note }}\n{{ appeal_note }}",
        )
    )
    register(
        _letter_event(
            Outcome.DEFERRED,
            gettext_lazy("Committee decision: deferred"),
            (Placeholder("needs", gettext_lazy("What is needed"), "تقرير البحث الاجتماعي"),),
            "وزارة الإسكان: أجّلت {{ committee_name }} النظر في طلبكم في الحالة رقم {{ reference }}"
            "{{ review_note }} لمزيد من الدراسة. {{ correction_note }} المطلوب: {{ needs }}",
            "Ministry of Housing: the {{ committee_name }} has deferred your case {{ reference }}{{ review_note }}"
            " for more study. {{ correction_note }} What is needed: {{ needs }}",
            "أجّلت اللجنة النظر في طلبكم لمزيد من الدراسة، وسيُعاد بحثه في اجتماع قادم.\nالمطلوب: {{ needs }}",
            "The committee has deferred your case for more study. It will be studied again at a coming"
            " meeting.\nWhat is needed: {{ needs }}",
        )
    )


# --------------------------------------------------------------------------- the letters


def letter_language(citizen) -> str:
    language = getattr(citizen, "language", "") or "ar"
    return language if language in {code for code, _name in settings.LANGUAGES} else "ar"


def _ltr(text: str) -> str:
    """Isolate a left-to-right token inside right-to-left text (only there, as the outbox does)."""
    return isolate_ltr(text) if text and translation.get_language_bidi() else text


def letter_context(*, decision: Decision, language: str) -> dict[str, Any]:
    """The placeholders of the decision's letter, its optional sentences written in ``language``."""
    referral = decision.referral
    citizen = referral.citizen
    meeting = decision.meeting
    review_number = referral.review_number or ""
    with translation.override(language):
        context: dict[str, Any] = {
            "citizen_name": citizen.name_en if language == "en" and citizen.name_en else citizen.name_ar,
            "committee_name": meeting.committee.name_in(language),
            "reference": referral.reference,
            "review_number": review_number,
            "review_note": (
                " " + _("(review number %(review)s)") % {"review": _ltr(review_number)}
                if review_number
                else ""
            ),
            "meeting": meeting.label,
            "meeting_date": meeting.date,
            "correction_note": (
                _("This letter corrects our earlier letter about the same case.")
                if decision.amends_id
                else ""
            ),
        }
        if decision.outcome == Outcome.APPROVED:
            context["conditions_note"] = (
                _("The approval comes with these conditions: %(conditions)s")
                % {"conditions": decision.conditions}
                if decision.conditions.strip()
                else ""
            )
        elif decision.outcome == Outcome.REJECTED:
            context["reason"] = (
                decision.rejection_reason.text_in(language) if decision.rejection_reason_id else ""
            )
            context["note"] = decision.reason_note
            context["appeal_note"] = (
                _appeal_note(decision) if referral.source_kind != SourceKind.APPEAL else ""
            )
        else:
            context["needs"] = decision.needs
    return context


def _appeal_note(decision: Decision) -> str:
    final_at = decision.final_at or timezone.now()
    deadline = timezone.localdate(final_at) + timedelta(days=APPEAL_WINDOW_DAYS)
    url = settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + reverse("committee_public:appeal")
    return _(
        "You may appeal this decision once, until %(deadline)s, at %(url)s with your case number and your CPR."
    ) % {
        "deadline": latin_digits(formats.date_format(deadline, "DATE_FORMAT")),
        "url": _ltr(url),
    }


def letter_render(*, decision: Decision, language: str | None = None) -> Letter:
    """The e-mail letter as the citizen will read it (the current wording, edited or default)."""
    language = language or letter_language(decision.referral.citizen)
    definition = events.get(EVENTS[Outcome(decision.outcome)])
    template = template_for(definition, Channel.EMAIL, language)
    values = prepare_context(
        definition, letter_context(decision=decision, language=language), template.language
    )
    return Letter(
        language=template.language,
        subject=render_text(template.subject, values),
        body=render_text(template.body, values),
    )


def letter_queue(*, decision: Decision, actor=None) -> list[Notification]:
    """Queue the decision letter (SMS and e-mail) to the citizen, in the caller's transaction.

    Called inside the transaction that makes the decision final; returns the outbox rows.
    """
    citizen = decision.referral.citizen
    language = letter_language(citizen)
    return notification_queue(
        event=EVENTS[Outcome(decision.outcome)],
        recipient_citizen=citizen,
        language=language,
        context=letter_context(decision=decision, language=language),
        actor=actor,
    )
