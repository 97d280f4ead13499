"""Inputs of the scheduled runs (the coordinators of services.fanout).

EventBridge Scheduler sends {"scheduled_time": "<aws.scheduler.scheduled-time>"} (template.yaml) and
the run covers the period that just ended in the policy timezone; each run also takes its period by
hand instead (`as_of` for the daily run, `month` for the monthly one) for manual runs and backfills.
Which periods a run may take (a day up to today, a month that has ended) is domain.periods' rule.
"""

from datetime import date, timedelta
from typing import ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, model_validator

from scorecard.domain.policy import ScoringPolicy
from scorecard.domain.snapshot import Month
from scorecard.schemas.messages import MonthText


class ScheduledRunInput(BaseModel):
    """What every scheduled run takes: the scheduler's instant, or the period named by hand (the
    field `period_field` of the subclass)."""

    model_config = ConfigDict(extra="ignore")
    period_field: ClassVar[str]

    scheduled_time: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one_given(self) -> Self:
        if self.scheduled_time is None and getattr(self, self.period_field) is None:
            raise ValueError(f"need scheduled_time or {self.period_field}")
        return self

    def scheduled_day(self, policy: ScoringPolicy) -> date:
        """The day the scheduler fired on, in the policy timezone."""
        assert self.scheduled_time is not None
        return policy.local_date(self.scheduled_time)


class DailyRunInput(ScheduledRunInput):
    """The scheduler fires shortly after midnight (policy timezone) and scores the day that just ended;
    `as_of` overrides that for manual runs and backfills."""

    period_field: ClassVar[str] = "as_of"
    as_of: date | None = None

    def score_date(self, policy: ScoringPolicy) -> date:
        if self.as_of is not None:
            return self.as_of
        return self.scheduled_day(policy) - timedelta(days=1)


class MonthlyRunInput(ScheduledRunInput):
    """The scheduler fires on the 1st of the month (policy timezone): the month that just ended is
    snapshotted. {"month": "YYYY-MM"} runs a given month by hand; "email": false archives without
    emailing (backfills)."""

    period_field: ClassVar[str] = "month"
    month: MonthText | None = None
    email: bool = True

    def snapshot_month(self, policy: ScoringPolicy) -> Month:
        if self.month is not None:
            return Month.parse(self.month)
        return Month.of(self.scheduled_day(policy)).previous()
