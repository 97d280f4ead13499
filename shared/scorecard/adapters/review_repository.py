"""Score reviews in DynamoDB: requests, pickups, resolutions, job exclusions, and the ops queue (GSI2,
see adapters.keys). Every change of a review is conditioned on the document it was read as, so two
concurrent steps cannot overwrite each other's audit trail: `steps` counts the audit trail's entries
(at least one: the request) and each change is conditioned on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import msgspec
from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aggregate_items import exclusion_update, lowest_index_key
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import query_items
from scorecard.schemas.reviews import ReviewView

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef


class ReviewConflict(Exception):
    """The review changed since it was read (e.g. resolved meanwhile), or does not exist."""


class UnknownJobs(Exception):
    def __init__(self, job_ids: list[str]) -> None:
        super().__init__(", ".join(job_ids))
        self.job_ids = job_ids


def _cancellation_reasons(error: ClientError) -> list[str]:
    """The per-item codes of a cancelled transaction ("None" for an item that passed); re-raises any
    other error."""
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        raise error
    return [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]


def _unchanged(previous: ReviewView) -> str:
    """The condition that the stored review still has the audit trail `previous` was read with."""
    return "steps = :previous_steps"


def _previous_steps(previous: ReviewView) -> dict[str, AttributeValueTypeDef]:
    return {":previous_steps": {"N": str(len(previous.history))}}


class ReviewPage(msgspec.Struct, frozen=True):
    reviews: list[ReviewView]
    next_cursor: str | None


class ReviewRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def create(self, review: ReviewView) -> None:
        """The review (in the open queue) and its pointer, in one transaction, once each of its jobs is
        found to be a job of the partner: UnknownJobs (nothing written) names every job that is not."""
        partner_id, review_id = review.partner_id, review.review_id
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        "PK": {"S": keys.partner_pk(partner_id)},
                        "SK": {"S": keys.review_sk(review_id)},
                        "doc": {"S": review.model_dump_json()},
                        "steps": {"N": str(len(review.history))},
                        "GSI2PK": {"S": keys.review_queue_pk("open")},
                        "GSI2SK": {"S": keys.review_queue_sk(review.requested_at, review_id)},
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        "PK": {"S": keys.review_pointer_pk(review_id)},
                        "SK": {"S": keys.REVIEW_SK},
                        "partner_id": {"S": partner_id},
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
        missing = [job_id for job_id in review.job_ids if self._lowest_index_key(partner_id, job_id) is None]
        if missing:  # a job, once recorded, is never removed: checked before the write, it stays true
            raise UnknownJobs(missing)
        client("dynamodb").transact_write_items(TransactItems=items)

    def for_partner(self, partner_id: str) -> list[ReviewView]:
        items = query_items(
            self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :r)",
            ExpressionAttributeValues={
                ":pk": {"S": keys.partner_pk(partner_id)},
                ":r": {"S": keys.REVIEW_PREFIX},
            },
        )
        return [ReviewView.model_validate_json(item["doc"]["S"]) for item in items]

    def find(self, review_id: str) -> ReviewView | None:
        dynamodb = client("dynamodb")
        pointer = dynamodb.get_item(
            TableName=self._table,
            Key={"PK": {"S": keys.review_pointer_pk(review_id)}, "SK": {"S": keys.REVIEW_SK}},
            ConsistentRead=True,
        ).get("Item")
        if pointer is None:
            return None
        partner_id = pointer["partner_id"]["S"]
        item = dynamodb.get_item(
            TableName=self._table,
            Key={"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.review_sk(review_id)}},
            ConsistentRead=True,
        ).get("Item")
        return None if item is None else ReviewView.model_validate_json(item["doc"]["S"])

    def pick_up(self, previous: ReviewView, review: ReviewView) -> None:
        """Store the in_review step; ReviewConflict when the review changed since `previous` was read."""
        try:
            client("dynamodb").update_item(
                TableName=self._table,
                Key={
                    "PK": {"S": keys.partner_pk(review.partner_id)},
                    "SK": {"S": keys.review_sk(review.review_id)},
                },
                UpdateExpression="SET doc = :doc, steps = :steps",
                ConditionExpression=f"{_unchanged(previous)} AND attribute_not_exists(resolved)",
                ExpressionAttributeValues={
                    ":doc": {"S": review.model_dump_json()},
                    ":steps": {"N": str(len(review.history))},
                    **_previous_steps(previous),
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ReviewConflict(review.review_id) from error
            raise

    def queue(self, queue: Literal["open", "resolved"], limit: int, cursor: str | None) -> ReviewPage:
        """One page of the cross-partner queue, oldest request first (one GSI2 query, no scan);
        `cursor` is the previous page's `next_cursor`."""
        condition = "GSI2PK = :pk"
        values: dict[str, AttributeValueTypeDef] = {":pk": {"S": keys.review_queue_pk(queue)}}
        if cursor is not None:
            condition += " AND GSI2SK > :after"
            values[":after"] = {"S": cursor}
        reviews: list[ReviewView] = []
        sort_keys: list[str] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": keys.GSI2,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "Limit": limit + 1,  # one more than the page tells whether there is a next one
        }
        dynamodb = client("dynamodb")
        while len(reviews) <= limit:
            response = dynamodb.query(**kwargs)
            for item in response.get("Items", []):
                reviews.append(ReviewView.model_validate_json(item["doc"]["S"]))
                sort_keys.append(item["GSI2SK"]["S"])
            if not response.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        if len(reviews) > limit:
            return ReviewPage(reviews[:limit], sort_keys[limit - 1])
        return ReviewPage(reviews, None)

    def resolve(self, previous: ReviewView, review: ReviewView) -> None:
        """Store the resolution (moving the review to the resolved queue) and mark its excluded jobs,
        all or nothing: the review must be unchanged since `previous` was read and every job must
        exist."""
        partner_id, review_id, excluded_job_ids = review.partner_id, review.review_id, review.excluded_job_ids
        items: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": {"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.review_sk(review_id)}},
                    "UpdateExpression": (
                        "SET doc = :doc, steps = :steps, resolved = :t, GSI2PK = :queue, GSI2SK = :order"
                    ),
                    "ConditionExpression": f"{_unchanged(previous)} AND attribute_not_exists(resolved)",
                    "ExpressionAttributeValues": {
                        ":doc": {"S": review.model_dump_json()},
                        ":steps": {"N": str(len(review.history))},
                        ":t": {"BOOL": True},
                        ":queue": {"S": keys.review_queue_pk("resolved")},
                        ":order": {"S": keys.review_queue_sk(review.requested_at, review_id)},
                        **_previous_steps(previous),
                    },
                }
            }
        ]
        lowest = {job_id: self._lowest_index_key(partner_id, job_id) for job_id in excluded_job_ids}
        if missing := [job_id for job_id, index_key in lowest.items() if index_key is None]:
            raise UnknownJobs(missing)  # a job, once recorded, is never removed: this stays true
        items += [
            {"Update": exclusion_update(self._table, partner_id, job_id, review_id, index_key)}
            for job_id, index_key in lowest.items()
            if index_key is not None
        ]
        try:
            client("dynamodb").transact_write_items(TransactItems=items)
        except ClientError as error:
            reasons = _cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise ReviewConflict(review_id) from error
            raise

    def _lowest_index_key(self, partner_id: str, job_id: str) -> str | None:
        """None when the partner has no such job (no item of it)."""
        return lowest_index_key(self._table, partner_id, keys.job_sk(job_id))
