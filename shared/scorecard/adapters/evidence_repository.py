"""DynamoDB access to a partner's evidence: its jobs, update requests and activity, as scoring reads
them (one GSI1 query per partner), and its jobs one at a time or a page at a time."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import batch_writer, query_items, query_key_range
from scorecard.adapters.partner_repository import profile_from_item
from scorecard.adapters.records import (
    InvalidPosition,
    JobPosition,
    PagedJob,
    PartnerEvidence,
    StoredAggregate,
)

if TYPE_CHECKING:
    pass


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


def _resume_key(pk: str, position: JobPosition) -> dict[str, Any]:
    """The GSI1 key a page walk resumes after (`position` checked by _check_position)."""
    return {
        "GSI1PK": {"S": pk},
        "GSI1SK": {"S": position.latest},
        "PK": {"S": pk},
        "SK": {"S": position.sk},
    }


def _presence_events(partner_id: str, item: dict[str, Any]) -> StoredAggregate:
    """A UTC day's presence item as events: of each quarter-hour that had a login (or a capacity
    update), one at its start, named after it. What a signal asks of them ("was there one in [start,
    end)", for boundaries on quarter-hours) it answers as the events themselves would."""
    day = keys.presence_day_of(item["SK"]["S"])
    events = []
    for event_type, attribute in keys.PRESENCE_SLOTS.items():
        for quarter in sorted(item.get(attribute, {}).get("SS", ())):
            at = keys.instant_key(keys.quarter_start(day, quarter))
            events.append(
                json.dumps(
                    {
                        "event_id": f"{attribute.removeprefix('slots_')}:{at}",  # "login:2026-..."
                        "type": event_type,
                        "partner_id": partner_id,
                        "occurred_at": at,
                    },
                    separators=(",", ":"),
                )
            )
    return StoredAggregate(id=day.isoformat(), events=tuple(events))


def _overflowed(item: dict[str, Any]) -> bool:
    return bool(item.get("overflow", {}).get("BOOL", False))


class EvidenceRepository:
    """What scoring, the job views and the monthly snapshot read of a partner."""

    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def load_evidence(self, partner_id: str, since: datetime) -> PartnerEvidence:
        """Jobs and requests with an event at or after `since`, each with all its events, plus the
        profile: one GSI1 Query from EVIDENCE_MARGIN before `since`, and one more per aggregate
        whose first evidence lies earlier still (keys.py: an aggregate's items are all at or above
        the key of the one that leads it). A job an OPEN# marker keeps (domain.open_jobs) is read
        whatever its age: one Query of its items when the GSI1 Query did not reach them. The current
        score (tier state) is not evidence: `current_scores` reads it, a batch of partners at a time."""
        evidence = PartnerEvidence(partner_id)
        since_key = keys.instant_key(since)
        found: dict[str, list[dict[str, Any]]] = {}
        kept: set[str] = set()  # the aggregate SKs of the jobs an OPEN# marker keeps read
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
                # id and timezone: scoring needs no contact details
                evidence.profile = profile_from_item(item)
            elif sk.startswith(keys.OPEN_JOB_PREFIX):
                kept.add(keys.job_sk(sk.removeprefix(keys.OPEN_JOB_PREFIX)))
        for aggregate_sk in sorted(kept - found.keys()):  # untouched since before the read: its items
            if items := self._aggregate_items(partner_id, aggregate_sk):
                found[aggregate_sk] = items
        evidence.kept_open = frozenset(sk.removeprefix(keys.JOB_PREFIX) for sk in kept)
        # In GSI1's order, by latest event, as when each aggregate was one item.
        for latest, aggregate_sk, items in sorted((max(map(_index_key, v)), k, v) for k, v in found.items()):
            if latest < since_key and aggregate_sk not in kept:
                continue  # read for the margin only: no event at or after `since`
            if not any(_leads(item, aggregate_sk) for item in items):
                items = self._aggregate_items(partner_id, aggregate_sk)
            aggregate = self._assemble(partner_id, aggregate_sk, items)
            if aggregate_sk.startswith(keys.JOB_PREFIX):
                evidence.jobs.append(aggregate)
            else:
                evidence.requests.append(aggregate)
        return evidence

    def load_activity(
        self, partner_id: str, since: datetime, until: datetime, presence_since: datetime | None = None
    ) -> list[StoredAggregate]:
        """The partner's activity from `since` to `until`: its metric events (and items of the layout
        before, with every event they hold) of those UTC months, one Query; its logins and capacity
        updates from `presence_since` (default `since`) on, as one event at the start of each
        quarter-hour that had one, from its UTC days' presence items, one Query (keys.py)."""
        pk = keys.partner_pk(partner_id)
        months: dict[str, list[dict[str, Any]]] = {}
        first, last = keys.activity_range(*(f"{at.astimezone(UTC):%Y-%m}" for at in (since, until)))
        for item in query_key_range(self._table, pk, first, last):
            months.setdefault(keys.aggregate_sk_of(item["SK"]["S"]), []).append(item)
        activity = [assemble_aggregate(sk, items) for sk, items in sorted(months.items())]
        first_day, last_day = (
            keys.presence_day_sk(at.astimezone(UTC).date()) for at in (presence_since or since, until)
        )
        for item in query_key_range(self._table, pk, first_day, last_day):
            activity.append(_presence_events(partner_id, item))
        return activity

    def mark_open_jobs(self, partner_id: str, keep: Sequence[str], release: Sequence[str]) -> None:
        """An OPEN# marker for each job of `keep`, in GSI1 after the profile so that load_evidence
        reads the job whatever its age, and none for those of `release` (keys.py): one BatchWriteItem
        per 25."""
        pk = keys.partner_pk(partner_id)
        with batch_writer(self._table) as writer:
            for job_id in keep:
                writer.put_item(
                    Item={
                        "PK": {"S": pk},
                        "SK": {"S": keys.open_job_sk(job_id)},
                        "GSI1PK": {"S": pk},
                        "GSI1SK": {"S": keys.open_job_gsi1sk(job_id)},
                    }
                )
            for job_id in release:
                writer.delete_item(Key={"PK": {"S": pk}, "SK": {"S": keys.open_job_sk(job_id)}})

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
            request["ExclusiveStartKey"] = _resume_key(pk, start_after)
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

    def evidence_page(
        self, partner_id: str, since: datetime, limit: int, start_after: JobPosition | None = None
    ) -> tuple[list[tuple[JobPosition, tuple[str, ...]]], JobPosition | None]:
        """One Query of at most `limit` of the partner's job and request items indexed at or after
        `since`, newest index key first (an event's key is its instant, raised to its aggregate's
        lowest: keys.py): each item's position and the JSON of its events; the position to resume
        from, or None at the end."""
        pk = keys.partner_pk(partner_id)
        since_key = keys.instant_key(since)
        if start_after is not None:
            _check_position(start_after)
            if start_after.latest < since_key:
                return [], None  # a walk that began before `since` moved past it: nothing is left
        request: dict[str, Any] = {
            "IndexName": keys.GSI1,
            "ScanIndexForward": False,
            "Limit": limit,
            "ProjectionExpression": "SK, GSI1SK, ev",
            # Instants only: "~" sorts after every instant key and before "~PROFILE".
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :since AND :markers",
            "ExpressionAttributeValues": {
                ":pk": {"S": pk},
                ":since": {"S": since_key},
                ":markers": {"S": "~"},
            },
        }
        if start_after is not None:
            request["ExclusiveStartKey"] = _resume_key(pk, start_after)
        response = client("dynamodb").query(TableName=self._table, **request)
        items = [
            (JobPosition(_index_key(item), item["SK"]["S"]), tuple(item.get("ev", {}).get("SS", ())))
            for item in response.get("Items", [])
            if item["SK"]["S"].startswith((keys.JOB_PREFIX, keys.REQUEST_PREFIX))
        ]
        last = response.get("LastEvaluatedKey")
        return items, None if last is None else JobPosition(last["GSI1SK"]["S"], last["SK"]["S"])

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

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query_items(self._table, **kwargs)
