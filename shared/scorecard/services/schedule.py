"""Inputs of the scheduled jobs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, model_validator

from scorecard.domain.policy import ScoringPolicy


class DailyRunInput(BaseModel):
    """The scheduler fires shortly after midnight (policy timezone) and scores the day that just ended;
    `as_of` overrides that for manual runs and backfills."""

    model_config = ConfigDict(extra="ignore")

    scheduled_time: AwareDatetime | None = None
    as_of: date | None = None

    @model_validator(mode="after")
    def _one_given(self) -> DailyRunInput:
        if self.scheduled_time is None and self.as_of is None:
            raise ValueError("need scheduled_time or as_of")
        return self

    def score_date(self, policy: ScoringPolicy) -> date:
        if self.as_of is not None:
            return self.as_of
        assert self.scheduled_time is not None
        return scored_day(self.scheduled_time, policy)


def scored_day(scheduled_time: datetime, policy: ScoringPolicy) -> date:
    return policy.local_date(scheduled_time) - timedelta(days=1)
