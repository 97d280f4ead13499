"""DynamoDB access to partners: profiles, and the registry of every partner (GSI2, in id order)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client
from scorecard.adapters.dynamodb import (
    batch_get,
    from_item,
    query_items,
)
from scorecard.adapters.records import PartnerProfile

if TYPE_CHECKING:
    pass


def profile_from_item(item: dict[str, Any]) -> PartnerProfile:
    values = from_item(item)
    updated = values.get("updated_at")
    return PartnerProfile(
        partner_id=values["partner_id"],
        name=values.get("name"),
        email=values.get("email"),
        timezone=values.get("timezone"),
        updated_at=datetime.fromisoformat(updated) if updated else None,
    )


class PartnerRepository:
    """Partner profiles and the registry."""

    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def get_profile(self, partner_id: str) -> PartnerProfile | None:
        item = self._get(keys.partner_pk(partner_id), keys.PROFILE_SK)
        return None if item is None else profile_from_item(item)

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
        return profile_from_item(response["Attributes"])

    def registry_page(
        self, limit: int, start_after: str | None = None
    ) -> tuple[list[PartnerProfile], str | None]:
        """Up to `limit` partners' profiles in id order after `start_after`, and the id to go on
        after (None: the last page)."""
        profiles: list[PartnerProfile] = []
        values: dict[str, Any] = {":reg": {"S": keys.REGISTRY_PK}}
        condition = "GSI2PK = :reg"
        if start_after is not None:
            condition += " AND GSI2SK > :after"
            values[":after"] = {"S": start_after}
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
            profiles.append(profile_from_item(item))
        return profiles, profiles[-1].partner_id if more else None

    def profiles(self, partner_ids: list[str]) -> list[PartnerProfile]:
        """The profiles of these partners, in this order."""
        items = batch_get(
            self._table,
            partner_ids,
            keys.PROFILE_SK,
            "partner_id, #name, email, #tz, updated_at",
            {"#name": "name", "#tz": "timezone"},
        )
        found = {profile.partner_id: profile for profile in map(profile_from_item, items)}
        # A score item outlives no profile in practice; if one did, list it by id rather than fail.
        return [found.get(pid) or PartnerProfile(pid) for pid in partner_ids]

    def iter_partner_ids(self, page_size: int = 500) -> Iterator[str]:
        cursor: str | None = None
        while True:
            page, cursor = self.registry_page(page_size, cursor)
            yield from (profile.partner_id for profile in page)
            if cursor is None:
                return

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = client("dynamodb").get_item(
            TableName=self._table, Key={"PK": {"S": pk}, "SK": {"S": sk}}, ConsistentRead=True
        )
        return response.get("Item")

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query_items(self._table, **kwargs)
