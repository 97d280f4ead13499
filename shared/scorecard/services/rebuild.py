"""Rebuild a partner's projections from its recorded events (`scorecard rebuild --partner ID`).

The markers are the source of truth: the job, request and activity items are replayed from them,
review exclusions are applied again from the resolved reviews, and the latest score is recomputed
for the day it was computed to check that the rebuilt evidence gives the same score.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from scorecard.adapters.bulk_import import ProjectionRebuilder
from scorecard.adapters.records import ScoreRecord
from scorecard.ports import EvidenceStore, PolicySource, ReviewStore, ScoreStore
from scorecard.services.daily import score_partner
from scorecard.services.scoring import load_evidence


class RebuildReport(msgspec.Struct, frozen=True):
    partner_id: str
    events: int  # events replayed from the markers
    stored_score: ScoreRecord | None  # the latest score before the rebuild
    recomputed_score: ScoreRecord | None  # that day's score from the rebuilt projections

    @property
    def score_reproduced(self) -> bool:
        return self.stored_score == self.recomputed_score


def rebuild_partner(
    partner_id: str,
    rebuilder: ProjectionRebuilder,
    evidence_store: EvidenceStore,
    scores: ScoreStore,
    reviews: ReviewStore,
    policies: PolicySource,
    now: datetime,
) -> RebuildReport:
    excluded = {
        job_id: review.review_id
        for review in reviews.for_partner(partner_id)
        if review.status != "open"
        for job_id in review.excluded_job_ids
    }
    events = rebuilder.rebuild(partner_id, excluded, now)
    stored = scores.get_score(partner_id)
    recomputed = None
    if stored is not None:
        # A re-run of the stored day starts from the tier state that day started from, so an equal
        # record means equal evidence, score, grade and tier decision (under that day's version).
        policy = policies.active_on(stored.as_of)
        evidence = load_evidence(evidence_store, partner_id, stored.as_of, stored.as_of, [policy])
        evidence.score = stored
        recomputed = score_partner(evidence, stored.as_of, policy, now).write.record
    return RebuildReport(partner_id, events, stored, recomputed)
