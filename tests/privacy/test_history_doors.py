"""Every door records history: page, API, admin, import, management command, Celery task."""

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from apps.citizens import services as citizen_services
from apps.citizens.models import Citizen, HousingFile
from apps.core.history import door_for_path, history_door
from apps.privacy.history.models import Change
from housing_contact.celery import app as celery_app

pytestmark = pytest.mark.django_db


@celery_app.task(name="tests.privacy.rename_citizen")
def _rename_citizen(citizen_id: int, name: str) -> None:
    Citizen.objects.filter(pk=citizen_id).update(name_en=name)


def _last(citizen) -> Change:
    return Change.objects.filter(model="citizens.citizen", object_id=str(citizen.pk)).latest("id")


def test_the_triggers_are_installed_in_the_test_database():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'pgtrigger_privacy_history_%'"
        )
        tables = {row[0] for row in cursor.fetchall()}
    assert {
        "citizens_citizen",
        "citizens_citizenphone",
        "citizens_housingfile",
        "tickets_ticket",
        "sla_policy",
        "sla_holiday",
        "notifications_messagetemplate",
        "accounts_user",
        "accounts_user_groups",
    } <= tables


def test_a_page_edit_is_recorded_with_door_page_the_actor_and_the_reason(client, agent, citizen):
    client.force_login(agent)
    data = {
        "name_ar": "أحمد علي حسن",
        "name_en": "",
        "email": "",
        "language": "ar",
        "reason": "الاسم كما في البطاقة الذكية",
    }
    response = client.post(f"/citizens/{citizen.pk}/edit/", data)
    assert response.status_code == 302
    change = _last(citizen)
    assert change.door == "page" and change.actor == agent and change.action == "update"
    assert change.reason == "الاسم كما في البطاقة الذكية"
    assert change.diff == {"name_ar": ["أحمد علي", "أحمد علي حسن"]}
    assert change.citizen_id == citizen.pk


def test_an_api_patch_is_recorded_with_door_api(agent, citizen):
    api = APIClient()
    api.force_authenticate(agent)
    response = api.patch(
        f"/api/v1/citizens/{citizen.pk}/",
        {"email": "a@example.bh", "reason": "Caller gave it"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["email"] == "a@example.bh"
    change = _last(citizen)
    assert (change.door, change.actor_id, change.reason) == ("api", agent.pk, "Caller gave it")
    assert change.diff == {"email": ["", "a@example.bh"]}


def test_an_admin_change_is_recorded_with_door_admin(client, admin_user, department):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/department/{department.pk}/change/",
        {
            "code": department.code,
            "name_ar": department.name_ar,
            "name_en": "Housing services (new)",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    change = Change.objects.filter(model="accounts.department", object_id=str(department.pk)).latest("id")
    assert change.door == "admin" and change.actor == admin_user
    assert change.diff["name_en"] == ["Housing services", "Housing services (new)"]


def test_the_housing_feed_is_recorded_with_door_import(citizen):
    from apps.integrations.housing_feed.services import housing_feed_apply

    batch = housing_feed_apply(
        rows=[
            {
                "cpr": citizen.cpr,
                "file_number": "HF-2026-0001",
                "service": "وحدة سكنية",
                "application_date": "2020-01-05",
                "status": "under_review",
            }
        ]
    )
    assert batch.rejected == 0, batch.errors
    housing_file = HousingFile.objects.get(application_number="HF-2026-0001")
    change = Change.objects.get(model="citizens.housingfile", object_id=str(housing_file.pk))
    assert change.door == "import" and change.action == "insert" and change.citizen_id == citizen.pk


def test_an_import_command_is_recorded_with_door_import():
    call_command("sla_import_holidays", "2027")
    change = Change.objects.filter(model="sla.holiday").latest("id")
    assert change.door == "import" and change.action == "insert"


def test_a_management_command_is_recorded_with_door_command(citizen):
    call_command(
        "shell",
        command=(
            "from apps.citizens.models import Citizen; "
            f"Citizen.objects.filter(pk={citizen.pk}).update(area='Muharraq')"
        ),
    )
    change = _last(citizen)
    assert change.door == "command" and change.diff == {"area": ["", "Muharraq"]}
    assert change.actor_id is None


def test_a_celery_task_is_recorded_with_door_task(citizen):
    _rename_citizen.apply(args=[citizen.pk, "Ahmed Ali"])
    change = _last(citizen)
    assert change.door == "task" and change.diff == {"name_en": ["", "Ahmed Ali"]}


def test_portal_and_other_paths_get_their_doors():
    assert door_for_path("/portal/requests/") == "portal"
    assert door_for_path("/api/v1/citizens/1/") == "api"
    assert door_for_path("/admin/") == "admin"
    assert door_for_path("/citizens/1/edit/") == "page"


def test_an_inner_door_names_the_door_and_the_outer_one_comes_back(citizen):
    with history_door("command", reason="outer"):
        with history_door("retention", reason="anonymised"):
            Citizen.objects.filter(pk=citizen.pk).update(email="x@example.bh")
        Citizen.objects.filter(pk=citizen.pk).update(email="y@example.bh")
    first, second = Change.objects.filter(model="citizens.citizen", action="update").order_by("id")
    assert (first.door, first.reason) == ("retention", "anonymised")
    assert (second.door, second.reason) == ("command", "outer")


def test_an_unknown_door_is_a_programming_error():
    with pytest.raises(ValueError):
        with history_door("window"):
            pass


def test_a_write_outside_any_door_is_still_recorded(citizen):
    Citizen.objects.filter(pk=citizen.pk).update(flat="12")
    change = _last(citizen)
    assert change.door == "" and change.diff == {"flat": ["", "12"]}


def test_phones_are_recorded_under_the_citizen(agent, citizen):
    phone = citizen.phones.get()
    citizen_services.citizen_phone_add(citizen=citizen, number="3900 0000", actor=agent)
    citizen_services.citizen_phone_remove(phone=citizen.phones.get(number="+97339000000"), actor=agent)
    rows = Change.objects.filter(model="citizens.citizenphone", citizen_id=citizen.pk)
    assert {r.action for r in rows} >= {"insert", "delete"}
    assert phone.pk in {int(r.object_id) for r in rows}


def test_a_phone_service_called_outside_a_request_records_its_actor(agent, citizen):
    with history_door("task"):
        citizen_services.citizen_phone_confirm(phone=citizen.phones.get(), actor=agent)
    change = Change.objects.filter(model="citizens.citizenphone", action="update").latest("id")
    assert (change.door, change.actor_id) == ("task", agent.pk)
    assert set(change.diff) == {"confirmed_at", "confirmed_by_id"}
