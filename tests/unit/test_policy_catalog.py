"""PolicyVersions (a PolicyCatalog): which version scores a day, and how versions are added and
adopted (with the in-memory store; the DynamoDB store is tested through the handlers in
tests/integration)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fakes import FakePolicyStore
from scorecard.domain.policy import load_policy
from scorecard.schemas.policy import AdoptionIn, PolicyVersionIn
from scorecard.services.errors import Conflict, Invalid
from scorecard.services.policies import PolicyVersions, UnknownVersion

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
STRICT = load_policy("v2").model_copy(update={"version": "v2-strict", "demotion_runs": 1})
LENIENT = load_policy("v2").model_copy(update={"version": "v2-lenient", "demotion_runs": 5})


def catalog() -> tuple[PolicyVersions, FakePolicyStore]:
    store = FakePolicyStore()
    found = PolicyVersions(store, "v2")
    for policy in (STRICT, LENIENT):
        assert found.add(PolicyVersionIn(policy=policy), "ops", NOW)[1]
    return found, store


def test_the_default_scores_every_day_until_an_adoption() -> None:
    versions, _ = catalog()
    assert versions.active_on(date(2020, 1, 1)).version == "v2"
    assert versions.active_on(TODAY + timedelta(days=400)).version == "v2"


def test_a_day_is_scored_by_the_latest_adoption_effective_on_or_before_it() -> None:
    versions, _ = catalog()
    versions.adopt(AdoptionIn(version="v2-strict", effective_from=date(2026, 11, 10)), "ops:a", NOW, TODAY)
    versions.adopt(AdoptionIn(version="v1", effective_from=date(2026, 11, 5)), "ops:b", NOW, TODAY)
    # Nov 2-4: default; Nov 5-9: v1; Nov 10 on: v2-strict.
    days = [date(2026, 11, d) for d in (4, 5, 9, 10, 30)]
    assert [versions.active_on(d).version for d in days] == ["v2", "v1", "v1", "v2-strict", "v2-strict"]
    # A second adoption for the same day, recorded later, wins from that day on.
    later = NOW + timedelta(minutes=5)
    versions.adopt(AdoptionIn(version="v2-lenient", effective_from=date(2026, 11, 10)), "ops:c", later, TODAY)
    assert versions.active_on(date(2026, 11, 10)).version == "v2-lenient"
    assert versions.active_on(date(2026, 11, 9)).version == "v1"  # earlier days untouched
    listing = versions.listing(TODAY, limit=10, cursor=None)
    assert [a.adopted_by for a in listing.adoptions] == ["ops:c", "ops:a", "ops:b"]
    assert [a.version for a in listing.upcoming] == ["v1", "v2-strict", "v2-lenient"]


def test_today_may_be_adopted_but_not_yesterday() -> None:
    versions, store = catalog()
    versions.adopt(AdoptionIn(version="v1", effective_from=TODAY), "ops", NOW, TODAY)
    assert versions.active_on(TODAY).version == "v1"
    with pytest.raises(Invalid, match="before today"):
        versions.adopt(AdoptionIn(version="v1", effective_from=TODAY - timedelta(days=1)), "ops", NOW, TODAY)
    with pytest.raises(Invalid, match="366 days ahead"):
        versions.adopt(
            AdoptionIn(version="v1", effective_from=TODAY + timedelta(days=367)), "ops", NOW, TODAY
        )
    with pytest.raises(Invalid, match="v9 is unknown"):
        versions.adopt(AdoptionIn(version="v9", effective_from=TODAY), "ops", NOW, TODAY)
    assert len(store.adoptions) == 1


def test_a_version_name_is_taken_for_good() -> None:
    versions, _ = catalog()
    stored, created = versions.add(PolicyVersionIn(policy=STRICT), "ops:b", NOW + timedelta(hours=1))
    assert not created and stored.created_by == "ops" and stored.created_at == NOW  # the first one
    with pytest.raises(Conflict, match="other content"):
        versions.add(PolicyVersionIn(policy=STRICT.model_copy(update={"demotion_runs": 2})), "ops", NOW)
    with pytest.raises(Conflict, match="built in"):
        versions.add(PolicyVersionIn(policy=load_policy("v1")), "ops", NOW)
    assert versions.get("v2-strict") == STRICT
    with pytest.raises(UnknownVersion):
        versions.get("v4")


def test_a_racing_add_of_the_same_version_is_answered_with_the_stored_one() -> None:
    _, store = catalog()
    racing = load_policy("v2").model_copy(update={"version": "v2-race"})

    class LosingStore(FakePolicyStore):
        def add_version(self, stored: object) -> bool:
            store.versions["v2-race"] = store.versions["v2-strict"].model_copy(
                update={"version": "v2-race", "policy": racing, "created_by": "ops:winner"}
            )
            return False

    losing = LosingStore()
    losing.versions = store.versions
    stored, created = PolicyVersions(losing, "v2").add(PolicyVersionIn(policy=racing), "ops:loser", NOW)
    assert (created, stored.created_by) == (False, "ops:winner")
