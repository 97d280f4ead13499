"""The local stack's moto patches (scorecard_local.moto_patches) answer as DynamoDB does, at
DynamoDB's cost: a base-table query reads only its key range, and write answers carry their items."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto.dynamodb.models.dynamo_type import Item
from scorecard_local.template_tables import create_tables, find_template

pytestmark = pytest.mark.usefixtures("aws")

TABLE = "scorecard-patches"


@pytest.fixture
def dynamodb() -> Any:
    client = boto3.client("dynamodb")
    create_tables(client, find_template(), {"ScorecardTable": TABLE})
    return client


def _put(dynamodb: Any, pk: str, sk: str, **extra: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={"PK": {"S": pk}, "SK": {"S": sk}, **extra})


def _sks(answer: dict[str, Any]) -> list[str]:
    return [item["SK"]["S"] for item in answer["Items"]]


def _query(dynamodb: Any, condition: str, values: dict[str, str], **extra: Any) -> dict[str, Any]:
    return dict(
        dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression=condition,
            ExpressionAttributeValues={":pk": {"S": "P#1"}, **{k: {"S": v} for k, v in values.items()}},
            **extra,
        )
    )


def test_a_base_table_query_answers_its_key_range_in_order_and_pages_through_it(dynamodb: Any) -> None:
    for day in range(1, 31):
        _put(dynamodb, "P#1", f"HIST#2026-10-{day:02d}")
    for n in range(40):
        _put(dynamodb, "P#1", f"JOB#{n:03d}", ev={"SS": ["x" * 100]})
    _put(dynamodb, "P#1", "SNAP#2026-09")
    _put(dynamodb, "P#2", "HIST#2026-10-05")  # another partition: never answered

    between = ":a AND :b"
    month = _query(
        dynamodb, f"PK = :pk AND SK BETWEEN {between}", {":a": "HIST#2026-10-03", ":b": "HIST#2026-10-06"}
    )
    assert _sks(month) == [f"HIST#2026-10-{d:02d}" for d in (3, 4, 5, 6)]
    jobs = _query(dynamodb, "PK = :pk AND begins_with(SK, :p)", {":p": "JOB#00"}, ScanIndexForward=False)
    assert _sks(jobs) == [f"JOB#{n:03d}" for n in range(9, -1, -1)]
    assert _sks(_query(dynamodb, "PK = :pk AND SK > :s", {":s": "JOB#039"})) == ["SNAP#2026-09"]
    assert _sks(_query(dynamodb, "PK = :pk AND SK <= :s", {":s": "HIST#2026-10-02"})) == [
        "HIST#2026-10-01",
        "HIST#2026-10-02",
    ]
    # Pages of 4 through the range, then the end.
    seen: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        page = _query(
            dynamodb,
            f"PK = :pk AND SK BETWEEN {between}",
            {":a": "HIST#2026-10-10", ":b": "HIST#2026-10-20"},
            Limit=4,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        seen += _sks(page)
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert seen == [f"HIST#2026-10-{d}" for d in range(10, 21)]


def test_a_base_table_query_reads_only_its_key_range(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto sized every item of the partition for its 1 MB page, in range or not: a query of 3 items
    of a 300-item partition sized 300 (O(partition)); DynamoDB reads the range only."""
    for n in range(300):
        _put(dynamodb, "P#1", f"JOB#{n:03d}", ev={"SS": [f"event {n}"]})
    sized: list[Item] = []
    size = Item.size
    monkeypatch.setattr(Item, "size", lambda item: sized.append(item) or size(item))

    answer = _query(dynamodb, "PK = :pk AND SK BETWEEN :a AND :b", {":a": "JOB#100", ":b": "JOB#102"})

    assert _sks(answer) == ["JOB#100", "JOB#101", "JOB#102"]
    assert {item.range_key.value for item in sized} <= {"JOB#100", "JOB#101", "JOB#102"}


def test_write_answers_carry_their_items_binary_and_sets_included(dynamodb: Any) -> None:
    key = {"PK": {"S": "P#1"}, "SK": {"S": "MAIL#snapshot#2026-10"}}
    created = dynamodb.update_item(
        TableName=TABLE,
        Key=key,
        UpdateExpression="SET #s = :s, payload = :b, labels = :t ADD attempts :one",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":s": {"S": "sending"},
            ":b": {"B": b"\x00\xffz"},
            ":t": {"SS": ["a", "b"]},
            ":one": {"N": "1"},
        },
        ConditionExpression="attribute_not_exists(SK)",
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert created == {
        **key,
        "status": {"S": "sending"},
        "payload": {"B": b"\x00\xffz"},
        "labels": {"SS": ["a", "b"]},
        "attempts": {"N": "1"},
    }
    updated = dynamodb.update_item(
        TableName=TABLE,
        Key=key,
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "sent"}},
        ReturnValues="UPDATED_OLD",
    )
    assert updated["Attributes"] == {"status": {"S": "sending"}}
    replaced = dynamodb.put_item(TableName=TABLE, Item={**key, "n": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert replaced["Attributes"]["status"] == {"S": "sent"}
    deleted = dynamodb.delete_item(TableName=TABLE, Key=key, ReturnValues="ALL_OLD")
    assert deleted["Attributes"] == {**key, "n": {"N": "2"}}
    assert "Attributes" not in dynamodb.delete_item(TableName=TABLE, Key=key, ReturnValues="ALL_OLD")
