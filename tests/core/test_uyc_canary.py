"""The "Under Your Command" canary (issue 12): unique markers are planted in every text field
of confidential records — the citizen's subject and message, the case's reason, summary,
notes, extension reason and both decision texts, internal notes on the ticket, the rating
comment and the citizen's reopen reason, an attachment's name, a UYC contact's notes, and
the bodies of the messages sent about them — then every URL pattern of the resolver and
every path of the OpenAPI schema is requested (GET) as each role that may not read them,
path parameters filled from the planted data. Any marker in any response (body or headers)
fails the test.

Nothing here lists URLs: a new page or endpoint is crawled the day it is added. What the
crawl does not do, by design, to stay bounded: other methods than GET, and query strings
other than one "documented list" pass (the citizen reference, citizen and phone filters)
on the URLs without path parameters.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from apps.contacts import services as contact_services
from apps.contacts.models import Contact, FollowUp, Purpose
from apps.escalations import services as escalation_services
from apps.escalations.models import InformationRequest
from apps.notifications.models import Notification
from apps.sla.seed import seed_policies
from apps.tickets import services as ticket_services
from apps.tickets.models import TicketAttachment
from tests.escalations.factories import citizen_case, staff_case
from tests.tickets.factories import CitizenFactory, TicketFactory, upload

ROLES = ("agent", "supervisor", "officer", "secretary", "member", "outsider", None)
FIELDS = (
    "subject",
    "message",
    "attachment",
    "ticket_note",
    "summary",
    "case_note",
    "extension",
    "decision",
    "internal",
    "rating",
    "reopen",
    "staff_reason",
    "staff_summary",
    "contact_notes",
    "referred_notes",
)
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_SCHEMA_PARAM = re.compile(r"\{(?P<name>[^}]+)\}")


def _markers() -> dict[str, str]:
    # Short, ASCII and at the start of each text, so a truncated or escaped rendering still
    # shows the whole marker.
    return {field: f"QZ{uuid.uuid4().hex[:10]}" for field in FIELDS}


@pytest.fixture
def planted(
    db, settings, tmp_path, django_capture_on_commit_callbacks, senior, admin_user, agent, supervisor, officer
):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    settings.HOUSING_SMS_FILE_DIR = str(tmp_path / "sms")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    seed_policies()
    m = _markers()
    citizen = CitizenFactory(email="canary@example.bh")
    department = officer.department
    with django_capture_on_commit_callbacks(execute=True):
        case = citizen_case(citizen=citizen, subject=f"{m['subject']} شكوى", message=f"{m['message']} نص")
        ticket = case.ticket
        ticket_services.ticket_attach(
            ticket=ticket, upload=upload(f"{m['attachment']}.pdf"), actor=admin_user
        )
        ticket_services.ticket_note(ticket=ticket, body=f"{m['ticket_note']} ملاحظة", actor=admin_user)
        ticket_services.ticket_assign(ticket=ticket, actor=supervisor, assignee=agent)
        escalation_services.escalation_update_summary(
            escalation=case, summary=f"{m['summary']} ملخص", priority="high", actor=senior
        )
        escalation_services.escalation_note(escalation=case, body=f"{m['case_note']} ملاحظة", actor=senior)
        escalation_services.escalation_extend(
            escalation=case,
            new_due=case.due_at + timedelta(days=5),
            reason=f"{m['extension']} سبب",
            actor=senior,
        )
        case.refresh_from_db()
        escalation_services.escalation_decide(
            escalation=case,
            public_text=f"{m['decision']} قرار",
            internal_text=f"{m['internal']} داخلي",
            actor=senior,
        )
        escalation_services.escalation_inform(escalation=case, actor=senior)
        ticket.refresh_from_db()
        ticket_services.ticket_rate(ticket=ticket, rating=1, comment=f"{m['rating']} تعليق")
        ticket_services.ticket_reopen_by_citizen(ticket=ticket, reason=f"{m['reopen']} سبب")
        staffed = staff_case(
            actor=agent,
            ticket=TicketFactory(actor=agent, citizen=citizen),
            reason=f"{m['staff_reason']} سبب",
            summary=f"{m['staff_summary']} ملخص",
        )
        purpose = Purpose.objects.filter(is_active=True).first()
        now = timezone.now()
        contact_services.contact_log(
            actor=agent,
            channel="uyc",
            purpose=purpose,
            outcome="resolved_first_contact",
            citizen=citizen,
            notes=f"{m['contact_notes']} ملاحظات",
            answered_at=now,
            ended_at=now,
        )
        if department is not None:
            contact_services.contact_log(
                actor=agent,
                channel="uyc",
                purpose=purpose,
                outcome="referred",
                department=department,
                citizen=citizen,
                notes=f"{m['referred_notes']} إحالة",
                answered_at=now,
                ended_at=now,
            )
    assert any(m["decision"] in row.body for row in Notification.objects.filter(event="escalation.decided"))
    return {"markers": m, "citizen": citizen, "ticket": ticket, "case": case, "staffed": staffed}


# --- the crawl ------------------------------------------------------------------------


def _routes(resolver=None, prefix=""):
    """Every URL pattern as a route string ("tickets/<int:pk>/"); regex patterns with
    groups (the admin's app index) are yielded as None and counted as skipped."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        text = getattr(pattern, "_route", None)
        if text is None:
            regex = pattern.regex.pattern
            if "(?P<" in regex or "(" in regex.replace("(?P", ""):
                yield None
                continue
            text = regex.lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + text)
        elif isinstance(entry, URLPattern):
            yield prefix + text


def _ids(planted) -> dict[str, list]:
    """The ids the crawl fills path parameters with: the planted records, by kind."""
    citizen, ticket, case, staffed = (planted[k] for k in ("citizen", "ticket", "case", "staffed"))
    tickets = [ticket.pk, staffed.ticket_id]
    cases = [case.pk, staffed.pk]
    about = Notification.objects.filter(
        Q(recipient_ref=f"citizens.citizen:{citizen.pk}") | Q(event="ticket.assigned")
    ).exclude(event="ticket.received")
    groups = {
        "ticket": tickets,
        "escalation": cases + list(InformationRequest.objects.values_list("pk", flat=True)),
        "citizen": [citizen.pk],
        "phone": list(citizen.phones.values_list("pk", flat=True)),
        "attachment": list(
            TicketAttachment.objects.filter(ticket_id__in=tickets).values_list("pk", flat=True)
        ),
        "notification": list(about.values_list("pk", flat=True)),
        "contact": list(Contact.objects.filter(citizen=citizen).values_list("pk", flat=True)),
        "follow_up": list(FollowUp.objects.filter(citizen=citizen).values_list("pk", flat=True)),
        "number": [ticket.review_number, staffed.ticket.review_number],
    }
    groups["any"] = sorted(set(tickets + cases + [citizen.pk]))
    return groups


def _candidates(route: str, name: str, converter: str, ids: dict) -> list:
    if converter not in ("int", "") or name in ("number", "review_number"):
        if "number" in name:
            return ids["number"]
        return ["x"] if converter != "int" else ids["any"]
    for key, group in (
        ("phone", "phone"),
        ("follow_up", "follow_up"),
        ("citizen", "citizen"),
        ("ticket", "ticket"),
        ("attachment", "attachment"),
        ("notification", "notification"),
    ):
        if key in name:
            return ids[group]
    for hint, group in (
        ("attachment", "attachment"),
        ("notifications/", "notification"),
        ("follow-ups/", "follow_up"),
        ("tickets/", "ticket"),
        ("citizens/", "citizen"),
        ("uyc/", "escalation"),
        ("contacts/", "contact"),
    ):
        if hint in route:
            return ids[group]
    return ids["any"]


def _fill(route: str, ids: dict, *, param=_PARAM) -> list[str]:
    """Every concrete path of a route, parameters filled from the planted data."""
    paths = [route]
    for match in param.finditer(route):
        converter = match.groupdict().get("converter") or ""
        values = _candidates(route, match.group("name"), converter, ids)
        paths = [p.replace(match.group(0), str(v), 1) for p in paths for v in values]
    return ["/" + p.lstrip("/") for p in paths]


def _schema_paths(admin_client) -> list[str]:
    response = admin_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, "the OpenAPI schema must be readable by an administrator"
    schema = response.json()
    return [path for path, operations in schema["paths"].items() if "get" in operations]


def _text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace") + "\n" + str(dict(response.headers))


def test_no_marker_reaches_any_role_without_the_right_on_any_url(planted, request, admin_user, capsys):
    markers = planted["markers"]
    ids = _ids(planted)
    routes = list(_routes())
    skipped = sum(1 for r in routes if r is None)
    urls: set[str] = set()
    for route in filter(None, routes):
        urls.update(_fill(route, ids))
    admin = Client()
    admin.force_login(admin_user)
    schema_paths = _schema_paths(admin)
    schema_urls: set[str] = set()
    for path in schema_paths:
        route = path.lstrip("/")
        schema_urls.update(_fill(route, ids, param=_SCHEMA_PARAM))
    urls |= schema_urls
    list_query = {
        "ref": f"citizens.citizen:{planted['citizen'].pk}",
        "citizen": planted["citizen"].pk,
        "phone": str(planted["citizen"].phones.first().number),
    }

    # Senior management do read them: the planted data is where the crawl looks.
    senior = Client()
    senior.force_login(request.getfixturevalue("senior"))
    seen_by_senior = {
        field
        for url in ("/uyc/", f"/uyc/{planted['case'].pk}/", f"/api/v1/tickets/{planted['ticket'].pk}/")
        for field, marker in markers.items()
        if marker in _text(senior.get(url))
    }
    assert {"subject", "summary", "decision"} <= seen_by_senior

    leaks, requests, server_errors = [], 0, []
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role is not None:
            client.force_login(request.getfixturevalue(role))
        for url in sorted(urls):
            variants = [None, list_query] if "<" not in url and url.count("/") <= 5 else [None]
            for query in variants:
                response = client.get(url, query or {})
                requests += 1
                if response.status_code >= 500:
                    server_errors.append((role, url, response.status_code))
                body = _text(response)
                leaks += [
                    (role or "anonymous", url, field) for field, marker in markers.items() if marker in body
                ]
    with capsys.disabled():
        print(
            f"\nUYC canary: {len(urls)} URLs ({len(schema_paths)} OpenAPI GET paths, "
            f"{skipped} regex patterns skipped) x {len(ROLES)} roles = {requests} requests, "
            f"{len(markers)} markers, {len(leaks)} leaks, {len(server_errors)} server errors"
        )
    assert not leaks, "UYC markers leaked:\n" + "\n".join(f"{r} {u} {f}" for r, u, f in leaks[:50])
