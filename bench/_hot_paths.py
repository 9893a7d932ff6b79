"""The four hot paths of issue 20 on the demo data, for a before/after comparison of one
change (not part of ``make bench``: its name starts with ``_``; the side-by-side figures
against the peer are ``bench/peer.py``'s)::

    HC_BENCH_CONCURRENCY=1 .venv/bin/python -m housing_contact.devenv exec -- \
        .venv/bin/python -m bench._hot_paths

Create through the API (token), public tracking through the API, the staff list's first
page (supervisor's session), and the console look-up by CPR with the first timeline page
(agent's session, as the search box asks for it).
"""

from __future__ import annotations

import datetime as dt
import os

from bench import loaddriver as ld

CPR = "880412345"
MOBILE = "36001234"


# Each sample goes to the first category its stack matches (root to leaf), in this order.
# SQL is judged on the innermost frame (a round trip is SQL whoever asked for it); the others
# on any frame of the stack.
CATEGORIES = (
    ("SQL: driver and round trips", lambda fn, path: "/psycopg/" in path or "/django/db/backends/" in path),
    ("ORM: building queries, rows", lambda fn, path: "/django/db/models/" in path),
    ("message rendering", lambda fn, path: path.endswith("notifications/rendering.py")),
    ("deadline computation", lambda fn, path: "/apps/sla/" in path),
    ("templates", lambda fn, path: "/django/template/" in path),
    ("serializers", lambda fn, path: "/rest_framework/" in path and ("serializ" in path or "fields" in path)),
    ("Redis (caches, counters)", lambda fn, path: "/redis/" in path),
    ("Celery hand-over", lambda fn, path: "/kombu/" in path or "/celery/" in path),
)


def profile_category(stack: list[str]) -> str:
    """The category of one pyinstrument sample (its stack, root to leaf), for the breakdowns
    of ``bench/_profile.py`` and ``tests/profile_hot_paths.py``."""
    frames = [(f.split("\x00")[0], f.split("\x00")[1] if "\x00" in f else "") for f in stack]
    leaf_fn, leaf_path = frames[-1]
    for name, test in CATEGORIES:
        if name.startswith("SQL"):
            if test(leaf_fn, leaf_path):
                return name
        elif any(test(fn, path) for fn, path in frames):
            return name
    if not any(fn == "_get_response" for fn, _path in frames):
        return "middleware, request handling (outside the view)"
    return "view code and the rest"


def add_call_history(citizen, agent, *, prefix: str, count: int = 30) -> None:
    """``count`` answered inbound calls of the citizen in the last minutes (the console's
    timeline has a page of them); also the profile's data (tests/profile_hot_paths.py)."""
    from django.utils import timezone

    from apps.contacts.models import Channel, Contact, Outcome, Purpose

    now, purpose = timezone.now(), Purpose.objects.first()
    Contact.objects.bulk_create(
        Contact(
            citizen=citizen,
            channel=Channel.INBOUND_CALL,
            call_id=f"{prefix}-{i}",
            offered_at=now - dt.timedelta(minutes=10 + i),
            answered_at=now - dt.timedelta(minutes=9 + i),
            ended_at=now - dt.timedelta(minutes=5 + i),
            purpose=purpose,
            outcome=Outcome.RESOLVED,
            agent=agent,
            recorded_via=Contact.RecordedVia.API,
        )
        for i in range(count)
    )


def _fixtures() -> dict:
    from django.contrib.auth import get_user_model

    from apps.citizens import selectors as citizen_selectors
    from apps.citizens import services as citizen_services
    from apps.contacts.models import Contact
    from apps.tickets import services as ticket_services
    from apps.tickets.models import Ticket

    agent = get_user_model().objects.get(username="agent")
    citizen = citizen_selectors.citizen_by_cpr(cpr=CPR) or citizen_services.citizen_create(
        cpr=CPR, name_ar="أحمد علي", name_en="Ahmed Ali", phones=[MOBILE], actor=agent
    )
    if not Contact.objects.filter(citizen=citizen).exists():
        add_call_history(citizen, agent, prefix="HOT")
    ticket = Ticket.objects.filter(citizen=citizen).first() or ticket_services.ticket_create(
        kind="complaint",
        channel="phone",
        subject="تأخر",
        description="تأخر الرد",
        actor=agent,
        citizen=citizen,
    )
    return {"citizen": citizen, "ticket": ticket}


def main() -> None:
    ld.prepare()
    fixtures = _fixtures()
    citizen, ticket = fixtures["citizen"], fixtures["ticket"]
    endpoints = [
        ld.Endpoint(
            "api_create",
            "/api/v1/tickets/",
            method="POST",
            token_for="agent",
            json={
                "kind": "complaint",
                "channel": "phone",
                "subject": "تأخر",
                "description": "تأخر الرد",
                "citizen": citizen.pk,
            },
            expected_status=201,
        ),
        ld.Endpoint(
            "track",
            "/api/v1/public/track/",
            method="POST",
            json={"review_number": ticket.review_number, "phone_last4": MOBILE[-4:]},
        ),
        ld.Endpoint("staff_list", "/tickets/", as_user="agent"),
        ld.Endpoint(
            "console_lookup",
            f"/console/?q={CPR}",
            as_user="agent",
            headers={"HX-Request": "true", "HX-Target": "caller-card"},
        ),
    ]
    measurement = ld.measure(
        endpoints,
        rounds=int(os.environ.get("HC_BENCH_ROUNDS", 3)),
        requests=200,
        concurrency=int(os.environ.get("HC_BENCH_CONCURRENCY", 1)),
    )
    ld.report("hot_paths", measurement)


if __name__ == "__main__":
    main()
