"""The contact centre's panels on the home page: callbacks and follow-ups, today's calls."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from apps.contacts import selectors
from apps.contacts.models import Callback, Contact, FollowUp
from apps.core.dashboard import Figure, Panel, register


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    start = datetime.combine(today, time.min, tz)
    return start, start + timedelta(days=1)


def agent_desk(*, user, now) -> list[Figure]:
    _start, end_of_day = _day_bounds(now)
    callbacks = Callback.objects.filter(assigned_to=user, status=Callback.Status.SCHEDULED).aggregate(
        today=Count("pk", filter=Q(due_at__lt=end_of_day)),
        late=Count("pk", filter=Q(due_at__lt=now)),
    )
    follow_ups = FollowUp.objects.filter(contact__agent=user).aggregate(
        open=Count("pk", filter=Q(status=FollowUp.Status.OPEN)),
        answered=Count(
            "pk", filter=Q(status=FollowUp.Status.CLOSED, answered_at__gte=now - timedelta(days=7))
        ),
    )
    console = reverse("contacts:console")
    mine = reverse("contacts:follow_ups")
    return [
        Figure("callbacks_today", _("Callbacks due today"), callbacks["today"], f"{console}#callbacks"),
        Figure(
            "callbacks_late",
            _("Callbacks past their time"),
            callbacks["late"],
            f"{console}#callbacks",
            "danger",
        ),
        Figure(
            "my_follow_ups_open",
            _("My referrals waiting for a department"),
            follow_ups["open"],
            f"{mine}?{urlencode({'referred': 'me', 'status': 'open'})}",
        ),
        Figure(
            "my_follow_ups_answered",
            _("Answered by a department this week"),
            follow_ups["answered"],
            f"{mine}?{urlencode({'referred': 'me', 'status': 'closed'})}",
        ),
    ]


def contacts_today(*, user, now) -> list[Figure]:
    start, end = _day_bounds(now)
    counts = Contact.objects.filter(offered_at__gte=start, offered_at__lt=end).aggregate(
        total=Count("pk"),
        abandoned=Count("pk", filter=Q(answered_at__isnull=True)),
        follow_ups=Count("pk", filter=Q(follow_up__isnull=False)),
    )
    today = timezone.localdate(now).isoformat()
    base = reverse("contacts:contact_list")
    return [
        Figure(
            "contacts_today",
            _("Contacts today"),
            counts["total"],
            f"{base}?{urlencode({'start': today, 'end': today})}",
        ),
        Figure(
            "abandoned_today",
            _("Calls abandoned today"),
            counts["abandoned"],
            f"{base}?{urlencode({'start': today, 'end': today, 'answered': 'no'})}",
            "warning",
        ),
        Figure(
            "follow_ups_today",
            _("Referred to a department today"),
            counts["follow_ups"],
            f"{base}?{urlencode({'start': today, 'end': today, 'follow_up': 'open'})}",
        ),
    ]


def department_follow_ups(*, user, now) -> list[Figure]:
    counts = FollowUp.objects.filter(department_id=user.department_id, status=FollowUp.Status.OPEN).aggregate(
        open=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now))
    )
    url = reverse("contacts:follow_ups")
    return [
        Figure("department_follow_ups", _("Follow-ups to answer"), counts["open"], url),
        Figure(
            "department_follow_ups_late",
            pgettext("deadline state, plural", "Overdue"),
            counts["late"],
            url,
            "danger",
        ),
    ]


def _agent(user) -> bool:
    return user.has_perm(selectors.CONSOLE_PERMISSION)


def _officer(user) -> bool:
    return user.has_perm(selectors.DEPARTMENT_PERMISSION) and bool(user.department_id)


def register_panels() -> None:
    register(Panel("contacts:agent", _("My callbacks and referrals"), _agent, agent_desk, order=15))
    register(
        Panel(
            "contacts:today", _("Today's contacts"), selectors.SUPERVISOR_PERMISSION, contacts_today, order=25
        )
    )
    register(
        Panel(
            "contacts:follow_ups", _("My department's follow-ups"), _officer, department_follow_ups, order=11
        )
    )
