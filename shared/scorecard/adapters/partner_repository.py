"""DynamoDB access for partners: evidence for scoring, profiles, scores, history and the registry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.batching import batch_write
from scorecard.adapters.paging import query_items


@dataclass(frozen=True, slots=True)
class StoredAggregate:
    """A job or update-request item: its id and its events as stored JSON."""

    id: str
    events: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class StoredProfile:
    partner_id: str
    name: str | None = None
    email: str | None = None
    timezone: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True, slots=True)
class StoredScore:
    partner_id: str
    document: str  # JSON of the score view
    tier_state: str  # JSON of the tier state
    score: str | None
    grade: str | None
    tier: str | None
    provisional: bool
    as_of: str


@dataclass(slots=True)
class PartnerEvidence:
    """Everything one partner's daily score reads, from one GSI1 query."""

    partner_id: str
    profile: StoredProfile | None = None
    score: StoredScore | None = None
    jobs: list[StoredAggregate] = field(default_factory=list)
    requests: list[StoredAggregate] = field(default_factory=list)
    # Monthly activity items (logins, capacity updates, metrics): read only for a policy that
    # declares signals (policy v2 rule 6), with load_activity.
    activity: list[StoredAggregate] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ScoreWrite:
    """The daily run's output for one partner: current score plus the dated history point."""

    current: StoredScore
    history_day: date
    history_point: str  # JSON
    computed_at: str


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    profile: StoredProfile
    score: StoredScore | None


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value["S"] if value and "S" in value else None


def _profile(item: dict[str, Any]) -> StoredProfile:
    return StoredProfile(
        partner_id=item["partner_id"]["S"],
        name=_s(item, "name"),
        email=_s(item, "email"),
        timezone=_s(item, "timezone"),
        updated_at=_s(item, "updated_at"),
    )


def _score(item: dict[str, Any]) -> StoredScore:
    return StoredScore(
        partner_id=item["partner_id"]["S"],
        document=item["doc"]["S"],
        tier_state=item["tier_state"]["S"],
        score=_s(item, "score"),
        grade=_s(item, "grade"),
        tier=_s(item, "tier"),
        provisional=item.get("provisional", {}).get("BOOL", False),
        as_of=item["as_of"]["S"],
    )


def _aggregate(item: dict[str, Any], prefix: str) -> StoredAggregate:
    return StoredAggregate(
        id=item["SK"]["S"][len(prefix) :],
        events=tuple(item.get("ev", {}).get("SS", ())),
        excluded=item.get("excluded", {}).get("BOOL", False),
    )


def _score_item(score: StoredScore, computed_at: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": {"S": keys.partner_pk(score.partner_id)},
        "SK": {"S": keys.SCORE_SK},
        "GSI1PK": {"S": keys.partner_pk(score.partner_id)},
        "GSI1SK": {"S": keys.SCORE_GSI1SK},
        "GSI2PK": {"S": keys.REGISTRY_PK},
        "GSI2SK": {"S": keys.score_gsi2sk(score.partner_id)},
        "partner_id": {"S": score.partner_id},
        "doc": {"S": score.document},
        "tier_state": {"S": score.tier_state},
        "provisional": {"BOOL": score.provisional},
        "as_of": {"S": score.as_of},
        "computed_at": {"S": computed_at},
    }
    for name in ("score", "grade", "tier"):
        value = getattr(score, name)
        if value is not None:
            item[name] = {"S": value}
    return item


class PartnerRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    # -- scoring reads -------------------------------------------------------------------------

    def load_evidence(self, partner_id: str, since: datetime) -> PartnerEvidence:
        """Jobs and requests with an event at or after `since`, plus profile and tier state: one query."""
        evidence = PartnerEvidence(partner_id)
        for item in self._query(
            IndexName=keys.GSI1,
            # Only what scoring reads: half the bytes of whole items on the wire.
            ProjectionExpression="SK, ev, excluded, partner_id, #doc, tier_state, score, grade, tier, "
            "provisional, as_of, #tz",
            ExpressionAttributeNames={"#doc": "doc", "#tz": "timezone"},
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK >= :since",
            ExpressionAttributeValues={
                ":pk": {"S": keys.partner_pk(partner_id)},
                ":since": {"S": keys.instant_key(since)},
            },
        ):
            sk = item["SK"]["S"]
            if sk.startswith(keys.JOB_PREFIX):
                evidence.jobs.append(_aggregate(item, keys.JOB_PREFIX))
            elif sk.startswith(keys.REQUEST_PREFIX):
                evidence.requests.append(_aggregate(item, keys.REQUEST_PREFIX))
            elif sk == keys.PROFILE_SK:
                evidence.profile = _profile(item)  # id and timezone: scoring needs no contact details
            elif sk == keys.SCORE_SK:
                evidence.score = _score(item)
        return evidence

    def load_activity(self, partner_id: str, since: datetime, until: datetime) -> list[StoredAggregate]:
        """The partner's monthly activity items (UTC months) from `since`'s month to `until`'s."""
        first, last = (keys.activity_sk(at.astimezone(UTC).strftime("%Y-%m")) for at in (since, until))
        return [
            _aggregate(item, keys.ACTIVITY_PREFIX)
            for item in self._query(
                KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
                ExpressionAttributeValues={
                    ":pk": {"S": keys.partner_pk(partner_id)},
                    ":first": {"S": first},
                    ":last": {"S": last},
                },
            )
        ]

    def all_jobs(self, partner_id: str) -> list[StoredAggregate]:
        """Every job of the partner (monthly snapshots and the job list)."""
        return [
            _aggregate(item, keys.JOB_PREFIX)
            for item in self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :job)",
                ExpressionAttributeValues={
                    ":pk": {"S": keys.partner_pk(partner_id)},
                    ":job": {"S": keys.JOB_PREFIX},
                },
            )
        ]

    def get_job(self, partner_id: str, job_id: str) -> StoredAggregate | None:
        item = self._get(keys.partner_pk(partner_id), keys.job_sk(job_id))
        return None if item is None else _aggregate(item, keys.JOB_PREFIX)

    # -- profiles and registry -----------------------------------------------------------------

    def get_profile(self, partner_id: str) -> StoredProfile | None:
        item = self._get(keys.partner_pk(partner_id), keys.PROFILE_SK)
        return None if item is None else _profile(item)

    def put_profile(self, profile: StoredProfile) -> bool:
        """Create or update the profile; True when it did not exist before."""
        values: dict[str, Any] = {
            ":pid": {"S": profile.partner_id},
            ":gpk": {"S": keys.partner_pk(profile.partner_id)},
            ":g1": {"S": keys.PROFILE_GSI1SK},
            ":reg": {"S": keys.REGISTRY_PK},
            ":upd": {"S": profile.updated_at or ""},
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

    def registry_page(
        self, limit: int, start_after: str | None = None
    ) -> tuple[list[RegistryEntry], str | None]:
        """Up to `limit` partners in id order after `start_after`, each with its current score."""
        entries: list[RegistryEntry] = []
        values: dict[str, Any] = {":reg": {"S": keys.REGISTRY_PK}}
        condition = "GSI2PK = :reg"
        if start_after is not None:
            # "<id>#SCORE" sorts right after "<id>" and before every longer id.
            condition += " AND GSI2SK > :after"
            values[":after"] = {"S": keys.score_gsi2sk(start_after)}
        pending: StoredProfile | None = None
        pending_score: StoredScore | None = None
        for item in self._query(
            IndexName=keys.GSI2, KeyConditionExpression=condition, ExpressionAttributeValues=values
        ):
            sk = item["SK"]["S"]
            if sk == keys.PROFILE_SK:
                if pending is not None:
                    entries.append(RegistryEntry(pending, pending_score))
                    if len(entries) >= limit:
                        return entries, entries[-1].profile.partner_id
                pending, pending_score = _profile(item), None
            elif sk == keys.SCORE_SK and pending is not None:
                pending_score = _score(item)
        if pending is not None:
            entries.append(RegistryEntry(pending, pending_score))
        return entries, None

    def iter_partner_ids(self, page_size: int = 500) -> Iterator[str]:
        cursor: str | None = None
        while True:
            page, cursor = self.registry_page(page_size, cursor)
            yield from (entry.profile.partner_id for entry in page)
            if cursor is None:
                return

    # -- scores --------------------------------------------------------------------------------

    def get_score(self, partner_id: str) -> StoredScore | None:
        item = self._get(keys.partner_pk(partner_id), keys.SCORE_SK)
        return None if item is None else _score(item)

    def save_scores(self, writes: Sequence[ScoreWrite], *, current: bool = True) -> None:
        """History points and (unless `current` is False, for backfills) current scores, 25 items per
        BatchWriteItem."""
        requests: list[dict[str, Any]] = []
        for write in writes:
            if current:
                requests.append({"PutRequest": {"Item": _score_item(write.current, write.computed_at)}})
            requests.append(
                {
                    "PutRequest": {
                        "Item": {
                            "PK": {"S": keys.partner_pk(write.current.partner_id)},
                            "SK": {"S": keys.history_sk(write.history_day)},
                            "point": {"S": write.history_point},
                        }
                    }
                }
            )
        batch_write(self._table, requests)

    def score_history(self, partner_id: str, first: date, last: date) -> list[str]:
        return [
            item["point"]["S"]
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
        item: dict[str, Any] | None = response.get("Item")
        return item

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query_items(self._table, **kwargs)
