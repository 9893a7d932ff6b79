"""Anonymised records keep their statistics: a past month's statement is the same after a
real sweep as before it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from apps.appointments.models import Appointment
from apps.contacts.models import Contact
from apps.escalations.models import Escalation
from apps.privacy.retention import services
from apps.reports.statement import monthly_statement
from apps.tickets.models import Ticket
from tests.privacy import retention_fixtures
from tests.privacy.retention_fixtures import LATER, chat
from tests.reports.conftest import build_fixture_month

policies = retention_fixtures.policies

pytestmark = pytest.mark.django_db

JULY = dt.date(2026, 7, 1)
STATEMENT_NOW = dt.datetime(2026, 8, 10, 12, 0, tzinfo=dt.UTC)


def _figures() -> dict:
    return {
        f.code: (f.value, f.previous, f.change, f.ytd)
        for f in monthly_statement(JULY, now=STATEMENT_NOW).figures
    }


def test_a_past_months_statement_is_unchanged_by_a_real_sweep(policies, department, secretary):
    build_fixture_month(department=department, secretary=secretary)
    # Every ticket that can be closed is closed (those with an open "Under Your Command" case
    # stay open cases), and the contacts carry the personal data a sweep removes.
    Ticket.objects.exclude(escalations__in=Escalation.objects.exclude(status="closed")).update(
        status="closed", closed_at=F("received_at")
    )
    Contact.objects.update(caller_number="36001234", notes="اتصل المواطن أحمد")
    Appointment.objects.update(mobile="+97336000001")
    # The same unidentified visitor twice in July: still one visitor after anonymisation.
    chat(when=dt.datetime(2026, 7, 20, 10, tzinfo=dt.UTC), mobile="36000001")
    before = _figures()
    assert before["chat.citizens"][0] == 2 and before["chat.sessions"][0] == 4

    run = services.retention_sweep(dry_run=False, now=LATER)

    counts = {kind: row["count"] for kind, row in run.counts.items()}
    assert counts["closed_tickets"] >= 5
    assert counts["contacts"] >= 20 and counts["call_notes"] >= 20
    assert counts["chats"] >= 5 and counts["appointments"] >= 1 and counts["video_calls"] >= 4
    assert counts["citizens"] >= 1 and counts["uyc_cases"] >= 1
    assert _figures() == before
