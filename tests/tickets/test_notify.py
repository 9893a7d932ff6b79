from apps.core.text import LRI, PDI
from apps.tickets import notify, services
from apps.tickets.models import TicketNotice

from .factories import CitizenFactory, TicketFactory


def test_the_message_is_in_the_citizens_language_with_the_number_isolated(agent):
    english = TicketFactory(citizen=CitizenFactory(language="en"), actor=agent)
    arabic = TicketFactory(citizen=CitizenFactory(language="ar"), actor=agent)
    en = notify.ticket_notify("created", english.pk)
    ar = notify.ticket_notify("created", arabic.pk)
    assert en.language == "en" and "review number" in en.body
    assert ar.language == "ar" and "رقم المراجعة" in ar.body
    assert f"{LRI}{arabic.review_number}{PDI}" in ar.body


def test_without_a_phone_the_message_goes_by_email(agent):
    citizen = CitizenFactory(phones=[], email="citizen@example.bh")
    ticket = TicketFactory(citizen=citizen, actor=agent)
    notice = notify.ticket_notify("created", ticket.pk)
    assert (notice.channel, notice.recipient) == ("email", "citizen@example.bh")


def test_without_any_contact_nothing_is_recorded(db):
    ticket = services.ticket_create(
        kind="suggestion", channel="web", subject="s", description="d", actor=None, anonymous=True
    )
    assert notify.ticket_notify("created", ticket.pk) is None
    assert not TicketNotice.objects.exists()


def test_a_rolled_back_change_messages_nobody(ticket, agent, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.ticket_reply(ticket=ticket, body="رد", actor=agent)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not TicketNotice.objects.filter(event="replied").exists()
