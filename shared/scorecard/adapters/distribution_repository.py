"""The daily score distributions behind peer standing (domain.standing), in the partners table.

Layout (this module owns the DIST# key family):
    PK = DIST#<YYYY-MM-DD>, SK = BATCH#<batch key>   one daily batch's histograms: {"network": {tenths:
                                                     count}, "processes": {process: {tenths: count}}}
    PK = DIST#<YYYY-MM-DD>, SK = SUM                 the day's total, summed from the batch items by the
                                                     first reader, so every later batch reads one item

Idempotent by construction: a batch's item is PUT whole (not ADDed to) under a key derived from the
batch's partner ids, so a re-delivered message or a re-run of the day with the same batches replaces
its own item instead of counting twice. Every batch write also deletes the day's SUM, so a re-run of a
day that was already read is summed afresh. The coordinator clears the day's items before queueing a
run (`clear`), so a re-run whose batches came out differently (a partner registered in between) leaves
no stale batch behind.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from aws_lambda_powertools import Logger

from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import batch_writer, query_items
from scorecard.domain.standing import Distribution

DIST_PREFIX = "DIST#"
BATCH_PREFIX = "BATCH#"
SUM_SK = "SUM"

logger = Logger(child=True)


def distribution_pk(day: date) -> str:
    return f"{DIST_PREFIX}{day.isoformat()}"


def _encode(distribution: Distribution) -> str:
    return json.dumps(
        {
            "network": {str(k): v for k, v in sorted(distribution.network.items())},
            "processes": {
                name: {str(k): v for k, v in sorted(histogram.items())}
                for name, histogram in sorted(distribution.processes.items())
            },
        },
        separators=(",", ":"),
    )


def _decode(day: date, text: str) -> Distribution:
    raw: dict[str, Any] = json.loads(text)
    return Distribution(
        as_of=day,
        network={int(k): int(v) for k, v in raw["network"].items()},
        processes={
            name: {int(k): int(v) for k, v in histogram.items()}
            for name, histogram in raw["processes"].items()
        },
    )


class DistributionRepository:
    def __init__(self, table: str) -> None:
        self._table = table

    def save_batch(self, key: str, distribution: Distribution) -> None:
        """Store (replace) one batch's histograms for its day and drop the day's stale SUM."""
        pk = distribution_pk(distribution.as_of)
        with batch_writer(self._table) as batch:
            batch.put_item(
                Item={
                    "PK": {"S": pk},
                    "SK": {"S": f"{BATCH_PREFIX}{key}"},
                    "histograms": {"S": _encode(distribution)},
                }
            )
            batch.delete_item(Key={"PK": {"S": pk}, "SK": {"S": SUM_SK}})

    def load(self, day: date) -> Distribution | None:
        """The day's distribution: its SUM item (one GetItem), else the batch items summed (and the SUM
        written for the next reader). None when nothing was stored for the day."""
        pk = distribution_pk(day)
        dynamodb = client("dynamodb")
        summed = dynamodb.get_item(
            TableName=self._table, Key={"PK": {"S": pk}, "SK": {"S": SUM_SK}}, ConsistentRead=True
        ).get("Item")
        if summed is not None:
            return _decode(day, summed["histograms"]["S"])
        total: Distribution | None = None
        for item in self._batch_items(day):
            part = _decode(day, item["histograms"]["S"])
            if total is None:
                total = part
            else:
                total.merge(part)
        if total is not None:
            try:
                dynamodb.put_item(
                    TableName=self._table,
                    Item={"PK": {"S": pk}, "SK": {"S": SUM_SK}, "histograms": {"S": _encode(total)}},
                )
            except dynamodb.exceptions.ClientError:
                # Only a shortcut for later readers (e.g. a day of many dense processes past the 400 KB
                # item limit): without it each message sums the parts itself.
                logger.warning("distribution sum not stored", extra={"day": day.isoformat()}, exc_info=True)
        return total

    def clear(self, day: date) -> int:
        """Delete the day's batch items and SUM before a (re-)run of that day; returns how many."""
        pk = distribution_pk(day)
        items = list(
            query_items(
                self._table,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
                ProjectionExpression="PK, SK",
            )
        )
        with batch_writer(self._table) as batch:
            for item in items:
                batch.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})
        return len(items)

    def _batch_items(self, day: date) -> list[dict[str, Any]]:
        return list(
            query_items(
                self._table,
                KeyConditionExpression="PK = :pk AND begins_with(SK, :batch)",
                ExpressionAttributeValues={
                    ":pk": {"S": distribution_pk(day)},
                    ":batch": {"S": BATCH_PREFIX},
                },
                ConsistentRead=True,
            )
        )
