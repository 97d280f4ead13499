"""The Partner Success Score (docs/scoring.md): components, renormalised weights, rounding, ledger, next
grade.

Every expectation is computed by hand in the comments. Unless said otherwise a job here is read,
accepted and has a status update before it ships (see builders.completed_job), so communication
and engagement are 100.
"""

from __future__ import annotations

from decimal import Decimal

from builders import (
    JobBuilder,
    completed_job,
    component,
    day,
    effects,
    request_events,
    score,
)
from scorecard.domain.grading import round_half_up, round_to_int

D = day(10, 31)


def two_jobs() -> list[JobBuilder]:
    """A: $400 on time; B: $100, 5 days late."""
    return [
        completed_job("A", shipped=day(10, 15), due=day(10, 20), value="400"),
        completed_job("B", shipped=day(10, 25), due=day(10, 20), value="100"),
    ]


# ---- on_time and the weighted score -----------------------------------------------------------------


def test_on_time_is_value_weighted_by_square_root() -> None:
    result = score(two_jobs(), D)
    # on_time = 100 * sqrt(400) / (sqrt(400) + sqrt(100)) = 100 * 20 / 30 = 66.666..
    assert component(result, "on_time") == Decimal("66.7")
    assert component(result, "quality") is None  # nothing inspected
    assert component(result, "communication") == Decimal("100.0")
    assert component(result, "engagement") == Decimal("100.0")
    # weights renormalised over on_time, communication, engagement: 0.45 + 0.10 + 0.10 = 0.65
    # score = (0.45 * 66.666.. + 0.10 * 100 + 0.10 * 100) / 0.65 = (30 + 10 + 10) / 0.65 = 76.923..
    assert result.score == Decimal("76.9")
    assert result.grade == "C"
    assert result.provisional is True  # 2 < 10 jobs in 180 days
    assert result.policy_version == "v1"
    assert result.as_of == D
    assert set(result.window_job_ids) == {"A", "B"}


def test_effective_weights_are_renormalised_over_present_components() -> None:
    result = score(two_jobs(), D)
    weights = {c.name: (c.weight, c.effective_weight) for c in result.components}
    assert weights == {
        "on_time": (Decimal("0.45"), Decimal("0.6923")),  # 0.45 / 0.65 = 0.692307..
        "quality": (Decimal("0.35"), Decimal(0)),  # absent
        "communication": (Decimal("0.10"), Decimal("0.1538")),  # 0.10 / 0.65 = 0.153846..
        "engagement": (Decimal("0.10"), Decimal("0.1538")),
    }
    on_time = next(c for c in result.components if c.name == "on_time")
    assert on_time.evidence == {"jobs": 2, "on_time_jobs": 1}


def test_zero_value_jobs_weigh_like_one_dollar() -> None:
    jobs = [
        completed_job("FREE", shipped=day(10, 15), due=day(10, 20), value="0"),
        completed_job("CHEAP", shipped=day(10, 25), due=day(10, 20), value="0.25"),
        completed_job("FOUR", shipped=day(10, 15), due=day(10, 20), value="4"),
    ]
    # weights sqrt(max(0, 1)) = 1, sqrt(max(0.25, 1)) = 1, sqrt(4) = 2: on_time = 100 * (1 + 2) / 4 = 75
    assert component(score(jobs, D), "on_time") == Decimal("75.0")


def test_customer_and_platform_due_date_changes_never_count_against_the_partner() -> None:
    jobs = two_jobs()
    jobs[1].due_changed(day(10, 12), day(10, 30), "customer")  # B now due 10-30, shipped 10-25
    result = score(jobs, D)
    # both on time: on_time = 100; every component 100 -> score 100
    assert (component(result, "on_time"), result.score, result.grade) == (Decimal(100), Decimal(100), "A")


def test_partner_asked_extension_keeps_the_job_late() -> None:
    jobs = two_jobs()
    jobs[1].due_changed(day(10, 12), day(10, 30), "partner")
    assert score(jobs, D).score == Decimal("76.9")  # as in the plain two-job case


def test_customer_cancelled_job_never_counts() -> None:
    void = completed_job("VOID", shipped=day(10, 25), due=day(10, 20), value="10000", parts=10)
    void.events.pop()  # replace the full shipment by a late partial one and a customer cancellation
    void.shipped(day(10, 25), 3).cancelled(day(10, 26), "customer")
    result = score([*two_jobs(), void], D)
    assert result.score == Decimal("76.9")  # unchanged
    assert "VOID" not in effects(result)
    engagement = next(c for c in result.components if c.name == "engagement")
    assert engagement.evidence == {"offers": 2, "read": 2, "answered": 2}  # its offer is left out too


def test_partner_cancellation_after_acceptance_counts_as_late() -> None:
    a = completed_job("A", shipped=day(10, 15), due=day(10, 20), value="400")
    x = (
        JobBuilder("X")
        .offered(day(10, 1), due=day(10, 20), value="100")
        .read(day(10, 1))
        .accepted(day(10, 2))
        .status(day(10, 3))
        .cancelled(day(10, 25), "partner")
    )
    result = score([a, x], D)
    # same sums as the two-job case: on_time = 100 * 20 / 30 -> score 76.9
    assert result.score == Decimal("76.9")
    entry = next(e for e in result.ledger if e.job_id == "X")
    assert (entry.completed, entry.on_time, entry.days_late) == (True, False, 0)
    assert entry.reasons == ("cancelled by partner after acceptance (counts as late)",)


def test_excluded_jobs_are_ignored_everywhere() -> None:
    result = score(two_jobs(), D, excluded={"B"})
    # only A: every component 100
    assert result.score == Decimal(100)
    assert result.window_job_ids == ("A",)
    assert list(effects(result)) == ["A"]
    assert next(c for c in result.components if c.name == "engagement").evidence["offers"] == 1


def test_timezone_decides_lateness_in_the_score() -> None:
    job = completed_job("TZ", shipped="2026-10-10T23:30:00-05:00", due=day(10, 10))
    result = score([job], D)
    # 2026-10-11T04:30Z: 1 day late under UTC -> on_time 0; score = (0 + 10 + 10) / 0.65 = 30.769..
    assert component(result, "on_time") == Decimal(0)
    assert result.score == Decimal("30.8")
    entry = result.ledger[0]
    assert (entry.on_time, entry.days_late, entry.reasons) == (False, 1, ("shipped 1 day late",))


# ---- quality ----------------------------------------------------------------------------------------


def test_quality_from_defects_per_thousand() -> None:
    jobs = [
        completed_job("A", shipped=day(10, 15), due=day(10, 20), inspected=200, defective=2),
        completed_job("B", shipped=day(10, 16), due=day(10, 20), inspected=300, defective=3),
    ]
    result = score(jobs, D)
    # DPT = 1000 * (2 + 3) / (200 + 300) = 10; quality = 100 - 10 / 5 = 98
    assert component(result, "quality") == Decimal("98.0")
    quality = next(c for c in result.components if c.name == "quality")
    assert quality.evidence == {"parts_inspected": 500, "parts_defective": 5}
    assert quality.effective_weight == Decimal("0.3500")
    # all four present, weights sum to 1: 0.45*100 + 0.35*98 + 0.10*100 + 0.10*100 = 45 + 34.3 + 20
    assert result.score == Decimal("99.3")
    assert result.grade == "A"
    assert result.next_grade is None  # nothing above A


def test_quality_floors_at_zero() -> None:
    jobs = [completed_job("A", shipped=day(10, 15), due=day(10, 20), inspected=10, defective=7)]
    result = score(jobs, D)
    # DPT = 1000 * 7 / 10 = 700; 100 - 700/5 = -40 -> 0
    assert component(result, "quality") == Decimal(0)
    # 0.45*100 + 0.35*0 + 0.10*100 + 0.10*100 = 65
    assert result.score == Decimal("65.0")
    assert result.ledger[0].reasons == ("shipped on time", "7 of 10 inspected parts defective")


def test_quality_counts_uninspected_jobs_not_at_all() -> None:
    jobs = [
        completed_job("A", shipped=day(10, 15), due=day(10, 20), inspected=50, defective=1),
        completed_job("B", shipped=day(10, 16), due=day(10, 20)),  # never inspected
    ]
    # DPT = 1000 * 1 / 50 = 20 -> quality = 100 - 4 = 96
    assert component(score(jobs, D), "quality") == Decimal("96.0")


# ---- communication ----------------------------------------------------------------------------------


def test_communication_is_the_mean_of_requests_status_and_documents() -> None:
    docs = ["inspection_report", "certificate_of_conformance"]
    jobs = [
        completed_job("A", shipped=day(10, 15), due=day(10, 20), docs_required=docs, docs_uploaded=docs),
        completed_job(
            "B", shipped=day(10, 16), due=day(10, 20), status_update=False, docs_required=["photos"]
        ).status(day(10, 17)),  # only after shipping
        completed_job("C", shipped=day(10, 17), due=day(10, 20)),  # requires no documents
    ]
    requests = [
        request_events("R1", "2026-10-05T10:00:00Z", "2026-10-06T10:00:00Z"),  # exactly 24 h: answered
        request_events("R2", "2026-10-07T10:00:00Z", "2026-10-08T10:00:01Z"),  # 24 h + 1 s: not
        request_events("R3", "2026-10-10T10:00:00Z"),  # never answered, deadline passed
        request_events("R4", "2026-10-31T12:00:00Z"),  # pending: deadline 11-01 12:00 after day D
        request_events("R5", "2026-05-04T10:00:00Z", "2026-05-04T11:00:00Z"),  # before the window
        request_events("R6", "2026-10-31T01:00:00Z", "2026-10-31T02:00:00Z"),  # answered on day D
    ]
    result = score(jobs, D, requests=requests)
    communication = next(c for c in result.components if c.name == "communication")
    assert communication.evidence == {
        "update_requests": 4,  # R1, R2, R3, R6
        "answered_in_time": 2,  # R1, R6
        "jobs": 3,
        "jobs_with_status_update": 2,  # A, C
        "jobs_requiring_documents": 2,  # A, B
        "jobs_with_all_documents": 1,  # A
    }
    # mean(100 * 2/4, 100 * 2/3, 100 * 1/2) = (50 + 66.666.. + 50) / 3 = 55.555..
    assert communication.value == Decimal("55.6")
    # on_time 100, engagement 100, no quality: (45 + 0.10 * 55.555.. + 10) / 0.65 = 60.5555.. / 0.65 = 93.16..
    assert result.score == Decimal("93.2")
    entry = next(e for e in result.ledger if e.job_id == "B")
    assert entry.reasons == (
        "shipped on time",
        "no status update before shipping",
        "missing documents: photos",
    )


def test_communication_without_requests_or_documents_is_the_status_share() -> None:
    jobs = [
        completed_job("A", shipped=day(10, 15), due=day(10, 20)),
        completed_job("B", shipped=day(10, 16), due=day(10, 20), status_update=False),
        completed_job("C", shipped=day(10, 17), due=day(10, 20), status_update=False),
        completed_job("E", shipped=day(10, 18), due=day(10, 20), status_update=False),
    ]
    result = score(jobs, D)
    # 1 of 4 jobs had a status update before shipping: 25
    assert component(result, "communication") == Decimal("25.0")
    # (45 + 0.10 * 25 + 10) / 0.65 = 57.5 / 0.65 = 88.46..
    assert result.score == Decimal("88.5")
    assert result.grade == "B"  # 88.5 rounds to 89


# ---- engagement -------------------------------------------------------------------------------------


def engagement_case() -> list[JobBuilder]:
    """10 on-time jobs completed 10-10..10-19, offered 09-01 (before the 30-day window), plus offers."""
    completed = [
        completed_job(f"C{i}", shipped=day(10, 10 + i), due=day(10, 30), offered=day(9, 1)) for i in range(10)
    ]
    offers = [
        JobBuilder("O1").offered(day(10, 5), due=day(11, 30)).read(day(10, 5)).accepted(day(10, 6)),
        JobBuilder("O2").offered(day(10, 6), due=day(11, 30)).read(day(10, 6)),
        JobBuilder("O3").offered(day(10, 7), due=day(11, 30)),
        JobBuilder("O4")  # voided by the customer: its offer never counts
        .offered(day(10, 8), due=day(11, 30))
        .read(day(10, 8))
        .accepted(day(10, 8))
        .cancelled(day(10, 9), "customer"),
        JobBuilder("O5")  # offered one second before the window
        .offered("2026-10-01T23:59:59Z", due=day(11, 30))
        .read(day(10, 2))
        .accepted(day(10, 2)),
    ]
    return completed + offers


def test_engagement_counts_offers_in_the_window() -> None:
    result = score(engagement_case(), D)
    assert result.window is not None
    assert (result.window.extended, result.provisional) == (False, False)
    engagement = next(c for c in result.components if c.name == "engagement")
    assert engagement.evidence == {"offers": 3, "read": 2, "answered": 1}  # O1, O2, O3
    # mean(100 * 2/3, 100 * 1/3) = 50
    assert engagement.value == Decimal("50.0")
    # on_time 100, communication 100, engagement 50: (45 + 10 + 5) / 0.65 = 92.307..
    assert result.score == Decimal("92.3")
    assert result.grade == "A"


def test_ledger_prices_unread_and_unanswered_offers() -> None:
    result = score(engagement_case(), D)
    by_job = effects(result)
    # without O3: offers 2, read 2, answered 1 -> engagement 75 -> (45 + 10 + 7.5) / 0.65 = 96.15..;
    # effect = (60 - 62.5) / 0.65 = -3.846.. -> -3.8
    assert by_job["O3"] == Decimal("-3.8")
    # without O1: offers 2, read 1, answered 0 -> engagement 25 -> 57.5 / 0.65; effect = 2.5 / 0.65 -> +3.8
    assert by_job["O1"] == Decimal("3.8")
    # without O2: offers 2, read 1, answered 1 -> engagement 50: no change
    assert by_job["O2"] == Decimal(0)
    # without any C: 9 on-time jobs still give 100 everywhere: no change
    assert all(by_job[f"C{i}"] == 0 for i in range(10))
    assert "O4" not in by_job and "O5" not in by_job
    # ordered from the most costly up
    assert [e.job_id for e in result.ledger] == ["O3", *[f"C{i}" for i in range(10)], "O2", "O1"]
    o3 = result.ledger[0]
    assert (o3.completed, o3.on_time, o3.completed_at) == (False, None, None)
    assert o3.reasons == ("offer not read", "offer not accepted or rejected")
    assert next(e for e in result.ledger if e.job_id == "O2").reasons == ("offer not accepted or rejected",)


# ---- ledger -----------------------------------------------------------------------------------------


def test_ledger_effect_is_score_minus_score_without_the_job() -> None:
    result = score(two_jobs(), D)
    by_job = effects(result)
    # score = 50 / 0.65 = 76.923..
    # without B: on_time 100 -> (45 + 20) / 0.65 = 100; effect = 76.923.. - 100 = -23.08 -> -23.1
    assert by_job["B"] == Decimal("-23.1")
    # without A: on_time 0 -> 20 / 0.65 = 30.769..; effect = 30 / 0.65 = 46.153.. -> 46.2
    # (taken on the unrounded scores; the rounded ones would give 76.9 - 30.8 = 46.1)
    assert by_job["A"] == Decimal("46.2")
    late, on_time = result.ledger  # the late job costs points and comes first
    assert (late.job_id, late.effect < 0, late.on_time, late.days_late) == ("B", True, False, 5)
    assert late.reasons == ("shipped 5 days late",)
    assert (on_time.job_id, on_time.effect > 0, on_time.reasons) == ("A", True, ("shipped on time",))
    assert (late.due_date, late.value, late.completed) == (day(10, 20), Decimal(100), True)


def test_ledger_of_a_single_job_is_the_whole_score() -> None:
    result = score([completed_job("ONLY", shipped=day(10, 15), due=day(10, 20))], D)
    assert result.score == Decimal(100)
    assert effects(result) == {"ONLY": Decimal(100)}


# ---- rounding and grade edges end to end ------------------------------------------------------------


def four_jobs(late: int, inspections: list[tuple[int, int]]) -> list[JobBuilder]:
    """Four $100 jobs (equal weights), the first `late` of them late, inspections spread over them."""
    jobs = []
    for i in range(4):
        inspected, defective = inspections[i] if i < len(inspections) else (0, 0)
        jobs.append(
            completed_job(
                f"J{i}",
                shipped=day(10, 21 if i < late else 15),
                due=day(10, 20),
                inspected=inspected,
                defective=defective,
            )
        )
    return jobs


def test_score_of_89_5_is_graded_a() -> None:
    result = score(four_jobs(0, [(40, 6), (60, 9)]), D)
    # DPT = 1000 * 15 / 100 = 150 -> quality = 100 - 30 = 70
    # score = 0.45*100 + 0.35*70 + 0.10*100 + 0.10*100 = 45 + 24.5 + 20 = 89.5 -> integer 90 -> A
    assert component(result, "quality") == Decimal("70.0")
    assert result.score == Decimal("89.5")
    assert result.grade == "A"


def test_score_of_69_5_is_graded_c() -> None:
    result = score(four_jobs(1, [(20, 5), (20, 6)]), D)
    # on_time = 100 * 3/4 = 75; DPT = 1000 * 11 / 40 = 275 -> quality = 100 - 55 = 45
    # score = 0.45*75 + 0.35*45 + 20 = 33.75 + 15.75 + 20 = 69.5 -> integer 70 -> C
    assert (component(result, "on_time"), component(result, "quality")) == (Decimal(75), Decimal(45))
    assert result.score == Decimal("69.5")
    assert result.grade == "C"


def test_score_rounds_half_up_not_to_even() -> None:
    jobs = [
        completed_job("ON", shipped=day(10, 15), due=day(10, 20), inspected=200, defective=3),
        completed_job("LATE", shipped=day(10, 22), due=day(10, 20)),
    ]
    result = score(jobs, D)
    # on_time = 50; DPT = 1000 * 3 / 200 = 15 -> quality = 97
    # score = 0.45*50 + 0.35*97 + 20 = 22.5 + 33.95 + 20 = 76.45 -> 76.5 half-up (76.4 half-even)
    assert result.score == Decimal("76.5")
    assert result.grade == "C"  # 76.5 -> 77


def test_round_half_up_helpers() -> None:
    assert round_half_up(Decimal("76.45")) == Decimal("76.5")
    assert round_half_up(Decimal("76.449999")) == Decimal("76.4")
    assert round_half_up(Decimal("0.05")) == Decimal("0.1")
    assert round_half_up(Decimal("0.66665"), Decimal("0.0001")) == Decimal("0.6667")
    assert [round_to_int(Decimal(v)) for v in ("69.4", "69.5", "88.5", "89.49", "0.5")] == [69, 70, 89, 89, 1]


# ---- path to the next grade -------------------------------------------------------------------------


def test_next_grade_counts_the_on_time_jobs_needed() -> None:
    # 10 jobs of $100 offered and completed in the 30-day window, 5 on time and 5 late
    jobs = [
        completed_job(
            f"J{i}",
            offered="2026-10-02T08:00:00Z",
            shipped=day(10, 10 + i) if i < 5 else day(10, 21 + i),
            due=day(10, 20),
        )
        for i in range(10)
    ]
    result = score(jobs, D)
    assert result.provisional is False
    # on_time 50, communication 100, engagement 100: (22.5 + 20) / 0.65 = 65.38.. -> 65.4 -> D
    assert (result.score, result.grade) == (Decimal("65.4"), "D")
    # each extra job: $100 (median), on time, read, answered, status update; C needs >= 69.5
    # k=1: on_time 600/11 = 54.54.. -> (24.545.. + 20) / 0.65 = 68.53 -> 68.5 -> 69: still D
    # k=2: on_time 700/12 = 58.33.. -> (26.25 + 20) / 0.65 = 71.15 -> 71.2 -> C
    assert result.next_grade is not None
    assert (result.next_grade.grade, result.next_grade.jobs_needed) == ("C", 2)
    assert result.next_grade.message == "2 more on-time, defect-free jobs reach C"


def test_next_grade_out_of_reach_of_more_jobs() -> None:
    # 10 on-time jobs; one inspected 10,000 parts, all defective, the others 1 part each, none defective
    jobs = [
        completed_job(
            f"J{i}",
            offered="2026-10-02T08:00:00Z",
            shipped=day(10, 10 + i),
            due=day(10, 20),
            parts=10_000 if i == 0 else 1,
            inspected=10_000 if i == 0 else 1,
            defective=10_000 if i == 0 else 0,
        )
        for i in range(10)
    ]
    result = score(jobs, D)
    # on_time 100, quality max(0, 100 - 10,000,000 / 10,009 / 5) = 0, communication 100, engagement 100:
    # 0.45 * 100 + 0.35 * 0 + 0.10 * 100 + 0.10 * 100 = 65 -> D
    assert (result.score, result.grade) == (Decimal("65.0"), "D")
    # each extra job inspects the median 1 part: after 100 of them DPT = 10,000,000 / 10,109 = 989 -> quality
    # still 0, so the score stays 65 and C (>= 69.5) is out of reach
    assert result.next_grade is not None
    assert (result.next_grade.grade, result.next_grade.jobs_needed) == ("C", None)
    assert result.next_grade.message == (
        "more on-time jobs alone will not reach C: quality or communication must improve"
    )


def test_next_grade_of_one_job() -> None:
    result = score(two_jobs(), D)
    # values 100 and 400: median_low = 100 -> weight 10. k=1: on_time = 100 * (20 + 10) / (30 + 10) = 75
    # -> (33.75 + 20) / 0.65 = 82.69 -> 82.7 -> B
    assert result.next_grade is not None
    assert (result.next_grade.grade, result.next_grade.jobs_needed) == ("B", 1)
    assert result.next_grade.message == "1 more on-time, defect-free job reaches B"
