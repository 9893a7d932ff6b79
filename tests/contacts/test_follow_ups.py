"""Follow-ups: the department's queue, its answer, and who may see and answer what."""

import datetime as dt

import pytest

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.contacts import services
from apps.contacts.models import FollowUp, FollowUpEvent
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import PASSWORD
from tests.contacts.factories import ContactFactory


@pytest.fixture
def maintenance(db):
    return account_services.department_upsert(
        code="maintenance", name_ar="إدارة الصيانة", name_en="Maintenance"
    )


@pytest.fixture
def other_officer(maintenance):
    return account_services.user_create(
        username="maint-officer",
        password=PASSWORD,
        roles=[Role.DEPARTMENT_OFFICER],
        actor=None,
        department=maintenance,
    )


def referral(department, notes="water leak in the flat", **extra):
    contact = ContactFactory(outcome="referred", department=department, notes=notes, **extra)
    return FollowUp.objects.create(
        contact=contact,
        citizen=contact.citizen,
        department=department,
        due_at=contact.offered_at + dt.timedelta(days=7),
    )


def test_an_officer_sees_only_their_departments_follow_ups(login, officer, department, maintenance):
    mine = referral(department, notes="for housing services")
    theirs = referral(maintenance, notes="for maintenance only")
    html = login(officer).get("/follow-ups/").content.decode()
    assert f'data-follow-up="{mine.pk}"' in html
    assert f'data-follow-up="{theirs.pk}"' not in html and "for maintenance only" not in html


def test_an_officer_cannot_open_another_departments_follow_up(login, officer, maintenance):
    theirs = referral(maintenance, notes="for maintenance only")
    response = login(officer).get(f"/follow-ups/{theirs.pk}/")
    assert response.status_code == 404
    assert b"for maintenance only" not in response.content


def test_recording_the_answer_closes_the_follow_up(login, officer, department):
    follow_up = referral(department)
    response = login(officer).post(f"/follow-ups/{follow_up.pk}/", {"answer": "تمت جدولة الزيارة"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (
        follow_up.status == "closed"
        and follow_up.answered_by == officer
        and follow_up.answer == "تمت جدولة الزيارة"
    )
    assert list(FollowUpEvent.objects.filter(follow_up=follow_up).values_list("to_status", flat=True)) == [
        "closed"
    ]


def test_an_empty_answer_is_refused(officer, department):
    follow_up = referral(department)
    with pytest.raises(ValidationFailed):
        services.follow_up_close(follow_up=follow_up, answer="  ", actor=officer)
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_a_closed_follow_up_cannot_be_answered_again(officer, department):
    follow_up = referral(department)
    services.follow_up_close(follow_up=follow_up, answer="done", actor=officer)
    with pytest.raises(Conflict):
        services.follow_up_close(follow_up=follow_up, answer="again", actor=officer)
    follow_up.refresh_from_db()
    assert follow_up.answer == "done"


def test_another_departments_officer_cannot_answer(other_officer, department):
    follow_up = referral(department)
    with pytest.raises(PermissionDenied):
        services.follow_up_close(follow_up=follow_up, answer="not mine", actor=other_officer)
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_an_agent_cannot_see_the_queue(login, agent, department):
    referral(department, notes="queue text")
    response = login(agent).get("/follow-ups/")
    assert response.status_code == 403 and b"queue text" not in response.content


def test_a_supervisor_sees_every_departments_queue(login, supervisor, department, maintenance):
    a, b = referral(department), referral(maintenance)
    html = login(supervisor).get("/follow-ups/").content.decode()
    assert f'data-follow-up="{a.pk}"' in html and f'data-follow-up="{b.pk}"' in html


def test_overdue_follow_ups_are_marked(login, officer, department):
    referral(department, offered_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    html = login(officer).get("/follow-ups/").content.decode()
    assert "text-bg-danger" in html
