"""Alerts about unusual reading of citizens' files.

**Outside their cases.** A read of a citizen's file (``citizens.CitizenAccess``) by a member
of staff is *inside their cases* when, by the end of that day, the reader

- is or was the assignee of, created, or wrote anything on (an event of) a ticket of the
  citizen;
- handled (as the agent) a contact with the citizen; or
- booked, checked in or served an appointment of the citizen.

Every other read is *outside their cases*. A member of staff who opened more distinct
citizens' files outside their cases in one local day than
``HOUSING_PRIVACY_UNUSUAL_READS_PER_DAY`` (default 20) gets one ``UnusualReadingAlert`` for
that day. The reads counted are distinct citizens, so reopening one file does not add up.

The sweep (``unusual_reading_sweep``, every 30 minutes and by ``manage.py
privacy_unusual_reading``) counts today and yesterday (reads at the end of a day are caught
by the next run) set-based, in one query per day, and writes with ``INSERT … ON CONFLICT``
on (user, day): running it twice changes nothing, and a day whose count grew updates its
row. Each alert raised for the first time is told to the data-protection officers in the
bell (``privacy.unusual_reading``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.appointments import selectors as appointment_selectors
from apps.citizens import selectors as citizen_selectors
from apps.contacts import selectors as contact_selectors
from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
from apps.privacy.desk.models import UnusualReadingAlert
from apps.tickets import selectors as ticket_selectors

EVENT = "privacy.unusual_reading"


def register_events() -> None:
    register(
        Event(
            key=EVENT,
            label=_("Data protection: unusual reading"),
            description=_(
                "Tells the data-protection officers that a member of staff opened many files outside their cases."
            ),
            audience=Audience.STAFF,
            channels=(Channel.IN_APP,),
            link_placeholder="alerts_url",
            placeholders=(
                Placeholder("staff", _("Staff member"), "agent1", ltr=True),
                Placeholder("day", _("Day"), "2026-12-04", ltr=True),
                Placeholder("count", _("Files read outside their cases"), 27),
                Placeholder("alerts_url", _("Link to the alerts"), "https://…/privacy/alerts/"),
            ),
            defaults={
                (Channel.IN_APP, "ar"): DefaultTemplate(
                    subject="قراءة غير معتادة: {{ staff }}",
                    body="فتح {{ staff }} ملفات {{ count }} مواطنًا خارج حالاته يوم {{ day }}.",
                ),
                (Channel.IN_APP, "en"): DefaultTemplate(
                    subject="Unusual reading: {{ staff }}",
                    body="{{ staff }} opened the files of {{ count }} citizens outside their cases on {{ day }}.",
                ),
            },
        )
    )


def threshold() -> int:
    return max(1, int(settings.HOUSING_PRIVACY_UNUSUAL_READS_PER_DAY))


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(day, time.min, tzinfo=zone), datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=zone
    )


def reads_outside_cases(*, day: date) -> dict[int, int]:
    """Per member of staff, the distinct citizens whose file they read on ``day`` outside
    their cases (see the module's docstring): one query."""
    start, end = _day_bounds(day)
    user, citizen = "user_id", "citizen_id"
    rows = (
        citizen_selectors.file_reads(since=start, until=end)
        .exclude(ticket_selectors.staff_case_exists(user=user, citizen=citizen, until=end))
        .exclude(contact_selectors.staff_case_exists(user=user, citizen=citizen, until=end))
        .exclude(appointment_selectors.staff_case_exists(user=user, citizen=citizen, until=end))
        .order_by()
        .values("user_id")
        .annotate(n=Count("citizen_id", distinct=True))
    )
    return {row["user_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class SweepResult:
    days: int
    alerts: int  # rows at or over the threshold, new or updated
    raised: int  # of which new


def _tell_officers(alerts: list[UnusualReadingAlert]) -> None:
    from apps.accounts.models import User
    from apps.accounts.roles import Role
    from apps.notifications.services import notification_queue

    officers = list(User.objects.filter(is_active=True, groups__name=Role.DATA_PROTECTION_OFFICER).distinct())
    if not officers:
        return
    url = settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + reverse("privacy_desk:alerts")
    for alert in alerts:
        for officer in officers:
            notification_queue(
                event=EVENT,
                recipient_user=officer,
                context={
                    "staff": alert.user.username,
                    "day": alert.day.isoformat(),
                    "count": alert.reads_outside_cases,
                    "alerts_url": url,
                },
            )


def unusual_reading_sweep(*, now: datetime | None = None, days: int = 2) -> SweepResult:
    """Raise or update the alerts of the last ``days`` local days (today included).

    1. Count, per member of staff and day, the distinct files read outside their cases.
    2. Keep those over the threshold; upsert one row per (user, day) (``ON CONFLICT``).
    3. Tell the officers about the rows that did not exist before, after commit.
    """
    from apps.accounts.models import User

    now = now or timezone.now()
    limit = threshold()
    today = timezone.localdate(now)
    written = raised = 0
    for back in range(days):
        day = today - timedelta(days=back)
        over = {user_id: n for user_id, n in reads_outside_cases(day=day).items() if n > limit}
        if not over:
            continue
        with transaction.atomic():
            existing = set(
                UnusualReadingAlert.objects.filter(day=day, user_id__in=over).values_list(
                    "user_id", flat=True
                )
            )
            UnusualReadingAlert.objects.bulk_create(
                [
                    UnusualReadingAlert(
                        user_id=user_id,
                        day=day,
                        reads_outside_cases=n,
                        threshold=limit,
                        created_at=now,
                        updated_at=now,
                    )
                    for user_id, n in over.items()
                ],
                update_conflicts=True,
                unique_fields=["user", "day"],
                update_fields=["reads_outside_cases", "threshold", "updated_at"],
            )
            new = [user_id for user_id in over if user_id not in existing]
            if new:
                users = User.objects.in_bulk(new)
                fresh = [
                    UnusualReadingAlert(
                        user=users[user_id], day=day, reads_outside_cases=over[user_id], threshold=limit
                    )
                    for user_id in new
                ]
                _tell_officers(fresh)
        written += len(over)
        raised += len(new)
    return SweepResult(days=days, alerts=written, raised=raised)
