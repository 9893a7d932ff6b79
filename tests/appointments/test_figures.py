"""Supervisor figures and statement figures against hand-computed counts on a fixture
month, and the timeline entry."""

from datetime import datetime, timedelta

import pytest

from apps.appointments import selectors, services
from apps.appointments.models import Appointment, Status
from apps.citizens import timeline
from tests.appointments.conftest import BH, at, make_citizen

pytestmark = pytest.mark.django_db


def _row(catalogue, *, branch, service, start, status, booked_at=None, channel="phone", wait=None):
    appointment = Appointment.objects.create(
        reference=services.next_reference(),
        citizen=make_citizen(),
        branch=catalogue[branch],
        service=catalogue[service],
        slot_start=start,
        slot_end=start + timedelta(minutes=30),
        status=status,
        channel=channel,
        booked_at=booked_at or start - timedelta(days=2),
    )
    if wait is not None:
        appointment.checked_in_at = start
        appointment.served_at = start + timedelta(minutes=wait)
        appointment.save()
    return appointment


@pytest.fixture
def month(catalogue):
    """May 2026 at the head office (Mazaya) and Al Moayyed (Mazaya)."""
    rows = [
        _row(
            catalogue,
            branch="hq",
            service="mazaya",
            start=at(3, 9, 0, month=5),
            status=Status.SERVED,
            wait=10,
        ),
        _row(
            catalogue,
            branch="hq",
            service="mazaya",
            start=at(3, 9, 30, month=5),
            status=Status.SERVED,
            wait=20,
        ),
        _row(catalogue, branch="hq", service="mazaya", start=at(3, 10, 0, month=5), status=Status.NO_SHOW),
        _row(catalogue, branch="hq", service="mazaya", start=at(3, 10, 30, month=5), status=Status.CANCELLED),
        _row(
            catalogue,
            branch="moayyed",
            service="mazaya",
            start=at(4, 9, 0, month=5),
            status=Status.CHECKED_IN,
        ),
        _row(
            catalogue,
            branch="hq",
            service="mazaya",
            start=at(3, 11, 0, month=5),
            status=Status.SERVED,
            channel="walk_in",
            wait=30,
        ),
        # booked in April for May 3: counts as dated in May, booked in April
        _row(
            catalogue,
            branch="hq",
            service="mazaya",
            start=at(3, 11, 30, month=5),
            status=Status.NO_SHOW,
            booked_at=at(28, 9, 0, month=4),
        ),
        # booked in May for June: booked in May, not dated in May
        _row(
            catalogue,
            branch="moayyed",
            service="mazaya",
            start=at(8, 9, 0),
            status=Status.BOOKED,
            booked_at=at(20, 9, 0, month=5),
        ),
    ]
    return rows


def test_supervisor_figures_equal_the_hand_counts(month, catalogue):
    from datetime import date

    rows = selectors.supervisor_figures(first=date(2026, 5, 1), last=date(2026, 5, 31), by_day=False)
    hq = next(r for r in rows if r.branch == catalogue["hq"] and r.service == catalogue["mazaya"])
    assert (hq.booked, hq.attended, hq.no_show, hq.cancelled, hq.walk_ins) == (4, 2, 2, 1, 1)
    assert hq.average_wait == 20.0  # (10 + 20 + 30) / 3
    # 21 working days in May 2026 (1 May is a Friday), 6 hours × 2 slots × 2 counters = 24 a day
    assert hq.capacity == 21 * 24
    assert hq.utilisation == round(4 * 100 / (21 * 24), 1)
    moayyed = next(r for r in rows if r.branch == catalogue["moayyed"])
    assert (moayyed.booked, moayyed.attended) == (1, 1)


def test_each_figure_links_to_the_appointments_behind_it(month, catalogue, client, supervisor):
    from datetime import date

    client.force_login(supervisor)
    rows = selectors.supervisor_figures(first=date(2026, 5, 1), last=date(2026, 5, 31), by_day=False)
    hq = next(r for r in rows if r.branch == catalogue["hq"] and r.service == catalogue["mazaya"])
    listed = client.get(hq.links["no_show"])
    assert listed.status_code == 200
    body = listed.content.decode()
    assert all(
        (a.reference in body) == (a.status == Status.NO_SHOW and a.branch == catalogue["hq"]) for a in month
    )
    page = client.get("/appointments/figures/?start=2026-05-01&end=2026-05-31")
    assert page.status_code == 200
    assert hq.links["booked"].replace("&", "&amp;") in page.content.decode()


def test_statement_figures_of_the_month(month, catalogue):
    figures = selectors.statement_figures(
        start=datetime(2026, 5, 1, tzinfo=BH), end=datetime(2026, 6, 1, tzinfo=BH)
    )
    assert figures["appointments.booked.hq.mazaya"] == 4  # the April booking is not May's
    assert figures["appointments.booked.bank-moayyed.mazaya"] == 2
    assert figures["appointments.booked.hq.new-application"] == 0  # every pair listed
    booked_keys = [k for k in figures if k.startswith("appointments.booked.")]
    assert [figures[k] for k in booked_keys] == sorted((figures[k] for k in booked_keys), reverse=True)
    assert figures["appointments.attended"] == 3
    assert figures["appointments.no_show"] == 2
    assert figures["appointments.cancelled"] == 1


def test_appointments_appear_in_the_citizens_timeline(catalogue, agent, frozen):
    citizen = make_citizen()
    appointment = services.appointment_book(
        citizen=citizen,
        service=catalogue["mazaya"],
        branch=catalogue["hq"],
        slot_start=at(8, 9, 0),
        channel="phone",
    )
    page = timeline.citizen_timeline(citizen=citizen, viewer=agent)
    entry = next(e for e in page.entries if e.kind == "appointment")
    assert entry.id == appointment.pk
    assert appointment.reference in dict(entry.details).values()
