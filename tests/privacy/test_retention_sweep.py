"""The retention sweep: each kind, holds, open cases, batches, dry run equal to the real run."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from apps.chat.models import ChatMessage
from apps.citizens.models import Citizen, CitizenAccess, CitizenPhone
from apps.contacts.models import Callback, Contact, FollowUp
from apps.escalations.models import Escalation
from apps.privacy.retention import services, sweeps
from apps.privacy.retention.models import RetentionPolicy, RetentionRun
from apps.privacy.retention.sweeps import ANON
from apps.tickets.models import Ticket, TicketAttachment, TicketEvent
from apps.tickets.workflow import Status
from tests.privacy import retention_fixtures
from tests.privacy.retention_fixtures import (
    LATER,
    OLD,
    access,
    appointment,
    attachment,
    chat,
    closed_ticket,
    contact,
    follow_up,
    notification,
    video_call,
)
from tests.tickets.factories import CitizenFactory, TicketFactory, set_status

dpo, policies = retention_fixtures.dpo, retention_fixtures.policies

pytestmark = pytest.mark.django_db


def sweep(dry_run=False, batch_size=500, now=LATER):
    return services.retention_sweep(dry_run=dry_run, batch_size=batch_size, now=now)


def counts(run) -> dict[str, int]:
    return {kind: row["count"] for kind, row in run.counts.items()}


# --------------------------------------------------------------------------- each kind


def test_a_closed_ticket_is_anonymised_and_keeps_what_statistics_need(policies, agent):
    ticket = closed_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(rating_comment="أحمد لم يرد", rating=2)
    TicketEvent.objects.create(ticket=ticket, kind="public_reply", actor=agent, at=OLD, body="عزيزي أحمد")
    before = Ticket.objects.values(
        "kind", "channel", "status", "received_at", "closed_at", "rating", "citizen_id"
    ).get(pk=ticket.pk)

    run = sweep()

    ticket.refresh_from_db()
    assert counts(run)["closed_tickets"] == 1
    assert ticket.subject == ANON and ticket.description == ANON
    assert ticket.contact_phone == "" and ticket.address == "" and ticket.rating_comment == ANON
    assert not ticket.events.exclude(body="").exclude(body=ANON).exists()
    after = Ticket.objects.values(
        "kind", "channel", "status", "received_at", "closed_at", "rating", "citizen_id"
    ).get(pk=ticket.pk)
    assert after == before


def test_attachments_of_a_closed_ticket_are_deleted_with_their_files(
    policies, agent, django_capture_on_commit_callbacks
):
    ticket = TicketFactory()
    file = attachment(ticket, agent)
    TicketAttachment.objects.filter(pk=file.pk).update(uploaded_at=OLD)
    set_status(ticket, Status.CLOSED, closed_at=OLD)
    storage = file.file.storage
    assert storage.exists(file.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        run = sweep()

    assert counts(run)["attachments"] == 1
    assert not TicketAttachment.objects.filter(pk=file.pk).exists()
    assert not storage.exists(file.file.name)


def test_a_contact_loses_caller_number_and_follow_up_answer_but_keeps_its_figures(policies, department):
    row = contact(outcome="referred", department=department)
    follow_up(row, department)
    Callback.objects.create(contact=row, number="36001234", due_at=OLD, assigned_to=_user(), status="done")
    before = Contact.objects.values(
        "channel", "purpose", "outcome", "offered_at", "answered_at", "department"
    ).get(pk=row.pk)

    run = sweep()

    row.refresh_from_db()
    assert counts(run)["contacts"] == 1
    assert row.caller_number == ""
    assert FollowUp.objects.get(contact=row).answer == ANON
    assert Callback.objects.get(contact=row).number == ""
    assert (
        Contact.objects.values(
            "channel", "purpose", "outcome", "offered_at", "answered_at", "department"
        ).get(pk=row.pk)
        == before
    )


def _user():
    from tests.conftest import _make

    return _make("callback-agent", [])


def test_call_notes_are_purged_on_their_own(policies):
    row = contact(caller="")

    run = sweep()

    row.refresh_from_db()
    assert counts(run)["call_notes"] == 1
    assert counts(run)["contacts"] == 0  # no caller number, nothing else personal
    assert row.notes == ANON


def test_a_chat_transcript_is_anonymised_and_the_visitor_stays_one_visitor_a_month(policies):
    first = chat(mobile="36000001")
    second = chat(mobile="36000001", when=OLD + dt.timedelta(days=5))
    other_month = chat(mobile="36000001", when=OLD + dt.timedelta(days=40))

    run = sweep()

    assert counts(run)["chats"] == 3
    first.refresh_from_db()
    second.refresh_from_db()
    other_month.refresh_from_db()
    assert first.name == ANON and first.cpr == "" and first.email == "" and first.rating_comment == ANON
    assert first.rating == 5
    assert "36000001" not in first.mobile
    assert first.mobile == second.mobile != other_month.mobile
    assert not ChatMessage.objects.filter(chat__in=[first, second]).exclude(body=ANON).exists()


def test_a_video_call_request_is_anonymised(policies):
    call = video_call()

    assert counts(sweep())["video_calls"] == 1

    call.refresh_from_db()
    assert (call.name, call.mobile, call.status) == (ANON, "", "held")


def _uyc_case(status="closed"):
    ticket = closed_ticket()
    return Escalation.objects.create(
        ticket=ticket,
        citizen=ticket.citizen,
        source="staff",
        reason="المواطن أحمد يحتاج قراراً",
        summary="ملخص حالة أحمد",
        received_at=OLD,
        due_at=OLD + dt.timedelta(days=30),
        decided_at=OLD + dt.timedelta(days=10) if status == "closed" else None,
        decision_public="الموافقة على طلب أحمد" if status == "closed" else "",
        closed_at=OLD + dt.timedelta(days=12) if status == "closed" else None,
        status=status,
    )


def test_a_closed_under_your_command_case_loses_its_texts_and_keeps_its_dates(policies):
    case = _uyc_case()
    open_case = _uyc_case(status="under_study")

    assert counts(sweep())["uyc_cases"] == 1

    case.refresh_from_db()
    open_case.refresh_from_db()
    assert (case.reason, case.summary, case.decision_public, case.decision_internal) == (ANON, ANON, ANON, "")
    assert case.status == "closed" and case.decided_at and case.received_at == OLD
    assert open_case.reason != ANON
    # The open case keeps its closed ticket an open case too.
    assert open_case.ticket.description != ANON


def test_a_past_appointment_is_anonymised_and_keeps_its_status(policies):
    row = appointment()

    assert counts(sweep())["appointments"] == 1

    row.refresh_from_db()
    assert (row.mobile, row.served_note, row.status) == ("", ANON, "served")


def test_a_booked_appointment_is_an_open_case(policies):
    row = appointment(status="booked")

    assert counts(sweep())["appointments"] == 0
    row.refresh_from_db()
    assert row.mobile


def test_a_sent_message_is_anonymised_in_the_outbox(policies):
    message = notification()
    queued = notification(state="queued")

    assert counts(sweep())["outbox"] == 1

    message.refresh_from_db()
    queued.refresh_from_db()
    assert (message.to_phone, message.body, message.state) == ("", ANON, "sent")
    assert queued.body != ANON


def test_old_read_log_entries_are_deleted(policies, agent):
    citizen = CitizenFactory()
    old = access(citizen=citizen, user=agent)
    recent = access(citizen=citizen, user=agent, when=LATER - dt.timedelta(days=3))

    assert counts(sweep())["read_log"] == 1

    assert not CitizenAccess.objects.filter(pk=old.pk).exists()
    assert CitizenAccess.objects.filter(pk=recent.pk).exists()


def test_a_citizen_with_only_old_closed_records_is_anonymised(policies):
    citizen = CitizenFactory()
    Citizen.objects.filter(pk=citizen.pk).update(created_at=OLD, updated_at=OLD, email="a@example.com")
    closed_ticket(citizen=citizen)

    run = sweep()

    citizen.refresh_from_db()
    assert counts(run)["citizens"] == 1
    assert citizen.cpr.startswith("X") and citizen.name_ar == sweeps.ANON_NAME_AR and citizen.email == ""
    assert not CitizenPhone.objects.filter(citizen=citizen).exists()
    # The tickets keep their citizen: the statement's distinct citizens do not change.
    assert Ticket.objects.filter(citizen=citizen).count() == 1


def test_a_citizen_with_an_open_ticket_is_kept(policies):
    citizen = CitizenFactory()
    Citizen.objects.filter(pk=citizen.pk).update(created_at=OLD, updated_at=OLD)
    closed_ticket(citizen=citizen)
    TicketFactory(citizen=citizen)  # open

    assert counts(sweep())["citizens"] == 0
    citizen.refresh_from_db()
    assert not citizen.cpr.startswith("X")


def test_a_citizen_with_an_open_data_protection_request_is_kept(policies):
    from apps.privacy.requests import services as request_services
    from apps.privacy.requests.workflow import Channel
    from apps.privacy.requests.workflow import Kind as RequestKind

    citizen = CitizenFactory()
    closed_ticket(citizen=citizen)
    request_services.request_file(citizen=citizen, kind=RequestKind.ACCESS, channel=Channel.PORTAL, now=OLD)
    Citizen.objects.filter(pk=citizen.pk).update(created_at=OLD, updated_at=OLD)

    assert counts(sweep())["citizens"] == 0
    citizen.refresh_from_db()
    assert not citizen.cpr.startswith("X")


# ------------------------------------------------------------------- holds, open cases


def test_nothing_of_a_held_citizen_is_touched(policies, dpo, agent):
    citizen = CitizenFactory()
    Citizen.objects.filter(pk=citizen.pk).update(created_at=OLD, updated_at=OLD)
    ticket = closed_ticket(citizen=citizen)
    row = contact(citizen=citizen)
    talk = chat(citizen=citizen)
    booking = appointment(citizen=citizen)
    message = notification(ref=citizen.notification_ref)
    read = access(citizen=citizen, user=agent)
    services.hold_place(citizen=citizen, reason="قضية منظورة أمام المحكمة", actor=dpo)

    run = sweep()

    assert run.total == 0, run.counts
    ticket.refresh_from_db()
    row.refresh_from_db()
    talk.refresh_from_db()
    booking.refresh_from_db()
    message.refresh_from_db()
    citizen.refresh_from_db()
    assert ticket.description != ANON and row.caller_number and row.notes != ANON
    assert talk.name != ANON and booking.mobile and message.body != ANON
    assert CitizenAccess.objects.filter(pk=read.pk).exists()
    assert not citizen.cpr.startswith("X")


def test_a_held_ticket_and_its_contacts_are_untouched_until_released(policies, dpo):
    ticket = closed_ticket()
    row = contact(ticket=ticket, outcome="ticket_opened")
    hold = services.hold_place(ticket=ticket, reason="طلب النيابة", actor=dpo)

    assert counts(sweep())["closed_tickets"] == 0
    row.refresh_from_db()
    assert row.caller_number

    services.hold_release(hold=hold, reason="انتهت القضية", actor=dpo)
    run = sweep()
    assert counts(run)["closed_tickets"] == 1 and counts(run)["contacts"] == 1


def test_a_held_contact_is_untouched(policies, dpo):
    row = contact()
    services.hold_place(contact=row, reason="شكوى قيد التحقيق", actor=dpo)

    run = sweep()

    assert counts(run)["contacts"] == 0 and counts(run)["call_notes"] == 0


def test_open_cases_are_untouched(policies, department):
    open_ticket = TicketFactory()
    Ticket.objects.filter(pk=open_ticket.pk).update(received_at=OLD)
    linked = contact(ticket=open_ticket, outcome="ticket_opened")
    referred = contact(outcome="referred", department=department)
    follow_up(referred, department, status="open")
    # A closed ticket with an open "Under Your Command" case is still an open case.
    escalated = closed_ticket()
    Escalation.objects.create(
        ticket=escalated,
        citizen=escalated.citizen,
        source="staff",
        reason="يحتاج قراراً من الإدارة العليا",
        received_at=OLD,
        due_at=OLD,
        status="received",
    )

    run = sweep()

    assert counts(run)["closed_tickets"] == 0
    assert counts(run)["contacts"] == 0 and counts(run)["call_notes"] == 0
    for row in (open_ticket, escalated):
        row.refresh_from_db()
        assert row.description != ANON
    linked.refresh_from_db()
    assert linked.caller_number


def test_records_inside_their_period_are_untouched(policies):
    recent = LATER - dt.timedelta(days=40)
    ticket = closed_ticket(when=recent)
    row = contact(when=recent)

    assert sweep().total == 0
    ticket.refresh_from_db()
    row.refresh_from_db()
    assert ticket.description != ANON and row.notes != ANON


def test_an_inactive_policy_is_not_applied(policies):
    RetentionPolicy.objects.filter(kind="closed_tickets").update(is_active=False)
    ticket = closed_ticket()

    run = sweep()

    assert "closed_tickets" not in run.counts
    ticket.refresh_from_db()
    assert ticket.description != ANON


def test_a_policy_below_a_raised_minimum_is_refused_by_the_sweep(policies, settings):
    settings.HOUSING_RETENTION_MINIMUMS = ["closed_tickets=600"]
    ticket = closed_ticket()

    run = sweep()

    assert run.counts["closed_tickets"]["refused"] is True
    ticket.refresh_from_db()
    assert ticket.description != ANON


# --------------------------------------------------- dry run, batches, idempotence, runs


def _mixed_records(agent, department):
    for _ in range(3):
        closed_ticket()
    for _ in range(4):
        contact()
    contact(caller="")
    referred = contact(outcome="referred", department=department)
    follow_up(referred, department)
    chat()
    chat(mobile="36000002", status="abandoned")
    video_call()
    appointment()
    notification()
    access(citizen=CitizenFactory(), user=agent)
    TicketFactory()  # open: never counted


def test_the_dry_run_counts_equal_the_real_run_and_change_nothing(policies, agent, department):
    _mixed_records(agent, department)
    description = set(Ticket.objects.values_list("description", flat=True))

    dry = sweep(dry_run=True)

    assert set(Ticket.objects.values_list("description", flat=True)) == description
    real = sweep(batch_size=2)
    assert counts(dry) == counts(real)
    assert real.total > 10
    assert dry.dry_run and not real.dry_run
    assert dry.state == real.state == RetentionRun.State.DONE


def test_small_batches_handle_everything(policies):
    for _ in range(7):
        closed_ticket()

    run = sweep(batch_size=3)

    assert counts(run)["closed_tickets"] == 7
    assert not Ticket.objects.exclude(description=ANON).exists()


def test_a_second_run_finds_nothing(policies, agent, department):
    _mixed_records(agent, department)
    sweep()

    second = sweep()
    assert second.total == 0, second.counts
    assert sweep(dry_run=True).total == 0


def test_a_batch_size_out_of_range_is_refused(policies):
    from apps.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        sweep(batch_size=0)
    assert not RetentionRun.objects.exists()


def test_the_management_command_runs_a_dry_run_and_a_sweep(policies, capsys):
    closed_ticket()

    with time_machine.travel(LATER):
        call_command("retention_sweep", "--dry-run", "--batch-size", "10")
    out = capsys.readouterr().out
    assert "closed_tickets: 1" in out
    assert Ticket.objects.exclude(description=ANON).exists()

    with time_machine.travel(LATER):
        call_command("retention_sweep")
    assert "closed_tickets: 1" in capsys.readouterr().out
    assert not Ticket.objects.filter(status="closed").exclude(description=ANON).exists()
    assert RetentionRun.objects.filter(dry_run=True).count() == 1
    assert RetentionRun.objects.filter(dry_run=False).count() == 1


def test_the_celery_task_runs_the_real_sweep(policies):
    from apps.privacy.retention.tasks import retention_sweep_task

    closed_ticket()
    assert retention_sweep_task.name == "privacy.retention_sweep"
    with time_machine.travel(LATER):
        result = retention_sweep_task.run()
    assert result["closed_tickets"] == 1


def test_the_sweep_is_scheduled_nightly(settings):
    assert settings.CELERY_BEAT_SCHEDULE["privacy.retention_sweep"]["task"] == "privacy.retention_sweep"


def test_the_cutoff_is_whole_months_in_bahrain_time():
    cutoff = services.cutoff_for(2, dt.datetime(2026, 7, 31, 22, 0, tzinfo=dt.UTC))  # 1 August in Bahrain
    assert cutoff.isoformat() == "2026-06-01T00:00:00+03:00"


# ------------------------------------------------------------------- the change history


def test_a_real_sweep_runs_in_the_retention_door_and_forgets_the_history_of_what_it_anonymised(
    policies, monkeypatch, admin_user
):
    """The history part provides ``history_door`` and ``history_forget``; here stand-ins
    record how the sweep calls them."""
    import contextlib

    doors, forgotten = [], []

    @contextlib.contextmanager
    def history_door(door, *, actor=None, reason=None):
        doors.append((door, actor, reason))
        yield

    def history_forget(*, model, pks):
        forgotten.append((model._meta.label_lower, sorted(pks)))
        return len(pks)

    monkeypatch.setattr(services, "history_door", history_door)
    monkeypatch.setattr(sweeps, "history_forget", history_forget)
    ticket = closed_ticket()

    services.retention_sweep(dry_run=True, now=LATER)
    assert doors == [] and forgotten == []
    services.retention_sweep(dry_run=False, actor=admin_user, now=LATER)

    assert [door for door, _actor, _reason in doors] == ["retention"]
    assert doors[0][1] == admin_user
    assert ("tickets.ticket", [ticket.pk]) in forgotten


def test_a_real_sweep_leaves_no_history_of_the_anonymised_ticket(policies):
    from apps.privacy.history.models import Change
    from apps.tickets.models import Ticket

    ticket = closed_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(priority=Ticket.Priority.HIGH)
    assert Change.objects.filter(model="tickets.ticket", object_id=str(ticket.pk)).exists()
    assert counts(sweep(dry_run=False))["closed_tickets"] == 1
    assert not Change.objects.filter(model="tickets.ticket", object_id=str(ticket.pk)).exists()
