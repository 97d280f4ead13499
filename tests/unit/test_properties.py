"""Properties of the domain over generated partners (hypothesis)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from builders import POLICY, JobBuilder, completed_job, request_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scorecard.domain.events import Event
from scorecard.domain.jobs import fold_job
from scorecard.domain.policy import ScoringPolicy, WindowRule, load_policy
from scorecard.domain.requests import fold_request
from scorecard.domain.scoring import ScoreResult, Tally, Weighing, compute_success_score, fewest
from scorecard.domain.snapshot import Month, compute_monthly_snapshot
from scorecard.domain.window import completion_rules, day_end

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

D = date(2026, 10, 31)
BASE = datetime(2026, 4, 25, tzinfo=UTC)  # events spread from here (before the 180-day cap) to past D
ZONES = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9, minutes=30))]
VALUES = ["0", "0.50", "1", "99.99", "400", "12345.67"]
DOCS = ["inspection_report", "photos", "certificate_of_conformance", "material_cert", "finishing_cert"]
HUNDRED = Decimal(100)


DENSE_START = datetime(2026, 10, 1, tzinfo=UTC)


@st.composite
def jobs(draw: st.DrawFn, job_id: str, dense: bool = False) -> JobBuilder:
    """One job with random events. `dense`: offered 10-01..10-21 and nearly always shipped within
    8 days (to fill plain 30-day windows); otherwise offered over 200 days from BASE."""

    def at(after: datetime, max_days: int) -> datetime:
        # one draw per instant (generation dominates the run time); the minute also picks the offset
        minutes = draw(st.integers(0, max_days * 1440 + 1439))
        return (after + timedelta(minutes=minutes)).astimezone(ZONES[minutes % len(ZONES)])

    offer = at(DENSE_START, 20) if dense else at(BASE, 200)
    ship_days = 8 if dense else 25
    parts = draw(st.integers(1, 3))
    job = JobBuilder(job_id).offered(
        offer,
        due=(offer + timedelta(days=draw(st.integers(0, 30)))).date(),
        value=draw(st.sampled_from(VALUES)),
        parts=parts,
        docs=draw(st.lists(st.sampled_from(DOCS), max_size=2, unique=True)),
    )
    if draw(st.booleans()):
        job.read(at(offer, 3))
    answer = draw(st.sampled_from([None, "accepted", "accepted", "rejected"]))
    if answer == "accepted":
        job.accepted(at(offer, 3))
    elif answer == "rejected":
        job.rejected(at(offer, 3))
    for _ in range(draw(st.integers(0, 2))):
        job.status(at(offer, 20))
    for document_type in draw(st.lists(st.sampled_from(DOCS), max_size=3)):
        job.document(at(offer, 30), document_type)
    for _ in range(draw(st.sampled_from([1, 1, 2] if dense else [0, 1, 1, 2, 3]))):
        job.shipped(at(offer, ship_days), draw(st.sampled_from([parts, parts, *range(1, parts + 1)])))
    for _ in range(draw(st.integers(0, 2))):
        inspected = draw(st.integers(1, 40))
        job.inspected(at(offer, 50), inspected, draw(st.integers(0, inspected)))
    if draw(st.integers(0, 3)) == 0:
        job.due_changed(
            at(offer, 10),
            (offer + timedelta(days=draw(st.integers(0, 40)))).date(),
            draw(st.sampled_from(["customer", "platform", "partner"])),
        )
    if draw(st.integers(0, 4)) == 0:
        job.cancelled(at(offer, 40), draw(st.sampled_from(["partner", "customer", "platform"])))
    return job


@st.composite
def partners(draw: st.DrawFn, max_jobs: int = 14) -> list[JobBuilder]:
    # a long history (window extensions, the 180-day cap) or a busy recent stretch (plain 30-day windows)
    dense = draw(st.booleans())
    count = draw(st.integers(12, 16) if dense else st.integers(1, max_jobs))
    return [draw(jobs(f"J{i}", dense)) for i in range(count)]


@st.composite
def requests(draw: st.DrawFn) -> list[list[Event]]:
    made = []
    for i in range(draw(st.integers(0, 4))):
        asked = BASE + timedelta(days=draw(st.integers(0, 215)), minutes=draw(st.integers(0, 1439)))
        answer = draw(st.one_of(st.none(), st.integers(0, 72 * 60)))
        made.append(
            request_events(f"R{i}", asked, None if answer is None else asked + timedelta(minutes=answer))
        )
    return made


def scored(
    job_events: Sequence[tuple[str, Sequence[Event]]],
    request_lists: Sequence[Sequence[Event]],
    policy: ScoringPolicy = POLICY,
) -> ScoreResult:
    until = day_end(D, policy.zone)
    states = [fold_job("P-1", job_id, events, until=until) for job_id, events in job_events]
    folded = [fold_request(events[0].request_id, events, until=until) for events in request_lists]  # type: ignore[union-attr]
    return compute_success_score(states, folded, D, policy)


def as_events(builders: Sequence[JobBuilder]) -> list[tuple[str, list[Event]]]:
    return [(b.job_id, b.events) for b in builders]


def reshuffled(data: st.DataObject, events: Sequence[Event]) -> list[Event]:
    """The same events in any order, some of them re-sent."""
    resent = data.draw(st.lists(st.sampled_from(list(events)), max_size=4))
    return data.draw(st.permutations([*events, *resent]))


def component_values(result: ScoreResult) -> dict[str, Decimal | None]:
    return {c.name: c.value for c in result.components}


# ---- idempotency and order --------------------------------------------------------------------------


@FAST
@given(job=jobs("J0"), data=st.data())
def test_job_state_ignores_order_and_resent_events(job: JobBuilder, data: st.DataObject) -> None:
    until = day_end(D, POLICY.zone)
    expected = job.fold(until=until)
    again = fold_job(job.partner_id, job.job_id, reshuffled(data, job.events), until=until)
    assert again == expected
    assert again.completion(POLICY.zone) == expected.completion(POLICY.zone)
    assert len({e.event_id for e in again.events}) == len(again.events)


@FAST
@given(builders=partners(), request_lists=requests(), data=st.data())
def test_score_ignores_order_and_resent_events(
    builders: list[JobBuilder], request_lists: list[list[Event]], data: st.DataObject
) -> None:
    expected = scored(as_events(builders), request_lists)
    jumbled_jobs = [(b.job_id, reshuffled(data, b.events)) for b in builders]
    jumbled_requests = [reshuffled(data, events) for events in request_lists]
    assert scored(jumbled_jobs, jumbled_requests) == expected
    # and the order in which the partner's jobs are handed over does not matter either
    backwards = scored(list(reversed(jumbled_jobs)), list(reversed(jumbled_requests)))
    assert (backwards.score, backwards.components, backwards.window) == (
        expected.score,
        expected.components,
        expected.window,
    )
    assert sorted(backwards.ledger, key=lambda e: e.job_id) == sorted(expected.ledger, key=lambda e: e.job_id)


@FAST
@given(builders=partners(max_jobs=8), data=st.data())
def test_snapshot_ignores_order_and_resent_events(builders: list[JobBuilder], data: st.DataObject) -> None:
    month = data.draw(st.sampled_from([Month(2026, m) for m in range(4, 12)]))
    expected = compute_monthly_snapshot([b.fold() for b in builders], month, POLICY)
    jumbled = [fold_job("P-1", b.job_id, reshuffled(data, b.events)) for b in builders]
    assert compute_monthly_snapshot(jumbled, month, POLICY) == expected


# ---- monotonicity -----------------------------------------------------------------------------------


def on_time(result: ScoreResult) -> Decimal:
    value = component_values(result).get("on_time")
    return value if value is not None else Decimal(-1)  # no window yet: below any real share


def extra_on_time_job(value: str) -> JobBuilder:
    return completed_job("EXTRA", shipped=datetime(2026, 10, 31, 8, tzinfo=UTC), due=D, value=value)


# A window that never extends: (D-180d, D] always, so an extra job can only join it.
FIXED_WINDOW = POLICY.model_copy(update={"window": WindowRule(base_days=180, min_jobs=1, max_days=180)})


@FAST
@given(builders=partners(), value=st.sampled_from(VALUES))
def test_an_extra_on_time_job_never_lowers_on_time(builders: list[JobBuilder], value: str) -> None:
    before = scored(as_events(builders), [], FIXED_WINDOW)
    after = scored([*as_events(builders), ("EXTRA", extra_on_time_job(value).events)], [], FIXED_WINDOW)
    assert on_time(after) >= on_time(before)
    assert "EXTRA" in after.window_job_ids


@FAST
@given(builders=partners(), value=st.sampled_from(VALUES))
def test_an_extra_on_time_job_never_lowers_on_time_while_the_window_only_grows(
    builders: list[JobBuilder], value: str
) -> None:
    """Under policy v1 a new job can push the oldest ones out of an extended window (the 10 most
    recent completions move on; see test_window). Whenever the window keeps every job it had, on_time
    cannot drop; when it does not, only older jobs left it."""
    before = scored(as_events(builders), [])
    after = scored([*as_events(builders), ("EXTRA", extra_on_time_job(value).events)], [])
    assert "EXTRA" in after.window_job_ids
    if set(before.window_job_ids) <= set(after.window_job_ids):
        assert on_time(after) >= on_time(before)
    else:
        assert before.window is not None and after.window is not None
        assert before.window.extended
        assert after.window.start > before.window.start
        dropped = set(before.window_job_ids) - set(after.window_job_ids)
        kept = [wj for wj in before.window.jobs if wj.job.job_id not in dropped]
        oldest_kept = min(wj.completion.at for wj in kept)
        assert all(wj.completion.at <= oldest_kept for wj in before.window.jobs if wj.job.job_id in dropped)


# ---- ranges -----------------------------------------------------------------------------------------


@FAST
@given(builders=partners(), request_lists=requests())
def test_components_and_score_stay_within_0_and_100(
    builders: list[JobBuilder], request_lists: list[list[Event]]
) -> None:
    result = scored(as_events(builders), request_lists)
    if result.score is None:
        assert (result.grade, result.window, result.components) == (None, None, ())
        return
    assert 0 <= result.score <= 100
    assert result.score == result.score.quantize(Decimal("0.1"))
    values = component_values(result)
    assert values["on_time"] is not None  # a window always has a completed job
    for value in values.values():
        assert value is None or 0 <= value <= 100
    present = [c.effective_weight for c in result.components if c.value is not None]
    assert abs(sum(present) - 1) <= Decimal("0.0002")  # 4-place rounding of each share
    for entry in result.ledger:
        assert -100 <= entry.effect <= 100
    assert result.grade in {"A", "B", "C", "D"}
    if result.next_grade is not None:
        assert result.next_grade.jobs_needed is None or 1 <= result.next_grade.jobs_needed <= 100


@FAST
@given(builders=partners(max_jobs=8), month=st.sampled_from([Month(2026, m) for m in range(4, 12)]))
def test_snapshot_percentages_stay_within_0_and_100(builders: list[JobBuilder], month: Month) -> None:
    s = compute_monthly_snapshot([b.fold() for b in builders], month, POLICY)
    for pct in (s.pct_parts_on_time, s.pct_jobs_on_time):
        assert pct is None or 0 <= pct <= 100
    assert s.dpt is None or 0 <= s.dpt <= 1000
    assert s.monthly_score is None or 0 <= s.monthly_score <= 100
    # a score needs a shipment and something to grade: a completed job or an inspection
    graded = s.parts_shipped > 0 and (s.pct_jobs_on_time is not None or s.dpt is not None)
    assert (s.monthly_score is not None) == graded
    assert (s.grade is None) == (s.monthly_score is None)
    assert s.jobs_read <= s.jobs_on_board + len(builders)
    assert s.jobs_completed_on_time <= s.jobs_completed
    assert s.value_accepted >= 0 and s.value_accepted.as_tuple().exponent == -2


# ---- policy v2 equals v1 where its rules do not apply (docs/scoring.md) ------------------------------------

V2 = load_policy("v2")


@FAST
@given(builders=partners(), request_lists=requests())
def test_v2_scores_like_v1_without_overdue_jobs_notices_timezones_or_signals(
    builders: list[JobBuilder], request_lists: list[list[Event]]
) -> None:
    """The generated events carry no delay reports and no activity, the partner has no profile
    timezone and v2 declares no signals; leaving out the jobs v2 finds overdue on D, v2 = v1."""
    until = day_end(D, V2.zone)
    rules = completion_rules(V2)
    kept = []
    for builder in builders:
        completion = builder.fold(until=until).completion(rules, D)
        if completion is None or completion.via != "overdue":
            kept.append(builder)
    v1 = scored(as_events(kept), request_lists, POLICY)
    v2 = scored(as_events(kept), request_lists, V2)
    assert (v1.policy_version, v2.policy_version) == ("v1", "v2")
    assert v2.score == v1.score
    assert v2.grade == v1.grade
    assert v2.provisional == v1.provisional
    assert v2.components == v1.components
    assert v2.window == v1.window
    assert v2.ledger == v1.ledger
    assert v2.next_grade == v1.next_grade


@FAST
@given(first=st.integers(1, 130), most=st.integers(0, 120))
def test_fewest_finds_the_first_k_that_reaches_asking_only_within_range(first: int, most: int) -> None:
    asked: list[int] = []

    def reaches(k: int) -> bool:
        asked.append(k)
        return k >= first

    assert fewest(reaches, most) == (first if first <= most else None)  # what a scan of 1..most finds
    assert all(1 <= k <= most for k in asked)
    assert len(asked) <= 2 * most.bit_length()  # 100 jobs: at most 14 scores, not 100


@st.composite
def tallies(draw: st.DrawFn, scale: int = 10) -> Tally:
    """Sums as jobs and requests make them: each part at most its whole (wholes up to `scale` times
    a few jobs' worth)."""

    def part_whole(most: int) -> tuple[int, int]:
        whole = draw(st.integers(0, most * scale // 10))
        return draw(st.integers(0, whole)), whole

    weights = [
        max(Decimal(v), Decimal(1)).sqrt() for v in draw(st.lists(st.sampled_from(VALUES), max_size=30))
    ]
    on_time = [w if draw(st.booleans()) else ZERO_WEIGHT for w in weights]
    defective, inspected = part_whole(400)
    status_ok, status_jobs = part_whole(30)
    document_ok, document_jobs = part_whole(30)
    answered, requests_made = part_whole(10)
    read, offers = part_whole(40)
    return Tally(
        weight_total=sum(weights, ZERO_WEIGHT),
        weight_on_time=sum(on_time, ZERO_WEIGHT),
        jobs_completed=len(weights),
        parts_inspected=inspected,
        parts_defective=defective,
        status_jobs=status_jobs,
        status_ok=status_ok,
        document_jobs=document_jobs,
        document_ok=document_ok,
        requests=requests_made,
        requests_answered=answered,
        offers=offers,
        offers_read=read,
        offers_answered=draw(st.integers(0, offers)),
    )


ZERO_WEIGHT = Decimal(0)


@FAST
@given(totals=tallies(), value=st.sampled_from(VALUES), inspected=st.integers(0, 40))
def test_the_score_never_falls_with_more_ideal_jobs(totals: Tally, value: str, inspected: int) -> None:
    """The premise of the search for the next grade: k more on-time, defect-free jobs never lower it."""
    weight = max(Decimal(value), Decimal(1)).sqrt()
    ideal = Tally(
        weight_total=weight,
        weight_on_time=weight,
        jobs_completed=1,
        jobs_on_time=1,
        parts_inspected=inspected,
        status_jobs=1,
        status_ok=1,
        offers=1,
        offers_read=1,
        offers_answered=1,
    )
    for policy in (POLICY, load_policy()):
        weighing = Weighing(policy)
        scores = [weighing.score(totals + ideal.scaled(k)) for k in range(1, 101)]
        assert all(s is not None for s in scores)
        assert scores == sorted(scores)  # type: ignore[type-var]


@FAST
@given(many=st.lists(tallies(scale=1), min_size=1, max_size=6))  # small sums: inputs that collide
def test_a_weighing_gives_each_tally_what_a_fresh_one_gives(many: list[Tally]) -> None:
    """The components remembered per input are those of the tally at hand, never of an earlier one."""
    for policy in (POLICY, load_policy()):
        weighing = Weighing(policy)
        for tally in [*many, *reversed(many)]:
            assert weighing.components(tally) == Weighing(policy).components(tally)
