"""The running record (GET /v1/partners/{id}/jobs?scope=all, issue 9 item 4) and the job page's
score_effect, through the api handler against the template's table in moto, under policy v2.

The partner rec-01 (no profile timezone: dates in UTC), scored as of 2026-11-01. Every job is worth
100.00 (weight sqrt(100) = 10) and was offered before the window (so no engagement evidence), with a
status update before its first shipment (communication 100, the only share it has):

  in the window (completed 2026-10-03 .. 11-01: 11 jobs, not extended)
    W01..W08   on time; W01 has 18 parts, 18 inspected, 0 defective
    LATE-A     due 10-18, shipped 10-21 (3 days late); 2 inspected, 1 defective (inspected 10-22)
    LATE-B     due 10-25, shipped 10-27 (2 days late)
    OVERDUE-C  due 10-28, 1 of 2 parts shipped on 10-28: overdue (v2) from 10-29, 4 days late on 11-01
  before the window
    OLD-D      due 08-10, shipped 08-14 (4 days late); 2 inspected, 2 defective (inspected 08-15)
    OLD-E      due 09-05, shipped 09-06 (1 day late)
    OLD-F      due 09-12, shipped 09-10 (on time)
  and an update request of 08-20 (outside the window: it counts for nothing, but sits in GSI1).

Score: on_time = 8 x 10 / (11 x 10) = 72.7272..; quality: DPT = 1000 x 1 / 20 = 50 -> 100 - 50/5 = 90;
communication 100; engagement absent, weights renormalised over 0.45 + 0.35 + 0.10 = 0.90:
  (0.45 x 72.7272.. + 0.35 x 90 + 0.10 x 100) / 0.90 = 74.2272.. / 0.90 = 82.4747.. -> 82.5
Effects (score minus the score without the job):
  LATE-A: without it on_time 80/100, quality DPT 0 -> 100: (36 + 35 + 10) / 0.9 = 90 -> 82.4747 - 90 = -7.5
  LATE-B, OVERDUE-C: without either on_time 80, quality 90: (36 + 31.5 + 10) / 0.9 = 86.1111 -> -3.6
  W02: without it on_time 70: (31.5 + 31.5 + 10) / 0.9 = 81.1111 -> +1.4

The record is ordered by each job's latest event, newest first: OVERDUE-C (shipped 10-28 15:00),
LATE-B (10-27 15:00), LATE-A (inspected 10-22 12:00), ..., OLD-E (09-06 15:00), OLD-D (08-15 12:00).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from integration_support import Lambdas, job_events, scan_all
from lambda_events import api_event, caller, response_json
from scorecard.adapters import keys
from scorecard.services import jobs as job_service

PARTNER = "rec-01"
OWN = caller("partner", PARTNER)
OPS = caller("ops")
WINDOW_OFFER = date(2026, 9, 20)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def record_events() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for n, shipped in enumerate(
        [d(10, 5), d(10, 8), d(10, 11), d(10, 14), d(10, 17), d(10, 20), d(10, 23), d(10, 26)]
    ):
        first = n == 0
        events += job_events(
            PARTNER,
            f"W0{n + 1}",
            offered=WINDOW_OFFER,
            due=shipped + timedelta(days=2),
            shipped=shipped,
            parts=18 if first else 2,
            inspected=18 if first else 0,
        )
    events += job_events(
        PARTNER, "LATE-A", offered=WINDOW_OFFER, due=d(10, 18), shipped=d(10, 21), inspected=2, defective=1
    )
    events += job_events(PARTNER, "LATE-B", offered=WINDOW_OFFER, due=d(10, 25), shipped=d(10, 27))
    overdue = job_events(PARTNER, "OVERDUE-C", offered=WINDOW_OFFER, due=d(10, 28), shipped=d(10, 28))
    next(e for e in overdue if e["type"] == "job.shipped")["parts_shipped"] = 1  # 1 of 2: never completes
    events += overdue
    events += job_events(
        PARTNER, "OLD-D", offered=d(7, 20), due=d(8, 10), shipped=d(8, 14), inspected=2, defective=2
    )
    events += job_events(PARTNER, "OLD-E", offered=d(8, 20), due=d(9, 5), shipped=d(9, 6))
    events += job_events(PARTNER, "OLD-F", offered=d(8, 20), due=d(9, 12), shipped=d(9, 10))
    request = {"partner_id": PARTNER, "request_id": "R-1", "job_id": "OLD-E"}
    events += [
        {
            **request,
            "event_id": "rec:R-1:asked",
            "type": "partner.update_requested",
            "occurred_at": "2026-08-20T10:00:00Z",
        },
        {
            **request,
            "event_id": "rec:R-1:answered",
            "type": "partner.update_responded",
            "occurred_at": "2026-08-20T14:00:00Z",
        },
    ]
    return events


@pytest.fixture
def scored(lambdas: Lambdas, monkeypatch: pytest.MonkeyPatch) -> Lambdas:
    """rec-01 registered, its events posted, the daily run as of 2026-11-01 (policy v2)."""
    monkeypatch.setenv("POLICY_VERSION", "v2")
    put = api_event("api_put_partner", path=f"/v1/partners/{PARTNER}", body={"name": "Record Works"})
    assert lambdas.api(put)["statusCode"] == 201
    response = lambdas.ingest(api_event("api_post_events", body={"events": record_events()}))
    assert response["statusCode"] == 200, response["body"]
    assert lambdas.daily({"as_of": "2026-11-01"})["failed"] == []
    return lambdas


def get(
    lambdas: Lambdas, path: str, query: dict[str, str] | None = None, who: dict[str, str] = OWN
) -> tuple[int, Any]:
    event = api_event("api_get_jobs_late", caller=who, path=f"/v1/partners/{PARTNER}{path}", query=query)
    response = lambdas.api(event)
    return int(response["statusCode"]), response_json(response)


def walk(lambdas: Lambdas, query: dict[str, str]) -> list[dict[str, Any]]:
    """Every page of a scope=all listing, following next_cursor; the pages, in order."""
    pages = []
    cursor: str | None = None
    while True:
        status, body = get(lambdas, "/jobs", query | ({"cursor": cursor} if cursor else {}))
        assert status == 200, body
        assert body["scope"] == "all"
        pages.append(body)
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 20, "the cursor never ends"


def test_the_score_is_the_hand_computed_one(scored: Lambdas) -> None:
    status, body = get(scored, "/score", None)
    assert status == 200
    assert (body["score"], body["as_of"], body["window"]["jobs"], body["window"]["extended"]) == (
        82.5,
        "2026-11-01",
        11,
        False,
    )


def test_late_scope_all_lists_every_late_job_newest_first(scored: Lambdas) -> None:
    (page,) = walk(scored, {"filter": "late", "scope": "all"})
    assert page["as_of"] == "2026-11-01"  # the latest scored day
    assert page["window"] == {"start": "2026-10-03", "end": "2026-11-01", "jobs": 11, "extended": False}
    rows = [(j["job_id"], j["status"], j["days_late"], j["counts"], j["score_effect"]) for j in page["jobs"]]
    assert rows == [
        ("OVERDUE-C", "overdue", 4, True, -3.6),
        ("LATE-B", "completed", 2, True, -3.6),
        ("LATE-A", "completed", 3, True, -7.5),
        ("OLD-E", "completed", 1, False, None),
        ("OLD-D", "completed", 4, False, None),
    ]


@pytest.mark.parametrize("job_filter", ["late", "defective", "all"])
def test_what_counts_carries_the_window_lists_score_effect(scored: Lambdas, job_filter: str) -> None:
    status, window = get(scored, "/jobs", {"filter": job_filter})
    assert status == 200
    assert (window["scope"], window["next_cursor"]) == ("window", None)
    in_window = {j["job_id"]: j["score_effect"] for j in window["jobs"]}
    assert all(j["counts"] for j in window["jobs"])
    (page,) = walk(scored, {"filter": job_filter, "scope": "all"})
    counted = {j["job_id"]: j["score_effect"] for j in page["jobs"] if j["counts"]}
    assert counted == in_window  # the same jobs, the same figures
    assert all(j["score_effect"] is None for j in page["jobs"] if not j["counts"])


def test_defective_scope_all(scored: Lambdas) -> None:
    (page,) = walk(scored, {"filter": "defective", "scope": "all"})
    rows = [
        (j["job_id"], j["parts_inspected"], j["parts_defective"], j["counts"], j["score_effect"])
        for j in page["jobs"]
    ]
    assert rows == [("LATE-A", 2, 1, True, -7.5), ("OLD-D", 2, 2, False, None)]


def test_all_scope_all_is_every_job(scored: Lambdas) -> None:
    (page,) = walk(scored, {"filter": "all", "scope": "all"})
    ids = [j["job_id"] for j in page["jobs"]]
    assert ids[:4] == ["OVERDUE-C", "LATE-B", "W08", "W07"]  # latest events 10-28, 10-27, 10-26, 10-23
    assert ids[-3:] == ["OLD-F", "OLD-E", "OLD-D"]
    assert len(ids) == 14
    assert {j["job_id"] for j in page["jobs"] if not j["counts"]} == {"OLD-D", "OLD-E", "OLD-F"}
    assert next(j["score_effect"] for j in page["jobs"] if j["job_id"] == "W02") == 1.4


def test_a_job_is_in_the_running_record_only_once_it_is_overdue(scored: Lambdas) -> None:
    """OVERDUE-C is due 10-28 (4 days late as of 11-01): as of its due date it is open, not late."""
    (page,) = walk(scored, {"filter": "late", "scope": "all", "as_of": "2026-10-28"})
    assert "OVERDUE-C" not in [j["job_id"] for j in page["jobs"]]
    (every,) = walk(scored, {"filter": "all", "scope": "all", "as_of": "2026-10-28"})
    job = next(j for j in every["jobs"] if j["job_id"] == "OVERDUE-C")
    assert (job["status"], job["on_time"], job["days_late"]) == ("open", None, None)
    (later,) = walk(scored, {"filter": "late", "scope": "all", "as_of": "2026-10-29"})
    job = next(j for j in later["jobs"] if j["job_id"] == "OVERDUE-C")
    assert (job["status"], job["days_late"]) == ("overdue", 1)


LATE_ORDER = ["OVERDUE-C", "LATE-B", "LATE-A", "OLD-E", "OLD-D"]


def test_pages_of_two_yield_each_late_job_once(scored: Lambdas) -> None:
    pages = walk(scored, {"filter": "late", "scope": "all", "limit": "2"})
    assert [[j["job_id"] for j in p["jobs"]] for p in pages] == [
        LATE_ORDER[:2],
        LATE_ORDER[2:4],
        LATE_ORDER[4:],
    ]


def test_a_request_reads_a_bounded_number_of_items(
    scored: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One Query of 4 items per request (the jobs' and the request's evidence, one item per event,
    newest first): a job is listed where the walk meets its latest event, pages may be empty while the
    cursor goes on, and still each late job comes once, in order."""
    monkeypatch.setattr(job_service, "RECORD_QUERY_LIMIT", 4)
    monkeypatch.setattr(job_service, "RECORD_QUERIES_PER_REQUEST", 1)
    items = [
        i for i in scan_all(table) if i["PK"]["S"] == f"PARTNER#{PARTNER}" and keys.is_evidence(i["SK"]["S"])
    ]
    pages = walk(scored, {"filter": "late", "scope": "all"})
    assert len(pages) == len(items) // 4 + 1  # the last Query reads fewer than its limit (or none)
    # OVERDUE-C and LATE-B lead the walk (latest events 10-28, 10-27), LATE-A's (10-22) is on the third
    # read, OLD-E and OLD-D come last, past the other old jobs and the request.
    assert [[j["job_id"] for j in p["jobs"]] for p in pages] == [
        ["OVERDUE-C", "LATE-B"],
        [],
        ["LATE-A"],
        *[[]] * 11,
        ["OLD-E"],
        [],
        [],
        ["OLD-D"],
        [],
    ]


def test_the_job_page_carries_the_lists_score_effect(scored: Lambdas) -> None:
    """LATE-A: -7.5 (82.4747 - 90, module docstring) on the list, the record and its own page; an old
    late job counts for nothing anywhere."""
    for job_id, effect, counts in [("LATE-A", -7.5, True), ("OVERDUE-C", -3.6, True), ("OLD-D", None, False)]:
        status, body = get(scored, f"/jobs/{job_id}")
        assert status == 200
        assert (body["job"]["score_effect"], body["job"]["counts"]) == (effect, counts), job_id
    _, window = get(scored, "/jobs", {"filter": "late"})
    assert {j["job_id"]: j["score_effect"] for j in window["jobs"]} == {
        "OVERDUE-C": -3.6,
        "LATE-B": -3.6,
        "LATE-A": -7.5,
    }


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "bm90LWpzb24",
        "WyJ4IiwgIkpPQiNBIl0",
        "WyIyMDI2LTEwLTI4VDE1OjAwOjAwLjAwMDAwMFoiLCJQUk9GSUxFIl0",
        "e30",
    ],
    ids=["not-base64", "not-json", "not-an-instant", "not-a-job-key", "not-a-pair"],
)
def test_a_malformed_cursor_is_422(scored: Lambdas, cursor: str) -> None:
    status, body = get(scored, "/jobs", {"filter": "late", "scope": "all", "cursor": cursor})
    assert status == 422, body
    assert body["error"]["code"] == "validation_failed"
    assert body["error"]["message"] == "cursor is not a next_cursor of this list"
    assert body["error"]["details"] == [{"field": "query.cursor"}]


def test_the_new_query_parameters_are_checked(scored: Lambdas) -> None:
    for query, field in [
        ({"scope": "everything"}, "query.scope"),
        ({"scope": "all", "limit": "0"}, "query.limit"),
        ({"scope": "all", "limit": "101"}, "query.limit"),
        ({"scope": "all", "cursor": "x" * 161}, "query.cursor"),
        ({"scope": "window", "cursor": "e30"}, "query.cursor"),  # the window list is one page
    ]:
        status, body = get(scored, "/jobs", query)
        assert status == 422, query
        assert body["error"]["details"][0]["field"] == field, query


@pytest.mark.parametrize(
    ("who", "expected"),
    [(OWN, 200), (OPS, 200), (caller("service"), 200), (caller("partner", "intruder-01"), 403)],
    ids=["own-partner", "ops", "service", "other-partner"],
)
def test_who_may_read_the_running_record(scored: Lambdas, who: dict[str, str], expected: int) -> None:
    # Roles first: the other partner's malformed cursor or scope is a 403, not a 422.
    for query, valid in [
        ({"filter": "late", "scope": "all"}, True),
        ({"filter": "late", "scope": "all", "cursor": "%%%"}, False),
        ({"filter": "late", "scope": "everything"}, False),
    ]:
        status, body = get(scored, "/jobs", query, who=who)
        if expected == 403:
            assert (status, body["error"]["code"]) == (403, "forbidden")
        else:
            assert status == (200 if valid else 422), body
