"""Stored aggregates -> folded domain state."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scorecard.domain.events import Event, parse_stored_event
from scorecard.domain.jobs import JobState, fold_job
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.requests import UpdateRequest, fold_request
from scorecard.domain.window import day_start
from scorecard.records import PartnerProfile, StoredAggregate


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


def activity_events(stored: Iterable[StoredAggregate], until: datetime | None) -> list[Event]:
    """The events of monthly activity items, optionally only those before `until`."""
    events = (parse_stored_event(raw) for aggregate in stored for raw in aggregate.events)
    return [e for e in events if until is None or e.occurred_at < until]


def fold_requests(stored: Iterable[StoredAggregate], until: datetime | None) -> list[UpdateRequest]:
    return [
        fold_request(aggregate.id, [parse_stored_event(raw) for raw in aggregate.events], until=until)
        for aggregate in stored
    ]
