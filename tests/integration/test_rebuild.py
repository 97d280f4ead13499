"""Issue 8 item 10: `scorecard rebuild --partner ID` replays the partner's recorded events (the markers)
into its projections. A partner built through the real handlers (jobs, an update request, logins, a
job of 62 long events, a review that excluded a job), scored by the daily run; its projections are
wiped, rebuilt by the command, and compared item by item, then score by score."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from integration_support import NOW, Lambdas, get_item
from lambda_events import api_event, load_event, response_json
from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.bulk_import import ProjectionRebuilder
from scorecard.adapters.dynamodb import query_items
from scorecard.platform import settings
from scorecard_local.cli import main

PARTNER = "acme-01"
BIG = "J-BIG"


def big_job() -> list[dict[str, Any]]:
    """60 rejections with 4,000-character feedback and a shipment. Their ids sort against their arrival
    order (and the clock is frozen: every marker has the same received_at), so only the position each
    marker keeps lets the replay see them in the order they arrived."""

    def event(event_type: str, suffix: str, at: str, **fields: Any) -> dict[str, Any]:
        return {
            "event_id": f"{PARTNER}:{BIG}:{suffix}",
            "type": event_type,
            "partner_id": PARTNER,
            "job_id": BIG,
            "occurred_at": at,
            **fields,
        }

    return [
        event(
            "job.offered", "0", "2026-10-02T09:00:00Z", value="800.00", part_count=2, due_date="2026-10-28"
        ),
        *(
            event("job.rejected", f"1-{59 - n:02d}", f"2026-10-03T10:{n:02d}:00Z", feedback=f"{n:02d}" * 2000)
            for n in range(60)
        ),
        event("job.shipped", "2", "2026-10-27T15:00:00Z", parts_shipped=2),
    ]


def post_events(lambdas: Lambdas, events: list[dict[str, Any]]) -> None:
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]


def _set_order(item: dict[str, Any]) -> dict[str, Any]:
    """A string set has no order (moto returns insertion order)."""
    return {name: {"SS": sorted(value["SS"])} if "SS" in value else value for name, value in item.items()}


def projections(table: str) -> dict[str, dict[str, Any]]:
    return {
        item["SK"]["S"]: _set_order(item)
        for item in query_items(
            table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.partner_pk(PARTNER)}},
            ConsistentRead=True,
        )
        if item["SK"]["S"].startswith(
            (
                keys.JOB_PREFIX,
                keys.REQUEST_PREFIX,
                keys.ACTIVITY_PREFIX,
                keys.PRESENCE_DAY_PREFIX,
                keys.PRESENCE_EVENT_PREFIX,
            )
        )
    }


def score_document(lambdas: Lambdas) -> dict[str, Any]:
    response = lambdas.api(load_event("api_get_score"))
    assert response["statusCode"] == 200
    document: dict[str, Any] = response_json(response)
    return document


def test_rebuild_reproduces_the_projections_and_the_latest_score(
    lambdas: Lambdas, table: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lambdas.api(load_event("api_put_partner"))["statusCode"] == 201
    assert lambdas.ingest(load_event("api_post_events"))["statusCode"] == 200  # jobs, request, login
    events = big_job()
    for second, batch in enumerate((events[:31], events[31:]), start=1):  # requests a second apart
        monkeypatch.setattr(settings, "utc_now", lambda second=second: NOW + timedelta(seconds=second))
        post_events(lambdas, batch)
    monkeypatch.setattr(settings, "utc_now", lambda: NOW)
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 1
    review = response_json(lambdas.api(load_event("api_post_review")))  # J-101, resolved: excluded
    resolved = lambdas.api(
        api_event(
            "api_post_resolution",
            path=f"/v1/reviews/{review['review_id']}/resolution",
            path_parameters={"review_id": review["review_id"]},
        )
    )
    assert resolved["statusCode"] == 200
    before = projections(table)
    score_before = score_document(lambdas)
    assert sum(keys.aggregate_sk_of(sk) == keys.job_sk(BIG) for sk in before) == 62  # an item per event
    # the review's exclusion: the job's own item, in GSI1 at the job's lowest key (its first item's)
    assert before[keys.job_sk("J-101")]["excluded"] == {"BOOL": True}
    first_j101 = before[keys.first_evidence_sk(keys.job_sk("J-101"))]
    assert before[keys.job_sk("J-101")]["GSI1SK"] == first_j101["GSI1SK"]
    assert keys.presence_day_sk(date(2026, 10, 5)) in before
    assert keys.first_evidence_sk(keys.request_sk("R-1")) in before
    # the login's item and its day's, J-101's own item, the sample's 18 job and request events, the
    # big job's 62
    assert len(before) == 2 + 1 + 18 + 62

    assert ProjectionRebuilder(table).delete_projections(PARTNER) == len(before)
    assert projections(table) == {}
    assert get_item(table, keys.partner_pk(PARTNER), keys.PROFILE_SK) is not None  # profile untouched
    capsys.readouterr()

    assert main(["rebuild", "--partner", PARTNER]) == 0

    output = capsys.readouterr().out
    assert f"{PARTNER}: 81 events replayed" in output  # 19 of the sample, 62 of the big job
    assert "score reproduced" in output
    assert projections(table) == before  # item by item, attribute by attribute
    # the daily run of the same day, again, from the rebuilt evidence: the same document
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 1
    assert score_document(lambdas) == score_before


def test_rebuild_reports_a_score_it_cannot_reproduce(
    lambdas: Lambdas, table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check means something: a projection changed behind the store's back (an event the markers do
    not hold) gave a score the replay cannot reproduce, and the command says so."""
    assert lambdas.ingest(load_event("api_post_events"))["statusCode"] == 200
    rogue = {
        "event_id": "rogue",
        "type": "job.inspected",
        "partner_id": PARTNER,
        "job_id": "J-100",
        "occurred_at": "2026-10-19T09:00:00Z",
        "parts_inspected": 10,
        "parts_defective": 10,
    }
    post_events(lambdas, [rogue])
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 1
    from scorecard.adapters.aws import client

    client("dynamodb").delete_item(
        TableName=table, Key={"PK": {"S": keys.event_pk("rogue")}, "SK": {"S": keys.EVENT_SK}}
    )
    capsys.readouterr()

    assert main(["rebuild", "--partner", PARTNER]) == 1

    assert "score NOT reproduced" in capsys.readouterr().out


def test_rebuild_moves_activity_of_the_layout_before_to_the_per_event_layout(
    lambdas: Lambdas, table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The migration docs/operations.md describes: a partner whose activity is still a month item and
    its overflow items (as ingestion wrote it before the per-event layout) gets the per-event items
    from its markers, and the month items are gone."""
    activity = [
        {"event_id": "a:login", "type": "partner.logged_in", "occurred_at": "2026-10-05T08:55:00Z"},
        {"event_id": "a:cap", "type": "partner.capacity_updated", "occurred_at": "2026-10-06T10:20:00Z"},
        {
            "event_id": "a:nps",
            "type": "partner.metric_recorded",
            "occurred_at": "2026-10-07T09:00:00Z",
            "metric": "nps",
            "value": "42",
        },
    ]
    post_events(lambdas, [{**e, "partner_id": PARTNER} for e in activity])
    live = projections(table)
    assert len(live) == 5  # two days' items, the login's and the capacity update's, the metric's
    # the same events as the layout before kept them: the first on the month item, the rest overflow
    bodies = [next(iter(item["ev"]["SS"])) for sk, item in sorted(live.items()) if "ev" in item]
    ProjectionRebuilder(table).delete_projections(PARTNER)
    pk = {"S": keys.partner_pk(PARTNER)}
    dynamodb = client("dynamodb")
    month = keys.activity_sk("2026-10")
    dynamodb.put_item(
        TableName=table,
        Item={"PK": pk, "SK": {"S": month}, "ev": {"SS": bodies[:1]}, "overflow": {"BOOL": True}},
    )
    for n, body in enumerate(bodies[1:]):
        dynamodb.put_item(
            TableName=table, Item={"PK": pk, "SK": {"S": f"{month}#EV#{n}"}, "ev": {"SS": [body]}}
        )
    capsys.readouterr()

    assert main(["rebuild", "--partner", PARTNER]) == 0

    assert f"{PARTNER}: 3 events replayed" in capsys.readouterr().out
    assert projections(table) == live
