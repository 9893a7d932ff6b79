"""Helpers of the query-budget tests (issue 20): count a request's statements exactly."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def exactly(budget, call):
    """``call`` sends exactly ``budget`` statements, once the process's caches are warm."""
    call()  # the process's first request fills its caches
    with CaptureQueriesContext(connection) as queries:
        response = call()
    statements = "\n".join(q["sql"][:160] for q in queries.captured_queries)
    assert len(queries) == budget, f"{len(queries)} statements, budget {budget}:\n{statements}"
    return response


def committed(write, *, since: int | None = None):
    """Run ``write`` as if its transaction had committed: its on-commit callbacks run and are
    gone. Configuration written and not yet committed is read from the database, not from
    the process's copy (apps.core.config_cache); a budget counts the committed case.
    ``since=0`` takes the callbacks registered before ``write`` too (``settle``)."""
    start = len(connection.run_on_commit) if since is None else since
    result = write()
    callbacks = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for _savepoints, callback, _robust in callbacks:
        callback()
    return result


def settle() -> None:
    """Everything written so far (fixtures included) as if committed: the on-commit callbacks
    registered until now run and are gone, so the process's copies keep what they read."""
    committed(lambda: None, since=0)
