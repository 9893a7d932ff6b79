"""The ticket clocks: started at creation on every path, paused, met, breached, reclassified,
reopened, under the policy in force when the ticket was created."""

from datetime import timedelta

import pytest

from apps.sla import services as sla_services
from apps.sla.models import Clock, Pause, Policy
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket

from .helpers import at, clock, frozen, make_ticket

pytestmark = pytest.mark.usefixtures("sla_world")


def _move(ticket, status, actor, when, reason=""):
    with frozen(when):
        return ticket_services.ticket_transition(ticket=ticket, to_status=status, actor=actor, reason=reason)


def test_a_complaint_received_on_thursday_at_1350_before_eid_gets_the_right_due_instants(agent):
    received = at(2025, 3, 27, 13, 50)  # Eid al-Fitr 2025: Sunday 30 March – Tuesday 1 April
    ticket = make_ticket(actor=agent, when=received)
    ticket.refresh_from_db()
    assert ticket.sla_policy_version.policy.name_en == "Complaints"
    ack = clock(ticket, "acknowledgement")
    assert (ack.state, ack.met_at, ack.due_at) == ("met", received, received)  # the automatic message
    assert clock(ticket, "first_response").due_at == at(2025, 4, 3, 14, 0)
    resolution = clock(ticket, "resolution")
    assert (resolution.state, resolution.due_at) == ("running", at(2025, 4, 15, 14, 0))
    assert resolution.at_risk_at < resolution.due_at < resolution.escalate_at


def test_a_portal_submission_starts_its_clocks_too(db):
    with frozen(at(2025, 4, 6, 9, 0)):
        ticket = ticket_services.ticket_submit_from_portal(
            kind="inquiry",
            subject="سؤال",
            description="متى يصل دوري؟",
            name="سارة",
            cpr="900101234",
            mobile="36001299",
        )
    assert list(Clock.objects.filter(ticket=ticket).values_list("target", "due_at")) == [
        ("resolution", at(2025, 4, 13, 14, 0))
    ]


def test_the_most_specific_policy_wins(agent):
    tawasul = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), channel="tawasul")
    assert tawasul.sla_policy_version.policy.name_en == "Tawasul complaints"
    assert clock(tawasul, "resolution").value == 14
    emergency = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), kind="maintenance", urgency="emergency")
    assert (clock(emergency, "resolution").unit, clock(emergency, "resolution").due_at) == (
        "calendar_days",
        at(2025, 4, 7, 9, 0),
    )


def test_the_under_your_command_window_is_thirty_calendar_days(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 3, 27, 13, 50), channel="uyc")
    assert clock(ticket, "resolution").due_at == at(2025, 4, 26, 13, 50)  # a Saturday: no rolling


def test_a_policy_change_does_not_touch_existing_tickets(agent):
    before = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    complaints = Policy.objects.get(kind="complaint", channel=None, priority=None)
    with frozen(at(2025, 4, 6, 10, 0)):
        sla_services.policy_version_create(
            policy=complaints,
            actor=None,
            targets={
                "acknowledgement": (0, "working_hours"),
                "first_response": (1, "working_days"),
                "resolution": (5, "working_days"),
            },
        )
    after = make_ticket(actor=agent, when=at(2025, 4, 6, 11, 0))
    assert clock(before, "resolution").due_at == at(2025, 4, 20, 14, 0)  # still 10 working days
    assert clock(after, "resolution").due_at == at(2025, 4, 13, 14, 0)  # the new 5
    # Reclassifying the old ticket keeps to the versions in force when it was created.
    with frozen(at(2025, 4, 7, 9, 0)):
        ticket_services.ticket_reclassify(ticket=before, actor=agent, priority="high")
    before.refresh_from_db()
    assert before.sla_policy_version.number == 1
    assert clock(before, "resolution").due_at == at(2025, 4, 20, 14, 0)


def test_pausing_while_awaiting_the_citizen_does_not_count_the_wait(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), kind="inquiry")  # due Sunday 13 April 14:00
    _move(ticket, "acknowledged", agent, at(2025, 4, 6, 9, 30))
    _move(ticket, "in_progress", agent, at(2025, 4, 6, 9, 40))
    _move(ticket, "awaiting_citizen", agent, at(2025, 4, 7, 10, 0))
    paused = clock(ticket, "resolution")
    assert (paused.state, paused.due_at) == ("paused", None)
    _move(ticket, "in_progress", agent, at(2025, 4, 8, 10, 0))  # seven working hours later
    resumed = clock(ticket, "resolution")
    assert (resumed.state, resumed.due_at) == ("running", at(2025, 4, 14, 14, 0))
    assert list(Pause.objects.filter(ticket=ticket).values_list("started_at", "ended_at")) == [
        (at(2025, 4, 7, 10, 0), at(2025, 4, 8, 10, 0))
    ]


def test_a_clock_already_past_its_deadline_is_not_paused(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), kind="inquiry")
    _move(ticket, "acknowledged", agent, at(2025, 4, 6, 9, 30))
    _move(ticket, "in_progress", agent, at(2025, 4, 6, 9, 40))
    _move(ticket, "awaiting_citizen", agent, at(2025, 4, 15, 9, 0))
    late = clock(ticket, "resolution")
    assert (late.state, late.due_at) == ("running", at(2025, 4, 13, 14, 0))


def test_answering_on_time_meets_every_clock_and_late_breaches(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    _move(ticket, "acknowledged", agent, at(2025, 4, 6, 10, 0))
    _move(ticket, "in_progress", agent, at(2025, 4, 6, 10, 5))
    with frozen(at(2025, 4, 10, 9, 0)):  # first reply two days late (due Tuesday 8 April 14:00)
        ticket_services.ticket_reply(ticket=ticket, body="نعمل على طلبك", actor=agent)
    first = clock(ticket, "first_response")
    assert (first.state, first.met_at, first.breached_at) == (
        "breached",
        at(2025, 4, 10, 9, 0),
        at(2025, 4, 8, 14),
    )
    _move(ticket, "responded", agent, at(2025, 4, 14, 9, 0))
    resolution = clock(ticket, "resolution")
    assert (resolution.state, resolution.met_at) == ("met", at(2025, 4, 14, 9, 0))
    assert resolution.elapsed == timedelta(hours=5 + 4 * 7 + 7 + 2)  # working time only


def test_reclassifying_follows_the_new_policy_and_keeps_verdicts(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    with frozen(at(2025, 4, 6, 12, 0)):
        ticket_services.ticket_reclassify(ticket=ticket, actor=agent, kind="inquiry", reason="سؤال لا شكوى")
    states = dict(Clock.objects.filter(ticket=ticket).values_list("target", "state"))
    assert states == {"acknowledgement": "met", "first_response": "stopped", "resolution": "running"}
    assert clock(ticket, "resolution").due_at == at(2025, 4, 13, 14, 0)
    assert ticket.events.filter(kind="internal_note").exists()


def test_reopening_starts_a_new_resolution_clock_and_keeps_the_old_verdict(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), kind="inquiry")
    _move(ticket, "acknowledged", agent, at(2025, 4, 6, 9, 30))
    _move(ticket, "in_progress", agent, at(2025, 4, 6, 9, 40))
    _move(ticket, "responded", agent, at(2025, 4, 9, 9, 0))
    _move(ticket, "in_progress", agent, at(2025, 4, 10, 9, 0), reason="المواطن لم يفهم الرد")
    first, second = Clock.objects.filter(ticket=ticket, target="resolution").order_by("cycle")
    assert (first.cycle, first.state) == (1, "met")
    assert (second.cycle, second.state, second.started_at) == (2, "running", at(2025, 4, 10, 9, 0))
    assert second.due_at == at(2025, 4, 17, 14, 0)


def test_merging_stops_the_duplicates_clocks(agent):
    original = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    duplicate = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 5), citizen=original.citizen)
    with frozen(at(2025, 4, 6, 10, 0)):
        ticket_services.ticket_merge(duplicate=duplicate, original=original, actor=agent)
    assert set(Clock.objects.filter(ticket=duplicate).values_list("state", flat=True)) == {"met", "stopped"}


def test_without_any_policy_a_ticket_simply_has_no_clocks(agent):
    ticket = make_ticket(actor=agent, when=at(2024, 6, 2, 9, 0))  # before any policy was in force
    ticket.refresh_from_db()
    assert ticket.sla_policy_version is None
    assert not Clock.objects.filter(ticket=ticket).exists()
    assert ticket.kind == Ticket.Kind.COMPLAINT
