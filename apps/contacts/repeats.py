"""Repeat contacts: the same citizen on the same purpose again within a few days.

The rule (issue 18): a contact is a *repeat* when the same citizen got in touch about the
same purpose, on any channel, earlier in time (strictly: an earlier ``offered_at``) and no
more than ``HOUSING_REPEAT_CONTACT_DAYS`` (default 7) calendar days before it, counted in
Bahrain dates — a call on the 8th repeats a chat of the 1st (7 days), not one of the 30th
of the month before (8 days). A contact without a citizen or without a purpose is never a
repeat. ``Contact.repeat_of`` points at the citizen's latest such earlier contact, so a
chain (call, then chat, then walk-in) links each to the one before.

``contact_flag_repeats`` decides it for a set of contacts in one ``UPDATE … FROM LATERAL``
statement (each contact's look-up is a range scan of the ``contact_citizen_timeline``
index), so the console's one new contact, a telephony batch of a thousand and the
backfill of the whole table (``contacts_flag_repeats_all``, keyset batches by id) all take
the same path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.contacts.models import Contact


def window_days() -> int:
    return max(0, int(getattr(settings, "HOUSING_REPEAT_CONTACT_DAYS", 7)))


def days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days (Bahrain dates) from ``earlier`` to ``later``."""
    return (timezone.localdate(later) - timezone.localdate(earlier)).days


def window_start(at: datetime) -> datetime:
    """The first instant an earlier contact may have been offered for ``at`` to repeat it."""
    first: date = timezone.localdate(at) - timedelta(days=window_days())
    return datetime.combine(first, datetime.min.time(), tzinfo=timezone.get_current_timezone())


_TABLE = Contact._meta.db_table

# For each contact of the set, its citizen's latest contact on the same purpose offered
# before it and no earlier than the start of the calendar day ``days`` days before its own
# (Bahrain time). ``only_changes`` leaves rows already right untouched (the backfill).
_FLAG_SQL = f"""
UPDATE {_TABLE} AS c
   SET repeat_of_id = earlier.id
  FROM {_TABLE} AS c0
  LEFT JOIN LATERAL (
        SELECT e.id
          FROM {_TABLE} AS e
         WHERE e.citizen_id = c0.citizen_id
           AND e.purpose_id = c0.purpose_id
           AND e.offered_at < c0.offered_at
           AND e.offered_at >= (date_trunc('day', c0.offered_at AT TIME ZONE %(tz)s)
                                - make_interval(days => %(days)s)) AT TIME ZONE %(tz)s
         ORDER BY e.offered_at DESC, e.id DESC
         LIMIT 1
  ) AS earlier ON true
 WHERE c.id = c0.id
   AND c0.id = ANY(%(ids)s)
   AND (NOT %(only_changes)s OR c.repeat_of_id IS DISTINCT FROM earlier.id)
RETURNING c.id, c.repeat_of_id
"""


def contact_flag_repeats(*, contact_ids: Sequence[int], only_changes: bool = True) -> dict[int, int | None]:
    """Set (or clear) ``repeat_of`` of these contacts by the rule; ``{id: repeat_of_id}`` of
    the rows written. Runs inside the caller's transaction (the contact's own)."""
    ids = [int(pk) for pk in contact_ids]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _FLAG_SQL,
            {
                "ids": ids,
                "days": window_days(),
                "tz": timezone.get_current_timezone_name(),
                "only_changes": only_changes,
            },
        )
        return dict(cursor.fetchall())


def contact_flag_repeat(*, contact: Contact) -> Contact:
    """Decide the one contact just saved (the console, a message left, a telephony row)."""
    if contact.citizen_id is None or contact.purpose_id is None:
        if contact.repeat_of_id is not None:
            contact_flag_repeats(contact_ids=[contact.pk], only_changes=False)
            contact.repeat_of_id = None
        return contact
    written = contact_flag_repeats(contact_ids=[contact.pk], only_changes=False)
    contact.repeat_of_id = written.get(contact.pk)
    return contact


def contacts_flag_repeats_all(*, batch_size: int = 5000, after_id: int = 0, log=None) -> dict[str, int]:
    """Backfill: decide every contact with a citizen, in keyset batches by id.

    Each batch is its own transaction (a table of tens of millions of rows is never locked
    whole), writes only the rows whose answer changed, and is idempotent, so the command may
    be stopped and run again (``--after`` resumes). Returns the counts.
    """
    batch_size = max(1, int(batch_size))
    counts = {"checked": 0, "changed": 0, "batches": 0}
    while True:
        with transaction.atomic():
            ids = list(
                Contact.objects.filter(pk__gt=after_id, citizen__isnull=False)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return counts
            written = contact_flag_repeats(contact_ids=ids)
        counts["checked"] += len(ids)
        counts["changed"] += len(written)
        counts["batches"] += 1
        after_id = ids[-1]
        if log is not None:
            log(after_id, counts)
