"""`BENCH backtest_vs_daily_per_partner_day`: what one partner-day costs in a backtest next to what it
costs in the daily run, measured side by side on the same network in moto (issue 9, goal <= 1.2).

Backtest: the coordinator's plan is queued, then the wall time of every batch message's work
(services.backtests.backtest_batch: one evidence query per partner for the whole range, each day
scored under the version in force (v2) and under the candidate (v1), one result item per batch)
divided by partners x days. Daily: the wall time of scoring one day for the same partners through
services.daily.score_partners, in batches of the daily worker's size, divided by partners.

`python -m bench.backtest_cost` runs it alone (BENCH_QUICK=1: 200 partners); bench/run.py calls
`bench_backtest(report)`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench.fixtures import AS_OF, load_network, moto_table, partner_id

QUICK = os.environ.get("BENCH_QUICK") == "1"
PARTNERS = 200 if QUICK else 2000
DAYS = 30
JOBS = 30
GOAL = "<= 1.2"

Report = Callable[[str, float | str, str], None]


def bench_backtest(report: Report) -> None:
    from scorecard.adapters.aws import client
    from scorecard.adapters.backtest_repository import BacktestRepository
    from scorecard.adapters.evidence_repository import EvidenceRepository
    from scorecard.adapters.partner_repository import PartnerRepository
    from scorecard.adapters.policy_repository import PolicyRepository
    from scorecard.adapters.queue import SqsQueue
    from scorecard.adapters.score_repository import ScoreRepository
    from scorecard.domain.policy import load_policy
    from scorecard.schemas.backtests import BacktestRecord
    from scorecard.schemas.messages import DAILY_BATCH_SIZE, BacktestBatchMessage, BacktestPlanMessage
    from scorecard.services.backtests import BacktestDeps, backtest_batch, plan_backtest
    from scorecard.services.daily import score_partners
    from scorecard.services.policies import PolicyCatalog

    with moto_table() as table:
        load_network(table, range(PARTNERS), JOBS)
        evidence, scores = EvidenceRepository(table), ScoreRepository(table)
        store = BacktestRepository(table)
        catalog = PolicyCatalog(PolicyRepository(table), "v2")
        sqs = client("sqs")
        queue = SqsQueue(sqs.create_queue(QueueName="bench-backtest")["QueueUrl"])
        deps = BacktestDeps(store, catalog, PartnerRepository(table), evidence, scores, queue)
        now = datetime.now(UTC)
        record = BacktestRecord(
            backtest_id="bt-" + "0" * 20,
            first_day=AS_OF - timedelta(days=DAYS - 1),
            last_day=AS_OF,
            candidate=load_policy("v1"),
            requested_by="bench",
            created_at=now,
        )
        store.create(record)
        plan_backtest(BacktestPlanMessage(backtest_id=record.backtest_id), deps)
        batches: list[BacktestBatchMessage] = []
        while messages := sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10).get("Messages", []):
            batches += [BacktestBatchMessage.model_validate_json(m["Body"]) for m in messages]
            sqs.delete_message_batch(
                QueueUrl=queue.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )

        started = time.perf_counter()
        for batch in batches:
            backtest_batch(batch, deps)
        backtest_s = time.perf_counter() - started
        done = store.get(record.backtest_id)
        assert done is not None and done.partners_done == PARTNERS, done

        policy = load_policy("v2")
        ids = [partner_id(n) for n in range(PARTNERS)]
        started = time.perf_counter()
        for start in range(0, PARTNERS, DAILY_BATCH_SIZE):
            daily = score_partners(
                evidence, scores, ids[start : start + DAILY_BATCH_SIZE], AS_OF, policy, now
            )
            assert daily.failed == [], daily.failed
        daily_s = time.perf_counter() - started

    backtest_ms = backtest_s * 1000 / (PARTNERS * DAYS)
    daily_ms = daily_s * 1000 / PARTNERS
    size = f"{PARTNERS} partners x {DAYS} days, {JOBS} jobs each"
    report("backtest_s", backtest_s, size)
    report("backtest_ms_per_partner_day", backtest_ms, "two versions a day, one evidence query a partner")
    report("daily_ms_per_partner_day", daily_ms, f"score_partners, one day, {PARTNERS} partners")
    report("backtest_vs_daily_per_partner_day", backtest_ms / daily_ms, GOAL)


def main() -> int:
    def report(name: str, value: float | str, goal: str = "") -> None:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"BENCH {name} {text}  {goal}", flush=True)

    bench_backtest(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
