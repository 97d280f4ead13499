"""Optional signals a policy may declare (docs/scoring.md rule 6), each a value 0..100 or absent.

- `capacity_current`: share of the 4 weeks ending on the day scored with a `partner.capacity_updated`;
- `active_weeks`: share of those weeks with any partner activity (logins, capacity updates, metrics,
  and what the partner did on its jobs and update requests);
- a custom metric: the latest `partner.metric_recorded` value of that name in the window, mapped
  linearly from the declared [scale_min, scale_max] to 0..100 (clamped); absent without a value.

Weeks are 7-day blocks of the policy timezone ending with the day scored. Only metrics the policy
declares are read: values of undeclared metrics are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from scorecard.domain.events import (
    ActivityEventBase,
    Event,
    JobAccepted,
    JobDelayReported,
    JobDocumentUploaded,
    JobRead,
    JobRejected,
    JobShipped,
    JobStatusUpdated,
    PartnerCapacityUpdated,
    PartnerMetricRecorded,
)
from scorecard.domain.jobs import JobState, event_order
from scorecard.domain.policy import ScoringPolicy, Signal
from scorecard.domain.requests import UpdateRequest
from scorecard.domain.window import Window, day_end, day_start

HUNDRED = Decimal(100)
WEEKS = 4
# What the partner itself does on a job (offers, inspections and receipts are the platform's).
_PARTNER_JOB_EVENTS = (
    JobRead,
    JobAccepted,
    JobRejected,
    JobStatusUpdated,
    JobDocumentUploaded,
    JobShipped,
    JobDelayReported,
)


def weeks_start(as_of: date, policy: ScoringPolicy) -> datetime:
    """The first instant the week signals look at when scoring `as_of`: the start of the oldest of
    the WEEKS blocks."""
    return day_start(as_of - timedelta(days=7 * WEEKS - 1), policy.zone)


def _weeks_with(instants: Iterable[datetime], as_of: date, policy: ScoringPolicy) -> Decimal:
    """Share (0..100) of the WEEKS 7-day blocks ending on `as_of` that hold at least one instant."""
    zone = policy.zone
    end = day_end(as_of, zone)
    starts = [day_start(as_of - timedelta(days=7 * k + 6), zone) for k in range(WEEKS)]
    hit = [False] * WEEKS
    for at in instants:
        if not starts[-1] <= at < end:
            continue
        for k, start in enumerate(starts):  # block k: [starts[k], starts[k-1]) with starts[-1] = end
            if at >= start:
                hit[k] = True
                break
    return HUNDRED * sum(hit) / WEEKS


def _scaled(value: Decimal, signal: Signal) -> Decimal:
    share = (value - signal.scale_min) / (signal.scale_max - signal.scale_min) * HUNDRED
    return min(HUNDRED, max(Decimal(0), share))


def signal_values(
    policy: ScoringPolicy,
    window: Window,
    activity: Iterable[Event],
    jobs: Iterable[JobState] = (),
    requests: Iterable[UpdateRequest] = (),
) -> dict[str, Decimal | None]:
    """Each declared signal's value as of `window.as_of` (0..100), None when a metric has no value.

    `activity` holds the partner's activity events (logins, capacity updates, metrics) up to the end
    of the day scored; `jobs` and `requests` count towards `active_weeks`.
    """
    if not policy.signals:
        return {}
    activity = [e for e in activity if isinstance(e, ActivityEventBase)]
    # Each declared metric's latest value in the window, in one pass (not one pass per metric signal).
    declared = policy.declared_metrics()
    latest: dict[str, PartnerMetricRecorded] = {}
    for event in activity:
        if (
            isinstance(event, PartnerMetricRecorded)
            and event.metric in declared
            and window.contains(event.occurred_at)
        ):
            held = latest.get(event.metric)
            if held is None or event_order(event) >= event_order(held):  # as sorted(...)[-1] picks
                latest[event.metric] = event
    values: dict[str, Decimal | None] = {}
    for signal in policy.signals:
        if signal.source == "capacity_current":
            capacity = (e.occurred_at for e in activity if isinstance(e, PartnerCapacityUpdated))
            values[signal.name] = _weeks_with(capacity, window.as_of, policy)
        elif signal.source == "active_weeks":
            instants = [e.occurred_at for e in activity]
            instants += [
                e.occurred_at for job in jobs for e in job.events if isinstance(e, _PARTNER_JOB_EVENTS)
            ]
            instants += [r.responded_at for r in requests if r.responded_at is not None]
            values[signal.name] = _weeks_with(instants, window.as_of, policy)
        else:
            recorded = latest.get(signal.name)
            values[signal.name] = None if recorded is None else _scaled(recorded.value, signal)
    return values
