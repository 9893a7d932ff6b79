"""The contact list and the follow-ups list as exports: the list's rows for the same filter,
personal columns only with the permission, "Under Your Command" notes never to those who may
not read them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from apps.contacts import selectors
from apps.contacts.forms import ContactFilterForm, follow_up_list_arguments
from apps.contacts.models import Channel, FollowUp
from apps.exports import services as export_services
from apps.exports.models import ExportJob
from tests.contacts.factories import CitizenFactory, ContactFactory, PhoneFactory
from tests.exports.helpers import column, csv_rows, xlsx_rows

SECRET = "شكوى سرية إلى الإدارة العليا"


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.HOUSING_EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def contacts(db):
    citizen = PhoneFactory(number="+97336001234").citizen
    made = [ContactFactory(citizen=citizen) for _ in range(3)]
    made += [ContactFactory(channel=Channel.CHAT) for _ in range(2)]
    made.append(ContactFactory(channel=Channel.UYC, notes=SECRET, caller_number="+97336009999"))
    return made


def _list_ids(query: str) -> list[int]:
    form = ContactFilterForm(QueryDict(query))
    assert form.is_valid()
    return [c.pk for c in selectors.contact_list_queryset(filters=form.filters())]


@pytest.mark.parametrize("query", ["", "channel=chat", "channel=inbound_call&answered=yes"])
def test_the_contact_export_holds_the_lists_rows(client, supervisor, contacts, query):
    client.force_login(supervisor)
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    rows = csv_rows(client.get(f"/exports/contacts/csv/?{query}"))
    expected = _list_ids(query)
    assert len(rows) - 1 == len(expected)
    by_id = {c.pk: c for c in contacts}
    assert column(rows, "Time") == [
        by_id[pk].offered_at.astimezone(dt.timezone(dt.timedelta(hours=3))).strftime("%Y-%m-%d %H:%M")
        for pk in expected
    ]


def test_the_contact_xlsx_has_numbers_and_arabic_headers(client, supervisor, contacts):
    client.force_login(supervisor)
    rows = xlsx_rows(client.get("/exports/contacts/xlsx/?channel=inbound_call"))
    assert rows[0][0] == "الوقت"
    assert column(rows, "المدة (بالثواني)") == [300, 300, 300]


def test_uyc_notes_never_reach_a_supervisors_contact_export(client, supervisor, contacts, settings):
    client.force_login(supervisor)
    csv_body = b"".join(client.get("/exports/contacts/csv/").streaming_content).decode()
    xlsx = str(xlsx_rows(client.get("/exports/contacts/xlsx/")))
    assert SECRET not in csv_body and SECRET not in xlsx
    assert "+97336009999" not in csv_body and "+97336009999" not in xlsx
    settings.HOUSING_EXPORT_BACKGROUND_ROWS = 0
    client.get("/exports/contacts/xlsx/")
    job = ExportJob.objects.get(background=True)
    export_services.export_job_run(job_id=job.pk)
    download = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    assert SECRET not in str(xlsx_rows(download))


def test_personal_columns_of_contacts_need_the_permission(client, supervisor, contacts):
    client.force_login(supervisor)
    assert "+97336001234" in b"".join(client.get("/exports/contacts/csv/").streaming_content).decode()
    supervisor.user_permissions.clear()
    from django.contrib.auth.models import Permission

    supervisor.groups.first().permissions.remove(
        Permission.objects.get(codename="export_personal_data", content_type__app_label="exports")
    )
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=supervisor.pk)
    client.force_login(fresh)
    body = b"".join(client.get("/exports/contacts/csv/").streaming_content).decode()
    assert "+97336001234" not in body and "الرقم الشخصي" not in body


def test_a_bad_contact_filter_is_refused(client, supervisor, contacts):
    client.force_login(supervisor)
    response = client.get("/exports/contacts/csv/?start=2026-05-10&end=2026-05-01")
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_an_agent_may_not_export_the_contact_list(client, agent, contacts):
    client.force_login(agent)
    response = client.get("/exports/contacts/csv/")
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def _referral(department, **extra):
    contact = ContactFactory(outcome="referred", department=department, **extra)
    return FollowUp.objects.create(
        contact=contact,
        citizen=contact.citizen,
        department=department,
        due_at=contact.offered_at + dt.timedelta(days=7),
    )


def test_the_follow_up_export_holds_the_queues_rows(client, officer, department, supervisor):
    mine = [_referral(department, citizen=CitizenFactory()) for _ in range(2)]
    from apps.accounts import services as account_services

    other = account_services.department_upsert(code="maint", name_ar="الصيانة", name_en="Maintenance")
    _referral(other, citizen=CitizenFactory())
    client.force_login(officer)
    rows = csv_rows(client.get("/exports/follow-ups/csv/?status=open"))
    expected = list(
        selectors.follow_up_list(viewer=officer, **follow_up_list_arguments(QueryDict("status=open")))
    )
    assert [f.pk for f in expected] == [f.pk for f in mine]
    assert len(rows) - 1 == 2
    client.force_login(supervisor)
    assert len(csv_rows(client.get("/exports/follow-ups/csv/"))) - 1 == 3


def test_a_uyc_follow_ups_answer_never_reaches_an_officers_export(client, officer, department):
    follow_up = _referral(department, channel=Channel.UYC, citizen=CitizenFactory())
    FollowUp.objects.filter(pk=follow_up.pk).update(
        answer=SECRET, status="closed", answered_at=follow_up.due_at, answered_by=officer
    )
    client.force_login(officer)
    body = b"".join(client.get("/exports/follow-ups/xlsx/?status=closed").streaming_content)
    rows = xlsx_rows(body)
    assert len(rows) == 2 and SECRET not in str(rows)
