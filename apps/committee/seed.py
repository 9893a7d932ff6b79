"""Demo data: the Housing Committee with its people and rejection reasons, and last month
run like the ministry's statement — 90 referred, 5 meetings, 35 approved, 24 rejected,
8 deferred, the rest still pending — plus this month's planned meeting.

Idempotent: people and reasons are looked up by natural key, and the demo month is made
only while the committee has no referral at all.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.citizens import selectors as citizen_selectors
from apps.citizens import services as citizen_services
from apps.committee import services
from apps.committee.models import MemberRole, Outcome, SourceKind
from apps.tickets.models import Ticket

DEMO_PASSWORD = "demo-pass-2026"

PEOPLE = [
    ("chair", "Hamad", "Al-Doseri", "حمد الدوسري", MemberRole.CHAIR),
    ("member", "", "", "", MemberRole.MEMBER),  # the accounts seed's committee member
    ("member2", "Layla", "Al-Qassab", "ليلى القصاب", MemberRole.MEMBER),
    ("member3", "Jassim", "Bucheeri", "جاسم بوچيري", MemberRole.MEMBER),
    ("secretary", "", "", "", MemberRole.SECRETARY),  # the accounts seed's secretary
]

REASONS = [
    (
        "income",
        "الدخل يتجاوز الحد المسموح للخدمة الإسكانية",
        "Income above the limit for the housing service",
        10,
    ),
    ("owns-property", "المتقدم يملك عقاراً سكنياً", "The applicant owns residential property", 20),
    ("incomplete", "المستندات المطلوبة غير مكتملة", "The required documents are incomplete", 30),
    (
        "not-eligible-status",
        "الحالة الاجتماعية لا تستوفي شروط الاستحقاق",
        "Marital status does not meet the criteria",
        40,
    ),
    ("previous-service", "سبق الانتفاع بخدمة إسكانية", "A housing service was already received", 50),
]

SUBJECTS = [
    "طلب استثناء من شرط الدخل",
    "طلب تقديم أولوية الطلب الإسكاني لظروف صحية",
    "اعتراض على نتيجة التخصيص",
    "طلب تغيير نوع الخدمة الإسكانية",
    "طلب استثناء لأسرة ممتدة",
    "طلب إعادة النظر في إلغاء الطلب",
]

CONDITIONS = ["تقديم شهادة الراتب المحدثة", "تحديث بيانات الأسرة خلال 30 يوماً", ""]
NEEDS = ["تقرير البحث الاجتماعي", "شهادة طبية معتمدة", "كشف حساب بنكي لستة أشهر"]


def _people(stdout) -> dict[str, User]:
    users = {}
    for username, first, last, name_ar, _role in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(
                username=username,
                password=DEMO_PASSWORD,
                roles=[Role.COMMITTEE_MEMBER],
                actor=None,
                first_name=first,
                last_name=last,
                full_name_ar=name_ar,
                email=f"{username}@housing.example.bh",
            )
        users[username] = user
    return users


def _citizen(index: int):
    cpr = f"{990100000 + index:09d}"
    found = citizen_selectors.citizen_by_cpr(cpr=cpr)
    if found:
        return found
    return citizen_services.citizen_create(
        cpr=cpr,
        name_ar=f"مواطن تجريبي {index}",
        name_en=f"Demo citizen {index}",
        phones=[f"+9733{6000000 + index:07d}"],
        language="en" if index % 7 == 0 else "ar",
        actor=None,
    )


def _previous_month(today: datetime.date) -> tuple[int, int]:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


@transaction.atomic
def seed(stdout) -> None:
    committee = services.committee_upsert(code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee")
    users = _people(stdout)
    for username, *_rest, role in PEOPLE:
        services.membership_add(committee=committee, user=users[username], role=role)
    reasons = [
        services.rejection_reason_upsert(code=code, text_ar=ar, text_en=en, order=order)
        for code, ar, en, order in REASONS
    ]
    if committee.referrals.exists():
        stdout.write("committee: demo month already there")
        return
    _demo_month(committee, users, reasons)
    stdout.write("committee: Housing Committee with last month's 90 referrals and 5 signed meetings")


def _demo_month(committee, users, reasons) -> None:
    rng = random.Random(8)
    bahrain = ZoneInfo("Asia/Bahrain")
    year, month = _previous_month(timezone.localdate())
    secretary, chair = users["secretary"], users["chair"]
    # Every source is real: a ticket's own review number, or the secretary's own referral.
    sources = [SourceKind.TICKET] * 6 + [SourceKind.SECRETARY] * 4
    tickets = list(Ticket.objects.filter(citizen__isnull=False).select_related("citizen").order_by("pk")[:90])
    referrals = []
    for index in range(90):
        minutes = int(index * 27 * 24 * 60 / 90)
        when = datetime.datetime(year, month, 1, 8, 0, tzinfo=bahrain) + datetime.timedelta(minutes=minutes)
        source = sources[index % len(sources)] if tickets else SourceKind.SECRETARY
        ticket = tickets[index % len(tickets)] if source == SourceKind.TICKET else None
        referrals.append(
            services.referral_create(
                committee=committee,
                citizen=ticket.citizen if ticket else _citizen(index),
                subject=SUBJECTS[index % len(SUBJECTS)],
                summary="عرض الحالة على اللجنة بناءً على طلب المواطن والمستندات المرفقة.",
                housing_application_number=f"{year - 6}{index:05d}",
                source_kind=source,
                source_reference=ticket.review_number if ticket else "",
                referred_at=when,
                actor=secretary,
            )
        )
    outcomes = [Outcome.APPROVED] * 35 + [Outcome.REJECTED] * 24 + [Outcome.DEFERRED] * 8
    rng.shuffle(outcomes)
    present = [
        m.user_id for m in committee.memberships.filter(is_active=True) if m.user_id != users["member3"].pk
    ]
    taken = 0
    for number, (day, size) in enumerate([(6, 13), (12, 14), (18, 13), (24, 14), (28, 13)], start=1):
        date = datetime.date(year, month, day)
        meeting = services.meeting_create(
            committee=committee,
            number=number + (month - 1) * 5,
            date=date,
            starts_at=datetime.time(10, 0),
            place="قاعة الاجتماعات - مبنى الوزارة",
            actor=secretary,
        )
        batch = referrals[taken : taken + size]
        taken += size
        services.meeting_record_attendance(meeting=meeting, present_user_ids=present, actor=secretary)
        services.agenda_add(meeting=meeting, referrals=batch, actor=secretary)
        for referral in batch:
            outcome = outcomes.pop()
            services.decision_record(
                meeting=meeting,
                referral=referral,
                outcome=outcome,
                conditions=rng.choice(CONDITIONS) if outcome == Outcome.APPROVED else "",
                rejection_reason=rng.choice(reasons) if outcome == Outcome.REJECTED else None,
                needs=rng.choice(NEEDS) if outcome == Outcome.DEFERRED else "",
                actor=secretary,
            )
        evening = datetime.datetime.combine(date, datetime.time(13, 0), tzinfo=bahrain)
        services.meeting_close(meeting=meeting, actor=secretary, now=evening)
        services.meeting_sign(meeting=meeting, actor=chair, now=evening + datetime.timedelta(hours=2))
    today = timezone.localdate()
    upcoming = services.meeting_create(
        committee=committee,
        number=services.next_meeting_number(committee, today.year),
        date=today + datetime.timedelta(days=3),
        starts_at=datetime.time(10, 0),
        place="قاعة الاجتماعات - مبنى الوزارة",
        actor=secretary,
    )
    from apps.committee import selectors

    services.agenda_add(
        meeting=upcoming,
        referrals=selectors.agenda_proposals(meeting=upcoming, viewer=secretary, limit=6),
        actor=secretary,
    )
