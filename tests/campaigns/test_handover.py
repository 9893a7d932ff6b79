"""A hand-over call books the branch appointment in the same screen, through apps.appointments."""

import pytest
import time_machine

from apps.appointments import services as appointment_services
from apps.appointments.models import Appointment
from apps.campaigns import handover, services
from apps.campaigns.models import Attempt, Kind, Target
from apps.contacts.models import Contact, Outcome
from apps.core.errors import ApplicationError, ValidationFailed
from apps.sla import selectors as sla_selectors

from .conftest import SUNDAY_10


@pytest.fixture
def handover_campaign(make_campaign, db):
    sla_selectors.forget_local_calendar()
    appointment_services.catalogue_ensure()
    with time_machine.travel(SUNDAY_10, tick=False):
        yield make_campaign(kind=Kind.HANDOVER, targets=2, name_ar="تسليم الشهادات")
    sla_selectors.forget_local_calendar()


def test_a_handover_call_books_the_appointment_and_logs_the_contact_as_booked(handover_campaign, agent):
    with time_machine.travel(SUNDAY_10, tick=False):
        target = services.target_claim_next(campaign=handover_campaign, actor=agent)
        offered = handover.slots()
        assert offered, "the catalogue offers hand-over slots at the head office"
        choice = handover.parse_choice(f"{offered[0]['branch']}|{offered[0]['start']}")
        with pytest.raises(ValidationFailed) as refused:
            services.target_record_disposition(target=target, actor=agent, disposition="done")
        assert "slot" in refused.value.details
        attempt = services.target_record_disposition(
            target=target,
            actor=agent,
            disposition="done",
            booking={"branch": choice[0], "slot_start": choice[1]},
        )
    appointment = Appointment.objects.get()
    assert (appointment.channel, appointment.service.code, appointment.slot_start) == (
        "campaign",
        "handover",
        choice[1],
    )
    assert appointment.citizen.cpr == target.cpr
    assert attempt.appointment_ref == appointment.reference
    contact = Contact.objects.get()
    assert contact.outcome == Outcome.APPOINTMENT_BOOKED
    assert appointment.contact == contact
    assert Target.objects.get(pk=target.pk).status == Target.Status.DONE


def test_a_refused_booking_leaves_nothing_recorded(handover_campaign, agent):
    with time_machine.travel(SUNDAY_10, tick=False):
        target = services.target_claim_next(campaign=handover_campaign, actor=agent)
        offered = handover.slots()
        branch, start = handover.parse_choice(f"{offered[0]['branch']}|{offered[0]['start']}")
        with pytest.raises(ApplicationError):
            services.target_record_disposition(
                target=target,
                actor=agent,
                disposition="done",
                booking={"branch": branch, "slot_start": start.replace(minute=7)},  # off the grid
            )
    assert not Appointment.objects.exists() and not Attempt.objects.exists() and not Contact.objects.exists()
    assert Target.objects.get(pk=target.pk).status == Target.Status.CLAIMED


def test_the_call_screen_offers_the_slots_and_books_one(handover_campaign, agent, login):
    client = login(agent)
    with time_machine.travel(SUNDAY_10, tick=False):
        client.post(f"/campaigns/{handover_campaign.pk}/call/next/")
        page = client.get(f"/campaigns/{handover_campaign.pk}/call/").content.decode()
        assert 'data-testid="handover-slots"' in page
        offered = handover.slots()
        target = Target.objects.get(status="claimed")
        response = client.post(
            f"/campaigns/targets/{target.pk}/disposition/",
            {"disposition": "done", "slot": f"{offered[0]['branch']}|{offered[0]['start']}"},
        )
    assert response.status_code == 302
    assert Appointment.objects.get().contact is not None
