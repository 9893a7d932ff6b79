"""The chat's pages and endpoints: the pre-chat form, messages left out of hours,
attachments, the workspace's actions and who may use them, the supervisor's view,
video calls, the statement figures and the health check."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.chat import selectors, services, tokens, video
from apps.chat.models import Chat, ChatMessage, VideoCall
from apps.contacts.models import Contact
from apps.notifications.models import Notification
from apps.tickets.models import Ticket
from tests.chat.conftest import start_chat

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _answered_chat(agent, **extra):
    services.agent_set_availability(actor=agent, available=True)
    chat, token = start_chat(**extra)
    services.chat_dispatch()
    services.chat_agent_post(chat_id=chat.pk, actor=agent, body="أهلاً")
    return Chat.objects.get(pk=chat.pk), token


def test_the_pre_chat_form_starts_a_chat_and_gives_the_browser_its_token(client, open_hours):
    response = client.post(
        "/portal/chat/start/",
        {"name": "فاطمة", "mobile": "3600 1234", "purpose": "eligibility", "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 201
    chat = Chat.objects.get()
    assert tokens.read(response.json()["token"]) == (chat.pk, chat.key)
    assert (chat.mobile, chat.status, chat.language, chat.purpose.code) == (
        "+97336001234",
        "waiting",
        "en",
        "eligibility",
    )


def test_a_pre_chat_form_with_bad_fields_is_refused_in_the_citizens_language_and_saves_nothing(
    client, open_hours
):
    response = client.post(
        "/portal/chat/start/",
        {"name": "", "mobile": "12", "purpose": "nope", "language": "ar"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["details"]) >= {"name", "mobile", "purpose"}
    assert re.search("[\u0600-\u06ff]", body["message"])
    assert not Chat.objects.exists()


def test_out_of_hours_a_chat_is_refused_and_a_complaint_left_becomes_a_contact_and_a_ticket(
    client, closed_hours
):
    refused = client.post(
        "/portal/chat/start/",
        {"name": "x", "mobile": "36001234", "purpose": "other"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "chat_out_of_hours"
    response = client.post(
        "/portal/chat/leave/",
        {
            "name": "علي",
            "mobile": "36001234",
            "cpr": "880112345",
            "purpose": "complaint",
            "body": "لم يرد أحد",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.json()["review_number"] == ticket.review_number
    assert (ticket.kind, ticket.channel) == ("complaint", "chat")
    contact = Contact.objects.get()
    assert (contact.channel, contact.outcome, contact.ticket_id) == ("chat", "ticket_opened", ticket.pk)


def test_a_message_left_on_another_topic_is_a_contact_awaiting_an_agent_without_a_ticket(
    client, closed_hours
):
    response = client.post(
        "/portal/chat/leave/",
        {"name": "علي", "mobile": "36001234", "purpose": "eligibility", "body": "سؤال"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["review_number"] == ""
    contact = Contact.objects.get()
    assert (contact.channel, contact.outcome, contact.notes) == ("chat", "", "سؤال")
    assert not Ticket.objects.exists()


def test_the_panel_has_no_inline_script_or_style_and_follows_the_language(client, open_hours):
    arabic = client.get("/portal/chat/").content.decode()
    assert 'dir="rtl"' in arabic and 'data-testid="chat-panel"' in arabic
    english = client.get("/portal/chat/?embed=1&lang=en")
    html = english.content.decode()
    assert 'dir="ltr"' in html and "frame-ancestors" in english["Content-Security-Policy"]
    for page in (arabic, html):
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert " style=" not in page and "<style" not in page


def test_a_chat_attachment_follows_the_ticket_rules(client, open_hours):
    chat, token = start_chat()
    png = io.BytesIO(PNG)
    png.name = "photo.png"
    ok = client.post("/portal/chat/attach/", {"token": token, "file": png, "client_id": "f1"})
    assert ok.status_code == 201
    message = ChatMessage.objects.get(pk=ok.json()["id"])
    assert (message.attachment_name, message.attachment_type) == ("photo.png", "image/png")
    fake = io.BytesIO(b"MZ not really a picture")
    fake.name = "virus.png"
    refused = client.post("/portal/chat/attach/", {"token": token, "file": fake})
    assert refused.status_code == 400 and refused.json()["code"] == "attachment_type_refused"
    assert client.get(f"/chat/files/{message.pk}/").status_code == 404  # no token, no staff
    assert client.get(f"/chat/files/{message.pk}/?t={token}").status_code == 200


def test_the_workspace_is_for_agents_and_supervisors_only(client, agent, officer):
    client.force_login(officer)
    assert client.get("/chat/").status_code == 403
    client.force_login(agent)
    page = client.get("/chat/")
    assert page.status_code == 200 and b'data-testid="chat-workspace"' in page.content


def test_another_agent_cannot_read_or_act_on_a_chat_that_is_not_theirs(client, agent, supervisor, open_hours):
    from apps.accounts.roles import Role
    from tests.conftest import _make

    chat, _ = _answered_chat(agent)
    other = _make("agent2", [Role.AGENT])
    client.force_login(other)
    assert client.get(f"/chat/{chat.pk}/side/").status_code == 404
    refused = client.post(
        f"/chat/{chat.pk}/close/",
        {"purpose": "other", "outcome": "resolved_first_contact"},
        content_type="application/json",
    )
    assert refused.status_code == 404 and "أهلاً" not in refused.content.decode()
    client.force_login(supervisor)
    assert client.get(f"/chat/{chat.pk}/side/").status_code == 200


def test_closing_without_purpose_or_outcome_is_refused_and_the_chat_stays_open(client, agent, open_hours):
    chat, _ = _answered_chat(agent)
    client.force_login(agent)
    response = client.post(
        f"/chat/{chat.pk}/close/", {"purpose": "", "outcome": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and set(response.json()["details"]) == {"purpose", "outcome"}
    assert Chat.objects.get(pk=chat.pk).status == "active" and not Contact.objects.exists()
    done = client.post(
        f"/chat/{chat.pk}/close/",
        {"purpose": "eligibility", "outcome": "resolved_first_contact"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["chat"]["status"] == "closed"


def test_a_transfer_by_http_gives_the_chat_and_its_note_to_the_other_person(
    client, agent, supervisor, open_hours
):
    chat, _ = _answered_chat(agent)
    client.force_login(agent)
    response = client.post(
        f"/chat/{chat.pk}/transfer/",
        {"to": supervisor.pk, "note": "يحتاج موافقة"},
        content_type="application/json",
    )
    assert response.status_code == 200
    chat.refresh_from_db()
    assert chat.agent_id == supervisor.pk
    assert chat.events.filter(kind="transferred", note="يحتاج موافقة", to_agent=supervisor).exists()


def test_the_supervisor_takes_over_a_waiting_chat(client, supervisor, open_hours):
    chat, _ = start_chat()
    client.force_login(supervisor)
    response = client.post(f"/chat/{chat.pk}/take-over/")
    assert response.status_code == 302
    chat.refresh_from_db()
    assert (chat.agent_id, chat.status) == (supervisor.pk, "active")


def test_the_transcript_goes_by_e_mail_and_as_an_sms_link_through_the_outbox(agent, open_hours):
    chat, token = _answered_chat(agent)
    services.chat_send_transcript(chat_id=chat.pk, key=chat.key, email="citizen@example.com")
    services.chat_send_transcript(chat_id=chat.pk, key=chat.key, sms=True)
    rows = Notification.objects.filter(event="chat.transcript")
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]


def test_the_supervisor_view_shows_first_response_mean_and_p90_abandoned_and_satisfaction(
    client, supervisor, agent, open_hours
):
    now = timezone.now()
    for minutes, rating in [(1, 5), (2, 4), (3, 2), (10, None)]:
        Chat.objects.create(
            key=tokens.new_key(),
            name="x",
            mobile="+97336001234",
            status="closed",
            requested_at=now - timedelta(minutes=30),
            answered_at=now - timedelta(minutes=30 - minutes),
            rating=rating,
        )
    Chat.objects.create(
        key=tokens.new_key(),
        name="y",
        mobile="+97336001235",
        status="abandoned",
        requested_at=now - timedelta(minutes=5),
    )
    view = selectors.live_view(now=now)
    assert view["today"].answered == 4 and view["today"].abandoned == 1
    assert view["today"].mean_min == 4.0 and view["today"].p90_min == 7.9
    assert view["today"].satisfied_pct == pytest.approx(66.7) and view["today"].rated == 3
    client.force_login(supervisor)
    assert client.get("/chat/supervisor/").status_code == 200
    client.force_login(agent)
    assert client.get("/chat/supervisor/").status_code == 403


def test_the_statement_figures_follow_their_definitions(open_hours):
    zone = timezone.get_current_timezone()
    july = timezone.datetime(2026, 7, 14, 10, 0, tzinfo=zone)
    june = timezone.datetime(2026, 6, 14, 10, 0, tzinfo=zone)

    def chat(at, mobile, answered=True, rating=None, status="closed"):
        Chat.objects.create(
            key=tokens.new_key(),
            name="x",
            mobile=mobile,
            status=status,
            requested_at=at,
            answered_at=at + timedelta(minutes=10) if answered else None,
            rating=rating,
        )

    chat(july, "+97336000001", rating=5)
    chat(july + timedelta(days=1), "+97336000001", rating=3)  # the same visitor again
    chat(july, "+97336000002", rating=4)
    chat(july, "+97336000003", answered=False, status="abandoned")
    chat(july, "+97336000004", status="message")  # a left message is not a chat session
    chat(june, "+97336000005")
    chat(june, "+97336000006")
    VideoCall.objects.create(
        name="v", mobile="+97336000007", requested_at=july, status="held", started_at=july
    )
    figures = selectors.statement_figures(year=2026, month=7)
    assert figures["chat.citizens"]["value"] == 2
    assert figures["chat.sessions"]["value"] == 4 and figures["chat.sessions"]["previous"] == 2
    assert figures["chat.usage_change_pct"]["value"] == 100.0
    assert figures["chat.avg_first_response_min"]["value"] == 10.0
    assert figures["chat.csat_pct"]["value"] == pytest.approx(66.67) and figures["chat.rated"]["value"] == 3
    assert figures["video.calls"]["value"] == 1 and figures["video.calls_change"]["value"] == 1
    empty = selectors.statement_figures(year=2025, month=1)
    assert empty["chat.csat_pct"]["value"] is None and empty["chat.usage_change_pct"]["value"] is None


def test_a_video_call_is_scheduled_by_sms_and_logged_as_a_video_contact(client, agent, open_hours):
    response = client.post(
        "/portal/chat/video/",
        {"name": "مريم", "mobile": "36001234", "purpose": "request_status", "preferred_time": "الأحد صباحاً"},
        content_type="application/json",
    )
    assert response.status_code == 201
    call = VideoCall.objects.get()
    client.force_login(agent)
    when = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/chat/video/{call.pk}/schedule/", {"scheduled_for": when})
    call.refresh_from_db()
    assert call.status == "scheduled" and call.meeting_url.startswith("https://")
    sms = Notification.objects.get(event="chat.video_scheduled")
    assert call.meeting_url in sms.body and sms.channel == "sms"
    video.video_start(call_id=call.pk, actor=agent)
    ended = video.video_end(call_id=call.pk, actor=agent, outcome="resolved_first_contact")
    contact = Contact.objects.get(pk=ended.contact_id)
    assert (contact.channel, contact.answered_at, contact.ended_at) == (
        "video",
        ended.started_at,
        ended.ended_at,
    )


def test_the_chat_health_check_sends_a_message_round_the_channel_layer(client):
    response = client.get("/chat/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
