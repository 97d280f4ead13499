"""Policy versions: which one scores a day (PolicyCatalog: the built-in versions, the stored ones and the
adoptions that put them in force), and what the policy-version routes do (PolicyVersions: add a
version, adopt one from a day on, list them).

The version in force on a day is the latest adoption effective on or before it, else the deployment's
default. Adoptions take effect today or later only, so a day already scored keeps the version it was
scored with, and re-running it reproduces its score."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from scorecard.domain.policy import POLICY_VERSIONS, ScoringPolicy, load_policy
from scorecard.ports import PolicyStore
from scorecard.schemas.policy import (
    ActivePolicyView,
    AdoptionIn,
    AdoptionView,
    PolicyVersionIn,
    PolicyVersionsView,
    PolicyVersionView,
)
from scorecard.services.errors import Conflict, Invalid, NotFound


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

    def in_force(self, first: date, last: date) -> list[ScoringPolicy]:
        """Each version in force on some day of `first`..`last`, in order: the one of `first`, then
        those adopted after it (one read of the adoptions; a range of at most 92 days holds at most
        that many)."""
        policies = [self.active_on(first)]
        span = (last - first).days
        for adoption in self._store.adoptions_after(first, span + 1):
            if adoption.effective_from <= last:
                policies.append(self.get(adoption.version))
        return policies


ADOPTION_HORIZON = timedelta(days=366)  # how far ahead a version may be adopted


HISTORY_SHOWN = 50  # adoptions listed by GET /v1/policy/versions


class PolicyVersions(PolicyCatalog):
    """The catalog, with what the policy-version routes do: add a version, adopt one from a day on,
    list them."""

    def add(self, body: PolicyVersionIn, actor: str, now: datetime) -> tuple[PolicyVersionView, bool]:
        """Store a new version; (the stored version, created). Sending the same policy again under
        the same name is answered with the stored one (a retry), another policy under a taken name is
        a conflict: a version never changes once stored, since scores name it."""
        version = body.policy.version
        if version in POLICY_VERSIONS:
            raise Conflict(f"policy version {version} is built in and cannot be replaced")
        existing = self._store.get_version(version)
        if existing is None:
            stored = PolicyVersionView(
                version=version,
                source="stored",
                created_by=actor,
                created_at=now,
                note=body.note,
                policy=body.policy,
            )
            if self._store.add_version(stored):
                return stored, True
            existing = self._store.get_version(version)  # another caller stored it meanwhile
        if existing is not None and existing.policy == body.policy:
            return existing, False
        raise Conflict(f"policy version {version} is stored already with other content; name it anew")

    def adopt(self, body: AdoptionIn, actor: str, now: datetime, today: date) -> AdoptionView:
        if body.effective_from < today:
            raise Invalid(
                f"effective_from {body.effective_from} is before today ({today}): days already scored "
                "keep the version they were scored with",
                "effective_from",
            )
        if body.effective_from > today + ADOPTION_HORIZON:
            raise Invalid(
                f"effective_from {body.effective_from} is more than {ADOPTION_HORIZON.days} days ahead",
                "effective_from",
            )
        try:
            self.get(body.version)
        except UnknownVersion as error:
            raise Invalid(error.message, "version") from error
        adoption = AdoptionView(
            version=body.version,
            effective_from=body.effective_from,
            adopted_by=actor,
            recorded_at=now,
            reason=body.reason,
        )
        self._store.adopt(adoption)
        return adoption

    def listing(self, today: date, limit: int, cursor: str | None) -> PolicyVersionsView:
        """The built-in versions (first page only), a page of stored ones, what is in force today,
        what is scheduled and the adoption history."""
        builtin = (
            []
            if cursor is not None
            else [
                PolicyVersionView(version=v, source="builtin", policy=load_policy(v)) for v in POLICY_VERSIONS
            ]
        )
        stored, next_cursor = self._store.versions_page(limit, cursor)
        adoption = self._store.adoption_on(today)
        active = ActivePolicyView(
            version=self._default if adoption is None else adoption.version,
            effective_from=None if adoption is None else adoption.effective_from,
        )
        return PolicyVersionsView(
            active=active,
            upcoming=self._store.adoptions_after(today, HISTORY_SHOWN),
            versions=[*builtin, *stored],
            adoptions=self._store.adoption_history(HISTORY_SHOWN),
            next_cursor=next_cursor,
        )
