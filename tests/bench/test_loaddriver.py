"""The benchmark harness measures what it says: requests, statuses, errors, percentiles."""

import asyncio

from bench import loaddriver as ld
from bench import run as bench_run


def _round(live_server, endpoint, auth=(), requests=10):
    return asyncio.run(
        ld._one_round(
            live_server.url,
            endpoint,
            list(auth),
            requests=requests,
            concurrency=2,
            warmup=1,
            max_seconds=30,
        )
    )


def test_make_bench_finds_the_benchmarks_but_not_the_harness():
    names = bench_run.discover()
    assert "shell_pages" in names
    assert not {"run", "loaddriver", "__init__"} & set(names)


def test_the_bench_database_sits_beside_the_configured_one():
    socket_url = "postgresql://postgres:@/housing_contact?host=/srv/var/postgres"
    assert (
        ld._bench_database_url(socket_url)
        == "postgresql://postgres:@/housing_contact_bench?host=/srv/var/postgres"
    )
    tcp_url = "postgres://postgres@127.0.0.1:5432/ci_bench"
    assert ld._bench_database_url(tcp_url) == tcp_url


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert [ld._percentile(values, q) for q in (0.50, 0.95, 0.99)] == [50.0, 95.0, 99.0]


def test_a_round_counts_every_request_and_its_status(live_server, agent, password):
    headers = ld.session_headers(live_server.url, agent.username, password)
    figures = _round(live_server, ld.Endpoint("home", "/"), auth=[headers])
    assert figures.requests == 10
    assert figures.statuses == {"200": 10}
    assert figures.errors == 0
    assert 0 < figures.p50_ms <= figures.p95_ms <= figures.p99_ms <= figures.max_ms
    assert figures.spread == [2]  # the test server is one process: it holds both connections


def test_an_unexpected_status_counts_as_an_error(live_server, db):
    figures = _round(live_server, ld.Endpoint("home", "/"))  # not signed in: 302 to the login page
    assert figures.statuses == {"302": 10}
    assert figures.errors == 10


def test_a_session_post_carries_its_body_and_csrf_token(live_server, agent, password):
    headers = ld.session_headers(live_server.url, agent.username, password)
    endpoint = ld.Endpoint(
        "language", "/i18n/setlang/", method="POST", form={"language": "en", "next": "/"}, expected_status=302
    )
    figures = _round(live_server, endpoint, auth=[headers], requests=2)
    assert figures.errors == 0
    agent.refresh_from_db()
    assert agent.language == "en"


def test_the_query_count_is_that_of_one_request(agent):
    assert ld.count_queries(ld.Endpoint("healthz", "/healthz")) == 0
    assert ld.count_queries(ld.Endpoint("home", "/", as_user=agent.username)) >= 3
