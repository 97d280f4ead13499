"""services.fanout and the scheduled runs' inputs, without AWS: a sender that records what it is given."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from scorecard.domain.policy import load_policy
from scorecard.schemas.messages import (
    BacktestBatchMessage,
    DailyBatchMessage,
    PartnerBatch,
    SnapshotBatchMessage,
)
from scorecard.services.fanout import (
    QUEUE_FLUSH,
    BatchWork,
    PartnersFailed,
    QueuedRun,
    process_records,
    queue_partners,
    work_batch,
)
from scorecard.services.schedule import DailyRunInput, MonthlyRunInput

AS_OF = date(2026, 11, 1)


class RecordingSender:
    def __init__(self) -> None:
        self.sends: list[list[dict[str, Any]]] = []

    def send_all(self, bodies: Sequence[dict[str, Any]]) -> int:
        self.sends.append(list(bodies))
        return -(-len(bodies) // 10)  # SendMessageBatch calls of 10


def daily(partner_ids: list[str]) -> DailyBatchMessage:
    return DailyBatchMessage(as_of=AS_OF, partner_ids=partner_ids)


def test_partners_are_queued_in_chunks_and_sent_in_flushes() -> None:
    sender = RecordingSender()
    ids = [f"p{n}" for n in range(2 * QUEUE_FLUSH * 3 + 4)]  # 604 partners, 3 a message: 202 messages

    queued = queue_partners(iter(ids), daily, 3, sender)

    assert queued == QueuedRun(partners=604, messages=202, send_calls=10 + 10 + 1)
    assert [len(bodies) for bodies in sender.sends] == [100, 100, 2]
    bodies = [body for bodies in sender.sends for body in bodies]
    assert bodies[0] == {"partner_ids": ["p0", "p1", "p2"], "isolated": False, "as_of": "2026-11-01"}
    assert bodies[-1]["partner_ids"] == ["p603"]
    assert [p for body in bodies for p in body["partner_ids"]] == ids


def test_an_empty_registry_sends_nothing() -> None:
    sender = RecordingSender()
    assert queue_partners(iter([]), daily, 50, sender) == QueuedRun(0, 0, 0)
    assert sender.sends == []


def test_failed_partners_are_split_off_into_isolated_messages() -> None:
    sender = RecordingSender()
    batch = SnapshotBatchMessage(month="2026-10", partner_ids=["a", "b", "c"], email=False)

    result = work_batch(batch, lambda m: BatchWork(["a"], {"b": ValueError("x"), "c": None}), sender)

    assert result == ["a"]
    assert sender.sends == [
        [
            {"partner_ids": ["b"], "isolated": True, "month": "2026-10", "email": False},
            {"partner_ids": ["c"], "isolated": True, "month": "2026-10", "email": False},
        ]
    ]


@pytest.mark.parametrize(
    "batch",
    [
        DailyBatchMessage(as_of=AS_OF, partner_ids=["b"], isolated=True),
        DailyBatchMessage(as_of=AS_OF, partner_ids=["b"]),  # alone already: retrying it is isolation
    ],
)
def test_a_failed_single_partner_message_raises(batch: DailyBatchMessage) -> None:
    sender = RecordingSender()
    with pytest.raises(PartnersFailed) as raised:
        work_batch(batch, lambda m: BatchWork(None, {"b": RuntimeError("boom")}), sender)
    assert list(raised.value.failed) == ["b"]
    assert "boom" in str(raised.value)
    assert sender.sends == []


def record(message_id: str, body: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"rh-{message_id}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:daily",
        "awsRegion": "us-east-1",
    }


def test_process_records_reports_failed_records_and_keeps_each_result() -> None:
    good = json.dumps({"as_of": "2026-11-01", "partner_ids": ["a", "b"]})
    poisoned = json.dumps({"as_of": "2026-11-01", "partner_ids": ["c"], "isolated": True})
    event = {"Records": [record("m1", good), record("m2", "not json"), record("m3", poisoned)]}

    def work(batch: DailyBatchMessage) -> int:
        if batch.isolated:
            raise PartnersFailed(batch, {"c": None})
        return len(batch.partner_ids)

    run = process_records(event, None, DailyBatchMessage, work)

    assert run.results == {"m1": 2}
    assert run.response == {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}


def test_every_record_failing_is_reported_not_raised() -> None:
    event = {"Records": [record("m1", "{}")]}
    run = process_records(event, None, DailyBatchMessage, lambda batch: 0)
    assert run.response == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert run.results == {}


# ---- the scheduled runs' inputs ---------------------------------------------------------------------


def test_the_scheduled_inputs_name_the_period_that_just_ended() -> None:
    policy = load_policy()  # v1: UTC
    assert DailyRunInput.model_validate({"scheduled_time": "2026-11-02T00:15:00Z"}).score_date(
        policy
    ) == date(2026, 11, 1)
    monthly = MonthlyRunInput.model_validate({"scheduled_time": "2026-01-01T00:30:00Z"})
    assert (str(monthly.snapshot_month(policy)), monthly.email) == ("2025-12", True)
    by_hand = MonthlyRunInput.model_validate({"month": "2026-10", "email": False, "extra": 1})
    assert (str(by_hand.snapshot_month(policy)), by_hand.email) == ("2026-10", False)


@pytest.mark.parametrize(("model", "field"), [(DailyRunInput, "as_of"), (MonthlyRunInput, "month")])
def test_a_run_input_needs_the_scheduled_time_or_its_period(
    model: type[DailyRunInput] | type[MonthlyRunInput], field: str
) -> None:
    with pytest.raises(ValidationError, match=f"need scheduled_time or {field}"):
        model.model_validate({"email": True})


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (DailyBatchMessage, {"as_of": "2026-11-01"}),
        (SnapshotBatchMessage, {"month": "2026-10"}),
        (BacktestBatchMessage, {"backtest_id": "bt-0123456789abcdef0123"}),
    ],
)
def test_a_message_names_each_partner_once(model: type[PartnerBatch], fields: dict[str, str]) -> None:
    """Hand-sent messages may repeat a partner: it is worked once (a backtest batch would otherwise
    count it twice in its histograms; DynamoDB refuses batch calls whose keys repeat)."""
    message = model.model_validate({**fields, "partner_ids": ["b", "a", "b", "c", "a"]})
    assert message.partner_ids == ["b", "a", "c"]  # first mention kept, order kept
