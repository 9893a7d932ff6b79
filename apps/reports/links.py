"""The records behind each figure: a link to the filtered list the product already has.

A link is offered only to someone who may open that list; the records behind "Under Your
Command" figures only to those the confidentiality policy lets read the cases
(``apps.core.confidentiality.can_read``) — everyone else sees the count alone.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.urls import reverse

from apps.core import confidentiality

CONTACTS = "accounts.view_supervisor_dashboard"
TICKETS = "tickets.view_all_tickets"
COMMITTEE = "accounts.view_committee"
APPOINTMENTS = "appointments.view_appointment_figures"


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def _contacts(first: date, last: date, **params) -> tuple[str, str]:
    return CONTACTS, _url("contacts:contact_list", start=first.isoformat(), end=last.isoformat(), **params)


def _tickets(first: date, last: date, **params) -> tuple[str, str]:
    return TICKETS, _url(
        "tickets:list", received_from=first.isoformat(), received_to=last.isoformat(), **params
    )


def _target(code: str, first: date, last: date, offerings: dict) -> tuple[str | None, str] | None:
    parts = code.split(".")
    ib = {"channel": "inbound_call"}
    simple = {
        "contacts.total": _contacts(first, last),
        "calls.inbound": _contacts(first, last, **ib),
        "calls.inbound_answered": _contacts(first, last, answered="yes", **ib),
        "calls.inbound_abandoned": _contacts(first, last, answered="no", **ib),
        "calls.outbound": _contacts(first, last, channel="outbound_call"),
        "calls.complaints": _contacts(first, last, answered="yes", purpose="complaint", **ib),
        "calls.settled": _contacts(first, last, answered="yes", **ib),
        "calls.success_rate": _contacts(first, last, answered="yes", **ib),
        "calls.referred": _contacts(first, last, outcome="referred", **ib),
        "calls.followup_rate": _contacts(first, last, outcome="referred", **ib),
        "calls.remainder": _contacts(first, last, outcome="none", **ib),
        "calls.remainder_rate": _contacts(first, last, outcome="none", **ib),
        "uyc.received": ("uyc", reverse("escalations:queue")),
        "uyc.decided": ("uyc", reverse("escalations:queue")),
        "uyc.over_30_days": ("uyc", reverse("escalations:queue") + "?overdue=on"),
        "committee.referred": (COMMITTEE, reverse("committee:pool")),
        "committee.pending": (COMMITTEE, reverse("committee:pool")),
        "committee.meetings": (COMMITTEE, reverse("committee:meetings")),
        "committee.approved": (COMMITTEE, reverse("committee:meetings")),
        "committee.rejected": (COMMITTEE, reverse("committee:meetings")),
        "committee.deferred": (COMMITTEE, reverse("committee:meetings")),
        "tawasul.received": _tickets(first, last, channel="tawasul"),
        "tawasul.ytd": _tickets(first.replace(month=1), last, channel="tawasul"),
        "tawasul.complaints_answered_pct": _tickets(first, last, channel="tawasul", kind="complaint"),
        "tickets.responded_in_sla_pct": _tickets(first, last),
        "appointments.attended": (
            APPOINTMENTS,
            _url(
                "appointments:list", status="attended", **{"from": first.isoformat(), "to": last.isoformat()}
            ),
        ),
        "appointments.no_show": (
            APPOINTMENTS,
            _url(
                "appointments:list", status="no_show", **{"from": first.isoformat(), "to": last.isoformat()}
            ),
        ),
        "appointments.cancelled": (
            APPOINTMENTS,
            _url(
                "appointments:list", status="cancelled", **{"from": first.isoformat(), "to": last.isoformat()}
            ),
        ),
    }
    if code in simple:
        return simple[code]
    if parts[:2] == ["calls", "topic"]:
        purpose = parts[2]
        return _contacts(first, last, answered="yes", purpose=purpose if purpose != "none" else "none", **ib)
    if parts[:2] == ["calls", "outbound"]:
        return _contacts(first, last, channel="outbound_call")
    if parts[:2] == ["calls", "purpose_share"]:
        purpose = {
            "new_service": "new_application",
            "request_delay": "request_delay",
            "complaint": "complaint",
        }
        return _contacts(first, last, answered="yes", purpose=purpose.get(parts[2], ""), **ib)
    if parts[:2] == ["tawasul", "received"]:
        return _tickets(first, last, channel="tawasul", kind=parts[2])
    if parts[:2] == ["tickets", "received"]:
        return _tickets(first, last, kind=parts[2], channel=parts[3] if len(parts) > 3 else "")
    if parts[:2] == ["appointments", "booked"] and (parts[2], parts[3]) in offerings:
        branch_id, service_id = offerings[(parts[2], parts[3])]
        return APPOINTMENTS, _url(
            "appointments:list",
            branch=branch_id,
            service=service_id,
            status="booked_ahead",
            by="booked",
            **{"from": first.isoformat(), "to": last.isoformat()},
        )
    return None


def links_for(statement, viewer) -> dict[str, str]:
    """``{code: url}`` for the figures whose records ``viewer`` may open."""
    from apps.appointments import selectors as appointment_selectors

    first = statement.month
    last = date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)
    offerings = {
        (o.branch.code, o.service.code): (o.branch_id, o.service_id)
        for o in appointment_selectors.offerings()
    }
    may_read_cases = confidentiality.can_read(viewer)
    result = {}
    for figure in statement.figures:
        target = _target(figure.code, first, last, offerings)
        if target is None:
            continue
        permission, url = target
        if permission == "uyc" or figure.confidential:
            if not may_read_cases:
                continue
        elif not viewer.has_perm(permission):
            continue
        result[figure.code] = url
    return result
