"""The ticket list's export: the same rows as the list for the same filter, headers in the
exporter's language, local times, real numbers, and no "Under Your Command" text for those
who may not read it — in CSV, in XLSX and in a background job."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from apps.exports import services as export_services
from apps.exports.models import ExportJob
from apps.tickets import selectors
from apps.tickets.forms import TicketFilterForm
from apps.tickets.models import Ticket
from tests.exports.helpers import column, csv_rows, xlsx_rows

from .factories import CitizenFactory, TicketFactory

BH = ZoneInfo("Asia/Bahrain")
SECRET = "سر لا يقرؤه إلا كبار المسؤولين"


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.HOUSING_EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def tickets(agent):
    made = [TicketFactory(actor=agent) for _ in range(3)]
    made += [TicketFactory(actor=agent, kind=Ticket.Kind.INQUIRY) for _ in range(2)]
    return made


def _list_numbers(viewer, query: str) -> list[str]:
    form = TicketFilterForm(QueryDict(query) or None, viewer=viewer)
    filters = form.to_filters() if form.is_bound and form.is_valid() else selectors.TicketFilters()
    return [t.review_number for t in selectors.ticket_list_queryset(viewer=viewer, filters=filters)]


def _confidential(agent) -> Ticket:
    ticket = TicketFactory(actor=agent, subject=SECRET, description=SECRET)
    Ticket.objects.filter(pk=ticket.pk).update(confidential=True)
    return ticket


@pytest.mark.parametrize("query", ["", "kind=inquiry", "kind=complaint&status=open"])
def test_the_csv_holds_the_lists_rows_for_the_same_filter(client, supervisor, tickets, query):
    client.force_login(supervisor)
    response = client.get(f"/exports/tickets/csv/?{query}")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert column(rows, "رقم المراجعة") == _list_numbers(supervisor, query)
    assert len(rows) - 1 == (2 if query == "kind=inquiry" else 3 if query.startswith("kind=complaint") else 5)


def test_the_xlsx_holds_the_lists_rows_for_the_same_filter(client, supervisor, tickets):
    client.force_login(supervisor)
    response = client.get("/exports/tickets/xlsx/?kind=complaint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    assert column(rows, "رقم المراجعة") == _list_numbers(supervisor, "kind=complaint")


def test_headers_are_arabic_for_arabic_users_and_english_for_english_ones(client, supervisor, tickets):
    client.force_login(supervisor)
    arabic = csv_rows(client.get("/exports/tickets/csv/"))[0]
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    english = xlsx_rows(client.get("/exports/tickets/xlsx/"))[0]
    assert arabic[0] == "رقم المراجعة" and "الحالة" in arabic
    assert english[0] == "Review number" and "Status" in english and "Received" in english


def test_times_are_written_in_bahrain_local_time(client, supervisor, agent):
    moment = datetime(2026, 3, 1, 22, 30, tzinfo=BH)  # 19:30 UTC
    ticket = TicketFactory(actor=agent)
    Ticket.objects.filter(pk=ticket.pk).update(received_at=moment)
    client.force_login(supervisor)
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    assert column(csv_rows(client.get("/exports/tickets/csv/")), "Received") == ["2026-03-01 22:30"]
    assert column(xlsx_rows(client.get("/exports/tickets/xlsx/")), "Received") == [
        datetime(2026, 3, 1, 22, 30)
    ]


def test_numbers_are_numbers_and_review_numbers_text_in_xlsx(client, supervisor, agent):
    ticket = TicketFactory(actor=agent)
    Ticket.objects.filter(pk=ticket.pk).update(rating=4)
    client.force_login(supervisor)
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    rows = xlsx_rows(client.get("/exports/tickets/xlsx/"))
    assert column(rows, "Rating") == [4]
    assert isinstance(column(rows, "Days open")[0], int)
    assert column(rows, "Review number") == [ticket.review_number]
    assert isinstance(column(rows, "Review number")[0], str)


def test_a_bad_filter_is_refused_with_a_clear_message_and_nothing_logged(client, supervisor, tickets):
    client.force_login(supervisor)
    response = client.get("/exports/tickets/csv/?received_from=2026-05-10&received_to=2026-05-01")
    assert response.status_code == 400
    assert "تاريخ" in response.content.decode() or "التاريخ" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_uyc_text_never_reaches_a_supervisors_csv_or_xlsx(client, supervisor, agent):
    ticket = _confidential(agent)
    client.force_login(supervisor)
    csv_body = b"".join(client.get("/exports/tickets/csv/").streaming_content).decode()
    xlsx = xlsx_rows(client.get("/exports/tickets/xlsx/"))
    assert ticket.review_number in csv_body  # the row is listed, as on the page
    assert SECRET not in csv_body
    assert SECRET not in str(xlsx)
    assert column(xlsx, "الموضوع") == ["رسالة سرية إلى الإدارة العليا"]
    assert Ticket.objects.get(pk=ticket.pk).subject == SECRET  # nothing written back


def test_uyc_text_is_exported_to_senior_management(client, senior, agent):
    _confidential(agent)
    client.force_login(senior)
    assert SECRET in b"".join(client.get("/exports/tickets/csv/").streaming_content).decode()


def test_uyc_text_never_reaches_a_background_export(client, supervisor, agent, settings):
    settings.HOUSING_EXPORT_BACKGROUND_ROWS = 0
    _confidential(agent)
    client.force_login(supervisor)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/exports/tickets/{fmt}/")
        assert response.status_code == 302
        job = ExportJob.objects.filter(format=fmt).get()
        assert job.background and job.status == ExportJob.Status.QUEUED
        export_services.export_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == ExportJob.Status.DONE and job.rows == 1
        content = client.get(f"/exports/{job.pk}/download/")
        body = b"".join(content.streaming_content)
        text = body.decode("utf-8") if fmt == "csv" else str(xlsx_rows(body))
        assert SECRET not in text


def test_personal_columns_need_the_permission(client, agent, supervisor):
    citizen = CitizenFactory(cpr="880412345", name_ar="أحمد علي")
    TicketFactory(actor=agent, citizen=citizen)
    client.force_login(supervisor)
    with_personal = csv_rows(client.get("/exports/tickets/csv/"))
    assert "880412345" in with_personal[1] and "أحمد علي" in with_personal[1]
    client.force_login(agent)  # an agent may export the list, not the personal data
    rows = xlsx_rows(client.get("/exports/tickets/xlsx/"))
    assert "880412345" not in str(rows) and "أحمد علي" not in str(rows)
    assert "الرقم الشخصي" not in rows[0]
    page = client.get("/tickets/").content.decode()
    assert 'data-testid="export-personal-note"' in page


def test_the_list_page_offers_the_export_with_its_filter(client, supervisor, tickets):
    client.force_login(supervisor)
    page = client.get("/tickets/?kind=inquiry&page_size=10").content.decode()
    assert 'href="/exports/tickets/xlsx/?kind=inquiry"' in page
    assert 'href="/exports/tickets/csv/?kind=inquiry"' in page


def test_someone_who_may_not_read_the_list_may_not_export_it(client, outsider, tickets):
    client.force_login(outsider)
    response = client.get("/exports/tickets/csv/")
    assert response.status_code == 403
    assert tickets[0].review_number not in response.content.decode()
    assert not ExportJob.objects.exists()


# --- the API -------------------------------------------------------------------------


@pytest.fixture
def api(supervisor):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(supervisor)
    return client


def test_the_api_exports_the_list_with_the_same_filters(api, supervisor, tickets):
    response = api.get("/api/v1/exports/tickets/?format=csv&kind=inquiry")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert column(csv_rows(response), "رقم المراجعة") == _list_numbers(supervisor, "kind=inquiry")
    xlsx = api.get("/api/v1/exports/tickets/?format=xlsx&kind=inquiry")
    assert column(xlsx_rows(xlsx), "رقم المراجعة") == _list_numbers(supervisor, "kind=inquiry")
    assert list(ExportJob.objects.values_list("query", flat=True)) == ["kind=inquiry", "kind=inquiry"]


def test_the_api_refuses_in_json(api, tickets, settings):
    bad = api.get("/api/v1/exports/tickets/?format=pdf")
    assert bad.status_code == 400 and bad.json()["code"] == "export_format"
    settings.HOUSING_EXPORT_MAX_ROWS = 2
    large = api.get("/api/v1/exports/tickets/?format=csv")
    assert large.status_code == 403 and large.json()["code"] == "export_too_large"
    assert tickets[0].review_number not in large.content.decode()
    assert not ExportJob.objects.exists()


def test_the_api_answers_a_long_list_with_its_background_job(api, tickets, settings):
    settings.HOUSING_EXPORT_BACKGROUND_ROWS = 1
    response = api.get("/api/v1/exports/tickets/?format=xlsx")
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert response.json() == {"id": job.pk, "status": "queued", "exports_url": "/exports/"}
