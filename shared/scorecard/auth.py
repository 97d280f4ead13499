"""Bearer-token authentication shared by the Lambda authorizer, the API and the local server (DESIGN §6).

Tokens are HS256 JWTs carrying ``role`` (partner / ops / service), ``partner_id`` (required for
partners) and ``sub``. In AWS the authorizer verifies the token once and hands the principal to
the API function through the authorizer context (flat string values only), so both directions
of that mapping live here, next to the token format, and cannot drift apart.

This module is imported by the authorizer on every cold start: keep it light (no Powertools,
no pydantic, boto3 only when the secret has to be fetched).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal, Protocol, TypeGuard, get_args

Role = Literal["partner", "ops", "service"]
ROLES: Final[frozenset[str]] = frozenset(get_args(Role))

ALGORITHM: Final = "HS256"
DEFAULT_TTL: Final = timedelta(hours=12)
# Tolerated clock skew between whoever issued a token and the verifier.
CLOCK_SKEW: Final = timedelta(seconds=30)

# Signing key of the local stack and the tests. Never used in AWS: there the key comes from
# Secrets Manager (JWT_SECRET_ARN). 32+ bytes so PyJWT's HMAC key-length check stays quiet.
LOCAL_DEV_SECRET: Final = "scorecard-local-dev-secret-do-not-use-in-aws-0123456789"

SECRET_ENV: Final = "SCORECARD_JWT_SECRET"
SECRET_ARN_ENV: Final = "JWT_SECRET_ARN"

# Same charset and length as partner_id in events (DESIGN §3); a token naming anything else
# could never match a partner's data, so it is rejected outright.
_PARTNER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_BEARER = re.compile(r"bearer\s+(\S+)", re.IGNORECASE)


class AuthError(Exception):
    """The caller is not authenticated: missing, malformed, expired or forged credentials (401)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling. ``partner_id`` is set for partners and None for ops/service callers."""

    role: Role
    partner_id: str | None
    subject: str


def _is_role(value: object) -> TypeGuard[Role]:
    return isinstance(value, str) and value in ROLES


def _principal(role: object, partner_id: object, subject: object) -> Principal:
    """Validate raw claim values (from a token or an authorizer context) into a Principal."""
    if not _is_role(role):
        raise AuthError(f"unknown role {role!r}")
    if partner_id in (None, ""):
        partner_id = None
    elif not isinstance(partner_id, str) or not _PARTNER_ID.fullmatch(partner_id):
        raise AuthError("malformed partner_id")
    if role == "partner" and partner_id is None:
        raise AuthError("a partner token must carry partner_id")
    if not isinstance(subject, str) or not subject:
        raise AuthError("missing subject")
    return Principal(role=role, partner_id=partner_id, subject=subject)


def issue_token(
    role: Role,
    partner_id: str | None = None,
    *,
    secret: str,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    subject: str | None = None,
) -> str:
    """Sign a token for ``role``. ``now`` must be timezone-aware (it becomes ``iat``)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    if subject is None:
        subject = f"partner:{partner_id}" if role == "partner" else role
    try:
        principal = _principal(role, partner_id, subject)
    except AuthError as exc:  # a bad request to issue is a programming error, not a 401
        raise ValueError(str(exc)) from exc
    claims: dict[str, Any] = {
        "sub": principal.subject,
        "role": principal.role,
        "partner_id": principal.partner_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    import jwt  # PyJWT pulls in cryptography: only the authorizer and the CLI need it

    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(token: str, *, secret: str) -> Principal:
    """Check signature, expiry and claims of ``token``; raise AuthError on any defect."""
    if not token:
        raise AuthError("missing token")
    import jwt

    try:
        claims = jwt.decode(
            token,
            secret,
            # Pinning the algorithm closes the alg=none / algorithm-confusion holes.
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "role"]},
            leeway=CLOCK_SKEW,
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("token expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthError(f"invalid token: {exc}") from exc
    return _principal(claims.get("role"), claims.get("partner_id"), claims.get("sub"))


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <jwt>`` header (scheme case-insensitive)."""
    if not header:
        raise AuthError("missing Authorization header")
    match = _BEARER.fullmatch(header.strip())
    if match is None:
        raise AuthError("Authorization header is not a bearer token")
    return match.group(1)


def principal_from_authorization_header(header: str | None, secret: str) -> Principal:
    return verify_token(bearer_token(header), secret=secret)


def principal_from_request_context(authorizer_ctx: Mapping[str, Any] | None) -> Principal:
    """Rebuild the principal from ``event["requestContext"]["authorizer"]``.

    API Gateway only invokes the function after the authorizer accepted the token, so a
    missing or odd context means a misconfigured route; it still fails closed (AuthError).
    """
    if not authorizer_ctx:
        raise AuthError("no authorizer context")
    subject = authorizer_ctx.get("sub") or authorizer_ctx.get("principalId")
    return _principal(authorizer_ctx.get("role"), authorizer_ctx.get("partner_id"), subject)


def authorizer_context(principal: Principal) -> dict[str, str]:
    """The authorizer's ``context``: API Gateway accepts only flat scalar values, so None is ""."""
    return {
        "role": principal.role,
        "partner_id": principal.partner_id or "",
        "sub": principal.subject,
    }


def can_access_partner(principal: Principal, partner_id: str) -> bool:
    """Ops and service callers see every partner; a partner sees only itself."""
    if principal.role in ("ops", "service"):
        return True
    return principal.partner_id is not None and principal.partner_id == partner_id


# ---------------------------------------------------------------- signing key


class _SecretsClient(Protocol):
    def get_secret_value(self, *, SecretId: str) -> Mapping[str, Any]: ...


_lock = threading.Lock()
_client: _SecretsClient | None = None
_fetched: dict[str, str] = {}


def _secrets_client() -> _SecretsClient:
    # Created on first use, not at import: importing must work without AWS configuration
    # (tests, local stack) and a cold start that never needs the secret pays nothing.
    global _client
    if _client is None:
        import boto3  # local import: the authorizer only pays for boto3 when it has to

        _client = boto3.client("secretsmanager")
    return _client


def load_jwt_secret() -> str:
    """The signing key: env SCORECARD_JWT_SECRET, else the Secrets Manager secret JWT_SECRET_ARN.

    The fetched value is cached for the life of the process (a Lambda container), so a warm
    authorizer costs no Secrets Manager call; rotating the key takes effect on new containers.
    """
    direct = os.environ.get(SECRET_ENV)
    if direct:
        return direct
    arn = os.environ.get(SECRET_ARN_ENV)
    if not arn:
        # Misconfiguration, not a caller's fault: a 500, never a 401.
        raise RuntimeError(f"set {SECRET_ENV} or {SECRET_ARN_ENV} to configure the JWT signing key")
    with _lock:
        cached = _fetched.get(arn)
        if cached is None:
            value = _secrets_client().get_secret_value(SecretId=arn).get("SecretString")
            if not isinstance(value, str) or not value:
                raise RuntimeError(f"secret {arn} has no SecretString")
            _fetched[arn] = cached = value
    return cached


def reset_secret_cache() -> None:
    """Forget the cached client and key (tests that switch between mocked accounts)."""
    global _client
    with _lock:
        _client = None
        _fetched.clear()


def authorizer_log_level() -> str:
    """LOG_LEVEL of template.yaml. Read here, not through scorecard.settings, for the same reason as
    the key: the authorizer stays free of pydantic (its cold import is ~20 ms)."""
    return os.environ.get("LOG_LEVEL", "INFO").upper()
