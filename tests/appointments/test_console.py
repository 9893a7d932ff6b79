import pytest

from apps.appointments.models import Appointment
from apps.contacts.models import Contact, Outcome
from tests.appointments.conftest import at
from tests.contacts.factories import purpose

pytestmark = pytest.mark.django_db


def test_an_agent_books_from_the_call_and_the_contact_is_linked(client, agent, catalogue, citizen, frozen):
    client.force_login(agent)
    panel = client.get(f"/appointments/console/panel/?citizen={citizen.pk}")
    assert panel.status_code == 200 and "appt-service" in panel.content.decode()
    slots = client.get(f"/appointments/console/slots/?appt_service={catalogue['mazaya'].pk}")
    assert at(7, 9, 0).isoformat() in slots.content.decode()
    booked = client.post(
        "/appointments/console/book/",
        {
            "citizen": citizen.pk,
            "appt_service": catalogue["mazaya"].pk,
            "appt_slot_branch": catalogue["hq"].pk,
            "appt_slot_start": at(8, 9, 0).isoformat(),
        },
    )
    appointment = Appointment.objects.get(citizen=citizen)
    assert appointment.reference in booked.content.decode()
    assert f'name="appointment" value="{appointment.pk}"' in booked.content.decode()
    assert appointment.channel == "phone" and appointment.booked_by == agent
    logged = client.post(
        "/console/log/",
        {
            "channel": "inbound_call",
            "citizen": citizen.pk,
            "purpose": purpose("mazaya_appointment").pk,
            "outcome": Outcome.APPOINTMENT_BOOKED,
            "appointment": appointment.pk,
        },
    )
    assert logged.status_code == 200
    contact = Contact.objects.get(citizen=citizen)
    assert contact.outcome == Outcome.APPOINTMENT_BOOKED
    appointment.refresh_from_db()
    assert appointment.contact == contact


def test_a_full_slot_in_the_console_offers_the_next_ones(client, agent, catalogue, frozen):
    from apps.appointments import services
    from tests.appointments.conftest import make_citizen

    for _ in range(2):
        services.appointment_book(
            citizen=make_citizen(),
            service=catalogue["mazaya"],
            branch=catalogue["hq"],
            slot_start=at(8, 9, 0),
            channel="phone",
        )
    client.force_login(agent)
    citizen = make_citizen()
    response = client.post(
        "/appointments/console/book/",
        {
            "citizen": citizen.pk,
            "appt_service": catalogue["mazaya"].pk,
            "appt_slot_branch": catalogue["hq"].pk,
            "appt_slot_start": at(8, 9, 0).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "appt-error" in response.content.decode()
    assert not Appointment.objects.filter(citizen=citizen).exists()


def test_the_console_page_carries_the_booking_panel(client, agent, citizen, catalogue):
    client.force_login(agent)
    page = client.get(f"/console/?citizen={citizen.pk}")
    assert page.status_code == 200
    assert f"/appointments/console/panel/?citizen={citizen.pk}" in page.content.decode()
