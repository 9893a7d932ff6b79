"""What the chat sends through the notifications outbox: the transcript (e-mail, or an SMS
with a link) and the video-call invitation (SMS with the meeting link)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register

TRANSCRIPT = Event(
    key="chat.transcript",
    label=_("Live chat transcript"),
    description=_("Sent when a citizen asks for the transcript of their chat."),
    audience=Audience.CITIZEN,
    channels=(Channel.SMS, Channel.EMAIL),
    essential=True,
    placeholders=(
        Placeholder("name", _("Citizen's name"), "فاطمة"),
        Placeholder("chat_date", _("Chat date"), "2026-07-14"),
        Placeholder("transcript", _("Transcript"), "…"),
        Placeholder("transcript_url", _("Transcript link"), "https://contact.housing.gov.bh/portal/chat/t/…"),
    ),
    defaults={
        (Channel.SMS, "ar"): DefaultTemplate(
            "نص محادثتك مع وزارة الإسكان بتاريخ {{ chat_date }}: {{ transcript_url }}"
        ),
        (Channel.SMS, "en"): DefaultTemplate(
            "Your chat with the Ministry of Housing on {{ chat_date }}: {{ transcript_url }}"
        ),
        (Channel.EMAIL, "ar"): DefaultTemplate(
            subject="نص محادثتك مع وزارة الإسكان",
            body="السلام عليكم {{ name }}،\n\nنص محادثتك بتاريخ {{ chat_date }}:\n\n{{ transcript }}\n\n"
            "مع التحية،\nمركز الاتصال الوطني — وزارة الإسكان",
        ),
        (Channel.EMAIL, "en"): DefaultTemplate(
            subject="Your chat with the Ministry of Housing",
            body="Hello {{ name }},\n\nThe transcript of your chat on {{ chat_date }}:\n\n{{ transcript }}\n\n"
            "Kind regards,\nNational Contact Centre — Ministry of Housing",
        ),
    },
)

VIDEO_SCHEDULED = Event(
    key="chat.video_scheduled",
    label=_("Video call scheduled"),
    description=_("Sent when an agent schedules a video call the citizen asked for."),
    audience=Audience.CITIZEN,
    channels=(Channel.SMS,),
    essential=True,
    placeholders=(
        Placeholder("when", _("Date and time"), "2026-07-14 10:30"),
        Placeholder("meeting_url", _("Meeting link"), "https://meet.housing.gov.bh/abc"),
    ),
    defaults={
        (Channel.SMS, "ar"): DefaultTemplate(
            "مكالمة الفيديو مع وزارة الإسكان في {{ when }}. رابط الاجتماع: {{ meeting_url }}"
        ),
        (Channel.SMS, "en"): DefaultTemplate(
            "Your video call with the Ministry of Housing is at {{ when }}. Meeting link: {{ meeting_url }}"
        ),
    },
)


def register_events() -> None:
    register(TRANSCRIPT)
    register(VIDEO_SCHEDULED)
