"""Under Your Command on the home page: only for those who may read the queue (the panel's
permission is the queue's own rule, ``selectors.can_use_queue``)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from apps.core.dashboard import Figure, Panel, register
from apps.escalations import selectors
from apps.escalations.models import InformationRequest
from apps.escalations.workflow import OPEN_STATUSES, Status


def uyc_cases(*, user, now) -> list[Figure]:
    cases = selectors.visible_escalations(user, now=now).filter(status__in=OPEN_STATUSES)
    by_state = {
        s: Count("pk", filter=Q(status=s))
        for s in (Status.RECEIVED, Status.UNDER_STUDY, Status.REFERRED_TO_COMMITTEE, Status.DECIDED)
    }
    counts = cases.aggregate(
        late=Count("pk", filter=Q(due_at__lt=now)),
        week=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + timedelta(days=7))),
        **{str(s): c for s, c in by_state.items()},
    )
    queue = reverse("escalations:queue")
    figures = [
        Figure(str(s), s.label, counts[str(s)], f"{queue}?{urlencode({'status': s.value})}") for s in by_state
    ]
    figures += [
        Figure("uyc_week", _("7 days or fewer left"), counts["week"], queue, "warning"),
        Figure(
            "uyc_late",
            pgettext("deadline state, plural", "Past the 30 days"),
            counts["late"],
            f"{queue}?{urlencode({'overdue': 'on'})}",
            "danger",
        ),
    ]
    return figures


def department_questions(*, user, now) -> list[Figure]:
    counts = InformationRequest.objects.filter(
        department_id=user.department_id, status=InformationRequest.Status.OPEN
    ).aggregate(open=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    url = reverse("escalations:info_requests")
    return [
        Figure("questions_open", _("Questions to answer"), counts["open"], url),
        Figure(
            "questions_late", pgettext("deadline state, plural", "Overdue"), counts["late"], url, "danger"
        ),
    ]


def _answers_questions(user) -> bool:
    return user.has_perm(selectors.DEPARTMENT_QUEUE) and bool(user.department_id)


def register_panels() -> None:
    register(Panel("escalations:cases", _("Under Your Command"), selectors.can_use_queue, uyc_cases, order=5))
    register(
        Panel(
            "escalations:questions",
            _("Questions from senior management"),
            _answers_questions,
            department_questions,
            order=12,
        )
    )
