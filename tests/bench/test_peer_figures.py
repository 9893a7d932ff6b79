"""The peer benchmark's arithmetic and wiring, without installing the peer (no timings asserted)."""

from importlib.metadata import version

from bench import _peer_figures as figures
from bench import peer
from bench import run as bench_run


def _round(throughput, p50, p95, *, requests=100, errors=0, spread=(2, 1, 1)):
    return {
        "spread": list(spread),
        "throughput_rps": throughput,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p95 + 1,
        "requests": requests,
        "errors": errors,
    }


def _side(throughput, p50, p95):
    return {"throughput_rps": throughput, "p50_ms": p50, "p95_ms": p95}


def test_the_figures_of_a_side_are_the_medians_of_its_rounds():
    summary = figures.median_figures([_round(30, 10, 40), _round(10, 30, 20), _round(20, 20, 90, errors=2)])
    assert summary["throughput_rps"] == 20
    assert summary["p50_ms"] == 20
    assert summary["p95_ms"] == 40
    assert summary["p95_ms_spread"] == [20, 90]
    assert summary["requests"] == 300
    assert summary["errors"] == 2
    assert summary["rounds"] == 3


def test_the_figures_of_a_side_keep_where_each_rounds_connections_landed():
    summary = figures.median_figures([_round(30, 10, 40, spread=[4]), _round(10, 30, 20)])
    assert summary["spreads"] == [[4], [2, 1, 1]]


def test_ratios_say_how_many_times_better_than_the_peer_we_are():
    ratios = figures.ratios(_side(96, 10, 20), _side(48, 20, 25))
    assert ratios == {"throughput": 2.0, "p50": 2.0, "p95": 1.25}
    slower = figures.ratios(_side(32, 29, 40), _side(48, 20, 25))
    assert slower["throughput"] == 0.67
    assert slower["p95"] == 0.62


def test_a_ratio_over_nothing_is_none_not_a_crash():
    assert figures.ratios(_side(10, 5, 6), _side(0, 0, 0))["throughput"] is None


def _operation(ours, peer_side):
    return {"ours": ours, "peer": peer_side, "ratios": figures.ratios(ours, peer_side)}


def test_the_create_target_needs_twice_the_throughput_and_a_lower_p95_at_every_concurrency():
    met = {
        1: _operation(_side(100, 5, 9), _side(48, 20, 25)),
        4: _operation(_side(200, 9, 20), _side(60, 60, 90)),
    }
    assert figures.check_targets("create", met) == {"met": True, "misses": []}
    missed = {
        1: _operation(_side(100, 5, 30), _side(48, 20, 25)),
        4: _operation(_side(90, 9, 20), _side(60, 60, 90)),
    }
    verdict = figures.check_targets("create", missed)
    assert not verdict["met"]
    assert len(verdict["misses"]) == 2
    assert "p95" in verdict["misses"][0] and "1 in flight" in verdict["misses"][0]
    assert "throughput" in verdict["misses"][1] and "4 in flight" in verdict["misses"][1]


def test_the_list_target_bounds_p95_at_one_in_flight_only():
    fast = {
        1: _operation(_side(100, 10, 29), _side(1, 800, 900)),
        4: _operation(_side(150, 25, 60), _side(1.2, 900, 990)),
    }
    assert figures.check_targets("list", fast)["met"]
    slow = {1: _operation(_side(100, 10, 31), _side(1, 800, 900))}
    assert figures.check_targets("list", slow)["misses"] == ["p95 31 ms > 30 ms at 1 in flight"]


def test_an_operation_without_a_target_has_no_verdict():
    assert figures.check_targets("track_page", {1: _operation(_side(1, 1, 1), _side(1, 1, 1))}) is None


def test_the_summary_line_gives_the_throughput_ratios_per_concurrency():
    operations = {
        "create": {1: {"ratios": {"throughput": 0.6667}}, 4: {"ratios": {"throughput": 2.5}}},
        "list": {1: {"ratios": {"throughput": 25.4}}, 4: {"ratios": {"throughput": None}}},
    }
    assert figures.summary_line(operations) == (
        "peer: create 0.67×/2.50× | list 25×/n/a (throughput ours÷peer at 1/4 in flight)"
    )


def test_the_peer_runs_on_our_framework_server_and_driver_versions():
    requirements = peer.peer_requirements()
    assert requirements[0] == "django-helpdesk==2.6.1"
    assert f"Django=={version('Django')}" in requirements
    assert f"gunicorn=={version('gunicorn')}" in requirements
    assert f"psycopg[binary]=={version('psycopg')}" in requirements


def test_make_bench_finds_the_peer_but_not_its_helpers_and_gives_it_longer(monkeypatch):
    names = bench_run.discover()
    assert "peer" in names
    assert not any(name.startswith("_peer") or name == "peer_site" for name in names)
    monkeypatch.delenv("BENCH_TIME_LIMIT", raising=False)
    assert bench_run.time_limit("peer") > bench_run.time_limit("shell_pages")
    monkeypatch.setenv("BENCH_TIME_LIMIT", "60")
    assert bench_run.time_limit("peer") == bench_run.TIME_LIMIT_S
