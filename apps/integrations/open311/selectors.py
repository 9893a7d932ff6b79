"""Open311 reads: what a client may see of a request, and nothing more.

Only tickets filed through Open311 are listed, and only their public facts: the review
number, the service, open or closed, and the dates. What the citizen wrote, who they are,
where they live and every note stay inside the product (the spec lets a jurisdiction leave
fields out; ``description``, ``address``, ``lat`` and ``long`` are left out on purpose).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from apps.core.errors import NotFound
from apps.integrations.open311 import catalogue
from apps.integrations.open311.models import Open311Request
from apps.tickets.workflow import OPEN_STATUSES

MAX_RESULTS = 1000
DEFAULT_DAYS = 90


def _row(request: Open311Request) -> dict:
    ticket = request.ticket
    service = catalogue.get(request.service_code)
    return {
        "service_request_id": ticket.review_number,
        "status": "open" if ticket.is_open else "closed",
        "service_name": str(service.name) if service else request.service_code,
        "service_code": request.service_code,
        "agency_responsible": "Ministry of Housing",
        "service_notice": "",
        "requested_datetime": ticket.received_at.isoformat(),
        "updated_datetime": ticket.updated_at.isoformat(),
        "expected_datetime": "",
    }


def _queryset():
    # Confidential ("Under Your Command") tickets are never shown, whatever their origin.
    return Open311Request.objects.select_related("ticket").filter(ticket__confidential=False)


def request_get(*, service_request_id: str) -> dict:
    request = _queryset().filter(ticket__review_number=service_request_id).first()
    if request is None:
        raise NotFound()
    return _row(request)


def request_by_token(*, token: str) -> dict:
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise NotFound() from None
    request = _queryset().filter(token=token).first()
    if request is None:
        raise NotFound()
    return {"service_request_id": request.ticket.review_number, "token": str(request.token)}


def request_list(
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    now: datetime | None = None,
) -> list[dict]:
    """GeoReport v2 ``GET requests``: by ids, or else by date range (default the last 90 days), service and status."""
    requests = _queryset()
    if ids:
        requests = requests.filter(ticket__review_number__in=ids)
    else:
        end = end or (now or timezone.now())
        start = start or end - timedelta(days=DEFAULT_DAYS)
        requests = requests.filter(ticket__received_at__gte=start, ticket__received_at__lte=end)
        if service_codes:
            requests = requests.filter(service_code__in=service_codes)
        if status == "open":
            requests = requests.filter(ticket__status__in=OPEN_STATUSES)
        elif status == "closed":
            requests = requests.exclude(ticket__status__in=OPEN_STATUSES)
    return [_row(r) for r in requests.order_by("-ticket__received_at", "-pk")[:MAX_RESULTS]]
