"""Demo "Under Your Command" cases: about 50 over the last two months, in every state.

Citizens' messages from the form, tickets escalated by agents and supervisors with their
reasons, a few opened by a missed deadline; some studied, referred to the committee,
extended, asked of a department, decided, told to the citizen and closed; some past their
30 days. Everything goes through the services, at the dates it would have happened.

Idempotent: each demo case's ticket carries the external reference ``UYC-DEMO-<n>``; a
second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import Department, User
from apps.citizens.models import Citizen
from apps.escalations import selectors, services
from apps.escalations.models import Escalation
from apps.notifications.services import notification_mark_all_read
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket

CASES = 50
PREFIX = "UYC-DEMO-"

MESSAGES = [
    (
        "طلب مقابلة بخصوص تأخر الطلب الإسكاني",
        "تقدمت بطلب وحدة سكنية منذ عام 2009 ولم يصلني أي رد رغم مراجعاتي المتكررة.",
    ),
    (
        "تظلم من رفض طلب الاستثناء",
        "رُفض طلب الاستثناء من شرط الدخل مع أن دخلي انخفض بعد التقاعد، وأرجو إعادة النظر.",
    ),
    (
        "وضع أسري صعب وسكن غير ملائم",
        "أسكن مع أسرتي المكونة من سبعة أفراد في شقة من غرفتين، وأطلب النظر في حالتي بشكل عاجل.",
    ),
    ("شكوى من تعامل موظف", "تعرضت لمعاملة غير لائقة عند مراجعتي للفرع، وأرجو التحقيق في الأمر."),
    (
        "اقتراح لتسريع توزيع الوحدات",
        "أقترح نشر جدول زمني واضح لتوزيع الوحدات في كل مشروع حتى يعرف المواطن موعده.",
    ),
    (
        "استفسار عن موعد التسليم في مشروع مدينة سلمان",
        "أُبلغت بالتخصيص قبل سنتين ولم أتسلم الوحدة حتى الآن، فمتى موعد التسليم؟",
    ),
]
REASONS = [
    "المواطن راجع عدة مرات دون حل، ويطلب رفع الموضوع إلى الإدارة العليا.",
    "الحالة إنسانية وتحتاج إلى قرار استثنائي لا تملكه الإدارة المختصة.",
    "تكررت الشكوى من نفس الإدارة، ويلزم تدخل الإدارة العليا.",
    "طلب المواطن مقابلة الوكيل بخصوص قرار سابق.",
]
DECISIONS = [
    (
        "تقرر إدراج طلبكم ضمن قائمة التخصيص في الدفعة القادمة، وسيتم التواصل معكم لتحديد موعد التسليم.",
        "استثناء بموافقة الوكيل بعد مراجعة الوضع الأسري.",
    ),
    (
        "نعتذر عن قبول طلب الاستثناء لعدم انطباق الشروط، ويمكنكم التقدم مجددًا عند تغير الدخل.",
        "الدخل الحالي أعلى من الحد بعد احتساب بدل السكن.",
    ),
    (
        "تمت إحالة الشكوى إلى الجهة المختصة واتخاذ الإجراء اللازم بحق الموظف، ونشكر لكم تواصلكم.",
        "إنذار كتابي للموظف حسب تقرير الموارد البشرية.",
    ),
]
# How far each demo case gets (cycled over the cases).
PATHS = [
    [],
    ["study"],
    ["study", "note"],
    ["study", "question"],
    ["study", "extend"],
    ["study", "decide"],
    ["study", "decide", "inform"],
    ["study", "decide", "inform", "close"],
    ["refer"],
    ["study", "decide", "inform"],
]


def _users():
    senior = User.objects.filter(username="senior").first()
    agent = User.objects.filter(username="agent").first()
    supervisor = User.objects.filter(username="supervisor").first() or agent
    return senior, agent, supervisor


DEMO_STAFF = ("agent", "supervisor", "officer", "senior", "secretary", "member", "admin")


def seed(stdout) -> None:
    senior, agent, supervisor = _users()
    citizens = list(Citizen.objects.filter(cpr__startswith="9").order_by("cpr")[:200])
    if senior is None or agent is None or not citizens:
        stdout.write("escalations seed: needs the demo staff and citizens, skipping")
        return
    done = set(
        Ticket.objects.filter(external_reference__startswith=PREFIX).values_list(
            "external_reference", flat=True
        )
    )
    rng = random.Random(7)
    department = Department.objects.filter(code="housing-services").first()
    now = timezone.now()
    made = 0
    for index in range(CASES):
        reference = f"{PREFIX}{index:02d}"
        if reference in done:
            continue
        _one(index, reference, rng, now, senior, agent, supervisor, citizens, department)
        made += 1
    stdout.write(
        f"escalations seed: {made} new Under Your Command cases ({Escalation.objects.count()} in all)"
    )
    _tidy_bells(now)


def _tidy_bells(now) -> None:
    """The demo staff have read yesterday's notifications: the bell shows today's only.

    This is the last seeder (escalations is the last app), so every notification the demo
    history raised is there by now. Read with the staff member as the actor.
    """
    for user in User.objects.filter(username__in=DEMO_STAFF):
        notification_mark_all_read(actor=user, now=now, before=now - timedelta(hours=12))


def _one(index, reference, rng, now, senior, agent, supervisor, citizens, department) -> None:
    citizen = citizens[(index * 7) % len(citizens)]
    subject, text = MESSAGES[index % len(MESSAGES)]
    kind = ["complaint", "complaint", "complaint", "complaint", "suggestion", "inquiry"][
        index % len(MESSAGES)
    ]
    received = now - timedelta(days=rng.randint(0, 58), hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
    source = ["citizen", "staff", "citizen", "staff", "sla_breach"][index % 5]
    if source == "citizen":
        ticket = ticket_services.ticket_create(
            kind=kind,
            channel=Ticket.Channel.UYC,
            subject=subject,
            description=text,
            actor=None,
            citizen=citizen,
            external_reference=reference,
            now=received,
        )
        case = services.escalation_receive(ticket=ticket, now=received)
    else:
        taken = received - timedelta(days=rng.randint(3, 20))
        ticket = ticket_services.ticket_create(
            kind=kind,
            channel=rng.choice(["phone", "web", "walk_in"]),
            subject=subject,
            description=text,
            actor=agent,
            citizen=citizen,
            external_reference=reference,
            now=taken,
        )
        if source == "staff":
            case = services.escalation_create(
                ticket=ticket,
                reason=rng.choice(REASONS),
                actor=supervisor if index % 2 else agent,
                summary="" if index % 3 else "يطلب المواطن قرارًا بشأن أولوية طلبه.",
                now=received,
            )
        else:
            case = services.escalation_open_from_breach(ticket=ticket, now=received)
    when = received + timedelta(hours=2)
    if index % 4 != 3:
        case = services.escalation_assign(escalation=case, owner=senior, actor=senior, now=when)
    public, internal = DECISIONS[index % len(DECISIONS)]
    for step in PATHS[(index // 5) % len(PATHS)]:
        when = min(when + timedelta(days=rng.randint(1, 9)), now)
        if step == "study":
            case = services.escalation_transition(
                escalation=case, to_status="under_study", actor=senior, now=when
            )
        elif step == "note":
            services.escalation_note(
                escalation=case, body="تم الاتصال بالمواطن للاستيضاح.", actor=senior, now=when
            )
        elif step == "question" and department is not None:
            services.information_request_create(
                escalation=case,
                department=department,
                question="نرجو إفادتنا بحالة الطلب الإسكاني للمواطن وتاريخ الأحقية.",
                actor=senior,
                now=when,
            )
        elif step == "extend":
            case = services.escalation_extend(
                escalation=case,
                new_due=case.due_at + timedelta(days=15),
                reason="بانتظار تقرير البحث الاجتماعي.",
                actor=senior,
                now=when,
            )
        elif step == "refer":
            committee = selectors.committees().first()
            if committee is not None:
                case = services.escalation_refer_to_committee(
                    escalation=case,
                    committee=committee,
                    summary="نطلب من اللجنة النظر في استثناء المواطن من شرط الدخل.",
                    actor=senior,
                    now=when,
                )
        elif step == "decide":
            case = services.escalation_decide(
                escalation=case, public_text=public, internal_text=internal, actor=senior, now=when
            )
        elif step == "inform":
            case = services.escalation_inform(escalation=case, actor=senior, now=when)
        elif step == "close":
            case = services.escalation_transition(escalation=case, to_status="closed", actor=senior, now=when)
