"""Which outstanding jobs the evidence keeps reading whatever their age (docs/scoring.md).

Scoring reads a partner's jobs by the age of their events (the window's 180-day cap), but policy v3
counts an overdue job that never ships late on every day until it ships or is cancelled (rule 1),
however long ago its last event was. So a job left outstanding and untouched for `KEEP_AFTER` gets
a marker that keeps it in every read, and loses it once it closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import msgspec

from scorecard.domain.jobs import JobState

# Half the cap: a job is marked while the daily run still reads it, even after a 90-day outage.
KEEP_AFTER = timedelta(days=90)


class OpenJobMarks(msgspec.Struct, frozen=True):
    keep: tuple[str, ...] = ()  # job ids to mark
    release: tuple[str, ...] = ()  # job ids whose mark to remove

    def __bool__(self) -> bool:
        return bool(self.keep or self.release)


def open_job_marks(jobs: Iterable[JobState], kept: frozenset[str], now: datetime) -> OpenJobMarks:
    """The marks to add and remove, from `jobs` folded from every event recorded (a fold as of an
    earlier day would release a job accepted since) and `kept`, the ids marked now: mark each
    outstanding job untouched since `now - KEEP_AFTER`; release each marked job that is no longer
    outstanding, or no longer read at all."""
    outstanding = {job.job_id: job for job in jobs if job.outstanding}
    stale = now - KEEP_AFTER
    keep = sorted(
        job_id
        for job_id, job in outstanding.items()
        if job_id not in kept and job.events and max(e.occurred_at for e in job.events) < stale
    )
    return OpenJobMarks(tuple(keep), tuple(sorted(kept - outstanding.keys())))
