"""Dispositions and the retry rules: weekends and holidays, the last attempt and its SMS,
wrong numbers, callbacks, and every attempt a contact on the citizen's timeline."""

import datetime as dt

import pytest

from apps.campaigns import imports, services
from apps.campaigns.models import Attempt, Kind, OptOut, Target, WrongNumber
from apps.citizens import timeline
from apps.contacts.models import Channel, Contact, Outcome
from apps.core.errors import Conflict, ValidationFailed
from apps.notifications.models import Notification
from apps.sla import services as sla_services
from apps.sla.selectors import build_calendar

from .conftest import SUNDAY_10, at, records


def _claim(campaign, agent, now, calendar):
    target = services.target_claim_next(campaign=campaign, actor=agent, now=now, calendar=calendar)
    assert target is not None
    return target


def _record(target, agent, disposition, now, calendar, **extra):
    return services.target_record_disposition(
        target=target, actor=agent, disposition=disposition, now=now, calendar=calendar, **extra
    )


def test_a_failed_attempt_late_on_thursday_comes_back_after_the_weekend_and_a_holiday(
    make_campaign, agent, admin_user
):
    sla_services.holiday_create(
        date=dt.date(2026, 7, 12), name_ar="عطلة", name_en="Holiday", actor=admin_user
    )
    # Built from the database now: the shared calendar is refreshed only after a commit.
    calendar = build_calendar()
    campaign = make_campaign(targets=1)
    thursday_evening = at(9, 19, 30)
    target = _claim(campaign, agent, thursday_evening, calendar)
    _record(target, agent, "no_answer", thursday_evening, calendar)
    target.refresh_from_db()
    assert target.status == Target.Status.PENDING
    assert target.attempts == 1
    # +2 h is 21:30 Thursday; Friday and Saturday are not calling days; Sunday 12 is a holiday.
    assert target.next_due_at == at(13, 8, 0)
    with pytest.raises(Conflict):  # the holiday itself is no calling day
        services.target_claim_next(campaign=campaign, actor=agent, now=at(12, 10), calendar=calendar)
    assert services.target_claim_next(campaign=campaign, actor=agent, now=at(13, 8, 0), calendar=calendar)


def test_within_a_day_the_gap_is_the_campaigns_minimum(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1, min_gap_minutes=90)
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    _record(target, agent, "busy", SUNDAY_10, calendar)
    target.refresh_from_db()
    assert target.next_due_at == at(5, 11, 30)
    assert (
        services.target_claim_next(campaign=campaign, actor=agent, now=at(5, 11, 29), calendar=calendar)
        is None
    )
    assert services.target_claim_next(campaign=campaign, actor=agent, now=at(5, 11, 30), calendar=calendar)


def test_the_last_failed_attempt_exhausts_the_target_and_sends_the_sms_once(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1, max_attempts=3, min_gap_minutes=60)
    when = SUNDAY_10
    for disposition in ("no_answer", "switched_off", "no_answer"):
        target = _claim(campaign, agent, when, calendar)
        _record(target, agent, disposition, when, calendar)
        when += dt.timedelta(hours=2)
    target.refresh_from_db()
    assert target.status == Target.Status.EXHAUSTED
    assert target.fallback_sms_at is not None
    sms = Notification.objects.filter(event="campaigns.unreached")
    assert sms.count() == 1
    assert sms.get().to_phone == "+97333000000"
    assert "80008001" in sms.get().body
    # Asking again (a retried task, a second sweep) sends nothing more.
    assert services.fallback_sms_queue(target=target, actor=agent) is False
    assert sms.count() == 1
    assert services.target_claim_next(campaign=campaign, actor=agent, now=when, calendar=calendar) is None


def test_no_sms_before_the_last_attempt(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1, max_attempts=3)
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    _record(target, agent, "no_answer", SUNDAY_10, calendar)
    assert not Notification.objects.filter(event="campaigns.unreached").exists()


def test_every_attempt_is_an_outbound_contact_on_the_citizens_timeline(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1)
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    _record(target, agent, "no_answer", SUNDAY_10, calendar)
    target = _claim(campaign, agent, at(5, 12, 30), calendar)
    _record(target, agent, "done", at(5, 12, 35), calendar, notes="تم التحديث")
    contacts = list(Contact.objects.order_by("offered_at"))
    assert [(c.channel, c.purpose.code, c.outcome) for c in contacts] == [
        (Channel.OUTBOUND_CALL, "data_update", Outcome.ABANDONED),
        (Channel.OUTBOUND_CALL, "data_update", Outcome.RESOLVED),
    ]
    assert contacts[1].answered_at == at(5, 12, 30)  # answered when the agent took the call
    assert contacts[1].agent == agent
    target.refresh_from_db()
    assert target.status == Target.Status.DONE
    assert target.citizen is not None and target.citizen.cpr == "900000000"
    page = timeline.citizen_timeline(citizen=target.citizen, viewer=agent)
    assert {e.id for e in page.entries if e.kind == "contact"} == {c.pk for c in contacts}
    assert list(Attempt.objects.values_list("contact_id", flat=True).order_by("number")) == [
        c.pk for c in contacts
    ]


def test_a_callback_comes_back_at_the_time_agreed_and_is_a_contact_with_that_outcome(
    make_campaign, agent, calendar
):
    campaign = make_campaign(targets=1)
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    _record(target, agent, "callback", SUNDAY_10, calendar, callback_at=at(6, 17), callback_mine=False)
    target.refresh_from_db()
    assert (target.status, target.next_due_at, target.callback_for) == (
        Target.Status.PENDING,
        at(6, 17),
        None,
    )
    contact = Contact.objects.get()
    assert contact.outcome == Outcome.CALLBACK_SCHEDULED
    assert not contact.callbacks.exists()  # the campaign's list brings the citizen back, not the console's


def test_a_callback_outside_calling_hours_is_refused_and_nothing_is_saved(make_campaign, agent, calendar):
    campaign = make_campaign(targets=1)
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    for bad in (at(5, 21), at(10, 10), at(5, 9)):  # after closing, a Friday, in the past
        with pytest.raises(ValidationFailed) as refused:
            _record(target, agent, "callback", SUNDAY_10, calendar, callback_at=bad)
        assert "callback_at" in refused.value.details
    with pytest.raises(ValidationFailed):
        _record(target, agent, "callback", SUNDAY_10, calendar)
    assert not Attempt.objects.exists() and not Contact.objects.exists()
    target.refresh_from_db()
    assert target.status == Target.Status.CLAIMED


def test_a_disposition_for_another_agents_target_or_a_finished_one_is_refused(
    make_campaign, agent, supervisor, calendar
):
    campaign = make_campaign(targets=1)
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    with pytest.raises(Conflict) as theirs:
        _record(target, supervisor, "done", SUNDAY_10, calendar)
    assert theirs.value.code == "target_claimed_by_another"
    _record(target, agent, "done", SUNDAY_10, calendar)
    with pytest.raises(Conflict) as finished:
        _record(target, agent, "refused", SUNDAY_10, calendar)
    assert finished.value.code == "target_finished"
    assert Attempt.objects.count() == 1


def test_a_wrong_number_is_dropped_and_remembered_and_the_next_number_is_tried(
    make_campaign, agent, supervisor, calendar
):
    campaign = make_campaign()
    imports.targets_add(
        campaign=campaign,
        records=[(2, {"cpr": "900000001", "name": "سارة", "phone": "33000001", "phone2": "39000002"})],
        actor=supervisor,
        now=SUNDAY_10,
    )
    services.campaign_transition(campaign=campaign, to_status="running", actor=supervisor)
    campaign.refresh_from_db()
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    _record(target, agent, "wrong_number", SUNDAY_10, calendar)
    target.refresh_from_db()
    assert target.phones == ["+97339000002"]
    assert target.status == Target.Status.PENDING
    assert WrongNumber.objects.filter(number="+97333000001", reason="wrong_number").exists()
    target = _claim(campaign, agent, at(5, 10, 5), calendar)
    _record(target, agent, "not_in_service", at(5, 10, 5), calendar)
    target.refresh_from_db()
    assert target.status == Target.Status.UNREACHABLE
    assert not Notification.objects.filter(event="campaigns.unreached").exists()


def test_a_refusal_with_do_not_call_excludes_the_citizen_from_that_kind_of_campaign(
    make_campaign, agent, supervisor, calendar
):
    campaign = make_campaign(targets=1)
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    _record(target, agent, "refused", SUNDAY_10, calendar, do_not_call=True)
    assert OptOut.objects.filter(cpr="900000000", kind=Kind.DATA_UPDATE).exists()
    other = make_campaign(start=False)
    report = imports.targets_add(campaign=other, records=records(2), actor=supervisor)
    assert report.as_dict()["summary"]["excluded"] == 1
    excluded = Target.objects.get(campaign=other, cpr="900000000")
    assert (excluded.status, excluded.exclusion) == (Target.Status.EXCLUDED, Target.Exclusion.OPTED_OUT)
    draw = make_campaign(kind=Kind.DRAW_INVITATION, start=False)
    assert imports.targets_add(campaign=draw, records=records(1), actor=supervisor).excluded == []


def test_a_campaign_cannot_start_without_a_script_or_targets(make_campaign, supervisor):
    empty = make_campaign(start=False)
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_transition(campaign=empty, to_status="running", actor=supervisor)
    assert refused.value.code == "campaign_not_ready"
    assert "targets" in refused.value.details
    no_script = make_campaign(script_ar="", targets=1, start=False)
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_transition(campaign=no_script, to_status="running", actor=supervisor)
    assert "script_ar" in refused.value.details
    no_script.refresh_from_db()
    assert no_script.status == "draft"


def test_a_finished_campaign_cannot_be_restarted(make_campaign, supervisor):
    campaign = make_campaign(targets=1)
    services.campaign_transition(campaign=campaign, to_status="finished", actor=supervisor)
    with pytest.raises(Conflict) as refused:
        services.campaign_transition(campaign=campaign, to_status="running", actor=supervisor)
    assert refused.value.code == "invalid_transition"


def test_a_draw_invitation_records_the_answer_and_texts_the_details(
    make_campaign, agent, supervisor, calendar
):
    campaign = make_campaign(kind=Kind.DRAW_INVITATION, start=False)
    imports.targets_add(
        campaign=campaign,
        records=records(1, project="مشروع شرق سترة", draw_date="20/07/2026", place="مقر الوزارة"),
        actor=supervisor,
        now=SUNDAY_10,
    )
    services.campaign_transition(campaign=campaign, to_status="running", actor=supervisor)
    campaign.refresh_from_db()
    target = _claim(campaign, agent, SUNDAY_10, calendar)
    with pytest.raises(ValidationFailed) as refused:
        _record(target, agent, "done", SUNDAY_10, calendar)
    assert "answer" in refused.value.details
    _record(target, agent, "done", SUNDAY_10, calendar, answer="will_attend")
    target.refresh_from_db()
    assert target.answer == Target.Answer.WILL_ATTEND
    sms = Notification.objects.get(event="campaigns.draw_invitation")
    assert "مشروع شرق سترة" in sms.body and "2026-07-20" in sms.body and "مقر الوزارة" in sms.body
    assert Contact.objects.get().purpose.code == "electronic_draw"
