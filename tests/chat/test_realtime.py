"""The chat over real websockets: Channels' communicator on the ASGI application, with
channels-redis on the test Redis and the rows in PostgreSQL (committed: each service runs
in a worker thread with its own connection, hence transactional tests)."""

import subprocess

import pytest
from asgiref.sync import async_to_sync

from apps.chat import services
from apps.chat.models import Chat, ChatMessage
from apps.contacts.models import Contact
from tests.chat.conftest import agent_socket, citizen_socket, db, start_chat, until

pytestmark = pytest.mark.django_db(transaction=True)


def run(coro_fn):
    async_to_sync(coro_fn)()


def test_chats_queue_in_order_and_each_citizen_sees_their_place(open_hours, agent):
    async def scenario():
        chats = [await db(start_chat)(mobile=f"3600123{i}") for i in range(3)]
        sockets = [await citizen_socket(token) for _, token in chats]
        for place, comm in enumerate(sockets, start=1):
            frame = await until(comm, "queue")
            assert frame["position"] == place
            assert frame["expected_minutes"] >= 1
        await db(services.agent_set_availability)(actor=agent, available=True, max_chats=2)
        ws, connected, _ = await agent_socket(agent)
        assert connected
        await until(sockets[0], "state", chat__status="active")
        await until(sockets[1], "state", chat__status="active")
        third = await until(sockets[2], "queue")
        assert third["position"] == 1
        offered = await db(
            lambda: list(
                Chat.objects.filter(agent=agent).order_by("offered_at", "id").values_list("pk", flat=True)
            )
        )()
        assert offered == [chats[0][0].pk, chats[1][0].pk]
        for comm in [*sockets, ws]:
            await comm.disconnect()

    run(scenario)


def test_an_agent_is_offered_no_more_than_their_limit_and_the_next_on_closing_one(open_hours, agent):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)  # default limit: 3
        chats = [await db(start_chat)(mobile=f"3600124{i}") for i in range(4)]
        statuses = await db(lambda: [Chat.objects.get(pk=c.pk).status for c, _ in chats])()
        assert statuses == ["active", "active", "active", "waiting"]
        first = chats[0][0]
        await db(services.chat_agent_post)(chat_id=first.pk, actor=agent, body="مرحبا")
        await db(services.chat_close)(
            chat_id=first.pk, actor=agent, purpose_code="request_status", outcome="resolved_first_contact"
        )
        assert await db(lambda: Chat.objects.get(pk=chats[3][0].pk).status)() == "active"

    run(scenario)


def test_messages_go_both_ways_and_the_first_agent_message_is_the_first_response(open_hours, agent):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, token = await db(start_chat)()
        citizen = await citizen_socket(token)
        await until(citizen, "messages")
        ws, connected, _ = await agent_socket(agent)
        assert connected
        listed = await until(ws, "chats")
        assert [c["id"] for c in listed["chats"]] == [chat.pk]
        await citizen.send_json_to({"type": "message", "body": "متى يصل طلبي؟", "client_id": "c1"})
        got = await until(ws, "message")
        assert got["message"]["body"] == "متى يصل طلبي؟" and got["message"]["sender"] == "citizen"
        await ws.send_json_to({"type": "message", "chat": chat.pk, "body": "أهلاً، سأتحقق", "client_id": "a1"})
        reply = await until(citizen, "message", message__sender="agent")
        assert reply["message"]["body"] == "أهلاً، سأتحقق"
        stored = await db(lambda: Chat.objects.get(pk=chat.pk))()
        assert stored.answered_at is not None and stored.answered_at >= stored.requested_at
        await citizen.disconnect()
        await ws.disconnect()

    run(scenario)


def test_a_citizen_who_reconnects_gets_what_they_missed_and_a_resent_message_is_stored_once(
    open_hours, agent
):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, token = await db(start_chat)()
        citizen = await citizen_socket(token)
        await until(citizen, "messages")
        await citizen.send_json_to({"type": "message", "body": "one", "client_id": "m-1"})
        ok = await until(citizen, "ok")
        last_seen = ok["id"]
        await citizen.disconnect()  # the connection drops
        await db(services.chat_agent_post)(chat_id=chat.pk, actor=agent, body="reply while away")
        await db(services.chat_agent_post)(chat_id=chat.pk, actor=agent, body="second reply")
        again = await citizen_socket(token, last_id=last_seen)
        backlog = await until(again, "messages")
        assert [m["body"] for m in backlog["messages"]] == ["reply while away", "second reply"]
        # The first message sent again (the client was not sure it arrived): one row.
        await again.send_json_to({"type": "message", "body": "one", "client_id": "m-1"})
        repeat = await until(again, "ok")
        assert repeat["id"] == last_seen
        assert await db(lambda: ChatMessage.objects.filter(chat=chat, body="one").count())() == 1
        await again.disconnect()

    run(scenario)


def test_a_transfer_moves_the_chat_with_its_note_and_the_first_agent_can_no_longer_write(
    open_hours, agent, supervisor
):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, _token = await db(start_chat)()
        first, _, _ = await agent_socket(agent)
        await until(first, "chats")
        second, _, _ = await agent_socket(supervisor)
        await until(second, "chats")
        await db(services.chat_transfer)(
            chat_id=chat.pk, actor=agent, to_user_id=supervisor.pk, note="يسأل عن مزايا"
        )
        revoked = await until(first, "revoke")
        assert revoked["chat"] == chat.pk
        offer = await until(second, "offer")
        assert offer["chat"]["id"] == chat.pk and offer["note"] == "يسأل عن مزايا"
        await first.send_json_to(
            {"type": "message", "chat": chat.pk, "body": "still here?", "client_id": "x"}
        )
        refused = await until(first, "error")
        assert refused["code"] == "not_your_chat"
        assert await db(lambda: ChatMessage.objects.filter(body="still here?").exists())() is False
        await first.disconnect()
        await second.disconnect()

    run(scenario)


def test_closing_records_the_live_chat_contact_with_offered_answered_and_ended_times(open_hours, agent):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, _ = await db(start_chat)()
        await db(services.chat_agent_post)(chat_id=chat.pk, actor=agent, body="hello")
        closed = await db(services.chat_close)(
            chat_id=chat.pk, actor=agent, purpose_code="request_status", outcome="resolved_first_contact"
        )
        contact = await db(lambda: Contact.objects.select_related("purpose").get(pk=closed.contact_id))()
        assert contact.channel == "chat" and contact.purpose.code == "request_status"
        assert contact.outcome == "resolved_first_contact" and contact.agent_id == agent.pk
        assert contact.offered_at == closed.requested_at
        assert contact.answered_at == closed.answered_at
        assert contact.ended_at == closed.ended_at
        assert contact.caller_number == "+97336001234"

    run(scenario)


def _pdf_text(attachment) -> str:
    with attachment.file.open("rb") as handle:
        data = handle.read()
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_a_ticket_from_the_chat_carries_the_transcript_and_the_citizen_reads_its_review_number(
    open_hours, agent
):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, token = await db(start_chat)(cpr="880112345", purpose="complaint")
        citizen = await citizen_socket(token)
        await until(citizen, "messages")
        await citizen.send_json_to({"type": "message", "body": "الصيانة متأخرة", "client_id": "c"})
        await until(citizen, "ok")
        await db(services.chat_agent_post)(chat_id=chat.pk, actor=agent, body="سأفتح لك شكوى")
        updated = await db(services.chat_open_ticket)(
            chat_id=chat.pk, actor=agent, kind="complaint", subject="تأخر الصيانة"
        )
        ticket = await db(lambda: updated.ticket)()
        assert "الصيانة متأخرة" in ticket.description and ticket.channel == "chat"
        attached = await db(lambda: list(ticket.attachments.all()))()
        assert [(a.content_type, a.original_name) for a in attached] == [
            ("application/pdf", f"chat-{chat.pk}-transcript.pdf")
        ]
        text = await db(_pdf_text)(attached[0])
        assert "الصيانة متأخرة" in text and "سأفتح لك شكوى" in text
        note = await until(citizen, "message", message__sender="system")
        assert ticket.review_number in note["message"]["body"]
        closed = await db(services.chat_close)(
            chat_id=chat.pk, actor=agent, purpose_code="complaint", outcome="ticket_opened"
        )
        assert await db(lambda: Contact.objects.get(pk=closed.contact_id).ticket_id)() == ticket.pk
        await citizen.disconnect()

    run(scenario)


def test_the_citizen_rates_the_chat_once_it_has_ended(open_hours, agent):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, token = await db(start_chat)()
        citizen = await citizen_socket(token)
        await until(citizen, "messages")
        await db(services.chat_agent_post)(chat_id=chat.pk, actor=agent, body="hi")
        await citizen.send_json_to({"type": "end"})
        await until(citizen, "state", chat__status="ended")
        await citizen.send_json_to({"type": "rate", "rating": 4, "comment": "شكراً"})
        await until(citizen, "ok", what="rated")
        await citizen.send_json_to({"type": "rate", "rating": 5})
        again = await until(citizen, "error")
        assert again["code"] == "chat_already_rated"
        stored = await db(lambda: Chat.objects.get(pk=chat.pk))()
        assert (stored.rating, stored.rating_comment) == (4, "شكراً")
        await citizen.disconnect()

    run(scenario)


def test_a_chat_left_before_an_answer_is_an_abandoned_contact(open_hours):
    async def scenario():
        chat, token = await db(start_chat)()
        citizen = await citizen_socket(token)
        await until(citizen, "messages")
        await citizen.send_json_to({"type": "end"})
        await until(citizen, "state", chat__status="abandoned")
        stored = await db(lambda: Chat.objects.select_related("contact").get(pk=chat.pk))()
        assert stored.contact.outcome == "abandoned" and stored.contact.answered_at is None
        await citizen.disconnect()

    run(scenario)


# ----------------------------------------------------------------- access and bad input


def test_a_forged_or_altered_token_opens_nothing(open_hours):
    async def scenario():
        chat, token = await db(start_chat)()
        from django.core import signing

        other_key = signing.dumps({"c": chat.pk, "k": "guessed"}, salt="chat.citizen")
        for bad in ("nonsense", token[:-2] + "xx", other_key):
            comm = await citizen_socket(bad)
            refused = await until(comm, "error")
            assert refused["code"] == "bad_token"
            await comm.send_json_to({"type": "message", "body": "hi"})
            assert (await until(comm, "error"))["code"] == "hello_first"
            await comm.disconnect()
        assert await db(lambda: ChatMessage.objects.count())() == 0

    run(scenario)


def test_an_agent_reads_only_chats_offered_to_them_and_a_supervisor_reads_all(
    open_hours, agent, supervisor, django_user_model
):
    from apps.accounts.roles import Role
    from tests.conftest import _make

    async def scenario():
        other = await db(_make)("agent2", [Role.AGENT])
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, _ = await db(start_chat)()
        await db(services.chat_agent_post)(chat_id=chat.pk, actor=agent, body="private")
        ws, _, _ = await agent_socket(other)
        await until(ws, "chats")
        await ws.send_json_to({"type": "resume", "chat": chat.pk})
        refused = await until(ws, "error")
        assert refused["code"] == "chat_not_found" and "private" not in str(refused)
        await ws.send_json_to({"type": "watch", "chat": chat.pk})
        assert (await until(ws, "error"))["code"] == "forbidden"
        boss, _, _ = await agent_socket(supervisor)
        await until(boss, "chats")
        await boss.send_json_to({"type": "watch", "chat": chat.pk})
        seen = await until(boss, "messages")
        assert [m["body"] for m in seen["messages"]] == ["private"]
        await ws.disconnect()
        await boss.disconnect()

    run(scenario)


def test_the_agent_socket_refuses_a_person_without_the_chat_workspace(open_hours, officer):
    async def scenario():
        comm, connected, code = await agent_socket(officer)
        assert not connected and code == 4403

    run(scenario)


def test_a_websocket_from_another_origin_is_refused(open_hours):
    async def scenario():
        _chat, token = await db(start_chat)()
        from channels.testing import WebsocketCommunicator

        from housing_contact.asgi import application

        comm = WebsocketCommunicator(application, "/ws/chat/", headers=[(b"origin", b"https://evil.example")])
        connected, _ = await comm.connect(timeout=5)
        assert not connected

    run(scenario)


def test_long_messages_and_floods_are_refused_and_html_is_kept_as_text(open_hours, settings):
    settings.HOUSING_CHAT_MESSAGES_PER_MINUTE = 3
    settings.HOUSING_CHAT_MESSAGE_MAX_CHARS = 50

    async def scenario():
        chat, token = await db(start_chat)()
        comm = await citizen_socket(token)
        await until(comm, "messages")
        await comm.send_json_to({"type": "message", "body": "x" * 51, "client_id": "long"})
        assert (await until(comm, "error"))["code"] == "message_too_long"
        await comm.send_json_to(
            {"type": "message", "body": "<b>hi</b><script>x()</script>", "client_id": "h"}
        )
        await until(comm, "ok")
        await comm.send_json_to({"type": "message", "body": "two", "client_id": "2"})
        await until(comm, "ok")
        await comm.send_json_to({"type": "message", "body": "three", "client_id": "3"})
        flood = await until(comm, "error")
        assert flood["code"] == "too_many_messages"
        bodies = await db(
            lambda: list(ChatMessage.objects.filter(chat=chat).values_list("body", flat=True))
        )()
        assert bodies == ["<b>hi</b><script>x()</script>", "two"]
        await comm.send_to(text_data="not json")
        assert (await until(comm, "error"))["code"] == "bad_frame"
        await comm.disconnect()

    run(scenario)


def test_a_closed_chat_refuses_new_messages(open_hours, agent):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, token = await db(start_chat)()
        await db(services.chat_agent_post)(chat_id=chat.pk, actor=agent, body="hi")
        await db(services.chat_close)(
            chat_id=chat.pk, actor=agent, purpose_code="other", outcome="resolved_first_contact"
        )
        comm = await citizen_socket(token)
        await until(comm, "messages")
        await comm.send_json_to({"type": "message", "body": "are you there?", "client_id": "late"})
        refused = await until(comm, "error")
        assert refused["code"] == "chat_closed"
        assert refused["message"]  # the reason in the citizen's language
        await comm.disconnect()

    run(scenario)


def test_every_message_of_a_conversation_reaches_the_other_side(open_hours, agent):
    async def scenario():
        await db(services.agent_set_availability)(actor=agent, available=True)
        chat, token = await db(start_chat)()
        citizen = await citizen_socket(token)
        await until(citizen, "messages")
        ws, _, _ = await agent_socket(agent)
        await until(ws, "chats")
        for i in range(3):
            await citizen.send_json_to({"type": "message", "body": f"c{i}", "client_id": f"c{i}"})
            assert (await until(ws, "message", message__sender="citizen"))["message"]["body"] == f"c{i}"
            await ws.send_json_to({"type": "message", "chat": chat.pk, "body": f"a{i}", "client_id": f"a{i}"})
            assert (await until(citizen, "message", message__sender="agent"))["message"]["body"] == f"a{i}"
        await citizen.disconnect()
        await ws.disconnect()

    run(scenario)
