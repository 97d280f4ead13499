"""Score reviews in DynamoDB: requests, resolutions, and job exclusions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import query_items
from scorecard.views import ReviewView

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


class ReviewConflict(Exception):
    """The review is already resolved (or does not exist)."""


class UnknownJobs(Exception):
    def __init__(self, job_ids: list[str]) -> None:
        super().__init__(", ".join(job_ids))
        self.job_ids = job_ids


class ReviewRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def create(self, review: ReviewView) -> None:
        """The review and its pointer, in one transaction."""
        partner_id, review_id = review.partner_id, review.review_id
        client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            "PK": {"S": keys.partner_pk(partner_id)},
                            "SK": {"S": keys.review_sk(review_id)},
                            "doc": {"S": review.model_dump_json()},
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
        )

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

    def resolve(self, review: ReviewView) -> None:
        """Store the resolution and mark its excluded jobs, all or nothing: the review must still be
        open and every job must exist."""
        partner_id, review_id, excluded_job_ids = review.partner_id, review.review_id, review.excluded_job_ids
        items: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": {"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.review_sk(review_id)}},
                    "UpdateExpression": "SET doc = :doc, resolved = :t",
                    "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(resolved)",
                    "ExpressionAttributeValues": {
                        ":doc": {"S": review.model_dump_json()},
                        ":t": {"BOOL": True},
                    },
                }
            }
        ]
        for job_id in excluded_job_ids:
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": {"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.job_sk(job_id)}},
                        "UpdateExpression": "SET excluded = :t, excluded_by = :rid",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeValues": {":t": {"BOOL": True}, ":rid": {"S": review_id}},
                    }
                }
            )
        try:
            client("dynamodb").transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise ReviewConflict(review_id) from error
            missing = [
                job for job, code in zip(excluded_job_ids, reasons[1:], strict=False) if code != "None"
            ]
            if missing:
                raise UnknownJobs(missing) from error
            raise
