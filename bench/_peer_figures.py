"""The arithmetic of ``bench.peer``: medians over rounds, ratios against the peer, the targets
of issue 20 and the one-line summary. Pure functions (no Django, no server), tested in
tests/bench/test_peer_figures.py.

Ratios are "how many times better than the peer": throughput ours ÷ peer's, latency the
peer's ÷ ours; above 1 we are ahead, below 1 the peer is.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

# Issue 20's targets, per operation: the least throughput ratio at every concurrency, and
# for some a latency bound.
TARGETS = {
    "create": {"throughput_ratio": 2.0, "p95_below_peer": True},
    "track": {"throughput_ratio": 3.0},
    "list": {"throughput_ratio": 20.0, "p95_ms_at_1": 30.0},
}


def median_figures(rounds: Iterable[dict]) -> dict:
    """Median throughput, p50, p95 and p99 of a system's rounds of one operation, the spread
    of p95, the requests and the errors over all of them."""
    rounds = list(rounds)
    if not rounds:
        raise ValueError("no rounds to summarise")

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in rounds), 2)

    return {
        "throughput_rps": round(statistics.median(r["throughput_rps"] for r in rounds), 1),
        "p50_ms": median("p50_ms"),
        "p95_ms": median("p95_ms"),
        "p99_ms": median("p99_ms"),
        "p95_ms_spread": [min(r["p95_ms"] for r in rounds), max(r["p95_ms"] for r in rounds)],
        "requests": sum(r["requests"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "rounds": len(rounds),
        # Each round's connections per server process ([4]: one worker held all four).
        "spreads": [r.get("spread", []) for r in rounds],
    }


def _divide(numerator: float, denominator: float) -> float | None:
    if not denominator or numerator is None:
        return None
    return round(numerator / denominator, 2)


def ratios(ours: dict, peer: dict) -> dict:
    """How many times better we are: throughput ours/peer, latencies peer/ours, and the SQL
    statements of one request side by side."""
    return {
        "throughput": _divide(ours["throughput_rps"], peer["throughput_rps"]),
        "p50": _divide(peer["p50_ms"], ours["p50_ms"]),
        "p95": _divide(peer["p95_ms"], ours["p95_ms"]),
    }


def check_targets(operation: str, by_concurrency: dict[int, dict]) -> dict | None:
    """Whether one operation meets issue 20's targets, given for each concurrency
    ``{"ours": figures, "peer": figures, "ratios": ratios}``; None for one with no target."""
    target = TARGETS.get(operation)
    if target is None:
        return None
    failures = []
    for concurrency, figures in sorted(by_concurrency.items()):
        ratio = figures["ratios"]["throughput"]
        if ratio is None or ratio < target["throughput_ratio"]:
            failures.append(
                f"throughput {ratio}× < {target['throughput_ratio']:g}× at {concurrency} in flight"
            )
        if target.get("p95_below_peer") and not figures["ours"]["p95_ms"] < figures["peer"]["p95_ms"]:
            failures.append(
                f"p95 {figures['ours']['p95_ms']} ms not below the peer's "
                f"{figures['peer']['p95_ms']} ms at {concurrency} in flight"
            )
        if concurrency == 1 and "p95_ms_at_1" in target and figures["ours"]["p95_ms"] > target["p95_ms_at_1"]:
            failures.append(
                f"p95 {figures['ours']['p95_ms']} ms > {target['p95_ms_at_1']:g} ms at 1 in flight"
            )
    return {"met": not failures, "misses": failures}


def summary_line(operations: dict[str, dict[int, dict]]) -> str:
    """``peer: create 0.67×/0.80× | track 1.6×/1.9× | list 25×/31× (throughput ours÷peer at
    1/4 in flight)``: the last line of the benchmark's output."""
    parts = []
    for operation, by_concurrency in operations.items():
        ratios_text = "/".join(
            _times(by_concurrency[c]["ratios"]["throughput"]) for c in sorted(by_concurrency)
        )
        parts.append(f"{operation} {ratios_text}")
    concurrencies = sorted({c for by_concurrency in operations.values() for c in by_concurrency})
    flight = "/".join(str(c) for c in concurrencies)
    return f"peer: {' | '.join(parts)} (throughput ours÷peer at {flight} in flight)"


def _times(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"
