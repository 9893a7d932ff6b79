"""The read log: reads of citizens' files and (for those cleared) of "Under Your Command"
cases, searchable by citizen, staff member and date, keyset-paged, exported and logged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.citizens.models import CitizenAccess
from apps.escalations.models import Escalation, EscalationAccess, Source
from apps.privacy.desk import selectors
from apps.privacy.desk.models import ReadLogExport
from tests.privacy import desk_fixtures
from tests.query_budget import exactly
from tests.tickets.factories import CitizenFactory, TicketFactory

dpo, cleared_dpo = desk_fixtures.dpo, desk_fixtures.cleared_dpo

pytestmark = pytest.mark.django_db

URL = reverse("privacy_desk:reads")
EXPORT = reverse("privacy_desk:reads_export")


def _read(citizen, user, at):
    row = CitizenAccess.objects.create(citizen=citizen, user=user, purpose="citizen page")
    CitizenAccess.objects.filter(pk=row.pk).update(at=at)
    return row


@pytest.fixture
def reads(agent, supervisor):
    """Two citizens; the agent read both, the supervisor one; and the senior read a case."""
    now = timezone.now()
    first, second = CitizenFactory(cpr="880200001"), CitizenFactory(cpr="880200002")
    _read(first, agent, now - timedelta(days=3))
    _read(second, agent, now - timedelta(hours=2))
    _read(first, supervisor, now - timedelta(hours=1))
    ticket = TicketFactory(citizen=second)
    case = Escalation.objects.create(
        ticket=ticket,
        citizen=second,
        source=Source.STAFF,
        reason="escalated",
        received_at=now,
        due_at=now + timedelta(days=30),
    )
    EscalationAccess.objects.create(
        escalation=case, user=supervisor, at=now - timedelta(minutes=5), via="page"
    )
    return {"first": first, "second": second, "case": case}


def test_the_officer_searches_by_staff_member(client, dpo, agent, reads):
    client.force_login(dpo)
    response = client.get(URL, {"staff": "agent"})
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [r.user for r in rows] == [agent, agent]
    assert [r.citizen for r in rows] == [reads["second"], reads["first"]]


def test_the_officer_searches_by_citizen_and_date(client, dpo, supervisor, reads):
    client.force_login(dpo)
    today = timezone.localdate()
    # The supervisor's read was an hour ago: yesterday, just after midnight in Bahrain.
    since = timezone.localdate(timezone.now() - timedelta(hours=1))
    response = client.get(URL, {"cpr": "880200001", "since": since.isoformat(), "until": today.isoformat()})
    rows = response.context["page"].rows
    assert [(r.user, r.citizen) for r in rows] == [(supervisor, reads["first"])]


def test_an_unknown_cpr_or_username_is_a_clear_error_not_an_empty_list(client, dpo, reads):
    client.force_login(dpo)
    response = client.get(URL, {"cpr": "880299999", "staff": "nobody"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"cpr", "staff"}
    assert "880200001" not in response.content.decode()


def test_a_forged_page_link_is_refused_as_bad_input(client, dpo, reads):
    client.force_login(dpo)
    response = client.get(URL, {"after": "not-a-cursor"})
    assert response.status_code == 400


def test_case_reads_are_hidden_from_an_officer_without_clearance_on_the_page(client, dpo, reads):
    client.force_login(dpo)
    rows = client.get(URL).context["page"].rows
    assert {r.kind for r in rows} == {selectors.FILE}
    assert len(rows) == 3


def test_case_reads_are_shown_to_an_officer_with_clearance(client, cleared_dpo, supervisor, reads):
    client.force_login(cleared_dpo)
    rows = client.get(URL).context["page"].rows
    assert (
        rows[0].kind == selectors.CASE and rows[0].user == supervisor and rows[0].citizen == reads["second"]
    )
    assert len(rows) == 4


def test_pages_follow_one_another_without_gaps_or_repeats(dpo, cleared_dpo, reads, agent):
    now = timezone.now()
    for _i in range(7):
        _read(reads["first"], agent, now - timedelta(minutes=30))  # same instant: the id breaks ties
    seen = []
    cursor = None
    while True:
        page = selectors.read_log_page(
            viewer=cleared_dpo, filters=selectors.ReadFilters(), cursor=cursor, page_size=3
        )
        seen += [(r.kind, r.id) for r in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 11


def test_staff_without_the_permission_are_refused_and_see_nothing(client, agent, reads):
    client.force_login(agent)
    response = client.get(URL)
    assert response.status_code == 403
    assert "880200001" not in response.content.decode()
    response = client.post(EXPORT, {"format": "csv"})
    assert response.status_code == 403
    assert not ReadLogExport.objects.exists()


def test_the_csv_export_has_the_pages_rows_and_is_logged(client, dpo, agent, reads):
    client.force_login(dpo)
    response = client.post(EXPORT, {"staff": "agent", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 2
    assert {line[4] for line in lines[1:]} == {"880200001", "880200002"}
    log = ReadLogExport.objects.get()
    assert (log.actor, log.format, log.row_count) == (dpo, "csv", 2)
    assert log.filters["staff_id"] == agent.pk
    assert log.included_confidential is False


def test_exports_never_carry_case_reads_to_an_officer_without_clearance(client, dpo, reads):
    client.force_login(dpo)
    response = client.post(EXPORT, {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert book.active.max_row == 1 + 3
    assert "“Under Your Command” case" not in values and "“Under Your Command” case" not in str(values)
    csv_text = client.post(EXPORT, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Under Your Command" not in csv_text
    assert ReadLogExport.objects.filter(actor=dpo).count() == 2


def test_an_officer_with_clearance_exports_the_case_reads_too(client, cleared_dpo, reads):
    client.force_login(cleared_dpo)
    response = client.post(EXPORT, {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.max_row == 1 + 4
    assert ReadLogExport.objects.get().included_confidential is True


def test_an_unknown_export_format_is_refused_and_not_logged(client, dpo, reads):
    client.force_login(dpo)
    response = client.post(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert not ReadLogExport.objects.exists()


def test_the_read_log_page_costs_six_queries_whatever_the_rows(client, cleared_dpo, agent, reads):
    """The session and the viewer, then the union of both logs, the people and the citizens
    on the page, and the recent exports."""
    client.force_login(cleared_dpo)
    exactly(6, lambda: client.get(URL))
    now = timezone.now()
    for i in range(30):
        _read(CitizenFactory(cpr=f"88030{i:04d}"), agent, now - timedelta(minutes=i))
    response = exactly(6, lambda: client.get(URL))
    assert len(response.context["page"].rows) == 34
