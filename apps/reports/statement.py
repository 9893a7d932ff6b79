"""``monthly_statement``: every figure of the ministry's monthly statement, computed from
the records through each module's selectors (aggregate SQL; a bounded number of queries
whatever the size of the month).

Steps:
1. the month's bounds (Bahrain time) and the previous month's;
2. each module's figures for both months (its ``statement_figures``-style selector);
3. one row per code: the value, the previous month's, the change (Δ% for counts, Δpt for
   shares and rates, a plain difference for video calls) and the year to date where the
   definition marks it. A rate with no denominator is ``None`` (shown empty), never 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from apps.appointments import selectors as appointment_selectors
from apps.campaigns import selectors as campaign_selectors
from apps.chat import selectors as chat_selectors
from apps.committee import selectors as committee_selectors
from apps.contacts import selectors as contact_selectors
from apps.escalations import selectors as escalation_selectors
from apps.reports import figures as defs
from apps.reports.routers import for_reports
from apps.tickets import selectors as ticket_selectors

SETTLED_OUTCOMES = ("resolved_first_contact", "appointment_booked", "ticket_opened")
REFERRED_OUTCOME = "referred"


@dataclass
class Figure:
    code: str
    group: str
    label_ar: str
    label_en: str
    definition_ar: str
    definition_en: str
    unit: str
    change_unit: str | None
    value: int | float | None
    previous: int | float | None
    change: int | float | None
    ytd: int | None
    confidential: bool = False

    def label(self, language: str) -> str:
        return self.label_ar if language == "ar" else self.label_en

    def definition(self, language: str) -> str:
        return self.definition_ar if language == "ar" else self.definition_en


@dataclass
class Statement:
    month: date
    previous_month: date
    computed_at: datetime
    figures: list[Figure] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    def by_code(self) -> dict[str, Figure]:
        return {f.code: f for f in self.figures}

    def groups(self) -> list[tuple[defs.Group, list[Figure]]]:
        return [(g, [f for f in self.figures if f.group == g.key]) for g in defs.GROUPS]

    def as_dict(self) -> dict:
        return {
            "month": self.key,
            "previous_month": f"{self.previous_month:%Y-%m}",
            "figures": {f.code: asdict(f) for f in self.figures},
        }


def month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=zone)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tzinfo=zone)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def change_of(unit: str | None, value, previous):
    if unit is None or value is None or previous is None:
        return None
    if unit == defs.CHANGE_PCT:
        return round((value - previous) / previous * 100, 2) if previous else None
    if unit == defs.CHANGE_PT:
        return round(value - previous, 2)
    return value - previous


# --- the figures of one month, by module ----------------------------------------------


def _contact_centre(start: datetime, end: datetime) -> dict:
    contacts = contact_selectors.statement_figures(start=start, end=end)
    inbound = contacts["inbound"]
    answered = inbound["answered"]
    by_outcome, by_purpose = inbound["by_outcome"], inbound["by_purpose"]
    settled = sum(by_outcome.get(o, 0) for o in SETTLED_OUTCOMES)
    referred = by_outcome.get(REFERRED_OUTCOME, 0)
    outbound = campaign_selectors.outbound_calls(start=start, end=end)
    values = {
        "contacts.total": contacts["total"],
        "calls.inbound": inbound["offered"],
        "calls.inbound_answered": answered,
        "calls.inbound_abandoned": inbound["abandoned"],
        "calls.outbound": outbound["total"],
    }
    for group in defs.OUTBOUND_LABELS:
        values[f"calls.outbound.{group}"] = outbound["groups"].get(group, 0)
    grouped = 0
    for group, (codes, _ar, _en) in defs.PURPOSE_GROUPS.items():
        n = sum(by_purpose.get(code, 0) for code in codes)
        grouped += n
        values[f"calls.purpose_share.{group}"] = rate(n, answered)
    values[f"calls.purpose_share.{defs.OTHER_GROUP}"] = rate(answered - grouped, answered)
    values["calls.complaints"] = by_purpose.get("complaint", 0)
    for code, n in by_purpose.items():
        values[f"calls.topic.{code or 'none'}"] = n
    values["calls.settled"] = settled
    values["calls.success_rate"] = rate(settled, answered)
    values["calls.referred"] = referred
    values["calls.followup_rate"] = rate(referred, answered)
    values["calls.remainder"] = answered - settled - referred
    values["calls.remainder_rate"] = rate(answered - settled - referred, answered)
    return values


def _chat_video(month: date) -> tuple[dict, dict]:
    chat = chat_selectors.statement_figures(year=month.year, month=month.month)
    this = {code: row["value"] for code, row in chat.items() if code != "video.calls_change"}
    before = {code: row["previous"] for code, row in chat.items() if code != "video.calls_change"}
    return this, before


def _uyc_committee(month: date, now: datetime) -> dict:
    uyc = escalation_selectors.month_figures(year=month.year, month=month.month, now=now).total
    committee = committee_selectors.month_figures(year=month.year, month=month.month)
    return {
        "uyc.received": uyc.received,
        "uyc.decided": uyc.informed,
        "uyc.over_30_days": uyc.open_past_30_days,
        "committee.referred": committee.referred,
        "committee.meetings": committee.meetings_held,
        "committee.approved": committee.approved,
        "committee.rejected": committee.rejected,
        "committee.deferred": committee.deferred,
        "committee.pending": committee_selectors.referred_without_decision(
            year=month.year, month=month.month
        ),
    }


def _tickets(start: datetime, end: datetime, *, ytd_query: bool = True) -> tuple[dict, dict]:
    """The ticket figures; the Tawasul year to date by its own query only when asked (the
    previous month's, in the same year, is this month's less this month's tickets)."""
    year_start = month_bounds(timezone.localtime(start).date().replace(month=1))[0] if ytd_query else None
    t = ticket_selectors.statement_figures(start=start, end=end, year_start=year_start)
    values: dict = {}
    tawasul = {kind: 0 for kind in ("complaint", "inquiry", "suggestion")}
    for (kind, channel), n in t["received"].items():
        values[f"tickets.received.{kind}"] = values.get(f"tickets.received.{kind}", 0) + n
        values[f"tickets.received.{kind}.{channel}"] = n
        if channel == "tawasul":
            tawasul[kind] = tawasul.get(kind, 0) + n
    for kind in defs.TICKET_KINDS:
        values.setdefault(f"tickets.received.{kind}", 0)
    values["tickets.responded_in_sla_pct"] = rate(t["response_clocks_met"], t["response_clocks_ended"])
    values["tawasul.received"] = sum(tawasul.values())
    for kind, n in tawasul.items():
        values[f"tawasul.received.{kind}"] = n
    values["tawasul.complaints_answered_pct"] = rate(
        t["tawasul_complaints_answered"], t["tawasul_complaints"]
    )
    ytd = {}
    if t["tawasul_ytd"] is not None:
        values["tawasul.ytd"] = sum(t["tawasul_ytd"].values())
        ytd["tawasul.received"] = values["tawasul.ytd"]
        for kind in tawasul:
            ytd[f"tawasul.received.{kind}"] = t["tawasul_ytd"].get(kind, 0)
    return values, ytd


def _month_values(month: date, now: datetime, *, ytd_query: bool = True) -> tuple[dict, dict]:
    start, end = month_bounds(month)
    values = _contact_centre(start, end)
    values.update(_uyc_committee(month, now))
    ticket_values, ytd = _tickets(start, end, ytd_query=ytd_query)
    values.update(ticket_values)
    values.update(appointment_selectors.statement_figures(start=start, end=end))
    return values, ytd


# --- labels of the keyed codes --------------------------------------------------------


def _keyed_labels() -> dict[str, tuple[str, str]]:
    """Labels of the codes that end in a key (two queries: purposes, offerings)."""
    from apps.contacts.models import Purpose

    labels: dict[str, tuple[str, str]] = {}
    for group, (ar, en) in defs.OUTBOUND_LABELS.items():
        labels[f"calls.outbound.{group}"] = (f"المكالمات الصادرة: {ar}", f"Outbound calls: {en}")
    for group, (_codes, ar, en) in defs.PURPOSE_GROUPS.items():
        labels[f"calls.purpose_share.{group}"] = (f"حصة غرض: {ar}", f"Purpose share: {en}")
    labels[f"calls.purpose_share.{defs.OTHER_GROUP}"] = ("حصة الأغراض الأخرى", "Purpose share: other")
    for code, ar, en in Purpose.objects.values_list("code", "name_ar", "name_en"):
        labels[f"calls.topic.{code}"] = (f"مكالمات عن: {ar}", f"Calls about: {en}")
    labels["calls.topic.none"] = ("مكالمات لم يُسجّل غرضها", "Calls with no purpose recorded")
    for kind, (ar, en) in defs.TICKET_KINDS.items():
        labels[f"tickets.received.{kind}"] = (f"الطلبات المستلمة: {ar}", f"Tickets received: {en}")
        labels[f"tawasul.received.{kind}"] = (f"رسائل تواصل: {ar}", f"Tawasul messages: {en}")
        for channel, (c_ar, c_en) in defs.TICKET_CHANNELS.items():
            labels[f"tickets.received.{kind}.{channel}"] = (
                f"الطلبات المستلمة: {ar} عبر {c_ar}",
                f"Tickets received: {en} by {c_en}",
            )
    for offering in appointment_selectors.offerings():
        branch, service = offering.branch, offering.service
        labels[f"appointments.booked.{branch.code}.{service.code}"] = (
            f"مواعيد محجوزة: {service.name_ar} في {branch.name_ar}",
            f"Appointments booked: {service.name_en} at {branch.name_en}",
        )
    return labels


def _order(codes: set[str], values: dict) -> list[str]:
    """Fixed codes in the definitions' order, each keyed family placed after its anchor;
    families listed "largest first" (topics, appointments) are sorted by this month's value."""
    fixed = [c for c in defs.DEFINITIONS if c in codes]
    families: dict[str, list[str]] = {}
    for code in codes:
        if code in defs.DEFINITIONS:
            continue
        family = defs.definition_for(code).code
        families.setdefault(family, []).append(code)

    def largest_first(items):
        return sorted(items, key=lambda c: (-(values.get(c) or 0), c))

    ordered_families = {
        "calls.outbound": [
            f"calls.outbound.{g}" for g in defs.OUTBOUND_LABELS if f"calls.outbound.{g}" in codes
        ],
        "calls.purpose_share": [
            f"calls.purpose_share.{g}"
            for g in [*defs.PURPOSE_GROUPS, defs.OTHER_GROUP]
            if f"calls.purpose_share.{g}" in codes
        ],
        "calls.topic": largest_first(families.get("calls.topic", [])),
        "tawasul.received": [
            c for c in (f"tawasul.received.{k}" for k in ("complaint", "inquiry", "suggestion")) if c in codes
        ],
        "appointments.booked": largest_first(families.get("appointments.booked", [])),
        "tickets.received": sorted(
            families.get("tickets.received", []),
            key=lambda c: (
                list(defs.TICKET_KINDS).index(c.split(".")[2]),
                c.count("."),
                -(values.get(c) or 0),
                c,
            ),
        ),
    }
    result: list[str] = []
    for code in fixed:
        if code == "appointments.attended":
            result.extend(ordered_families["appointments.booked"])
        if code == "tickets.responded_in_sla_pct":
            result.extend(ordered_families["tickets.received"])
        result.append(code)
        if code == "calls.outbound":
            result.extend(ordered_families["calls.outbound"])
            result.extend(ordered_families["calls.purpose_share"])
        elif code == "calls.complaints":
            result.extend(ordered_families["calls.topic"])
        elif code == "tawasul.received":
            result.extend(ordered_families["tawasul.received"])
    return result


def monthly_statement(month: date, *, now: datetime | None = None) -> Statement:
    """Every figure of the statement for ``month`` (any day in it), with the previous month,
    the change and the year to date where marked."""
    now = now or timezone.now()
    month = month.replace(day=1)
    before = previous_month(month)
    with for_reports():
        this, ytd = _month_values(month, now)
        # In January the previous month closes last year: its year to date is a query of its own.
        prior, _prior_ytd = _month_values(before, now, ytd_query=month.month == 1)
        if month.month != 1:
            prior["tawasul.ytd"] = this["tawasul.ytd"] - this["tawasul.received"]
        chat_this, chat_prior = _chat_video(month)
        labels = _keyed_labels()
    this.update(chat_this)
    prior.update(chat_prior)
    # Keyed figures present in either month are listed in both (0 where absent); a rate
    # stays as computed (None when it has no denominator).
    for code in set(prior) - set(this):
        this[code] = 0
    for code in set(this) - set(prior):
        prior[code] = 0
    statement = Statement(month=month, previous_month=before, computed_at=now)
    for code in _order(set(this), this):
        d = defs.definition_for(code)
        label_ar, label_en = (
            (d.label_ar, d.label_en) if code in defs.DEFINITIONS else labels.get(code, (code, code))
        )
        statement.figures.append(
            Figure(
                code=code,
                group=d.group,
                label_ar=label_ar,
                label_en=label_en,
                definition_ar=d.definition_ar,
                definition_en=d.definition_en,
                unit=d.unit,
                change_unit=d.change,
                value=this[code],
                previous=prior[code],
                change=change_of(d.change, this[code], prior[code]),
                ytd=ytd.get(code) if d.ytd else None,
                confidential=d.confidential,
            )
        )
    return statement
