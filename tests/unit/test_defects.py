"""An inspection's defects (issue 21): which parts were defective and why. Each rule of the field
by hand-written cases, the stored JSON (an inspection without defects keeps its bytes and content
hash), and the job projection that carries them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from builders import JobBuilder, day
from pydantic import ValidationError
from scorecard.adapters.event_store import canonical_event, content_hash
from scorecard.domain.events import (
    EVENT_ADAPTER,
    MAX_DEFECTS_PER_INSPECTION,
    JobInspected,
    event_json,
    parse_stored_event,
)
from scorecard.domain.jobs import PartDefect, defects_by_category, fold_job
from scorecard.domain.policy import load_policy
from scorecard.domain.snapshot import Month, compute_monthly_snapshot

INSPECTION: dict[str, Any] = {
    "event_id": "acme-01:J-101:inspected:1",
    "type": "job.inspected",
    "partner_id": "acme-01",
    "job_id": "J-101",
    "parts_inspected": 4,
    "parts_defective": 1,
    "ncmr_id": "NCMR-2026-0042",
    "report_url": "https://qa.example.com/reports/J-101.pdf",
    "occurred_at": "2026-10-21T10:00:00Z",
}
# What ingestion stored for that inspection before `defects` existed, and its content hash.
STORED_BEFORE = (
    '{"event_id":"acme-01:J-101:inspected:1","partner_id":"acme-01","occurred_at":"2026-10-21T10:00:00Z",'
    '"job_id":"J-101","type":"job.inspected","parts_inspected":4,"parts_defective":1,'
    '"ncmr_id":"NCMR-2026-0042","report_url":"https://qa.example.com/reports/J-101.pdf"}'
)
HASH_BEFORE = "ba9efc1ecc8b573c216eb8891770419b102676e1e91c0c3e2afc661cab2ae692"
DEFECT = {"part_number": "BRKT-02", "quantity": 1, "category": "dimensional"}


def inspection(**fields: Any) -> JobInspected:
    event = EVENT_ADAPTER.validate_python({**INSPECTION, **fields})
    assert isinstance(event, JobInspected)
    return event


def refused(**fields: Any) -> list[tuple[str, str]]:
    """(field path, message) of each error, the path from the event's fields down."""
    with pytest.raises(ValidationError) as caught:
        inspection(**fields)
    return [(".".join(str(p) for p in e["loc"][1:]), e["msg"]) for e in caught.value.errors()]


def paths(**fields: Any) -> list[str]:
    return [path for path, _ in refused(**fields)]


# ---- accepted ------------------------------------------------------------------------------------


def test_an_inspection_without_defects_has_none() -> None:
    assert inspection().defects == []
    assert inspection(defects=[]).defects == []


def test_defects_are_read_with_their_fields() -> None:
    event = inspection(
        parts_defective=3,
        defects=[
            {**DEFECT, "quantity": 2, "note": "bore 0.05 mm over"},
            {"part_number": "HSG 7/B", "quantity": 1, "category": "surface_finish"},
        ],
    )
    assert [(d.part_number, d.quantity, d.category, d.note) for d in event.defects] == [
        ("BRKT-02", 2, "dimensional", "bore 0.05 mm over"),
        ("HSG 7/B", 1, "surface_finish", None),
    ]


@pytest.mark.parametrize(
    "category",
    ["dimensional", "surface_finish", "material", "cosmetic", "shipping_damage", "documentation", "other"],
)
def test_every_category_is_accepted(category: str) -> None:
    assert inspection(defects=[{**DEFECT, "category": category}]).defects[0].category == category


@pytest.mark.parametrize(
    "part_number", ["A", "7", "PN-1234-A", "ABC.123/REV B", "12345#2", "X_1+(2)", "P" * 64, "a b c"]
)
def test_part_numbers_of_the_charset_are_accepted(part_number: str) -> None:
    assert inspection(defects=[{**DEFECT, "part_number": part_number}]).defects[0].part_number == part_number


def test_a_note_of_500_characters_is_accepted() -> None:
    assert inspection(defects=[{**DEFECT, "note": "é" * 500}]).defects[0].note == "é" * 500


def test_quantities_may_sum_to_exactly_parts_defective() -> None:
    # 100 lines of 1 part each = 100 = parts_defective
    defects = [{**DEFECT, "part_number": f"P-{n}"} for n in range(MAX_DEFECTS_PER_INSPECTION)]
    event = inspection(parts_inspected=100, parts_defective=100, defects=defects)
    assert len(event.defects) == 100


# ---- each rule refused, the field named ----------------------------------------------------------------


@pytest.mark.parametrize(
    "part_number", ["", "P" * 65, " PN-1", "PN-1 ", "-PN", "PN\n1", "PN<1>", "PN;1", "PN,1", "PN\t1", "Ω-1"]
)
def test_part_numbers_outside_the_charset_or_length_are_refused(part_number: str) -> None:
    assert paths(defects=[DEFECT, {**DEFECT, "part_number": part_number}]) == ["defects.1.part_number"]


@pytest.mark.parametrize("quantity", [0, -1, True, "1", 1.0, None])
def test_a_quantity_must_be_an_integer_of_at_least_1(quantity: Any) -> None:
    assert paths(defects=[{**DEFECT, "quantity": quantity}]) == ["defects.0.quantity"]


@pytest.mark.parametrize("category", ["scratch", "Dimensional", "surface finish", "", 1, None])
def test_a_category_outside_the_list_is_refused(category: Any) -> None:
    defects = [DEFECT, DEFECT, {**DEFECT, "category": category}]
    assert paths(parts_defective=3, defects=defects) == ["defects.2.category"]


@pytest.mark.parametrize("note", ["x" * 501, 7, True, ["a note"]])
def test_a_note_is_a_string_of_at_most_500_characters(note: Any) -> None:
    assert paths(defects=[{**DEFECT, "note": note}]) == ["defects.0.note"]


def test_every_defect_field_but_the_note_is_required() -> None:
    for name in ("part_number", "quantity", "category"):
        defect = {k: v for k, v in DEFECT.items() if k != name}
        assert paths(defects=[defect]) == [f"defects.0.{name}"]


def test_a_defect_takes_no_other_field() -> None:
    assert paths(defects=[{**DEFECT, "severity": "high"}]) == ["defects.0.severity"]


@pytest.mark.parametrize("defects", [DEFECT, "BRKT-02", 1, [["BRKT-02", 1, "dimensional"]]])
def test_defects_is_a_list_of_objects(defects: Any) -> None:
    assert [p.split(".")[0] for p in paths(defects=defects)] == ["defects"]


def test_at_most_100_defects() -> None:
    # 101 lines of 1 part, against 101 defective parts: only the count is wrong
    defects = [{**DEFECT, "part_number": f"P-{n}"} for n in range(MAX_DEFECTS_PER_INSPECTION + 1)]
    assert paths(parts_inspected=200, parts_defective=101, defects=defects) == ["defects"]


def test_quantities_summing_past_parts_defective_are_refused() -> None:
    # 2 + 2 = 4 defective parts listed, 3 reported
    errors = refused(parts_defective=3, defects=[{**DEFECT, "quantity": 2}, {**DEFECT, "quantity": 2}])
    assert [path for path, _ in errors] == ["defects"]
    assert "sum to 4, more than parts_defective (3)" in errors[0][1]


def test_no_defect_may_be_listed_when_none_was_defective() -> None:
    assert paths(parts_defective=0, defects=[DEFECT]) == ["defects"]


def test_an_invalid_parts_defective_is_named_alone() -> None:
    # the sum is not checked against a parts_defective that is itself refused
    assert paths(parts_defective=9, defects=[{**DEFECT, "quantity": 9}]) == ["parts_defective"]


# ---- stored JSON ---------------------------------------------------------------------------------------


def test_an_inspection_without_defects_is_stored_as_before() -> None:
    for event in (inspection(), inspection(defects=[])):
        assert event_json(event) == STORED_BEFORE
        assert content_hash(event) == HASH_BEFORE
        assert '"defects"' not in canonical_event(event)


def test_defects_round_trip_through_the_stored_json() -> None:
    event = inspection(parts_defective=3, defects=[{**DEFECT, "note": "burr"}, {**DEFECT, "quantity": 2}])
    stored = event_json(event)
    # a note left out is absent, not null
    assert stored.endswith(
        '"defects":[{"part_number":"BRKT-02","quantity":1,"category":"dimensional","note":"burr"},'
        '{"part_number":"BRKT-02","quantity":2,"category":"dimensional"}]}'
    )
    again = parse_stored_event(stored)
    assert again == event
    assert event_json(again) == stored
    assert content_hash(again) == content_hash(event) != HASH_BEFORE


# ---- the job projection ----------------------------------------------------------------------------------


def test_the_job_projection_carries_each_inspections_defects() -> None:
    first = inspection(parts_defective=3, defects=[{**DEFECT, "quantity": 2, "note": "burr"}, DEFECT])
    second = inspection(event_id="acme-01:J-101:inspected:2", occurred_at="2026-10-22T10:00:00Z")
    job = fold_job("acme-01", "J-101", [second, first])
    assert [i.defects for i in job.inspections] == [
        (PartDefect("BRKT-02", 2, "dimensional", "burr"), PartDefect("BRKT-02", 1, "dimensional", None)),
        (),
    ]
    assert job.parts_defective == 4  # 3 + 1: the reported counts, not the listed lines


# ---- counts by category ----------------------------------------------------------------------------


def defect(part: str, quantity: int, category: str) -> dict[str, Any]:
    return {"part_number": part, "quantity": quantity, "category": category}


def test_a_jobs_defects_by_category_sum_every_inspection_in_the_list_order() -> None:
    first = inspection(
        parts_inspected=10,
        parts_defective=5,
        defects=[
            defect("HSG-7", 1, "surface_finish"),
            defect("BRKT-02", 2, "dimensional"),
            defect("HSG-7", 1, "dimensional"),
        ],
    )
    second = inspection(
        event_id="acme-01:J-101:inspected:2",
        occurred_at="2026-10-23T10:00:00Z",
        parts_inspected=10,
        parts_defective=3,
        defects=[defect("PIN-4", 1, "material"), defect("HSG-7", 2, "surface_finish")],
    )
    job = fold_job("acme-01", "J-101", [first, second])
    # dimensional 2 + 1 = 3, surface_finish 1 + 2 = 3, material 1; in the category list's order
    # (dimensional, surface_finish, material, ...), not the order reported
    assert list(defects_by_category(job.inspections).items()) == [
        ("dimensional", 3),
        ("surface_finish", 3),
        ("material", 1),
    ]
    # 7 itemised of the 5 + 3 = 8 found defective: an inspection may itemise fewer than it found
    assert (sum(defects_by_category(job.inspections).values()), job.parts_defective) == (7, 8)
    assert defects_by_category(fold_job("acme-01", "J-9", [inspection()]).inspections) == {}


def test_the_months_defects_by_category_are_those_of_its_shipments() -> None:
    """As dpt counts them: an inspection belongs to the latest shipment at or before it, and counts in
    that shipment's month."""
    october = Month(2026, 10)

    def job(
        job_id: str, shipped: str, inspected: str, defective: int, *defects: dict[str, Any]
    ) -> JobBuilder:
        built = JobBuilder(job_id).offered("2026-09-01T09:00:00Z", due=day(11, 30), parts=10)
        built.accepted("2026-09-01T10:00:00Z").shipped(shipped, parts=10)
        return built.add(
            "job.inspected", inspected, parts_inspected=10, parts_defective=defective, defects=list(defects)
        )

    jobs = [
        # shipped in October, inspected in October: cosmetic 2, dimensional 1
        job(
            "A",
            "2026-10-05T12:00:00Z",
            "2026-10-07T12:00:00Z",
            3,
            defect("P1", 2, "cosmetic"),
            defect("P2", 1, "dimensional"),
        ),
        # shipped in September, inspected in October: September's
        job("B", "2026-09-28T12:00:00Z", "2026-10-02T12:00:00Z", 4, defect("P3", 4, "material")),
        # shipped in October, inspected in November: October's; 3 of its 4 defective parts itemised
        job(
            "C",
            "2026-10-30T12:00:00Z",
            "2026-11-03T12:00:00Z",
            4,
            defect("P1", 2, "dimensional"),
            defect("P4", 1, "other"),
        ),
    ]
    metrics = compute_monthly_snapshot([j.fold() for j in jobs], october, load_policy("v1"))
    # dimensional 1 (A) + 2 (C) = 3, cosmetic 2 (A), other 1 (C); material (B) is September's
    assert list(metrics.defects_by_category.items()) == [("dimensional", 3), ("cosmetic", 2), ("other", 1)]
    # and dpt over the same inspections: 1000 x (3 + 4) / (10 + 10) = 350
    assert metrics.dpt == Decimal(350)
    september = compute_monthly_snapshot([j.fold() for j in jobs], october.previous(), load_policy("v1"))
    assert september.defects_by_category == {"material": 4}
