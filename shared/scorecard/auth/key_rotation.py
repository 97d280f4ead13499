"""Secrets Manager rotation of the JWT signing key set (the four steps Secrets Manager calls).

The new version's value is the current key set rotated: a fresh key becomes ``current`` (its kid is
the rotation's ClientRequestToken, i.e. the secret version id) and today's current key stays valid
as ``previous`` until the next rotation, far longer than a token's 24 hours. The key is used only
through this secret, so ``setSecret`` has nothing to configure elsewhere.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, Literal

from scorecard.adapters.aws import client
from scorecard.auth.tokens import KeySet, SigningKey, issue_token, verify_token

RotationStep = Literal["createSecret", "setSecret", "testSecret", "finishSecret"]
KEY_BYTES = 48  # 384 bits, above HS256's 256-bit block


class RotationError(RuntimeError):
    """The rotation request does not match the secret's state (Secrets Manager retries later)."""


def rotate(step: str, secret_id: str, token: str) -> None:
    sm = client("secretsmanager")
    stages: dict[str, list[str]] = sm.describe_secret(SecretId=secret_id).get("VersionIdsToStages", {})
    if token not in stages:
        raise RotationError(f"version {token} is not a version of the secret")
    if "AWSCURRENT" in stages[token]:
        return  # this rotation already finished
    if "AWSPENDING" not in stages[token]:
        raise RotationError(f"version {token} is not pending rotation")
    if step == "createSecret":
        _create(sm, secret_id, token)
    elif step == "setSecret":
        pass  # nothing outside this secret holds the key
    elif step == "testSecret":
        _test(sm, secret_id, token)
    elif step == "finishSecret":
        _finish(sm, secret_id, token, stages)
    else:
        raise RotationError(f"unknown rotation step {step!r}")


def _create(sm: Any, secret_id: str, token: str) -> None:
    try:
        value = sm.get_secret_value(SecretId=secret_id, VersionId=token, VersionStage="AWSPENDING")
        if KeySet.parse(value["SecretString"]).current.kid == token:
            return  # created by an earlier attempt of this rotation
    except sm.exceptions.ResourceNotFoundException:
        pass  # the usual case: Secrets Manager staged the version without a value
    current = KeySet.parse(sm.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")["SecretString"])
    pending = current.rotated(SigningKey(kid=token, secret=secrets.token_urlsafe(KEY_BYTES)))
    sm.put_secret_value(
        SecretId=secret_id,
        ClientRequestToken=token,
        SecretString=pending.to_json(),
        VersionStages=["AWSPENDING"],
    )


def _test(sm: Any, secret_id: str, token: str) -> None:
    pending = KeySet.parse(
        sm.get_secret_value(SecretId=secret_id, VersionId=token, VersionStage="AWSPENDING")["SecretString"]
    )
    if pending.current.kid != token:
        raise RotationError("the pending key set's current key is not this rotation's")
    now = datetime.now(UTC)
    verify_token(
        issue_token("service", secret=pending, now=now, subject="rotation-test"), secret=pending, now=now
    )


def _finish(sm: Any, secret_id: str, token: str, stages: dict[str, list[str]]) -> None:
    current = next((version for version, names in stages.items() if "AWSCURRENT" in names), None)
    moved = {"RemoveFromVersionId": current} if current is not None else {}
    sm.update_secret_version_stage(
        SecretId=secret_id, VersionStage="AWSCURRENT", MoveToVersionId=token, **moved
    )
