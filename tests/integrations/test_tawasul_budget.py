"""Query budgets of Tawasul's webhook (issue 17 and 20): exact statement counts of one new
message and of a message whose reference was already filed.

Counted as tests/tickets/test_query_budgets.py counts: every statement of the request
through the whole middleware stack, caches warm (the process's first request fills them).
The test transaction shows the request's outermost ``atomic`` as SAVEPOINT and RELEASE
where production sends BEGIN and COMMIT: the same number either way.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import config_cache
from apps.integrations import signing
from apps.integrations.outbound.models import Delivery
from apps.integrations.tawasul.fake import sample_message
from apps.integrations.tawasul.models import TawasulMessage
from apps.tickets.models import Ticket

from ..query_budget import committed
from .conftest import SECRET

URL = "/api/v1/integrations/tawasul/messages"

# The reference (not yet filed), the citizen by CPR; BEGIN, SAVEPOINT (ticket_create's own
# atomic), the citizen's phones, review number (with the ticket's id), the ticket with its
# clocks, its event and the citizen's acknowledgement in the outbox (one statement),
# RELEASE, Tawasul's message, its acknowledgement's delivery, COMMIT. No signature receipt, no read-back, no configuration
# read (the deadline policy is the process's cached copy).
NEW_BUDGET = 11
# The reference with its ticket: nothing is written, no transaction is opened.
DUPLICATE_BUDGET = 1


@pytest.fixture(autouse=True)
def _policies(db):
    """The default deadlines, committed as far as the caches can tell; the process's copies
    are dropped afterwards, since the test's rollback takes the rows back."""
    from apps.sla import seed

    committed(seed.seed_policies)
    yield
    config_cache.reload_everywhere()


def _post(client, message):
    raw = json.dumps(message, ensure_ascii=False).encode()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signing.sign(SECRET, raw).items()}
    return client.generic("POST", URL, raw, content_type="application/json", **extra)


def _count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, [q["sql"] for q in queries.captured_queries]


def _listing(statements):
    return "\n".join(sql[:200] for sql in statements)


@pytest.mark.django_db
def test_a_new_message_costs_its_budget(tawasul_settings, client):
    assert committed(lambda: _post(client, sample_message("TW-WARM"))).status_code == 201
    response, statements = _count(lambda: committed(lambda: _post(client, sample_message("TW-NEW"))))
    assert response.status_code == 201, response.content
    assert len(statements) == NEW_BUDGET, f"{len(statements)} statements:\n{_listing(statements)}"
    assert TawasulMessage.objects.filter(reference="TW-NEW").exists()
    assert Delivery.objects.filter(event="tawasul.acknowledgement").count() == 2


@pytest.mark.django_db
def test_a_known_reference_costs_its_budget(tawasul_settings, client):
    assert committed(lambda: _post(client, sample_message("TW-DUP"))).status_code == 201
    response, statements = _count(lambda: _post(client, sample_message("TW-DUP", subject="مرة أخرى")))
    assert response.status_code == 200 and response.json()["created"] is False
    assert len(statements) == DUPLICATE_BUDGET, f"{len(statements)} statements:\n{_listing(statements)}"
    assert Ticket.objects.count() == 1
