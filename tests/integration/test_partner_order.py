"""GET /v1/partners?sort=score|-score: the whole network in score order (GSI3, adapters/keys.py), page
by page with an opaque cursor; partners without a score last, from the registry; `grades` counts
the page. Against the real repositories in moto."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from integration_support import NOW, Lambdas, PartnerData
from lambda_events import api_event, caller, response_json
from scorecard.adapters import score_repository
from scorecard.adapters.aws import client
from scorecard.adapters.records import PartnerProfile, ScoreRecord, ScoreWrite
from scorecard.domain.policy import Grade, Tier
from scorecard.domain.tiering import TierHistory
from scorecard.schemas.scores import HistoryPointView, ScoreView, TierStatusView
from scorecard.services.errors import Invalid
from scorecard.services.partners import PartnerSort, list_partners

AS_OF = date(2026, 11, 1)


def score_write(
    partner_id: str, score: str | None, grade: Grade | None, tier: Tier | None = "standard"
) -> ScoreWrite:
    value = None if score is None else Decimal(score)
    shown = None if value is None else float(value)
    record = ScoreRecord(partner_id, value, grade, tier, False, AS_OF, TierHistory())
    view = ScoreView(
        partner_id=partner_id,
        as_of=AS_OF,
        score=shown,
        grade=grade,
        tier=tier,
        provisional=False,
        components={},
        window=None,
        computed_at=NOW,
        policy_version="v1",
        ledger=[],
        next_grade=None,
        tier_status=TierStatusView(
            tier=tier,
            since=None,
            computed_tier=tier,
            pending_demotion=None,
            runs_below=0,
            demotion_warning=False,
        ),
    )
    point = HistoryPointView(
        date=AS_OF, score=shown, grade=grade, tier=tier, provisional=False, components={}
    )
    return ScoreWrite(record, view, point)


def register(repository: PartnerData, *partner_ids: str) -> None:
    for partner_id in partner_ids:
        repository.put_profile(PartnerProfile(partner_id, f"{partner_id} Works", None, None, NOW))


def five(table: str) -> PartnerData:
    """The old unit registry: four scored (a-01 and d-04 tie at 81.0), e-05 registered only."""
    repository = PartnerData(table)
    register(repository, "a-01", "b-02", "c-03", "d-04", "e-05")
    repository.save_scores(
        [
            score_write("a-01", "81.0", "B"),
            score_write("b-02", "95.5", "A"),
            score_write("c-03", "62.0", "D"),
            score_write("d-04", "81.0", "B"),
        ]
    )
    return repository


def ids(repository: PartnerData, **query: Any) -> list[str]:
    listed = list_partners(repository, repository, tier=None, grade=None, limit=100, cursor=None, **query)
    return [view.partner_id for view in listed.partners]


def walk(
    repository: PartnerData,
    sort: PartnerSort,
    limit: int,
    tier: Tier | None = None,
    grade: Grade | None = None,
) -> tuple[list[tuple[str, float | None]], list[int]]:
    """Every page of a listing: (partner id, score) in the order listed, and each page's size."""
    seen: list[tuple[str, float | None]] = []
    sizes: list[int] = []
    cursor: str | None = None
    for _ in range(1000):
        page = list_partners(
            repository, repository, tier=tier, grade=grade, limit=limit, cursor=cursor, sort=sort
        )
        assert len(page.partners) <= limit
        seen += [(view.partner_id, view.score) for view in page.partners]
        sizes.append(len(page.partners))
        if page.next_cursor is None:
            return seen, sizes
        cursor = page.next_cursor
    raise AssertionError("the cursor never ended")


# ---- the five-partner registry (moved from tests/unit/test_partner_list.py) ---------------------------


def test_sort_by_score_both_ways_unscored_last(table: str) -> None:
    repository = five(table)
    assert ids(repository) == ["a-01", "b-02", "c-03", "d-04", "e-05"]  # id order by default
    assert ids(repository, sort="score") == ["c-03", "a-01", "d-04", "b-02", "e-05"]
    assert ids(repository, sort="-score") == ["b-02", "a-01", "d-04", "c-03", "e-05"]


def test_grades_count_the_page(table: str) -> None:
    repository = five(table)
    listed = list_partners(repository, repository, tier=None, grade=None, limit=100, cursor=None)
    assert listed.grades.model_dump() == {"A": 1, "B": 2, "C": 0, "D": 1, "none": 1}
    # a page of 2: b-02 (A), a-01 (B)
    first = list_partners(repository, repository, tier=None, grade=None, limit=2, cursor=None, sort="-score")
    assert [v.partner_id for v in first.partners] == ["b-02", "a-01"]
    assert first.grades.model_dump() == {"A": 1, "B": 1, "C": 0, "D": 0, "none": 0}
    # The cursor walks the score order across the network (not the registry in id order): d-04 ties
    # a-01 at 81.0 and comes next, in the middle of that score's bucket.
    second = list_partners(
        repository, repository, tier=None, grade=None, limit=2, cursor=first.next_cursor, sort="-score"
    )
    assert [v.partner_id for v in second.partners] == ["d-04", "c-03"]
    assert second.grades.model_dump() == {"A": 0, "B": 1, "C": 0, "D": 1, "none": 0}
    third = list_partners(
        repository, repository, tier=None, grade=None, limit=2, cursor=second.next_cursor, sort="-score"
    )
    assert [v.partner_id for v in third.partners] == ["e-05"]
    assert third.grades.model_dump() == {"A": 0, "B": 0, "C": 0, "D": 0, "none": 1}
    assert third.next_cursor is None


def test_a_listed_partner_shows_its_profile_and_its_figures(table: str) -> None:
    repository = five(table)
    (top,) = list_partners(
        repository, repository, tier=None, grade=None, limit=1, cursor=None, sort="-score"
    ).partners
    assert top.model_dump(mode="json") == {
        "partner_id": "b-02",
        "name": "b-02 Works",  # from the profile (BatchGetItem), not from the index
        "email": None,
        "timezone": None,
        "score": 95.5,
        "grade": "A",
        "tier": "standard",
        "provisional": False,
        "as_of": "2026-11-01",
    }


# ---- a network over many pages -------------------------------------------------------------------------

# 40 scored partners over 13 distinct scores (ties of up to 6), the edges 0.0 and 100.0 included; 3 with
# a score item without a score and 2 registered only. Grades follow v1's bands (A >= 90, B >= 80,
# C >= 70, else D); tiers alternate so a tier filter picks every other partner.
SCORES = [
    "100.0",
    "97.3",
    "92.3",
    "92.3",
    "88.8",
    "81.0",
    "81.0",
    "81.0",
    "75.5",
    "70.0",
    "69.9",
    "0.0",
    "42.1",
]


def grade_of(score: Decimal) -> Grade:
    return "A" if score >= 90 else "B" if score >= 80 else "C" if score >= 70 else "D"


def network(table: str) -> tuple[PartnerData, dict[str, tuple[Decimal | None, Tier | None]]]:
    repository = PartnerData(table)
    figures: dict[str, tuple[Decimal | None, Tier | None]] = {}
    writes = []
    # Ids are given out of score order (p-39 first), so id order and score order differ.
    for n in range(40):
        partner_id = f"p-{(n * 7) % 40:02d}"
        score = Decimal(SCORES[n % len(SCORES)])
        tier: Tier = "preferred" if n % 2 else "standard"
        figures[partner_id] = (score, tier)
        writes.append(score_write(partner_id, str(score), grade_of(score), tier))
    for partner_id in ("q-none-1", "q-none-2", "a-none-3"):
        figures[partner_id] = (None, "standard")
        writes.append(score_write(partner_id, None, None, "standard"))
    register(repository, *figures, "z-new-1", "b-new-2")
    figures["z-new-1"] = figures["b-new-2"] = (None, None)
    repository.save_scores(writes)
    return repository, figures


def expected_order(
    figures: dict[str, tuple[Decimal | None, Tier | None]], descending: bool, keep: Any = None
) -> list[tuple[str, float | None]]:
    chosen = {pid: f for pid, f in figures.items() if keep is None or keep(pid, *f)}
    scored = sorted(
        (pid for pid, (score, _) in chosen.items() if score is not None),
        key=lambda pid: ((-1 if descending else 1) * (chosen[pid][0] or 0), pid),
    )
    unscored = sorted(pid for pid, (score, _) in chosen.items() if score is None)
    return [(pid, float(chosen[pid][0] or 0)) for pid in scored] + [(pid, None) for pid in unscored]


@pytest.mark.parametrize("limit", [1, 4, 6, 7])
@pytest.mark.parametrize("sort", ["-score", "score"])
def test_walking_the_cursor_lists_every_partner_once_in_score_order(
    table: str, sort: PartnerSort, limit: int
) -> None:
    repository, figures = network(table)
    seen, sizes = walk(repository, sort, limit)
    assert seen == expected_order(figures, descending=sort == "-score")
    assert len(seen) == 45 and len(set(seen)) == 45  # every partner exactly once
    assert len(sizes) >= 45 // limit  # 3+ pages at every limit here (45 partners, 7 a page: 7 pages)
    assert all(size == limit for size in sizes[:-1])  # unfiltered: every page full but the last
    if sort == "-score":  # (hand-checked: n = 0, 13, 26, 39 score 100.0 and get ids 00, 11, 22, 33)
        top = [("p-00", 100.0), ("p-11", 100.0), ("p-22", 100.0), ("p-33", 100.0), ("p-07", 97.3)]
        assert seen[:5] == top
        unscored = ["a-none-3", "b-new-2", "q-none-1", "q-none-2", "z-new-1"]
        assert seen[-5:] == [(pid, None) for pid in unscored]
    else:  # n = 11, 24, 37 score 0.0: ids 37, 08, 19
        assert seen[:4] == [("p-08", 0.0), ("p-19", 0.0), ("p-37", 0.0), ("p-04", 42.1)]
        assert seen[-6] == ("p-33", 100.0) and seen[-5] == ("a-none-3", None)


def test_the_score_order_is_an_index_of_small_items(table: str) -> None:
    network(table)
    indexed = client("dynamodb").query(
        TableName=table,
        IndexName="GSI3",
        KeyConditionExpression="GSI3PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "SCORES"}},
        ScanIndexForward=False,
        Limit=2,
    )["Items"]
    assert [item["GSI3SK"]["S"] for item in indexed] == ["1000#p-33", "1000#p-22"]  # descending, ids too
    # INCLUDE: what the filters need and the keys, never the score document, the tier state or the
    # day scored (which changes every day: a run that keeps a partner's figures writes no index item).
    assert set(indexed[0]) == {"PK", "SK", "GSI3PK", "GSI3SK", "score", "grade", "tier", "provisional"}
    # Unscored partners are not in the index: 40 scored items of 45 partners.
    count = client("dynamodb").query(
        TableName=table,
        IndexName="GSI3",
        KeyConditionExpression="GSI3PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "SCORES"}},
        Select="COUNT",
    )["Count"]
    assert count == 40


def test_a_score_that_is_lost_leaves_the_index(table: str) -> None:
    repository = five(table)
    repository.save_scores([score_write("b-02", None, None)])
    assert ids(repository, sort="-score") == ["a-01", "d-04", "c-03", "b-02", "e-05"]
    item = client("dynamodb").get_item(
        TableName=table, Key={"PK": {"S": "PARTNER#b-02"}, "SK": {"S": "SCORE"}}
    )["Item"]
    assert "GSI3PK" not in item and "GSI3SK" not in item
    repository.save_scores([score_write("b-02", "12.5", "D")])  # and a new score moves it
    assert ids(repository, sort="-score") == ["a-01", "d-04", "c-03", "b-02", "e-05"]
    assert ids(repository, sort="score") == ["b-02", "c-03", "a-01", "d-04", "e-05"]


# ---- filters with the sort -----------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["-score", "score"])
def test_filters_combine_with_the_score_order(table: str, sort: PartnerSort) -> None:
    repository, figures = network(table)
    descending = sort == "-score"
    preferred, sizes = walk(repository, sort, 3, tier="preferred")
    assert preferred == expected_order(figures, descending, lambda pid, score, tier: tier == "preferred")
    assert len(preferred) == 20 and all(size == 3 for size in sizes[:-1])  # up to limit when they exist
    # standard takes the partners with a score item without a score (tier standard), not those
    # registered only (no tier yet)
    standard, _ = walk(repository, sort, 4, tier="standard")
    assert standard == expected_order(figures, descending, lambda pid, score, tier: tier == "standard")
    assert [pid for pid, score in standard if score is None] == ["a-none-3", "q-none-1", "q-none-2"]
    graded, _ = walk(repository, sort, 2, grade="B")
    b_scores = {"88.8", "81.0"}
    assert graded == expected_order(figures, descending, lambda pid, score, tier: str(score) in b_scores)
    assert [score for _, score in graded] == (
        [88.8] * 3 + [81.0] * 9 if descending else [81.0] * 9 + [88.8] * 3
    )
    both, _ = walk(repository, sort, 5, tier="preferred", grade="A")
    assert both == expected_order(
        figures,
        descending,
        lambda pid, score, tier: tier == "preferred" and score is not None and score >= 90,
    )


def test_a_page_examines_a_bounded_number_of_items(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    repository, figures = network(table)
    scanned: list[int] = []
    original = client("dynamodb").query

    def counting(**kwargs: Any) -> Any:
        response = original(**kwargs)
        scanned.append(response["ScannedCount"])
        return response

    monkeypatch.setattr(score_repository, "EXAMINED_PER_PAGE", 6)
    monkeypatch.setattr(client("dynamodb"), "query", counting)
    # Grade A: 13 of 40 scored partners, sparse in ascending order: pages come back short (some empty)
    # with a cursor rather than reading on; walked to the end they still list every match once.
    seen, sizes = walk(repository, "score", 2, grade="A")
    assert seen == expected_order(figures, False, lambda pid, score, tier: score is not None and score >= 90)
    assert 0 in sizes  # the first page reads 8 (4 x limit) items, all grade D or C: none listed
    pages = len(sizes)
    assert sum(scanned) <= pages * 8  # never more than max(6, 4 x 2) index items a page
    # the bound is per request: without a filter, one page of 2 reads at most 3 (+ a bucket's re-read)
    scanned.clear()
    list_partners(repository, repository, tier=None, grade=None, limit=2, cursor=None, sort="-score")
    assert sum(scanned) <= 8


# ---- the cursor ----------------------------------------------------------------------------------------


def b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("-score", "not base64!"),
        ("-score", "acme-01"),  # an id-order cursor is not a score-order one
        ("-score", b64("-Bnonsense")),
        ("-score", b64("-A0923#a-01")),  # ascending state with -score
        ("score", b64("-I0923#a-01")),  # the other direction's cursor
        ("score", b64("+X0923#a-01")),
        ("score", b64("+A0923#a-01;DROP")),
        ("score", b64("+U" + "x" * 65)),
        ("-score", "A" * 200),
        ("-score", base64.urlsafe_b64encode(b"\xff\xfe-B0923#").decode()),
    ],
)
def test_a_malformed_cursor_is_invalid(table: str, sort: PartnerSort, cursor: str) -> None:
    repository = five(table)
    with pytest.raises(Invalid) as refused:
        list_partners(repository, repository, tier=None, grade=None, limit=2, cursor=cursor, sort=sort)
    assert refused.value.fields == ("cursor",)


def test_the_cursor_is_opaque_and_bounded(table: str) -> None:
    repository = PartnerData(table)
    long_id = "x" * 64
    register(repository, long_id, "y-01")
    repository.save_scores([score_write(long_id, "55.5", "D"), score_write("y-01", "55.5", "D")])
    page = list_partners(repository, repository, tier=None, grade=None, limit=1, cursor=None, sort="score")
    assert page.next_cursor is not None
    assert len(page.next_cursor) <= score_repository.MAX_CURSOR_LENGTH <= 128  # the route's max_length
    assert long_id not in page.next_cursor


# ---- over the API --------------------------------------------------------------------------------------


def answer(lambdas: Lambdas, query: dict[str, str], who: dict[str, str] | None = None) -> tuple[int, Any]:
    event = (
        api_event("api_get_partners", query=query)
        if who is None
        else api_event("api_get_partners", query=query, caller=who)
    )
    response = lambdas.api(event)
    return int(response["statusCode"]), response_json(response)


def test_the_api_walks_the_score_order_and_refuses_a_made_up_cursor(lambdas: Lambdas, table: str) -> None:
    five(table)
    status, first = answer(lambdas, {"sort": "-score", "limit": "3"})
    assert status == 200
    assert [p["partner_id"] for p in first["partners"]] == ["b-02", "a-01", "d-04"]
    assert first["grades"] == {"A": 1, "B": 2, "C": 0, "D": 0, "none": 0}
    status, second = answer(lambdas, {"sort": "-score", "limit": "3", "cursor": first["next_cursor"]})
    assert status == 200
    assert [p["partner_id"] for p in second["partners"]] == ["c-03", "e-05"]
    assert second["next_cursor"] is None
    # the same cursor with the other sort, or a made-up one: 422 in the error shape, never 5xx
    for cursor, sort in ((first["next_cursor"], "score"), ("bm9wZQ", "-score"), ("%%%", "score")):
        status, body = answer(lambdas, {"sort": sort, "cursor": cursor})
        assert status == 422, body
        assert set(body) == {"error"} and body["error"]["code"] == "validation_failed"
        assert body["error"]["details"] == [{"field": "cursor"}]
    status, body = answer(lambdas, {"sort": "-score", "cursor": "x" * 129})  # over the route's bound
    assert status == 422 and body["error"]["code"] == "validation_failed"


def test_only_ops_list_partners_in_score_order(lambdas: Lambdas, table: str) -> None:
    five(table)
    for who, status in ((caller("ops"), 200), (caller("service"), 403), (caller("partner", "a-01"), 403)):
        seen, body = answer(lambdas, {"sort": "-score"}, who)
        assert seen == status, body
        if status == 403:
            assert body["error"]["code"] == "forbidden"


def test_the_registry_is_read_page_by_page_not_whole_each_time(table: str) -> None:
    """Listing the registry in pages of 4 reads each partner about once: every Query asks for the
    page's size (plus one), so N partners cost about N items read, not N x N / 4 (a 1 MB page a call)."""
    network(table)  # 45 partners
    dynamodb = client("dynamodb")
    read: list[int] = []

    def count(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        read.append(int(parsed.get("ScannedCount", 0)))

    dynamodb.meta.events.register("after-call.dynamodb.Query", count)
    try:
        ids = list(PartnerData(table).iter_partner_ids(page_size=4))
    finally:
        dynamodb.meta.events.unregister("after-call.dynamodb.Query", count)
    assert len(ids) == len(set(ids)) == 45
    # 12 pages of 4 (the last holds 1), each one Query of at most 5 items
    assert len(read) == 12 and max(read) <= 5
    assert sum(read) <= 45 + 12
