"""What POST /v1/policy/simulate costs (issue 8 item 7, issue 20 item 3).

`BENCH simulate_max_call_s`: the largest call the route allows, timed: `limit` at its maximum
(api/policy.MAX_SIMULATED_PARTNERS), a candidate at the policy bounds (20 signals, each
metric feeding a component of its own; 10 grade bands; 20 benefits per tier), and heavy partners:
60 jobs of six events in the window and 180 days of activity (four logins a day, a weekly capacity
update, every declared metric weekly), read with the activity query the signals need. Beside it,
`simulate_daily_ms_per_partner`: the daily run's scoring of the same partners under the default
policy (services.daily.score_partners), in the same run, so the call can be read in daily partners
(`simulate_max_call_daily_partners`) on any machine; and the call's CPU time in this process
(`simulate_max_call_cpu_s`), which a busy machine inflates less than the wall time. Goal: the call
within 10 s.

    .venv/bin/python -m bench.simulate_cost [partners] [jobs per partner]

prints those figures, and the per-partner cost of a plain candidate (v2 with another timezone).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.fixtures import AS_OF, load_network, moto_table, partner_id

HEAVY_JOBS = 60
ACTIVITY_DAYS = 180
LOGINS_PER_DAY = 4
GOAL = "<= 10"

Report = Callable[[str, float | str, str], None]


def largest_candidate() -> Any:
    """The default policy at every bound of a policy: capacity_current and active_weeks feeding
    engagement, 18 metrics each feeding an extra component of its own, 10 grade bands, 20 benefits
    in each of the four tiers."""
    from scorecard.domain.policy import (
        MAX_BENEFITS_PER_TIER,
        MAX_GRADE_BANDS,
        MAX_SIGNALS,
        ScoringPolicy,
        load_policy,
    )

    metrics = [f"metric_{n:02d}" for n in range(MAX_SIGNALS - 2)]
    signals = [
        {"name": "capacity_current", "source": "capacity_current", "component": "engagement"},
        {"name": "active_weeks", "source": "active_weeks", "component": "engagement"},
        *(
            {"name": m, "source": "metric", "component": f"c_{m}", "scale_min": "0", "scale_max": "10"}
            for m in metrics
        ),
    ]
    grades = [{"grade": "A", "min": 90}] * (MAX_GRADE_BANDS - 3) + [
        {"grade": "B", "min": 80},
        {"grade": "C", "min": 70},
        {"grade": "D", "min": 0},
    ]
    benefits = [{"name": f"benefit_{n:02d}", "lead_time_bonus_days": 2} for n in range(MAX_BENEFITS_PER_TIER)]
    base = load_policy().model_dump(mode="json")
    return ScoringPolicy.model_validate(
        base
        | {
            "version": "bench-largest",
            "weights": {"on_time": "0.3", "quality": "0.2", "communication": "0.1", "engagement": "0.1"},
            "grades": grades,
            "benefits": dict.fromkeys(("elite", "preferred", "standard", "probation"), benefits),
            "extra_weights": {f"c_{m}": "0.0166" for m in metrics},
            "signals": signals,
        }
    )


def activity_events(n: int, metrics: list[str]) -> list[Any]:
    """ACTIVITY_DAYS of activity ending on AS_OF: LOGINS_PER_DAY logins a day, a capacity update and
    a value of each metric every 7 days."""
    from scorecard.domain.events import EVENT_ADAPTER

    pid = partner_id(n)
    end = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC)
    raw: list[dict[str, Any]] = []
    for day in range(ACTIVITY_DAYS):
        start = end - timedelta(days=ACTIVITY_DAYS - day)
        for k in range(LOGINS_PER_DAY):
            at = start + timedelta(hours=7 + 3 * k, minutes=n % 15)
            raw.append({"event_id": f"{pid}:l{day}:{k}", "type": "partner.logged_in", "occurred_at": at})
        if day % 7 == 0:
            at = start + timedelta(hours=6)
            raw.append({"event_id": f"{pid}:c{day}", "type": "partner.capacity_updated", "occurred_at": at})
            raw += [
                {
                    "event_id": f"{pid}:{m}:{day}",
                    "type": "partner.metric_recorded",
                    "occurred_at": at + timedelta(minutes=1 + i),
                    "metric": m,
                    "value": str((n + day + i) % 11),
                }
                for i, m in enumerate(metrics)
            ]
    return [
        EVENT_ADAPTER.validate_python({**e, "partner_id": pid, "occurred_at": e["occurred_at"]}) for e in raw
    ]


def bench_simulate(report: Report) -> None:
    from scorecard.adapters.bulk_import import BulkImporter
    from scorecard.api.policy import MAX_SIMULATED_PARTNERS
    from scorecard.bootstrap import bootstrap
    from scorecard.domain.policy import load_policy
    from scorecard.services.daily import score_partners
    from scorecard.services.simulation import simulate_policy

    partners = MAX_SIMULATED_PARTNERS
    candidate = largest_candidate()
    metrics = sorted(candidate.declared_metrics())
    with moto_table() as table:
        load_network(table, range(partners), HEAVY_JOBS)
        importer = BulkImporter(table)
        for n in range(partners):
            importer.import_events(activity_events(n, metrics), datetime.now(UTC), record_markers=False)
        boot = bootstrap()
        current = load_policy()
        stores = (boot.partners, boot.evidence, boot.scores)
        simulate_policy(*stores, current, candidate, AS_OF, limit=2, cursor=None)  # warm-up
        started, cpu_started = time.perf_counter(), time.process_time()
        result = simulate_policy(*stores, current, candidate, AS_OF, limit=partners, cursor=None)
        call_s, call_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        assert result.partners_evaluated == partners, result.partners_evaluated

        ids = [partner_id(n) for n in range(partners)]
        started = time.perf_counter()
        daily = score_partners(boot.evidence, boot.scores, ids, AS_OF, current, datetime.now(UTC))
        daily_s = time.perf_counter() - started
        assert daily.failed == [], daily.failed

    daily_ms = daily_s * 1000 / partners
    signals = len(candidate.signals)
    size = f"{partners} partners, {signals} signals, {HEAVY_JOBS} jobs + {ACTIVITY_DAYS} days of activity"
    report("simulate_max_call_s", call_s, f"{GOAL} ({size})")
    # the process's CPU (moto's DynamoDB included): the call without the other processes of a busy machine
    report("simulate_max_call_cpu_s", call_cpu_s, "CPU of this process during the call")
    report("simulate_daily_ms_per_partner", daily_ms, "the daily run, the same partners, default policy")
    report("simulate_max_call_daily_partners", call_s * 1000 / daily_ms, "the call in daily partners")


def plain_candidate_cost(partners: int, jobs: int) -> None:
    """Per partner, a candidate that declares no signals (v2 in another timezone): one evidence query
    and two scorings."""
    from scorecard.bootstrap import bootstrap
    from scorecard.services.simulation import simulate_policy

    with moto_table() as table:
        load_network(table, range(partners), jobs)
        boot = bootstrap()
        current = boot.policy
        candidate = current.model_copy(update={"version": "candidate", "timezone": "America/Chicago"})
        stores = (boot.partners, boot.evidence, boot.scores)
        simulate_policy(*stores, current, candidate, AS_OF, limit=2, cursor=None)  # warm-up
        started = time.perf_counter()
        result = simulate_policy(*stores, current, candidate, AS_OF, limit=partners, cursor=None)
        seconds = time.perf_counter() - started
    assert result.partners_evaluated == partners, result.partners_evaluated
    print(f"plain candidate: partners={partners} jobs={jobs} per_partner={seconds / partners * 1000:.1f}ms")


def main() -> None:
    def report(name: str, value: float | str, goal: str = "") -> None:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"BENCH {name} {text}  {goal}", flush=True)

    bench_simulate(report)
    partners = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else HEAVY_JOBS
    plain_candidate_cost(partners, jobs)


if __name__ == "__main__":
    main()
