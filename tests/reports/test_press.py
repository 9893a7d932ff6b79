import datetime as dt
import re

import pytest

from apps.core.errors import Conflict
from apps.reports import publishing, services
from apps.reports.models import Publication, StatementStatus
from apps.reports.press import ar_noun, draft_press_statement, ministry_round, render_number
from apps.reports.statement import monthly_statement
from tests.reports.conftest import _contact, at

JULY = dt.date(2026, 7, 1)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def test_large_numbers_are_rounded_the_way_the_ministry_writes_them():
    assert ministry_round(12_846) == ("more", "12,500")
    assert ministry_round(10_846) == ("more", "10,500")
    assert ministry_round(1_234) == ("more", "1,200")
    assert ministry_round(1_200) == ("", "1,200")
    assert ministry_round(897) == ("about", "900")
    assert ministry_round(656) == ("about", "660")
    assert ministry_round(57) == ("", "57")


def test_an_arabic_noun_after_a_number_takes_the_form_the_number_asks_for():
    assert [ar_noun(n, "حالة") for n in ("1", "3", "10", "14", "99", "100", "103", "12,500")] == [
        "حالة",
        "حالات",
        "حالات",
        "حالة",
        "حالة",
        "حالة",
        "حالات",
        "حالة",
    ]
    assert [ar_noun(n, "مواطن") for n in ("5", "56", "660")] == ["مواطنين", "مواطناً", "مواطناً"]


def test_every_number_in_the_draft_comes_from_a_figure(fixture_month):
    statement = monthly_statement(JULY)
    draft = draft_press_statement(statement)
    figures = statement.by_code()
    traced = set()
    for entry in draft.trace:
        value = getattr(figures[entry["code"]], entry["part"])
        assert render_number(value, entry["style"]) == entry["text"], entry
        traced.add(entry["text"].rstrip("%"))
    for text in (draft.text_ar, draft.text_en):
        for number in NUMBER.findall(text):
            assert number in traced, number
    assert "13" in draft.text_ar and "160.00%" in draft.text_ar
    assert "The Ministry of Housing said it received 18 contacts in July" in draft.text_en
    assert "3 رسائل" in draft.text_ar and "5 حالات" in draft.text_ar  # Tawasul month and year to date


def test_publishing_needs_approval_then_freezes_the_figures_and_text(fixture_month, senior):
    record, created = services.statement_draft(month=JULY, actor=senior)
    assert created and record.status == StatementStatus.DRAFT
    with pytest.raises(Conflict) as refused:
        services.statement_publish(statement=record, actor=senior)
    assert refused.value.code == "statement_not_approved"
    record = services.statement_edit(
        statement=record, text_ar=record.text_ar + "\nفقرة مضافة.", text_en=record.text_en, actor=senior
    )
    record = services.statement_approve(statement=record, actor=senior)
    publication = services.statement_publish(statement=record, actor=senior)
    assert publication.figures["calls.inbound"]["value"] == 13
    assert publication.text_ar.endswith("فقرة مضافة.")
    assert publication.checksum == publishing.checksum(
        figures=publication.figures, text_ar=publication.text_ar, text_en=publication.text_en
    )
    with pytest.raises(Conflict) as twice:
        services.statement_publish(statement=record, actor=senior)
    assert twice.value.code == "statement_already_published"
    with pytest.raises(Conflict) as edit:
        services.statement_edit(statement=record, text_ar="نص", text_en="text", actor=senior)
    assert edit.value.code == "statement_published"
    with pytest.raises(ValueError):
        publication.save()
    assert Publication.objects.get().text_ar == publication.text_ar


def test_a_figure_changed_after_publication_is_shown_as_a_revision(client, senior, fixture_month):
    record, _created = services.statement_draft(month=JULY, actor=senior)
    services.statement_approve(statement=record, actor=senior)
    services.statement_publish(statement=record, actor=senior)
    _contact("inbound_call", at(7, 20), purpose="new_application")  # a late telephony record
    client.force_login(senior)
    body = client.get("/api/v1/reports/monthly/", {"month": "2026-07"}).json()
    assert body["status"] == "published" and body["checksum"]
    row = body["figures"]["calls.inbound"]
    assert (row["published"], row["value"], row["revised"]) == (13, 14, True)
    assert "calls.inbound" in body["revised_codes"] and "chat.sessions" not in body["revised_codes"]
    html = client.get("/reports/monthly/", {"month": "2026-07"}).content.decode()
    assert 'data-testid="revision"' in html and 'data-cell="published"' in html


def test_the_page_walks_a_manager_through_generate_approve_publish(client, senior, fixture_month):
    client.force_login(senior)
    client.post("/reports/monthly/press/generate/", {"month": "2026-07"})
    response = client.post("/reports/monthly/press/publish/", {"month": "2026-07"})
    assert response.status_code == 409 and Publication.objects.count() == 0
    client.post("/reports/monthly/press/approve/", {"month": "2026-07"})
    response = client.post("/reports/monthly/press/publish/", {"month": "2026-07"})
    assert response.status_code == 302 and Publication.objects.count() == 1
    response = client.post(
        "/reports/monthly/press/edit/", {"month": "2026-07", "text_ar": "نص", "text_en": "text"}
    )
    assert response.status_code == 409


def test_a_supervisor_may_not_approve(client, supervisor, fixture_month):
    client.force_login(supervisor)
    response = client.post("/reports/monthly/press/generate/", {"month": "2026-07"})
    assert response.status_code == 403
