"""The committee's decisions on the tickets they came from (a decision listener).

When a decision on a ticket's referral becomes final (the chair's sign-off, or an
amendment), the ticket's timeline gets it and the ticket moves on, all through the tickets
app's own services and inside the sign-off's transaction:

- approved or rejected: a public reply with the decision in the citizen's language (the
  tracking page shows it), then "referred to the committee" → "responded";
- deferred: an internal note saying what the committee needs; the ticket stays with the
  committee;
- an amendment: a public reply with the corrected decision (an internal note when the
  ticket no longer takes replies, e.g. closed).

The tickets services act for the staff member who referred the ticket (they could work it
then); should they no longer be allowed to, the tickets app refuses and the sign-off stops
with that error — nothing is half-done.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from apps.committee import listeners, texts
from apps.committee.models import Outcome


def _public_text(effect: listeners.DecisionEffect, language: str) -> str:
    decision = effect.decision
    with translation.override(language):
        values = {
            "committee": decision.meeting.committee.name_in(language),
            "meeting": decision.meeting.label,
            "decision": texts.decision_text(decision, language),
        }
        if effect.is_amendment:
            return _("Corrected decision of the %(committee)s (meeting %(meeting)s): %(decision)s") % values
        return _("Decision of the %(committee)s (meeting %(meeting)s): %(decision)s") % values


def on_decision(effect: listeners.DecisionEffect) -> None:
    referral = effect.referral
    if not referral.ticket_id:
        return
    from apps.tickets import services as ticket_services
    from apps.tickets.models import Ticket
    from apps.tickets.workflow import NO_REPLY_STATUSES, Status

    ticket = Ticket.objects.select_related("citizen").get(pk=referral.ticket_id)
    actor = referral.created_by
    language = getattr(ticket.citizen, "language", "ar") or "ar"
    if effect.decision.outcome == Outcome.DEFERRED and not effect.is_amendment:
        ticket_services.ticket_note(ticket=ticket, body=_public_text(effect, "ar"), actor=actor)
        return
    if ticket.status in NO_REPLY_STATUSES:
        ticket_services.ticket_note(ticket=ticket, body=_public_text(effect, "ar"), actor=actor)
        return
    ticket_services.ticket_reply(ticket=ticket, body=_public_text(effect, language), actor=actor)
    if effect.decision.outcome != Outcome.DEFERRED and ticket.status == Status.REFERRED_TO_COMMITTEE:
        ticket_services.ticket_transition(
            ticket=ticket,
            to_status=Status.RESPONDED,
            actor=actor,
            reason=_("Committee decision at meeting %(meeting)s")
            % {"meeting": effect.decision.meeting.label},
        )


def register() -> None:
    listeners.register("tickets", on_decision)
