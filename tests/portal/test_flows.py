"""The portal's flows as a citizen meets them: one round of validation in one wording; after
a reply, the tracking page says it was answered; before one, when it is expected."""

import pytest
from django.utils import translation

from apps.tickets import selectors, services
from apps.tickets.models import Ticket
from tests.sla.conftest import sla_world  # noqa: F401  (the SLA policies, so clocks run)
from tests.tickets.factories import TicketFactory


def _track(client, ticket):
    return client.post(
        "/portal/track/",
        {"review_number": ticket.review_number, "phone_last4": "1234"},
        REMOTE_ADDR="10.2.2.2",
    )


def test_an_empty_form_names_every_missing_field_in_the_first_round(client):
    with translation.override("ar"):
        body = client.post("/portal/submit/", {"kind": "complaint"}).content.decode()
    for field in ("name", "cpr", "mobile", "subject", "description"):
        assert f'data-error-for="{field}"' in body, field
    assert body.count("هذا الحقل مطلوب.") >= 5
    assert not Ticket.objects.exists()


def test_after_a_reply_the_tracking_page_says_answered(client, ticket, agent):
    services.ticket_reply(ticket=ticket, body="تمت معالجة طلبك.", actor=agent)
    public = selectors.public_ticket(Ticket.objects.get(pk=ticket.pk))
    assert public.answered and public.expected_by is None
    body = _track(client, ticket).content.decode()
    assert 'data-testid="public-status"' in body
    assert "تم الرد" in body.split('data-testid="public-status"')[1].split("</p>")[0]


@pytest.mark.usefixtures("sla_world")
def test_before_a_reply_the_tracking_page_gives_the_expected_date(client, citizen, agent):
    ticket = TicketFactory(citizen=citizen, actor=agent)
    public = selectors.public_ticket(ticket)
    assert not public.answered
    assert public.expected_by is not None and public.expected_by > ticket.received_at
    assert 'data-testid="expected-by"' in _track(client, ticket).content.decode()
