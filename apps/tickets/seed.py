"""Demo data: the category taxonomy (from the contact centre's call purposes), a few hundred
citizens with housing files, and tickets across kinds, channels and statuses.

Idempotent: categories are upserted by code, citizens looked up by CPR, and demo tickets
carry an external reference ``DEMO-nnnn`` that is checked before creating.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from apps.accounts.models import Department, User
from apps.citizens import services as citizen_services
from apps.citizens.models import Citizen
from apps.tickets import services
from apps.tickets.models import Category, Ticket
from apps.tickets.workflow import Status

# code, Arabic, English, department code, children [(code, Arabic, English)]
CATEGORIES = [
    ("new-application", "طلب إسكاني جديد", "New housing application", "housing-services",
     [("new-application-documents", "المستندات المطلوبة", "Required documents"),
      ("new-application-online", "التقديم الإلكتروني", "Applying online")]),
    ("request-delay", "تأخر الطلب الإسكاني", "Delay of housing request", "housing-services",
     [("request-delay-waiting", "مدة الانتظار", "Waiting time"),
      ("request-delay-allocation", "تأخر التخصيص", "Allocation delay")]),
    ("request-status", "حالة الطلب الإسكاني", "Housing request status", "housing-services", []),
    ("eligibility", "معايير الاستحقاق", "Eligibility criteria", "housing-services",
     [("eligibility-income", "الدخل", "Income"), ("eligibility-family", "الحالة الاجتماعية", "Family status")]),
    ("data-update", "تحديث البيانات", "Data update", "call-centre",
     [("data-update-phone", "تحديث رقم الهاتف", "Phone number update"),
      ("data-update-address", "تحديث العنوان", "Address update")]),
    ("mazaya-appointment", "موعد مزايا", "Mazaya appointment", "mazaya", []),
    ("maintenance", "الصيانة", "Maintenance", "maintenance",
     [("maintenance-plumbing", "السباكة", "Plumbing"), ("maintenance-electrical", "الكهرباء", "Electrical"),
      ("maintenance-ac", "التكييف", "Air conditioning"), ("maintenance-structural", "الأعمال الإنشائية", "Structural")]),
    ("electronic-draw", "السحب الإلكتروني", "Electronic draw", "housing-services", []),
    ("certificates-usufruct", "شهادات الاستحقاق وعقود الانتفاع", "Certificates and usufruct contracts", "legal", []),
    ("complaint", "شكوى", "Complaint", "call-centre",
     [("complaint-conduct", "سلوك الموظفين", "Staff conduct"), ("complaint-quality", "جودة الخدمة", "Service quality"),
      ("complaint-reply-delay", "التأخر في الرد", "Late reply")]),
    ("other", "أخرى", "Other", "call-centre", []),
]  # fmt: skip

FIRST = [
    "محمد",
    "أحمد",
    "علي",
    "حسن",
    "فاطمة",
    "زينب",
    "مريم",
    "خالد",
    "عبدالله",
    "نورة",
    "سارة",
    "يوسف",
    "إبراهيم",
    "هدى",
]
LAST = [
    "الخليفة",
    "البحارنة",
    "العلوي",
    "الدوسري",
    "المناعي",
    "الشيخ",
    "السيد",
    "الجودر",
    "القطان",
    "المحمود",
]
AREAS = ["مدينة عيسى", "مدينة حمد", "الرفاع", "المحرق", "سترة", "مدينة سلمان", "عراد", "الحد"]
TOPICS = {
    "complaint": [
        (
            "تأخر الرد على طلبي الإسكاني",
            "تقدمت بطلب إسكاني منذ عام ٢٠١٢ ولم أتلقَ أي رد حتى الآن رغم مراجعاتي المتكررة.",
        ),
        ("سوء التعامل في مركز الخدمة", "لم يتم التعامل معي بشكل لائق عند مراجعتي لمركز خدمة العملاء."),
        ("عدم الرد على الاتصالات", "اتصلت بالخط الساخن عدة مرات دون أن يرد أحد."),
    ],
    "inquiry": [
        ("الاستفسار عن حالة الطلب", "أرغب في معرفة ترتيبي في قائمة الانتظار وموعد التخصيص المتوقع."),
        ("شروط الاستحقاق", "هل يحق لي التقديم على وحدة سكنية إذا كان دخلي يتجاوز الحد؟"),
        ("موعد برنامج مزايا", "كيف أحجز موعدًا لبرنامج مزايا في بنك الإسكان؟"),
    ],
    "suggestion": [
        ("تطبيق للهاتف", "أقترح إضافة خدمة متابعة الطلب الإسكاني عبر تطبيق الهاتف."),
        ("رسائل تذكير", "أقترح إرسال رسائل نصية قبل موعد السحب الإلكتروني."),
    ],
    "maintenance": [
        ("تسرب مياه في الحمام", "يوجد تسرب مياه من سقف الحمام في الشقة منذ أسبوع."),
        ("عطل في التكييف", "التكييف المركزي لا يعمل والجو حار جدًا."),
        ("انقطاع الكهرباء عن الشقة", "انقطاع متكرر للكهرباء في الوحدة السكنية."),
    ],
}
KIND_CATEGORY = {
    "complaint": ["complaint-reply-delay", "complaint-conduct", "complaint-quality", "request-delay-waiting"],
    "inquiry": ["request-status", "eligibility-income", "mazaya-appointment", "new-application-documents"],
    "suggestion": ["other", "data-update-phone"],
    "maintenance": [
        "maintenance-plumbing",
        "maintenance-ac",
        "maintenance-electrical",
        "maintenance-structural",
    ],
}
# "Under Your Command" tickets come with their cases, from apps/escalations/seed.py.
CHANNELS = ["phone"] * 6 + ["web"] * 3 + ["walk_in", "chat", "email", "tawasul", "video"]
# How far each demo ticket gets along the workflow (escalations: apps/escalations/seed.py).
PATHS = [
    [],
    ["acknowledged"],
    ["acknowledged", "in_progress"],
    ["acknowledged", "in_progress", "awaiting_citizen"],
    ["acknowledged", "in_progress", "responded"],
    ["acknowledged", "in_progress", "responded", "closed"],
    ["acknowledged", "in_progress", "responded", "closed"],
    ["acknowledged", "referred_to_committee"],
]
CITIZENS = 300
TICKETS = 400


def seed_categories() -> dict[str, Category]:
    departments = {d.code: d for d in Department.objects.all()}
    made = {}
    for position, (code, name_ar, name_en, department, children) in enumerate(CATEGORIES):
        parent = services.category_upsert(
            code=code,
            name_ar=name_ar,
            name_en=name_en,
            default_department=departments.get(department),
            position=position * 10,
        )
        made[code] = parent
        for index, (child_code, child_ar, child_en) in enumerate(children):
            made[child_code] = services.category_upsert(
                code=child_code, name_ar=child_ar, name_en=child_en, parent=parent, position=index
            )
    return made


def seed_citizens(rng: random.Random, agent: User | None) -> list[Citizen]:
    existing = {c.cpr: c for c in Citizen.objects.filter(cpr__startswith="9")}
    citizens = []
    for index in range(CITIZENS):
        cpr = f"9{index:08d}"
        citizen = existing.get(cpr)
        if citizen is None:
            citizen = citizen_services.citizen_create(
                cpr=cpr,
                name_ar=f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}",
                phones=[f"+9733{index:07d}"[:12]],
                language="en" if index % 10 == 0 else "ar",
                address={
                    "block": str(rng.randint(100, 999)),
                    "road": str(rng.randint(1, 4000)),
                    "area": rng.choice(AREAS),
                },
                confirmed=index % 3 == 0,
                actor=agent,
            )
            if index % 2 == 0:
                citizen_services.housing_file_upsert(
                    citizen=citizen,
                    application_number=f"HA-{2010 + index % 14}-{index:05d}",
                    service=rng.choice(["وحدة سكنية", "شقة تمليك", "قرض شراء", "مزايا"]),
                    application_date=date(2010 + index % 14, 1 + index % 12, 1 + index % 27),
                    status=rng.choice(["submitted", "under_review", "eligible", "allocated"]),
                )
        citizens.append(citizen)
    return citizens


def seed(stdout) -> None:
    rng = random.Random(2026)
    categories = seed_categories()
    agent = User.objects.filter(username="agent").first()
    supervisor = User.objects.filter(username="supervisor").first() or agent
    officer = User.objects.filter(username="officer").first()
    citizens = seed_citizens(rng, agent)
    if agent is None:
        stdout.write("tickets seed: no demo agent, skipping tickets")
        return
    done = set(
        Ticket.objects.filter(external_reference__startswith="DEMO-").values_list(
            "external_reference", flat=True
        )
    )
    now = timezone.now()
    created = 0
    for index in range(TICKETS):
        reference = f"DEMO-{index:04d}"
        if reference in done:
            continue
        kind = ["complaint", "inquiry", "inquiry", "maintenance", "suggestion", "complaint"][index % 6]
        subject, description = rng.choice(TOPICS[kind])
        path = PATHS[index % len(PATHS)]
        # A real Tuesday: closed work spreads over four months; open work is recent, and
        # only a handful (one in twenty-five) has gone past its deadline.
        if path and path[-1] == "closed":
            age = timedelta(days=rng.randint(3, 120), minutes=rng.randint(0, 600))
        elif index % 25 == 0:
            age = timedelta(days=rng.randint(12, 30), minutes=rng.randint(0, 600))
        elif not path:
            age = timedelta(minutes=rng.randint(5, 600))
        elif kind in ("complaint", "maintenance"):  # first response due in 2 working days / 24 h
            age = timedelta(hours=rng.randint(1, 20))
        else:
            age = timedelta(days=rng.randint(0, 3), minutes=rng.randint(0, 600))
        received = now - age
        anonymous = kind == "suggestion" and index % 4 == 0
        ticket = services.ticket_create(
            kind=kind,
            channel=rng.choice(CHANNELS),
            subject=subject,
            description=description,
            actor=agent,
            citizen=None if anonymous else rng.choice(citizens),
            anonymous=anonymous,
            category=categories[rng.choice(KIND_CATEGORY[kind])],
            urgency=rng.choice(["emergency", "urgent", "routine", "routine"])
            if kind == "maintenance"
            else "",
            external_reference=reference,
            now=received,
        )
        when = received
        if index % 3 == 0 and ticket.department_id:
            worker = officer if officer and officer.department_id == ticket.department_id else agent
            when += timedelta(minutes=5)
            services.ticket_assign(ticket=ticket, assignee=worker, actor=supervisor, now=when)
        for status in path:
            when += timedelta(hours=rng.randint(1, 30) if age > timedelta(days=2) else rng.randint(1, 4))
            if status == Status.RESPONDED:
                services.ticket_reply(
                    ticket=ticket,
                    body="نفيدكم بأنه تمت مراجعة طلبكم وسيتم التواصل معكم قريبًا.",
                    actor=agent,
                    now=when,
                )
            if status == Status.IN_PROGRESS and index % 2:
                services.ticket_note(
                    ticket=ticket, body="تم التواصل مع الإدارة المختصة للمتابعة.", actor=agent, now=when
                )
            services.ticket_transition(
                ticket=ticket, to_status=status, actor=agent, reason="", now=min(when, now)
            )
        if ticket.status in (Status.RESPONDED, Status.CLOSED) and index % 4 == 0 and ticket.citizen_id:
            services.ticket_rate(ticket=ticket, rating=rng.randint(1, 5), comment="", now=now)
        created += 1
    stdout.write(
        f"tickets seed: {len(categories)} categories, {len(citizens)} citizens, {created} new tickets"
    )
