"""Default SLA policies (DESIGN.md) and the official holidays of this year and the next.

Idempotent: a policy is looked up by its scope (kind, channel, priority) and left alone
when it exists — an administrator's later versions are never overwritten.

Where a kind's rule and a channel's rule meet (a complaint that came through Tawasul),
a combined policy keeps the kind's acknowledgement and first-response targets and takes
the channel's window for resolution: Tawasul's agreed 14 working days, Under Your
Command's 30 calendar days. Maintenance keeps its urgency targets on every channel (its
per-priority policies name two of the three keys and so beat a channel-only policy).
"""

from django.utils import timezone

from apps.sla import services
from apps.sla.models import Policy

WH, WD, CD = "working_hours", "working_days", "calendar_days"

# (kind, channel, priority, name_ar, name_en, acknowledgement, first_response, resolution)
DEFAULT_POLICIES = [
    ("complaint", None, None, "الشكاوى", "Complaints", (0, WH), (2, WD), (10, WD)),
    ("inquiry", None, None, "الاستفسارات", "Inquiries", None, None, (5, WD)),
    ("suggestion", None, None, "المقترحات", "Suggestions", (5, WD), None, (20, WD)),
    ("maintenance", None, None, "طلبات الصيانة", "Maintenance requests", None, None, (20, WD)),
    ("maintenance", None, "urgent", "صيانة طارئة", "Emergency maintenance", None, None, (1, CD)),
    ("maintenance", None, "high", "صيانة عاجلة", "Urgent maintenance", None, None, (5, WD)),
    ("maintenance", None, "normal", "صيانة اعتيادية", "Routine maintenance", None, None, (20, WD)),
    (None, "uyc", None, "تحت أمرك", "Under Your Command", None, None, (30, CD)),
    (None, "tawasul", None, "تواصل", "Tawasul", None, None, (14, WD)),
    ("complaint", "tawasul", None, "شكاوى تواصل", "Tawasul complaints", (0, WH), (2, WD), (14, WD)),
    ("suggestion", "tawasul", None, "مقترحات تواصل", "Tawasul suggestions", (5, WD), None, (14, WD)),
    ("complaint", "uyc", None, "شكاوى تحت أمرك", "Under Your Command complaints", (0, WH), (2, WD), (30, CD)),
    (
        "suggestion",
        "uyc",
        None,
        "مقترحات تحت أمرك",
        "Under Your Command suggestions",
        (5, WD),
        None,
        (30, CD),
    ),
]


def seed_policies(*, actor=None) -> int:
    created = 0
    for kind, channel, priority, name_ar, name_en, ack, first, resolution in DEFAULT_POLICIES:
        if Policy.objects.filter(kind=kind, channel=channel, priority=priority).exists():
            continue
        services.policy_create(
            name_ar=name_ar,
            name_en=name_en,
            kind=kind,
            channel=channel,
            priority=priority,
            targets={"acknowledgement": ack, "first_response": first, "resolution": resolution},
            actor=actor,
            note="Default from DESIGN.md",
        )
        created += 1
    return created


def seed(stdout) -> None:
    created = seed_policies()
    year = timezone.localdate().year
    for y in (year, year + 1):
        result = services.holiday_import_year(year=y)
        stdout.write(f"sla: holidays {y}: {result.created} new, {result.updated} updated")
    stdout.write(f"sla: {created} default policies created")
