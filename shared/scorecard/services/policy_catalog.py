"""Which policy version scores a day (DESIGN §6): the built-in versions and the stored ones, and the
adoptions that put them in force. Every scoring function reads it; the routes that add and adopt
versions extend it (services.policy_versions.PolicyVersions).

The version in force on a day is the latest adoption effective on or before it, else the
deployment's default.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from scorecard.domain.policy import POLICY_VERSIONS, ScoringPolicy, load_policy
from scorecard.schemas.policy import AdoptionView, PolicyVersionView
from scorecard.services.errors import NotFound


class PolicySource(Protocol):
    """Which policy scores a day (PolicyCatalog; a fixed policy in tests)."""

    def active_on(self, day: date) -> ScoringPolicy: ...


class PolicyStore(Protocol):
    """adapters.policy_repository.PolicyRepository."""

    def get_version(self, version: str) -> PolicyVersionView | None: ...

    def add_version(self, stored: PolicyVersionView) -> bool: ...

    def versions_page(self, limit: int, after: str | None) -> tuple[list[PolicyVersionView], str | None]: ...

    def adopt(self, adoption: AdoptionView) -> None: ...

    def adoption_on(self, day: date) -> AdoptionView | None: ...

    def adoptions_after(self, day: date, limit: int) -> list[AdoptionView]: ...

    def adoption_history(self, limit: int) -> list[AdoptionView]: ...


class UnknownVersion(NotFound):
    def __init__(self, version: str) -> None:
        super().__init__(f"policy version {version} is unknown")


class PolicyCatalog:
    """Every policy version, built-in and stored, and which one is in force on a day."""

    def __init__(self, store: PolicyStore, default_version: str) -> None:
        self._store = store
        self._default = default_version
        self._stored: dict[str, ScoringPolicy] = {}  # stored versions never change: safe to keep

    def get(self, version: str) -> ScoringPolicy:
        if version in POLICY_VERSIONS:
            return load_policy(version)
        if version not in self._stored:
            found = self._store.get_version(version)
            if found is None:
                raise UnknownVersion(version)
            self._stored[version] = found.policy
        return self._stored[version]

    def active_on(self, day: date) -> ScoringPolicy:
        """The policy that scores `day`."""
        adoption = self._store.adoption_on(day)
        return self.get(self._default if adoption is None else adoption.version)
