"""Bearer-token authentication shared by the Lambda authorizer, the API and the local server (docs/api.md).

Tokens are HS256 JWTs carrying ``role`` (partner / ops / service), ``partner_id`` (required for
partners), ``sub``, ``iat`` and ``exp`` (a lifetime of at most 24 hours), and a ``kid`` header naming
the signing key. The signing secret is a key set so that it can rotate with two keys valid during
the overlap (see ``KeySet``). In AWS the authorizer verifies the token once and hands the principal to
the API function through the authorizer context (flat string values only), so both directions
of that mapping live here, next to the token format, and cannot drift apart.

The authorizer needs only this module: no Powertools and no pydantic here; boto3 only when the
secret has to be fetched.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, Protocol, TypeGuard, get_args

import msgspec

Role = Literal["partner", "ops", "service"]
ROLES: Final[frozenset[str]] = frozenset(get_args(Role))

ALGORITHM: Final = "HS256"
DEFAULT_TTL: Final = timedelta(hours=1)
# Longest lifetime (exp - iat) a token may have: a leaked token is useful for a day at most.
MAX_TTL: Final = timedelta(hours=24)
# Tolerated clock skew between whoever issued a token and the verifier.
CLOCK_SKEW: Final = timedelta(seconds=30)

# Signing key of the local stack and the tests. Never used in AWS: there the key comes from
# Secrets Manager (JWT_SECRET_ARN). 32+ bytes so PyJWT's HMAC key-length check stays quiet.
LOCAL_DEV_SECRET: Final = "scorecard-local-dev-secret-do-not-use-in-aws-0123456789"

SECRET_ENV: Final = "SCORECARD_JWT_SECRET"
SECRET_ARN_ENV: Final = "JWT_SECRET_ARN"
# Key id of a secret given as a plain string (the local stack, a secret not rotated yet).
PLAIN_SECRET_KID: Final = "default"
# A verifier that meets an unknown kid re-reads the secret (the key may have just rotated), at
# most this often, so forged kids cannot turn into a flood of Secrets Manager calls.
REFRESH_INTERVAL_SECONDS: Final = 60.0

# Same charset and length as partner_id in events (docs/api.md); a token naming anything else
# could never match a partner's data, so it is rejected outright.
_PARTNER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_BEARER = re.compile(r"bearer\s+(\S+)", re.IGNORECASE)


class AuthError(Exception):
    """The caller is not authenticated: missing, malformed, expired or forged credentials (401)."""


class UnknownKeyId(AuthError):
    """The token names a key the verifier does not hold (forged, or signed with a newer key)."""


class SigningKey(msgspec.Struct, frozen=True):
    kid: str
    secret: str


class KeySet(msgspec.Struct, frozen=True):
    """The signing keys: tokens are signed with ``current``; ``previous`` still verifies tokens
    signed before the last rotation (their lifetime is at most MAX_TTL, so the overlap only needs
    to outlast that).

    The secret's value is either a plain string (one key, kid ``"default"``) or the JSON
    ``{"current": {"kid": "...", "secret": "..."}, "previous": {"kid": ..., "secret": ...} | null}``
    written by the rotation function.
    """

    current: SigningKey
    previous: SigningKey | None = None

    @classmethod
    def parse(cls, value: str) -> KeySet:
        if not value.lstrip().startswith("{"):
            if not value:
                raise ValueError("empty signing secret")
            return cls(SigningKey(PLAIN_SECRET_KID, value))
        try:
            raw = json.loads(value)
            current = _signing_key(raw["current"])
            previous = None if raw.get("previous") is None else _signing_key(raw["previous"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Never echo the value: it is the key.
            raise ValueError("malformed signing key set (see scorecard.auth.KeySet)") from exc
        if previous is not None and previous.kid == current.kid:
            raise ValueError("current and previous signing keys share a kid")
        return cls(current, previous)

    def to_json(self) -> str:
        def key(k: SigningKey | None) -> dict[str, str] | None:
            return None if k is None else {"kid": k.kid, "secret": k.secret}

        return json.dumps({"current": key(self.current), "previous": key(self.previous)})

    def rotated(self, new: SigningKey) -> KeySet:
        """``new`` becomes current, today's current stays valid as previous."""
        if new.kid in (self.current.kid, self.previous.kid if self.previous else None):
            raise ValueError(f"kid {new.kid!r} is already in use")
        return KeySet(new, self.current)

    def key_for(self, kid: object) -> SigningKey:
        # A token without kid (issued before key ids existed) is checked against the current key
        # only: it cannot outlive MAX_TTL, and after the next rotation it no longer verifies.
        if kid is None:
            return self.current
        for key in (self.current, self.previous):
            if key is not None and key.kid == kid:
                return key
        raise UnknownKeyId("unknown signing key id")


def _signing_key(raw: Any) -> SigningKey:
    kid, secret = raw["kid"], raw["secret"]
    if not isinstance(kid, str) or not kid or not isinstance(secret, str) or not secret:
        raise ValueError("kid and secret must be non-empty strings")
    return SigningKey(kid, secret)


def _key_set(secret: str | KeySet) -> KeySet:
    return secret if isinstance(secret, KeySet) else KeySet.parse(secret)


class Principal(msgspec.Struct, frozen=True):
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
    secret: str | KeySet,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    subject: str | None = None,
) -> str:
    """Sign a token for ``role`` with the current key. ``now`` must be timezone-aware (it becomes
    ``iat``); ``ttl`` is at most MAX_TTL."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    if ttl > MAX_TTL:
        raise ValueError(f"ttl must be at most {MAX_TTL}")
    key = _key_set(secret).current
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

    return jwt.encode(claims, key.secret, algorithm=ALGORITHM, headers={"kid": key.kid})


def verify_token(token: str, *, secret: str | KeySet, now: datetime | None = None) -> Principal:
    """Check key id, signature, expiry, lifetime and claims of ``token``; raise AuthError on any
    defect (UnknownKeyId when the kid names no key we hold). ``now`` defaults to the clock."""
    if not token:
        raise AuthError("missing token")
    import jwt

    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = _key_set(secret).key_for(kid)
        claims = jwt.decode(
            token,
            key.secret,
            # Pinning the algorithm closes the alg=none / algorithm-confusion holes.
            algorithms=[ALGORITHM],
            # exp and iat are checked below against ``now``, together with the lifetime.
            options={"require": ["exp", "iat", "sub", "role"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise AuthError(f"invalid token: {exc}") from exc
    _check_lifetime(claims, now)
    return _principal(claims.get("role"), claims.get("partner_id"), claims.get("sub"))


def utc_now() -> datetime:
    """The verifier's clock (one seam, so tests can check a committed sample token at its time)."""
    return datetime.now(UTC)


def _check_lifetime(claims: Mapping[str, Any], now: datetime | None) -> None:
    """exp not passed, iat not in the future (both with CLOCK_SKEW), exp - iat at most MAX_TTL."""
    issued, expires = claims.get("iat"), claims.get("exp")
    if not _is_timestamp(issued) or not _is_timestamp(expires):
        raise AuthError("invalid token: iat and exp must be numeric timestamps")
    instant = (now or utc_now()).timestamp()
    skew = CLOCK_SKEW.total_seconds()
    if expires <= instant - skew:
        raise AuthError("token expired")
    if issued > instant + skew:
        raise AuthError("token issued in the future")
    if expires - issued > MAX_TTL.total_seconds():
        raise AuthError("token lifetime exceeds 24 hours")


def _is_timestamp(value: object) -> TypeGuard[int | float]:
    if isinstance(value, bool):
        return False
    # An int of any size is finite (and math.isfinite would overflow on one beyond a float's range).
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <jwt>`` header (scheme case-insensitive)."""
    if not header:
        raise AuthError("missing Authorization header")
    match = _BEARER.fullmatch(header.strip())
    if match is None:
        raise AuthError("Authorization header is not a bearer token")
    return match.group(1)


def principal_from_authorization_header(header: str | None, secret: str | KeySet) -> Principal:
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
_fetched: dict[str, tuple[float, str]] = {}  # arn -> (monotonic time of the fetch, value)


def _secrets_client() -> _SecretsClient:
    # Created on first use: importing must work without AWS configuration (tests, local stack).
    global _client
    if _client is None:
        import boto3  # local import: the authorizer only pays for boto3 when it has to

        _client = boto3.client("secretsmanager")
    return _client


def load_jwt_secret(*, refresh: bool = False) -> str:
    """The signing secret's value: env SCORECARD_JWT_SECRET, else the Secrets Manager secret
    JWT_SECRET_ARN (a plain key or a KeySet JSON, see KeySet.parse).

    The fetched value is cached for the life of the process (a Lambda container), so a warm
    authorizer costs no Secrets Manager call. ``refresh`` re-reads it (at most once per
    REFRESH_INTERVAL_SECONDS): a verifier does that when a token names a key it does not hold,
    which is how a warm container learns of a rotation.
    """
    from scorecard.platform.settings import current  # the one reader of the environment

    configured = current()
    if configured.jwt_secret:
        return configured.jwt_secret
    arn = configured.jwt_secret_arn
    if not arn:
        # Misconfiguration, not a caller's fault: a 500, never a 401.
        raise RuntimeError(f"set {SECRET_ENV} or {SECRET_ARN_ENV} to configure the JWT signing key")
    with _lock:
        cached = _fetched.get(arn)
        stale = cached is None or (refresh and time.monotonic() - cached[0] >= REFRESH_INTERVAL_SECONDS)
        if stale:
            value = _secrets_client().get_secret_value(SecretId=arn).get("SecretString")
            if not isinstance(value, str) or not value:
                raise RuntimeError(f"secret {arn} has no SecretString")
            _fetched[arn] = cached = (time.monotonic(), value)
        assert cached is not None
    return cached[1]


def load_signing_keys(*, refresh: bool = False) -> KeySet:
    """The configured key set (see load_jwt_secret); a malformed secret is a 500, never a 401."""
    try:
        return KeySet.parse(load_jwt_secret(refresh=refresh))
    except ValueError as exc:
        raise RuntimeError(str(exc)) from exc


def principal_from_configured_keys(header: str | None) -> Principal:
    """Verify a bearer header against the configured keys; a token naming a key we do not hold
    makes us re-read the secret once (rate-limited) in case the key has just rotated."""
    try:
        return principal_from_authorization_header(header, load_signing_keys())
    except UnknownKeyId:
        return principal_from_authorization_header(header, load_signing_keys(refresh=True))


def reset_secret_cache() -> None:
    """Forget the cached client and key (tests that switch between mocked accounts)."""
    global _client
    with _lock:
        _client = None
        _fetched.clear()


def authorizer_log_level() -> str:
    """LOG_LEVEL of template.yaml (through scorecard.settings, like every other setting)."""
    from scorecard.platform.settings import current

    return current().log_level.upper()
