"""The tickets' panels on the home page: one grouped count per panel, each figure a link."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from apps.core.dashboard import Figure, Panel, register
from apps.sla.clock_selectors import late_q, risky_q
from apps.sla.models import Clock
from apps.tickets import selectors
from apps.tickets.workflow import OPEN_STATUSES, Status


def _list(**params) -> str:
    return f"{reverse('tickets:list')}?{urlencode(params)}"


def _counts(queryset, now) -> dict:
    of_ticket = Clock.objects.filter(ticket_id=OuterRef("pk"))
    late = Exists(of_ticket.filter(late_q(now)))
    risky = Exists(of_ticket.filter(risky_q(now)))
    return queryset.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("pk"),
        late=Count("pk", filter=Q(late)),
        at_risk=Count("pk", filter=Q(risky) & ~Q(late)),
        waiting=Count("pk", filter=Q(status=Status.NEW, assignee__isnull=True)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
    )


def my_tickets(*, user, now) -> list[Figure]:
    counts = _counts(selectors.visible_tickets(user).filter(assignee=user), now)
    return [
        Figure("mine", _("My open tickets"), counts["open"], reverse("tickets:my_work")),
        Figure(
            "mine_late",
            pgettext("deadline state, plural", "Overdue"),
            counts["late"],
            _list(assignee="me", status="open", sla_state="breached"),
            "danger",
        ),
        Figure(
            "mine_at_risk",
            pgettext("deadline state, plural", "At risk"),
            counts["at_risk"],
            _list(assignee="me", status="open", sla_state="at_risk"),
            "warning",
        ),
    ]


def department_tickets(*, user, now) -> list[Figure]:
    if not user.department_id:
        return []
    department = user.department_id
    counts = _counts(selectors.visible_tickets(user).filter(department_id=department), now)
    return [
        Figure(
            "department_open",
            _("Open in my department"),
            counts["open"],
            _list(department=department, status="open"),
        ),
        Figure(
            "department_unassigned",
            _("Nobody has taken yet"),
            counts["unassigned"],
            _list(department=department, status="open", assignee="none"),
        ),
        Figure(
            "department_late",
            pgettext("deadline state, plural", "Overdue"),
            counts["late"],
            _list(department=department, status="open", sla_state="breached"),
            "danger",
        ),
    ]


def all_tickets(*, user, now) -> list[Figure]:
    counts = _counts(selectors.visible_tickets(user), now)
    return [
        Figure(
            "waiting", _("New, nobody has taken yet"), counts["waiting"], _list(status="new", assignee="none")
        ),
        Figure(
            "late",
            pgettext("deadline state, plural", "Overdue"),
            counts["late"],
            _list(status="open", sla_state="breached"),
            "danger",
        ),
        Figure(
            "at_risk",
            pgettext("deadline state, plural", "At risk"),
            counts["at_risk"],
            _list(status="open", sla_state="at_risk"),
            "warning",
        ),
        Figure("open", _("Open tickets"), counts["open"], _list(status="open")),
    ]


def _works_tickets(user) -> bool:
    return user.has_perm(selectors.WORK) and user.has_perm("accounts.use_agent_console")


def _supervises(user) -> bool:
    return user.has_perm("accounts.view_supervisor_dashboard") and user.has_perm(selectors.VIEW_ALL)


def _department_officer(user) -> bool:
    return user.has_perm("accounts.work_department_queue") and bool(user.department_id)


def register_panels() -> None:
    register(Panel("tickets:mine", _("My tickets"), _works_tickets, my_tickets, order=20))
    register(
        Panel(
            "tickets:department",
            _("My department's tickets"),
            _department_officer,
            department_tickets,
            order=10,
        )
    )
    register(Panel("tickets:all", _("Tickets of every department"), _supervises, all_tickets, order=30))
