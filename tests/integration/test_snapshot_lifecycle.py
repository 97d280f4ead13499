"""The snapshot lifecycle in moto (docs/snapshots.md): revision 1 by the monthly worker with
SnapshotPublished, restatements by the next daily run with reasons, changes, SnapshotRestated and one
notice only when the grade moved, earlier revisions readable, nothing written when nothing moved, the
month closed after restatement_days; and a busy partner's bounded snapshot."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import jsonschema_rs
import pytest
from integration_support import ROOT, Lambdas, capture_bus, get_item, handler
from lambda_events import api_event, caller, response_json
from mail_support import (
    MailEnv,
    drain_notifications,
    drain_snapshots,
    job_event,
    outbox,
    provision_mail,
    put_partner,
    record,
    s3_json,
)
from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.bulk_import import BulkImporter
from scorecard.domain.events import EVENT_ADAPTER
from scorecard.platform import settings
from test_daily_fanout import bus_events

P = "restate-01"
EMAIL = "ops@restate.example"
SCHEMA = json.loads((ROOT / "docs" / "score-events.schema.json").read_text())


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00+00:00")


def october() -> list[dict[str, Any]]:
    e = job_event
    return [
        # 10 parts due 10-15, all shipped 10-10: on time
        e(
            P,
            "R-1",
            "o",
            "job.offered",
            "2026-10-01T08:00:00Z",
            value="100",
            part_count=10,
            due_date="2026-10-15",
        ),
        e(P, "R-1", "a", "job.accepted", "2026-10-02T08:00:00Z"),
        e(P, "R-1", "s", "job.shipped", "2026-10-10T12:00:00Z", parts_shipped=10),
        # 4 parts due 10-20, shipped 10-25: late, 5 days
        e(
            P,
            "R-2",
            "o",
            "job.offered",
            "2026-10-03T08:00:00Z",
            value="100",
            part_count=4,
            due_date="2026-10-20",
        ),
        e(P, "R-2", "a", "job.accepted", "2026-10-04T08:00:00Z"),
        e(P, "R-2", "s", "job.shipped", "2026-10-25T12:00:00Z", parts_shipped=4),
        # 6 parts due 10-20, 2 shipped 10-18, 4 still out at month end: overdue, 31 - 20 = 11 days
        e(
            P,
            "R-3",
            "o",
            "job.offered",
            "2026-10-05T08:00:00Z",
            value="100",
            part_count=6,
            due_date="2026-10-20",
        ),
        e(P, "R-3", "a", "job.accepted", "2026-10-06T08:00:00Z"),
        e(P, "R-3", "s", "job.shipped", "2026-10-18T12:00:00Z", parts_shipped=2),
    ]


@pytest.fixture
def env(lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Lambdas, MailEnv, str]:
    mail = provision_mail(table, monkeypatch)
    # the daily run queues restatement notices there; drain_notifications is the worker's poller
    monkeypatch.setenv("NOTIFICATION_QUEUE_URL", mail.notification_queue)
    capture = capture_bus("scorecard-lifecycle-bus", "scorecard-lifecycle-capture")
    monkeypatch.setenv("EVENT_BUS_NAME", "scorecard-lifecycle-bus")
    put_partner(mail.table, P, "Restate Works", EMAIL)
    record(mail.table, october(), received_at=at("2026-10-31"))
    return lambdas, mail, capture


def set_clock(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    monkeypatch.setattr(settings, "utc_now", lambda: at(day))


def get(lambdas: Lambdas, path: str) -> tuple[int, Any]:
    route, _, query = path.partition("?")
    parts = route.split("/")  # /v1/partners/<pid>/snapshots[/<month>]
    params = {"partner_id": parts[3], **({"month": parts[5]} if len(parts) > 5 else {})}
    queried = dict(pair.split("=") for pair in query.split("&")) if query else None
    event = api_event(
        "api_get_score", caller=caller("ops"), path=route, path_parameters=params, query=queried
    )
    response = lambdas.api(event)
    return response["statusCode"], response_json(response)


def published(capture: str) -> list[dict[str, Any]]:
    found = [event for event in bus_events(capture) if event["detail-type"].startswith("Snapshot")]
    for event in found:  # every snapshot event validates against the committed schema
        jsonschema_rs.validator_for(SCHEMA["detail-types"][event["detail-type"]]).validate(event["detail"])
    return found


def test_revision_one_then_a_restatement_by_the_next_daily_run(
    env: tuple[Lambdas, MailEnv, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lambdas, mail, capture = env
    set_clock(monkeypatch, "2026-11-01")
    handler("monthly_coordinator")({"month": "2026-10"})
    drain_snapshots(mail)
    status, first = get(lambdas, f"/v1/partners/{P}/snapshots/2026-10")
    assert status == 200
    # completed in October: R-1 on time, R-2 late -> 50.0 %; nothing inspected: dpt null, score = 50, D
    # parts: 10 + 4 + 2 = 16, on time 10 + 2 = 12 -> 75.0 %
    assert (first["revision"], first["status"], first["monthly_score"], first["grade"]) == (
        1,
        "final",
        50,
        "D",
    )
    assert first["pct_parts_on_time"] == 75.0 and first["dpt"] is None
    assert first["overdue_jobs"] == [
        {"job_id": "R-3", "due_date": "2026-10-20", "days_late": 11, "parts_outstanding": 4}
    ]
    assert (first["late_jobs_total"], first["overdue_jobs_total"]) == (1, 1)
    (event,) = published(capture)
    assert event["detail-type"] == "SnapshotPublished"
    assert (event["detail"]["revision"], event["detail"]["grade"]) == (1, "D")
    assert len(outbox()) == 1

    # An inspection of R-1's October parts arrives on 11-03: 10 inspected, 0 defective.
    record(
        mail.table,
        [
            job_event(
                P, "R-1", "i", "job.inspected", "2026-11-03T08:00:00Z", parts_inspected=10, parts_defective=0
            )
        ],
        received_at=at("2026-11-03"),
    )
    set_clock(monkeypatch, "2026-11-04")
    run = lambdas.daily({"as_of": "2026-11-03"})
    assert run["snapshots_restated"] == 1
    drain_notifications(mail)  # the notice, sent by the notification worker
    status, second = get(lambdas, f"/v1/partners/{P}/snapshots/2026-10")
    # dpt = 1000 x 0 / 10 = 0 -> quality 100; score = round(0.5 x 50 + 0.5 x 100) = 75, C
    assert (second["revision"], second["status"], second["monthly_score"], second["grade"]) == (
        2,
        "restated",
        75,
        "C",
    )
    assert second["restated_at"].startswith("2026-11-04")
    assert second["reasons"] == [
        "R-1: inspection of parts shipped in 2026-10: 0 defective of 10 inspected (was 0 of 0)"
    ]
    assert second["changes"] == [
        {"field": "dpt", "before": None, "after": 0.0},
        {"field": "monthly_score", "before": 50, "after": 75},
        {"field": "grade", "before": "D", "after": "C"},
    ]
    assert second["email"]["status"] == "sent"
    status, again = get(lambdas, f"/v1/partners/{P}/snapshots/2026-10?revision=1")
    assert (status, again["revision"], again["monthly_score"], again["grade"]) == (200, 1, 50, "D")
    assert again["json_key"] == f"snapshots/2026-10/{P}.r1.json"
    assert s3_json(mail.bucket, again["json_key"])["monthly_score"] == 50
    assert s3_json(mail.bucket, f"snapshots/2026-10/{P}.json")["revision"] == 2
    assert get(lambdas, f"/v1/partners/{P}/snapshots/2026-10?revision=3")[0] == 404
    status, listed = get(lambdas, f"/v1/partners/{P}/snapshots")
    assert [(s["month"], s["revision"]) for s in listed["snapshots"]] == [("2026-10", 2)]
    (restated,) = published(capture)
    assert restated["detail-type"] == "SnapshotRestated"
    assert (restated["detail"]["revision"], restated["detail"]["previous_revision"]) == (2, 1)
    emails = outbox()
    assert len(emails) == 2 and "restated" in emails[1]["subject"]
    assert "R-1: inspection of parts shipped in 2026-10" in emails[1]["text"]

    # The next run: nothing moved, nothing written, no second notice.
    set_clock(monkeypatch, "2026-11-05")
    assert lambdas.daily({"as_of": "2026-11-04"})["snapshots_restated"] == 0
    drain_notifications(mail)
    assert get(lambdas, f"/v1/partners/{P}/snapshots/2026-10")[1]["revision"] == 2
    assert len(outbox()) == 2 and published(capture) == []

    # An offer dated in October that arrived late: revision 3 (jobs_on_board 3 -> 4), the grade holds,
    # so the partner is not emailed, but portals hear of it.
    record(
        mail.table,
        [
            job_event(
                P,
                "R-4",
                "o",
                "job.offered",
                "2026-10-30T08:00:00Z",
                value="5",
                part_count=1,
                due_date="2026-12-30",
            )
        ],
        received_at=at("2026-11-05"),
    )
    assert lambdas.daily({"as_of": "2026-11-05"})["snapshots_restated"] == 1
    drain_notifications(mail)
    third = get(lambdas, f"/v1/partners/{P}/snapshots/2026-10")[1]
    assert (third["revision"], third["changes"]) == (3, [{"field": "jobs_on_board", "before": 3, "after": 4}])
    assert third["reasons"] == ["R-4: offer dated in 2026-10 recorded late"]
    assert third["email"]["status"] == "not_emailed"
    assert len(outbox()) == 2
    assert [e["detail-type"] for e in published(capture)] == ["SnapshotRestated"]

    # 60 days after October 31 the month closes: 2026-12-31 is day 61, later evidence changes nothing.
    record(
        mail.table,
        [
            job_event(
                P,
                "R-5",
                "o",
                "job.offered",
                "2026-10-30T09:00:00Z",
                value="5",
                part_count=1,
                due_date="2027-01-30",
            )
        ],
        received_at=at("2027-01-01"),
    )
    set_clock(monkeypatch, "2027-01-01")
    assert lambdas.daily({"as_of": "2026-12-31"})["snapshots_restated"] == 0
    assert get(lambdas, f"/v1/partners/{P}/snapshots/2026-10")[1]["revision"] == 3


def test_a_busy_partner_gets_its_bounded_snapshot_and_its_email(
    env: tuple[Lambdas, MailEnv, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lambdas, mail, _ = env
    busy = "busy-01"
    put_partner(mail.table, busy, "Busy Works", "ops@busy.example")
    events = []
    for n in range(5000):  # 5,000 one-part jobs due 10-10, each shipped 10-12: 2 days late
        job = f"B-{n:04d}"
        events.append(
            job_event(
                busy,
                job,
                "o",
                "job.offered",
                "2026-10-01T08:00:00Z",
                value="1",
                part_count=1,
                due_date="2026-10-10",
            )
        )
        events.append(job_event(busy, job, "s", "job.shipped", "2026-10-12T08:00:00Z", parts_shipped=1))
    BulkImporter(mail.table).import_events(
        [EVENT_ADAPTER.validate_python(e) for e in events], at("2026-10-31"), record_markers=False
    )
    set_clock(monkeypatch, "2026-11-01")
    handler("monthly_coordinator")({"month": "2026-10"})
    drain_snapshots(mail)
    item = get_item(mail.table, keys.partner_pk(busy), keys.snapshot_sk("2026-10"))
    assert item is not None
    stored = json.loads(item["doc"]["S"])
    assert (len(stored["late_jobs"]), stored["late_jobs_total"]) == (100, 5000)
    assert len(json.dumps(item)) < 400_000
    archived = s3_json(mail.bucket, f"snapshots/2026-10/{busy}.json")
    assert len(archived["late_jobs"]) == 5000
    status, view = get(lambdas, f"/v1/partners/{busy}/snapshots/2026-10")
    assert status == 200 and view["late_jobs_total"] == 5000 and len(view["late_jobs"]) == 100
    # 5,000 late of 5,000 completed: 0 % on time, nothing inspected -> score 0, D
    assert (view["monthly_score"], view["grade"]) == (0, "D")
    (email,) = [e for e in outbox() if e["to"] == "ops@busy.example"]
    assert "LATE JOBS (5,000)" in email["text"] and "4,990 more" in email["text"]
    assert "2 days late" in email["text"]
    assert client("s3").head_object(Bucket=mail.bucket, Key=f"snapshots/2026-10/{busy}.html")


def test_what_the_recheck_costs_a_daily_run(
    env: tuple[Lambdas, MailEnv, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured with the local capacity meter (docs/performance.md): an open month that did not move
    costs one Query of the partner's open snapshot records and writes nothing; a restatement writes
    the two records in one transaction and the notice's claim."""
    from scorecard_local.capacity import CapacityMeter, schemas_from_template
    from scorecard_local.template_tables import load_template

    lambdas, mail, _ = env
    set_clock(monkeypatch, "2026-11-01")
    handler("monthly_coordinator")({"month": "2026-10"})
    drain_snapshots(mail)
    schemas = schemas_from_template(load_template(ROOT / "template.yaml"), {"ScorecardTable": mail.table})
    set_clock(monkeypatch, "2026-11-04")
    with CapacityMeter(client("dynamodb"), schemas) as quiet:
        assert lambdas.daily({"as_of": "2026-11-03"})["snapshots_restated"] == 0
    snapshot_writes = {k: v for k, v in quiet.units.items() if k.startswith(("SNAP", "MAIL"))}
    assert snapshot_writes == {}  # nothing moved: nothing written
    assert quiet.calls["Query"] >= 1
    record(
        mail.table,
        [
            job_event(
                P, "R-1", "i", "job.inspected", "2026-11-03T08:00:00Z", parts_inspected=10, parts_defective=0
            )
        ],
        received_at=at("2026-11-04"),
    )
    with CapacityMeter(client("dynamodb"), schemas) as restating:
        assert lambdas.daily({"as_of": "2026-11-04"})["snapshots_restated"] == 1
    writes = {k: v for k, v in restating.units.items() if k.startswith(("SNAP", "MAIL"))}
    # the record and the kept revision, each 2x in a transaction (items of ~1.5 KB: 2 WRU each); the
    # notice is queued (its claim is the notification worker's)
    assert set(writes) == {"SNAP", "SNAPREV"}
    print(f"restatement WRU {dict(writes)}; quiet {quiet.wru} WRU {quiet.rru} RRU {dict(quiet.read_bytes)}")


def test_a_backfilled_month_run_for_real_is_published_and_sent_once(
    env: tuple[Lambdas, MailEnv, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lambdas, mail, capture = env
    set_clock(monkeypatch, "2026-11-01")
    handler("monthly_coordinator")({"month": "2026-10", "email": False})
    drain_snapshots(mail)
    assert outbox() == [] and published(capture) == []
    assert get(lambdas, f"/v1/partners/{P}/snapshots/2026-10")[1]["email"]["status"] == "not_emailed"
    for _ in range(2):
        handler("monthly_coordinator")({"month": "2026-10"})
        drain_snapshots(mail)
    assert [e["to"] for e in outbox()] == [EMAIL]
    assert [e["detail-type"] for e in published(capture)] == ["SnapshotPublished"]
    view = get(lambdas, f"/v1/partners/{P}/snapshots/2026-10")[1]
    assert (view["revision"], view["email"]["status"]) == (1, "sent")
