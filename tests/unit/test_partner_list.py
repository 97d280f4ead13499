"""GET /v1/partners: `sort=score|-score` orders the page, `grades` counts the page's grades."""

from datetime import date
from decimal import Decimal

from fakes import FakePartnerRepository
from scorecard.domain.policy import Grade
from scorecard.records import PartnerProfile, ScoreRecord, TierHistory
from scorecard.services.partners import list_partners


def registry() -> FakePartnerRepository:
    repository = FakePartnerRepository()
    scored: dict[str, tuple[str, Grade]] = {
        "a-01": ("81.0", "B"),
        "b-02": ("95.5", "A"),
        "c-03": ("62.0", "D"),
        "d-04": ("81.0", "B"),  # ties a-01: ties go by id
    }
    for partner_id in ("a-01", "b-02", "c-03", "d-04", "e-05"):  # e-05: registered, not scored
        repository.profiles[partner_id] = PartnerProfile(partner_id)
    for partner_id, (score, grade) in scored.items():
        repository.scores[partner_id] = ScoreRecord(
            partner_id, Decimal(score), grade, "standard", False, date(2026, 11, 1), TierHistory()
        )
    return repository


def ids(repository: FakePartnerRepository, **query: object) -> list[str]:
    listed = list_partners(repository, tier=None, grade=None, limit=100, cursor=None, **query)  # type: ignore[arg-type]
    return [view.partner_id for view in listed.partners]


def test_sort_by_score_both_ways_unscored_last() -> None:
    repository = registry()
    assert ids(repository) == ["a-01", "b-02", "c-03", "d-04", "e-05"]  # id order by default
    assert ids(repository, sort="score") == ["c-03", "a-01", "d-04", "b-02", "e-05"]
    assert ids(repository, sort="-score") == ["b-02", "a-01", "d-04", "c-03", "e-05"]


def test_grades_count_the_page() -> None:
    listed = list_partners(registry(), tier=None, grade=None, limit=100, cursor=None)
    assert listed.grades.model_dump() == {"A": 1, "B": 2, "C": 0, "D": 1, "none": 1}
    # a page of 2: a-01 (B), b-02 (A)
    first = list_partners(registry(), tier=None, grade=None, limit=2, cursor=None, sort="-score")
    assert [v.partner_id for v in first.partners] == ["b-02", "a-01"]
    assert first.grades.model_dump() == {"A": 1, "B": 1, "C": 0, "D": 0, "none": 0}
    assert first.next_cursor == "b-02"  # the cursor still walks the registry in id order
