"""Once-only email claims (PARTNER#<pid> / MAIL#<kind>#<ref>): the DynamoDB half of "exactly one email".

SES has no idempotency token, so the guarantee is ours. Before sending, a sender claims the item with
a conditional write (status "sending", claimed_at, a random token); after SES accepts the message it
records the SES message id (status "sent"). A claim still "sending" after the lease is a sender that
died between claim and send: a later sender may take it over, again with a conditional write, so only
one of several racing takers wins. The lease is longer than any sending function's timeout, so a live
sender's claim never looks stale.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec
from botocore.exceptions import ClientError

from scorecard.adapters import keys
from scorecard.adapters.aws import client

ClaimStatus = Literal["sending", "sent"]


class MailClaim(msgspec.Struct, frozen=True):
    """A claim this caller holds: it may send, then must call `mark_sent` (or `release`)."""

    partner_id: str
    kind: str
    ref: str
    token: str
    claimed_at: datetime
    attempt: int


class StoredClaim(msgspec.Struct, frozen=True):
    partner_id: str
    kind: str
    ref: str
    status: ClaimStatus
    claimed_at: str
    recipient: str | None
    message_id: str | None
    sent_at: str | None
    attempts: int


def _conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _stored(item: dict[str, Any]) -> StoredClaim:
    def s(name: str) -> str | None:
        value = item.get(name)
        return value["S"] if value and "S" in value else None

    return StoredClaim(
        partner_id=item["partner_id"]["S"],
        kind=item["kind"]["S"],
        ref=item["ref"]["S"],
        status="sent" if s("status") == "sent" else "sending",
        claimed_at=item["claimed_at"]["S"],
        recipient=s("recipient"),
        message_id=s("message_id"),
        sent_at=s("sent_at"),
        attempts=int(item.get("attempts", {}).get("N", "1")),
    )


class MailClaims:
    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def _key(self, partner_id: str, kind: str, ref: str) -> dict[str, Any]:
        return {"PK": {"S": keys.partner_pk(partner_id)}, "SK": {"S": keys.mail_claim_sk(kind, ref)}}

    def try_claim(
        self,
        partner_id: str,
        kind: str,
        ref: str,
        *,
        recipient: str,
        now: datetime,
        lease: timedelta,
    ) -> MailClaim | StoredClaim:
        """Claim the right to send: a MailClaim when this caller won; otherwise the claim that stands
        in the way (already "sent", or "sending" by a sender whose lease has not run out)."""
        token = uuid.uuid4().hex
        try:
            response = client("dynamodb").update_item(
                TableName=self._table,
                Key=self._key(partner_id, kind, ref),
                # New item, or a stale "sending" one (the claimed_at compare is what makes two
                # concurrent takers of the same stale claim exclusive: only one sees the old value).
                ConditionExpression=(
                    "attribute_not_exists(SK) OR (#status = :sending AND claimed_at <= :stale)"
                ),
                UpdateExpression=(
                    "SET #status = :sending, claimed_at = :now, #token = :token, partner_id = :pid, "
                    "kind = :kind, #ref = :ref, recipient = :to ADD attempts :one"
                ),
                ExpressionAttributeNames={"#status": "status", "#token": "token", "#ref": "ref"},
                ExpressionAttributeValues={
                    ":sending": {"S": "sending"},
                    ":stale": {"S": keys.instant_key(now - lease)},
                    ":now": {"S": keys.instant_key(now)},
                    ":token": {"S": token},
                    ":pid": {"S": partner_id},
                    ":kind": {"S": kind},
                    ":ref": {"S": ref},
                    ":to": {"S": recipient},
                    ":one": {"N": "1"},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if not _conditional_failure(error):
                raise
            existing = self.get(partner_id, kind, ref)
            if existing is None:  # released between our write and our read: let the caller retry
                raise
            return existing
        attempts = int(response["Attributes"].get("attempts", {}).get("N", "1"))
        return MailClaim(partner_id, kind, ref, token, now, attempts)

    def mark_sent(self, claim: MailClaim, message_id: str, now: datetime) -> bool:
        """Record SES's message id. False if the claim was taken over meanwhile (this sender outlived
        its lease: the other sender may have sent too; the caller logs it)."""
        try:
            client("dynamodb").update_item(
                TableName=self._table,
                Key=self._key(claim.partner_id, claim.kind, claim.ref),
                ConditionExpression="#token = :token",
                UpdateExpression="SET #status = :sent, message_id = :mid, sent_at = :now",
                ExpressionAttributeNames={"#status": "status", "#token": "token"},
                ExpressionAttributeValues={
                    ":token": {"S": claim.token},
                    ":sent": {"S": "sent"},
                    ":mid": {"S": message_id},
                    ":now": {"S": keys.instant_key(now)},
                },
            )
        except ClientError as error:
            if _conditional_failure(error):
                return False
            raise
        return True

    def release(self, claim: MailClaim) -> None:
        """Give the claim up after SES definitely refused the message (nothing was sent), so the
        retry need not wait for the lease. Only our own, still-"sending" claim is deleted."""
        try:
            client("dynamodb").delete_item(
                TableName=self._table,
                Key=self._key(claim.partner_id, claim.kind, claim.ref),
                ConditionExpression="#token = :token AND #status = :sending",
                ExpressionAttributeNames={"#status": "status", "#token": "token"},
                ExpressionAttributeValues={":token": {"S": claim.token}, ":sending": {"S": "sending"}},
            )
        except ClientError as error:
            if not _conditional_failure(error):
                raise

    def get(self, partner_id: str, kind: str, ref: str) -> StoredClaim | None:
        response = client("dynamodb").get_item(
            TableName=self._table, Key=self._key(partner_id, kind, ref), ConsistentRead=True
        )
        item = response.get("Item")
        return None if item is None else _stored(item)

    def of_kind(self, partner_id: str, kind: str) -> dict[str, StoredClaim]:
        """Every claim of one kind for a partner, by ref (GET /snapshots shows each month's status)."""
        dynamodb = client("dynamodb")
        found: dict[str, StoredClaim] = {}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.partner_pk(partner_id)},
                ":prefix": {"S": keys.mail_claim_prefix(kind)},
            },
        }
        while True:
            response = dynamodb.query(**kwargs)
            for item in response.get("Items", []):
                claim = _stored(item)
                found[claim.ref] = claim
            if not response.get("LastEvaluatedKey"):
                return found
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
