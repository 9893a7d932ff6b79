"""Data-subject requests, the services: filing, due dates, answers, decisions, the sweep."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from apps.citizens.models import Citizen
from apps.core.errors import PermissionDenied
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import notification_queue
from apps.privacy.requests import services
from apps.privacy.requests.models import DataSubjectRequest, DataSubjectRequestEvent, DueFlag
from apps.privacy.requests.services import NoChangeRequested, ReasonRequired, RequestTransitionError
from apps.sla.models import Holiday
from tests.privacy.requests_support import BH, NOW, USE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*USE)]


@pytest.fixture
def citizen(requests_citizen):
    return requests_citizen


def _file(citizen, kind="access", **extra):
    return services.request_file(citizen=citizen, kind=kind, channel="portal", **extra)


# --- filing and the reference ---------------------------------------------------------


def test_a_request_gets_a_yearly_reference_and_tells_the_citizen(citizen, frozen):
    first = _file(citizen)
    second = _file(citizen)
    assert first.reference.startswith("PDP-2026-") and len(first.reference) == len("PDP-2026-000001")
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert first.status == "received" and first.channel == "portal"
    told = Notification.objects.filter(
        event="privacy.request_received", recipient_ref=citizen.notification_ref
    )
    assert told.filter(channel="sms").count() == 2
    assert first.reference in told.filter(channel="sms").earliest("id").body
    assert DataSubjectRequestEvent.objects.filter(request=first, to_status="received").exists()


def test_the_due_date_is_fifteen_working_days_on_the_calendar(citizen, frozen):
    Holiday.objects.all().delete()
    request = _file(citizen)
    # Sunday 7 June; working week Sunday–Thursday; the day of receipt does not count.
    assert request.due_at.astimezone(BH) == datetime(2026, 6, 28, 14, 0, tzinfo=BH)


def test_a_holiday_inside_the_window_moves_the_due_date_a_working_day_later(citizen, frozen):
    Holiday.objects.all().delete()
    Holiday.objects.create(date=date(2026, 6, 9), name_ar="عطلة", name_en="Holiday")
    request = _file(citizen)
    assert request.due_at.astimezone(BH) == datetime(2026, 6, 29, 14, 0, tzinfo=BH)


def test_the_number_of_working_days_is_a_setting(citizen, frozen, settings):
    Holiday.objects.all().delete()
    settings.HOUSING_PRIVACY_REQUEST_WORKING_DAYS = 1
    assert _file(citizen).due_at.astimezone(BH) == datetime(2026, 6, 8, 14, 0, tzinfo=BH)


def test_a_rectification_keeps_only_the_values_that_change(citizen, frozen):
    request = _file(
        citizen, kind="rectification", requested_changes={"name_en": "Maryam H. Ali", "area": "المنامة"}
    )
    assert request.requested_changes == {"name_en": "Maryam H. Ali"}


def test_a_rectification_with_no_change_is_refused_and_nothing_is_saved(citizen, frozen):
    with pytest.raises(NoChangeRequested) as refused:
        _file(citizen, kind="rectification", requested_changes={"name_ar": citizen.name_ar, "email": ""})
    assert refused.value.code == "no_change"
    assert not DataSubjectRequest.objects.exists()
    assert not Notification.objects.exists()


def test_the_no_change_refusal_is_said_in_arabic_and_english(citizen, frozen):
    from django.utils import translation

    with translation.override("ar"):
        arabic = str(NoChangeRequested.default_message)
    with translation.override("en"):
        english = str(NoChangeRequested.default_message)
    assert arabic != english and any("\u0600" <= ch <= "\u06ff" for ch in arabic)


def test_a_rectification_of_a_field_that_cannot_be_corrected_is_refused(citizen, frozen):
    with pytest.raises(services.ValidationFailed):
        _file(citizen, kind="rectification", requested_changes={"cpr": "850201235"})
    assert not DataSubjectRequest.objects.exists()


def test_an_objection_must_name_the_messages_to_stop(citizen, frozen):
    with pytest.raises(services.ValidationFailed):
        _file(citizen, kind="objection", objection_kind="")
    assert not DataSubjectRequest.objects.exists()


def test_an_agent_without_the_permission_cannot_file_for_a_citizen(citizen, frozen, outsider):
    with pytest.raises(PermissionDenied):
        services.request_file(citizen=citizen, kind="access", channel="agent", actor=outsider)
    assert not DataSubjectRequest.objects.exists()


def test_an_agent_files_on_behalf_of_the_citizen(citizen, frozen, agent):
    request = services.request_file(citizen=citizen, kind="access", channel="agent", actor=agent)
    assert request.channel == "agent" and request.filed_by == agent


def test_references_are_unique_under_concurrent_filing(transactional_db, citizen):
    # Threads with their own connections draw from the one sequence at once.
    references, errors = [], []

    def file_one():
        try:
            references.append(_file(Citizen.objects.get(pk=citizen.pk)).reference)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(references)) == 4


# --- the officer's answers and decisions -------------------------------------------------


def test_the_officer_answers_an_access_request_with_the_archive(citizen, frozen, dpo):
    request = _file(citizen)
    answered = services.request_answer_access(request=request, actor=dpo)
    answered.refresh_from_db()
    assert answered.status == "answered" and answered.answered_by == dpo and answered.answered_at == NOW
    assert answered.archive_filename.endswith(".zip")
    assert zipfile.ZipFile(io.BytesIO(bytes(answered.archive))).namelist()
    told = Notification.objects.filter(event="privacy.request_decided", channel="sms").get()
    assert answered.reference in told.body


def test_an_access_request_is_answered_only_once(citizen, frozen, dpo):
    request = services.request_answer_access(request=_file(citizen), actor=dpo)
    with pytest.raises(RequestTransitionError):
        services.request_answer_access(request=request, actor=dpo)


def test_someone_who_is_not_an_officer_cannot_answer(citizen, frozen, agent):
    request = _file(citizen)
    with pytest.raises(PermissionDenied):
        services.request_answer_access(request=request, actor=agent)
    request.refresh_from_db()
    assert request.status == "received" and not request.archive_filename


def test_a_refusal_without_a_reason_is_refused(citizen, frozen, dpo):
    request = _file(citizen, kind="objection", objection_kind="campaigns")
    with pytest.raises(ReasonRequired):
        services.request_decide(request=request, actor=dpo, approve=False, reason="   ")
    request.refresh_from_db()
    assert request.status == "received"
    assert not Notification.objects.filter(event="privacy.request_decided").exists()


def test_an_approval_without_a_reason_is_refused_too(citizen, frozen, dpo):
    request = _file(citizen, kind="rectification", requested_changes={"name_en": "Maryam H. Ali"})
    with pytest.raises(ReasonRequired):
        services.request_decide(request=request, actor=dpo, approve=True, reason="")
    citizen.refresh_from_db()
    assert citizen.name_en == "Maryam Hasan Ali"


def test_approving_a_rectification_changes_the_file_and_tells_the_citizen(citizen, frozen, dpo):
    request = _file(
        citizen, kind="rectification", requested_changes={"name_en": "Maryam H. Ali", "block": "318"}
    )
    decided = services.request_decide(
        request=request, actor=dpo, approve=True, reason="Checked against the ID card"
    )
    citizen.refresh_from_db()
    assert citizen.name_en == "Maryam H. Ali" and citizen.block == "318"
    assert decided.status == "approved"
    assert decided.applied_changes == {
        "name_en": {"old": "Maryam Hasan Ali", "new": "Maryam H. Ali"},
        "block": {"old": "317", "new": "318"},
    }
    told = Notification.objects.filter(event="privacy.request_decided", channel="sms").get()
    assert "Checked against the ID card" in told.body


def test_refusing_a_rectification_leaves_the_file_as_it_was(citizen, frozen, dpo):
    request = _file(citizen, kind="rectification", requested_changes={"name_en": "Someone Else"})
    decided = services.request_decide(
        request=request, actor=dpo, approve=False, reason="Not supported by documents"
    )
    citizen.refresh_from_db()
    assert citizen.name_en == "Maryam Hasan Ali"
    assert decided.status == "refused" and decided.decision_reason == "Not supported by documents"


def test_an_access_request_cannot_be_approved_but_may_be_refused(citizen, frozen, dpo):
    request = _file(citizen)
    with pytest.raises(RequestTransitionError):
        services.request_decide(request=request, actor=dpo, approve=True, reason="ok")
    refused = services.request_decide(request=request, actor=dpo, approve=False, reason="Identity in doubt")
    assert refused.status == "refused"


def test_approving_an_objection_stops_messages_of_that_kind(citizen, frozen, dpo):
    request = _file(citizen, kind="objection", objection_kind="appointment_reminders")
    services.request_decide(request=request, actor=dpo, approve=True, reason="As asked")
    preference = NotificationPreference.objects.get(key=citizen.notification_ref)
    assert preference.stopped_events == ["appointment.reminder"]
    context = {
        "reference": "A-1",
        "service": "s",
        "branch": "b",
        "date": "d",
        "hijri": "h",
        "time": "09:00",
        "manage_url": "https://x/",
    }
    rows = notification_queue(event="appointment.reminder", recipient_citizen=citizen, context=context)
    assert rows and all(row.state == "skipped" and row.error_code == "stopped" for row in rows)


def test_a_stopped_kind_never_stops_the_answer_to_the_request(citizen, frozen, dpo):
    request = _file(citizen, kind="objection", objection_kind="campaigns")
    services.request_decide(request=request, actor=dpo, approve=True, reason="As asked")
    told = Notification.objects.filter(event="privacy.request_decided").exclude(state="skipped")
    assert told.exists()
    # Another request's acknowledgement is legally required too.
    _file(citizen)
    assert not Notification.objects.filter(event="privacy.request_received", state="skipped").exists()


def test_messages_of_other_kinds_still_go_after_an_objection(citizen, frozen, dpo):
    request = _file(citizen, kind="objection", objection_kind="campaigns")
    services.request_decide(request=request, actor=dpo, approve=True, reason="As asked")
    context = {
        "reference": "A-1",
        "service": "s",
        "branch": "b",
        "date": "d",
        "hijri": "h",
        "time": "09:00",
        "manage_url": "https://x/",
    }
    rows = notification_queue(event="appointment.reminder", recipient_citizen=citizen, context=context)
    assert all(row.state != "skipped" for row in rows)


def test_a_decided_request_cannot_be_decided_again(citizen, frozen, dpo):
    request = _file(citizen, kind="objection", objection_kind="campaigns")
    services.request_decide(request=request, actor=dpo, approve=False, reason="No")
    with pytest.raises(RequestTransitionError):
        services.request_decide(request=request, actor=dpo, approve=True, reason="Yes")


def test_taking_a_request_in_review_records_the_move(citizen, frozen, dpo):
    request = services.request_start_review(request=_file(citizen), actor=dpo)
    assert request.status == "in_review"
    assert list(request.events.values_list("to_status", flat=True)) == ["received", "in_review"]


# --- the sweep ----------------------------------------------------------------------------


def test_the_sweep_flags_requests_near_and_past_their_due_date_and_tells_the_officers(citizen, frozen, dpo):
    Holiday.objects.all().delete()
    late = _file(citizen)
    soon = _file(citizen)
    calm = _file(citizen)
    DataSubjectRequest.objects.filter(pk=late.pk).update(due_at=NOW - timedelta(hours=1))
    DataSubjectRequest.objects.filter(pk=soon.pk).update(due_at=NOW + timedelta(days=1))
    assert services.requests_due_sweep(now=NOW) == {"near": 1, "overdue": 1}
    flags = dict(DataSubjectRequest.objects.values_list("pk", "due_flag"))
    assert flags == {late.pk: DueFlag.OVERDUE, soon.pk: DueFlag.NEAR, calm.pk: DueFlag.NONE}
    assert Notification.objects.filter(event="privacy.requests_due", recipient_user=dpo).count() == 1
    # Idempotent: nothing new, nobody told again.
    assert services.requests_due_sweep(now=NOW) == {"near": 0, "overdue": 0}
    assert Notification.objects.filter(event="privacy.requests_due").count() == 1


def test_the_sweep_task_is_scheduled_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy.requests_due_sweep"]
    assert entry["task"] == "privacy.requests_due_sweep" and entry["schedule"] == 3600.0


def test_an_approved_rectification_is_in_the_change_history_with_the_reference_and_reason(
    citizen, frozen, dpo
):
    from apps.privacy.history.models import Change

    request = _file(citizen, kind="rectification", requested_changes={"name_en": "Maryam H. Ali"})
    services.request_decide(request=request, actor=dpo, approve=True, reason="Checked against the ID card")
    change = Change.objects.filter(
        model="citizens.citizen", object_id=str(citizen.pk), action="update"
    ).latest("id")
    assert change.actor_id == dpo.pk
    assert change.reason == f"{request.reference}: Checked against the ID card"
    assert "name_en" in change.diff


def test_a_value_already_on_file_when_approved_is_not_changed_again(citizen, frozen, dpo):
    from apps.citizens.services import citizen_update

    request = _file(
        citizen, kind="rectification", requested_changes={"name_en": "Maryam H. Ali", "block": "318"}
    )
    citizen_update(citizen=citizen, actor=dpo, reason="Phone call", name_en="Maryam H. Ali")
    decided = services.request_decide(request=request, actor=dpo, approve=True, reason="Checked")
    assert decided.applied_changes == {"block": {"old": "317", "new": "318"}}


def test_the_sweep_runs_by_hand_and_as_the_named_task(citizen, frozen, dpo):
    from io import StringIO

    from django.core.management import call_command

    from apps.privacy.requests.tasks import requests_due_sweep

    late = _file(citizen)
    DataSubjectRequest.objects.filter(pk=late.pk).update(due_at=NOW - timedelta(hours=1))
    out = StringIO()
    call_command("privacy_requests_due_sweep", stdout=out)
    assert "overdue: 1" in out.getvalue()
    assert requests_due_sweep.name == "privacy.requests_due_sweep"
    assert requests_due_sweep() == {"near": 0, "overdue": 0}
