"""Defects down to the part and rejection feedback through the real handlers in moto (issue 21 item 1):
the job story shows each inspection's defects, `GET …/jobs?filter=defective` each job's counts by
category, the monthly snapshot (document, API and email) the month's, and `GET …/rejections` a
partner's rejections of the last 90 days, newest first, paged. Today is 2026-11-02 09:00 UTC, so the
90 days start on 2026-08-04 09:00 UTC."""

from __future__ import annotations

from typing import Any

import pytest
from integration_support import Lambdas, handler
from lambda_events import api_event, caller, load_event, response_json, sample_body
from mail_support import (
    MailEnv,
    drain_snapshots,
    job_event,
    outbox,
    provision_mail,
    put_partner,
    record,
    s3_json,
)

SAMPLE_EVENTS: list[dict[str, Any]] = sample_body("api_post_events")["events"]
PARTNER = "acme-01"
OPS = caller("ops")


def defect(part: str, quantity: int, category: str, note: str | None = None) -> dict[str, Any]:
    return {"part_number": part, "quantity": quantity, "category": category} | (
        {"note": note} if note else {}
    )


# J-101 of the sample batch: shipped 2 + 2 parts, its inspection (10-21) found 1 defective and lists
# it (BRKT-4410-B, dimensional). A re-inspection on 10-22 finds 3 of 4 defective and itemises 2.
REINSPECTION = job_event(
    PARTNER,
    "J-101",
    "inspected:2",
    "job.inspected",
    "2026-10-22T10:00:00Z",
    parts_inspected=4,
    parts_defective=3,
    defects=[defect("HSG-7", 2, "surface_finish", "orange peel on the cover")],
)


def post_events(lambdas: Lambdas, events: list[dict[str, Any]]) -> None:
    response = lambdas.ingest(api_event("api_post_events", body={"events": events}))
    assert response["statusCode"] == 200, response["body"]


def get(lambdas: Lambdas, sample: str, **fields: Any) -> tuple[int, Any]:
    response = lambdas.api(api_event(sample, **fields))
    return response["statusCode"], response_json(response)


# ---- the job story and the jobs list ---------------------------------------------------------------


def test_the_job_story_shows_each_inspections_defects(lambdas: Lambdas, table: str) -> None:
    post_events(lambdas, [*SAMPLE_EVENTS, REINSPECTION])
    status, story = get(lambdas, "api_get_job")
    assert status == 200, story
    assert [(i["event_id"], i["parts_defective"], i["defects"]) for i in story["inspections"]] == [
        (
            "acme-01:J-101:inspected:1",
            1,
            [
                {
                    "part_number": "BRKT-4410-B",
                    "quantity": 1,
                    "category": "dimensional",
                    "note": "mounting bore 0.05 mm over tolerance",
                }
            ],
        ),
        (
            "acme-01:J-101:inspected:2",
            3,
            [
                {
                    "part_number": "HSG-7",
                    "quantity": 2,
                    "category": "surface_finish",
                    "note": "orange peel on the cover",
                }
            ],
        ),
    ]
    # the job's own counts: dimensional 1, surface_finish 2 (3 of the 1 + 3 = 4 defective itemised)
    assert story["job"]["defects_by_category"] == {"dimensional": 1, "surface_finish": 2}
    assert story["job"]["parts_defective"] == 4


@pytest.mark.parametrize("scope", ["window", "all"])
def test_the_defective_jobs_carry_their_counts_by_category(lambdas: Lambdas, table: str, scope: str) -> None:
    post_events(lambdas, [*SAMPLE_EVENTS, REINSPECTION])
    query = {"filter": "defective", "scope": scope, "as_of": "2026-10-31"}
    status, listed = get(lambdas, "api_get_jobs_late", query=query)
    assert status == 200, listed
    assert [(j["job_id"], j["defects_by_category"]) for j in listed["jobs"]] == [
        ("J-101", {"dimensional": 1, "surface_finish": 2})
    ]
    # the other filters leave it out (null): only filter=defective is about defects
    status, late = get(lambdas, "api_get_jobs_late", query={**query, "filter": "all"})
    assert status == 200 and {j["defects_by_category"] for j in late["jobs"]} == {None}


# ---- the snapshot and its email ---------------------------------------------------------------------


@pytest.fixture
def mail(table: str, clock: Any, monkeypatch: pytest.MonkeyPatch) -> MailEnv:
    return provision_mail(table, monkeypatch)


def test_the_snapshot_and_its_email_give_the_months_defects_by_category(mail: MailEnv) -> None:
    put_partner(mail.table, "def-01", "Defect Works", "ops@defect.example")

    def job(job_id: str, shipped: str, inspected: str, defective: int, *defects: Any) -> list[Any]:
        offered = {"value": "100", "part_count": 10, "due_date": "2026-11-30"}
        inspection = {"parts_inspected": 10, "parts_defective": defective, "defects": list(defects)}
        return [
            job_event("def-01", job_id, "o", "job.offered", "2026-09-20T12:00:00Z", **offered),
            job_event("def-01", job_id, "a", "job.accepted", "2026-09-20T13:00:00Z"),
            job_event("def-01", job_id, "s", "job.shipped", shipped, parts_shipped=10),
            job_event("def-01", job_id, "i", "job.inspected", inspected, **inspection),
        ]

    october = ("2026-10-05T12:00:00Z", "2026-10-07T12:00:00Z")
    september = ("2026-09-28T12:00:00Z", "2026-10-02T12:00:00Z")  # inspected in October all the same
    month_end = ("2026-10-30T12:00:00Z", "2026-10-31T12:00:00Z")
    record(
        mail.table,
        # October's: dimensional 1 + 2 = 3, cosmetic 2, other 1; September's shipment (material 4) is not
        job("D-1", *october, 3, defect("P1", 2, "cosmetic"), defect("P2", 1, "dimensional"))
        + job("D-2", *september, 4, defect("P3", 4, "material"))
        + job("D-3", *month_end, 4, defect("P1", 2, "dimensional"), defect("P4", 1, "other")),
    )
    handler("monthly_coordinator")(load_event("schedule_monthly"))
    assert drain_snapshots(mail).failed == 0

    expected = {"dimensional": 3, "cosmetic": 2, "other": 1}
    document = s3_json(mail.bucket, "snapshots/2026-10/def-01.json")
    assert document["defects_by_category"] == expected
    assert document["dpt"] == 350.0  # 1000 x (3 + 4) / 20: the same inspections
    path, params = "/v1/partners/def-01/snapshots/2026-10", {"id": "def-01", "month": "2026-10"}
    response = handler("api")(api_event("api_get_score", caller=OPS, path=path, path_parameters=params))
    assert response["statusCode"] == 200, response["body"]
    assert response_json(response)["defects_by_category"] == expected
    (email,) = outbox()
    assert "Defective parts by category: Dimensional 3, Cosmetic 2, Other 1" in email["text"]
    assert (
        "Defective parts by category: Dimensional <strong>3</strong>, Cosmetic <strong>2</strong>"
        in email["html"]
    )


# ---- rejection feedback --------------------------------------------------------------------------------


def rejection(partner: str, job_id: str, at: str, feedback: str | None = None) -> list[dict[str, Any]]:
    offered = {"value": "50", "part_count": 1, "due_date": "2026-12-01"}
    offer = job_event(partner, job_id, "offered", "job.offered", at.replace("T15", "T08"), **offered)
    rejected = job_event(partner, job_id, "rejected", "job.rejected", at)
    return [offer, rejected | ({"feedback": feedback} if feedback is not None else {})]


def rejections_sample(**fields: Any) -> dict[str, Any]:
    return api_event("api_get_rejections", **fields)


def test_the_ops_view_gives_90_days_of_rejection_feedback_newest_first_paged(
    lambdas: Lambdas, table: str
) -> None:
    post_events(
        lambdas,
        rejection(PARTNER, "R-1", "2026-10-30T15:00:00Z", "no capacity until December")
        + rejection(PARTNER, "R-2", "2026-09-15T15:00:00Z")
        + rejection(PARTNER, "R-3", "2026-08-05T15:00:00Z", "tolerance below our machines'")
        + rejection(PARTNER, "R-4", "2026-08-03T15:00:00Z", "older than 90 days")
        + rejection("bluewater-02", "R-9", "2026-10-31T15:00:00Z", "another partner's"),
    )
    response = lambdas.api(rejections_sample(query=None))
    assert response["statusCode"] == 200, response["body"]
    listed = response_json(response)
    assert listed["since"] == "2026-08-04T09:00:00Z"
    assert [(r["job_id"], r["rejected_at"], r["feedback"]) for r in listed["rejections"]] == [
        ("R-1", "2026-10-30T15:00:00Z", "no capacity until December"),
        ("R-2", "2026-09-15T15:00:00Z", None),
        ("R-3", "2026-08-05T15:00:00Z", "tolerance below our machines'"),
    ]
    assert listed["next_cursor"] is None

    pages, cursor = [], None
    for _ in range(10):
        query = {"limit": "1"} | ({"cursor": cursor} if cursor else {})
        response = lambdas.api(rejections_sample(query=query))
        assert response["statusCode"] == 200, response["body"]
        page = response_json(response)
        pages.append([r["job_id"] for r in page["rejections"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [job for page in pages for job in page] == ["R-1", "R-2", "R-3"]
    assert all(len(page) <= 1 for page in pages)


def test_rejection_feedback_is_for_ops_of_a_known_partner(lambdas: Lambdas, table: str) -> None:
    post_events(lambdas, rejection(PARTNER, "R-1", "2026-10-30T15:00:00Z", "no capacity"))
    for role in (caller("partner", PARTNER), caller("service")):
        status, body = get(lambdas, "api_get_rejections", caller=role)
        assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = get(
        lambdas,
        "api_get_rejections",
        path="/v1/partners/nobody-01/rejections",
        path_parameters={"id": "nobody-01"},
    )
    assert (status, body["error"]["code"]) == (404, "not_found")
    for bad in ({"limit": "0"}, {"limit": "101"}, {"cursor": "not-a-cursor"}):
        status, body = get(lambdas, "api_get_rejections", query=bad)
        assert (status, body["error"]["code"]) == (422, "validation_failed"), bad
