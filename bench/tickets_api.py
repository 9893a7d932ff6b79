"""Tickets under load, on the 1,000,000-ticket database of ``bench.tickets_load``.

    .venv/bin/python -m bench.tickets_api

From this process (the load driver) against gunicorn in another: create a ticket through
the API (target p95 < 50 ms), track one by review number (p95 < 20 ms), the first page of a
filtered staff list (p95 < 150 ms) and free-text search (p95 < 300 ms), as the staff page a
supervisor uses and as the API. The SQL query count of one request of each is reported
beside it. Loads the data first when the bench database does not hold it yet.
"""

from __future__ import annotations

from urllib.parse import urlencode

from bench import loaddriver as ld
from bench import tickets_load

# Free-text searches: a common word, two words that must both match, a rare number, an
# English phrase, and a spelling variant that only matches once folded (اسكاني → إسكاني).
SEARCHES = {
    "search_common": "تسرب",
    "search_two_words": "تسرب المطبخ",
    "search_rare": "مجمع 517 رقم الطلب 4242",
    "search_english": "water heater",
    "search_folded": "طلب اسكاني",
}


def _fixtures() -> dict:
    """Rows the endpoints need: a generated ticket to track and its citizen, a department."""
    from apps.accounts.models import Department
    from apps.tickets.models import Ticket

    ticket = (
        Ticket.objects.filter(external_reference__startswith=tickets_load.EXTERNAL_PREFIX)
        .only("review_number", "contact_phone", "citizen_id")
        .order_by("-id")[1000]
    )
    department = Department.objects.get(code="housing-services")
    return {"ticket": ticket, "department": department}


def main() -> None:
    ld.prepare()
    tickets_load.ensure_loaded()
    fixtures = _fixtures()
    ticket, department = fixtures["ticket"], fixtures["department"]
    create = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "تأخر الرد على الطلب",
        "description": "المواطن يسأل عن سبب تأخر الرد على طلبه الإسكاني.",
        "citizen": ticket.citizen_id,
    }
    track = {"review_number": ticket.review_number, "phone_last4": ticket.contact_phone[-4:]}
    filtered = {"status": "in_progress", "kind": "complaint", "department": department.pk}
    endpoints = [
        # Calibration: the cheapest request there is, measured on the same machine at the same time.
        ld.Endpoint("healthz", "/healthz"),
        ld.Endpoint(
            "api_create",
            "/api/v1/tickets/",
            method="POST",
            token_for="agent",
            json=create,
            expected_status=201,
        ),
        ld.Endpoint("track", "/api/v1/public/track/", method="POST", json=track),
        ld.Endpoint("list_filtered", "/tickets/?" + urlencode(filtered), as_user="supervisor"),
        ld.Endpoint(
            "list_open_mine",
            "/tickets/?" + urlencode({"status": "open", "assignee": "me"}),
            as_user="officer",
        ),
        ld.Endpoint(
            "list_dates",
            "/tickets/?"
            + urlencode({"received_from": "2024-03-01", "received_to": "2024-03-31", "channel": "web"}),
            as_user="supervisor",
        ),
        ld.Endpoint("api_list_filtered", "/api/v1/tickets/?" + urlencode(filtered), token_for="supervisor"),
    ]
    for name, query in SEARCHES.items():
        endpoints.append(ld.Endpoint(name, "/tickets/?" + urlencode({"q": query}), as_user="supervisor"))
    endpoints.append(
        ld.Endpoint(
            "api_search",
            "/api/v1/tickets/?" + urlencode({"q": SEARCHES["search_two_words"]}),
            token_for="supervisor",
        )
    )
    measurement = ld.measure(endpoints, rounds=3, requests=200, concurrency=4, warmup=10)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        tickets = cursor.fetchone()[0]
    ld.report("tickets_api", measurement, extra={"rows": {"tickets": tickets}, "searches": SEARCHES})


if __name__ == "__main__":
    main()
