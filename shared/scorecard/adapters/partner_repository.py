"""DynamoDB access for partners: evidence for scoring, profiles, scores, history and the registry."""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, cast

import msgspec
from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import batch_writer, from_item, query_items, query_key_range, to_item
from scorecard.adapters.score_document import compress_document, decompress_document
from scorecard.domain.policy import Grade, Tier
from scorecard.history_views import HistoryPointView
from scorecard.records import (
    InvalidPosition,
    JobPosition,
    ListedPartner,
    MalformedCursor,
    PagedJob,
    PartnerEvidence,
    PartnerProfile,
    RegistryEntry,
    ScoreFigures,
    ScoreRecord,
    ScoreWrite,
    StoredAggregate,
    TierHistory,
)

if TYPE_CHECKING:
    from scorecard.score_views import ScoreView


@cache
def _tier_history() -> msgspec.json.Decoder[TierHistory]:
    """Stored as {"current": TierState, "before": TierState} JSON (dates ISO, lower_runs a list; the
    bytes pydantic wrote when these were dataclasses); built on first use, not at import (cold starts).
    Written with msgspec.json.encode."""
    return msgspec.json.Decoder(TierHistory)


def _profile(item: dict[str, Any]) -> PartnerProfile:
    values = from_item(item)
    updated = values.get("updated_at")
    return PartnerProfile(
        partner_id=values["partner_id"],
        name=values.get("name"),
        email=values.get("email"),
        timezone=values.get("timezone"),
        updated_at=datetime.fromisoformat(updated) if updated else None,
    )


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


# How far before the evidence's first instant load_evidence reads GSI1, so that a job begun up to this
# much earlier (its first item's key) needs no Query of its own (keys.py). A job that began before the
# margin and still has an event in the window costs one Query on each day it is so; reading the
# margin costs 60/180 more of the partner's events in read units, which are a fifth of a write unit's
# price: 60 days keeps jobs of up to two months, offer to last inspection, to the one query.
EVIDENCE_MARGIN = timedelta(days=60)


def _leads(item: dict[str, Any], aggregate_sk: str) -> bool:
    """The item holding its aggregate's lowest GSI1SK: its first evidence item, or the aggregate's own
    item when it holds events (written before the per-event layout, it holds the earliest)."""
    sk = item["SK"]["S"]
    return keys.is_first_evidence(sk) or (sk == aggregate_sk and "ev" in item)


def assemble_aggregate(aggregate_sk: str, items: Sequence[dict[str, Any]]) -> StoredAggregate:
    """One job, request or month of activity from its items as read: the events of all of them, in
    the items' order, excluded when its own item says so. Hand-read, not TypeDeserializer: about ten
    times faster (timeit, 2026-11-29), on what every daily score reads."""
    events: list[str] = []
    excluded = False
    for item in items:
        events += item.get("ev", {}).get("SS", ())
        if item["SK"]["S"] == aggregate_sk:
            excluded = item.get("excluded", {}).get("BOOL", False)
    # "JOB#<id>", "REQ#<id>", "ACT#<YYYY-MM>": the id follows the kind's "#" (ids never contain one)
    return StoredAggregate(id=aggregate_sk.partition("#")[2], events=tuple(events), excluded=excluded)


def _index_key(item: dict[str, Any]) -> str:
    return str(item["GSI1SK"]["S"])


# The SK of a job or request item in GSI1: the aggregate's own item or an evidence item (keys.py).
# Ids as domain.events.EntityId and EventId, index keys as keys.instant_key.
_INDEXED_SK = re.compile(
    r"(?:JOB|REQ)#[A-Za-z0-9_-]{1,64}(?:#A|#E#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[A-Za-z0-9._:-]{1,128})?"
)


def _check_position(position: JobPosition) -> None:
    """A position comes back from a client (inside a cursor): it must be the key of a job or request
    item in GSI1 (an instant key below the markers), so a forged one fails here with InvalidPosition
    rather than as DynamoDB's "starting key outside query boundaries"."""
    try:
        instant = datetime.strptime(position.latest, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError as error:
        raise InvalidPosition(f"not an instant key: {position.latest!r}") from error
    if keys.instant_key(instant) != position.latest or not _INDEXED_SK.fullmatch(position.sk):
        raise InvalidPosition(f"not a job position: {position!r}")


def _overflowed(item: dict[str, Any]) -> bool:
    return bool(item.get("overflow", {}).get("BOOL", False))


def score_document(item: dict[str, Any]) -> bytes:
    """The score document (JSON) of a stored score item (wire format)."""
    if keys.SCORE_DOCUMENT in item:
        return decompress_document(item[keys.SCORE_DOCUMENT]["B"])
    return zlib.decompress(item[keys.PLAIN_ZLIB_SCORE_DOCUMENT]["B"])  # written before dictionaries


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


# -- the score-ordered listing (GSI3, then the registry for partners without a score) --------------

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


def score_figures(table: str, partner_ids: list[str]) -> dict[str, ScoreFigures]:
    """What the listings show of these partners' current scores (not the document, not the tier
    state), by partner: one BatchGetItem per 100."""
    items = batch_get(table, partner_ids, keys.SCORE_SK, _FIGURES, {})
    return {item["partner_id"]["S"]: _figures(item) for item in items}


def batch_get(
    table: str, partner_ids: list[str], sk: str, projection: str, names: dict[str, str]
) -> list[dict[str, Any]]:
    """Item `sk` of each partner, those that exist (BatchGetItem, 100 keys a call). A partner named
    twice is asked for once: DynamoDB refuses a call whose keys repeat."""
    partner_ids = list(dict.fromkeys(partner_ids))
    found: list[dict[str, Any]] = []
    dynamodb = client("dynamodb")
    for start in range(0, len(partner_ids), 100):
        request: Any = {
            table: {
                "Keys": [
                    {"PK": {"S": keys.partner_pk(pid)}, "SK": {"S": sk}}
                    for pid in partner_ids[start : start + 100]
                ],
                "ProjectionExpression": projection,
                **({"ExpressionAttributeNames": names} if names else {}),
            }
        }
        while request:
            response = dynamodb.batch_get_item(RequestItems=request)
            found += response["Responses"].get(table, [])
            request = response.get("UnprocessedKeys") or {}
    return found


def _bucket(order_key: str) -> str:
    """The key prefix every partner with this key's score shares: "0923#" of "0923#acme-01"."""
    return order_key[: keys.SCORE_ORDER_WIDTH + 1]


def _id_of(order_key: str) -> str:
    return order_key[keys.SCORE_ORDER_WIDTH + 1 :]


class PartnerRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    # -- scoring reads -------------------------------------------------------------------------

    def load_evidence(self, partner_id: str, since: datetime) -> PartnerEvidence:
        """Jobs and requests with an event at or after `since`, each with all its events, plus the
        profile: one GSI1 Query from EVIDENCE_MARGIN before `since`, and one more per aggregate
        whose first evidence lies earlier still (keys.py: an aggregate's items are all at or above
        the key of the one that leads it). The current score (tier state) is not evidence:
        `current_scores` reads it, a batch of partners at a time."""
        evidence = PartnerEvidence(partner_id)
        since_key = keys.instant_key(since)
        found: dict[str, list[dict[str, Any]]] = {}
        for item in self._query(
            IndexName=keys.GSI1,
            # Only what scoring reads. The profile's timezone too: policy v2 judges on-time by the
            # partner's local date.
            ProjectionExpression="SK, GSI1SK, ev, excluded, overflow, partner_id, #tz",
            ExpressionAttributeNames={"#tz": "timezone"},
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK >= :from",
            ExpressionAttributeValues={
                ":pk": {"S": keys.partner_pk(partner_id)},
                ":from": {"S": keys.instant_key(since - EVIDENCE_MARGIN)},
            },
        ):
            sk = item["SK"]["S"]
            if sk.startswith((keys.JOB_PREFIX, keys.REQUEST_PREFIX)):
                found.setdefault(keys.aggregate_sk_of(sk), []).append(item)
            elif sk == keys.PROFILE_SK:
                evidence.profile = _profile(item)  # id and timezone: scoring needs no contact details
        # In GSI1's order, by latest event, as when each aggregate was one item.
        for latest, aggregate_sk, items in sorted((max(map(_index_key, v)), k, v) for k, v in found.items()):
            if latest < since_key:
                continue  # read for the margin only: no event at or after `since`
            if not any(_leads(item, aggregate_sk) for item in items):
                items = self._aggregate_items(partner_id, aggregate_sk)
            aggregate = self._assemble(partner_id, aggregate_sk, items)
            if aggregate_sk.startswith(keys.JOB_PREFIX):
                evidence.jobs.append(aggregate)
            else:
                evidence.requests.append(aggregate)
        return evidence

    def current_scores(self, partner_ids: Sequence[str]) -> dict[str, ScoreRecord]:
        """These partners' current scores with their tier states (not the documents), by partner:
        one BatchGetItem per 100 partners. Eventually consistent, as the GSI1 read it replaced: a
        re-run of a day comes minutes after its run, not within the second replicas take to agree."""
        items = batch_get(self._table, list(partner_ids), keys.SCORE_SK, _FIGURES + ", tier_state", {})
        return {item["partner_id"]["S"]: _score(item) for item in items}

    def load_activity(self, partner_id: str, since: datetime, until: datetime) -> list[StoredAggregate]:
        """The partner's monthly activity items (UTC months) from `since`'s month to `until`'s, each
        with the events of its overflow items, which follow it in key order (keys.aggregate_range)."""
        first, last = (keys.activity_sk(at.astimezone(UTC).strftime("%Y-%m")) for at in (since, until))
        months: dict[str, list[dict[str, Any]]] = {}
        for item in query_key_range(
            self._table, keys.partner_pk(partner_id), first, keys.aggregate_range(last)[1]
        ):
            months.setdefault(keys.aggregate_sk_of(item["SK"]["S"]), []).append(item)
        return [assemble_aggregate(sk, items) for sk, items in sorted(months.items())]

    def get_job(self, partner_id: str, job_id: str) -> StoredAggregate | None:
        """The job with every event: one Query over its items."""
        items = self._aggregate_items(partner_id, keys.job_sk(job_id))
        aggregate = self._assemble(partner_id, keys.job_sk(job_id), items)
        return aggregate if aggregate.events else None

    def job_page(
        self, partner_id: str, limit: int, start_after: JobPosition | None = None
    ) -> tuple[list[PagedJob], JobPosition | None]:
        """One page of the partner's jobs, newest latest-event first: a walk down GSI1 of `limit`
        items after `start_after`, each job listed where the walk meets its latest event (its highest
        key), with all its events; the position to resume from, or None at the end. Items of update
        requests, and lower items of jobs listed on an earlier page, use up the page's `limit`: a
        page may hold fewer jobs (even none) and still have more after it."""
        pk = keys.partner_pk(partner_id)
        request: dict[str, Any] = {
            "IndexName": keys.GSI1,
            "ScanIndexForward": False,
            "Limit": limit,
            # Timestamps only: "~PROFILE" sorts after every instant (and "~SCORE", of score items
            # written before they left GSI1, after it).
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK < :markers",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":markers": {"S": keys.PROFILE_GSI1SK}},
        }
        if start_after is not None:
            _check_position(start_after)
            request["ExclusiveStartKey"] = {
                "GSI1PK": {"S": pk},
                "GSI1SK": {"S": start_after.latest},
                "PK": {"S": pk},
                "SK": {"S": start_after.sk},
            }
        response = client("dynamodb").query(TableName=self._table, **request)
        page: list[dict[str, Any]] = response.get("Items", [])
        last = response.get("LastEvaluatedKey")
        on_page: dict[str, list[dict[str, Any]]] = {}
        for item in page:
            sk = item["SK"]["S"]
            if sk.startswith(keys.JOB_PREFIX):
                on_page.setdefault(keys.aggregate_sk_of(sk), []).append(item)
        jobs = []
        for aggregate_sk, items in on_page.items():
            met = items[0]  # the job's highest item on this page
            lead = next((item for item in items if _leads(item, aggregate_sk)), None)
            if (
                start_after is None
                and lead is not None
                and (last is None or _index_key(lead) > last["GSI1SK"]["S"])
            ):
                whole = items  # a first page holding the job's lowest key above its end: all of it
            else:
                whole = self._aggregate_items(partner_id, aggregate_sk)
                top = max(_index_key(item) for item in whole if "GSI1SK" in item)
                if _index_key(met) != top:
                    continue  # listed at its latest event, on an earlier page
                if start_after is not None and keys.aggregate_sk_of(start_after.sk) == aggregate_sk:
                    continue  # its latest event is tied with the page's start, which was its own
            aggregate = self._assemble(partner_id, aggregate_sk, whole)
            jobs.append(PagedJob(aggregate, JobPosition(_index_key(met), met["SK"]["S"])))
        # The last item read may be an update request's: the position is its key all the same.
        return jobs, None if last is None else JobPosition(last["GSI1SK"]["S"], last["SK"]["S"])

    def _aggregate_items(self, partner_id: str, aggregate_sk: str) -> list[dict[str, Any]]:
        """Every item of an aggregate (its own, its evidence and any overflow items): one strongly
        consistent Query of its key range."""
        first, last = keys.aggregate_range(aggregate_sk)
        return list(
            query_key_range(self._table, keys.partner_pk(partner_id), first, last, ConsistentRead=True)
        )

    def _assemble(
        self, partner_id: str, aggregate_sk: str, items: Sequence[dict[str, Any]]
    ) -> StoredAggregate:
        """assemble_aggregate, and the overflow items of an aggregate item written before the per-event
        layout and past its budget, read unless `items` holds them."""
        aggregate = assemble_aggregate(aggregate_sk, items)
        spilled = any(item["SK"]["S"] == aggregate_sk and _overflowed(item) for item in items)
        if spilled and not any(keys.OVERFLOW_INFIX in item["SK"]["S"] for item in items):
            overflow = self._overflow_events(partner_id, aggregate_sk)
            return StoredAggregate(aggregate.id, (*aggregate.events, *overflow), aggregate.excluded)
        return aggregate

    def _overflow_events(self, partner_id: str, aggregate_sk: str) -> list[str]:
        """The events of an aggregate's overflow items (base-table Query, so read consistent with the
        flag that sent us here)."""
        return [
            body
            for item in self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues={
                    ":pk": {"S": keys.partner_pk(partner_id)},
                    ":prefix": {"S": keys.overflow_prefix(aggregate_sk)},
                },
                ProjectionExpression="ev",
            )
            for body in item.get("ev", {}).get("SS", ())
        ]

    # -- profiles and registry -----------------------------------------------------------------

    def get_profile(self, partner_id: str) -> PartnerProfile | None:
        item = self._get(keys.partner_pk(partner_id), keys.PROFILE_SK)
        return None if item is None else _profile(item)

    def put_profile(self, profile: PartnerProfile) -> bool:
        """Create or update the profile; True when it did not exist before."""
        values: dict[str, Any] = {
            ":pid": {"S": profile.partner_id},
            ":gpk": {"S": keys.partner_pk(profile.partner_id)},
            ":g1": {"S": keys.PROFILE_GSI1SK},
            ":reg": {"S": keys.REGISTRY_PK},
            ":upd": {"S": profile.updated_at.isoformat() if profile.updated_at else ""},
        }
        sets = ["partner_id = :pid", "GSI1PK = :gpk", "GSI1SK = :g1", "GSI2PK = :reg", "GSI2SK = :pid"]
        sets.append("updated_at = :upd")
        removes = []
        for name in ("name", "email", "timezone"):
            value = getattr(profile, name)
            if value is None:
                removes.append(name)
            else:
                sets.append(f"#{name} = :{name}")
                values[f":{name}"] = {"S": value}
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(f"#{n}" for n in removes)
        names = {f"#{n}": n for n in ("name", "email", "timezone")}
        response = client("dynamodb").update_item(
            TableName=self._table,
            Key={"PK": {"S": keys.partner_pk(profile.partner_id)}, "SK": {"S": keys.PROFILE_SK}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_OLD",
        )
        # Events can register a partner before its profile is PUT: "created" means no profile yet.
        return "updated_at" not in response.get("Attributes", {})

    def patch_profile(
        self, partner_id: str, changes: dict[str, str | None], updated_at: datetime
    ) -> PartnerProfile | None:
        """Set (or, for None, remove) only the profile fields in `changes` (name, email, timezone),
        in one conditional update: the profile as it now is, or None when there is none. Two patches
        of different fields never undo each other (no read-modify-write)."""
        sets, removes = ["#upd = :upd"], []
        values: dict[str, Any] = {":upd": {"S": updated_at.isoformat()}}
        for name, value in changes.items():
            if value is None:
                removes.append(f"#{name}")
            else:
                sets.append(f"#{name} = :{name}")
                values[f":{name}"] = {"S": value}
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            response = client("dynamodb").update_item(
                TableName=self._table,
                Key={"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.PROFILE_SK}},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#upd": "updated_at", **{f"#{name}": name for name in changes}},
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise
        return _profile(response["Attributes"])

    def registry_page(
        self, limit: int, start_after: str | None = None, *, with_scores: bool = True
    ) -> tuple[list[RegistryEntry], str | None]:
        """Up to `limit` partners in id order after `start_after`, each with its current score
        (one BatchGetItem per 100; none `with_scores=False`, as the coordinators list ids only)."""
        profiles: list[PartnerProfile] = []
        values: dict[str, Any] = {":reg": {"S": keys.REGISTRY_PK}}
        condition = "GSI2PK = :reg"
        if start_after is not None:
            # "<id>#SCORE" (score items registered there before they left GSI2) sorts right after
            # "<id>" and before every longer id.
            condition += " AND GSI2SK > :after"
            values[":after"] = {"S": keys.score_gsi2sk(start_after)}
        more = False
        for item in self._query(
            IndexName=keys.GSI2,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            # Pages of the page's size (one more shows whether another follows): without it each call
            # reads up to 1 MB of the registry (~7,000 profiles) to use `limit` of them, and listing
            # the registry in pages of 500 reads it N / 500 times over (bench scaling_exponent).
            PaginationConfig={"PageSize": limit + 1},
        ):
            if item["SK"]["S"] != keys.PROFILE_SK:
                continue
            if len(profiles) == limit:
                more = True
                break
            profiles.append(_profile(item))
        ids = [profile.partner_id for profile in profiles]
        scores = score_figures(self._table, ids) if with_scores else {}
        entries = [RegistryEntry(profile, scores.get(profile.partner_id)) for profile in profiles]
        return entries, ids[-1] if more else None

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
            for profile in self._profiles(listing.scored)
        ]
        listed += listing.unscored
        return listed, None if next_position is None else encode_score_cursor(descending, next_position)

    def _profiles(self, partner_ids: list[str]) -> list[PartnerProfile]:
        """The profiles of these partners, in this order."""
        items = batch_get(
            self._table,
            partner_ids,
            keys.PROFILE_SK,
            "partner_id, #name, email, #tz, updated_at",
            {"#name": "name", "#tz": "timezone"},
        )
        found = {profile.partner_id: profile for profile in map(_profile, items)}
        # A score item outlives no profile in practice; if one did, list it by id rather than fail.
        return [found.get(pid) or PartnerProfile(pid) for pid in partner_ids]

    def iter_partner_ids(self, page_size: int = 500) -> Iterator[str]:
        cursor: str | None = None
        while True:
            page, cursor = self.registry_page(page_size, cursor, with_scores=False)
            yield from (entry.profile.partner_id for entry in page)
            if cursor is None:
                return

    # -- scores --------------------------------------------------------------------------------

    def get_score(self, partner_id: str) -> ScoreRecord | None:
        item = self._get(keys.partner_pk(partner_id), keys.SCORE_SK)
        return None if item is None else _score(item)

    def get_score_view(self, partner_id: str) -> ScoreView | None:
        """The current score document, as GET /score answers it."""
        # Imported here: only the API reads the document (and has its views already); the workers
        # that import this repository then never create its nine models.
        from scorecard.score_views import ScoreView

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

    # -- plumbing ------------------------------------------------------------------------------

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
            condition += " AND GSI2SK > :after"  # "<id>#SCORE" sorts right after "<id>"
            values[":after"] = {"S": keys.score_gsi2sk(after)}
        response = client("dynamodb").query(
            TableName=self._table,
            IndexName=keys.GSI2,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            Limit=self._left() // 2,  # each profile costs its score item's read too
        )
        self._examined += response.get("ScannedCount", 0)
        profiles = [
            _profile(item) for item in response.get("Items", []) if item["SK"]["S"] == keys.PROFILE_SK
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
