"""Peer standing arithmetic (domain.standing), each expectation worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from scorecard.domain.standing import (
    Distribution,
    most_offered_process,
    score_bucket,
    share_lower,
    standing,
)

DAY = date(2026, 3, 9)


def test_buckets_are_tenths_so_one_decimal_scores_compare_exactly() -> None:
    assert score_bucket(Decimal("0.0")) == 0
    assert score_bucket(Decimal("72.4")) == 724
    assert score_bucket(72.4) == 724  # float 72.4 is 72.39999…: read through its decimal text
    assert score_bucket(Decimal("100.0")) == 1000


def test_share_lower_is_floored() -> None:
    # scores 60.0, 70.0, 80.0 and the asker at 75.0: lower = 2 (60, 70), total 3
    # 100 × 2 / 3 = 66.67 -> floor 66 ("better than 66 %", never the rounded-up 67)
    assert share_lower({600: 1, 700: 1, 800: 1}, Decimal("75.0")) == 66


def test_equal_scores_are_not_lower() -> None:
    # 80.0 ×2, 90.0 ×1, 70.0 ×1; asker 80.0: only 70.0 is lower -> 100 × 1 / 4 = 25
    assert share_lower({800: 2, 900: 1, 700: 1}, Decimal("80.0")) == 25
    # a tenth above the tie: 70.0 and both 80.0 are lower -> 100 × 3 / 4 = 75
    assert share_lower({800: 2, 900: 1, 700: 1}, Decimal("80.1")) == 75


def test_lowest_and_highest() -> None:
    # the lowest score has nobody below: 0 (a real 0, the distribution exists)
    assert share_lower({500: 1, 900: 3}, Decimal("50.0")) == 0
    # above all four: 100 × 4 / 4 = 100
    assert share_lower({500: 1, 900: 3}, Decimal("95.0")) == 100


def test_a_single_partner_has_no_peers_so_no_percentile() -> None:
    # total 1 < MIN_PEERS = 2: absent (None), not 0 and not 100
    assert share_lower({800: 1}, Decimal("90.0")) is None
    assert share_lower({}, Decimal("90.0")) is None


def test_provisional_and_unscored_partners_are_left_out_of_the_distribution() -> None:
    day = Distribution(as_of=DAY)
    day.add(Decimal("60.0"), provisional=False, process="cnc_machining")
    day.add(Decimal("40.0"), provisional=True, process="cnc_machining")  # provisional: not counted
    day.add(None, provisional=False, process="cnc_machining")  # no score: not counted
    day.add(Decimal("90.0"), provisional=False, process=None)  # counted in the network only
    assert day.network == {600: 1, 900: 1}
    assert day.processes == {"cnc_machining": {600: 1}}
    assert day.partners == 2
    # asker 70.0 against {60.0, 90.0}: 1 lower of 2 -> 50 (the provisional 40.0 would have made it 2 of 3)
    assert share_lower(day.network, Decimal("70.0")) == 50


def test_batches_merge_into_the_day() -> None:
    first = Distribution(as_of=DAY, network={600: 1}, processes={"sheet_metal": {600: 1}})
    second = Distribution(as_of=DAY, network={600: 2, 700: 1}, processes={"sheet_metal": {700: 1}})
    first.merge(second)
    assert first.network == {600: 3, 700: 1}
    assert first.processes == {"sheet_metal": {600: 1, 700: 1}}


def test_standing_network_and_process() -> None:
    day = Distribution(
        as_of=DAY,
        network={500: 1, 600: 1, 700: 1, 800: 1},
        processes={"cnc_machining": {500: 1, 800: 1}, "3d_printing": {600: 1}},
    )
    found = standing(day, Decimal("75.0"), "cnc_machining")
    assert found is not None
    # network: 50, 60, 70 lower of 4 -> 75; cnc_machining: 50 lower of 2 -> 50
    assert (found.network, found.process, found.process_percentile) == (75, "cnc_machining", 50)
    assert found.distribution_as_of == DAY
    # 3d_printing has a single partner: no process percentile, the network one stays
    alone = standing(day, Decimal("75.0"), "3d_printing")
    assert alone is not None
    assert (alone.network, alone.process, alone.process_percentile) == (75, None, None)
    # a process nobody had yesterday: the same
    unknown = standing(day, Decimal("75.0"), "sheet_metal")
    assert unknown is not None and unknown.process is None


def test_no_distribution_yet_means_absent_not_zero() -> None:
    assert standing(None, Decimal("75.0"), "cnc_machining") is None
    assert standing(Distribution(as_of=DAY), Decimal("75.0"), None) is None  # empty day
    day = Distribution(as_of=DAY, network={500: 1, 600: 1})
    assert standing(day, None, None) is None  # no score, no standing


def test_most_offered_process_ties_go_alphabetical() -> None:
    # 2 × sheet_metal, 2 × cnc_machining, 1 × 3d_printing: a tie of two -> "cnc_machining" < "sheet_metal"
    jobs = ["sheet_metal", "cnc_machining", None, "sheet_metal", "3d_printing", "cnc_machining"]
    assert most_offered_process(jobs) == "cnc_machining"
    assert most_offered_process(reversed(jobs)) == "cnc_machining"  # order does not matter
    assert most_offered_process(["sheet_metal", "sheet_metal", "cnc_machining"]) == "sheet_metal"
    assert most_offered_process([None, None]) is None
    assert most_offered_process([]) is None


def test_an_offer_names_its_process_and_the_fold_keeps_it() -> None:
    from scorecard.domain.events import EVENT_ADAPTER, event_json
    from scorecard.domain.jobs import fold_job

    offer = {
        "event_id": "e1",
        "type": "job.offered",
        "partner_id": "p1",
        "job_id": "J1",
        "occurred_at": "2026-10-01T09:00:00Z",
        "value": "100.00",
        "part_count": 2,
        "due_date": "2026-10-11",
    }
    plain = EVENT_ADAPTER.validate_python(offer)
    assert '"process"' not in event_json(plain)  # absent stays absent in the stored text
    milled = EVENT_ADAPTER.validate_python({**offer, "process": "cnc_machining"})
    assert '"process":"cnc_machining"' in event_json(milled)
    assert fold_job("p1", "J1", [milled]).process == "cnc_machining"
    assert fold_job("p1", "J1", [plain]).process is None
    with pytest.raises(ValidationError):  # a bounded token, not free text
        EVENT_ADAPTER.validate_python({**offer, "process": "CNC Machining!"})
