"""Backtests in DynamoDB (key layout: adapters.keys, "Backtests"): the request with its progress
counters, and one result item per batch, written once together with the counters it adds to."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from pydantic import TypeAdapter

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import query_items, to_item
from scorecard.schemas.backtests import BacktestBatchResult, BacktestRecord, VersionRun

_RUNS = TypeAdapter(list[VersionRun])
_COUNTERS = (
    "planned",
    "active_versions",
    "partners_queued",
    "batches_queued",
    "partners_done",
    "batches_done",
)


def _record_key(backtest_id: str) -> dict[str, Any]:
    return {"PK": {"S": keys.backtest_pk(backtest_id)}, "SK": {"S": keys.BACKTEST_SK}}


class BacktestRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def create(self, record: BacktestRecord) -> None:
        item = to_item(
            {
                "PK": keys.backtest_pk(record.backtest_id),
                "SK": keys.BACKTEST_SK,
                # The request as one JSON document (candidate inline); counters live beside it.
                "request": record.model_dump_json(exclude=set(_COUNTERS)),
                "planned": False,
                "partners_queued": 0,
                "batches_queued": 0,
                "partners_done": 0,
                "batches_done": 0,
            }
        )
        client("dynamodb").put_item(
            TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(PK)"
        )

    def get(self, backtest_id: str) -> BacktestRecord | None:
        item = (
            client("dynamodb")
            .get_item(TableName=self._table, Key=_record_key(backtest_id), ConsistentRead=True)
            .get("Item")
        )
        if item is None:
            return None
        runs = item.get("active_versions", {}).get("S")
        return BacktestRecord.model_validate_json(item["request"]["S"]).model_copy(
            update={
                "planned": item["planned"]["BOOL"],
                "active_versions": [] if runs is None else _version_runs(runs),
                **{name: int(item[name]["N"]) for name in _COUNTERS[2:]},
            }
        )

    def mark_planned(self, backtest_id: str, partners: int, batches: int) -> None:
        """Every batch is queued: the totals progress is measured against."""
        client("dynamodb").update_item(
            TableName=self._table,
            Key=_record_key(backtest_id),
            UpdateExpression="SET planned = :t, partners_queued = :p, batches_queued = :b",
            ExpressionAttributeValues={
                ":t": {"BOOL": True},
                ":p": {"N": str(partners)},
                ":b": {"N": str(batches)},
            },
        )

    def set_active_versions(self, backtest_id: str, active_versions: list[VersionRun]) -> None:
        """Before any batch is queued: the workers read which version scored each day from here."""
        client("dynamodb").update_item(
            TableName=self._table,
            Key=_record_key(backtest_id),
            UpdateExpression="SET active_versions = :runs",
            ExpressionAttributeValues={":runs": {"S": _dump_runs(active_versions)}},
        )

    def add_result(self, backtest_id: str, batch_key: str, result: BacktestBatchResult) -> bool:
        """Store a batch's result and count it, in one transaction; False when this batch's result is
        stored already (a re-delivered message counts once)."""
        try:
            client("dynamodb").transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                "PK": {"S": keys.backtest_pk(backtest_id)},
                                "SK": {"S": keys.backtest_result_sk(batch_key)},
                                "result": {"S": result.model_dump_json()},
                            },
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": _record_key(backtest_id),
                            "UpdateExpression": "ADD partners_done :p, batches_done :b",
                            "ExpressionAttributeValues": {
                                ":p": {"N": str(result.partners)},
                                ":b": {"N": "0" if result.isolated else "1"},
                            },
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        return True

    def results(self, backtest_id: str) -> list[BacktestBatchResult]:
        """Every stored batch result: one Query, paged (one item per batch of 50 partners)."""
        return [
            BacktestBatchResult.model_validate_json(item["result"]["S"])
            for item in query_items(
                self._table,
                KeyConditionExpression="PK = :pk AND begins_with(SK, :results)",
                ExpressionAttributeValues={
                    ":pk": {"S": keys.backtest_pk(backtest_id)},
                    ":results": {"S": keys.BACKTEST_RESULT_PREFIX},
                },
            )
        ]


def _dump_runs(runs: list[VersionRun]) -> str:
    return _RUNS.dump_json(runs).decode()


def _version_runs(text: str) -> list[VersionRun]:
    return _RUNS.validate_json(text)
