"""The sweep: at risk, breached (to the supervisor), still breached (to the head of department),
idempotent, safe when two run at once; the morning digest once a day."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.escalations.models import Escalation
from apps.notifications.models import Notification
from apps.sla import sweeps
from apps.sla.models import Clock, ClockNotice, DigestSent
from apps.tickets import services as ticket_services

from .helpers import at, clock, frozen, make_ticket

pytestmark = pytest.mark.usefixtures("sla_world")


@pytest.fixture
def people(db, department, agent):
    head = account_services.user_create(
        username="head", password="x" * 12, roles=[Role.DEPARTMENT_OFFICER], actor=None, department=department
    )
    department.head = head
    department.save(update_fields=["head"])
    own_supervisor = account_services.user_create(
        username="dept-supervisor",
        password="x" * 12,
        roles=[Role.SUPERVISOR],
        actor=None,
        department=department,
    )
    other_supervisor = account_services.user_create(
        username="other-supervisor", password="x" * 12, roles=[Role.SUPERVISOR], actor=None
    )
    return {"head": head, "supervisor": own_supervisor, "other_supervisor": other_supervisor, "agent": agent}


SUNDAY_MORNING = at(2025, 4, 6, 9, 0)


def _assigned_inquiry(people, department, when=SUNDAY_MORNING):
    """An inquiry received Sunday 6 April 2025 09:00: due Sunday 13 April 14:00."""
    ticket = make_ticket(actor=people["agent"], when=when, kind="inquiry", department=department)
    with frozen(when):
        ticket_services.ticket_assign(ticket=ticket, actor=people["agent"], assignee=people["agent"])
    return ticket


def _recipients(event):
    return sorted(
        Notification.objects.filter(event=event, channel="in_app").values_list(
            "recipient_user__username", flat=True
        )
    )


def test_a_clock_at_risk_warns_its_assignee_once(people, department):
    ticket = _assigned_inquiry(people, department)
    risky_from = clock(ticket, "resolution").at_risk_at
    early = sweeps.sla_sweep(now=risky_from - timedelta(minutes=1))
    assert (early.at_risk, early.breached) == (0, 0)
    result = sweeps.sla_sweep(now=risky_from + timedelta(minutes=1))
    assert (result.at_risk, result.breached) == (1, 0)
    sweeps.sla_notify_pending(now=risky_from + timedelta(minutes=1))
    assert _recipients("sla.at_risk") == ["agent"]
    sweeps.sla_sweep(now=risky_from + timedelta(minutes=6))
    sweeps.sla_notify_pending(now=risky_from + timedelta(minutes=6))
    assert _recipients("sla.at_risk") == ["agent"]


def test_each_escalation_level_reaches_the_right_person(people, department, settings):
    settings.HOUSING_SLA_BREACH_OPENS_UYC = True
    ticket = _assigned_inquiry(people, department)
    late = at(2025, 4, 13, 14, 5)
    assert sweeps.sla_sweep(now=late).breached == 1
    sweeps.sla_notify_pending(now=late)
    assert _recipients("sla.breached") == ["agent", "dept-supervisor"]  # not the other department's
    first = clock(ticket, "resolution")
    assert (first.state, first.escalation_level, first.breached_at) == ("breached", 1, at(2025, 4, 13, 14, 0))
    assert not _recipients("sla.escalated")
    # Late for as long again as the five working days allowed: the head of department.
    still_late = clock(ticket, "resolution").escalate_at + timedelta(minutes=1)
    assert still_late == at(2025, 4, 21, 12, 1)  # 40 working hours allowed, 40 more late
    assert sweeps.sla_sweep(now=still_late).second_level == 1
    sweeps.sla_notify_pending(now=still_late)
    assert _recipients("sla.escalated") == ["head"]
    assert clock(ticket, "resolution").escalation_level == 2
    case = Escalation.objects.get(ticket=ticket)
    assert case.source == "sla_breach"


def test_the_second_level_does_not_open_a_case_unless_enabled(people, department, settings):
    settings.HOUSING_SLA_BREACH_OPENS_UYC = False
    ticket = _assigned_inquiry(people, department)
    sweeps.sla_sweep(now=at(2025, 4, 13, 14, 5))
    sweeps.sla_sweep(now=at(2025, 4, 21, 13, 0))
    sweeps.sla_notify_pending(now=at(2025, 4, 21, 13, 0))
    assert _recipients("sla.escalated") == ["head"]
    assert not Escalation.objects.filter(ticket=ticket).exists()


def test_a_breach_answered_before_the_second_level_stops_escalating(people, department):
    ticket = _assigned_inquiry(people, department)
    sweeps.sla_sweep(now=at(2025, 4, 13, 14, 5))
    for status in ("acknowledged", "in_progress", "responded"):
        with frozen(at(2025, 4, 14, 9, 0)):
            ticket_services.ticket_transition(ticket=ticket, to_status=status, actor=people["agent"])
    assert sweeps.sla_sweep(now=at(2025, 4, 21, 9, 0)).second_level == 0
    answered = clock(ticket, "resolution")
    assert (answered.state, answered.met_at) == ("breached", at(2025, 4, 14, 9, 0))


def test_the_sweep_run_twice_escalates_once(people, department):
    ticket = _assigned_inquiry(people, department)
    late = at(2025, 4, 13, 14, 5)
    first = sweeps.sla_sweep(now=late)
    second = sweeps.sla_sweep(now=late + timedelta(minutes=5))
    assert (first.breached, second.breached) == (1, 0)
    assert sweeps.sla_notify_pending(now=late) == 1
    assert sweeps.sla_notify_pending(now=late) == 0
    assert ClockNotice.objects.filter(clock__ticket=ticket, kind="breach").count() == 1
    assert len(_recipients("sla.breached")) == 2


def test_the_sweep_takes_a_fixed_number_of_queries(people, department, django_assert_num_queries):
    for day in (6, 7):
        _assigned_inquiry(people, department, when=at(2025, 4, day, 9, 0))
    # A savepoint (the test's own transaction), the lock, one statement per kind of notice, release.
    with django_assert_num_queries(6):
        result = sweeps.sla_sweep(now=at(2025, 4, 21, 9, 0))
    assert result.breached == 2


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_do_not_double_anything(people, department):
    tickets = [_assigned_inquiry(people, department, when=at(2025, 4, 6, 9, m)) for m in range(6)]
    late = at(2025, 4, 13, 14, 5)
    barrier = threading.Barrier(4)
    results, sent, errors = [], [], []

    def sweep():
        try:
            barrier.wait()
            results.append(sweeps.sla_sweep(now=late))
            sent.append(sweeps.sla_notify_pending(now=late, limit=4))
            sent.append(sweeps.sla_notify_pending(now=late, limit=4))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r.breached for r in results) == len(tickets)
    assert sum(sent) == len(tickets)
    assert ClockNotice.objects.filter(kind="breach").count() == len(tickets)
    assert Notification.objects.filter(event="sla.breached", channel="in_app").count() == 2 * len(tickets)
    assert set(Clock.objects.filter(target="resolution").values_list("state", flat=True)) == {"breached"}


def test_the_morning_digest_goes_once_a_day_to_each_department_head(people, department):
    _assigned_inquiry(people, department)
    _assigned_inquiry(people, department, when=at(2025, 4, 10, 9, 0))
    morning = at(2025, 4, 14, 6, 30)
    assert sweeps.sla_digest(now=morning) == 1
    assert sweeps.sla_digest(now=morning + timedelta(minutes=10)) == 0
    digest = Notification.objects.get(event="sla.digest", channel="in_app")
    assert digest.recipient_user == people["head"]
    assert digest.context["open_count"] == 2
    assert digest.context["breached_count"] == 1
    assert DigestSent.objects.count() == 1


def test_the_sweep_and_digest_commands_run_the_same_services(people, department):
    from io import StringIO

    from django.core.management import call_command

    _assigned_inquiry(people, department)
    out = StringIO()
    with frozen(at(2025, 4, 13, 14, 5)):
        call_command("sla_sweep", stdout=out)
        call_command("sla_digest", stdout=out)
    assert "breached=1" in out.getvalue() and "sent=1" in out.getvalue()
    assert "digests=1" in out.getvalue()


def test_a_handled_breach_notice_sends_clock_breached_once(people, department):
    from apps.sla import signals

    ticket = _assigned_inquiry(people, department)
    heard = []

    def receiver(sender, *, clock, ticket, now, **kwargs):
        heard.append((clock.target, ticket.pk, now))

    signals.clock_breached.connect(receiver, dispatch_uid="test.clock_breached")
    try:
        late = at(2025, 4, 13, 14, 5)
        sweeps.sla_sweep(now=late)
        sweeps.sla_notify_pending(now=late)
        sweeps.sla_notify_pending(now=late + timedelta(minutes=1))  # nothing left: not sent again
    finally:
        signals.clock_breached.disconnect(dispatch_uid="test.clock_breached")
    assert heard == [("resolution", ticket.pk, late)]
