"""Set django-helpdesk up for the benchmark, and count the SQL of one request of each kind.

Runs in the peer's virtualenv (``var/peer/venv``) with ``bench/`` on the path; ``bench/peer.py``
calls it and reads the one JSON line it prints last.

    python -m peer_site.setup prepare --tickets 100000   # migrate, users, queue, token, data
    python -m peer_site.setup count SPEC.json             # statements of one request each

``prepare`` loads the tickets and their follow-ups with SQL alone (``INSERT … SELECT`` over
``generate_series``, indexes as django-helpdesk's migrations made them), skipped when the
generated rows are already there. Every ticket gets its "Ticket Opened" follow-up and three
in five a second, public one: 1.6 follow-ups a ticket (160,000 for 100,000 tickets).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import time

import django

GENERATED_DOMAIN = "gen.example.com"  # marks generated tickets (their submitter's address)
STAFF = ["staff", "staff2", "staff3"]
QUEUE_SLUG = "housing"
TITLES = [
    "Housing application status",
    "Water leak in the flat",
    "Air conditioning broken",
    "Power cut in the housing unit",
    "Appointment for the Mazaya programme",
    "Delay in the housing request",
    "Maintenance request",
    "Suggestion to improve the service",
    "No answer to my calls",
    "Question about allocation date",
]
BODIES = [
    "I applied for a housing unit years ago and have had no answer.",
    "There is a water leak in the kitchen and the bathroom.",
    "The central air conditioning stops every afternoon.",
    "The electricity of the unit has been cut since yesterday.",
    "I would like to know the date of my allocation.",
    "Nobody has called me back since last month.",
]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
    django.setup()


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _load(tickets: int, queue_id: int, staff_ids: list[int]) -> dict:
    """Tickets spread over 2019 to now, about 40% open or reopened (the list's default
    filter), a third assigned; their follow-ups. Replaces whatever tickets were there."""
    from django.db import connection, transaction

    started = time.perf_counter()
    staff = "ARRAY[" + ", ".join(str(pk) for pk in staff_ids) + "]"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("TRUNCATE helpdesk_ticket RESTART IDENTITY CASCADE")
        cursor.execute(
            f"""
            INSERT INTO helpdesk_ticket (id, title, created, modified, submitter_email, status, on_hold,
                description, resolution, priority, due_date, last_escalation, assigned_to_id, queue_id,
                secret_key, kbitem_id, merged_to_id)
            SELECT i,
                   ({_sql_array(TITLES)})[1 + i %% {len(TITLES)}],
                   at, at + interval '2 days',
                   'citizen' || i || '@{GENERATED_DOMAIN}',
                   CASE WHEN i %% 10 < 3 THEN 1 WHEN i %% 10 = 3 THEN 2 WHEN i %% 10 < 6 THEN 3 ELSE 4 END,
                   false,
                   ({_sql_array(BODIES)})[1 + (i * 7) %% {len(BODIES)}] || ' Ref ' || i,
                   CASE WHEN i %% 10 >= 4 THEN 'Answered by the housing services.' END,
                   CASE WHEN i %% 17 = 0 THEN 2 WHEN i %% 29 = 0 THEN 1 ELSE 3 END,
                   NULL, NULL,
                   CASE WHEN i %% 3 = 0 THEN ({staff})[1 + i %% {len(staff_ids)}] END,
                   %s, gen_random_uuid()::text, NULL, NULL
            FROM (
                SELECT i, timestamptz '2019-01-01 05:00+00'
                          + (now() - timestamptz '2019-01-01 05:00+00') * (i::float8 / %s) AS at
                FROM generate_series(1, %s) AS i
            ) AS s
            """,
            [queue_id, tickets, tickets],
        )
        cursor.execute(
            f"""
            INSERT INTO helpdesk_followup (date, title, comment, public, new_status, ticket_id, user_id)
            SELECT t.created, 'Ticket Opened', t.description, true, NULL::integer, t.id, NULL::integer
            FROM helpdesk_ticket t
            UNION ALL
            SELECT t.created + interval '1 day', 'Comment', 'We are looking into your request.', true,
                   CASE WHEN t.status IN (3, 4) THEN t.status END, t.id,
                   ({staff})[1 + t.id % {len(staff_ids)}]
            FROM helpdesk_ticket t WHERE t.id % 5 < 3
            """
        )
        for table in ("helpdesk_ticket", "helpdesk_followup"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE helpdesk_ticket")
        cursor.execute("ANALYZE helpdesk_followup")
    return {"load_s": round(time.perf_counter() - started, 1)}


def prepare(tickets: int, password: str) -> dict:
    _setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sites.models import Site
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from helpdesk.models import Queue, Ticket
    from rest_framework.authtoken.models import Token

    call_command("migrate", "--noinput", verbosity=0, stdout=io.StringIO())
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1", "name": "peer"})
    User = get_user_model()
    users = []
    for username in STAFF:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com", "is_staff": True}
        )
        user.set_password(password)
        user.save()
        users.append(user)
    queue, _created = Queue.objects.get_or_create(
        slug=QUEUE_SLUG,
        defaults={
            "title": "Housing",
            "allow_public_submission": True,
            "email_address": "housing@example.com",
        },
    )
    token, _created = Token.objects.get_or_create(user=users[0])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM helpdesk_ticket WHERE submitter_email LIKE %s", [f"%@{GENERATED_DOMAIN}"]
        )
        loaded = cursor.fetchone()[0]
    timings = _load(tickets, queue.pk, [u.pk for u in users]) if loaded != tickets else None
    # The tickets earlier runs created through the API go, so every run starts from the same rows.
    Ticket.objects.exclude(submitter_email__endswith=f"@{GENERATED_DOMAIN}").delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM helpdesk_ticket")
        ticket_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM helpdesk_followup")
        followup_rows = cursor.fetchone()[0]

    # A generated ticket to view publicly, well inside the range (not the newest).
    tracked = Ticket.objects.get(pk=max(1, tickets - 1000))
    view_path = (
        f"/view/?ticket={tracked.ticket_for_url}&email={tracked.submitter_email}&key={tracked.secret_key}"
    )
    # The data request of the staff ticket list: the URL its page gives DataTables.
    client = Client()
    client.force_login(users[0])
    page = client.get("/tickets/")
    found = re.search(r'"url":\s*"(/datatables_ticket_list/[^"]+)"', page.content.decode())
    if page.status_code != 200 or not found:
        raise SystemExit(f"the ticket list page gave no data URL (HTTP {page.status_code})")
    return {
        "token": token.key,
        "queue": queue.pk,
        "staff": STAFF[0],
        "view_path": view_path,
        "list_data_path": found.group(1),
        "rows": {"tickets": ticket_rows, "followups": followup_rows},
        "load": timings or "already loaded",
        "versions": _versions(),
    }


def _versions() -> dict:
    from importlib.metadata import version

    return {name: version(name) for name in ("django-helpdesk", "Django", "djangorestframework", "gunicorn")}


def count(spec_path: str) -> dict:
    """For each request of the spec: one warm-up request, then the statements of one more,
    with Django's test client under ``CaptureQueriesContext`` (as ``loaddriver.count_queries``
    does for ours)."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    counts = {}
    for item in spec:
        client = Client(SERVER_NAME="127.0.0.1")
        if item.get("as_user"):
            client.force_login(get_user_model().objects.get(username=item["as_user"]))
        body = json.dumps(item["json"]) if item.get("json") is not None else ""

        def send(item=item, client=client, body=body):
            return client.generic(
                item["method"],
                item["path"],
                body,
                content_type="application/json" if body else "",
                headers=item.get("headers", {}),
            )

        send()
        with CaptureQueriesContext(connection) as captured:
            response = send()
        if response.status_code != item["expected_status"]:
            raise SystemExit(
                f"{item['name']}: the test client got HTTP {response.status_code}, "
                f"expected {item['expected_status']}"
            )
        counts[item["name"]] = len(captured)
    return counts


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_parser = commands.add_parser("prepare")
    prepare_parser.add_argument("--tickets", type=int, default=100_000)
    prepare_parser.add_argument("--password", default=os.environ.get("PEER_PASSWORD", "peer-pass-2026"))
    count_parser = commands.add_parser("count")
    count_parser.add_argument("spec")
    args = parser.parse_args(argv)
    result = prepare(args.tickets, args.password) if args.command == "prepare" else count(args.spec)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
