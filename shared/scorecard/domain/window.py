"""The scoring window (docs/scoring.md): 30 days, extended to the 10 most recent completed jobs,
capped at 180."""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from scorecard.domain.jobs import Completion, CompletionRules, JobState
from scorecard.domain.policy import ScoringPolicy


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """The instant day `day` ends in `zone` (exclusive bound: midnight of the next day)."""
    return day_start(day + timedelta(days=1), zone)


def completion_rules(policy: ScoringPolicy, partner_zone: ZoneInfo | None = None) -> CompletionRules:
    """How `policy` judges completion for a partner in `partner_zone` (its profile timezone; None: the
    policy's). Policy v1 ignores the partner's zone."""
    return CompletionRules(
        zone=policy.zone,
        local_zone=partner_zone if policy.partner_local_dates else None,
        overdue=policy.overdue_jobs_count,
        notice_hours=policy.notice.min_hours if policy.notice is not None else None,
        overdue_while_open=policy.overdue_counts_while_open,
        overdue_cancellation=policy.overdue_cancellation_counts,
    )


class WindowJob(msgspec.Struct, frozen=True):
    job: JobState
    completion: Completion


class Window(msgspec.Struct, frozen=True):
    as_of: date
    start: datetime  # inclusive
    end: datetime  # exclusive
    extended: bool
    provisional: bool
    jobs: tuple[WindowJob, ...]  # completed in [start, end), most recent first

    @property
    def start_date(self) -> date:
        return self.start.astimezone(self.end.tzinfo).date()

    def contains(self, instant: datetime | None) -> bool:
        return instant is not None and self.start <= instant < self.end


_recency = operator.attrgetter("completion.at", "job.job_id")


def completed_jobs(
    jobs: Iterable[JobState], zone: ZoneInfo | CompletionRules, as_of: date | None = None
) -> list[WindowJob]:
    """Jobs that count (not excluded by a review) and completed, most recent first."""
    done = []
    for job in jobs:
        if job.excluded:
            continue
        completion = job.completion(zone, as_of)
        if completion is not None:
            done.append(WindowJob(job, completion))
    done.sort(key=_recency, reverse=True)
    return done


def select_window(
    jobs: Iterable[JobState], as_of: date, policy: ScoringPolicy, partner_zone: ZoneInfo | None = None
) -> Window | None:
    """The window as of the end of day `as_of`; None when no job completed within the cap (no score).

    `jobs` must be folded as of the end of `as_of` (nothing later). `partner_zone`: the partner's
    profile timezone (policy v2 judges on-time by the partner's date).
    """
    zone = policy.zone
    rule = policy.window
    end = day_end(as_of, zone)
    base_start = day_start(as_of - timedelta(days=rule.base_days - 1), zone)
    cap_start = day_start(as_of - timedelta(days=rule.max_days - 1), zone)
    rules = completion_rules(policy, partner_zone)
    done = completed_jobs(jobs, rules, as_of)
    eligible = done[_completed_from(done, end) : _completed_from(done, cap_start)]  # cap_start <= at < end
    if not eligible:
        return None
    in_base = eligible[: _completed_from(eligible, base_start)]
    if len(in_base) >= rule.min_jobs:
        return Window(as_of, base_start, end, False, False, tuple(in_base))
    if len(eligible) >= rule.min_jobs:
        # Start at the completion of the min_jobs-th most recent job (jobs tied with it come along).
        start = min(base_start, eligible[rule.min_jobs - 1].completion.at)
        chosen = tuple(eligible[: _completed_from(eligible, start)])
        return Window(as_of, start, end, start < base_start, False, chosen)
    return Window(as_of, cap_start, end, True, True, tuple(eligible))


def _completed_from(newest_first: list[WindowJob], instant: datetime) -> int:
    """How many of `newest_first` (ordered by completion, most recent first) completed at or after
    `instant`: they lead the list. By bisection (a comparison across timezones is not cheap)."""
    return bisect_left(newest_first, True, key=lambda wj: wj.completion.at < instant)
