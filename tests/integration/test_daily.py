"""The daily Lambda handler against the template's table in moto: the scheduled day, stored score and
history, tier hysteresis across re-runs, isolation of a partner with corrupt data, and bulk import
versus live ingestion."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from integration_support import (
    NOW,
    Lambdas,
    PartnerData,
    aggregate_events,
    aggregate_items,
    append_raw_event,
    get_item,
    job_events,
    retarget,
    scan_all,
    stored_events,
)
from lambda_events import api_event, caller, load_event, response_json, sample_body
from pydantic import ValidationError
from scorecard.adapters import keys
from scorecard.adapters.bulk_import import BulkImporter
from scorecard.adapters.score_repository import score_document as document_json
from scorecard.domain.events import EVENT_ADAPTER
from scorecard.domain.policy import load_policy
from scorecard.services.daily import score_partners
from scorecard_local.capacity import item_size

SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]
OPS = caller("ops")


def ingest(lambdas: Lambdas, events: list[dict[str, Any]]) -> dict[str, Any]:
    for start in range(0, len(events), 500):
        response = lambdas.ingest(api_event("api_post_events", body={"events": events[start : start + 500]}))
        assert response["statusCode"] == 200, response["body"]
    body: dict[str, Any] = response_json(response)
    return body


def run_day(lambdas: Lambdas, day: date) -> dict[str, Any]:
    report: dict[str, Any] = lambdas.daily({"as_of": day.isoformat()})
    return report


def score_item(table: str, partner_id: str) -> dict[str, Any]:
    item = get_item(table, f"PARTNER#{partner_id}", "SCORE")
    assert item is not None, f"{partner_id} has no current score"
    return item


def score_document(table: str, partner_id: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(document_json(score_item(table, partner_id)))
    return document


# ---- the scheduled run ------------------------------------------------------------------------------


def test_the_scheduled_run_scores_the_day_before(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, SAMPLE_EVENTS)
    event = load_event("schedule_daily")
    assert event == {"scheduled_time": "2026-11-02T00:15:00Z"}

    report = lambdas.daily(event)

    assert report == {
        "as_of": "2026-11-01",
        "partners": 1,
        "scored": 1,
        "without_score": 0,
        "failed": [],
        "tier_changes": 1,
        "grades": {"C": 1},  # 74.2 (below)
        "snapshots_restated": 0,  # no snapshot yet
    }
    item = score_item(table, "acme-01")
    assert item["as_of"]["S"] == "2026-11-01"
    assert item["score"]["S"] == "74.2"
    assert item["grade"]["S"] == "C"
    assert item["tier"]["S"] == "standard"
    assert item["provisional"]["BOOL"] is True
    assert item["computed_at"]["S"] == NOW.isoformat()
    # In neither GSI1 (the daily run BatchGets tier states) nor GSI2 (the registry holds profiles).
    assert "GSI1SK" not in item and "GSI2SK" not in item
    document = json.loads(document_json(item))
    assert document["window"] == {"start": "2026-05-06", "end": "2026-11-01", "jobs": 2, "extended": True}
    assert {name: c["value"] for name, c in document["components"].items()} == {
        "on_time": 61.3,
        "quality": 85.7,
        "communication": 66.7,
        "engagement": 100.0,
    }
    history = get_item(table, "PARTNER#acme-01", "HIST#2026-11-01")
    assert history is not None
    assert json.loads(history["point"]["S"]) == {
        "date": "2026-11-01",
        "score": 74.2,
        "grade": "C",
        "tier": "standard",
        "provisional": True,
        "components": {"on_time": 61.3, "quality": 85.7, "communication": 66.7, "engagement": 100.0},
        "network_percentile": None,  # no distribution of the day before
        "policy_version": "v1",  # the version in force that day (this suite's default)
    }


def test_events_after_the_scored_day_are_left_out(lambdas: Lambdas, table: str) -> None:
    # A third job, late and defective, shipped just after midnight UTC of the scheduled day.
    late = job_events(
        "acme-01",
        "J-102",
        offered=date(2026, 10, 20),
        due=date(2026, 10, 25),
        shipped=date(2026, 11, 2),
        inspected=5,
        defective=5,
    )
    late[-2]["occurred_at"] = "2026-11-02T00:05:00Z"  # the shipment
    late[-1]["occurred_at"] = "2026-11-02T08:00:00Z"  # the inspection
    ingest(lambdas, SAMPLE_EVENTS + late)

    report = lambdas.daily(load_event("schedule_daily"))

    assert report["as_of"] == "2026-11-01"
    document = score_document(table, "acme-01")
    assert document["score"] == 74.2
    assert document["window"]["jobs"] == 2
    # The job was offered inside the window, so the offer counts; its shipment does not.
    assert document["components"]["engagement"]["evidence"] == {"offers": 3, "read": 3, "answered": 3}


@pytest.mark.parametrize(
    ("scheduled_time", "scored"),
    [
        ("2026-11-02T00:15:00Z", "2026-11-01"),
        ("2026-11-02T00:15:00+09:00", "2026-10-31"),  # 2026-11-01T15:15Z
        ("2026-11-01T23:59:59-00:30", "2026-11-01"),  # 2026-11-02T00:29:59Z
    ],
)
def test_the_scored_day_is_taken_in_the_policy_timezone(
    lambdas: Lambdas, table: str, scheduled_time: str, scored: str
) -> None:
    event = {**load_event("schedule_daily"), "scheduled_time": scheduled_time}
    assert lambdas.daily(event)["as_of"] == scored


def test_a_manual_run_takes_as_of(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, SAMPLE_EVENTS)
    report = lambdas.daily({"as_of": "2026-10-18"})
    assert report["as_of"] == "2026-10-18"
    # As of Oct 18 only J-101 (completed late that day) counts.
    document = score_document(table, "acme-01")
    assert document["window"]["jobs"] == 1
    assert document["components"]["on_time"]["value"] == 0.0


@pytest.mark.parametrize("event", [{}, {"scheduled_time": "2026-11-02T00:15:00"}, {"as_of": "11/01/2026"}])
def test_a_run_without_a_valid_day_fails(lambdas: Lambdas, table: str, event: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        lambdas.daily(event)


def test_a_partner_without_completed_jobs_has_no_score(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, [e for e in SAMPLE_EVENTS if e["event_id"].endswith((":offered", ":read"))])

    report = lambdas.daily(load_event("schedule_daily"))

    assert (report["scored"], report["without_score"], report["tier_changes"]) == (0, 1, 0)
    item = score_item(table, "acme-01")
    assert "score" not in item and "tier" not in item
    assert json.loads(document_json(item))["score"] is None


# ---- re-runs and tier hysteresis --------------------------------------------------------------------

STEADY = "steady-01"


def _steady_partner_events() -> list[dict[str, Any]]:
    """Ten on-time jobs shipped Oct 1-10, then three jobs due Oct 15 shipped late on Oct 21."""
    events: list[dict[str, Any]] = []
    for n in range(10):
        shipped = date(2026, 10, 1) + timedelta(days=n)
        events += job_events(
            STEADY, f"OK-{n}", offered=date(2026, 9, 25), due=date(2026, 10, 12), shipped=shipped
        )
    for n in range(3):
        events += job_events(
            STEADY, f"LATE-{n}", offered=date(2026, 10, 5), due=date(2026, 10, 15), shipped=date(2026, 10, 21)
        )
    return events


def _tier_state(table: str) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(score_item(table, STEADY)["tier_state"]["S"])
    return state


def test_re_running_a_day_never_counts_twice_towards_a_demotion(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, _steady_partner_events())

    assert run_day(lambdas, date(2026, 10, 20))["tier_changes"] == 1
    first = score_document(table, STEADY)
    assert (first["score"], first["tier"], first["provisional"]) == (100.0, "elite", False)

    assert run_day(lambdas, date(2026, 10, 21))["tier_changes"] == 0
    warned = score_document(table, STEADY)
    assert (warned["score"], warned["grade"], warned["tier"]) == (84.0, "B", "elite")
    assert warned["tier_status"] == {
        "tier": "elite",
        "since": "2026-10-20",
        "computed_tier": "standard",
        "pending_demotion": "standard",
        "runs_below": 1,
        "demotion_warning": True,
    }
    state_after_first_run = _tier_state(table)

    for _ in range(2):  # the same day again, twice
        assert run_day(lambdas, date(2026, 10, 21))["tier_changes"] == 0
        assert _tier_state(table) == state_after_first_run
        assert score_document(table, STEADY)["tier_status"]["runs_below"] == 1

    assert run_day(lambdas, date(2026, 10, 22))["tier_changes"] == 0
    second = score_document(table, STEADY)["tier_status"]
    assert (second["tier"], second["runs_below"], second["demotion_warning"]) == ("elite", 2, False)

    assert run_day(lambdas, date(2026, 10, 23))["tier_changes"] == 1
    demoted = score_document(table, STEADY)
    assert demoted["tier"] == "standard"
    assert demoted["tier_status"]["since"] == "2026-10-23"
    assert demoted["tier_status"]["runs_below"] == 0
    item = score_item(table, STEADY)
    assert (item["tier"]["S"], item["as_of"]["S"]) == ("standard", "2026-10-23")
    history = [i["SK"]["S"] for i in scan_all(table) if i["SK"]["S"].startswith("HIST#")]
    assert history == [f"HIST#2026-10-{d}" for d in (20, 21, 22, 23)]


def test_a_backfill_of_an_older_day_keeps_the_tier_in_force(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, _steady_partner_events())
    for day in (20, 21, 22, 23):
        run_day(lambdas, date(2026, 10, day))
    current = score_item(table, STEADY)

    report = run_day(lambdas, date(2026, 10, 20))

    assert report["scored"] == 1
    assert score_item(table, STEADY) == current
    point = get_item(table, f"PARTNER#{STEADY}", "HIST#2026-10-20")
    assert point is not None
    assert json.loads(point["point"]["S"])["score"] == 100.0


def test_the_same_day_twice_gives_the_same_document(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, SAMPLE_EVENTS)
    report = lambdas.daily(load_event("schedule_daily"))
    first = score_item(table, "acme-01")
    history = get_item(table, "PARTNER#acme-01", "HIST#2026-11-01")

    again = lambdas.daily(load_event("schedule_daily"))

    # The same figures; the tier change was the first run's, so the re-run reports none.
    assert again == {**report, "tier_changes": 0}
    assert report["tier_changes"] == 1
    assert score_item(table, "acme-01") == first
    assert get_item(table, "PARTNER#acme-01", "HIST#2026-11-01") == history


def busy_partner_events(partner_id: str, jobs: int, last_due: date) -> list[dict[str, Any]]:
    """`jobs` jobs due a day apart up to `last_due`, each offered, read, accepted, updated, shipped
    (every 4th two days late) and inspected (every 7th with a defect)."""
    events: list[dict[str, Any]] = []
    for n in range(jobs):
        job, due = f"JOB-{1000 + n}", last_due - timedelta(days=n)
        offered = f"{due - timedelta(days=12)}T09:00:00Z"
        shipped = f"{due + timedelta(days=2 if n % 4 == 0 else -1)}T15:00:00Z"
        common = {"partner_id": partner_id, "job_id": job}
        events += [
            {**common, "event_id": f"{job}-o", "type": "job.offered", "occurred_at": offered,
             "value": str(250 + 97 * n), "part_count": 10, "due_date": due.isoformat()},
            {**common, "event_id": f"{job}-r", "type": "job.read", "occurred_at": offered},
            {**common, "event_id": f"{job}-a", "type": "job.accepted", "occurred_at": offered},
            {**common, "event_id": f"{job}-u", "type": "job.status_updated", "occurred_at": offered,
             "status": "production_started"},
            {**common, "event_id": f"{job}-s", "type": "job.shipped", "occurred_at": shipped,
             "parts_shipped": 10},
            {**common, "event_id": f"{job}-i", "type": "job.inspected", "occurred_at": shipped,
             "parts_inspected": 10, "parts_defective": 1 if n % 7 == 0 else 0},
        ]  # fmt: skip
    return events


def test_a_busy_partners_score_item_is_one_write_unit(lambdas: Lambdas, table: str) -> None:
    """Issue 11: the score item is rewritten every day, so its size is the daily bill. With 20 jobs
    in the window and their ledger it is 872 bytes (1,325 with the plain zlib document it held
    before), under the 1 KB that
    DynamoDB bills one write unit for."""
    ingest(lambdas, busy_partner_events("busy-01", 20, date(2026, 10, 28)))

    run_day(lambdas, date(2026, 11, 1))

    item = score_item(table, "busy-01")
    assert len(score_document(table, "busy-01")["ledger"]) == 20
    assert item_size(item) <= 1024, item_size(item)


# ---- failure isolation ------------------------------------------------------------------------------


def test_a_partner_with_corrupt_data_fails_alone(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, SAMPLE_EVENTS + retarget(SAMPLE_EVENTS, "broken-01") + retarget(SAMPLE_EVENTS, "zeta-01"))
    append_raw_event(table, "broken-01", "J-100", '{"event_id": "broken", "type": "job.shipped"')  # cut off

    report = lambdas.daily(load_event("schedule_daily"))

    assert report["failed"] == ["broken-01"]
    assert (report["partners"], report["scored"], report["without_score"]) == (3, 2, 0)
    assert get_item(table, "PARTNER#broken-01", "SCORE") is None
    assert get_item(table, "PARTNER#broken-01", "HIST#2026-11-01") is None
    for partner_id in ("acme-01", "zeta-01"):  # before and after the broken one in registry order
        assert score_document(table, partner_id)["score"] == 74.2


def test_a_stored_event_of_an_unknown_type_fails_only_its_partner(lambdas: Lambdas, table: str) -> None:
    ingest(lambdas, SAMPLE_EVENTS + retarget(SAMPLE_EVENTS, "broken-01"))
    append_raw_event(table, "broken-01", "J-101", json.dumps({**SAMPLE_EVENTS[2], "type": "job.teleported"}))
    report = lambdas.daily(load_event("schedule_daily"))
    assert report["failed"] == ["broken-01"]
    assert report["scored"] == 1


# ---- bulk import and live ingestion agree -----------------------------------------------------------


def _partner_items(table: str, partner_id: str) -> dict[str, dict[str, Any]]:
    return {item["SK"]["S"]: item for item in scan_all(table) if item["PK"]["S"] == f"PARTNER#{partner_id}"}


def _normalised_items(table: str, partner_id: str) -> dict[str, dict[str, Any]]:
    """The partner's items by key, the partner's id taken out of event ids (in keys and events)."""
    normalised = {}
    for sk, item in _partner_items(table, partner_id).items():
        copy = dict(item)
        if "ev" in copy:
            copy["ev"] = _normalised_events(item, partner_id)
        copy.pop("PK")
        copy.pop("SK")
        copy.pop("GSI1PK", None)
        copy.pop("partner_id", None)
        copy.pop("GSI2SK", None)
        normalised[sk.replace(f"#{partner_id}:", "#")] = copy
    return normalised


def _normalised_events(item: dict[str, Any], partner_id: str) -> list[dict[str, Any]]:
    events = [json.loads(raw) for raw in stored_events(item)]
    for event in events:
        assert event["partner_id"] == partner_id
        event["event_id"] = event["event_id"].removeprefix(f"{partner_id}:")
        event["partner_id"] = "*"
    return sorted(events, key=lambda e: str(e["event_id"]))


def test_bulk_import_and_live_ingestion_give_the_same_items_and_score(lambdas: Lambdas, table: str) -> None:
    live = retarget(SAMPLE_EVENTS, "live-01")
    bulk = retarget(SAMPLE_EVENTS, "bulk-01")
    assert ingest(lambdas, live)["recorded"] == 19
    recorded, duplicates = BulkImporter(table).import_events(
        [EVENT_ADAPTER.validate_python(e) for e in bulk], NOW
    )
    assert (recorded, duplicates) == (19, 0)

    # Item by item, attribute by attribute (the partner's id aside): the same evidence items at the same
    # index keys (each job's first event arrives first live, as the bulk import picks the earliest).
    live_items = _normalised_items(table, "live-01")
    bulk_items = _normalised_items(table, "bulk-01")
    assert sorted(sk for sk in live_items if not keys.is_evidence(sk)) == [
        "ACTD#2026-10-05",
        "ACTE#2026-10-05#partner.logged_in#login:2026-10-05",
        "PROFILE",
    ]
    assert sorted(keys.aggregate_sk_of(sk) for sk in live_items if keys.is_evidence(sk)) == sorted(
        ["JOB#J-100"] * 8 + ["JOB#J-101"] * 8 + ["REQ#R-1"] * 2
    )
    assert live_items == bulk_items
    marker = get_item(table, "EVENT#bulk-01:J-100:offered", "EVENT")
    assert marker is not None
    assert marker["received_at"]["S"] == "2026-11-02T09:00:00.000000Z"

    report = lambdas.daily(load_event("schedule_daily"))
    assert (report["scored"], report["failed"]) == (2, [])
    documents = {}
    for partner_id in ("live-01", "bulk-01"):
        response = lambdas.api(
            api_event("api_get_score", caller=OPS, path=f"/v1/partners/{partner_id}/score")
        )
        documents[partner_id] = {k: v for k, v in response_json(response).items() if k != "partner_id"}
    assert documents["live-01"] == documents["bulk-01"]
    assert documents["bulk-01"]["score"] == 74.2


def test_bulk_import_shares_idempotency_with_live_ingestion(lambdas: Lambdas, table: str) -> None:
    events = [EVENT_ADAPTER.validate_python(e) for e in SAMPLE_EVENTS]
    importer = BulkImporter(table)
    assert importer.import_events(events[:10], NOW) == (10, 0)

    # A bulk re-import (with a repeat inside the call) and a live re-send of the same events add nothing.
    assert importer.import_events([*events[:10], events[0]], NOW) == (0, 11)
    before = scan_all(table)
    body = ingest(lambdas, SAMPLE_EVENTS)
    assert (body["recorded"], body["duplicates"]) == (9, 10)
    after = {(i["PK"]["S"], i["SK"]["S"]) for i in scan_all(table)}
    assert {(i["PK"]["S"], i["SK"]["S"]) for i in before} <= after
    assert len(aggregate_events(table, "acme-01", "JOB#J-100")) == 8
    assert max(i["GSI1SK"]["S"] for i in aggregate_items(table, "acme-01", "JOB#J-100")) == (
        "2026-10-23T10:00:00.000000Z"
    )

    # And live events are duplicates for a later bulk import.
    assert importer.import_events(events, NOW) == (0, 19)


def test_bulk_import_merges_into_a_job_that_live_ingestion_started(lambdas: Lambdas, table: str) -> None:
    j100 = [e for e in SAMPLE_EVENTS if e.get("job_id") == "J-100" and e["type"].startswith("job.")]
    ingest(lambdas, j100[4:])  # the later half live
    assert BulkImporter(table).import_events([EVENT_ADAPTER.validate_python(e) for e in j100[:4]], NOW) == (
        4,
        0,
    )

    assert sorted(
        json.loads(raw)["event_id"] for raw in aggregate_events(table, "acme-01", "JOB#J-100")
    ) == sorted(e["event_id"] for e in j100)
    index_keys = {
        item["SK"]["S"]: item["GSI1SK"]["S"] for item in aggregate_items(table, "acme-01", "JOB#J-100")
    }
    # The live half's first item (its document, 2026-10-19T14:00Z) stays the job's lowest key: the
    # older imported events are raised to it, and the newest is the job's highest.
    assert (
        index_keys[keys.first_evidence_sk("JOB#J-100")]
        == "2026-10-19T14:00:00.000000Z"
        == min(index_keys.values())
    )
    assert max(index_keys.values()) == "2026-10-23T10:00:00.000000Z"
    evidence = PartnerData(table).load_evidence("acme-01", datetime(2026, 10, 23, tzinfo=UTC))
    assert [len(job.events) for job in evidence.jobs] == [8]


def test_a_message_naming_a_partner_twice_scores_it(lambdas: Lambdas, table: str) -> None:
    """DynamoDB refuses a BatchGetItem or a BatchWriteItem whose keys repeat: a message that names a
    partner twice scores it once, rather than failing it on every delivery until it dead-letters."""
    ingest(lambdas, SAMPLE_EVENTS)
    repository = PartnerData(table)

    report = score_partners(
        repository, repository, ["acme-01", "acme-01"], date(2026, 11, 1), load_policy(), NOW
    )

    assert (report.partners, report.scored, report.failed) == (1, 1, [])
    assert score_item(table, "acme-01")["as_of"]["S"] == "2026-11-01"
