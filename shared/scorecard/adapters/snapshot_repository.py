"""DynamoDB records of monthly snapshots (PARTNER#<pid> / SNAP#<YYYY-MM>): what GET /snapshots lists and
what the email's 12-month trend reads, without touching S3."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.paging import query_items


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    partner_id: str
    month: str  # YYYY-MM
    document: str  # JSON of the snapshot document (the same bytes as the archived .json)
    json_key: str
    html_key: str
    generated_at: str
    monthly_score: int | None
    grade: str | None
    recipient: str | None  # the address it was (to be) emailed to; None: partner has no email
    notify: bool = True  # False: archived by a backfill, not emailed


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month: str
    monthly_score: int | None
    grade: str | None


def _item(snapshot: StoredSnapshot) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": {"S": keys.partner_pk(snapshot.partner_id)},
        "SK": {"S": keys.snapshot_sk(snapshot.month)},
        "partner_id": {"S": snapshot.partner_id},
        "month": {"S": snapshot.month},
        "doc": {"S": snapshot.document},
        "json_key": {"S": snapshot.json_key},
        "html_key": {"S": snapshot.html_key},
        "generated_at": {"S": snapshot.generated_at},
        "notify": {"BOOL": snapshot.notify},
    }
    if snapshot.monthly_score is not None:
        item["monthly_score"] = {"N": str(snapshot.monthly_score)}
    if snapshot.grade is not None:
        item["grade"] = {"S": snapshot.grade}
    if snapshot.recipient is not None:
        item["recipient"] = {"S": snapshot.recipient}
    return item


def _snapshot(item: dict[str, Any]) -> StoredSnapshot:
    return StoredSnapshot(
        partner_id=item["partner_id"]["S"],
        month=item["month"]["S"],
        document=item["doc"]["S"],
        json_key=item["json_key"]["S"],
        html_key=item["html_key"]["S"],
        generated_at=item["generated_at"]["S"],
        monthly_score=int(item["monthly_score"]["N"]) if "monthly_score" in item else None,
        grade=item["grade"]["S"] if "grade" in item else None,
        recipient=item["recipient"]["S"] if "recipient" in item else None,
        notify=item.get("notify", {}).get("BOOL", True),
    )


class SnapshotRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def save(self, snapshot: StoredSnapshot) -> None:
        """Unconditional put: a re-run of the month replaces the record, like the S3 objects."""
        client("dynamodb").put_item(TableName=self._table, Item=_item(snapshot))

    def get(self, partner_id: str, month: str) -> StoredSnapshot | None:
        response = client("dynamodb").get_item(
            TableName=self._table,
            Key={"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.snapshot_sk(month)}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return None if item is None else _snapshot(item)

    def newest_first(self, partner_id: str, limit: int | None = None) -> list[StoredSnapshot]:
        """Newest first."""
        found: list[StoredSnapshot] = []
        for item in self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :snap)",
            ExpressionAttributeValues={
                ":pk": {"S": keys.partner_pk(partner_id)},
                ":snap": {"S": keys.SNAPSHOT_PREFIX},
            },
            ScanIndexForward=False,
        ):
            found.append(_snapshot(item))
            if limit is not None and len(found) >= limit:
                break
        return found

    def trend(self, partner_id: str, first: str, last: str) -> list[TrendPoint]:
        """Score and grade of each stored month in [first, last] (YYYY-MM), oldest first; one query
        that reads only the two attributes the trend draws."""
        return [
            TrendPoint(
                month=item["month"]["S"],
                monthly_score=int(item["monthly_score"]["N"]) if "monthly_score" in item else None,
                grade=item["grade"]["S"] if "grade" in item else None,
            )
            for item in self._query(
                KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
                ExpressionAttributeValues={
                    ":pk": {"S": keys.partner_pk(partner_id)},
                    ":first": {"S": keys.snapshot_sk(first)},
                    ":last": {"S": keys.snapshot_sk(last)},
                },
                ProjectionExpression="#m, monthly_score, grade",
                ExpressionAttributeNames={"#m": "month"},
            )
        ]

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query_items(self._table, **kwargs)
