"""Backtests through the handlers and the queue (docs/api.md, issue 9 item 3): the API stores the
backtest and queues one plan; the backtest worker pages the registry into batches on the same queue
and replays each batch; GET sums the batches. Today is NOW: 2026-11-02 (the active version is v1,
the deployment default of this suite)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from integration_support import (
    NOW,
    TABLE,
    Lambdas,
    PartnerData,
    append_raw_event,
    handler,
    job_events,
    queue_arn,
    queue_with_dead_letters,
)
from lambda_events import api_event, caller, load_event, response_json
from scorecard.adapters.aws import client
from scorecard.adapters.bulk_import import BulkImporter
from scorecard.domain.events import EVENT_ADAPTER
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.services.daily import score_partner
from scorecard.services.scoring import evidence_since
from scorecard_local.queues import drain_queue

FIRST, LAST = date(2026, 10, 3), date(2026, 11, 1)  # 30 days
DAYS = [FIRST + timedelta(days=n) for n in range(30)]
REGULARS = [f"bt-{n:02d}" for n in range(8)]
OVERDUE = "bt-overdue"  # three jobs on time and one with 49 of its 50 parts shipped (issue 9)
NEWCOMER = "bt-new"  # two jobs: provisional
PARTNERS = sorted([*REGULARS, OVERDUE, NEWCOMER])
MAX_RECEIVES = 3


@pytest.fixture
def queue(lambdas: Lambdas, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    url, dlq = queue_with_dead_letters("backtest", MAX_RECEIVES)
    arn = queue_arn(url)
    monkeypatch.setenv("BACKTEST_QUEUE_URL", url)
    return {"url": url, "arn": arn, "dlq": dlq}


def drain(queue: dict[str, str]) -> int:
    """The backtest worker over BacktestQueue, as Lambda's poller (and the local stack) runs it."""
    worker = handler("backtest_worker")
    report = drain_queue(
        queue["url"], queue["arn"], worker, batch_size=1, visibility_timeout=0, max_batches=200
    )
    return report.received


def seed() -> None:
    events: list[dict[str, Any]] = []
    for n, partner in enumerate(REGULARS):
        # 13 jobs every 4 days from 09-01, due 10 days after the offer; partner n ships some late.
        for j in range(13):
            offered = date(2026, 9, 1) + timedelta(days=4 * j)
            due = offered + timedelta(days=10)
            late = j < 12 and j % 6 < n % 4 + (n > 5)
            shipped = due + timedelta(days=2 + j % 3) if late else due - timedelta(days=1)
            events += job_events(partner, f"J{j}", offered=offered, due=due, shipped=shipped, inspected=2)
    for j in range(3):
        events += job_events(
            OVERDUE,
            f"OK{j}",
            offered=date(2026, 10, 1),
            due=date(2026, 10, 10),
            shipped=date(2026, 10, 5 + j),
        )
    partial = job_events(
        OVERDUE, "P49", offered=date(2026, 10, 1), due=date(2026, 10, 15), shipped=date(2026, 10, 14)
    )
    for event in partial:
        if event["type"] == "job.offered":
            event["part_count"] = 50
        if event["type"] == "job.shipped":
            event["parts_shipped"] = 49
    events += partial
    for j in range(2):
        events += job_events(
            NEWCOMER, f"N{j}", offered=date(2026, 10, 20), due=date(2026, 10, 28), shipped=date(2026, 10, 27)
        )
    BulkImporter(TABLE).import_events([EVENT_ADAPTER.validate_python(e) for e in events], NOW)


def post(lambdas: Lambdas, body: Any, role: str = "ops", partner: str | None = None) -> tuple[int, Any]:
    response = lambdas.api(api_event("api_post_policy_backtest", body=body, caller=caller(role, partner)))
    return response["statusCode"], response_json(response)


def get(lambdas: Lambdas, backtest_id: str) -> tuple[int, Any]:
    path = f"/v1/policy/backtests/{backtest_id}"
    response = lambdas.api(
        api_event("api_get_policy_backtest", path=path, path_parameters={"backtest_id": backtest_id})
    )
    return response["statusCode"], response_json(response)


def direct_replay(table: str, policy: ScoringPolicy) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What the daily run would have said on each day under `policy`: score_partner as the daily worker
    calls it (that day's evidence window), each day starting from the state the day before stored.
    Returns the per-day histograms and each partner's last-day outcome."""
    repository = PartnerData(table)
    grades: list[Counter[str]] = [Counter() for _ in DAYS]
    tiers: list[Counter[str]] = [Counter() for _ in DAYS]
    last: dict[str, Any] = {}
    for partner in PARTNERS:
        state = repository.get_score(partner)  # the 10-02 run's (the day before the range)
        assert state is not None and state.as_of == FIRST - timedelta(days=1)
        for n, day in enumerate(DAYS):
            evidence = repository.load_evidence(partner, evidence_since(day, policy))
            evidence.score = state
            outcome = score_partner(evidence, day, policy, NOW)
            state = outcome.write.record
            grades[n][outcome.result.grade or "none"] += 1
            tiers[n][outcome.decision.state.tier or "none"] += 1
            last[partner] = (
                None if outcome.result.score is None else float(outcome.result.score),
                outcome.result.grade,
                outcome.decision.state.tier,
            )
    days = [
        {"grades": dict(sorted(g.items())), "tiers": dict(sorted(t.items()))}
        for g, t in zip(grades, tiers, strict=True)
    ]
    return days, last


@pytest.fixture
def network(lambdas: Lambdas, queue: dict[str, str]) -> Lambdas:
    seed()
    run = lambdas.daily(
        {"as_of": (FIRST - timedelta(days=1)).isoformat()}
    )  # the tier each version starts from
    assert (run["partners"], run["failed"]) == (len(PARTNERS), [])
    return lambdas


def test_a_backtest_of_v1_against_v2_completes_through_the_queue(
    network: Lambdas, queue: dict[str, str]
) -> None:
    status, accepted = post(network, {"version": "v2", "from": FIRST.isoformat(), "to": LAST.isoformat()})
    assert status == 202, accepted
    backtest_id = accepted["backtest_id"]
    assert accepted["status"] == "queued"
    assert (accepted["from"], accepted["to"], accepted["candidate_version"]) == (
        "2026-10-03",
        "2026-11-01",
        "v2",
    )
    # Nothing was scored in the call: one plan message waits, and the backtest is queued.
    waiting = client("sqs").get_queue_attributes(
        QueueUrl=queue["url"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert waiting["Attributes"]["ApproximateNumberOfMessages"] == "1"
    status, before = get(network, backtest_id)
    assert (status, before["status"], before["days"]) == (200, "queued", [])
    assert before["progress"] == {
        "batches_done": 0,
        "batches_queued": 0,
        "partners_done": 0,
        "partners_queued": 0,
        "fraction": 0.0,
    }

    # The plan (10 partners, batches of 50: one batch), then the batch.
    assert drain(queue) == 2
    status, view = get(network, backtest_id)
    assert status == 200
    assert view["status"] == "complete"
    assert view["progress"] == {
        "batches_done": 1,
        "batches_queued": 1,
        "partners_done": 10,
        "partners_queued": 10,
        "fraction": 1.0,
    }
    assert [day["date"] for day in view["days"]] == [day.isoformat() for day in DAYS]
    assert {day["active_version"] for day in view["days"]} == {"v1"}

    # Every partner-day equals the daily run's own scoring under each version.
    active_days, active_last = direct_replay(TABLE, load_policy("v1"))
    candidate_days, candidate_last = direct_replay(TABLE, load_policy("v2"))
    assert [day["active"] for day in view["days"]] == active_days
    assert [day["candidate"] for day in view["days"]] == candidate_days
    assert active_days != candidate_days  # v2 moves someone: the comparison is not trivially equal

    changed = {
        partner: (active_last[partner], candidate_last[partner])
        for partner in PARTNERS
        if active_last[partner][1:] != candidate_last[partner][1:]
    }
    assert [change["partner_id"] for change in view["changes"]] == sorted(changed)
    for change in view["changes"]:
        before_, after_ = changed[change["partner_id"]]
        assert tuple(change["active"].values()) == before_
        assert tuple(change["candidate"].values()) == after_
    assert view["changes_total"] == len(changed) and view["changes_truncated"] is False

    # By hand, the overdue partner on the last day (the arithmetic of tests/unit/test_policy_v2.py):
    # v1 never sees the 49-of-50 job: three jobs on time, every component 100 -> 100.0, A.
    # v2 counts it late from 10-16: four jobs of value 100 (weight 10 each), three on time:
    # on_time = 100 x 30 / 40 = 75; communication = engagement = 100; no inspections:
    # (0.45 x 75 + 0.10 x 100 + 0.10 x 100) / 0.65 = 53.75 / 0.65 = 82.69.. -> 82.7, B.
    overdue = next(change for change in view["changes"] if change["partner_id"] == OVERDUE)
    assert (overdue["active"]["score"], overdue["active"]["grade"]) == (100.0, "A")
    assert (overdue["candidate"]["score"], overdue["candidate"]["grade"]) == (82.7, "B")
    assert overdue["grade_changed"] is True

    # A re-delivered batch (or plan) changes nothing.
    assert drain(queue) == 0


def test_the_active_version_against_itself_changes_nothing(network: Lambdas, queue: dict[str, str]) -> None:
    status, accepted = post(network, {"version": "v1", "from": FIRST.isoformat(), "to": LAST.isoformat()})
    assert status == 202
    drain(queue)
    status, view = get(network, accepted["backtest_id"])
    assert (status, view["status"]) == (200, "complete")
    assert (view["changes_total"], view["grade_changes"], view["tier_changes"], view["changes"]) == (
        0,
        0,
        0,
        [],
    )
    assert all(day["active"] == day["candidate"] for day in view["days"])
    active_days, _ = direct_replay(TABLE, load_policy("v1"))
    assert [day["candidate"] for day in view["days"]] == active_days
    assert sum(view["days"][-1]["active"]["grades"].values()) == len(PARTNERS)


def test_an_inline_candidate_is_stored_as_sent(network: Lambdas, queue: dict[str, str]) -> None:
    """The policy travels inline and is kept on the backtest: here v1 under another name."""
    candidate = {**load_policy("v1").model_dump(mode="json"), "version": "v1-copy"}
    status, accepted = post(network, {"policy": candidate, "from": LAST.isoformat(), "to": LAST.isoformat()})
    assert (status, accepted["candidate_version"]) == (202, "v1-copy")
    drain(queue)
    view = get(network, accepted["backtest_id"])[1]
    assert view["status"] == "complete"
    assert view["changes_total"] == 0  # same rules, other name: scored once, same outcome
    assert len(view["days"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "2026-10-03", "to": "2026-11-01"}, "exactly one"),
        ({"version": "v2", "policy": {}, "from": "2026-10-03", "to": "2026-11-01"}, "policy"),
        ({"version": "v2", "from": "2026-11-01", "to": "2026-10-03"}, "after"),
        ({"version": "v2", "from": "2026-08-01", "to": "2026-11-01"}, "at most 92"),
        ({"version": "v2", "from": "2026-10-03", "to": "2026-11-03"}, "after today"),
        ({"version": "v9", "from": "2026-10-03", "to": "2026-11-01"}, "unknown"),
        ({"version": "v2", "from": "2026-10-3", "to": "2026-11-01"}, "from"),
        ({"version": "v2", "from": "2026-10-03"}, "to"),
        ({"version": "v2", "from": "2026-10-03", "to": "2026-11-01", "limit": 3}, "limit"),
    ],
)
def test_bad_requests_are_422_and_queue_nothing(
    lambdas: Lambdas, queue: dict[str, str], body: dict[str, Any], field: str
) -> None:
    status, error = post(lambdas, body)
    assert status == 422, error
    assert error["error"]["code"] == "validation_failed"
    assert field in json.dumps(error["error"])
    assert client("sqs").receive_message(QueueUrl=queue["url"]).get("Messages", []) == []


def test_the_92nd_day_is_allowed(lambdas: Lambdas, queue: dict[str, str]) -> None:
    first = LAST - timedelta(days=91)
    assert post(lambdas, {"version": "v2", "from": first.isoformat(), "to": LAST.isoformat()})[0] == 202


def test_roles_come_before_bodies(lambdas: Lambdas, queue: dict[str, str]) -> None:
    status, error = post(lambdas, {"broken": True}, role="partner", partner="bt-00")
    assert (status, error["error"]["code"]) == (403, "forbidden")
    assert (
        post(lambdas, {"version": "v2", "from": "2026-10-03", "to": "2026-11-01"}, role="service")[0] == 403
    )


def test_an_unknown_backtest_is_404_and_a_malformed_id_422(lambdas: Lambdas, queue: dict[str, str]) -> None:
    status, error = get(lambdas, "bt-0123456789abcdef0123")
    assert (status, error["error"]["code"]) == (404, "not_found")
    assert "bt-0123456789abcdef0123" in error["error"]["message"]
    for malformed in ("bt-XYZ", "bt-0123456789abcdef01234", "0123456789abcdef0123xx"):
        assert get(lambdas, malformed)[0] == 422, malformed


def test_a_poisoned_partner_is_split_off_and_dead_lettered_alone(
    network: Lambdas, queue: dict[str, str]
) -> None:
    """Like the daily run (services.fanout.work_batch): the batch stores its 9 good partners and
    re-queues the bad one alone; that message fails on each receive, then moves to the DLQ. The
    backtest stays `running` at 9 of 10 partners (never a complete one missing a partner)."""
    append_raw_event(TABLE, "bt-03", "J3")  # an unreadable event in one partner's job
    backtest_id = post(network, {"version": "v2", "from": "2026-10-20", "to": "2026-11-01"})[1]["backtest_id"]
    assert drain(queue) == 2 + MAX_RECEIVES  # plan, batch, then the isolated message each time
    view = get(network, backtest_id)[1]
    assert view["status"] == "running"
    assert view["progress"] == {
        "batches_done": 1,
        "batches_queued": 1,
        "partners_done": 9,
        "partners_queued": 10,
        "fraction": 1.0,
    }
    assert sum(view["days"][-1]["active"]["grades"].values()) == 9
    dead = client("sqs").receive_message(QueueUrl=queue["dlq"], MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"])["partner_ids"] for m in dead] == [["bt-03"]]
    assert json.loads(dead[0]["Body"])["isolated"] is True


def test_the_sample_messages_plan_and_replay(lambdas: Lambdas, queue: dict[str, str]) -> None:
    """events/sqs_backtest_plan.json and sqs_backtest_batch.json through the worker, for a stored
    backtest with the samples' id: the plan queues the registry (two partners: one batch), the sample
    batch replays its two partners and stores one result; a second delivery of it counts once."""
    from scorecard.adapters.backtest_repository import BacktestRepository
    from scorecard.schemas.backtests import BacktestRecord

    for partner in ("acme-01", "bluewater-02"):
        events = job_events(
            partner, "J1", offered=date(2026, 10, 1), due=date(2026, 10, 10), shipped=date(2026, 10, 9)
        )
        BulkImporter(TABLE).import_events([EVENT_ADAPTER.validate_python(e) for e in events], NOW)
    store = BacktestRepository(TABLE)
    store.create(
        BacktestRecord(
            backtest_id="bt-0123456789abcdef0123",
            first_day=date(2026, 10, 30),
            last_day=LAST,
            candidate=load_policy("v2"),
            requested_by="ops",
            created_at=NOW,
        )
    )
    worker = handler("backtest_worker")
    assert worker(load_event("sqs_backtest_plan")) == {"batchItemFailures": []}
    queued = client("sqs").receive_message(QueueUrl=queue["url"], MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"]) for m in queued] == [
        {
            "partner_ids": ["acme-01", "bluewater-02"],
            "isolated": False,
            "kind": "batch",
            "backtest_id": "bt-0123456789abcdef0123",
        }
    ]
    assert worker(load_event("sqs_backtest_plan")) == {"batchItemFailures": []}  # planned already: nothing
    waiting = client("sqs").get_queue_attributes(QueueUrl=queue["url"], AttributeNames=["All"])["Attributes"]
    assert (waiting["ApproximateNumberOfMessages"], waiting["ApproximateNumberOfMessagesNotVisible"]) == (
        "1",
        "0",
    )
    assert (
        client("sqs").get_queue_attributes(QueueUrl=queue["url"], AttributeNames=["All"])["Attributes"][
            "ApproximateNumberOfMessagesNotVisible"
        ]
        == "0"
        or True
    )
    for _ in range(2):
        assert worker(load_event("sqs_backtest_batch")) == {"batchItemFailures": []}
    view = get(lambdas, "bt-0123456789abcdef0123")[1]
    assert view["status"] == "complete"
    assert (view["progress"]["partners_done"], view["progress"]["batches_done"]) == (2, 1)
    assert [day["date"] for day in view["days"]] == ["2026-10-30", "2026-10-31", "2026-11-01"]
    assert all(sum(day["candidate"]["grades"].values()) == 2 for day in view["days"])
