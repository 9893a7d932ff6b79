"""Demo data: the month of chats and video calls behind the contact centre's demo contacts.

The contacts app seeds a month after the ministry's July statement, 656 live chats among
them (answered after ~11 minutes on average) and 2 video calls. Each of those contacts gets
its chat here — same citizen, agent, purpose and times — with a short conversation, and
about 83% of the rated chats rated 4 or 5; a few dozen chats left before an answer are
added (the statement counts answered chats). Idempotent: contacts that have their chat are
skipped.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction

from apps.chat import tokens
from apps.chat.models import Chat, ChatMessage, VideoCall
from apps.citizens.models import CitizenPhone
from apps.contacts.models import Contact

SEED = 16
QUESTIONS = {
    "request_status": "ما هو وضع طلبي الإسكاني؟",
    "eligibility": "ما هي شروط الاستحقاق للخدمة الإسكانية؟",
    "mazaya_appointment": "أريد حجز موعد لبرنامج مزايا.",
    "new_application": "كيف أقدم طلباً إسكانياً جديداً؟",
}


@transaction.atomic
def seed(stdout) -> None:
    contacts = list(
        Contact.objects.filter(recorded_via=Contact.RecordedVia.DEMO, channel="chat", chat__isnull=True)
        .select_related("citizen", "purpose")
        .order_by("offered_at", "id")
    )
    if not contacts:
        return
    rng = random.Random(SEED)
    phones = dict(
        CitizenPhone.objects.filter(
            citizen_id__in=[c.citizen_id for c in contacts if c.citizen_id], is_primary=True
        ).values_list("citizen_id", "number")
    )
    chats, texts = [], []
    for contact in contacts:
        citizen = contact.citizen
        rated = rng.random() < 0.62
        rating = (rng.choice([4, 5, 5]) if rng.random() < 0.80 else rng.choice([1, 2, 3])) if rated else None
        chat = Chat(
            key=tokens.new_key(),
            status=Chat.Status.CLOSED,
            name=citizen.name_ar if citizen else "زائر",
            mobile=str(
                phones.get(contact.citizen_id)
                or contact.caller_number
                or f"+9733{rng.randrange(1000000, 9999999)}"
            ),
            cpr=citizen.cpr if citizen else "",
            citizen=citizen,
            purpose=contact.purpose,
            agent_id=contact.agent_id,
            requested_at=contact.offered_at,
            offered_at=contact.offered_at,
            answered_at=contact.answered_at,
            ended_at=contact.ended_at,
            closed_at=contact.ended_at,
            contact=contact,
            rating=rating,
            rated_at=contact.ended_at if rated else None,
            is_demo=True,
        )
        chats.append(chat)
    # Citizens who gave up waiting: about 5% more, never answered.
    for contact in rng.sample(contacts, k=max(1, len(contacts) // 20)):
        at = contact.offered_at + timedelta(minutes=rng.randrange(5, 90))
        chats.append(
            Chat(
                key=tokens.new_key(),
                status=Chat.Status.ABANDONED,
                name="زائر",
                mobile=f"+9733{rng.randrange(1000000, 9999999)}",
                purpose=contact.purpose,
                requested_at=at,
                ended_at=at + timedelta(minutes=rng.randrange(2, 15)),
                closed_at=at + timedelta(minutes=rng.randrange(2, 15)),
                is_demo=True,
            )
        )
    Chat.objects.bulk_create(chats, batch_size=500)
    for chat in chats:
        if chat.status != Chat.Status.CLOSED:
            continue
        question = QUESTIONS.get(chat.purpose.code if chat.purpose else "", "لدي استفسار.")
        texts.append(ChatMessage(chat=chat, sender="citizen", body=question, created_at=chat.requested_at))
        texts.append(
            ChatMessage(
                chat=chat,
                sender="agent",
                author_id=chat.agent_id,
                body="أهلاً بك، يسعدني خدمتك. دعني أتحقق من ذلك.",
                created_at=chat.answered_at,
            )
        )
    ChatMessage.objects.bulk_create(texts, batch_size=1000)
    videos = Contact.objects.filter(
        recorded_via=Contact.RecordedVia.DEMO, channel="video", video_call__isnull=True
    )
    for contact in videos.select_related("citizen"):
        VideoCall.objects.create(
            status=VideoCall.Status.HELD,
            name=contact.citizen.name_ar if contact.citizen else "زائر",
            mobile=contact.caller_number or "+97336000000",
            citizen=contact.citizen,
            purpose=contact.purpose,
            requested_at=contact.offered_at,
            agent_id=contact.agent_id,
            scheduled_for=contact.answered_at,
            started_at=contact.answered_at,
            ended_at=contact.ended_at,
            contact=contact,
        )
    stdout.write(f"chat: {len(chats)} chats, {len(texts)} messages\n")
