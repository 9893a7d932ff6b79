"""The export mechanism (apps/exports), shown on the ticket list: limits and permissions,
the log, background jobs and their sweep, owner-only downloads, streaming in a fixed number
of queries and in bounded memory."""

from __future__ import annotations

import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from apps.exports import registry, services, writers
from apps.exports.models import ExportJob
from apps.notifications.models import Notification
from apps.tickets.models import Ticket
from tests.exports.helpers import column, csv_rows, xlsx_rows
from tests.tickets.factories import CitizenFactory, TicketFactory


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.HOUSING_EXPORTS_ROOT = tmp_path / "exports"
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "attachments"


def bulk_tickets(count: int, *, citizen=None, start: int = 0) -> None:
    """Plain ticket rows, written at once (the services are not what is measured here)."""
    now = timezone.now()
    citizen = citizen or CitizenFactory()
    Ticket.objects.bulk_create(
        Ticket(
            review_number=f"B-{start + n:07d}",
            kind=Ticket.Kind.INQUIRY,
            channel=Ticket.Channel.PHONE,
            subject=f"استفسار رقم {n} عن حالة الطلب الإسكاني",
            description="أرغب في معرفة حالة طلبي الإسكاني " * 5,
            citizen=citizen,
            received_at=now - timedelta(minutes=start + n),
        )
        for n in range(count)
    )


# --- limits and permissions ----------------------------------------------------------


def test_an_export_over_the_limit_is_refused_without_the_permission(client, supervisor, settings):
    settings.HOUSING_EXPORT_MAX_ROWS = 2
    bulk_tickets(3)
    client.force_login(supervisor)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/exports/tickets/{fmt}/")
        assert response.status_code == 403
        body = response.content.decode()
        assert "أكثر من 2 صف" in body
        assert "B-0000000" not in body
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    assert "more than 2 rows" in client.get("/exports/tickets/csv/").content.decode()
    assert not ExportJob.objects.exists()


def test_an_administrator_may_export_past_the_limit(client, admin_user, settings):
    settings.HOUSING_EXPORT_MAX_ROWS = 2
    settings.HOUSING_EXPORT_BACKGROUND_ROWS = 10
    bulk_tickets(3)
    client.force_login(admin_user)
    response = client.get("/exports/tickets/csv/")
    assert response.status_code == 200
    assert len(csv_rows(response)) == 4


def test_an_unknown_list_or_format_is_refused(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/exports/nothing/csv/").status_code == 404
    response = client.get("/exports/tickets/pdf/")
    assert response.status_code == 400
    assert "CSV" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_roles_hold_the_export_permissions(agent, supervisor, admin_user, senior):
    assert supervisor.has_perm(services.PERSONAL_PERMISSION)
    assert admin_user.has_perm(services.PERSONAL_PERMISSION)
    assert admin_user.has_perm(services.LARGE_PERMISSION)
    assert not agent.has_perm(services.PERSONAL_PERMISSION)
    assert not supervisor.has_perm(services.LARGE_PERMISSION)


def test_without_the_personal_permission_the_xlsx_says_what_was_left_out(client, agent):
    TicketFactory(actor=agent, citizen=CitizenFactory(cpr="880412345"))
    client.force_login(agent)
    response = client.get("/exports/tickets/xlsx/")
    from tests.exports.helpers import xlsx_book

    book = xlsx_book(b"".join(response.streaming_content))
    assert [sheet.title for sheet in book.worksheets] == ["التذاكر", "الملاحظات"]
    note = book.worksheets[1]["A1"].value
    assert "الرقم الشخصي" in note and "880412345" not in str(list(book.worksheets[0].values))


# --- the log -------------------------------------------------------------------------


def test_every_export_written_at_once_is_logged(client, supervisor):
    bulk_tickets(4)
    client.force_login(supervisor)
    response = client.get("/exports/tickets/csv/?kind=inquiry&cursor=x")
    csv_rows(response)  # read to the end
    client.get("/exports/tickets/xlsx/?q=طلب")
    jobs = list(ExportJob.objects.order_by("id"))
    assert [(j.owner, j.list_key, j.format, j.rows, j.status, j.background) for j in jobs] == [
        (supervisor, "tickets", "csv", 4, "done", False),
        (supervisor, "tickets", "xlsx", 4, "done", False),
    ]
    assert jobs[0].query == "kind=inquiry"  # the filter, without the page's cursor
    assert jobs[0].personal_data and jobs[0].finished_at is not None
    page = client.get("/exports/").content.decode()
    assert page.count('data-testid="export-job"') == 2


# --- background jobs -----------------------------------------------------------------


def test_a_long_list_becomes_a_background_job_finished_by_the_task(
    client, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.HOUSING_EXPORT_BACKGROUND_ROWS = 3
    bulk_tickets(5)
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get("/exports/tickets/xlsx/?kind=inquiry")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/?queued={job.pk}"
    assert (job.status, job.background, job.query, job.rows) == ("queued", True, "kind=inquiry", None)
    assert len(callbacks) == 1  # handed to Celery after commit

    from apps.exports.tasks import export_run

    assert export_run.name == "exports.run"
    assert export_run.run(job.pk) == "done"
    assert export_run.run(job.pk) == "not-claimed"  # handed over twice, written once
    job.refresh_from_db()
    assert job.rows == 5 and job.file_name and job.expires_at > timezone.now()
    bell = Notification.objects.get(event="exports.ready")
    assert bell.recipient_user == supervisor and bell.link_url.endswith("/exports/")

    page = client.get(f"/exports/?queued={job.pk}").content.decode()
    assert f'href="/exports/{job.pk}/download/"' in page
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    rows = xlsx_rows(b"".join(download.streaming_content))
    assert len(rows) == 6


def test_only_the_owner_may_download_an_export(client, supervisor, agent, settings):
    settings.HOUSING_EXPORT_BACKGROUND_ROWS = 0
    bulk_tickets(2)
    client.force_login(supervisor)
    client.get("/exports/tickets/csv/")
    job = ExportJob.objects.get()
    services.export_job_run(job_id=job.pk)
    client.force_login(agent)
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 404
    assert b"B-0000000" not in response.content
    assert 'data-testid="export-job"' not in client.get("/exports/").content.decode()


def test_a_job_the_broker_never_got_is_handed_over_by_the_sweep(supervisor, monkeypatch):
    handed = []
    monkeypatch.setattr(services, "_dispatch", lambda ids: handed.extend(ids) or len(ids))
    old = ExportJob.objects.create(owner=supervisor, list_key="tickets", format="csv", background=True)
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    ExportJob.objects.create(owner=supervisor, list_key="tickets", format="csv", background=True)
    result = services.export_sweep()
    assert handed == [old.pk] and result.handed_over == 1


def test_the_sweep_removes_expired_files_and_reclaims_stuck_jobs(supervisor, settings, monkeypatch):
    monkeypatch.setattr(services, "_dispatch", lambda ids: 0)
    settings.HOUSING_EXPORT_BACKGROUND_ROWS = 0
    bulk_tickets(1)
    with translation.override("ar"):
        plan = services.export_plan(actor=supervisor, list_key="tickets", params=QueryDict(""), format="csv")
        job = services.export_job_queue(plan=plan, actor=supervisor)
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    path = services.conf.root() / job.file_name
    assert path.is_file()
    stuck = ExportJob.objects.create(
        owner=supervisor,
        list_key="tickets",
        format="csv",
        background=True,
        status="running",
        started_at=timezone.now() - timedelta(hours=2),
    )
    result = services.export_sweep(now=timezone.now() + timedelta(days=8))
    job.refresh_from_db()
    stuck.refresh_from_db()
    assert (result.expired, result.reclaimed) == (1, 1)
    assert job.status == "expired" and not path.exists()
    assert stuck.status == "queued"


def test_the_command_writes_waiting_jobs_when_the_broker_is_down(supervisor, settings, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(services, "_dispatch", lambda ids: 0)
    bulk_tickets(2)
    job = ExportJob.objects.create(owner=supervisor, list_key="tickets", format="xlsx", background=True)
    call_command("exports_sweep", "--run-here")
    job.refresh_from_db()
    assert job.status == "done" and job.rows == 2


def test_a_job_whose_owner_lost_the_right_fails_and_writes_nothing(supervisor):
    bulk_tickets(2)
    job = ExportJob.objects.create(owner=supervisor, list_key="tickets", format="csv", background=True)
    supervisor.groups.clear()
    from apps.accounts.models import User

    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error_code == "export_forbidden" and not job.file_name
    assert not any(services.conf.root().glob("*")) if services.conf.root().exists() else True
    assert User.objects.filter(pk=supervisor.pk).exists()


# --- streaming: queries and memory ---------------------------------------------------


def _csv_queries(viewer, monkeypatch) -> int:
    monkeypatch.setattr(writers, "BATCH", 50)
    export_list = registry.get("tickets")
    queryset = export_list.queryset(viewer, QueryDict(""))
    counter = [0]
    with CaptureQueriesContext(connection) as captured:
        for _line in writers.csv_lines(export_list, queryset, viewer=viewer, personal=True, counter=counter):
            pass
    return len(captured)


def test_a_streamed_export_runs_a_fixed_number_of_queries_per_batch(supervisor, monkeypatch):
    citizen = CitizenFactory()
    other = CitizenFactory()
    bulk_tickets(10, citizen=citizen)
    few = _csv_queries(supervisor, monkeypatch)
    bulk_tickets(40, citizen=other, start=10)
    many = _csv_queries(supervisor, monkeypatch)
    assert many == few  # 10 rows or 50 rows: one batch, the same queries


def _peak_bytes(viewer, path, fmt: str) -> int:
    export_list = registry.get("tickets")
    queryset = export_list.queryset(viewer, QueryDict(""))
    tracemalloc.start()
    try:
        if fmt == "csv":
            writers.write_csv(path, export_list, queryset, viewer=viewer, personal=True)
        else:
            writers.write_xlsx(path, export_list, queryset, viewer=viewer, personal=True, language="ar")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_memory_stays_flat_whatever_the_number_of_rows(supervisor, monkeypatch, tmp_path, fmt):
    monkeypatch.setattr(writers, "BATCH", 100)
    bulk_tickets(300)
    small = _peak_bytes(supervisor, tmp_path / f"small.{fmt}", fmt)
    bulk_tickets(1500, start=300)
    large = _peak_bytes(supervisor, tmp_path / f"large.{fmt}", fmt)
    # Six times the rows, well under twice the memory: rows are never all held at once.
    assert large < small * 2, (small, large)


def test_a_formula_in_a_cell_stays_text(client, supervisor, agent):
    TicketFactory(actor=agent, subject='=HYPERLINK("http://evil")')
    client.force_login(supervisor)
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    assert column(csv_rows(client.get("/exports/tickets/csv/")), "Subject") == ['\'=HYPERLINK("http://evil")']
    from tests.exports.helpers import xlsx_book

    response = client.get("/exports/tickets/xlsx/")
    sheet = xlsx_book(b"".join(response.streaming_content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Subject") + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://evil")'
