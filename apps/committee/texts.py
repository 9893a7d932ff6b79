"""The words of a decision, as the minutes, the letters and the screens say them."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from apps.committee.models import Decision, Outcome


def decision_text(decision: Decision, language: str) -> str:
    """One sentence (or two) saying what the committee decided, in ``language``."""
    with translation.override(language):
        if decision.outcome == Outcome.APPROVED:
            if decision.conditions.strip():
                return _("Approved, on these conditions: %(conditions)s") % {
                    "conditions": decision.conditions.strip()
                }
            return _("Approved.")
        if decision.outcome == Outcome.REJECTED:
            reason = decision.rejection_reason.text_in(language) if decision.rejection_reason_id else ""
            if decision.reason_note.strip():
                return _("Rejected (apology). Reason: %(reason)s. %(note)s") % {
                    "reason": reason,
                    "note": decision.reason_note.strip(),
                }
            return _("Rejected (apology). Reason: %(reason)s.") % {"reason": reason}
        return _("Deferred for more study. Needed: %(needs)s") % {"needs": decision.needs.strip()}
