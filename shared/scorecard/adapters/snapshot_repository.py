"""DynamoDB records of monthly snapshots (PARTNER#<pid> / SNAP#<YYYY-MM>, the latest revision, and
SNAPREV#<YYYY-MM>#<nnn>, the earlier ones): what GET /snapshots lists and what the email's 12-month
trend reads, without touching S3. Each keeps at most 100 entries per job list (the S3 JSON has all)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import batch_get_items, from_item, query_items, query_key_range, to_item
from scorecard.adapters.records import LatestSnapshot, SnapshotRecord, TrendPoint
from scorecard.schemas.snapshots import SnapshotDocument


class SnapshotConflict(Exception):
    """Another writer recorded this month's snapshot (or a revision of it) first."""


def _item(snapshot: SnapshotRecord, sk: str | None = None) -> dict[str, Any]:
    document = snapshot.document
    return to_item(
        {
            "PK": keys.partner_pk(snapshot.partner_id),
            "SK": sk or keys.snapshot_sk(snapshot.month),
            "partner_id": snapshot.partner_id,
            "month": snapshot.month,
            "revision": document.revision,
            # The archived .json's fields, at most MAX_LISTED entries per job list (400 KB item limit).
            "doc": document.bounded().model_dump_json(),
            "json_key": snapshot.json_key,
            "html_key": snapshot.html_key,
            "generated_at": snapshot.generated_at.isoformat(),
            "notify": snapshot.notify,
            # Copies of the document's figures: the trend query reads only these.
            "monthly_score": document.monthly_score,
            "grade": document.grade,
            "recipient": snapshot.recipient,
        }
    )


def _snapshot(item: dict[str, Any]) -> SnapshotRecord:
    values = from_item(item)
    return SnapshotRecord(
        document=SnapshotDocument.model_validate_json(values["doc"]),
        json_key=values["json_key"],
        html_key=values["html_key"],
        generated_at=datetime.fromisoformat(values["generated_at"]),
        recipient=values.get("recipient"),
        notify=values.get("notify", True),
    )


def _trend_point(item: dict[str, Any]) -> TrendPoint:
    values = from_item(item)
    score = values.get("monthly_score")
    return TrendPoint(values["month"], None if score is None else int(score), values.get("grade"))


class SnapshotRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def save(self, snapshot: SnapshotRecord, *, replacing_quiet: bool = False) -> None:
        """Record revision 1; SnapshotConflict when the month already has a record (a racing writer:
        the retry takes the restatement path). `replacing_quiet`: replace a revision 1 archived
        without email (a backfill) by the one now sent."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "Item": _item(snapshot),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
        if replacing_quiet:
            request["ConditionExpression"] += " OR (revision = :one AND notify = :quiet)"
            request["ExpressionAttributeValues"] = {":one": {"N": "1"}, ":quiet": {"BOOL": False}}
        try:
            client("dynamodb").put_item(**request)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise SnapshotConflict(snapshot.month) from error
            raise

    def restate(
        self, previous: SnapshotRecord, archived_previous: SnapshotRecord, new: SnapshotRecord
    ) -> None:
        """In one transaction: keep `archived_previous` (the previous revision, pointing at its own S3
        copies) as SNAPREV#<month>#<n>, and replace the month's record by `new` (revision n+1), on the
        condition that the record is still revision n; SnapshotConflict otherwise."""
        n = previous.document.revision
        try:
            client("dynamodb").transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": _item(archived_previous, keys.snapshot_revision_sk(previous.month, n)),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": _item(new),
                            "ConditionExpression": "attribute_not_exists(revision) OR revision = :n",
                            "ExpressionAttributeValues": {":n": {"N": str(n)}},
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                raise SnapshotConflict(new.month) from error
            raise

    def get(self, partner_id: str, month: str, revision: int | None = None) -> SnapshotRecord | None:
        """The month's latest revision, or revision `revision` (earlier ones are kept apart)."""
        if revision is not None:
            earlier = self._get(partner_id, keys.snapshot_revision_sk(month, revision))
            if earlier is not None:
                return earlier
        latest = self._get(partner_id, keys.snapshot_sk(month))
        if latest is None or (revision is not None and latest.document.revision != revision):
            return None
        return latest

    def _get(self, partner_id: str, sk: str) -> SnapshotRecord | None:
        response = client("dynamodb").get_item(
            TableName=self._table,
            Key={"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": sk}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return None if item is None else _snapshot(item)

    def latest_snapshots(self, month: str, partner_ids: Sequence[str]) -> dict[str, LatestSnapshot]:
        """The final snapshot of `month` of each of these partners that has one, in its latest
        revision, by partner: one BatchGetItem per 100 partners. The bonus roster reads snapshots
        through here only. Each record is its month's one revision so far (revision 1: the monthly
        run's)."""
        found = self.records(month, partner_ids, consistent=False)
        return {partner_id: LatestSnapshot(record, 1) for partner_id, record in found.items()}

    def records(
        self, month: str, partner_ids: Sequence[str], *, consistent: bool = True
    ) -> dict[str, SnapshotRecord]:
        """The month's record (its latest revision) of each of these partners that has one, by
        partner: one BatchGetItem per 100 partners, where `get` is a GetItem each."""
        items = batch_get_items(
            self._table,
            [
                {"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.snapshot_sk(month)}}
                for partner_id in partner_ids
            ],
            consistent=consistent,
        )
        return {record.partner_id: record for record in map(_snapshot, items)}

    def between(self, partner_id: str, first: str, last: str) -> list[SnapshotRecord]:
        """The latest revision of each month in [first, last] (YYYY-MM), oldest first: one query."""
        return [_snapshot(item) for item in self._months(partner_id, first, last)]

    def newest_first(self, partner_id: str, limit: int | None = None) -> list[SnapshotRecord]:
        """Newest first."""
        found: list[SnapshotRecord] = []
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
        items = self._months(
            partner_id,
            first,
            last,
            ProjectionExpression="#m, monthly_score, grade",
            ExpressionAttributeNames={"#m": "month"},
        )
        return [_trend_point(item) for item in items]

    def _months(self, partner_id: str, first: str, last: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """The month records (SNAP#) of [first, last] (YYYY-MM), oldest first: one query."""
        first_sk, last_sk = keys.snapshot_sk(first), keys.snapshot_sk(last)
        return query_key_range(self._table, keys.partner_pk(partner_id), first_sk, last_sk, **kwargs)

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query_items(self._table, **kwargs)
