"""The committee on the home page: the pool waiting for an agenda and the next meeting."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.committee import selectors
from apps.committee.models import Meeting, MeetingStatus, Referral, ReferralStatus
from apps.core.dashboard import Figure, Panel, register
from apps.core.errors import NotFound
from apps.core.templatetags.dates import format_day


def committee_work(*, user, now) -> list[Figure]:
    try:
        committee = selectors.default_committee(user)
    except NotFound:  # no committee set up yet: nothing to count
        return []
    counts = Referral.objects.filter(committee=committee, status=ReferralStatus.PENDING).aggregate(
        pending=Count("pk"), deferred=Count("pk", filter=Q(deferral_count__gt=0))
    )
    pool = reverse("committee:pool")
    figures = [
        Figure("pool", _("Referrals waiting for an agenda"), counts["pending"], pool),
        Figure("deferred", _("Of them deferred before"), counts["deferred"], pool, "warning"),
    ]
    meeting = (
        Meeting.objects.filter(
            committee=committee, status=MeetingStatus.PLANNED, date__gte=timezone.localdate(now)
        )
        .annotate(items=Count("agenda"))
        .order_by("date", "number")
        .first()
    )
    if meeting is not None:
        figures.append(
            Figure(
                "next_meeting",
                _("Items on the next meeting's agenda"),
                meeting.items,
                reverse("committee:meeting", args=[meeting.pk]),
                detail=format_day(meeting.date),
            )
        )
    else:
        figures.append(Figure("next_meeting", _("No meeting planned"), None, reverse("committee:meetings")))
    return figures


def register_panels() -> None:
    register(Panel("committee:work", _("Committee"), selectors.can_view, committee_work, order=40))
