"""messages_for: a citizen's messages for their timeline, whatever the number's spelling."""

import pytest

from apps.core.errors import PermissionDenied
from apps.notifications import selectors
from apps.notifications.choices import Channel

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_messages_for_a_phone_match_any_spelling_of_the_number(agent):
    row = NotificationFactory(to_phone="+97336001234")

    for spelling in ("36001234", "+973 3600 1234", "٣٦٠٠١٢٣٤"):
        assert list(selectors.messages_for(viewer=agent, phone=spelling)) == [row]


def test_messages_for_an_email_ignore_case(agent):
    row = NotificationFactory(channel=Channel.EMAIL, to_phone="", to_email="Mariam@Example.bh")

    assert list(selectors.messages_for(viewer=agent, email="mariam@example.bh")) == [row]


def test_messages_for_a_reference_include_every_channel_newest_first(agent):
    first = NotificationFactory(recipient_ref="citizens.citizen:5")
    second = NotificationFactory(recipient_ref="citizens.citizen:5", channel=Channel.EMAIL, to_email="a@b.bh")
    NotificationFactory(recipient_ref="citizens.citizen:6")

    assert list(selectors.messages_for(viewer=agent, ref="citizens.citizen:5")) == [second, first]


def test_messages_for_nobody_is_empty(agent):
    NotificationFactory()

    assert not selectors.messages_for(viewer=agent).exists()


def test_a_committee_member_may_not_read_citizens_messages(member):
    with pytest.raises(PermissionDenied):
        selectors.messages_for(viewer=member, phone="36001234")


@pytest.mark.parametrize("persona", ["agent", "supervisor", "senior", "admin_user"])
def test_who_may_read_citizens_messages(request, persona):
    user = request.getfixturevalue(persona)
    NotificationFactory(to_phone="+97336001234")

    assert selectors.messages_for(viewer=user, phone="36001234").count() == 1


@pytest.mark.parametrize(
    "persona, allowed",
    [("supervisor", True), ("admin_user", True), ("agent", False), ("officer", False), ("senior", False)],
)
def test_who_may_see_the_outbox(request, persona, allowed):
    user = request.getfixturevalue(persona)
    if persona == "admin_user":
        user.is_superuser = False  # judged by the role, not by superuser
        user.save()
        user = type(user).objects.get(pk=user.pk)

    if allowed:
        assert selectors.outbox(viewer=user).count() == 0
    else:
        with pytest.raises(PermissionDenied):
            selectors.outbox(viewer=user)
