"""The health check of ``apps.core.postgresql``: a live idle connection passes without a
statement; one whose server side is gone fails, and Django then opens a new one."""

import time

import pytest
from django.db import connection, connections


@pytest.fixture
def other():
    """A second connection to the test database, as a request thread of a server holds one."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _backend_pid(wrapper) -> int:
    return wrapper.connection.info.backend_pid


def _last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_live_idle_connection_is_usable_without_a_round_trip(other):
    assert other.vendor == "postgresql"
    with other.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    assert other.is_usable()
    # The server saw nothing after the last statement: no SELECT 1.
    assert _last_statement(_backend_pid(other)) == "SELECT 'the last statement'"


@pytest.mark.django_db
def test_a_connection_whose_backend_was_terminated_is_not_usable_and_is_replaced(other):
    pid = _backend_pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while other.is_usable() and time.monotonic() < deadline:  # the goodbye is on its way
        time.sleep(0.01)
    assert not other.is_usable()
    # What Django does before a request's first query with CONN_HEALTH_CHECKS on.
    other.health_check_enabled, other.health_check_done = True, False
    other.close_if_health_check_failed()
    assert other.connection is None
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@pytest.mark.django_db
def test_after_an_error_the_server_is_asked(other):
    """A connection a query failed on is checked with a real statement (Django's own check)."""
    other.errors_occurred = True
    assert other.is_usable()
    assert _last_statement(_backend_pid(other)) == "SELECT 1"
