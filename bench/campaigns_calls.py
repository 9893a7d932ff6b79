"""Campaigns: importing 100,000 targets, and 20 agents pressing "next call" at once.

    python -m bench.campaigns_calls                  # import ×3, then 10,000 claims by 20 agents
    python -m bench.campaigns_calls --rounds 1 --claims 2000

Targets (issue 15): importing 100,000 targets < 30 s (a CSV through
``imports.targets_import_file``: decoding, checking every CPR and phone, merging, exclusions
and the COPY, in one transaction); with 20 agents on a campaign of 100,000 targets,
"next call" p95 < 30 ms and no target handed to two agents, counted over 10,000 claims.

The claims are timed at the service (``services.target_claim_next``), each agent a process
with its own database connection; after each claim the agent's call ends with one UPDATE that
takes the target off the list (the disposition itself is not part of "next call" and is timed
apart, on 300 calls, with ``--dispositions``). Figures go to bench/results/campaigns_calls.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import time
from collections import Counter
from datetime import date, timedelta

from bench import loaddriver as ld

TARGETS = 100_000
AGENTS = 20


def _csv(n: int) -> bytes:
    lines = ["cpr,name,phone,project,draw_date,place"]
    for i in range(n):
        lines.append(
            f"{600000000 + i},مواطن {i},3{3000000 + i % 6_000_000},مشروع شرق سترة,2026-09-20,مقر الوزارة"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _users():
    from apps.accounts import services
    from apps.accounts.models import User
    from apps.accounts.roles import Role

    def get(username, roles):
        return User.objects.filter(username=username).first() or services.user_create(
            username=username, password="bench-password-123", roles=roles, actor=None
        )

    supervisor = get("bench-supervisor", [Role.SUPERVISOR])
    agents = [get(f"bench-caller-{i:02d}", [Role.AGENT]) for i in range(AGENTS)]
    return supervisor, agents


def _campaign(supervisor, name: str):
    from apps.campaigns import services
    from apps.campaigns.models import Kind

    today = date.today()
    return services.campaign_create(
        actor=supervisor,
        name_ar=name,
        kind=Kind.DRAW_INVITATION,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=90),
        script_ar="السلام عليكم {name}",
        calling_days=[0, 1, 2, 3, 4, 5, 6],
    )


def _clean() -> None:
    """Drop earlier bench campaigns in a few statements (the ORM would load every target)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM campaigns_campaign WHERE name_ar LIKE 'bench-%%'")
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        for table in ("campaigns_attempt", "campaigns_campaignevent"):
            cursor.execute(f"DELETE FROM {table} WHERE campaign_id = ANY(%s)", [ids])
        cursor.execute(
            "DELETE FROM campaigns_datachange WHERE target_id IN "
            "(SELECT id FROM campaigns_target WHERE campaign_id = ANY(%s))",
            [ids],
        )
        cursor.execute(
            "UPDATE campaigns_wrongnumber SET campaign_id = NULL WHERE campaign_id = ANY(%s)", [ids]
        )
        cursor.execute("DELETE FROM campaigns_target WHERE campaign_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM campaigns_campaign WHERE id = ANY(%s)", [ids])


def _agent_loop(campaign_id: int, agent_id: int, when, remaining, start_gate, out) -> None:
    """One agent: claim, end the call (one UPDATE takes the target off the list), repeat;
    puts ``(latencies, claimed ids)`` (or the error's text) on ``out``."""
    try:
        out.put(_claims(campaign_id, agent_id, when, remaining, start_gate))
    except BaseException as exc:  # reported by the parent
        out.put(repr(exc))


def _claims(campaign_id, agent_id, when, remaining, start_gate) -> tuple[list[float], list[int]]:
    from django.db import connection

    from apps.accounts.models import User
    from apps.campaigns import services
    from apps.campaigns.models import Campaign
    from apps.sla.selectors import get_calendar

    campaign = Campaign.objects.get(pk=campaign_id)
    user = User.objects.get(pk=agent_id)
    calendar = get_calendar()
    latencies, claimed = [], []
    start_gate.wait()
    while True:
        with remaining.get_lock():
            if remaining.value <= 0:
                break
            remaining.value -= 1
        started = time.perf_counter()
        target = services.target_claim_next(campaign=campaign, actor=user, now=when, calendar=calendar)
        latencies.append((time.perf_counter() - started) * 1000)
        if target is None:
            break
        claimed.append(target.pk)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE campaigns_target SET status = 'done' WHERE id = %s", [target.pk])
    connection.close()
    return latencies, claimed


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="import rounds")
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--dispositions", type=int, default=300)
    args = parser.parse_args()
    ld.prepare(seed=False)

    from django.db import connection, connections

    from apps.campaigns import hours, imports, services
    from apps.sla.selectors import get_calendar

    supervisor, agents = _users()
    _clean()
    data = _csv(TARGETS)

    # 1. Import: 100,000 rows into a fresh campaign, each round.
    import_seconds, import_cpu = [], []
    for round_no in range(args.rounds):
        campaign = _campaign(supervisor, f"bench-import-{round_no}")
        started, cpu = time.perf_counter(), time.process_time()
        report = imports.targets_import_file(
            campaign=campaign, data=data, actor=supervisor, filename="list.csv"
        )
        import_seconds.append(time.perf_counter() - started)
        import_cpu.append(time.process_time() - cpu)
        assert report.added == TARGETS, report.as_dict()["summary"]
        print(
            f"import round {round_no + 1}: {import_seconds[-1]:.2f} s wall, {import_cpu[-1]:.2f} s CPU of this "
            f"process ({report.added} targets; load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )

    # 2. Claims: the last imported campaign (100,000 targets), running; 20 agents at once.
    calendar = get_calendar()
    services.campaign_transition(campaign=campaign, to_status="running", actor=supervisor)
    campaign.refresh_from_db()
    from django.utils import timezone

    when = hours.next_calling_instant(campaign, timezone.now(), calendar) + timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaigns_target")
    # Each agent is its own process with its own connection (threads would queue on the
    # GIL of one client and time that instead of the claim); forked after closing ours.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    remaining = context.Value("i", args.claims)
    start_gate = context.Barrier(len(agents))
    out = context.Queue()
    processes = [
        context.Process(target=_agent_loop, args=(campaign.pk, user.pk, when, remaining, start_gate, out))
        for user in agents
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [out.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    if any(isinstance(r, str) for r in results):
        raise RuntimeError(next(r for r in results if isinstance(r, str)))
    latencies = [r[0] for r in results]
    claimed = [r[1] for r in results]
    flat = [ms for per_agent in latencies for ms in per_agent]
    handed = Counter(pk for per_agent in claimed for pk in per_agent)
    doubles = sum(1 for count in handed.values() if count > 1)
    claims = {
        "agents": AGENTS,
        "claims": len(handed) + doubles,
        "distinct_targets": len(handed),
        "handed_twice": doubles,
        "p50_ms": round(_percentile(flat, 0.50), 2),
        "p95_ms": round(_percentile(flat, 0.95), 2),
        "p99_ms": round(_percentile(flat, 0.99), 2),
        "max_ms": round(max(flat), 2),
        "claims_per_second": round(len(flat) / elapsed, 1),
        "per_agent_claims": [len(c) for c in claimed],
    }
    print(f"claims: {json.dumps({k: v for k, v in claims.items() if k != 'per_agent_claims'})}", flush=True)

    # 3. Dispositions (apart from "next call"): claim then record "no answer", one agent.
    disposition_ms = []
    for _ in range(args.dispositions):
        target = services.target_claim_next(campaign=campaign, actor=agents[0], now=when, calendar=calendar)
        started = time.perf_counter()
        services.target_record_disposition(
            target=target, actor=agents[0], disposition="no_answer", now=when, calendar=calendar
        )
        disposition_ms.append((time.perf_counter() - started) * 1000)
    dispositions = {
        "count": len(disposition_ms),
        "p50_ms": round(_percentile(disposition_ms, 0.5), 2) if disposition_ms else None,
        "p95_ms": round(_percentile(disposition_ms, 0.95), 2) if disposition_ms else None,
    }

    result = {
        "bench": "campaigns_calls",
        "git_commit": ld._git_commit(),
        "import_100k_seconds": [round(s, 2) for s in import_seconds],
        "import_100k_median_seconds": round(statistics.median(import_seconds), 2),
        "import_100k_cpu_seconds_this_process": [round(s, 2) for s in import_cpu],
        "load_average_at_end": os.getloadavg(),
        "cpus": os.cpu_count(),
        "next_call": claims,
        "disposition": dispositions,
    }
    out = ld.RESULTS_DIR / "campaigns_calls.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    _clean()
    print(
        f"campaigns_calls: import 100k median {result['import_100k_median_seconds']} s | next call "
        f"p50 {claims['p50_ms']}ms p95 {claims['p95_ms']}ms over {claims['claims']} claims by {AGENTS} agents, "
        f"handed twice {doubles} | disposition p95 {dispositions['p95_ms']}ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
