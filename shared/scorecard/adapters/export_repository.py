"""Exports in DynamoDB (key layout: adapters.keys, "Exports"): one item per export, the request as one
JSON document beside a fixed set of progress scalars, each step a conditional update (a re-delivered
or duplicated message changes nothing twice)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import from_item, to_item
from scorecard.schemas.exports import ExportRecord

MAX_REASON_CHARS = 500  # a failure's reason is cut here: the item stays small whatever went wrong
_OPEN = {":queued": {"S": "queued"}, ":running": {"S": "running"}}
_IS_OPEN = "#s IN (:queued, :running)"
# Attribute names DynamoDB reserves (STATUS, ROWS, CURSOR, ...) or might go through placeholders; a
# call names only those its expressions use (DynamoDB refuses unused ones).
_STATUS = {"#s": "status"}


def _key(export_id: str) -> dict[str, Any]:
    return {"PK": {"S": keys.export_pk(export_id)}, "SK": {"S": keys.EXPORT_SK}}


def _conditional(update: dict[str, Any]) -> bool:
    """Run a conditional UpdateItem; False when its condition does not hold."""
    try:
        client("dynamodb").update_item(**update)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


class ExportRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def create(self, record: ExportRecord) -> None:
        item = to_item(
            {
                "PK": keys.export_pk(record.export_id),
                "SK": keys.EXPORT_SK,
                "request": record.request.model_dump_json(),
                "requested_by": record.requested_by,
                "created_at": record.created_at.isoformat(),
                "expires_at": int(record.expires_at.timestamp()),  # the table's TTL attribute
                "as_of": None if record.as_of is None else record.as_of.isoformat(),
                "status": record.status,
                "rows": 0,
                "next_page": 0,
                "written": False,
                "attempts": 0,
            }
        )
        client("dynamodb").put_item(
            TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(PK)"
        )

    def get(self, export_id: str) -> ExportRecord | None:
        item = (
            client("dynamodb")
            .get_item(TableName=self._table, Key=_key(export_id), ConsistentRead=True)
            .get("Item")
        )
        if item is None:
            return None
        values = from_item(item)
        return ExportRecord.model_validate(
            {
                "export_id": export_id,
                "request": json.loads(values["request"]),
                "requested_by": values["requested_by"],
                "created_at": values["created_at"],
                "expires_at": datetime.fromtimestamp(int(values["expires_at"]), tz=UTC),
                "as_of": values.get("as_of"),
                "status": values["status"],
                "rows": int(values["rows"]),
                "next_page": int(values["next_page"]),
                "cursor": values.get("cursor"),
                "written": values["written"],
                "advanced_by": values.get("advanced_by"),
                "attempts": int(values["attempts"]),
                "reason": values.get("reason"),
                "object_key": values.get("object_key"),
                "completed_at": values.get("completed_at"),
            },
        )

    def advance(self, export_id: str, page: int, cursor: str | None, rows: int, nonce: str) -> bool:
        """Only from `page` (so a page is counted once) and while the export is open."""
        values: dict[str, Any] = {
            ":page": {"N": str(page)},
            ":next": {"N": str(page + 1)},
            ":rows": {"N": str(rows)},
            ":nonce": {"S": nonce},
            ":written": {"BOOL": cursor is None},
            ":zero": {"N": "0"},
            ":run": {"S": "running"},
            **_OPEN,
        }
        update = "SET next_page = :next, #w = :written, advanced_by = :nonce, #a = :zero, #s = :run"
        if cursor is None:
            update += " ADD #r :rows REMOVE #c"
        else:
            update += ", #c = :cursor ADD #r :rows"
            values[":cursor"] = {"S": cursor}
        return _conditional(
            {
                "TableName": self._table,
                "Key": _key(export_id),
                "UpdateExpression": update,
                "ConditionExpression": f"next_page = :page AND {_IS_OPEN}",
                "ExpressionAttributeNames": {
                    **_STATUS,
                    "#a": "attempts",
                    "#c": "cursor",
                    "#w": "written",
                    "#r": "rows",
                },
                "ExpressionAttributeValues": values,
            }
        )

    def record_failure(self, export_id: str, reason: str) -> int:
        try:
            answer = client("dynamodb").update_item(
                TableName=self._table,
                Key=_key(export_id),
                UpdateExpression="SET #why = :reason ADD #a :one",
                ConditionExpression=_IS_OPEN,
                ExpressionAttributeNames={**_STATUS, "#why": "reason", "#a": "attempts"},
                ExpressionAttributeValues={
                    ":reason": {"S": reason[:MAX_REASON_CHARS]},
                    ":one": {"N": "1"},
                    **_OPEN,
                },
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return 0
            raise
        return int(answer["Attributes"]["attempts"]["N"])

    def fail(self, export_id: str, reason: str) -> None:
        _conditional(
            {
                "TableName": self._table,
                "Key": _key(export_id),
                "UpdateExpression": "SET #s = :failed, #why = :reason",
                "ConditionExpression": _IS_OPEN,
                "ExpressionAttributeNames": {**_STATUS, "#why": "reason"},
                "ExpressionAttributeValues": {
                    ":failed": {"S": "failed"},
                    ":reason": {"S": reason[:MAX_REASON_CHARS]},
                    **_OPEN,
                },
            }
        )

    def complete(self, export_id: str, object_key: str, completed_at: datetime) -> bool:
        return _conditional(
            {
                "TableName": self._table,
                "Key": _key(export_id),
                "UpdateExpression": "SET #s = :complete, object_key = :key, completed_at = :at REMOVE #why",
                "ConditionExpression": f"#w = :true AND {_IS_OPEN}",
                "ExpressionAttributeNames": {**_STATUS, "#why": "reason", "#w": "written"},
                "ExpressionAttributeValues": {
                    ":complete": {"S": "complete"},
                    ":key": {"S": object_key},
                    ":at": {"S": completed_at.isoformat()},
                    ":true": {"BOOL": True},
                    **_OPEN,
                },
            }
        )
