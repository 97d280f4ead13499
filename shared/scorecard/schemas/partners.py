"""Partner profiles and the partner listing (PUT /v1/partners/{id}, GET /v1/partners)."""

from datetime import date
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from scorecard.domain.policy import Grade, Tier
from scorecard.schemas.base import View


class ProfileIn(BaseModel):
    # a request body, of exact JSON types (strict)
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(
        default=None, max_length=254, pattern=r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$"
    )
    timezone: str | None = Field(default=None, max_length=64, description="IANA zone, e.g. America/Chicago")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ValueError, KeyError, OSError) as error:  # never the zoneinfo internals
                raise PydanticCustomError(
                    "unknown_timezone", "unknown IANA timezone {timezone!r}", {"timezone": value}
                ) from error
        return value


class PartnerView(View):
    partner_id: str
    name: str | None
    email: str | None
    timezone: str | None
    score: float | None = None
    grade: Grade | None = None
    tier: Tier | None = None
    provisional: bool = False
    as_of: date | None = None


class GradeCountsView(View):
    """Partners per grade on the returned page; `none`: not scored yet."""

    A: int = 0
    B: int = 0
    C: int = 0
    D: int = 0
    none: int = 0


class PartnerListView(View):
    partners: list[PartnerView]
    next_cursor: str | None
    grades: GradeCountsView = Field(
        default_factory=GradeCountsView,
        description="the grade distribution of the partners on this page (after the filters)",
    )
