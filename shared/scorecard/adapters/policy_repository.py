"""Stored policy versions and their adoptions in DynamoDB (key layout: adapters.keys, "Policy
versions"). A version, once stored, never changes (a put is conditioned on its absence); an adoption
is a new item each time, so the history of who adopted what, when and why is never overwritten."""

from __future__ import annotations

from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import from_item, query_items, to_item
from scorecard.domain.policy import ScoringPolicy
from scorecard.schemas.policy import AdoptionView, PolicyVersionView


def _version(item: dict[str, Any]) -> PolicyVersionView:
    values = from_item(item)
    return PolicyVersionView(
        version=values["SK"],
        source="stored",
        created_by=values.get("created_by"),
        created_at=values.get("created_at"),
        note=values.get("note"),
        policy=ScoringPolicy.model_validate_json(values["policy"]),
    )


def _adoption(item: dict[str, Any]) -> AdoptionView:
    values = from_item(item)
    return AdoptionView(
        version=values["version"],
        effective_from=values["effective_from"],
        adopted_by=values["adopted_by"],
        recorded_at=values["recorded_at"],
        reason=values.get("reason"),
    )


class PolicyRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name
        self._client = client("dynamodb")

    def get_version(self, version: str) -> PolicyVersionView | None:
        item = self._client.get_item(
            TableName=self._table,
            Key={"PK": {"S": keys.POLICY_VERSIONS_PK}, "SK": {"S": version}},
            ConsistentRead=True,
        ).get("Item")
        return None if item is None else _version(item)

    def add_version(self, stored: PolicyVersionView) -> bool:
        """Store a new version; False when the name is taken (two callers racing for one name: exactly
        one stores it)."""
        item = to_item(
            {
                "PK": keys.POLICY_VERSIONS_PK,
                "SK": stored.version,
                "policy": stored.policy.model_dump_json(),
                "created_by": stored.created_by,
                "created_at": None if stored.created_at is None else stored.created_at.isoformat(),
                "note": stored.note,
            }
        )
        try:
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(PK)"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def versions_page(self, limit: int, after: str | None) -> tuple[list[PolicyVersionView], str | None]:
        """Up to `limit` stored versions by name after `after`, and the cursor of the next page."""
        values: dict[str, Any] = {":pk": {"S": keys.POLICY_VERSIONS_PK}}
        condition = "PK = :pk"
        if after is not None:
            condition += " AND SK > :after"
            values[":after"] = {"S": after}
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            Limit=limit,
        )
        page = [_version(item) for item in answer.get("Items", [])]
        more = "LastEvaluatedKey" in answer and page
        return page, page[-1].version if more else None

    def adopt(self, adoption: AdoptionView) -> None:
        item = to_item(
            {
                "PK": keys.POLICY_ADOPTIONS_PK,
                "SK": keys.policy_adoption_sk(adoption.effective_from, adoption.recorded_at),
                "version": adoption.version,
                "effective_from": adoption.effective_from.isoformat(),
                "adopted_by": adoption.adopted_by,
                "recorded_at": adoption.recorded_at.isoformat(),
                "reason": adoption.reason,
            }
        )
        self._client.put_item(
            TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(PK)"
        )

    def adoption_on(self, day: date) -> AdoptionView | None:
        """The adoption in force on `day`: the greatest effective_from on or before it."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND SK <= :until",
            ExpressionAttributeValues={
                ":pk": {"S": keys.POLICY_ADOPTIONS_PK},
                ":until": {"S": keys.policy_adoptions_until(day)},
            },
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        items = answer.get("Items", [])
        return _adoption(items[0]) if items else None

    def adoptions_after(self, day: date, limit: int) -> list[AdoptionView]:
        """Adoptions effective after `day`, soonest first."""
        items = query_items(
            self._table,
            KeyConditionExpression="PK = :pk AND SK > :after",
            ExpressionAttributeValues={
                ":pk": {"S": keys.POLICY_ADOPTIONS_PK},
                ":after": {"S": keys.policy_adoptions_until(day)},
            },
            PaginationConfig={"MaxItems": limit},
        )
        return [_adoption(item) for item in items]

    def adoption_history(self, limit: int) -> list[AdoptionView]:
        """The latest `limit` adoptions by effective day (then by when they were recorded), latest
        first: one bounded Query."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.POLICY_ADOPTIONS_PK}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [_adoption(item) for item in answer.get("Items", [])]
