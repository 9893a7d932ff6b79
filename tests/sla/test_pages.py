"""Deadline badges and the filter in the staff list, the ticket's deadlines and extension form,
and the deadlines dashboard (who may see it, what it counts)."""

import pytest
from django.urls import reverse

from apps.sla import sweeps
from apps.sla.models import Extension

from .helpers import at, frozen, make_ticket

pytestmark = pytest.mark.usefixtures("sla_world")


@pytest.fixture
def three_tickets(agent):
    """Seen on Tuesday 15 April 2025 10:00: one late, one at risk, one on time (inquiries, 5 working days)."""
    late = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), kind="inquiry")  # due 13 April
    risky = make_ticket(
        actor=agent, when=at(2025, 4, 8, 9, 0), kind="inquiry"
    )  # due 15 April 14:00, 90% used
    fresh = make_ticket(actor=agent, when=at(2025, 4, 15, 9, 0), kind="inquiry")  # due 22 April
    return {"breached": late, "at_risk": risky, "on_time": fresh}


def test_the_staff_list_shows_a_badge_per_ticket_and_filters_on_it(login, agent, three_tickets):
    client = login(agent)
    with frozen(at(2025, 4, 15, 10, 0)):
        page = client.get(reverse("tickets:list")).content.decode()
        for state, ticket in three_tickets.items():
            row = page.split(f'data-review-number="{ticket.review_number}"')[1].split("</tr>")[0]
            assert f'data-sla="{state}"' in row
        for state, ticket in three_tickets.items():
            filtered = client.get(reverse("tickets:list"), {"sla_state": state}).content.decode()
            numbers = {
                t.review_number
                for t in three_tickets.values()
                if f'data-review-number="{t.review_number}"' in filtered
            }
            assert numbers == {ticket.review_number}


def test_the_remaining_working_time_is_shown_on_the_badge(login, agent, three_tickets):
    with frozen(at(2025, 4, 21, 10, 0)):  # Monday; the fresh one is due Tuesday 22 April 14:00
        page = (
            login(agent).get(reverse("tickets:detail", args=[three_tickets["on_time"].pk])).content.decode()
        )
    # 4 hours today and 7 tomorrow: one 7-hour working day and 4 hours.
    assert "يوم عمل واحد و4 ساعات" in page
    assert 'data-testid="sla-clocks"' in page


def test_staff_extend_a_deadline_from_the_ticket_page(login, agent, three_tickets):
    ticket = three_tickets["on_time"]
    with frozen(at(2025, 4, 16, 9, 0)):
        response = login(agent).post(
            reverse("tickets:extend", args=[ticket.pk]),
            {"extend-new_due": "2025-04-28", "extend-reason": "ننتظر رأي الإدارة القانونية"},
        )
    assert response.status_code == 302
    assert Extension.objects.get(clock__ticket=ticket).new_due_at == at(2025, 4, 28, 14, 0)


def test_an_extension_without_a_reason_is_refused_on_the_page(login, agent, three_tickets):
    ticket = three_tickets["on_time"]
    with frozen(at(2025, 4, 16, 9, 0)):
        response = login(agent).post(
            reverse("tickets:extend", args=[ticket.pk]),
            {"extend-new_due": "2025-04-28", "extend-reason": ""},
            HTTP_HX_REQUEST="true",
        )
    assert 'data-testid="action-error"' in response.content.decode()
    assert not Extension.objects.exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("supervisor", True),
        ("senior", True),
        ("admin_user", True),
        ("agent", False),
        ("officer", False),
        ("outsider", False),
    ],
)
def test_only_supervisors_senior_management_and_administrators_see_the_dashboard(
    request, login, persona, allowed
):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("sla:dashboard"))
    assert response.status_code == (200 if allowed else 403)
    assert ('data-testid="by-department"' in response.content.decode()) is allowed


def test_the_dashboard_counts_per_department_and_per_kind(
    login, supervisor, agent, department, three_tickets
):
    for ticket in three_tickets.values():
        type(ticket).objects.filter(pk=ticket.pk).update(department=department)
    answered = make_ticket(actor=agent, when=at(2025, 4, 1, 9, 0), kind="inquiry")
    from apps.tickets import services as ticket_services

    for status in ("acknowledged", "in_progress", "responded"):
        with frozen(at(2025, 4, 3, 9, 0)):
            ticket_services.ticket_transition(ticket=answered, to_status=status, actor=agent)
    with frozen(at(2025, 4, 15, 10, 0)):
        sweeps.sla_sweep()
        page = login(supervisor).get(reverse("sla:dashboard")).content.decode()
    table = page.split('data-testid="by-department"')[1].split("</table>")[0]
    row = table.split(f'data-row="{department.pk}"')[1].split("</tr>")[0]
    assert 'data-cell="open">3<' in row
    assert ">1</span>" in row.split('data-cell="at_risk"')[1].split("</td>")[0]
    assert ">1</span>" in row.split('data-cell="breached"')[1].split("</td>")[0]
    kinds = page.split('data-testid="by-kind"')[1].split("</table>")[0]
    inquiry = kinds.split('data-row="inquiry"')[1].split("</tr>")[0]
    # This month: the answered one met its deadline, the late one breached it.
    assert "50.0%" in inquiry and "(1/2)" in inquiry
    # Received on Tuesday 1 April (Eid), answered Thursday 3 April 09:00: 7 + 2 working hours.
    assert inquiry.split('data-cell="median"')[1].split("</td>")[0] == ">يوم عمل واحد وساعتان"


def test_the_dashboard_is_in_the_navigation_for_supervisors_only(login, supervisor, agent):
    assert reverse("sla:dashboard") in login(supervisor).get(reverse("tickets:list")).content.decode()
    assert reverse("sla:dashboard") not in login(agent).get(reverse("tickets:list")).content.decode()


def test_the_all_row_gives_the_median_time_to_respond_over_every_ticket(login, supervisor, agent):
    """Hand-computed: first answers of 2 h and 5 h (inquiries), 9 h (a complaint's first
    response) and 20 h (a suggestion's answer) — the median of the four is (5 + 9) / 2 = 7 h, not
    the median of the per-kind medians (3.5 h, 9 h, 20 h → 9 h)."""
    from datetime import timedelta

    from apps.sla import clock_selectors
    from apps.sla.models import Clock
    from apps.tickets.models import Ticket

    answered = {
        ("inquiry", "resolution"): [2, 5],
        ("complaint", "first_response"): [9],
        ("suggestion", "resolution"): [20],
    }
    for (kind, target), hours in answered.items():
        for h in hours:
            ticket = make_ticket(actor=agent, when=at(2025, 4, 1, 9, 0), kind=kind)
            assert Clock.objects.filter(ticket=ticket, target=target).update(
                met_at=at(2025, 4, 10, 9, 0), state="met", elapsed=timedelta(hours=h)
            )
    # An answer last month counts in no median of this month.
    old = make_ticket(actor=agent, when=at(2025, 3, 2, 9, 0), kind="inquiry")
    Clock.objects.filter(ticket=old, target="resolution").update(
        met_at=at(2025, 3, 3, 9, 0), state="met", elapsed=timedelta(hours=100)
    )

    with frozen(at(2025, 4, 15, 10, 0)):
        rows = clock_selectors.dashboard(tickets=Ticket.objects.all(), group="kind")
        page = login(supervisor).get(reverse("sla:dashboard")).content.decode()
    medians = {r.key: r.median_response for r in rows}
    assert medians["inquiry"] == timedelta(hours=3, minutes=30)
    assert medians["complaint"] == timedelta(hours=9)
    assert medians["suggestion"] == timedelta(hours=20)
    assert medians["total"] == timedelta(hours=7)
    kinds = page.split('data-testid="by-kind"')[1].split("</table>")[0]
    total = kinds.split('data-row="total"')[1].split("</tr>")[0]
    cell = total.split('data-cell="median"')[1].split("</td>")[0]
    assert cell == ">يوم عمل واحد"  # 7 working hours are one working day


def test_the_dashboard_computes_the_all_row_once_for_both_tables(login, supervisor, agent, three_tickets):
    """The "All" row does not depend on the grouping: the page asks PostgreSQL for its median
    once (one grouped median per table, one for the row), and both tables show the same row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(supervisor)
    with frozen(at(2025, 4, 15, 10, 0)), CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("sla:dashboard")).content.decode()
    medians = [q["sql"] for q in queries.captured_queries if "PERCENTILE_CONT" in q["sql"]]
    assert len(medians) == 3
    totals = [
        page.split(f'data-testid="{table}"')[1].split('data-row="total"')[1].split("</tr>")[0]
        for table in ("by-department", "by-kind")
    ]
    assert totals[0] == totals[1]
    assert 'data-cell="open">3<' in totals[0]


def test_a_late_ticket_with_another_clock_at_risk_counts_as_late_only(agent, department, three_tickets):
    from datetime import timedelta

    from apps.sla.clock_selectors import open_ticket_counts
    from apps.sla.models import Clock
    from apps.tickets.models import Ticket

    for ticket in three_tickets.values():
        Ticket.objects.filter(pk=ticket.pk).update(department=department)
    now = at(2025, 4, 15, 10, 0)
    with frozen(now):
        sweeps.sla_sweep()
    late = three_tickets["breached"]
    risky_clock = Clock.objects.get(ticket=late, target="resolution")
    risky_clock.pk = None
    risky_clock.target = "first_response"
    risky_clock.state = Clock.State.RUNNING
    risky_clock.breached_at = risky_clock.met_at = None
    risky_clock.at_risk_at = now - timedelta(hours=1)
    risky_clock.due_at = now + timedelta(hours=1)
    risky_clock.save(force_insert=True)

    counts = {
        row["department_id"]: row
        for row in open_ticket_counts(Ticket.objects.all(), "department_id", now=now)
    }
    digest = sweeps.digest_figures(now=now)

    assert (
        counts[department.pk]["open"],
        counts[department.pk]["breached"],
        counts[department.pk]["at_risk"],
    ) == (3, 1, 1)
    assert digest[department.pk] == {"open": 3, "at_risk": 1, "breached": 1}
