"""Demo data: a realistic month of the contact centre, after the ministry's July statement.

About 11,000 inbound calls (72% about new applications, 27% about delays, a handful of
complaints, ~3% abandoned), more than 1,200 outbound data-update calls plus draw and
certificate calls, 656 chats, 2 video calls, ~50 "Under Your Command" messages, 39
Tawasul messages, walk-ins and e-mails; 97.5% resolved on first contact and ~2% referred
to departments (follow-ups, some answered, some overdue). Written with bulk_create so it
takes seconds; idempotent: nothing is added when the demo month is already there.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.accounts.roles import Role
from apps.citizens.models import Citizen, CitizenPhone, CitizenPhoneEvent, HousingFile
from apps.contacts.models import Callback, Contact, FollowUp, Outcome, Purpose, QuickAnswer, QuickAnswerUse
from apps.contacts.services import follow_up_due

DAYS = 30
SEED = 2026
AGENTS = 14
CITIZENS = 1500

FIRST_NAMES = [
    ("محمد", "Mohamed"), ("أحمد", "Ahmed"), ("علي", "Ali"), ("حسن", "Hasan"), ("حسين", "Hussain"),
    ("يوسف", "Yousif"), ("عبدالله", "Abdulla"), ("خالد", "Khalid"), ("جاسم", "Jasim"), ("سلمان", "Salman"),
    ("فاطمة", "Fatima"), ("مريم", "Maryam"), ("زينب", "Zainab"), ("نورة", "Noora"), ("سارة", "Sara"),
    ("ليلى", "Layla"), ("عائشة", "Aysha"), ("هدى", "Huda"), ("منى", "Mona"), ("شيخة", "Shaikha"),
]  # fmt: skip
FAMILY_NAMES = [
    ("البنعلي", "Al-Binali"), ("الدوسري", "Al-Dosari"), ("الكعبي", "Al-Kaabi"), ("الموسوي", "Al-Mosawi"),
    ("العلوي", "Al-Alawi"), ("الحداد", "Al-Haddad"), ("الشيخ", "Al-Shaikh"), ("المناعي", "Al-Mannai"),
    ("الجودر", "Al-Jowder"), ("السعد", "Al-Saad"), ("الخياط", "Al-Khayat"), ("عبدالرحمن", "Abdulrahman"),
]  # fmt: skip
SERVICES = ["وحدة سكنية", "شقة تمليك", "قسيمة سكنية", "قرض بناء", "قرض شراء", "برنامج مزايا"]
NOTES = {
    "new_application": [
        "استفسر عن طريقة تقديم طلب جديد وتم شرح الخطوات.",
        "سأل عن المستندات المطلوبة للطلب الجديد.",
        "استفسار عن تقديم طلب وحدة سكنية بعد الزواج.",
        "سأل عن طريقة التقديم الإلكتروني، وشُرحت له الخطوات.",
    ],
    "request_delay": [
        "يستفسر عن تأخر تلبية طلبه المقدم منذ سنوات.",
        "يسأل عن موعد التخصيص المتوقع لطلبه.",
        "سأل عن سبب تأخر التخصيص، وشُرح له ترتيب الخدمة.",
    ],
    "complaint": ["شكوى من تأخر الرد على مراجعة سابقة.", "شكوى بخصوص أعمال صيانة لم تكتمل."],
    "request_status": ["استفسار عن حالة الطلب الإسكاني.", "سأل عن حالة طلبه، وأُبلغ بها."],
    "eligibility": ["سأل عن شروط الاستحقاق وسقف الدخل.", "سأل عن استحقاق المطلّقة للخدمة الإسكانية."],
    "mazaya_appointment": ["طلب حجز موعد لبرنامج مزايا.", "حُجز له موعد لبرنامج مزايا في بنك الإسكان."],
    "data_update": ["تم تحديث رقم الهاتف وتأكيد العنوان.", "تأكيد رقم الهاتف النقال المسجل."],
    "electronic_draw": [
        "إبلاغ المواطن بموعد السحب الإلكتروني لمشروع سكني.",
        "دعوته إلى السحب الإلكتروني.",
    ],
    "certificates_contracts": [
        "إبلاغ بموعد تسلّم شهادة الاستحقاق.",
        "إبلاغه بموعد تسليم عقد الانتفاع.",
    ],
    "maintenance": ["طلب صيانة لتسرب مياه في الوحدة.", "أبلغ عن عطل في التكييف في الشقة."],
    "other": ["استفسار عام.", "سأل عن ساعات عمل الوزارة."],
}
REFERRAL_DEPARTMENTS = {
    "request_delay": "housing-services",
    "new_application": "housing-services",
    "complaint": "legal",
    "maintenance": "maintenance",
    "mazaya_appointment": "mazaya",
}
ANSWERS = [
    "تمت مراجعة الملف وإبلاغ المواطن بالمستجدات.",
    "The file was reviewed and the citizen informed by phone.",
    "تم تحديد موعد زيارة ميدانية.",
]


def seed(stdout) -> None:
    if Contact.objects.filter(recorded_via=Contact.RecordedVia.DEMO).exists():
        return
    rng = random.Random(SEED)
    agents = _agents()
    citizens = _citizens(rng)
    purposes = {p.code: p for p in Purpose.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    now = timezone.now()
    start_day = timezone.localdate(now) - timedelta(days=DAYS - 1)
    plan = _plan(rng)
    contacts: list[Contact] = []
    sequence = 0
    for channel, purpose_code, count, answer_rate in plan:
        for _ in range(count):
            sequence += 1
            offered = _moment(rng, start_day, now, channel)
            contacts.append(
                _contact(
                    rng,
                    sequence,
                    channel,
                    purposes.get(purpose_code),
                    offered,
                    answer_rate,
                    agents,
                    citizens,
                    departments,
                )
            )
    contacts.extend(_ticket_contacts(rng, agents, purposes, now))
    created = []
    for chunk in range(0, len(contacts), 2000):
        created.extend(Contact.objects.bulk_create(contacts[chunk : chunk + 2000]))
    _follow_ups(rng, created, now)
    _callbacks(created, now)
    _quick_answers(rng, created)
    _phone_confirmations(created)
    stdout.write(f"contacts: {len(created)} demo contacts over {DAYS} days")


def _agents() -> list[User]:
    call_centre = Department.objects.filter(code="call-centre").first()
    names = [
        ("حمد", "Hamad"), ("مريم", "Maryam"), ("سيد علي", "Sayed Ali"), ("نوال", "Nawal"), ("عيسى", "Isa"),
        ("بتول", "Batool"), ("راشد", "Rashid"), ("أمل", "Amal"), ("فيصل", "Faisal"), ("ريم", "Reem"),
        ("عادل", "Adel"), ("دانة", "Dana"), ("صالح", "Saleh"), ("هيا", "Haya"),
    ]  # fmt: skip
    # One password hash for all of them: hashing fourteen times would take most of the seed.
    password = make_password("demo-pass-2026")
    missing = []
    for index in range(AGENTS):
        username = f"agent{index + 1:02d}"
        name_ar, name_en = names[index % len(names)]
        missing.append(
            User(
                username=username,
                first_name=name_en,
                full_name_ar=name_ar,
                department=call_centre,
                password=password,
            )
        )
    existing = set(
        User.objects.filter(username__in=[u.username for u in missing]).values_list("username", flat=True)
    )
    created = User.objects.bulk_create([u for u in missing if u.username not in existing])
    group = Group.objects.get(name=Role.AGENT.value)
    group.user_set.add(*created)
    return list(User.objects.filter(username__startswith="agent").order_by("username"))


def _citizens(rng: random.Random) -> list[tuple[int, str]]:
    """Demo citizens with a mobile each, most with a housing file: ``[(id, e164)]``."""
    wanted = []
    for index in range(CITIZENS):
        year, month = rng.randint(60, 99), rng.randint(1, 12)
        wanted.append((f"{year:02d}{month:02d}{index:05d}", f"+9733{7000000 + index:07d}"))
    existing = set(Citizen.objects.filter(cpr__in=[c for c, _p in wanted]).values_list("cpr", flat=True))
    taken_numbers = set(
        str(n)
        for n in CitizenPhone.objects.filter(number__in=[p for _c, p in wanted]).values_list(
            "number", flat=True
        )
    )
    fresh = [(cpr, phone) for cpr, phone in wanted if cpr not in existing and phone not in taken_numbers]
    people = []
    for cpr, _phone in fresh:
        (first_ar, first_en), (family_ar, family_en) = rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)
        (father_ar, father_en) = rng.choice(FIRST_NAMES[:10])
        people.append(
            Citizen(
                cpr=cpr,
                name_ar=f"{first_ar} {father_ar} {family_ar}",
                name_en=f"{first_en} {father_en} {family_en}",
                area=rng.choice(["مدينة عيسى", "المحرق", "الرفاع", "مدينة حمد", "سترة", "مدينة سلمان"]),
            )
        )
    Citizen.objects.bulk_create(people)
    ids = dict(Citizen.objects.filter(cpr__in=[c for c, _p in fresh]).values_list("cpr", "id"))
    CitizenPhone.objects.bulk_create(
        [CitizenPhone(citizen_id=ids[cpr], number=phone, is_primary=True) for cpr, phone in fresh]
    )
    files = []
    for index, (cpr, _phone) in enumerate(fresh):
        if rng.random() < 0.65:
            applied = timezone.localdate() - timedelta(days=rng.randint(200, 6000))
            files.append(
                HousingFile(
                    citizen_id=ids[cpr],
                    application_number=f"HS-{applied.year}-{index:05d}",
                    service=rng.choice(SERVICES),
                    application_date=applied,
                    status=rng.choices(
                        ["submitted", "under_review", "eligible", "allocated", "delivered"],
                        [5, 15, 60, 12, 8],
                    )[0],
                )
            )
    HousingFile.objects.bulk_create(files, ignore_conflicts=True)
    return list(
        CitizenPhone.objects.filter(citizen__cpr__in=[c for c, _p in wanted], is_primary=True).values_list(
            "citizen_id", "number"
        )
    )


def _plan(rng: random.Random) -> list[tuple[str, str | None, int, float]]:
    """(channel, purpose, count, share answered), after the July statement."""
    inbound_answered = 10_846
    new_applications = round(inbound_answered * 0.7245)
    complaints = 14
    delays = inbound_answered - new_applications - complaints
    inbound_abandoned = 335  # ~3% of offered calls hang up before an agent answers
    return [
        ("inbound_call", "new_application", new_applications, 1.0),
        ("inbound_call", "request_delay", delays, 1.0),
        ("inbound_call", "complaint", complaints, 1.0),
        ("inbound_call", None, inbound_abandoned, 0.0),
        ("outbound_call", "data_update", 1_230, 0.86),
        ("outbound_call", "electronic_draw", 160, 0.9),
        ("outbound_call", "certificates_contracts", 95, 0.9),
        ("chat", "request_status", 230, 1.0),
        ("chat", "eligibility", 197, 1.0),
        ("chat", "mazaya_appointment", 131, 1.0),
        ("chat", "new_application", 98, 1.0),
        ("video", "request_status", 2, 1.0),
        ("uyc", "complaint", 50, 1.0),
        ("tawasul", "complaint", 25, 1.0),
        ("tawasul", "request_status", 13, 1.0),
        ("tawasul", "other", 1, 1.0),
        ("walk_in", "new_application", 90, 1.0),
        ("walk_in", "maintenance", 35, 1.0),
        ("email", "request_status", 60, 1.0),
        ("web_form", "maintenance", 40, 1.0),
    ]


def _moment(rng: random.Random, start_day, now: datetime, channel: str) -> datetime:
    """A time in the month when the centre is open: busier Sunday to Thursday mornings."""
    zone = timezone.get_current_timezone()
    while True:
        day = start_day + timedelta(days=rng.randrange(DAYS))
        weekday = day.isoweekday()  # 5 = Friday, 6 = Saturday
        if weekday == 5 and rng.random() < 0.7 or weekday == 6 and rng.random() < 0.4:
            continue
        hour = min(21, max(7, int(rng.gauss(11.5, 3.0))))
        moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
        if channel in ("uyc", "tawasul", "email", "web_form"):
            moment += timedelta(hours=rng.choice([-8, 0, 5]))
        if moment < now - timedelta(minutes=30):
            return moment


def _contact(rng, sequence, channel, purpose, offered, answer_rate, agents, citizens, departments) -> Contact:
    answered = rng.random() < answer_rate
    wait = (
        rng.expovariate(1 / 45) if channel in ("inbound_call", "outbound_call") else rng.expovariate(1 / 600)
    )
    if channel == "chat":
        wait = rng.expovariate(1 / 660)  # the statement's 11 minutes to respond
    handling = max(40.0, rng.lognormvariate(5.4, 0.5))
    identified = channel not in ("inbound_call",) or rng.random() < 0.78
    citizen_id, number = (
        rng.choice(citizens) if identified and citizens else (None, f"+9733{rng.randrange(1000000, 9999999)}")
    )
    if channel in ("walk_in", "email", "web_form", "tawasul", "uyc", "chat", "video"):
        number = number if channel in ("tawasul", "uyc") else ""
    code = purpose.code if purpose else ""
    outcome, department = Outcome.ABANDONED, None
    if answered:
        roll = rng.random()
        if roll < 0.9748:
            outcome = Outcome.RESOLVED
        elif roll < 0.9963 and code in REFERRAL_DEPARTMENTS:
            outcome, department = Outcome.REFERRED, departments.get(REFERRAL_DEPARTMENTS[code])
        elif code == "mazaya_appointment" or roll < 0.9985:
            outcome = (
                Outcome.APPOINTMENT_BOOKED
                if code in ("mazaya_appointment", "new_application")
                else Outcome.RESOLVED
            )
        else:
            outcome = Outcome.CALLBACK_SCHEDULED
        if outcome == Outcome.REFERRED and department is None:
            outcome = Outcome.RESOLVED
    answered_at = offered + timedelta(seconds=wait) if answered else None
    ended_at = (
        (answered_at + timedelta(seconds=handling)) if answered_at else offered + timedelta(seconds=wait + 20)
    )
    prefix = {"inbound_call": "IN", "outbound_call": "OUT", "chat": "CHAT"}.get(channel, channel.upper())
    return Contact(
        channel=channel,
        citizen_id=citizen_id,
        caller_number=str(number) if number else "",
        agent=rng.choice(agents) if answered and agents else None,
        purpose=purpose if answered or channel == "outbound_call" else None,
        outcome=outcome,
        offered_at=offered,
        answered_at=answered_at,
        ended_at=ended_at,
        notes=rng.choice(NOTES.get(code, [""])) if answered and rng.random() < 0.6 else "",
        call_id=f"DEMO-{prefix}-{offered:%Y%m%d}-{sequence:06d}",
        department=department,
        recorded_via=Contact.RecordedVia.DEMO,
        telephony_received_at=ended_at if channel in ("inbound_call", "outbound_call") else None,
    )


# The contact channel a demo ticket came in by.
FROM_TICKET_CHANNEL = {"phone": "inbound_call", "web": "web_form"}
PURPOSE_OF_KIND = {"complaint": "complaint", "maintenance": "maintenance", "inquiry": "request_status"}


def _ticket_contacts(rng: random.Random, agents, purposes, now: datetime) -> list[Contact]:
    """The contacts that opened the tickets apps.tickets' demo data made (staff-taken ones)."""
    from apps.tickets.models import Ticket

    tickets = Ticket.objects.filter(citizen__isnull=False, created_by__isnull=False).exclude(channel="web")
    tickets = tickets.exclude(received_at__gt=now - timedelta(minutes=15))
    rows = []
    for ticket in tickets.order_by("id")[:300]:
        offered = ticket.received_at - timedelta(minutes=rng.randint(3, 12))
        answered = offered + timedelta(seconds=rng.randint(10, 90))
        rows.append(
            Contact(
                channel=FROM_TICKET_CHANNEL.get(ticket.channel, ticket.channel),
                citizen_id=ticket.citizen_id,
                caller_number=ticket.contact_phone or "",
                agent=ticket.created_by
                if ticket.created_by.has_perm("accounts.use_agent_console")
                else rng.choice(agents),
                purpose=purposes.get(PURPOSE_OF_KIND.get(ticket.kind, "other")),
                outcome=Outcome.TICKET_OPENED,
                ticket=ticket,
                offered_at=offered,
                answered_at=answered,
                ended_at=min(ticket.received_at + timedelta(minutes=2), now),
                notes=ticket.description[:500],
                call_id=f"DEMO-TICKET-{ticket.pk}",
                recorded_via=Contact.RecordedVia.DEMO,
            )
        )
    return rows


def _follow_ups(rng: random.Random, contacts: list[Contact], now: datetime) -> None:
    rows = []
    for contact in contacts:
        if contact.outcome != Outcome.REFERRED:
            continue
        due = follow_up_due(start=contact.answered_at)
        answered = due < now and rng.random() < 0.7 or rng.random() < 0.35
        answered_at = (
            min(now, contact.answered_at + timedelta(days=rng.uniform(0.5, 9))) if answered else None
        )
        rows.append(
            FollowUp(
                contact=contact,
                citizen_id=contact.citizen_id,
                department=contact.department,
                due_at=due,
                status=FollowUp.Status.CLOSED if answered else FollowUp.Status.OPEN,
                answer=rng.choice(ANSWERS) if answered else "",
                answered_at=answered_at,
                answered_by=contact.department.head if answered else None,
            )
        )
    FollowUp.objects.bulk_create(rows)
    with connection.cursor() as cursor:  # a follow-up starts when its contact was referred
        cursor.execute(
            "UPDATE contacts_followup f SET created_at = c.answered_at FROM contacts_contact c "
            "WHERE c.id = f.contact_id AND c.recorded_via = 'demo'"
        )


def _callbacks(contacts: list[Contact], now: datetime) -> None:
    rows = []
    for contact in contacts:
        if contact.outcome != Outcome.CALLBACK_SCHEDULED:
            continue
        due = contact.ended_at + timedelta(days=1)
        rows.append(
            Callback(
                contact=contact,
                citizen_id=contact.citizen_id,
                number=contact.caller_number or "+97336000000",
                due_at=due,
                assigned_to=contact.agent,
                status=Callback.Status.SCHEDULED if due > now else Callback.Status.DONE,
                done_at=None if due > now else due,
            )
        )
    Callback.objects.bulk_create(rows)


def _quick_answers(rng: random.Random, contacts: list[Contact]) -> None:
    by_purpose: dict[int, list[QuickAnswer]] = {}
    for answer in QuickAnswer.objects.filter(is_active=True):
        by_purpose.setdefault(answer.purpose_id, []).append(answer)
    uses = [
        QuickAnswerUse(
            contact=c,
            quick_answer=rng.choice(by_purpose[c.purpose_id]),
            send_by_sms=rng.random() < 0.3,
            created_at=c.ended_at,
        )
        for c in contacts
        if c.purpose_id in by_purpose and c.answered_at and rng.random() < 0.25
    ]
    QuickAnswerUse.objects.bulk_create(uses, ignore_conflicts=True)


def _phone_confirmations(contacts: list[Contact]) -> None:
    """The data-update campaign: each answered outbound data-update call confirmed the number."""
    events = [
        CitizenPhoneEvent(
            citizen_id=c.citizen_id, number=c.caller_number, action="confirmed", actor=c.agent, at=c.ended_at
        )
        for c in contacts
        if c.channel == "outbound_call"
        and c.purpose
        and c.purpose.code == "data_update"
        and c.answered_at
        and c.citizen_id
    ]
    CitizenPhoneEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE citizens_citizenphone p SET confirmed_at = e.at, confirmed_by_id = e.actor_id
            FROM (SELECT DISTINCT ON (citizen_id, number) citizen_id, number, at, actor_id
                  FROM citizens_citizenphoneevent WHERE action = 'confirmed'
                  ORDER BY citizen_id, number, at DESC) e
            WHERE p.citizen_id = e.citizen_id AND p.number = e.number
              AND (p.confirmed_at IS NULL OR p.confirmed_at < e.at)
            """
        )
