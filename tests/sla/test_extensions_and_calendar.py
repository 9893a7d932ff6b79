"""Extensions (recorded, told to the citizen, refused without reason or to an earlier date) and
calendar changes (open deadlines recomputed, met ones protected)."""

from datetime import date

import pytest

from apps.notifications.models import Notification
from apps.sla import clock_services
from apps.sla import services as sla_services
from apps.sla.errors import CalendarChangeRefused, ExtensionRefused
from apps.sla.models import Extension, Holiday
from apps.tickets import services as ticket_services

from .helpers import at, clock, frozen, make_ticket

pytestmark = pytest.mark.usefixtures("sla_world")


def _answer(ticket, actor, when):
    for status, minutes in (("acknowledged", 0), ("in_progress", 1), ("responded", 2)):
        with frozen(when.replace(minute=minutes)):
            ticket_services.ticket_transition(ticket=ticket, to_status=status, actor=actor)


def test_an_extension_moves_the_deadline_is_recorded_and_tells_the_citizen(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    assert clock(ticket, "resolution").due_at == at(2025, 4, 20, 14, 0)
    with frozen(at(2025, 4, 14, 9, 0)):
        extension = clock_services.clock_extend(
            ticket=ticket, new_due=date(2025, 4, 24), reason="ننتظر تقرير المعاينة", actor=agent
        )
    extended = clock(ticket, "resolution")
    assert extended.due_at == at(2025, 4, 24, 14, 0)
    assert (extension.old_due_at, extension.new_due_at, extension.actor) == (
        at(2025, 4, 20, 14, 0),
        at(2025, 4, 24, 14, 0),
        agent,
    )
    sms = Notification.objects.get(event="sla.extended", channel="sms")
    assert sms.to_phone == ticket.contact_phone
    assert "ننتظر تقرير المعاينة" in sms.body


@pytest.mark.parametrize(
    ("new_due", "reason", "code"),
    [
        (date(2025, 4, 24), "  ", "sla_extension_reason_required"),
        (date(2025, 4, 17), "ننتظر التقرير", "sla_extension_not_later"),
        (None, "ننتظر التقرير", "sla_extension_date_required"),
    ],
)
def test_an_extension_without_reason_or_to_an_earlier_date_is_refused_and_saves_nothing(
    agent, new_due, reason, code
):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    with frozen(at(2025, 4, 14, 9, 0)), pytest.raises(ExtensionRefused) as refused:
        clock_services.clock_extend(ticket=ticket, new_due=new_due, reason=reason, actor=agent)
    assert refused.value.code == code
    assert clock(ticket, "resolution").due_at == at(2025, 4, 20, 14, 0)
    assert not Extension.objects.exists()
    assert not Notification.objects.filter(event="sla.extended").exists()


def test_a_met_deadline_cannot_be_extended(agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    _answer(ticket, agent, at(2025, 4, 7, 9, 0))
    with frozen(at(2025, 4, 8, 9, 0)), pytest.raises(ExtensionRefused) as refused:
        clock_services.clock_extend(ticket=ticket, new_due=date(2025, 4, 30), reason="سبب", actor=agent)
    assert refused.value.code == "sla_extension_clock_closed"


def test_moving_an_estimated_holiday_recomputes_open_deadlines_only(agent, admin_user):
    prophets_birthday = Holiday.objects.get(date=date(2025, 9, 4))
    Holiday.objects.filter(pk=prophets_birthday.pk).update(estimated=True, confirmed_at=None)
    answered = make_ticket(actor=agent, when=at(2025, 8, 24, 9, 0), kind="inquiry")
    _answer(answered, agent, at(2025, 8, 26, 9, 0))
    met_before = clock(answered, "resolution")
    open_ticket = make_ticket(actor=agent, when=at(2025, 8, 31, 9, 0), kind="inquiry")
    assert clock(open_ticket, "resolution").due_at == at(2025, 9, 8, 14, 0)  # Thursday 4th is a holiday
    with frozen(at(2025, 9, 1, 10, 0)):
        sla_services.holiday_move(holiday=prophets_birthday, to_date=date(2025, 9, 11), actor=admin_user)
    moved = clock(open_ticket, "resolution")
    assert moved.due_at == at(2025, 9, 7, 14, 0)  # the 4th is worked now
    assert moved.at_risk_at < moved.due_at < moved.escalate_at
    untouched = clock(answered, "resolution")
    assert (untouched.state, untouched.due_at, untouched.met_at) == (
        "met",
        met_before.due_at,
        met_before.met_at,
    )


def test_a_calendar_change_that_would_move_a_met_deadline_is_refused(agent, admin_user):
    prophets_birthday = Holiday.objects.get(date=date(2025, 9, 4))
    answered = make_ticket(actor=agent, when=at(2025, 9, 1, 9, 0), kind="inquiry")
    _answer(answered, agent, at(2025, 9, 7, 9, 0))
    open_ticket = make_ticket(actor=agent, when=at(2025, 8, 31, 9, 0), kind="inquiry")
    with frozen(at(2025, 9, 8, 10, 0)), pytest.raises(CalendarChangeRefused) as refused:
        sla_services.holiday_move(holiday=prophets_birthday, to_date=date(2025, 9, 11), actor=admin_user)
    assert refused.value.details["clocks"][0]["review_number"] == answered.review_number
    assert Holiday.objects.filter(date=date(2025, 9, 4)).exists()
    assert clock(open_ticket, "resolution").due_at == at(2025, 9, 8, 14, 0)
