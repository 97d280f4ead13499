"""Rejection feedback (docs/api.md): the `job.rejected` events of a partner's last 90 days, newest first,
with what the partner said. They are job evidence (adapters/keys.py): a request walks the partner's
evidence index down from the newest event, a bounded number of items at a time, and keeps the
rejections."""

from __future__ import annotations

from datetime import datetime, timedelta

from scorecard.adapters.records import InvalidPosition, JobPosition
from scorecard.domain.events import JobRejected, parse_stored_event
from scorecard.ports import EvidenceStore, PartnerStore
from scorecard.schemas.rejections import RejectionListView, RejectionView
from scorecard.services.errors import Invalid, UnknownPartner
from scorecard.services.jobs import decode_cursor, encode_cursor

FEEDBACK_DAYS = 90
# One request reads at most 5 Queries of 100 items (one event each), whatever the partner's history,
# as the jobs' running record does (services/jobs.py).
FEEDBACK_QUERY_LIMIT = 100
FEEDBACK_QUERIES_PER_REQUEST = 5


def rejection_feedback(
    evidence: EvidenceStore,
    partners: PartnerStore,
    partner_id: str,
    now: datetime,
    *,
    limit: int,
    cursor: str | None,
) -> RejectionListView:
    """Up to `limit` rejections of the 90 days before `now`, newest first (by the evidence index: an
    event's instant), resuming after `cursor`; `next_cursor` while the walk has not reached the
    90 days' start."""
    position = decode_cursor(cursor)
    if partners.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    since = now - timedelta(days=FEEDBACK_DAYS)
    found: list[RejectionView] = []

    def page(after: JobPosition | None) -> RejectionListView:
        token = None if after is None else encode_cursor(after)
        return RejectionListView(partner_id=partner_id, since=since, rejections=found, next_cursor=token)

    for _ in range(FEEDBACK_QUERIES_PER_REQUEST):
        try:
            items, next_position = evidence.evidence_page(partner_id, since, FEEDBACK_QUERY_LIMIT, position)
        except InvalidPosition as error:
            raise Invalid("cursor is not a next_cursor of this list", "query.cursor") from error
        for index, (item_position, bodies) in enumerate(items):
            for body in bodies:
                event = parse_stored_event(body)
                if isinstance(event, JobRejected) and event.occurred_at >= since:
                    found.append(
                        RejectionView(
                            job_id=event.job_id,
                            event_id=event.event_id,
                            rejected_at=event.occurred_at,
                            feedback=event.feedback,
                        )
                    )
            if len(found) >= limit:
                more = next_position is not None or index < len(items) - 1
                return page(item_position if more else None)
        if next_position is None:
            return page(None)
        position = next_position
    return page(position)
