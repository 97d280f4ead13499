"""The history point of each scored day (GET /score/history): the daily run writes it, the monthly
snapshot reads its trend from it.

Apart from score_views (views.py re-exports both) so that the monthly worker, which reads history
points and never the score document, builds this one model rather than the document's nine (bench
cold_import_vs_floor).
"""

from datetime import date

from pydantic import Field

from scorecard.domain.policy import Grade, Tier
from scorecard.view import View


class HistoryPointView(View):
    date: date
    score: float | None
    grade: Grade | None
    tier: Tier | None
    provisional: bool
    components: dict[str, float | None]
    network_percentile: int | None = Field(
        default=None, description="percentile.network of that day's score (peer standing)"
    )
    policy_version: str | None = Field(
        default=None,
        description="the policy version that scored the day (null on points stored before versions)",
    )
