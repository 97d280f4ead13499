"""The jobs that count: a partner's jobs in its score window, its running record of every late or
defective job, and one job's story, each job with its effect on the score."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from decimal import Decimal
from typing import Literal

import msgspec

from scorecard.adapters.records import (
    InvalidPosition,
    JobPosition,
)
from scorecard.domain.grading import TierState
from scorecard.domain.jobs import Completion, CompletionRules, JobState
from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.scoring import ScoreResult
from scorecard.domain.window import completion_rules, day_end
from scorecard.ports import EvidenceStore, PolicySource, ScoreStore
from scorecard.schemas.jobs import JobDetailView, JobListView, JobSummaryView
from scorecard.services.errors import Invalid, NotFound, UnknownPartner
from scorecard.services.presenters import job_detail, job_summary, window_view
from scorecard.services.scoring import Evidence, fold_jobs, load_evidence, score_day

JobFilter = Literal["late", "defective", "all"]
JobScope = Literal["window", "all"]


class UnknownJob(NotFound):
    def __init__(self, partner_id: str, job_id: str) -> None:
        super().__init__(f"job {job_id} of partner {partner_id} is unknown")


def judged_day(scores: ScoreStore, partner_id: str, today: date) -> date:
    """The day the jobs routes judge by: the latest scored day (the current score's), else today."""
    stored = scores.get_score(partner_id)
    return stored.as_of if stored else today


class ScoredWindow(msgspec.Struct, frozen=True):
    """A partner's score as of a day, recomputed from its evidence, with what the job views need:
    the one source of every job's `score_effect` and `counts` (list, running record and job page)."""

    result: ScoreResult
    rules: CompletionRules
    effects: dict[str, Decimal]  # job id -> points, for the jobs in the score's ledger

    def effect_of(self, job_id: str) -> Decimal | None:
        """The job's score effect when it counts (it is in the ledger: completed in the window, or
        offered in it), else None."""
        return self.effects.get(job_id)


def scored_window(
    evidence_store: EvidenceStore, partner_id: str, as_of: date, policy: ScoringPolicy
) -> ScoredWindow:
    """The partner's score as of `as_of`, computed as the daily run computes it (score_day; the tier
    does not matter here)."""
    stored = load_evidence(evidence_store, partner_id, as_of, as_of, [policy])
    if stored.profile is None:
        raise UnknownPartner(partner_id)
    evidence = Evidence(stored)
    result = score_day(evidence, policy, as_of, TierState()).result
    effects = {entry.job_id: entry.effect for entry in result.ledger}
    return ScoredWindow(result, completion_rules(policy, evidence.zone), effects)


def _selected(job: JobState, completion: Completion | None, which: JobFilter) -> bool:
    late = completion is not None and not completion.on_time
    return which == "all" or (which == "late" and late) or (which == "defective" and job.parts_defective > 0)


def jobs_that_count(
    evidence_store: EvidenceStore, partner_id: str, which: JobFilter, as_of: date, policy: ScoringPolicy
) -> JobListView:
    """The jobs in the score window as of `as_of`, with each one's effect on the score (an overdue
    job, policy v2, is late with status `overdue`)."""
    scored = scored_window(evidence_store, partner_id, as_of, policy)
    window = scored.result.window
    views = [
        job_summary(
            wj.job, scored.rules, scored.effect_of(wj.job.job_id), as_of, with_defects=which == "defective"
        )
        for wj in (window.jobs if window else ())
        if _selected(wj.job, wj.completion, which)
    ]
    return JobListView(
        partner_id=partner_id, filter=which, as_of=as_of, window=window_view(window), jobs=views
    )


# The running record walks the partner's evidence a Query page at a time, newest first, and stops
# after RECORD_QUERIES_PER_REQUEST pages: one request reads at most 5 x 100 items (one per event; at
# most 1 MB a page, DynamoDB's own cap) and, on pages that resume a walk, one Query per job met,
# whatever the partner's history and however few jobs match the filter (EvidenceRepository.job_page).
RECORD_QUERY_LIMIT = 100
RECORD_QUERIES_PER_REQUEST = 5


def job_list(
    evidence_store: EvidenceStore,
    partner_id: str,
    which: JobFilter,
    scope: JobScope,
    as_of: date,
    policy: ScoringPolicy,
    *,
    limit: int,
    cursor: str | None,
) -> JobListView:
    """GET /jobs: the window's jobs (one page) or the running record (paged)."""
    if scope == "all":
        return running_record(evidence_store, partner_id, which, as_of, policy, limit=limit, cursor=cursor)
    if cursor is not None:
        raise Invalid("cursor pages scope=all only (the window list is one page)", "query.cursor")
    return jobs_that_count(evidence_store, partner_id, which, as_of, policy)


def running_record(
    evidence_store: EvidenceStore,
    partner_id: str,
    which: JobFilter,
    as_of: date,
    policy: ScoringPolicy,
    *,
    limit: int,
    cursor: str | None,
) -> JobListView:
    """Every late / defective (/ any) job recorded for the partner up to the end of `as_of`, in the
    score window or not, most recent first: ordered by each job's latest event (for a late job its
    last shipment, or a later inspection; for an overdue one its last event before it went overdue),
    ties in the index's order. Each job says whether it `counts` (is in the ledger of the score as of
    `as_of`) and, when it does, its `score_effect`, the same figure as in the window list. Paged:
    `limit` jobs at most, `next_cursor` to go on; a page may hold fewer (even none) and still have
    a `next_cursor`, as a request reads a bounded number of job items (above)."""
    start = decode_cursor(cursor)
    scored = scored_window(evidence_store, partner_id, as_of, policy)
    until = day_end(as_of, policy.zone)
    views: list[JobSummaryView] = []
    position = start
    for _ in range(RECORD_QUERIES_PER_REQUEST):
        try:
            page, next_position = evidence_store.job_page(partner_id, RECORD_QUERY_LIMIT, position)
        except InvalidPosition as error:
            raise _malformed_cursor() from error
        for paged in page:
            (job,) = fold_jobs(partner_id, [paged.aggregate], until)
            if job.excluded or not job.events:  # excluded by a review, or recorded after `as_of`
                continue
            if _selected(job, job.completion(scored.rules, as_of), which):
                effect = scored.effect_of(job.job_id)
                views.append(job_summary(job, scored.rules, effect, as_of, with_defects=which == "defective"))
                if len(views) == limit:
                    more = next_position is not None or paged is not page[-1]
                    return _record_page(
                        partner_id, which, as_of, scored, views, paged.position if more else None
                    )
        if next_position is None:
            return _record_page(partner_id, which, as_of, scored, views, None)
        position = next_position
    return _record_page(partner_id, which, as_of, scored, views, position)


def _record_page(
    partner_id: str,
    which: JobFilter,
    as_of: date,
    scored: ScoredWindow,
    views: list[JobSummaryView],
    after: JobPosition | None,
) -> JobListView:
    return JobListView(
        partner_id=partner_id,
        filter=which,
        scope="all",
        as_of=as_of,
        window=window_view(scored.result.window),
        jobs=views,
        next_cursor=None if after is None else encode_cursor(after),
    )


def encode_cursor(position: JobPosition) -> str:
    """Opaque to clients: the position as URL-safe base64 of a JSON pair, unpadded."""
    raw = json.dumps([position.latest, position.sk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> JobPosition | None:
    if cursor is None:
        return None
    try:
        pair = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as error:  # bad base64, bytes or JSON (UnicodeDecodeError too)
        raise _malformed_cursor() from error
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
        raise _malformed_cursor()
    return JobPosition(pair[0], pair[1])


def _malformed_cursor() -> Invalid:
    return Invalid("cursor is not a next_cursor of this list", "query.cursor")


def job_story(
    evidence_store: EvidenceStore,
    scores: ScoreStore,
    partner_id: str,
    job_id: str,
    policies: PolicySource,
    today: date,
) -> JobDetailView:
    """One job's story: the days late of an overdue job counted to `today`, its `score_effect` that
    of the score as of the latest scored day (judged_day, under that day's version), as the jobs list
    shows it."""
    stored = evidence_store.get_job(partner_id, job_id)
    if stored is None:
        raise UnknownJob(partner_id, job_id)
    day = judged_day(scores, partner_id, today)
    scored = scored_window(evidence_store, partner_id, day, policies.active_on(day))
    (job,) = fold_jobs(partner_id, [stored], None)
    return job_detail(job, scored.rules, scored.effect_of(job_id), today)
