"""Demo data: a running data-update campaign over the demo citizens with housing files, and
an electronic-draw invitation campaign imported from a list, both worked by the demo agents
over the last month through the services themselves (claims, dispositions, retries,
fall-back SMS), so the figures, the timelines and calls.outbound hold together.
Idempotent: nothing is added when the demo campaigns exist."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from apps.campaigns import hours, imports, services
from apps.campaigns.models import Campaign, Kind, Target

SEED = 2026
DAYS = 30
UPDATE_NAME = "حملة تحديث البيانات"
DRAW_NAME = "دعوات السحب الإلكتروني — مشروع شرق سترة"
WEIGHTS = {
    "done": 44,
    "no_answer": 24,
    "busy": 8,
    "switched_off": 7,
    "refused": 5,
    "callback": 6,
    "wrong_number": 4,
    "not_in_service": 2,
}


def seed(stdout) -> None:
    if Campaign.objects.filter(name_ar__in=[UPDATE_NAME, DRAW_NAME]).exists():
        return
    from apps.accounts.models import User
    from apps.sla.selectors import get_calendar

    supervisor = (
        User.objects.filter(username="supervisor").first() or User.objects.filter(is_superuser=True).first()
    )
    agents = list(User.objects.filter(username__startswith="agent", is_active=True).order_by("username"))
    if supervisor is None or not agents:
        stdout.write("campaigns: no demo staff yet; skipped")
        return
    rng = random.Random(SEED)
    calendar = get_calendar()
    now = timezone.now()
    first_day = timezone.localdate(now) - timedelta(days=DAYS - 1)
    common = {
        "starts_on": first_day,
        "ends_on": first_day + timedelta(days=DAYS * 2),
        "max_attempts": 3,
        "min_gap_minutes": 180,
    }
    update = services.campaign_create(
        actor=supervisor,
        name_ar=UPDATE_NAME,
        name_en="Data update campaign",
        kind=Kind.DATA_UPDATE,
        script_ar=(
            "السلام عليكم {name}، معك {agent} من مركز الاتصال الوطني بوزارة الإسكان. نتصل بكم لتحديث "
            "بياناتكم: هل ما زال هذا الرقم صحيحًا؟ وهل تغيّر عنوان السكن؟"
        ),
        script_en=(
            "Good day {name}, this is {agent} from the Ministry of Housing's contact centre. We are "
            "updating your details: is this number still right? Has your address changed?"
        ),
        fallback_sms_ar="حاولنا الاتصال بكم لتحديث بياناتكم لدى وزارة الإسكان. يرجى الاتصال على 80008001.",
        fallback_sms_en="We tried to call you to update your details with the Ministry of Housing. Please call 80008001.",
        **common,
    )
    report = imports.targets_add_from_filters(
        campaign=update, filters={"limit": 400}, actor=supervisor, now=_at(first_day, 8)
    )
    draw = services.campaign_create(
        actor=supervisor,
        name_ar=DRAW_NAME,
        name_en="Electronic-draw invitations — East Sitra project",
        kind=Kind.DRAW_INVITATION,
        script_ar=(
            "السلام عليكم {name}، معك {agent} من وزارة الإسكان. يسعدنا دعوتكم لحضور السحب الإلكتروني على "
            "وحدات {project} يوم {draw_date} في {place}. هل ستحضرون؟"
        ),
        script_en=(
            "Good day {name}, this is {agent} from the Ministry of Housing. You are invited to the electronic "
            "draw of the units of {project} on {draw_date} at {place}. Will you attend?"
        ),
        fallback_sms_ar="وزارة الإسكان تدعوكم لحضور السحب الإلكتروني لـ{project} يوم {draw_date}. للاستفسار 80008001.",
        fallback_sms_en="The Ministry of Housing invites you to the electronic draw of {project} on {draw_date}. Questions: 80008001.",
        **common,
    )
    draw_day = (first_day + timedelta(days=DAYS + 7)).isoformat()
    rows = [
        (
            index + 2,
            {
                "cpr": f"{920000000 + index}",
                "name": f"مدعو {index + 1}",
                "phone": f"3{4100000 + index}",
                "project": "مشروع شرق سترة",
                "draw_date": draw_day,
                "place": "مقر الوزارة، المنطقة الدبلوماسية",
            },
        )
        for index in range(180)
    ]
    imports.targets_add(campaign=draw, records=rows, actor=supervisor, now=_at(first_day, 8))
    for campaign in (update, draw):
        services.campaign_transition(
            campaign=campaign, to_status="running", actor=supervisor, now=_at(first_day, 8)
        )
    update.refresh_from_db()
    draw.refresh_from_db()
    attempts = _work(update, agents, rng, calendar, first_day, now, per_day=30)
    attempts += _work(draw, agents, rng, calendar, first_day, now, per_day=8)
    stdout.write(
        f"campaigns: 2 running campaigns, {report.added + len(rows)} targets, {attempts} attempts over {DAYS} days"
    )


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), hours.ZONE)


def _work(campaign, agents, rng, calendar, first_day, now, *, per_day: int) -> int:
    """Each calling day, ``per_day`` calls at random minutes of the calling hours."""
    done = 0
    choices, weights = list(WEIGHTS), list(WEIGHTS.values())
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        if not hours.is_calling_day(campaign, day, calendar):
            continue
        moments = sorted(_at(day, 8, 15) + timedelta(minutes=rng.randint(0, 11 * 60)) for _ in range(per_day))
        for when in moments:
            if when >= now:
                break
            agent = rng.choice(agents)
            target = services.target_claim_next(campaign=campaign, actor=agent, now=when, calendar=calendar)
            if target is None:
                continue
            disposition = rng.choices(choices, weights)[0]
            extra = {}
            if disposition == "callback":
                later = hours.next_calling_instant(campaign, when + timedelta(days=1), calendar)
                if later is None:
                    disposition = "no_answer"
                else:
                    extra = {"callback_at": later, "callback_mine": rng.random() < 0.5}
            finished = when + timedelta(minutes=rng.randint(1, 6))
            if campaign.kind == Kind.DATA_UPDATE and disposition == "done":
                target = services.target_ensure_citizen(target=target, actor=agent)
                phone = target.citizen.phones.order_by("-is_primary", "id").first()
                if phone is not None:
                    services.data_update_confirm_phone(
                        target=target, phone_id=phone.pk, actor=agent, now=finished
                    )
            if campaign.kind == Kind.DRAW_INVITATION and disposition == "done":
                extra["answer"] = rng.choice(
                    [Target.Answer.WILL_ATTEND] * 4 + [Target.Answer.WILL_NOT_ATTEND]
                )
            services.target_record_disposition(
                target=target,
                actor=agent,
                disposition=disposition,
                now=finished,
                calendar=calendar,
                **extra,
            )
            done += 1
    return done
