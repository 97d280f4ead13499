"""The one path from a partner's stored evidence to its score of a day (docs/scoring.md).

The daily run, review rescoring, `scorecard rebuild`, simulate, backtests and every job's
`score_effect` all call `score_day`: for the same evidence, policy, day and tier state they get the
same score, components, ledger and tier decision, signals, notice and late credit included. What the
evidence must hold for a policy (activity only where it declares signals) is `load_evidence`'s one
decision.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from scorecard.adapters.records import PartnerEvidence, PartnerProfile, StoredAggregate
from scorecard.domain.events import Event, PartnerMetricRecorded, parse_stored_event
from scorecard.domain.grading import TierDecision, TierState
from scorecard.domain.jobs import JobState, fold_job
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.requests import UpdateRequest, fold_request
from scorecard.domain.scoring import ScoreResult, compute_success_score
from scorecard.domain.signals import weeks_start
from scorecard.domain.tiering import decide_tier
from scorecard.domain.window import day_end, day_start
from scorecard.ports import EvidenceStore


def evidence_since(as_of: date, policy: ScoringPolicy) -> datetime:
    """The oldest instant a score as of `as_of` can look at: the start of the 180-day cap."""
    return day_start(as_of - timedelta(days=policy.window.max_days - 1), policy.zone)


def partner_zone(profile: PartnerProfile | None) -> ZoneInfo | None:
    """The partner's profile timezone (policy v2 judges on-time by the partner's date); None when it
    has none. PUT /partners validates the name, so an unknown one here is treated as none."""
    if profile is None or not profile.timezone:
        return None
    try:
        return ZoneInfo(profile.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def load_evidence(
    store: EvidenceStore, partner_id: str, first: date, last: date, policies: Sequence[ScoringPolicy]
) -> PartnerEvidence:
    """What scoring `partner_id` on the days `first`..`last` under any of `policies` reads: one
    evidence query from the oldest instant any of them looks at, and the activity only when one of
    them declares signals (the only readers of logins, capacity updates and metrics)."""
    since = min(evidence_since(first, policy) for policy in policies)
    evidence = store.load_evidence(partner_id, since)
    if any(policy.signals for policy in policies):
        until = max(day_end(last, policy.zone) for policy in policies)
        # logins and capacity updates count for the week signals only: 4 weeks back, not the window
        weeks = min(weeks_start(first, policy) for policy in policies)
        evidence.activity = store.load_activity(partner_id, min(since, weeks), until, presence_since=weeks)
    return evidence


def fold_jobs(partner_id: str, stored: Iterable[StoredAggregate], until: datetime | None) -> list[JobState]:
    return [
        fold_job(
            partner_id,
            aggregate.id,
            [parse_stored_event(raw) for raw in aggregate.events],
            until=until,
            excluded=aggregate.excluded,
        )
        for aggregate in stored
    ]


# Evidence.jobs(EVERY_EVENT): each job folded from every event recorded, later days' included.
EVERY_EVENT = datetime.max.replace(tzinfo=UTC)

# Signals count presence (logins, capacity updates) over the 4 weeks ending on the day scored and
# metrics over the window, or over those weeks for active_weeks; 30 days hold 4 weeks in any zone.
PRESENCE_SPAN = timedelta(days=30)

T = TypeVar("T")
_occurred_at = operator.attrgetter("occurred_at")


class _Folds(Generic[T]):
    """Aggregates parsed once, each folded again only when an event of it falls before the new
    instant asked (a fold depends only on the events at or before `until`): a backtest asks for one
    day after another."""

    def __init__(
        self, stored: Sequence[StoredAggregate], fold: Callable[[StoredAggregate, list[Event], datetime], T]
    ):
        self._fold = fold
        self._entries: list[tuple[StoredAggregate, list[Event], list[datetime]]] = []
        for aggregate in stored:
            events = sorted(map(parse_stored_event, aggregate.events), key=_occurred_at)
            self._entries.append((aggregate, events, [e.occurred_at for e in events]))
        self._cached: list[tuple[int, T] | None] = [None] * len(self._entries)

    def at(self, until: datetime) -> list[T]:
        states: list[T] = []
        for index, (aggregate, events, instants) in enumerate(self._entries):
            seen = bisect_right(instants, until)  # events at or before `until`, as fold_job keeps
            cached = self._cached[index]
            if cached is None or cached[0] != seen:
                cached = (seen, self._fold(aggregate, events, until))
                self._cached[index] = cached
            states.append(cached[1])
        return states


class Evidence:
    """A partner's stored evidence, parsed once and folded as of any instant."""

    def __init__(self, stored: PartnerEvidence) -> None:
        partner_id = stored.partner_id
        self.partner_id = partner_id
        self.zone = partner_zone(stored.profile)
        self._jobs: _Folds[JobState] = _Folds(
            stored.jobs,
            lambda a, events, until: fold_job(partner_id, a.id, events, until=until, excluded=a.excluded),
        )
        self._requests: _Folds[UpdateRequest] = _Folds(
            stored.requests, lambda a, events, until: fold_request(a.id, events, until=until)
        )
        activity = sorted(
            (parse_stored_event(raw) for a in stored.activity for raw in a.events), key=_occurred_at
        )
        # metrics apart from the rest: a day's signals read them over the window, the rest over 4 weeks
        self._metrics = [e for e in activity if isinstance(e, PartnerMetricRecorded)]
        self._presence = [e for e in activity if not isinstance(e, PartnerMetricRecorded)]
        self._metric_instants = [e.occurred_at for e in self._metrics]
        self._presence_instants = [e.occurred_at for e in self._presence]

    def jobs(self, until: datetime) -> list[JobState]:
        """Every job, folded from its events at or before `until`."""
        return self._jobs.at(until)

    def requests(self, until: datetime) -> list[UpdateRequest]:
        return self._requests.at(until)

    def activity(self, until: datetime, policy: ScoringPolicy) -> list[Event]:
        """The activity events (logins, capacity updates, metrics) before `until` that `policy`'s
        signals can count (domain.signals): metrics of its longest window, the rest of the last
        PRESENCE_SPAN. A day costs those weeks, not every event since the evidence starts (a backtest
        of a partner logging in every quarter-hour would re-read 26,000 events each day)."""
        presence_from = until - PRESENCE_SPAN
        metrics_from = min(until - timedelta(days=policy.window.max_days + 1), presence_from)
        metrics = self._metrics[
            bisect_left(self._metric_instants, metrics_from) : bisect_left(self._metric_instants, until)
        ]
        presence = self._presence[
            bisect_left(self._presence_instants, presence_from) : bisect_left(self._presence_instants, until)
        ]
        return [*metrics, *presence]


class DayScore(msgspec.Struct, frozen=True):
    """A partner's score as of the end of a day, and that day's effect on its tier."""

    result: ScoreResult
    decision: TierDecision


def score_day(evidence: Evidence, policy: ScoringPolicy, day: date, tier: TierState) -> DayScore:
    """The Success Score as of the end of `day` (policy timezone) from the evidence recorded by then,
    and the tier in force after that day's run when `tier` was in force before it."""
    until = day_end(day, policy.zone)
    result = compute_success_score(
        evidence.jobs(until),
        evidence.requests(until),
        day,
        policy,
        partner_zone=evidence.zone,
        activity=evidence.activity(until, policy),
    )
    return DayScore(result, decide_tier(tier, result, day, policy))
