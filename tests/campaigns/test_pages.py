"""The pages: the agent's call screen, the supervisor's view, import and export, permissions."""

import csv
import io

import pytest
import time_machine
from openpyxl import load_workbook

from apps.campaigns.models import Attempt, Target

from .conftest import SUNDAY_10


@pytest.fixture
def sunday():
    with time_machine.travel(SUNDAY_10, tick=False):
        yield


def test_an_agent_takes_the_next_call_and_records_a_disposition(make_campaign, agent, login, sunday):
    campaign = make_campaign(targets=2)
    client = login(agent)
    response = client.post(f"/campaigns/{campaign.pk}/call/next/")
    assert response.status_code == 302
    page = client.get(f"/campaigns/{campaign.pk}/call/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "السلام عليكم مواطن 0" in body  # the script, filled in
    assert 'data-testid="timeline"' in body
    target = Target.objects.get(status="claimed")
    response = client.post(f"/campaigns/targets/{target.pk}/disposition/", {"disposition": "no_answer"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.status, target.attempts) == ("pending", 1)
    assert Attempt.objects.get().agent == agent


def test_a_callback_outside_calling_hours_shows_the_error_on_the_screen(make_campaign, agent, login, sunday):
    campaign = make_campaign(targets=1)
    client = login(agent)
    client.post(f"/campaigns/{campaign.pk}/call/next/")
    target = Target.objects.get()
    response = client.post(
        f"/campaigns/targets/{target.pk}/disposition/",
        {"disposition": "callback", "callback_at": "2026-07-05T22:00"},
    )
    assert response.status_code == 400
    assert 'data-testid="error-callback_at"' in response.content.decode()
    assert not Attempt.objects.exists()


def test_another_agent_cannot_record_on_a_target_they_do_not_hold(
    make_campaign, agent, supervisor, login, sunday
):
    campaign = make_campaign(targets=1)
    login(agent).post(f"/campaigns/{campaign.pk}/call/next/")
    target = Target.objects.get()
    client = login(supervisor)
    response = client.post(f"/campaigns/targets/{target.pk}/disposition/", {"disposition": "done"})
    assert response.status_code == 409
    assert not Attempt.objects.exists()


def test_the_data_update_screen_confirms_a_phone(make_campaign, agent, login, sunday):
    campaign = make_campaign(targets=1)
    client = login(agent)
    client.post(f"/campaigns/{campaign.pk}/call/next/")
    client.get(f"/campaigns/{campaign.pk}/call/")  # files the citizen
    target = Target.objects.select_related("citizen").get()
    phone = target.citizen.phones.get()
    response = client.post(f"/campaigns/targets/{target.pk}/phones/{phone.pk}/confirm/")
    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.confirmed_by == agent


def test_the_supervisor_sees_the_figures_and_exports_them(make_campaign, agent, supervisor, login, sunday):
    campaign = make_campaign(targets=3)
    client = login(agent)
    client.post(f"/campaigns/{campaign.pk}/call/next/")
    target = Target.objects.get(status="claimed")
    client.post(f"/campaigns/targets/{target.pk}/disposition/", {"disposition": "done"})
    client = login(supervisor)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="fig-done">1<' in page
    assert 'data-testid="fig-due">2<' in page
    exported = client.get(f"/campaigns/{campaign.pk}/targets/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 4
    assert rows[1][0] == "900000000" and rows[1][6]  # the last disposition is filled in
    xlsx = client.get(f"/campaigns/{campaign.pk}/targets/?export=xlsx&status=done")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["900000000"]
    listed = client.get(f"/campaigns/{campaign.pk}/targets/?status=due").content.decode()
    assert listed.count('data-target="') == 2


def test_the_import_page_lists_rejected_rows(make_campaign, supervisor, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign = make_campaign()
    client = login(supervisor)
    upload = SimpleUploadedFile(
        "list.csv", "cpr,name,phone\n880412345,أحمد,36001234\n12,x,36001235\n".encode()
    )
    response = client.post(f"/campaigns/{campaign.pk}/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="report-added">1<' in body and 'data-testid="report-rejected">1<' in body
    wrong = SimpleUploadedFile("list.csv", b"name,phone\nx,36001234\n")
    response = client.post(f"/campaigns/{campaign.pk}/import/", {"file": wrong})
    assert response.status_code == 400
    assert Target.objects.count() == 1


def test_pause_and_resume_from_the_supervisor_view(make_campaign, supervisor, login):
    campaign = make_campaign(targets=1)
    client = login(supervisor)
    client.post(f"/campaigns/{campaign.pk}/transition/", {"to_status": "paused"})
    campaign.refresh_from_db()
    assert campaign.status == "paused"
    client.post(f"/campaigns/{campaign.pk}/transition/", {"to_status": "running"})
    campaign.refresh_from_db()
    assert campaign.status == "running"


def test_agents_cannot_manage_and_outsiders_see_nothing(make_campaign, agent, outsider, login):
    campaign = make_campaign(targets=1)
    client = login(agent)
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 403
    assert client.post(f"/campaigns/{campaign.pk}/transition/", {"to_status": "paused"}).status_code == 403
    assert client.get(f"/campaigns/{campaign.pk}/targets/?export=csv").status_code == 403
    client = login(outsider)
    for url in ("/campaigns/", f"/campaigns/{campaign.pk}/call/", f"/campaigns/{campaign.pk}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "900000000" not in response.content.decode()


def test_a_new_campaign_through_the_form(supervisor, login):
    client = login(supervisor)
    response = client.post(
        "/campaigns/new/",
        {
            "name_ar": "تسليم الشهادات",
            "kind": "handover",
            "starts_on": "2026-07-01",
            "ends_on": "2026-06-01",
            "calling_days": ["6", "0"],
            "calling_opens": "08:00",
            "calling_closes": "20:00",
            "max_attempts": "3",
            "min_gap_minutes": "60",
        },
    )
    assert response.status_code == 400
    assert 'data-testid="error-ends_on"' in response.content.decode()


def test_the_form_creates_a_draft_with_the_purpose_chosen(supervisor, login):
    from apps.campaigns.models import Campaign
    from apps.contacts.selectors import purpose_by_code

    client = login(supervisor)
    response = client.post(
        "/campaigns/new/",
        {
            "name_ar": "حملة مخصصة",
            "kind": "custom",
            "purpose": purpose_by_code(code="request_status").pk,
            "starts_on": "2026-07-01",
            "ends_on": "2026-07-31",
            "calling_days": ["6", "0", "1"],
            "calling_opens": "09:00",
            "calling_closes": "17:00",
            "max_attempts": "2",
            "min_gap_minutes": "30",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.status, campaign.purpose.code, campaign.calling_days) == (
        "draft",
        "request_status",
        [6, 0, 1],
    )
