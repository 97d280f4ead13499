"""Partners: profiles, the partner listing, each partner's current score and its history."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Literal

from scorecard.adapters.records import (
    ListedPartner,
    MalformedCursor,
    PartnerProfile,
)
from scorecard.domain.policy import Grade, Tier
from scorecard.ports import PartnerStore, ScoreStore
from scorecard.schemas.partners import (
    GradeCountsView,
    PartnerListView,
    PartnerView,
    ProfileIn,
    ProfilePatch,
)
from scorecard.schemas.scores import ScoreHistoryView, ScoreView
from scorecard.services.errors import Invalid, NotFound, UnknownPartner

MAX_HISTORY_DAYS = 731


class NotScoredYet(NotFound):
    """A registered partner the daily run has not scored yet."""

    def __init__(self, partner_id: str) -> None:
        super().__init__(f"partner {partner_id} has not been scored yet")


def _partner_view(entry: ListedPartner) -> PartnerView:
    score = entry.score
    return PartnerView(
        partner_id=entry.profile.partner_id,
        name=entry.profile.name,
        email=entry.profile.email,
        timezone=entry.profile.timezone,
        score=float(score.score) if score and score.score is not None else None,
        grade=score.grade if score else None,
        tier=score.tier if score else None,
        provisional=score.provisional if score else False,
        as_of=score.as_of if score else None,
    )


def put_profile(
    partners: PartnerStore, scores: ScoreStore, partner_id: str, profile: ProfileIn, now: datetime
) -> tuple[PartnerView, bool]:
    """Replace the profile whole (a field left out is cleared); the answer carries the partner's
    standing as GET /v1/partners lists it."""
    created = partners.put_profile(
        PartnerProfile(partner_id, profile.name, profile.email, profile.timezone, now)
    )
    stored = partners.get_profile(partner_id) or PartnerProfile(partner_id)
    return _with_standing(scores, stored), created


def patch_profile(
    partners: PartnerStore, scores: ScoreStore, partner_id: str, patch: ProfilePatch, now: datetime
) -> PartnerView:
    """Change only the fields given (null clears email or timezone); UnknownPartner when the partner
    has no profile. An empty patch changes nothing and answers the profile as it is."""
    changes = patch.changes()
    stored = partners.patch_profile(partner_id, changes, now) if changes else partners.get_profile(partner_id)
    if stored is None:
        raise UnknownPartner(partner_id)
    return _with_standing(scores, stored)


def _with_standing(scores: ScoreStore, profile: PartnerProfile) -> PartnerView:
    figures = scores.figures([profile.partner_id]).get(profile.partner_id)
    return _partner_view(ListedPartner(profile, figures))


PartnerSort = Literal["score", "-score"]


def list_partners(
    partners: PartnerStore,
    scores: ScoreStore,
    *,
    tier: Tier | None,
    grade: Grade | None,
    limit: int,
    cursor: str | None,
    sort: PartnerSort | None = None,
) -> PartnerListView:
    """Without `sort`: registry pages in id order, the cursor a partner id. With `sort`: the whole
    network in score order (ascending `score`, descending `-score`), equal scores by id, partners
    without a score last by id; the cursor is opaque, of that sort only (another: Invalid). Filters
    apply in both; `grades` counts the page."""
    if sort is not None:
        try:
            listed, next_cursor = scores.partners_by_score(
                descending=sort == "-score", limit=limit, cursor=cursor, tier=tier, grade=grade
            )
        except MalformedCursor as error:
            raise Invalid(f"cursor is not one this listing (sort={sort}) gave", "cursor") from error
        return _page([_partner_view(entry) for entry in listed], next_cursor)
    views: list[PartnerView] = []
    while True:
        profiles, cursor = partners.registry_page(limit, cursor)
        figures = scores.figures([profile.partner_id for profile in profiles])
        page = [ListedPartner(profile, figures.get(profile.partner_id)) for profile in profiles]
        for entry in page:
            view = _partner_view(entry)
            if (tier is None or view.tier == tier) and (grade is None or view.grade == grade):
                views.append(view)
                if len(views) == limit:
                    # The next page starts after the last partner returned, not after the page read.
                    more = cursor is not None or entry is not page[-1]
                    return _page(views, view.partner_id if more else None)
        if cursor is None:
            return _page(views, None)


def grade_counts(views: list[PartnerView]) -> GradeCountsView:
    counts = Counter(view.grade or "none" for view in views)
    return GradeCountsView(**{name: counts.get(name, 0) for name in ("A", "B", "C", "D", "none")})


def _page(views: list[PartnerView], next_cursor: str | None) -> PartnerListView:
    return PartnerListView(partners=views, next_cursor=next_cursor, grades=grade_counts(views))


def current_score(partners: PartnerStore, scores: ScoreStore, partner_id: str) -> ScoreView:
    view = scores.get_score_view(partner_id)
    if view is None:
        if partners.get_profile(partner_id) is None:
            raise UnknownPartner(partner_id)
        raise NotScoredYet(partner_id)
    return view


def score_history(
    partners: PartnerStore, scores: ScoreStore, partner_id: str, first: date, last: date
) -> ScoreHistoryView:
    if first > last or (last - first).days > MAX_HISTORY_DAYS:
        raise Invalid(f"from must be on or before to, at most {MAX_HISTORY_DAYS} days apart", "from", "to")
    if partners.get_profile(partner_id) is None:
        raise UnknownPartner(partner_id)
    return ScoreHistoryView(partner_id=partner_id, points=scores.score_history(partner_id, first, last))
