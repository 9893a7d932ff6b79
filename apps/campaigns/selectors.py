"""Reads of campaigns: lists, the call screen, the supervisor's figures (each with the
filter of the targets behind it), exports, and the statement figure ``calls.outbound``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils.translation import gettext as _

from apps.campaigns.models import REACHED, Attempt, Campaign, DataChange, Disposition, Kind, Target
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed

WORK_PERMISSION = "campaigns.work_campaign"
MANAGE_PERMISSION = "campaigns.manage_campaign"
LOCAL_ZONE = "Asia/Bahrain"


def can_work(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(WORK_PERMISSION))


def can_manage(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MANAGE_PERMISSION))


def campaigns_for(*, viewer) -> QuerySet[Campaign]:
    """Managers see every campaign; agents the running and paused ones they may call for."""
    if can_manage(viewer):
        return Campaign.objects.select_related("purpose").order_by("-starts_on", "-id")
    if can_work(viewer):
        return (
            Campaign.objects.select_related("purpose")
            .filter(status__in=[Campaign.Status.RUNNING, Campaign.Status.PAUSED])
            .order_by("-starts_on", "-id")
        )
    raise PermissionDenied()


def campaign_for(*, campaign_id: int, viewer) -> Campaign:
    campaign = campaigns_for(viewer=viewer).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def target_for(*, target_id: int, viewer) -> Target:
    """A target, for an agent or a manager; its campaign comes with it."""
    if not (can_work(viewer) or can_manage(viewer)):
        raise PermissionDenied()
    target = (
        Target.objects.select_related("campaign", "campaign__purpose", "citizen").filter(pk=target_id).first()
    )
    if target is None:
        raise NotFound()
    return target


def held_target(*, campaign: Campaign, agent) -> Target | None:
    return (
        Target.objects.select_related("campaign", "citizen")
        .filter(campaign=campaign, status=Target.Status.CLAIMED, claimed_by=agent)
        .first()
    )


def target_attempts(target: Target) -> list[Attempt]:
    return list(target.attempt_rows.select_related("agent").order_by("number"))


def due_count(*, campaign: Campaign, now: datetime) -> int:
    return Target.objects.filter(
        campaign=campaign, status=Target.Status.PENDING, next_due_at__lte=now
    ).count()


# ---------------------------------------------------------------- the supervisor's figures


@dataclass
class CampaignFigures:
    targets: int = 0  # on the list (the excluded are counted apart)
    excluded: int = 0
    attempted: int = 0
    reached: int = 0
    done: int = 0
    refused: int = 0
    exhausted: int = 0
    unreachable: int = 0
    due: int = 0  # still to call: waiting, or in a call now
    in_call: int = 0
    attempts: int = 0
    attempts_per_target: list[tuple[int, int]] = field(default_factory=list)  # (attempts, targets)
    by_hour: list[dict] = field(default_factory=list)  # {"hour", "attempts", "reached", "rate"}
    by_agent: list[dict] = field(default_factory=list)  # {"agent_id", "name", "attempts", "reached", "done"}
    by_disposition: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def reach_rate(self) -> float | None:
        return 100.0 * self.reached / self.attempted if self.attempted else None


def campaign_figures(*, campaign: Campaign) -> CampaignFigures:
    """Every figure of the supervisor's view, in four queries whatever the list's size."""
    s = Target.Status
    totals = Target.objects.filter(campaign=campaign).aggregate(
        excluded=Count("id", filter=Q(status=s.EXCLUDED)),
        targets=Count("id", filter=~Q(status=s.EXCLUDED)),
        attempted=Count("id", filter=Q(attempts__gt=0)),
        reached=Count("id", filter=Q(reached_at__isnull=False)),
        done=Count("id", filter=Q(status=s.DONE)),
        refused=Count("id", filter=Q(status=s.REFUSED)),
        exhausted=Count("id", filter=Q(status=s.EXHAUSTED)),
        unreachable=Count("id", filter=Q(status=s.UNREACHABLE)),
        due=Count("id", filter=Q(status__in=[s.PENDING, s.CLAIMED])),
        in_call=Count("id", filter=Q(status=s.CLAIMED)),
    )
    figures = CampaignFigures(**totals)
    figures.attempts_per_target = list(
        Target.objects.filter(campaign=campaign)
        .exclude(status=s.EXCLUDED)
        .values_list("attempts")
        .annotate(n=Count("id"))
        .order_by("attempts")
    )
    reached = Q(disposition__in=list(REACHED))
    attempts = Attempt.objects.filter(campaign=campaign)
    by_hour = (
        attempts.annotate(hour=ExtractHour("at", tzinfo=_zone()))
        .values("hour")
        .annotate(total=Count("id"), reached=Count("id", filter=reached))
        .order_by("hour")
    )
    figures.by_hour = [
        {
            "hour": row["hour"],
            "attempts": row["total"],
            "reached": row["reached"],
            "rate": 100.0 * row["reached"] / row["total"] if row["total"] else None,
        }
        for row in by_hour
    ]
    figures.attempts = sum(row["attempts"] for row in figures.by_hour)
    by_agent = (
        attempts.values(
            "agent_id", "agent__username", "agent__full_name_ar", "agent__first_name", "agent__last_name"
        )
        .annotate(
            total=Count("id"),
            reached=Count("id", filter=reached),
            done=Count("id", filter=Q(disposition=Disposition.DONE)),
        )
        .order_by("-total", "agent__username")
    )
    figures.by_agent = [
        {
            "agent_id": row["agent_id"],
            "name": _agent_name(row),
            "attempts": row["total"],
            "reached": row["reached"],
            "done": row["done"],
        }
        for row in by_agent
    ]
    counts = dict(attempts.values_list("disposition").annotate(n=Count("id")))
    figures.by_disposition = [(d.value, str(d.label), counts.get(d.value, 0)) for d in Disposition]
    return figures


def _agent_name(row) -> str:
    from django.utils import translation

    latin = f"{row.get('agent__first_name') or ''} {row.get('agent__last_name') or ''}".strip()
    if translation.get_language() == "ar" and row.get("agent__full_name_ar"):
        return row["agent__full_name_ar"]
    return latin or row["agent__username"]


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(LOCAL_ZONE)


# ---------------------------------------------------------------- the targets behind a figure

FILTERS = ("status", "reached", "attempted", "attempts", "hour", "agent", "disposition", "last", "q")


def _int(value, name: str, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationFailed(details={name: [_("Not a valid value.")]}, code="invalid_filter")
    return number


def filter_targets(*, campaign: Campaign, params) -> QuerySet[Target]:
    """The targets a figure counts: ``status``, ``reached=yes``, ``attempted=yes``,
    ``attempts=N``, ``hour=H`` (attempted at that hour), ``agent=ID`` (attempted by),
    ``disposition=D`` (with an attempt of it), ``last=D`` (last disposition), ``q`` (name or CPR)."""
    qs = Target.objects.filter(campaign=campaign)
    status = params.get("status") or ""
    if status == "due":
        qs = qs.filter(status__in=[Target.Status.PENDING, Target.Status.CLAIMED])
    elif status == "listed":
        qs = qs.exclude(status=Target.Status.EXCLUDED)
    elif status:
        if status not in Target.Status.values:
            raise ValidationFailed(details={"status": [_("Not a valid value.")]}, code="invalid_filter")
        qs = qs.filter(status=status)
    if params.get("reached") == "yes":
        qs = qs.filter(reached_at__isnull=False)
    if params.get("attempted") == "yes":
        qs = qs.filter(attempts__gt=0)
    if params.get("attempts") not in (None, ""):
        qs = qs.filter(attempts=_int(params.get("attempts"), "attempts", 0, 1000)).exclude(
            status=Target.Status.EXCLUDED
        )
    attempt_q = Q()
    if params.get("hour") not in (None, ""):
        attempt_q &= Q(hour=_int(params.get("hour"), "hour", 0, 23))
    if params.get("agent") not in (None, ""):
        attempt_q &= Q(agent_id=_int(params.get("agent"), "agent", 1, 2**31 - 1))
    disposition = params.get("disposition") or ""
    if disposition:
        if disposition == "reached":
            attempt_q &= Q(disposition__in=list(REACHED))
        elif disposition in Disposition.values:
            attempt_q &= Q(disposition=disposition)
        else:
            raise ValidationFailed(details={"disposition": [_("Not a valid value.")]}, code="invalid_filter")
    if attempt_q:
        matching = (
            Attempt.objects.annotate(hour=ExtractHour("at", tzinfo=_zone()))
            .filter(target_id=OuterRef("pk"))
            .filter(attempt_q)
        )
        qs = qs.filter(Exists(matching))
    last = params.get("last") or ""
    if last:
        if last not in Disposition.values:
            raise ValidationFailed(details={"last": [_("Not a valid value.")]}, code="invalid_filter")
        qs = qs.filter(last_disposition=last)
    q = (params.get("q") or "").strip()
    if q:
        from apps.core.text import latin_digits

        digits = latin_digits(q).replace(" ", "")
        qs = (
            qs.filter(Q(cpr=digits) | Q(name__icontains=q))
            if digits.isascii()
            else qs.filter(name__icontains=q)
        )
    return qs


def target_page(*, campaign: Campaign, params, after: int | None = None, limit: int = 50):
    """A keyset page of targets by id (no COUNT), with the next page's id."""
    qs = filter_targets(campaign=campaign, params=params).select_related("claimed_by")
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs.order_by("id")[: limit + 1])
    page = rows[:limit]
    return page, (page[-1].pk if len(rows) > limit else None)


EXPORT_COLUMNS = (
    "cpr",
    "name",
    "phones",
    "status",
    "excluded_because",
    "attempts",
    "last_disposition",
    "last_attempt_at",
    "answer",
    "next_due_at",
    "project",
    "draw_date",
    "place",
    "branch",
)


def export_rows(*, campaign: Campaign, params):
    """The targets behind the filters with their last disposition, for CSV/XLSX (streamed)."""
    from django.utils import timezone

    qs = filter_targets(campaign=campaign, params=params).order_by("id")
    status_labels = dict(Target.Status.choices)
    disposition_labels = dict(Disposition.choices)
    exclusion_labels = dict(Target.Exclusion.choices)
    answer_labels = dict(Target.Answer.choices)

    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    for target in qs.iterator(chunk_size=5_000):
        fields = target.fields or {}
        yield [
            target.cpr,
            target.name,
            " ".join(target.phones),
            str(status_labels.get(target.status, target.status)),
            str(exclusion_labels.get(target.exclusion, "")) if target.exclusion else "",
            target.attempts,
            str(disposition_labels.get(target.last_disposition, "")) if target.last_disposition else "",
            local(target.last_attempt_at),
            str(answer_labels.get(target.answer, "")) if target.answer else "",
            local(target.next_due_at) if target.status == Target.Status.PENDING else "",
            fields.get("project", ""),
            fields.get("draw_date", ""),
            fields.get("place", ""),
            fields.get("branch", ""),
        ]


def export_header() -> list[str]:
    return [
        _("CPR number"),
        _("Name"),
        _("Numbers to call"),
        _("Status"),
        _("Excluded because"),
        _("Attempts"),
        _("Last disposition"),
        _("Last attempt at"),
        _("Answer"),
        _("Next call due"),
        _("Project"),
        _("Draw date"),
        _("Place"),
        _("Branch"),
    ]


# ---------------------------------------------------------------- choosing targets by filters


def citizens_matching(
    *,
    housing_status: str = "",
    service: str = "",
    applied_from=None,
    applied_to=None,
    area: str = "",
    limit: int = 100_000,
):
    """Citizens with at least one phone whose housing files match (for a campaign's list).

    Reads the citizens app's tables directly: the citizens selectors have no bulk search by
    housing file, and this one is only ever used to build a call list.
    """
    from apps.citizens.models import Citizen, CitizenPhone, HousingFile

    files = HousingFile.objects.filter(citizen_id=OuterRef("pk"))
    if housing_status:
        if housing_status not in HousingFile.Status.values:
            raise ValidationFailed(details={"housing_status": [_("Not a valid value.")]})
        files = files.filter(status=housing_status)
    if service:
        files = files.filter(service__icontains=service)
    if applied_from:
        files = files.filter(application_date__gte=applied_from)
    if applied_to:
        files = files.filter(application_date__lte=applied_to)
    qs = Citizen.objects.filter(Exists(files), Exists(CitizenPhone.objects.filter(citizen_id=OuterRef("pk"))))
    if area:
        qs = qs.filter(area__icontains=area)
    return qs.prefetch_related("phones").order_by("id")[:limit]


# ---------------------------------------------------------------- the statement figure

# The statement's groups of outbound calls, from the campaign's kind or, for a call logged
# by hand in the console, from its purpose.
STATEMENT_GROUPS = ("data_update", "electronic_draw", "certificates_contracts", "other")
_KIND_GROUP = {
    Kind.DATA_UPDATE: "data_update",
    Kind.DRAW_INVITATION: "electronic_draw",
    Kind.HANDOVER: "certificates_contracts",
    Kind.CUSTOM: "other",
}


def outbound_calls(*, start: datetime, end: datetime) -> dict:
    """``calls.outbound`` for ``[start, end)``: outbound calls placed (contacts of the channel
    outbound call, by offered time), by campaign group and in all, plus each campaign.

    Answer: ``{"total": n, "groups": {group: n}, "campaigns": [{"id", "name_ar", "name_en",
    "kind", "group", "calls"}]}``; every group is present, 0 when empty. A call made from a
    campaign counts in its campaign's group; one logged by hand counts by its purpose
    (data update, electronic draw, certificates and contracts), else in "other".
    """
    from apps.contacts.models import Channel, Contact

    attempts = Attempt.objects.filter(contact_id=OuterRef("pk"))
    rows = (
        Contact.objects.filter(channel=Channel.OUTBOUND_CALL, offered_at__gte=start, offered_at__lt=end)
        .annotate(from_campaign=Exists(attempts))
        .values("from_campaign", "purpose__code")
        .annotate(n=Count("id"))
    )
    groups = dict.fromkeys(STATEMENT_GROUPS, 0)
    hand_logged = 0
    for row in rows:
        if row["from_campaign"]:
            continue
        code = row["purpose__code"]
        groups[code if code in groups else "other"] += row["n"]
        hand_logged += row["n"]
    campaigns = []
    per_campaign = (
        Attempt.objects.filter(
            contact__channel=Channel.OUTBOUND_CALL,
            contact__offered_at__gte=start,
            contact__offered_at__lt=end,
        )
        .values("campaign_id", "campaign__name_ar", "campaign__name_en", "campaign__kind")
        .annotate(n=Count("id"))
        .order_by("-n", "campaign_id")
    )
    for row in per_campaign:
        group = _KIND_GROUP.get(row["campaign__kind"], "other")
        groups[group] += row["n"]
        campaigns.append(
            {
                "id": row["campaign_id"],
                "name_ar": row["campaign__name_ar"],
                "name_en": row["campaign__name_en"],
                "kind": row["campaign__kind"],
                "group": group,
                "calls": row["n"],
            }
        )
    return {
        "total": sum(groups.values()),
        "groups": groups,
        "campaigns": campaigns,
        "hand_logged": hand_logged,
    }


# ---------------------------------------------------------------- the 360° timeline


def _data_change_rows(*, citizen, viewer):
    from apps.citizens.selectors import can_see_identity

    if not can_see_identity(viewer):
        return None
    return DataChange.objects.filter(
        citizen_id=citizen.pk, what__in=[DataChange.What.ADDRESS_CHANGED, DataChange.What.ADDRESS_CONFIRMED]
    )


def _data_change_entry(change, viewer=None):
    from apps.citizens import timeline

    details = [(_("Address"), change.after or "—")]
    if change.before:
        details.insert(0, (_("Before"), change.before))
    details.append((_("Campaign"), change.target.campaign.name()))
    return timeline.TimelineEntry(
        at=change.at,
        kind="address",
        id=change.pk,
        kind_label=_("Address"),
        title=str(change.get_what_display()),
        details=details,
        actor=change.actor.display_name() if change.actor else "",
    )


def data_changes_timeline():
    """Timeline source: addresses confirmed or changed on data-update calls, by whom (read in
    the timeline's one query). Phone confirmations are already on it through apps.citizens."""
    from apps.citizens import timeline

    return timeline.QuerySource(
        kind="address",
        rows=_data_change_rows,
        at_field="at",
        related=("actor", "target__campaign"),
        entry=_data_change_entry,
    )
