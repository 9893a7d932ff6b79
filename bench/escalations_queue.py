"""The "Under Your Command" queue and case page with 10,000 open and 200,000 closed cases,
from a separate process: targets p95 < 150 ms (queue, first page) and < 200 ms (case page).

    make bench BENCH=escalations_queue
    .venv/bin/python -m bench.escalations_queue

On the bench database (demo data seeded: the senior manager, citizens, 50 demo cases),
tops the table up to BENCH_OPEN open and BENCH_CLOSED closed cases, each on its own ticket,
with set-based inserts (``generate_series``) — the services would take hours for 210,000
cases and the figures are about reading them. Then, signed in as the senior manager, it
measures the queue's first page (no filter, overdue only, mine only, one source), an htmx
"show more" page and the case page of a demo case with a full timeline (every request
writes its row in the access log, as in production).
"""

from __future__ import annotations

from bench import loaddriver as ld

BENCH_OPEN = 10_000
BENCH_CLOSED = 200_000
PREFIX = "BENCH-UYC-"


def _fill() -> None:
    from django.db import connection

    from apps.accounts.models import User
    from apps.citizens.models import Citizen
    from apps.tickets.models import Ticket

    have = Ticket.objects.filter(external_reference__startswith=PREFIX).count()
    total = BENCH_OPEN + BENCH_CLOSED
    if have >= total:
        return
    senior = User.objects.get(username="senior")
    citizens = list(Citizen.objects.order_by("pk").values_list("pk", flat=True)[:1000])
    with connection.cursor() as cursor:
        # One ticket per case: open cases are escalated tickets received in the last
        # 60 days; closed ones were answered, over the two years before.
        cursor.execute(
            """
            INSERT INTO tickets_ticket (
                review_number, kind, channel, subject, description, citizen_id, is_anonymous,
                contact_phone, language, priority, urgency, status, received_at, responded_at,
                closed_at, external_reference, rating_comment, created_at, updated_at
            )
            SELECT
                'B' || lpad(g::text, 9, '0'),
                (ARRAY['complaint', 'inquiry', 'suggestion'])[1 + g %% 3],
                CASE WHEN g %% 2 = 0 THEN 'uyc' ELSE 'phone' END,
                'رسالة إلى الإدارة العليا رقم ' || g,
                'نص رسالة المواطن للقياس رقم ' || g,
                (%(citizens)s::bigint[])[1 + g %% %(n)s],
                false,
                '+9733' || lpad((g %% 10000000)::text, 7, '0'),
                'ar',
                'normal',
                '',
                CASE WHEN g <= %(open)s THEN 'escalated' ELSE 'closed' END,
                CASE WHEN g <= %(open)s THEN now() - (g %% 60) * interval '1 day' - (g %% 600) * interval '1 minute'
                     ELSE now() - interval '60 days' - (g %% 700) * interval '1 day' END,
                CASE WHEN g <= %(open)s THEN NULL ELSE now() - interval '40 days' - (g %% 700) * interval '1 day' END,
                CASE WHEN g <= %(open)s THEN NULL ELSE now() - interval '35 days' - (g %% 700) * interval '1 day' END,
                %(prefix)s || g,
                '',
                now(),
                now()
            FROM generate_series(%(start)s, %(total)s) AS g
            """,
            {
                "citizens": citizens,
                "n": len(citizens),
                "open": BENCH_OPEN,
                "total": total,
                "start": have + 1,
                "prefix": PREFIX,
            },
        )
        cursor.execute(
            """
            INSERT INTO escalations_escalation (
                ticket_id, citizen_id, source, reason, summary, priority, owner_id, status,
                received_at, due_at, extra_allowance, decision_public, decision_internal,
                decided_at, informed_at, closed_at, committee_reference, created_at, updated_at
            )
            SELECT
                t.id,
                t.citizen_id,
                CASE WHEN t.channel = 'uyc' THEN 'citizen' WHEN n %% 10 = 1 THEN 'sla_breach' ELSE 'staff' END,
                CASE WHEN t.channel = 'uyc' THEN '' ELSE 'يحتاج إلى قرار من الإدارة العليا' END,
                'ملخص للإدارة العليا',
                (ARRAY['low', 'normal', 'high', 'urgent'])[1 + n %% 4],
                CASE WHEN n %% 3 = 0 THEN %(senior)s ELSE NULL END,
                CASE WHEN t.status = 'closed' THEN 'closed'
                     ELSE (ARRAY['received', 'under_study', 'referred_to_committee', 'decided'])[1 + n %% 4] END,
                t.received_at,
                t.received_at + interval '30 days',
                interval '0',
                CASE WHEN t.status = 'closed' OR n %% 4 = 3 THEN 'قرار الإدارة العليا للمواطن' ELSE '' END,
                '',
                CASE WHEN t.status = 'closed' OR n %% 4 = 3 THEN t.received_at + interval '18 days' END,
                CASE WHEN t.status = 'closed' THEN t.received_at + interval '20 days' END,
                CASE WHEN t.status = 'closed' THEN t.received_at + interval '25 days' END,
                '',
                now(),
                now()
            FROM (
                SELECT id, citizen_id, channel, status, received_at,
                       substring(external_reference from %(cut)s)::int AS n
                FROM tickets_ticket
                WHERE external_reference LIKE %(like)s
                  AND NOT EXISTS (SELECT 1 FROM escalations_escalation e WHERE e.ticket_id = tickets_ticket.id)
            ) AS t
            """,
            {"senior": senior.pk, "cut": len(PREFIX) + 1, "like": PREFIX + "%"},
        )
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("ANALYZE escalations_escalation")


def _rich_case() -> int:
    """A demo case with a full timeline (notes, a question, an extension, a decision)."""
    from django.db.models import Count

    from apps.escalations.models import Escalation

    case = (
        Escalation.objects.filter(ticket__external_reference__startswith="UYC-DEMO-")
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .first()
    )
    return case.pk


def _deep_cursor() -> str:
    from apps.accounts.models import User
    from apps.escalations import selectors

    senior = User.objects.get(username="senior")
    page = selectors.queue(viewer=senior, filters=selectors.QueueFilters(), page_size=25)
    for _ in range(20):
        page = selectors.queue(
            viewer=senior, filters=selectors.QueueFilters(), cursor=page.next_cursor, page_size=25
        )
    return page.next_cursor


def main() -> None:
    ld.prepare()
    _fill()
    case = _rich_case()
    deep = _deep_cursor()
    measurement = ld.measure(
        [
            ld.Endpoint("queue_first", "/uyc/", as_user="senior"),
            ld.Endpoint("queue_overdue", "/uyc/?overdue=on", as_user="senior"),
            ld.Endpoint("queue_mine", "/uyc/?owner=me", as_user="senior"),
            ld.Endpoint("queue_source", "/uyc/?source=sla_breach", as_user="senior"),
            ld.Endpoint(
                "queue_more_htmx", f"/uyc/?cursor={deep}", as_user="senior", headers={"HX-Request": "true"}
            ),
            ld.Endpoint("case_page", f"/uyc/{case}/", as_user="senior"),
        ],
        rounds=3,
        requests=200,
        concurrency=4,
    )
    ld.report(
        "escalations_queue",
        measurement,
        extra={
            "open_cases": BENCH_OPEN,
            "closed_cases": BENCH_CLOSED,
            "target_p95_ms": {"queue_first": 150, "case_page": 200},
        },
    )


if __name__ == "__main__":
    main()
