"""Two real sweeps at once (the nightly task and a command by hand) handle each row once:
batches are claimed with FOR UPDATE SKIP LOCKED, each sweep on its own connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from apps.privacy.retention import services
from apps.privacy.retention.kinds import ALLOWED_ACTIONS, DEFAULT_MINIMUMS, Kind
from apps.privacy.retention.models import RetentionPolicy
from apps.privacy.retention.sweeps import ANON
from apps.tickets.models import Ticket
from tests.privacy.retention_fixtures import LATER, closed_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sweeps_at_once_anonymise_each_ticket_exactly_once():
    # A transactional test may start with the seeded policies flushed by an earlier one.
    RetentionPolicy.objects.update_or_create(
        kind=Kind.CLOSED_TICKETS,
        defaults={
            "months": DEFAULT_MINIMUMS[Kind.CLOSED_TICKETS],
            "action": ALLOWED_ACTIONS[Kind.CLOSED_TICKETS][0],
            "is_active": True,
        },
    )
    RetentionPolicy.objects.exclude(kind=Kind.CLOSED_TICKETS).update(is_active=False)
    for _ in range(24):
        closed_ticket()
    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(services.retention_sweep(dry_run=False, batch_size=2, now=LATER))
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(run.counts["closed_tickets"]["count"] for run in results) == 24
    assert not Ticket.objects.exclude(description=ANON).exists()
