"""Every surface that shows a score gets the same one for the same inputs: the daily run, simulate,
a backtest's replay and the jobs views (score_effect), for generated evidence and policies with
signals, extra components and notice credit, on v2 or v3 (open overdue jobs, cancellations after the
due date, late credit)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from builders import PARTNER, completed_job, event
from fakes import FakePartnerRepository
from hypothesis import given, settings
from hypothesis import strategies as st
from scorecard.domain.grading import TierState
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.services.backtests import replay_partner
from scorecard.services.daily import score_partners
from scorecard.services.jobs import scored_window
from scorecard.services.scoring import Evidence, load_evidence
from scorecard.services.simulation import simulate_partner

AS_OF = date(2026, 10, 31)
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
V2 = load_policy("v2")
V3 = load_policy("v3")
SIGNALS = {
    "nps": {"name": "nps", "source": "metric", "component": "nps"},
    "capacity": {"name": "capacity_current", "source": "capacity_current", "component": "engagement"},
    "weeks": {"name": "active_weeks", "source": "active_weeks", "component": "communication"},
}


@st.composite
def policies(draw: st.DrawFn) -> ScoringPolicy:
    chosen = draw(st.sets(st.sampled_from(sorted(SIGNALS)), max_size=3))
    base = draw(st.sampled_from([V2, V3]))
    data: dict[str, Any] = base.model_dump(mode="json") | {"version": "generated"}
    if base is V3 and draw(st.booleans()):
        data["late_credit"] = [{"max_days_late": 1, "credit": "0.75"}, {"max_days_late": 5, "credit": "0.25"}]
    data["signals"] = [SIGNALS[name] for name in sorted(chosen)]
    extra: dict[str, str] = {}
    if "nps" in chosen:
        extra["nps"] = str(draw(st.sampled_from(["0.05", "0.3", "1.0"])))
    data["extra_weights"] = extra
    data["notice"] = draw(
        st.sampled_from([None, {"min_hours": 48, "credit": "0.5"}, {"min_hours": 0, "credit": "1.0"}])
    )
    return ScoringPolicy.model_validate(data)


@st.composite
def networks(draw: st.DrawFn) -> FakePartnerRepository:
    repository = FakePartnerRepository()
    for j in range(draw(st.integers(min_value=1, max_value=8))):
        due = AS_OF - timedelta(days=draw(st.integers(min_value=1, max_value=60)))
        shipped = due + timedelta(days=draw(st.integers(min_value=-5, max_value=8)))
        job = completed_job(
            f"J{j}",
            shipped=min(shipped, AS_OF),
            due=due,
            value=draw(st.sampled_from(["50", "100", "400"])),
            parts=4,
            inspected=draw(st.sampled_from([0, 4])),
            defective=draw(st.sampled_from([0, 1])),
            status_update=draw(st.booleans()),
        )
        ending = draw(st.sampled_from(["shipped", "open", "cancelled"]))
        if ending != "shipped":
            # 3 of its 4 parts shipped (the same event, fewer parts): accepted and still owed
            index = next(i for i, e in enumerate(job.events) if e.type == "job.shipped")
            shipment = job.events[index]
            job.events[index] = event(
                "job.shipped", shipment.occurred_at, shipment.event_id, job_id=job.job_id, parts_shipped=3
            )
        if ending == "cancelled":
            cancelled = due + timedelta(days=draw(st.integers(min_value=-2, max_value=10)))
            job.cancelled(
                min(cancelled, AS_OF), by=draw(st.sampled_from(["customer", "platform", "partner"]))
            )
        if draw(st.booleans()):  # a delay notice, well ahead or too late for credit
            hours = draw(st.sampled_from([1, 72]))
            job.add(
                "job.delay_reported",
                datetime(due.year, due.month, due.day, tzinfo=UTC) - timedelta(hours=hours),
                expected_ship_date=(due + timedelta(days=3)).isoformat(),
            )
        repository.add_job(PARTNER, job.job_id, job.events)
    activity = []
    for k in range(draw(st.integers(min_value=0, max_value=4))):
        at = datetime(2026, 10, 1, 9, tzinfo=UTC) + timedelta(
            days=draw(st.integers(min_value=0, max_value=30))
        )
        if draw(st.booleans()):
            value = str(draw(st.integers(min_value=0, max_value=100)))
            activity.append(event("partner.metric_recorded", at, f"m{k}", metric="nps", value=value))
        else:
            activity.append(event("partner.capacity_updated", at, f"c{k}"))
    repository.add_activity(PARTNER, activity)
    return repository


@settings(max_examples=40, deadline=None)
@given(networks(), policies())
def test_every_surface_gives_the_same_score(repository: FakePartnerRepository, policy: ScoringPolicy) -> None:
    score_partners(repository, repository, [PARTNER], AS_OF, policy, NOW)
    daily = repository.views[PARTNER]
    record = repository.scores[PARTNER]

    evidence = Evidence(load_evidence(repository, PARTNER, AS_OF, AS_OF, [policy]))
    simulated = simulate_partner(evidence, TierState(), policy, V2, AS_OF).current
    [replayed] = replay_partner(
        load_evidence(repository, PARTNER, AS_OF, AS_OF, [policy]), TierState(), [AS_OF], [policy], V2
    ).active
    window = scored_window(repository, PARTNER, AS_OF, policy)

    score = None if record.score is None else float(record.score)
    assert (simulated.score, simulated.grade, simulated.tier) == (score, record.grade, record.tier)
    assert (replayed.score, replayed.grade, replayed.tier) == (score, record.grade, record.tier)
    assert window.result.score == record.score
    assert {c.name: c.value for c in window.result.components} == {
        name: None if c.value is None else Decimal(str(c.value)) for name, c in daily.components.items()
    }
    assert {job: float(effect) for job, effect in window.effects.items()} == {
        entry.job_id: entry.effect for entry in daily.ledger
    }
