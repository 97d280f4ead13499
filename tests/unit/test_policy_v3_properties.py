"""Properties of policy v3 over generated partners (hypothesis): late credit only ever helps, an open
overdue job is in every window while open, and v3 scores like v2 wherever its rules do not apply."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import msgspec
from builders import JobBuilder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scorecard.domain.events import Event
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.domain.scoring import ComponentResult, ScoreResult, compute_success_score
from scorecard.domain.window import completion_rules, day_end
from test_properties import D, as_events, on_time, partners, requests, scored

V2 = load_policy("v2")
V3 = load_policy("v3")
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def late_credit_steps(draw: st.DrawFn, min_size: int = 1) -> list[dict[str, str | int]]:
    """A valid late_credit: 1-10 steps, max_days_late ascending from 1, credit descending in (0, 1)."""
    size = draw(st.integers(min_size, 10))
    days = sorted(draw(st.lists(st.integers(1, 40), min_size=size, max_size=size, unique=True)))
    credits = sorted(
        draw(st.lists(st.integers(1, 99), min_size=size, max_size=size, unique=True)), reverse=True
    )
    return [{"max_days_late": n, "credit": str(Decimal(c) / 100)} for n, c in zip(days, credits, strict=True)]


def with_steps(steps: list[dict[str, str | int]]) -> ScoringPolicy:
    return ScoringPolicy.model_validate(V3.model_dump() | {"version": "v3-late", "late_credit": steps})


@FAST
@given(builders=partners(), request_lists=requests(), steps=late_credit_steps())
def test_late_credit_never_lowers_on_time_nor_the_score(
    builders: list[JobBuilder], request_lists: list[list[Event]], steps: list[dict[str, str | int]]
) -> None:
    without = scored(as_events(builders), request_lists, V3)
    with_credit = scored(as_events(builders), request_lists, with_steps(steps))
    assert with_credit.window_job_ids == without.window_job_ids  # credit never moves a completion
    assert on_time(with_credit) >= on_time(without)
    if without.score is not None:
        assert with_credit.score is not None and with_credit.score >= without.score


@FAST
@given(builders=partners(), steps=late_credit_steps(min_size=2), data=st.data())
def test_adding_a_step_never_lowers_the_score(
    builders: list[JobBuilder], steps: list[dict[str, str | int]], data: st.DataObject
) -> None:
    """Without one step, a job it covered falls to the next step (a smaller credit) or to none."""
    left_out = data.draw(st.integers(0, len(steps) - 1))
    fewer = scored(as_events(builders), [], with_steps(steps[:left_out] + steps[left_out + 1 :]))
    more = scored(as_events(builders), [], with_steps(steps))
    assert on_time(more) >= on_time(fewer)
    if fewer.score is not None:
        assert more.score is not None and more.score >= fewer.score


@FAST
@given(
    builders=partners(),
    offered_day=st.integers(0, 200),
    due_after=st.integers(0, 30),
    shipped_one=st.booleans(),
    days_after_due=st.integers(1, 400),
)
def test_an_open_overdue_job_is_in_the_window_on_every_day_from_due_plus_one(
    builders: list[JobBuilder], offered_day: int, due_after: int, shipped_one: bool, days_after_due: int
) -> None:
    """Accepted (and maybe one of its 3 parts shipped), neither fully shipped nor cancelled: under v3
    it is in the window of every day after its due date, late by that many days, whatever else the
    partner did."""
    offer = datetime(2026, 4, 25, 9, tzinfo=UTC) + timedelta(days=offered_day)
    due = (offer + timedelta(days=due_after)).date()
    job = JobBuilder("OPEN").offered(offer, due=due, parts=3).accepted(offer + timedelta(hours=1))
    if shipped_one:
        job.shipped(offer + timedelta(hours=2), parts=1)
    as_of = due + timedelta(days=days_after_due)
    result = score_on([*builders, job], as_of, V3)
    assert result.window is not None
    open_job = next(wj for wj in result.window.jobs if wj.job.job_id == "OPEN")
    assert (open_job.completion.via, open_job.completion.on_time) == ("overdue", False)
    assert open_job.completion.days_late == days_after_due
    assert open_job.completion.local_date == as_of


def score_on(builders: list[JobBuilder], as_of: date, policy: ScoringPolicy) -> ScoreResult:
    until = day_end(as_of, policy.zone)
    return compute_success_score([b.fold(until=until) for b in builders], [], as_of, policy)


def untargeted(components: tuple[ComponentResult, ...]) -> tuple[ComponentResult, ...]:
    return tuple(msgspec.structs.replace(c, target=None, meets_target=None) for c in components)


@FAST
@given(builders=partners(), request_lists=requests())
def test_v3_scores_like_v2_where_its_rules_do_not_apply(
    builders: list[JobBuilder], request_lists: list[list[Event]]
) -> None:
    """Leaving out the jobs v3 finds overdue on D (open, or cancelled after their due date), v3 = v2
    but for the targets it shows."""
    until = day_end(D, V3.zone)
    rules = completion_rules(V3)
    kept = []
    for builder in builders:
        completion = builder.fold(until=until).completion(rules, D)
        if completion is None or completion.via not in ("overdue", "overdue_cancellation"):
            kept.append(builder)
    v2 = scored(as_events(kept), request_lists, V2)
    v3 = scored(as_events(kept), request_lists, V3)
    assert (v2.policy_version, v3.policy_version) == ("v2", "v3")
    assert (v3.score, v3.grade, v3.provisional) == (v2.score, v2.grade, v2.provisional)
    assert untargeted(v3.components) == v2.components
    assert (v3.window, v3.ledger, v3.next_grade) == (v2.window, v2.ledger, v2.next_grade)
    for component in v3.components:
        target = V3.targets[component.name]
        assert component.target == target
        assert component.meets_target == (None if component.value is None else component.value >= target)
