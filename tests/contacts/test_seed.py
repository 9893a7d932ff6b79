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
        accounts_seed.seed(io.StringIO())
        seed.seed(io.StringIO())
        yield
        _remove_demo_data()


def _remove_demo_data():
    """Undo the seed by hand: the data migrations' rows (purposes, roles) must stay."""
    from apps.accounts.models import Department, User
    from apps.citizens.models import Citizen, CitizenAccess, CitizenPhone, CitizenPhoneEvent, HousingFile
    from apps.contacts.models import Callback, FollowUpEvent, QuickAnswerUse

    for model in (
        QuickAnswerUse,
        Callback,
        FollowUpEvent,
        FollowUp,
        Contact,
        CitizenPhoneEvent,
        CitizenAccess,
        HousingFile,
        CitizenPhone,
        Citizen,
    ):
        model.objects.all().delete()
    Department.objects.update(head=None)
    User.objects.all().delete()
    Department.objects.all().delete()


@pytest.fixture
def month(demo_month, db):
    return Contact.objects.filter(recorded_via="demo")


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


def test_a_second_run_adds_nothing(month):
    before = Contact.objects.count()
    seed.seed(io.StringIO())
    assert Contact.objects.count() == before
