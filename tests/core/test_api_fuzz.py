"""The API fuzzed against its own OpenAPI schema (Schemathesis): no 5xx, no answer that
contradicts the schema.

The schema is read from ``/api/v1/schema/`` through the Django WSGI application, as a staff
client would; every operation then gets ``EXAMPLES`` generated requests that fit the schema
and ``EXAMPLES`` that do not, as an administrator (token) and, for the public endpoints,
anonymously. Each answer must not be a server error, and an answer with a documented status
must match its documented body. Failures are collected over all operations and reported
together; the counts are printed (run with ``-s`` to see them).
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from tests.tickets.factories import CitizenFactory, TicketFactory

EXAMPLES = 5
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def same_connection():
    """Requests through the WSGI handler stay inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(operation, headers, mode, tally: Counter, failures: list) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        tally["examples"] += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # every failure is reported at the end
            tally["failures"] += 1
            failures.append(f"{operation.label} [{mode}]: {str(error)[:1500]}")

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without input): positive only
        tally["unsatisfiable"] += 1


def test_the_api_answers_every_generated_request_without_5xx_and_as_documented(same_connection, db):
    admin = account_services.user_create(
        username="fuzz-admin", password="x" * 14, roles=[Role.ADMINISTRATOR], actor=None, is_superuser=True
    )
    agent = account_services.user_create(
        username="fuzz-agent", password="x" * 14, roles=[Role.AGENT], actor=None
    )
    TicketFactory(citizen=CitizenFactory(cpr="880412345", phones=["3600 1234"]), actor=agent)
    token = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app, headers=token)

    tally, failures = Counter(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        tally["operations"] += 1
        public = "/public/" in operation.path
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            _fuzz(operation, token, mode, tally, failures)
            if public:
                _fuzz(operation, {}, mode, tally, failures)
    print(
        f"\nAPI fuzz: {tally['operations']} operations, {tally['examples']} examples, "
        f"{tally['failures']} failures"
    )
    assert tally["operations"] > 40
    assert not failures, "\n\n".join(failures[:40])
