"""The demo month follows the ministry's statement and a second run adds nothing."""

import io

import pytest
from django.db.models import Count

from apps.accounts import seed as accounts_seed
from apps.contacts import seed
from apps.contacts.models import Contact, FollowUp


@pytest.fixture(scope="module")
def demo_month(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from apps.tickets import seed as tickets_seed

        accounts_seed.seed(io.StringIO())
        tickets_seed.seed(io.StringIO())
        seed.seed(io.StringIO())
        yield
        _remove_demo_data()


def _remove_demo_data():
    """Empty every table, as a transactional test does; post_migrate puts back the rows the
    data migrations made (role groups, contact purposes)."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def month(demo_month, db):
    """The generated month (without the contacts that opened apps.tickets' demo tickets)."""
    return Contact.objects.filter(recorded_via="demo").exclude(call_id__startswith="DEMO-TICKET-")


def test_about_eleven_thousand_inbound_calls(month):
    inbound = month.filter(channel="inbound_call")
    assert 10_500 <= inbound.count() <= 11_500
    assert inbound.filter(answered_at__isnull=False).count() == 10_846


def test_inbound_purposes_follow_the_statement(month):
    answered = month.filter(channel="inbound_call", answered_at__isnull=False)
    shares = {
        row["purpose__code"]: row["n"] / answered.count()
        for row in answered.values("purpose__code").annotate(n=Count("id"))
    }
    assert shares["new_application"] == pytest.approx(0.7245, abs=0.001)
    assert shares["request_delay"] == pytest.approx(0.2738, abs=0.001)
    assert answered.filter(purpose__code="complaint").count() == 14


def test_outbound_data_update_calls_and_chats(month):
    assert month.filter(channel="outbound_call", purpose__code="data_update").count() > 1_200
    assert 200 <= month.filter(channel="chat").count() <= 1_000


def test_referred_contacts_have_follow_ups(month):
    referred = month.filter(outcome="referred").count()
    assert referred > 0 and FollowUp.objects.filter(contact__recorded_via="demo").count() == referred


def test_the_contacts_that_opened_the_demo_tickets_name_them(month):
    opened = Contact.objects.filter(outcome="ticket_opened")
    assert opened.exists() and not opened.filter(ticket__isnull=True).exists()


def test_a_second_run_adds_nothing(month):
    before = Contact.objects.count()
    seed.seed(io.StringIO())
    assert Contact.objects.count() == before
