"""CapacityMeter (scorecard_local.capacity) bills the calls a boto3 client makes against moto as
DynamoDB would: before/after images of writes, whole items behind projected reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from scorecard.adapters.aws import client
from scorecard_local.capacity import CapacityMeter, TableSchema

TABLE = "capacity-it"
DEFINITION: dict[str, Any] = {
    "TableName": TABLE,
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "GPK", "GSK")
    ],
    "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "GSI",
            "KeySchema": [
                {"AttributeName": "GPK", "KeyType": "HASH"},
                {"AttributeName": "GSK", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}


def job(sk: str, gsk: str, filler: int) -> dict[str, Any]:
    """PARTNER#p / <sk>, indexed under G: 2+9 + 2+len(sk) + 3+1 + 3+len(gsk) + 1+filler bytes."""
    return {
        "PK": {"S": "PARTNER#p"},
        "SK": {"S": sk},
        "GPK": {"S": "g"},
        "GSK": {"S": gsk},
        "d": {"S": "x" * filler},
    }


@pytest.fixture
def meter(aws: None) -> Iterator[CapacityMeter]:
    dynamodb = client("dynamodb")
    dynamodb.create_table(**DEFINITION)
    with CapacityMeter(dynamodb, {TABLE: TableSchema.from_definition(DEFINITION)}) as metered:
        yield metered


def test_writes_bill_the_table_and_the_index_copy(meter: CapacityMeter) -> None:
    dynamodb = client("dynamodb")
    # 11 + 2+5 + 4 + 4 + 1+3558 = 3,585 bytes: 4 units in the table, 4 in the ALL index GSI
    dynamodb.put_item(TableName=TABLE, Item=job("JOB#1", "1", 3558))
    assert meter.wru == 8
    assert dict(meter.units) == {"JOB": 4, "JOB @GSI": 4}
    meter.reset()
    # moving the index key: the table 4, the index a delete (4) and a put (4)
    dynamodb.update_item(
        TableName=TABLE,
        Key={"PK": {"S": "PARTNER#p"}, "SK": {"S": "JOB#1"}},
        UpdateExpression="SET GSK = :g",
        ExpressionAttributeValues={":g": {"S": "2"}},
    )
    assert (meter.wru, dict(meter.units)) == (12, {"JOB": 4, "JOB @GSI": 8})


def test_a_transaction_doubles_the_table_write_and_a_cancelled_one_bills_nothing(
    meter: CapacityMeter,
) -> None:
    dynamodb = client("dynamodb")
    put = {
        "Put": {
            "TableName": TABLE,
            "Item": job("JOB#1", "1", 100),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }
    dynamodb.transact_write_items(TransactItems=[put])
    assert dict(meter.units) == {"JOB": 2, "JOB @GSI": 1}  # 2 x 1 in the table, 1 in the index
    meter.reset()
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put])  # the condition fails now
    assert (meter.wru, meter.failed) == (0, 1)


def test_a_single_item_write_whose_condition_fails_is_billed_on_the_table(meter: CapacityMeter) -> None:
    """DynamoDB bills a failed conditional write on the item as it stands (or the item offered), at
    least one unit; nothing changed, so no index write."""
    dynamodb = client("dynamodb")
    dynamodb.put_item(TableName=TABLE, Item=job("JOB#1", "1", 1500))  # 1,527 bytes: 2 units
    meter.reset()
    offered = job("JOB#1", "1", 3000)  # 3,027 bytes: 3 units
    with pytest.raises(ClientError):
        dynamodb.put_item(TableName=TABLE, Item=offered, ConditionExpression="attribute_not_exists(PK)")
    assert (meter.wru, dict(meter.units), meter.failed) == (3, {"JOB": 3}, 1)
    meter.reset()
    with pytest.raises(ClientError):
        dynamodb.update_item(
            TableName=TABLE,
            Key={"PK": {"S": "PARTNER#p"}, "SK": {"S": "JOB#1"}},
            UpdateExpression="SET d = :d",
            ConditionExpression="attribute_not_exists(PK)",
            ExpressionAttributeValues={":d": {"S": "x"}},
        )
    assert (meter.wru, dict(meter.units)) == (2, {"JOB": 2})  # the item as it stands


def test_reads_bill_the_whole_items_not_the_projected_attributes(meter: CapacityMeter) -> None:
    dynamodb = client("dynamodb")
    for n in (1, 2):  # 3,585 bytes each
        dynamodb.put_item(TableName=TABLE, Item=job(f"JOB#{n}", str(n), 3558))
    meter.reset()
    items = dynamodb.query(
        TableName=TABLE,
        IndexName="GSI",
        KeyConditionExpression="GPK = :g",
        ExpressionAttributeValues={":g": {"S": "g"}},
        ProjectionExpression="SK",
    )["Items"]
    assert items == [{"SK": {"S": "JOB#1"}}, {"SK": {"S": "JOB#2"}}]
    # 2 x 3,585 = 7,170 bytes -> 8 KB: 2 units, eventually consistent (an index): 1.0
    assert meter.rru == 1.0
    assert meter.read_bytes == {"JOB": 2 * 3585}
    meter.reset()
    dynamodb.get_item(
        TableName=TABLE,
        Key={"PK": {"S": "PARTNER#p"}, "SK": {"S": "JOB#1"}},
        ProjectionExpression="SK",
        ConsistentRead=True,
    )
    assert meter.rru == 1  # 3,585 bytes -> 4 KB, strongly consistent
