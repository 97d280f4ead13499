"""The daily distributions in moto (adapters.distribution_repository): parts summed once, a re-run
starts afresh, and the OpenAPI document shows the new fields."""

from __future__ import annotations

import json
from datetime import date

from scorecard.adapters.aws import client
from scorecard.adapters.distribution_repository import DistributionRepository
from scorecard.api.resolver import all_routers, build_resolver, openapi_document
from scorecard.domain.standing import Distribution

DAY = date(2026, 11, 1)


def items(table: str) -> list[str]:
    found = client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "DIST#2026-11-01"}},
    )["Items"]
    return sorted(item["SK"]["S"] for item in found)


def test_parts_are_summed_once_and_a_later_part_drops_the_sum(table: str) -> None:
    repository = DistributionRepository(table)
    assert repository.load(DAY) is None  # nothing stored: no distribution (and no SUM written)
    assert items(table) == []
    repository.save_batch("k1", Distribution(DAY, {600: 1, 700: 1}, {"sheet_metal": {600: 1}}))
    repository.save_batch("k2", Distribution(DAY, {700: 2}, {"sheet_metal": {700: 1}}))
    summed = repository.load(DAY)
    assert summed is not None
    assert summed.network == {600: 1, 700: 3}  # 1 + 0, 1 + 2
    assert summed.processes == {"sheet_metal": {600: 1, 700: 1}}
    assert items(table) == ["BATCH#k1", "BATCH#k2", "SUM"]
    # k2 delivered again with other scores: replaced, not added, and the stale SUM is dropped
    repository.save_batch("k2", Distribution(DAY, {800: 1}))
    assert items(table) == ["BATCH#k1", "BATCH#k2"]
    again = repository.load(DAY)
    assert again is not None and again.network == {600: 1, 700: 1, 800: 1}


def test_a_rerun_clears_the_day_first(table: str) -> None:
    repository = DistributionRepository(table)
    repository.save_batch("old-batching", Distribution(DAY, {600: 5}))
    repository.load(DAY)
    assert repository.clear(DAY) == 2  # the batch part and the SUM
    assert repository.load(DAY) is None
    repository.save_batch("new-batching", Distribution(DAY, {600: 4}))
    reloaded = repository.load(DAY)
    assert reloaded is not None and reloaded.partners == 4  # not 9
    assert repository.load(date(2026, 10, 31)) is None  # other days untouched and empty


def test_the_openapi_document_shows_peer_standing_and_the_partner_sort() -> None:
    document = json.loads(openapi_document(build_resolver(all_routers())))
    schemas = document["components"]["schemas"]
    assert "percentile" in schemas["ScoreView"]["properties"]
    assert set(schemas["PercentileView"]["properties"]) == {"network", "process", "distribution_as_of"}
    assert set(schemas["PartnerListView"]["properties"]) == {"partners", "next_cursor", "grades"}
    parameters = {p["name"]: p for p in document["paths"]["/v1/partners"]["get"]["parameters"]}
    assert "sort" in parameters
    assert "score" in json.dumps(parameters["sort"]["schema"]) and "-score" in json.dumps(
        parameters["sort"]["schema"]
    )
