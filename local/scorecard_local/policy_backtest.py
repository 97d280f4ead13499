"""`python -m scorecard_local.policy_backtest`: policy v2 against v3 over the demo's last 90 days.

Seeds the demo network into a local stack (as `make run` does), then runs a real backtest through
POST /v1/policy/backtests with v2 as the candidate against v3 (in force) and prints what it found on
the last day; then replays every partner day by day with the backtest's own function
(services.backtests.replay_partner, the daily run's score_day) to count the partners whose tier
differs on any day of the range, and why. docs/scoring.md quotes its figures.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

DAYS = 90


def _ops() -> dict[str, str]:
    from scorecard_local.run import _token

    return {"authorization": f"Bearer {_token('ops')}", "content-type": "application/json"}


def service_backtest(stack: Any, first: date, last: date) -> dict[str, Any]:
    """The backtest as ops run it: 202, the local queues drained, then GET its location."""
    body = json.dumps({"version": "v2", "from": first.isoformat(), "to": last.isoformat()})
    started = stack.http("POST", "/v1/policy/backtests", {}, _ops(), body.encode())
    if started.status != 202:
        raise RuntimeError(f"starting the backtest: {started.status} {started.body!r}")
    stack.poll_queues()
    view: dict[str, Any] = json.loads(
        stack.http("GET", json.loads(started.body)["location"], {}, _ops(), b"").body
    )
    return view


def _why(replay: Any, days: list[date]) -> str:
    """The first day the two versions disagree on the tier, with both scores and tiers."""
    for day, v3, v2 in zip(days, replay.active, replay.candidate, strict=True):
        if v3.tier != v2.tier:
            return f"from {day}: v3 {v3.score} {v3.tier}, v2 {v2.score} {v2.tier}"
    return ""


def day_by_day(first: date, last: date) -> list[str]:
    """Every partner replayed under v3 (in force) and v2 from no tier, as the backtest worker does."""
    from scorecard.bootstrap import bootstrap
    from scorecard.domain.grading import TierState
    from scorecard.domain.policy import load_policy
    from scorecard.domain.window import completion_rules, day_end
    from scorecard.services.backtests import replay_partner
    from scorecard.services.scoring import Evidence, load_evidence

    boot = bootstrap()
    v2, v3 = load_policy("v2"), load_policy("v3")
    days = [first + timedelta(days=n) for n in range(DAYS)]
    partners = list(boot.partners.iter_partner_ids())
    differ: dict[str, str] = {}
    last_day: list[str] = []
    partner_days = score_days = 0
    jobs: Counter[str] = Counter()  # what v3's rules 1 and 2 act on, as of the last day
    for partner_id in partners:
        evidence = load_evidence(boot.evidence, partner_id, first, last, [v2, v3])
        replay = replay_partner(evidence, TierState(), days, [v3] * len(days), v2)
        pairs = list(zip(replay.active, replay.candidate, strict=True))
        partner_days += sum(a.tier != b.tier for a, b in pairs)
        score_days += sum(a.score != b.score for a, b in pairs)
        if any(a.tier != b.tier for a, b in pairs):
            differ[partner_id] = _why(replay, days)
        folded = Evidence(evidence)
        rules = completion_rules(v3, folded.zone)
        for job in folded.jobs(day_end(last, v3.zone)):
            done = job.completion(rules, last)
            if done is not None and done.via == "overdue":
                jobs["open overdue"] += 1
                jobs["open overdue, more than 30 days late"] += done.days_late > v3.window.base_days
            elif done is not None and done.via == "overdue_cancellation":
                jobs["cancelled after their due date"] += 1
        if pairs[-1][0].tier != pairs[-1][1].tier:
            last_day.append(f"{partner_id} ({pairs[-1][1].tier} under v2, {pairs[-1][0].tier} under v3)")
    lines = [
        f"Day by day ({len(partners)} partners x {DAYS} days, each version from no tier):",
        f"  partners whose tier differs on at least one day: {len(differ)}",
        f"  partners whose tier differs on the last day: {len(last_day)}",
        f"  partner-days with a different tier: {partner_days}; with a different score: {score_days}",
        f"  jobs on {last} (v3's rules 1 and 2): {dict(sorted(jobs.items())) or 'none'}",
    ]
    lines += [f"  {partner_id}: {why}" for partner_id, why in sorted(differ.items())]
    return lines


def main() -> int:
    from scorecard_local.run import seed_demo
    from scorecard_local.stack import LocalStack
    from scorecard_local.template_tables import find_template

    stack = LocalStack(find_template().parent)
    stack.start()
    try:
        today = datetime.now(UTC).date()
        seed_demo(stack, today)
        first, last = today - timedelta(days=DAYS), today - timedelta(days=1)
        view = service_backtest(stack, first, last)
        active = Counter(view["days"][-1]["active"]["tiers"])
        candidate = Counter(view["days"][-1]["candidate"]["tiers"])
        print(f"Demo network seeded for {today} (policy in force: {os.environ.get('POLICY_VERSION')}).")
        print(
            f"Backtest of v2 (candidate) against v3 (in force) over {first}..{last}: {view['status']}, "
            f"{view['progress']['partners_done']} partners x {len(view['days'])} days."
        )
        print(f"  on {last}: {view['grade_changes']} would change grade and {view['tier_changes']} tier")
        print(f"  tiers on {last} under v3: {dict(sorted(active.items()))}")
        print(f"  tiers on {last} under v2: {dict(sorted(candidate.items()))}")
        for change in view["changes"]:
            print(f"  {change['partner_id']}: v3 {change['active']} / v2 {change['candidate']}")
        with stack.lock:
            print("\n".join(day_by_day(first, last)))
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
