"""Decision letters to citizens: one template per outcome, in the citizen's language.

``letter_render`` makes the subject and text; ``letter_queue`` hands them to delivery.
Until the notifications app is on main, delivery is a ``LetterQueued`` row written in the
sign-off's transaction; switching to the notifications outbox changes only the marked
line in ``letter_queue``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from apps.committee.models import Decision, LetterQueued, Outcome, SourceKind
from apps.core.text import isolate_ltr

TEMPLATES = {
    Outcome.APPROVED: "committee/letters/approved.txt",
    Outcome.REJECTED: "committee/letters/rejected.txt",
    Outcome.DEFERRED: "committee/letters/deferred.txt",
}
APPEAL_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Letter:
    language: str
    subject: str
    body: str


def letter_language(citizen) -> str:
    language = getattr(citizen, "language", "") or "ar"
    return language if language in {code for code, _name in settings.LANGUAGES} else "ar"


def letter_render(*, decision: Decision, language: str | None = None) -> Letter:
    referral = decision.referral
    citizen = referral.citizen
    language = language or letter_language(citizen)
    meeting = decision.meeting
    with translation.override(language):
        final_at = decision.final_at or timezone.now()
        deadline = timezone.localdate(final_at) + timedelta(days=APPEAL_WINDOW_DAYS)
        context = {
            "citizen_name": citizen.name_en if language == "en" and citizen.name_en else citizen.name_ar,
            "committee_name": meeting.committee.name_in(language),
            "reference": isolate_ltr(referral.reference),
            "review_number": isolate_ltr(referral.review_number) if referral.review_number else "",
            "meeting": isolate_ltr(meeting.label),
            "meeting_date": formats.date_format(meeting.date, "DATE_FORMAT"),
            "amended": decision.amends_id is not None,
            "conditions": decision.conditions,
            "reason": decision.rejection_reason.text_in(language) if decision.rejection_reason_id else "",
            "note": decision.reason_note,
            "needs": decision.needs,
            "can_appeal": referral.source_kind != SourceKind.APPEAL,
            "appeal_deadline": formats.date_format(deadline, "DATE_FORMAT"),
            "appeal_url": isolate_ltr(
                settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + reverse("committee_public:appeal")
            ),
        }
        body = render_to_string(TEMPLATES[Outcome(decision.outcome)], context)
        subject = _("The housing committee's decision on your case %(reference)s") % {
            "reference": isolate_ltr(referral.reference)
        }
    return Letter(language=language, subject=subject, body=_tidy(body))


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def letter_queue(*, decision: Decision) -> LetterQueued:
    """Queue the decision letter; called inside the transaction that makes the decision final."""
    letter = letter_render(decision=decision)
    # The one line to switch to apps.notifications when it lands (see the module docstring).
    return LetterQueued.objects.create(
        decision=decision,
        citizen=decision.referral.citizen,
        language=letter.language,
        outcome=decision.outcome,
        subject=letter.subject,
        body=letter.body,
    )
