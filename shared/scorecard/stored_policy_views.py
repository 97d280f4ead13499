"""What the policy store keeps (adapters.policy_repository) and the routes answer: a stored policy
version, and an adoption.

Apart from policy_views (which re-exports them) so that the functions that only look up which
version scores a day (services.policy_catalog) do not create the routes' bodies and listing (bench
cold_import_vs_floor).
"""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from scorecard.domain.policy import ScoringPolicy
from scorecard.view import View


class PolicyVersionView(View):
    version: str
    source: Literal["builtin", "stored"] = Field(description="builtin: shipped with the code (v1, v2, v3)")
    created_by: str | None = None
    created_at: datetime | None = None
    note: str | None = None
    policy: ScoringPolicy


class AdoptionView(View):
    version: str
    effective_from: date
    adopted_by: str
    recorded_at: datetime
    reason: str | None = None
