"""The path every chat message takes: one statement for an open chat, the long way (with its
precise refusals) for anything else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.chat import services
from apps.chat.models import Chat, ChatMessage
from apps.core.errors import Conflict, PermissionDenied
from tests.chat.conftest import start_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(agent, open_hours):
    services.agent_set_availability(actor=agent, available=True)
    chat, _token = start_chat()
    services.chat_dispatch()
    services.chat_agent_post(chat_id=chat.pk, actor=agent, body="أهلاً", client_id="a-0")
    return Chat.objects.get(pk=chat.pk)


def test_a_message_in_an_open_chat_is_one_statement_for_either_side(held, agent):
    with CaptureQueriesContext(connection) as citizen:
        services.chat_citizen_post(chat_id=held.pk, key=held.key, body="مرحباً", client_id="c-1")
    with CaptureQueriesContext(connection) as staff:
        services.chat_agent_post(chat_id=held.pk, actor=agent, body="تفضل", client_id="a-1")
    assert (len(citizen), len(staff)) == (1, 1)
    assert list(held.messages.order_by("id").values_list("sender", "body")) == [
        ("agent", "أهلاً"),
        ("citizen", "مرحباً"),
        ("agent", "تفضل"),
    ]


def test_a_repeated_client_id_is_stored_once_and_answers_with_the_stored_message(held):
    first = services.chat_citizen_post(chat_id=held.pk, key=held.key, body="مرحباً", client_id="c-1")
    again = services.chat_citizen_post(chat_id=held.pk, key=held.key, body="مرحباً", client_id="c-1")
    assert again.pk == first.pk
    assert held.messages.filter(client_id="c-1").count() == 1


def test_after_the_end_neither_side_can_write_and_a_wrong_key_or_agent_is_refused(
    held, agent, django_user_model
):
    other = django_user_model.objects.create_user(username="other-agent", password="x" * 12)
    with pytest.raises(PermissionDenied):
        services.chat_citizen_post(chat_id=held.pk, key="not-the-key", body="x", client_id="c-9")
    with pytest.raises(PermissionDenied):
        services.chat_agent_post(chat_id=held.pk, actor=other, body="x", client_id="o-9")
    services.chat_end_by_agent(chat_id=held.pk, actor=agent)
    with pytest.raises(Conflict):
        services.chat_citizen_post(chat_id=held.pk, key=held.key, body="بعد النهاية", client_id="c-2")
    with pytest.raises(Conflict):
        services.chat_agent_post(chat_id=held.pk, actor=agent, body="بعد النهاية", client_id="a-2")
    assert not ChatMessage.objects.filter(body="بعد النهاية").exists()


def test_the_first_answer_sets_the_first_response_time(agent, open_hours):
    services.agent_set_availability(actor=agent, available=True)
    chat, _token = start_chat()
    services.chat_dispatch()
    services.chat_citizen_post(chat_id=chat.pk, key=chat.key, body="مرحباً", client_id="c-1")
    assert Chat.objects.get(pk=chat.pk).answered_at is None
    services.chat_agent_post(chat_id=chat.pk, actor=agent, body="أهلاً", client_id="a-1")
    answered = Chat.objects.get(pk=chat.pk).answered_at
    services.chat_agent_post(chat_id=chat.pk, actor=agent, body="تفضل", client_id="a-2")
    assert answered is not None and Chat.objects.get(pk=chat.pk).answered_at == answered
