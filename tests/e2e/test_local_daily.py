"""End to end over HTTP: `POST /_local/run/daily` answers what the workers did for that day. A past
day run after a later one (the README's walk-through, run after `make run` has scored the last days)
is scored for every partner, although each partner's current score stays the later day's."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from local_process import local_server
from scorecard.auth.tokens import LOCAL_DEV_SECRET, issue_token

pytestmark = pytest.mark.e2e

PARTNERS = ("walk-01", "walk-02")
NO_JOBS = "walk-03"  # a registered partner without completed jobs: no score, not a failure


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_server(tmp_path_factory.mktemp("local-daily")) as url:
        yield url


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    token = issue_token("ops", None, secret=LOCAL_DEV_SECRET, now=datetime.now(UTC))
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(response.status), json.loads(response.read())


def job(partner_id: str, job_id: str, offered: date, due: date, shipped: date) -> list[dict[str, Any]]:
    common = {"partner_id": partner_id, "job_id": job_id}
    return [
        {
            **common,
            "event_id": f"{partner_id}:{job_id}:offered",
            "type": "job.offered",
            "occurred_at": f"{offered.isoformat()}T09:00:00Z",
            "value": "100.00",
            "part_count": 2,
            "due_date": due.isoformat(),
        },
        {
            **common,
            "event_id": f"{partner_id}:{job_id}:shipped",
            "type": "job.shipped",
            "occurred_at": f"{shipped.isoformat()}T15:00:00Z",
            "parts_shipped": 2,
        },
    ]


def test_a_past_day_after_a_later_one_reports_every_partner_scored(base: str) -> None:
    for partner_id in (*PARTNERS, NO_JOBS):
        status, _ = call(base, "PUT", f"/v1/partners/{partner_id}", {"name": partner_id})
        assert status == 201
    events: list[dict[str, Any]] = []
    for partner_id in PARTNERS:  # one job on time, one two days late, both shipped in October
        events += job(partner_id, "J-1", date(2026, 10, 1), date(2026, 10, 10), date(2026, 10, 9))
        events += job(partner_id, "J-2", date(2026, 10, 2), date(2026, 10, 12), date(2026, 10, 14))
    events += job(NO_JOBS, "J-1", date(2026, 11, 25), date(2026, 12, 10), date(2026, 12, 9))[:1]
    status, posted = call(base, "POST", "/v1/events", {"events": events})
    assert (status, posted["recorded"]) == (200, 9)

    status, later = call(base, "POST", "/_local/run/daily?date=2026-11-20")
    assert status == 200
    assert {k: later[k] for k in ("as_of", "partners", "scored", "without_score", "failed")} == {
        "as_of": "2026-11-20",
        "partners": 3,
        "scored": 2,
        "without_score": 1,
        "failed": [],
    }

    # The day before the run above: every partner is scored again (its history gets the point), and
    # the answer says so although each current score stays as of 2026-11-20.
    status, past = call(base, "POST", "/_local/run/daily?date=2026-11-19")
    assert status == 200
    assert {k: past[k] for k in ("as_of", "partners", "scored", "without_score", "failed")} == {
        "as_of": "2026-11-19",
        "partners": 3,
        "scored": 2,
        "without_score": 1,
        "failed": [],
    }
    for partner_id in PARTNERS:
        status, score = call(base, "GET", f"/v1/partners/{partner_id}/score")
        assert (status, score["as_of"]) == (200, "2026-11-20")
        status, history = call(
            base, "GET", f"/v1/partners/{partner_id}/score/history?from=2026-11-19&to=2026-11-20"
        )
        assert status == 200
        assert [point["date"] for point in history["points"]] == ["2026-11-19", "2026-11-20"]
