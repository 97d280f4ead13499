"""A backtest's replay gives each day's signals only the activity they can count (the metrics of the
window, the other events of the last 30 days), so a day costs its own weeks, not the whole range's
activity; the scores stay the daily run's, day after day (one truth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from builders import PARTNER, completed_job, day, event
from scorecard.adapters.records import PartnerEvidence, PartnerProfile, StoredAggregate
from scorecard.domain.events import Event, event_json
from scorecard.domain.grading import TierState
from scorecard.domain.policy import ScoringPolicy, load_policy
from scorecard.domain.scoring import compute_success_score
from scorecard.services.backtests import replay_partner
from scorecard.services.daily import score_partner
from scorecard.services.scoring import Evidence, score_day

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
SIGNALS = ScoringPolicy.model_validate(
    load_policy("v2").model_dump(mode="json")
    | {
        "version": "v2-signals",
        "timezone": "America/Chicago",
        "extra_weights": {"nps": "0.1"},
        "signals": [
            {"name": "nps", "source": "metric", "component": "nps"},
            {"name": "capacity_current", "source": "capacity_current", "component": "engagement"},
            {"name": "active_weeks", "source": "active_weeks", "component": "engagement"},
        ],
    }
)
V1 = load_policy("v1")


def activity() -> list[Event]:
    """Logins every third day from 06-01, capacity updates in four scattered weeks, NPS values from
    June (inside a window extended to 180 days) to October."""
    start = datetime(2026, 6, 1, 14, tzinfo=UTC)
    events = [event("partner.logged_in", start + timedelta(days=3 * n), f"l{n}") for n in range(48)]
    events += [
        event("partner.capacity_updated", datetime(2026, m, d, 8, tzinfo=UTC), f"c{m}-{d}")
        for m, d in ((8, 20), (9, 25), (10, 3), (10, 19))
    ]
    events += [
        event("partner.metric_recorded", datetime(2026, m, 5, 8, tzinfo=UTC), f"n{m}", metric="nps", value=v)
        for m, v in ((6, "20"), (8, "90"), (10, "55"))
    ]
    return events


def evidence() -> PartnerEvidence:
    """Six jobs (a provisional score: the window reaches back 180 days) and the activity, as stored:
    one item per month."""
    jobs = [
        completed_job(f"J{i}", shipped=datetime(2026, 10, i, 15, tzinfo=UTC), due=day(10, i + (i % 2)))
        for i in range(1, 7)
    ]
    months: dict[str, list[str]] = {}
    for e in activity():
        months.setdefault(e.occurred_at.strftime("%Y-%m"), []).append(event_json(e))
    return PartnerEvidence(
        PARTNER,
        profile=PartnerProfile(PARTNER, timezone="America/Chicago"),
        jobs=[StoredAggregate(j.job_id, tuple(event_json(e) for e in j.events)) for j in jobs],
        activity=[StoredAggregate(month, tuple(events)) for month, events in sorted(months.items())],
    )


def test_replay_with_signals_equals_the_daily_runs_scoring_day_after_day() -> None:
    days = [day(10, 8) + timedelta(days=n) for n in range(25)]  # 10-08 .. 11-01
    replay = replay_partner(evidence(), TierState(), days, [V1] * len(days), SIGNALS)
    expected = []
    partner = evidence()
    for d in days:
        scored = score_partner(partner, d, SIGNALS, NOW)
        partner.score = scored.write.record
        score = None if scored.result.score is None else float(scored.result.score)
        expected.append((score, scored.result.grade, scored.decision.state.tier))
    assert [(o.score, o.grade, o.tier) for o in replay.candidate] == expected
    # the signals do move over these days (capacity weeks, the October NPS), so the cut is exercised
    assert len({score for score, _, _ in expected}) > 3


def test_a_days_activity_cut_keeps_the_presence_active_weeks_counts_under_a_short_window() -> None:
    """Metrics older than a short window still count as presence for active_weeks (4 weeks): the cut
    (services.scoring.Evidence.activity) keeps them, and the score is the one from the uncut activity."""
    policy = ScoringPolicy.model_validate(
        load_policy("v2").model_dump(mode="json")
        | {
            "version": "v2-short",
            "window": {"base_days": 7, "min_jobs": 1, "max_days": 7},
            "signals": [{"name": "active_weeks", "source": "active_weeks", "component": "engagement"}],
        }
    )
    job = completed_job("J1", shipped=datetime(2026, 10, 18, 12, tzinfo=UTC), due=day(10, 19))
    job_events = job.events  # offered 10-08 (10 days before shipping): read, accepted, a status 10-09
    activity_events = [
        # weeks end on 10-20 (UTC): week 0 10-14..10-20, 1 10-07..10-13, 2 09-30..10-06, 3 09-23..09-29
        event(
            "partner.metric_recorded", datetime(2026, 10, 2, 12, tzinfo=UTC), "m1", metric="nps", value="9"
        ),
        event("partner.logged_in", datetime(2026, 9, 25, 12, tzinfo=UTC), "l1"),
        event("partner.logged_in", datetime(2026, 9, 10, 12, tzinfo=UTC), "l0"),  # before the 4 weeks
    ]
    stored = PartnerEvidence(
        PARTNER,
        jobs=[StoredAggregate("J1", tuple(event_json(e) for e in job_events))],
        activity=[StoredAggregate("2026-09", tuple(event_json(e) for e in activity_events))],
    )
    result = score_day(Evidence(stored), policy, day(10, 20), TierState()).result
    (engagement,) = (c for c in result.components if c.name == "engagement")
    # weeks with presence: 0 (shipped 10-18), 1 (offered 10-08: read, accepted, a status update on 10-09),
    # 2 (the metric, 18 days back: outside the 7-day window), 3 (the login of 09-25) -> 4 of 4 = 100;
    # a cut at the window's start for metrics would lose week 2 -> 75.
    assert engagement.evidence["active_weeks"] == "100.0"
    until = datetime(2026, 10, 21, tzinfo=UTC)
    uncut = compute_success_score(
        [job.fold()], [], day(10, 20), policy, activity=[e for e in activity_events if e.occurred_at < until]
    )
    assert result == uncut
