"""Tables created from template.yaml (as the tests and the local stack do) behave as declared."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from scorecard_local.template_tables import create_tables, find_template, load_template, table_definitions

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def test_find_template_from_anywhere_in_the_repo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT / "shared" / "scorecard")
    assert find_template() == TEMPLATE
    # Outside the repo it still finds the template above the installed (editable) package.
    monkeypatch.chdir(tmp_path)
    assert find_template() == TEMPLATE


def test_short_tags_are_read_as_intrinsics() -> None:
    template = load_template(TEMPLATE)
    assert template["Globals"]["Function"]["Environment"]["Variables"]["TABLE_NAME"] == {
        "Ref": "ScorecardTable"
    }
    ingest = template["Resources"]["IngestFunction"]["Properties"]["Policies"][0]["Statement"][0]
    assert ingest["Resource"] == {"Fn::GetAtt": ["ScorecardTable", "Arn"]}


def test_definition_matches_the_template() -> None:
    (definition,) = table_definitions(TEMPLATE, {"ScorecardTable": "t1"})
    assert definition["TableName"] == "t1"
    assert definition["BillingMode"] == "PAY_PER_REQUEST"
    assert definition["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    assert [index["IndexName"] for index in definition["GlobalSecondaryIndexes"]] == ["GSI1", "GSI2", "GSI3"]
    assert definition["SSESpecification"] == {"Enabled": True}


def test_table_name_comes_from_the_functions_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "from-env")
    assert table_definitions(TEMPLATE)[0]["TableName"] == "from-env"
    monkeypatch.delenv("TABLE_NAME")
    assert table_definitions(TEMPLATE)[0]["TableName"] == "ScorecardTable"


@pytest.mark.usefixtures("aws")
def test_tables_round_trip_through_both_indexes() -> None:
    client = boto3.client("dynamodb")
    assert create_tables(client, TEMPLATE, {"ScorecardTable": "scorecard-test"}) == {
        "ScorecardTable": "scorecard-test"
    }
    described = client.describe_table(TableName="scorecard-test")["Table"]
    assert {(k["AttributeName"], k["KeyType"]) for k in described["KeySchema"]} == {
        ("PK", "HASH"),
        ("SK", "RANGE"),
    }
    indexes = {index["IndexName"]: index for index in described["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"GSI1", "GSI2", "GSI3"}
    # What the daily score reads, and the registry and review queue: never the score document.
    assert indexes["GSI1"]["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": [
            "partner_id",
            "ev",
            "excluded",
            "overflow",
            "timezone",
            "tier_state",
            "score",
            "grade",
            "tier",
            "provisional",
            "as_of",
        ],
    }
    assert indexes["GSI2"]["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["partner_id", "name", "email", "timezone", "updated_at", "doc"],
    }
    for name in ("GSI1", "GSI2", "GSI3"):
        assert [k["AttributeName"] for k in indexes[name]["KeySchema"]] == [f"{name}PK", f"{name}SK"]
    # The score order carries the listing's figures only: never the score document (issue 11).
    assert indexes["GSI3"]["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["score", "grade", "tier", "provisional"],
    }
    ttl = client.describe_time_to_live(TableName="scorecard-test")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}

    table = boto3.resource("dynamodb").Table("scorecard-test")
    table.put_item(
        Item={
            "PK": "JOB#j1",
            "SK": "META",
            "GSI1PK": "PARTNER#p1",
            "GSI1SK": "2026-01-02",
            "ev": {"e1"},
            "doc_z": b"not projected",
        }
    )
    table.put_item(Item={"PK": "JOB#j2", "SK": "META", "GSI1PK": "PARTNER#p1", "GSI1SK": "2026-01-01"})
    table.put_item(Item={"PK": "JOB#j3", "SK": "META", "GSI1PK": "PARTNER#p2", "GSI1SK": "2026-01-01"})
    table.put_item(Item={"PK": "PROFILE#p1", "SK": "PROFILE", "GSI2PK": "PARTNERS", "GSI2SK": "p1"})

    by_partner = table.query(
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk AND GSI1SK >= :since",
        ExpressionAttributeValues={":pk": "PARTNER#p1", ":since": "2026-01-01"},
    )["Items"]
    # Sorted by GSI1SK, the included attributes projected and no others.
    assert [item["PK"] for item in by_partner] == ["JOB#j2", "JOB#j1"]
    assert by_partner[1]["ev"] == {"e1"} and "doc_z" not in by_partner[1]

    registry = table.query(
        IndexName="GSI2",
        KeyConditionExpression="GSI2PK = :pk",
        ExpressionAttributeValues={":pk": "PARTNERS"},
    )["Items"]
    assert [item["GSI2SK"] for item in registry] == ["p1"]

    # GSI3 through the local stack's partitioned index queries (moto_patches): score order, projected.
    for sk, pid in (("0923#p1", "p1"), ("0815#p2", "p2"), ("0923#p0", "p0")):
        table.put_item(
            Item={
                "PK": f"PARTNER#{pid}",
                "SK": "SCORE",
                "GSI3PK": "SCORES",
                "GSI3SK": sk,
                "score": "9",
                "doc": "{}",
            }
        )
    table.put_item(Item={"PK": "PARTNER#p3", "SK": "SCORE", "doc": "{}"})  # no score: not in GSI3
    ordered = table.query(
        IndexName="GSI3",
        KeyConditionExpression="GSI3PK = :pk AND GSI3SK < :below",
        ExpressionAttributeValues={":pk": "SCORES", ":below": "0923#p1"},
        ScanIndexForward=False,
    )["Items"]
    assert [item["GSI3SK"] for item in ordered] == ["0923#p0", "0815#p2"]
    assert "doc" not in ordered[0] and ordered[0]["score"] == "9"


@pytest.mark.usefixtures("aws")
def test_create_tables_keeps_an_existing_table() -> None:
    client = boto3.client("dynamodb")
    names = {"ScorecardTable": "kept"}
    create_tables(client, TEMPLATE, names)
    client.put_item(TableName="kept", Item={"PK": {"S": "a"}, "SK": {"S": "b"}})
    assert create_tables(client, TEMPLATE, names) == names
    assert client.get_item(TableName="kept", Key={"PK": {"S": "a"}, "SK": {"S": "b"}}).get("Item")


@pytest.mark.usefixtures("aws")
def test_create_tables_finds_the_template_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("TABLE_NAME", raising=False)
    assert create_tables(boto3.client("dynamodb")) == {"ScorecardTable": "ScorecardTable"}
    assert os.environ.get("TABLE_NAME") is None  # reads the mapping, never writes the env
