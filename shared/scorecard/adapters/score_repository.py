"""DynamoDB access to scores: each partner's current score (its figures, tier state and document),
the daily history points, and the network listed in score order (GSI3)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, cast

import msgspec

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import (
    batch_get,
    batch_writer,
    from_item,
    query_items,
    to_item,
)
from scorecard.adapters.partner_repository import PartnerRepository, profile_from_item
from scorecard.adapters.records import (
    ListedPartner,
    MalformedCursor,
    ScoreFigures,
    ScoreRecord,
    ScoreStanding,
    ScoreWrite,
)
from scorecard.adapters.score_document import compress_document, decompress_document
from scorecard.domain.policy import Grade, Tier
from scorecard.domain.tiering import TierHistory
from scorecard.schemas.scores import HistoryPointView

if TYPE_CHECKING:
    from scorecard.schemas.scores import ScoreView


@cache
def _tier_history() -> msgspec.json.Decoder[TierHistory]:
    """Stored as {"current": TierState, "before": TierState} JSON (dates ISO, lower_runs a list; the
    bytes pydantic wrote when these were dataclasses).
    Written with msgspec.json.encode."""
    return msgspec.json.Decoder(TierHistory)


def _score(item: dict[str, Any]) -> ScoreRecord:
    values = from_item(item)
    return ScoreRecord(
        partner_id=values["partner_id"],
        score=None if values.get("score") is None else Decimal(values["score"]),
        grade=values.get("grade"),
        tier=values.get("tier"),
        provisional=values.get("provisional", False),
        as_of=date.fromisoformat(values["as_of"]),
        tiers=_tier_history().decode(values["tier_state"]),
    )


def score_document(item: dict[str, Any]) -> bytes:
    """The score document (JSON) of a stored score item (wire format)."""
    return decompress_document(item[keys.SCORE_DOCUMENT]["B"])


def _score_item(write: ScoreWrite) -> dict[str, Any]:
    record = write.record
    pk = keys.partner_pk(record.partner_id)
    order = keys.score_gsi3sk(record.partner_id, record.score)
    in_score_order = {} if order is None else {"GSI3PK": keys.SCORE_ORDER_PK, "GSI3SK": order}
    # Not in GSI1: the daily run reads the tier states of a batch with one BatchGetItem
    # (current_scores), so a daily rewrite of this item is billed once, not again for an index entry.
    return to_item(
        {
            "PK": pk,
            "SK": keys.SCORE_SK,
            **in_score_order,
            "partner_id": record.partner_id,
            # Compressed with the document vocabulary (about 5 KB of JSON to 0.5 KB with 18 jobs in
            # the window): the whole item stays under 1 KB, one write unit (adapters.score_document).
            keys.SCORE_DOCUMENT: compress_document(write.view.model_dump_json().encode()),
            "tier_state": msgspec.json.encode(record.tiers).decode(),
            "provisional": record.provisional,
            "as_of": record.as_of.isoformat(),
            "computed_at": write.view.computed_at.isoformat(),
            "score": None if record.score is None else str(record.score),
            "grade": record.grade,
            "tier": record.tier,
        }
    )


# Items examined (read from an index, before filters) per listing request, at least 4 x the page: a
# page with a selective filter stops there and hands back a cursor rather than reading on unbounded.
EXAMINED_PER_PAGE = 1000


_ID = r"[A-Za-z0-9_-]{1,64}"


_BUCKET = rf"[0-9]{{{keys.SCORE_ORDER_WIDTH}}}#"


# A cursor is base64url of <direction><state><key>, direction "+" (score) or "-" (-score), and state:
#   A <GSI3SK>       ascending, scored partners after this key
#   B <bucket#>      descending, the scores below this bucket ("0923#": every key under 92.3)
#   I <GSI3SK>       descending, inside one score's bucket: its partners after this one, in id order
#                    (a bucket's key alone, "0923#", is its start), then B below it
#   U <pid or "">    partners without a score, from the registry after this id
_STATE_KEYS = {
    "A": re.compile(rf"{_BUCKET}{_ID}"),
    "B": re.compile(_BUCKET),
    "I": re.compile(rf"{_BUCKET}(?:{_ID})?"),
    "U": re.compile(rf"(?:{_ID})?"),
}


MAX_CURSOR_LENGTH = 4 * ((2 + keys.SCORE_ORDER_WIDTH + 1 + 64 + 2) // 3)  # base64 of the longest


class _Position(msgspec.Struct, frozen=True):
    state: Literal["A", "B", "I", "U"]
    key: str


def encode_score_cursor(descending: bool, position: _Position) -> str:
    raw = ("-" if descending else "+") + position.state + position.key
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_score_cursor(cursor: str, descending: bool) -> _Position:
    """The position a cursor of this listing (and this direction) stands for; MalformedCursor else."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise MalformedCursor("cursor too long")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise MalformedCursor("cursor is not base64url") from error
    direction, state, key = raw[:1], raw[1:2], raw[2:]
    pattern = _STATE_KEYS.get(state)
    if direction != ("-" if descending else "+") or pattern is None or not pattern.fullmatch(key):
        raise MalformedCursor("cursor is not one this listing gave")
    if state not in ("BIU" if descending else "AU"):
        raise MalformedCursor("cursor is of the other direction")
    return _Position(cast(Literal["A", "B", "I", "U"], state), key)


def _figures(item: dict[str, Any]) -> ScoreFigures:
    values = from_item(item)
    return ScoreFigures(
        score=None if values.get("score") is None else Decimal(values["score"]),
        grade=values.get("grade"),
        tier=values.get("tier"),
        provisional=values.get("provisional", False),
        as_of=date.fromisoformat(values["as_of"]),
    )


_FIGURES = "partner_id, score, grade, tier, provisional, as_of"  # a score item's attributes, no document


def score_figures(table: str, partner_ids: Sequence[str]) -> dict[str, ScoreFigures]:
    """What the listings show of these partners' current scores (not the document, not the tier
    state), by partner: one BatchGetItem per 100."""
    items = batch_get(table, partner_ids, keys.SCORE_SK, _FIGURES, {})
    return {item["partner_id"]["S"]: _figures(item) for item in items}


class _ProcessStanding(msgspec.Struct, frozen=True):
    name: str
    percentile: int


class _Percentile(msgspec.Struct, frozen=True):
    network: int | None = None
    process: _ProcessStanding | None = None


class _Standing(msgspec.Struct, frozen=True):
    """The one part of a score document the partners export reads (unknown fields are skipped)."""

    percentile: _Percentile | None = None


@cache
def _standing_decoder() -> msgspec.json.Decoder[_Standing]:
    return msgspec.json.Decoder(_Standing)


def _standing(item: dict[str, Any]) -> ScoreStanding:
    found = _standing_decoder().decode(score_document(item)).percentile
    process = None if found is None else found.process
    return ScoreStanding(
        figures=_figures(item),
        percentile=None if found is None else found.network,
        process=None if process is None else process.name,
        process_percentile=None if process is None else process.percentile,
    )


def _bucket(order_key: str) -> str:
    """The key prefix every partner with this key's score shares: "0923#" of "0923#acme-01"."""
    return order_key[: keys.SCORE_ORDER_WIDTH + 1]


def _id_of(order_key: str) -> str:
    return order_key[keys.SCORE_ORDER_WIDTH + 1 :]


class ScoreRepository:
    """Current scores and their history."""

    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def current_scores(self, partner_ids: Sequence[str]) -> dict[str, ScoreRecord]:
        """These partners' current scores with their tier states (not the documents), by partner:
        one BatchGetItem per 100 partners. Eventually consistent, as the GSI1 read it replaced: a
        re-run of a day comes minutes after its run, not within the second replicas take to agree."""
        items = batch_get(self._table, list(partner_ids), keys.SCORE_SK, _FIGURES + ", tier_state", {})
        return {item["partner_id"]["S"]: _score(item) for item in items}

    def figures(self, partner_ids: Sequence[str]) -> dict[str, ScoreFigures]:
        """What a listing shows of these partners' current scores, by partner (score_figures)."""
        return score_figures(self._table, partner_ids)

    def standings(self, partner_ids: Sequence[str]) -> dict[str, ScoreStanding]:
        """These partners' current figures and peer standing (from the compressed document, about
        0.5 KB a partner), by partner: one BatchGetItem per 100."""
        items = batch_get(self._table, partner_ids, keys.SCORE_SK, f"{_FIGURES}, {keys.SCORE_DOCUMENT}", {})
        return {item["partner_id"]["S"]: _standing(item) for item in items}

    def get_score(self, partner_id: str) -> ScoreRecord | None:
        item = self._get(keys.partner_pk(partner_id), keys.SCORE_SK)
        return None if item is None else _score(item)

    def get_score_view(self, partner_id: str) -> ScoreView | None:
        """The current score document, as GET /score answers it."""
        # Imported here: only the API reads the document (and has its views already); the workers
        # that import this repository then never create its nine models.
        from scorecard.schemas.scores import ScoreView

        item = self._get(keys.partner_pk(partner_id), keys.SCORE_SK)
        return None if item is None else ScoreView.model_validate_json(score_document(item))

    def save_scores(self, writes: Sequence[ScoreWrite], *, current: bool = True) -> None:
        """History points and (unless `current` is False, for backfills) current scores, 25 items per
        BatchWriteItem."""
        with batch_writer(self._table) as batch:
            for write in writes:
                if current:
                    batch.put_item(Item=_score_item(write))
                batch.put_item(
                    Item=to_item(
                        {
                            "PK": keys.partner_pk(write.record.partner_id),
                            "SK": keys.history_sk(write.history.date),
                            "point": write.history.model_dump_json(),
                        }
                    )
                )

    def score_history(self, partner_id: str, first: date, last: date) -> list[HistoryPointView]:
        return [
            HistoryPointView.model_validate_json(item["point"]["S"])
            for item in self._query(
                KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
                ExpressionAttributeValues={
                    ":pk": {"S": keys.partner_pk(partner_id)},
                    ":a": {"S": keys.history_sk(first)},
                    ":b": {"S": keys.history_sk(last)},
                },
            )
        ]

    def partners_by_score(
        self,
        *,
        descending: bool,
        limit: int,
        cursor: str | None,
        tier: Tier | None = None,
        grade: Grade | None = None,
    ) -> tuple[list[ListedPartner], str | None]:
        """Up to `limit` partners in score order (ascending, or `descending`), equal scores by id,
        then the partners without a score by id; `tier`/`grade` filter. At most EXAMINED_PER_PAGE
        index items (or 4 x limit) are read per call, so a page may come back short, even empty,
        with a cursor. Raises MalformedCursor for a cursor this listing (direction) did not give."""
        position = (
            decode_score_cursor(cursor, descending)
            if cursor is not None
            else _Position("B" if descending else "A", "")
        )
        listing = _ScoreListing(self._table, limit, max(EXAMINED_PER_PAGE, 4 * limit), tier, grade)
        next_position = listing.run(position)
        # The figures from the score items themselves: GSI3 projects only what its filters need, so
        # that a day's run that leaves a partner's figures unchanged writes nothing to it.
        figures_of = score_figures(self._table, listing.scored)
        listed = [
            ListedPartner(profile, figures_of.get(profile.partner_id))
            for profile in PartnerRepository(self._table).profiles(listing.scored)
        ]
        listed += listing.unscored
        return listed, None if next_position is None else encode_score_cursor(descending, next_position)

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = client("dynamodb").get_item(
            TableName=self._table, Key={"PK": {"S": pk}, "SK": {"S": sk}}, ConsistentRead=True
        )
        return response.get("Item")

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query_items(self._table, **kwargs)


class _ScoreListing:
    """One request's walk of the score order: fills `scored` (from GSI3) then `unscored` (from the
    registry), and `run` answers where the next request resumes (None: nothing after)."""

    def __init__(self, table: str, limit: int, budget: int, tier: Tier | None, grade: Grade | None) -> None:
        self._table = table
        self._limit = limit
        self._budget = budget
        self._examined = 0
        self._tier = tier
        self._grade = grade
        self.scored: list[str] = []  # partner ids, in listing order
        self.unscored: list[ListedPartner] = []
        self._last_key = ""  # GSI3SK of the last scored partner listed

    def _room(self) -> int:
        return self._limit - len(self.scored) - len(self.unscored)

    def _left(self) -> int:
        return self._budget - self._examined

    def run(self, position: _Position) -> _Position | None:
        current: _Position | None = position
        while True:
            if current is None:
                return None
            if current.state == "U" and self._grade is not None:
                return None  # a partner without a score has no grade: nothing after the scored ones
            if self._room() <= 0 or self._left() < (2 if current.state == "U" else 1):
                return current
            if current.state == "A":
                current = self._ascending(current.key)
            elif current.state == "B":
                current = self._below(current.key)
            elif current.state == "I":
                current = self._inside(current.key)
            else:
                current = self._unscored(current.key)

    def _query_scores(
        self, condition: str, values: dict[str, Any], *, forward: bool
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One GSI3 page: the matching items and the GSI3SK it stopped at (None: the range's end)."""
        values = {":pk": {"S": keys.SCORE_ORDER_PK}, **values}
        filters, names = [], []
        for name, value in (("tier", self._tier), ("grade", self._grade)):
            if value is not None:
                filters.append(f"#{name} = :{name}")
                names.append(name)
                values[f":{name}"] = {"S": value}
        # Unfiltered, one more than the page needs shows whether the last score's bucket goes on.
        limit = self._left() if filters else min(self._left(), self._room() + 1)
        arguments: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": keys.GSI3,
            "KeyConditionExpression": "GSI3PK = :pk" + (f" AND {condition}" if condition else ""),
            "ExpressionAttributeValues": values,
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        if filters:
            arguments["FilterExpression"] = " AND ".join(filters)
            arguments["ExpressionAttributeNames"] = {f"#{name}": name for name in names}
        response = client("dynamodb").query(**arguments)
        self._examined += response.get("ScannedCount", 0)
        last = response.get("LastEvaluatedKey")
        return response.get("Items", []), None if last is None else last["GSI3SK"]["S"]

    def _take(self, item: dict[str, Any]) -> None:
        self._last_key = item["GSI3SK"]["S"]
        self.scored.append(_id_of(self._last_key))

    def _ascending(self, after: str) -> _Position | None:
        items, stopped = self._query_scores(
            "GSI3SK > :after" if after else "", {":after": {"S": after}} if after else {}, forward=True
        )
        for index, item in enumerate(items):
            if self._room() == 0:
                return _Position("A", items[index - 1]["GSI3SK"]["S"])
            self._take(item)
        if stopped is not None:
            return _Position("A", stopped)
        return _Position("U", "")

    def _below(self, bucket: str) -> _Position | None:
        """Descending from under `bucket` ("" : the top). The page's scores come highest first, and
        equal scores by id descending; every bucket the page passed whole is listed in id order, and
        the bucket it stopped in is read again from its start (`_inside`)."""
        items, stopped = self._query_scores(
            "GSI3SK < :below" if bucket else "", {":below": {"S": bucket}} if bucket else {}, forward=False
        )
        partial = None if stopped is None else _bucket(stopped)
        whole = sorted(
            (item for item in items if _bucket(item["GSI3SK"]["S"]) != partial),
            key=lambda item: (-int(_bucket(item["GSI3SK"]["S"])[:-1]), _id_of(item["GSI3SK"]["S"])),
        )
        for item in whole:
            if self._room() == 0:
                # The rest of the last listed partner's bucket, then below it.
                return _Position("I", self._last_key)
            self._take(item)
        if partial is not None:
            return _Position("I", partial)
        return _Position("U", "")

    def _inside(self, after: str) -> _Position | None:
        """The partners of one score after `after` ("0923#": from the start), in id order; then the
        scores below it."""
        bucket = _bucket(after)
        # "-" is the least id character: <key>- is the least key after <key> (keys.py).
        lower = after if after == bucket else after + "-"
        items, stopped = self._query_scores(
            "GSI3SK BETWEEN :lower AND :upper",
            {":lower": {"S": lower}, ":upper": {"S": bucket + "~"}},
            forward=True,
        )
        for index, item in enumerate(items):
            if self._room() == 0:
                return _Position("I", items[index - 1]["GSI3SK"]["S"])
            self._take(item)
        if stopped is not None:
            return _Position("I", stopped)
        return _Position("B", bucket)

    def _unscored(self, after: str) -> _Position | None:
        """Registry partners after `after` (id order) whose score item is missing or has no score
        (`run` calls it with room for two items: a partner is a profile and a score item)."""
        values: dict[str, Any] = {":reg": {"S": keys.REGISTRY_PK}}
        condition = "GSI2PK = :reg"
        if after:
            condition += " AND GSI2SK > :after"
            values[":after"] = {"S": after}
        response = client("dynamodb").query(
            TableName=self._table,
            IndexName=keys.GSI2,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            Limit=self._left() // 2,  # each profile costs its score item's read too
        )
        self._examined += response.get("ScannedCount", 0)
        profiles = [
            profile_from_item(item)
            for item in response.get("Items", [])
            if item["SK"]["S"] == keys.PROFILE_SK
        ]
        figures_of = score_figures(self._table, [p.partner_id for p in profiles])
        self._examined += len(profiles)
        partners = [(profile, figures_of.get(profile.partner_id)) for profile in profiles]
        more = "LastEvaluatedKey" in response
        for index, (profile, figures) in enumerate(partners):
            if figures is not None and figures.score is not None:
                continue  # listed from GSI3
            if self._tier is not None and (figures is None or figures.tier != self._tier):
                continue
            if self._room() == 0:
                return _Position("U", partners[index - 1][0].partner_id if index else after)
            self.unscored.append(ListedPartner(profile, figures))
        if more:
            return _Position("U", partners[-1][0].partner_id if partners else after)
        return None
