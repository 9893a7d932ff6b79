"""The one confidentiality policy (apps.core.confidentiality): who reads, what is blanked,
and that a blanked copy never reaches the database."""

import pytest

from apps.core import confidentiality
from apps.notifications.models import Notification
from apps.notifications.services import notification_queue
from apps.tickets.models import Ticket
from tests.tickets.factories import TicketFactory

SECRET = "QZsecret-subject-1"


@pytest.fixture
def confidential_ticket(db):
    return TicketFactory(channel=Ticket.Channel.UYC, subject=SECRET, description="QZsecret-text-2")


def test_only_staff_with_the_uyc_permission_read(agent, supervisor, senior, admin_user, outsider):
    assert [confidentiality.can_read(u) for u in (agent, supervisor, outsider, None)] == [False] * 4
    assert confidentiality.can_read(senior) and confidentiality.can_read(admin_user)


def test_a_ticket_received_through_uyc_is_confidential_and_blanked_for_an_agent(confidential_ticket, agent):
    assert confidentiality.is_confidential(confidential_ticket)
    copy = confidentiality.redact_one(agent, Ticket.objects.get(pk=confidential_ticket.pk))
    assert (copy.subject, copy.description) == (confidentiality.neutral_title(), "")
    assert confidentiality.is_redacted(copy)


def test_a_redacted_copy_of_any_registered_model_refuses_to_be_saved(confidential_ticket, agent):
    copy = confidentiality.redact_one(agent, Ticket.objects.get(pk=confidential_ticket.pk))
    with pytest.raises(confidentiality.RedactedCopyError):
        copy.save()
    assert Ticket.objects.get(pk=confidential_ticket.pk).subject == SECRET


def test_a_redacting_queryset_stays_redacting_through_filters_and_slices(confidential_ticket, agent, senior):
    rows = confidentiality.redacting(agent, Ticket.objects.all())
    for fetched in (list(rows.filter(pk=confidential_ticket.pk)), rows.order_by("-id")[:5], [rows.first()]):
        assert [t.subject for t in fetched if t.pk == confidential_ticket.pk] == [
            confidentiality.neutral_title()
        ]
    assert (
        confidentiality.redacting(senior, Ticket.objects.all()).get(pk=confidential_ticket.pk).subject
        == SECRET
    )


def test_a_staff_notification_about_a_confidential_record_is_written_neutral(confidential_ticket, agent):
    (row, *_rest) = notification_queue(
        event="ticket.assigned",
        recipient_user=agent,
        context={
            "review_number": confidential_ticket.review_number,
            "ticket_url": "https://example.bh/t/1/",
            "ticket_subject": SECRET,
            "assigned_by": "x",
        },
        confidential=True,
    )
    stored = Notification.objects.get(pk=row.pk)
    assert stored.confidential and SECRET not in stored.subject + stored.body + str(stored.context)
    assert confidential_ticket.review_number in stored.subject


def test_other_tickets_are_left_alone(db, agent):
    ticket = TicketFactory(subject="QZplain-3")
    assert not confidentiality.is_confidential(ticket)
    assert confidentiality.redact_one(agent, ticket).subject == "QZplain-3"
