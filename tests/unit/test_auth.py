"""Bearer-token issue/verify, header parsing, authorizer context and partner access (docs/api.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from scorecard.auth.tokens import (
    LOCAL_DEV_SECRET,
    AuthError,
    KeySet,
    Principal,
    Role,
    SigningKey,
    UnknownKeyId,
    authorizer_context,
    can_access_partner,
    issue_token,
    load_jwt_secret,
    load_signing_keys,
    principal_from_authorization_header,
    principal_from_request_context,
    verify_token,
)

SECRET = LOCAL_DEV_SECRET
OTHER_SECRET = "another-secret-that-is-long-enough-for-hs256-0123456789"


def now() -> datetime:
    return datetime.now(UTC)


def forge(claims: dict[str, Any], secret: str = SECRET) -> str:
    """A correctly signed token with arbitrary claims (what a buggy or hostile issuer sends)."""
    base: dict[str, Any] = {
        "iat": int(now().timestamp()),
        "exp": int((now() + timedelta(hours=1)).timestamp()),
    }
    return jwt.encode(base | claims, secret, algorithm="HS256")


# ---------------------------------------------------------------- issue / verify


@pytest.mark.parametrize(
    ("role", "partner_id", "subject"),
    [("partner", "acme-01", "partner:acme-01"), ("ops", None, "ops"), ("service", None, "service")],
)
def test_round_trip(role: Role, partner_id: str | None, subject: str) -> None:
    token = issue_token(role, partner_id, secret=SECRET, now=now())
    assert verify_token(token, secret=SECRET) == Principal(role=role, partner_id=partner_id, subject=subject)


def test_claims_carry_role_partner_and_lifetime() -> None:
    issued = datetime(2030, 1, 1, 12, tzinfo=UTC)
    token = issue_token("partner", "P-1", secret=SECRET, now=issued, ttl=timedelta(hours=2))
    claims = jwt.decode(
        token, SECRET, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False}
    )
    assert claims == {
        "sub": "partner:P-1",
        "role": "partner",
        "partner_id": "P-1",
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(hours=2)).timestamp()),
    }
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_explicit_subject() -> None:
    token = issue_token("service", secret=SECRET, now=now(), subject="portal-backend")
    assert verify_token(token, secret=SECRET).subject == "portal-backend"


def test_expired_token_is_rejected() -> None:
    token = issue_token("ops", secret=SECRET, now=now() - timedelta(hours=13), ttl=timedelta(hours=12))
    with pytest.raises(AuthError, match="expired"):
        verify_token(token, secret=SECRET)


def test_small_clock_skew_is_tolerated() -> None:
    # Expired 10 s ago: inside the 30 s skew allowance.
    token = issue_token("ops", secret=SECRET, now=now() - timedelta(seconds=70), ttl=timedelta(seconds=60))
    assert verify_token(token, secret=SECRET).role == "ops"


def test_wrong_secret_is_rejected() -> None:
    token = issue_token("ops", secret=OTHER_SECRET, now=now())
    with pytest.raises(AuthError, match="invalid token"):
        verify_token(token, secret=SECRET)


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c"])
def test_garbage_is_rejected(token: str) -> None:
    with pytest.raises(AuthError):
        verify_token(token, secret=SECRET)


def test_unsigned_token_is_rejected() -> None:
    token = jwt.encode({"role": "ops", "sub": "ops", "iat": 1, "exp": 4102444800}, "", algorithm="none")
    with pytest.raises(AuthError):
        verify_token(token, secret=SECRET)


def test_other_algorithm_is_rejected() -> None:
    # Same key, different HMAC: only HS256 is accepted.
    claims = {"role": "ops", "sub": "ops", "iat": int(now().timestamp()), "exp": int(now().timestamp()) + 60}
    key = SECRET * 2  # long enough for HS512 without PyJWT's key-length warning
    token = jwt.encode(claims, key, algorithm="HS512")
    with pytest.raises(AuthError):
        verify_token(token, secret=key)


@pytest.mark.parametrize("role", ["admin", "", None, 7, "OPS"])
def test_bad_role_is_rejected(role: object) -> None:
    with pytest.raises(AuthError):
        verify_token(forge({"role": role, "sub": "x"}), secret=SECRET)


@pytest.mark.parametrize("missing", ["role", "sub", "exp", "iat"])
def test_missing_claim_is_rejected(missing: str) -> None:
    claims = {"role": "ops", "sub": "ops", "iat": int(now().timestamp()), "exp": int(now().timestamp()) + 60}
    del claims[missing]
    with pytest.raises(AuthError):
        verify_token(jwt.encode(claims, SECRET, algorithm="HS256"), secret=SECRET)


@pytest.mark.parametrize("partner_id", [None, ""])
def test_partner_without_partner_id_is_rejected(partner_id: str | None) -> None:
    with pytest.raises(AuthError, match="partner_id"):
        verify_token(forge({"role": "partner", "partner_id": partner_id, "sub": "p"}), secret=SECRET)


@pytest.mark.parametrize("partner_id", ["a/b", "x" * 65, "p 1", 12])
def test_malformed_partner_id_is_rejected(partner_id: object) -> None:
    with pytest.raises(AuthError):
        verify_token(forge({"role": "partner", "partner_id": partner_id, "sub": "p"}), secret=SECRET)


def test_issue_refuses_what_verify_would_reject() -> None:
    with pytest.raises(ValueError, match="partner_id"):
        issue_token("partner", secret=SECRET, now=now())
    with pytest.raises(ValueError, match="role"):
        issue_token("admin", secret=SECRET, now=now())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone"):
        issue_token("ops", secret=SECRET, now=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="ttl"):
        issue_token("ops", secret=SECRET, now=now(), ttl=timedelta(0))


# ---------------------------------------------------------------- lifetime


def test_default_lifetime_is_one_hour() -> None:
    issued = datetime(2030, 1, 1, 12, tzinfo=UTC)
    claims = jwt.decode(
        issue_token("ops", secret=SECRET, now=issued),
        SECRET,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["exp"] - claims["iat"] == 3600


def test_issue_refuses_a_lifetime_over_a_day() -> None:
    assert verify_token(issue_token("ops", secret=SECRET, now=now(), ttl=timedelta(hours=24)), secret=SECRET)
    with pytest.raises(ValueError, match="ttl"):
        issue_token("ops", secret=SECRET, now=now(), ttl=timedelta(hours=24, seconds=1))


@pytest.mark.parametrize(
    ("iat_offset", "exp_offset", "accepted"),
    [
        (-3600, 24 * 3600 - 3600, True),  # exactly 24 h
        (-3600, 24 * 3600 - 3600 + 1, False),  # 24 h and a second
        (0, 10 * 365 * 24 * 3600, False),  # the old sample events' "never expires"
    ],
)
def test_lifetime_over_a_day_is_rejected(iat_offset: int, exp_offset: int, accepted: bool) -> None:
    t = int(now().timestamp())
    token = forge({"role": "ops", "sub": "ops", "iat": t + iat_offset, "exp": t + exp_offset})
    if accepted:
        assert verify_token(token, secret=SECRET).role == "ops"
    else:
        with pytest.raises(AuthError, match="lifetime"):
            verify_token(token, secret=SECRET)


@pytest.mark.parametrize("bad", ["1700000000", 1.5e400, float("nan"), True, None, [1], 10**400])
def test_non_numeric_timestamps_are_rejected(bad: object) -> None:
    with pytest.raises(AuthError):
        verify_token(forge({"role": "ops", "sub": "ops", "iat": bad}), secret=SECRET)


def test_token_from_the_future_is_rejected() -> None:
    token = issue_token("ops", secret=SECRET, now=now() + timedelta(minutes=5))
    with pytest.raises(AuthError, match="future"):
        verify_token(token, secret=SECRET)


def test_verification_time_can_be_given() -> None:
    issued = datetime(2026, 11, 2, 8, tzinfo=UTC)
    token = issue_token("ops", secret=SECRET, now=issued)
    assert verify_token(token, secret=SECRET, now=issued + timedelta(minutes=59)).role == "ops"
    with pytest.raises(AuthError, match="expired"):
        verify_token(token, secret=SECRET, now=issued + timedelta(minutes=61))


# ---------------------------------------------------------------- key ids and rotation

OLD = SigningKey("k-old", "old-signing-key-that-is-long-enough-0123456789")
NEW = SigningKey("k-new", "new-signing-key-that-is-long-enough-0123456789")


def test_token_carries_the_current_kid() -> None:
    token = issue_token("ops", secret=KeySet(NEW, OLD), now=now())
    assert jwt.get_unverified_header(token)["kid"] == "k-new"
    assert jwt.get_unverified_header(issue_token("ops", secret=SECRET, now=now()))["kid"] == "default"


def test_both_keys_verify_during_the_overlap() -> None:
    before = issue_token("ops", secret=KeySet(OLD), now=now())
    keys = KeySet(OLD).rotated(NEW)
    assert keys == KeySet(NEW, OLD)
    after = issue_token("service", secret=keys, now=now())
    assert verify_token(before, secret=keys).role == "ops"
    assert verify_token(after, secret=keys).role == "service"
    # One rotation later the old key is gone, and so are its tokens.
    newest = SigningKey("k-newest", "newest-signing-key-long-enough-0123456789")
    with pytest.raises(UnknownKeyId):
        verify_token(before, secret=keys.rotated(newest))


def test_unknown_kid_is_rejected() -> None:
    token = jwt.encode(
        {"role": "ops", "sub": "ops", "iat": int(now().timestamp()), "exp": int(now().timestamp()) + 60},
        NEW.secret,
        headers={"kid": "k-unknown"},
    )
    with pytest.raises(UnknownKeyId):
        verify_token(token, secret=KeySet(NEW, OLD))


def test_kid_must_match_the_signing_key() -> None:
    claims = {"role": "ops", "sub": "ops", "iat": int(now().timestamp()), "exp": int(now().timestamp()) + 60}
    token = jwt.encode(claims, OLD.secret, headers={"kid": NEW.kid})
    with pytest.raises(AuthError, match="invalid token"):
        verify_token(token, secret=KeySet(NEW, OLD))


def test_token_without_kid_is_checked_against_the_current_key_only() -> None:
    claims = {"role": "ops", "sub": "ops", "iat": int(now().timestamp()), "exp": int(now().timestamp()) + 60}
    assert verify_token(jwt.encode(claims, NEW.secret), secret=KeySet(NEW, OLD)).role == "ops"
    with pytest.raises(AuthError, match="invalid token"):
        verify_token(jwt.encode(claims, OLD.secret), secret=KeySet(NEW, OLD))


def test_key_set_json_round_trip() -> None:
    keys = KeySet(NEW, OLD)
    assert json.loads(keys.to_json()) == {
        "current": {"kid": "k-new", "secret": NEW.secret},
        "previous": {"kid": "k-old", "secret": OLD.secret},
    }
    assert KeySet.parse(keys.to_json()) == keys
    assert KeySet.parse(KeySet(NEW).to_json()) == KeySet(NEW)
    assert KeySet.parse("plain-secret") == KeySet(SigningKey("default", "plain-secret"))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "{",
        "{}",
        '{"current": {"kid": "a"}}',
        '{"current": {"kid": "", "secret": "s"}}',
        '{"current": {"kid": "a", "secret": "s"}, "previous": {"kid": "a", "secret": "t"}}',
        '{"current": ["a", "s"]}',
    ],
)
def test_malformed_key_set_is_refused_without_echoing_it(value: str) -> None:
    with pytest.raises(ValueError) as raised:
        KeySet.parse(value)
    assert '"s"' not in str(raised.value) and 'secret": ' not in str(raised.value)


def test_rotation_refuses_a_kid_in_use() -> None:
    with pytest.raises(ValueError, match="kid"):
        KeySet(NEW, OLD).rotated(SigningKey("k-old", "x" * 40))


def test_malformed_configured_key_set_is_a_server_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORECARD_JWT_SECRET", '{"current": null}')
    with pytest.raises(RuntimeError, match="key set"):
        load_signing_keys()


# ---------------------------------------------------------------- Authorization header


def test_header_round_trip() -> None:
    token = issue_token("partner", "P-1", secret=SECRET, now=now())
    for header in (f"Bearer {token}", f"bearer {token}", f"  BEARER   {token} "):
        assert principal_from_authorization_header(header, SECRET).partner_id == "P-1"


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer a b"]
)
def test_malformed_header_is_rejected(header: str | None) -> None:
    with pytest.raises(AuthError):
        principal_from_authorization_header(header, SECRET)


def test_header_with_bad_token_is_rejected() -> None:
    with pytest.raises(AuthError):
        principal_from_authorization_header("Bearer not.a.token", SECRET)


# ---------------------------------------------------------------- authorizer context


@pytest.mark.parametrize(
    "principal",
    [
        Principal("partner", "P-1", "partner:P-1"),
        Principal("ops", None, "ops"),
        Principal("service", None, "svc"),
    ],
)
def test_authorizer_context_round_trip(principal: Principal) -> None:
    context = authorizer_context(principal)
    assert all(isinstance(value, str) for value in context.values())  # API Gateway's rule
    # API Gateway adds its own keys next to ours.
    assert principal_from_request_context(context | {"principalId": principal.subject}) == principal


def test_context_empty_partner_id_means_none() -> None:
    principal = principal_from_request_context({"role": "ops", "partner_id": "", "sub": "ops"})
    assert principal.partner_id is None


def test_context_subject_falls_back_to_principal_id() -> None:
    principal = principal_from_request_context({"role": "service", "principalId": "svc-1"})
    assert principal.subject == "svc-1"


@pytest.mark.parametrize(
    "context",
    [
        None,
        {},
        {"role": "root", "partner_id": "", "sub": "x"},
        {"role": "partner", "partner_id": "", "sub": "x"},
        {"role": "ops", "partner_id": ""},
    ],
)
def test_bad_context_fails_closed(context: dict[str, str] | None) -> None:
    with pytest.raises(AuthError):
        principal_from_request_context(context)


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("principal", "partner_id", "allowed"),
    [
        (Principal("partner", "P-1", "partner:P-1"), "P-1", True),
        (Principal("partner", "P-1", "partner:P-1"), "P-2", False),
        (Principal("partner", "P-1", "partner:P-1"), "p-1", False),
        (Principal("ops", None, "ops"), "P-1", True),
        (Principal("ops", None, "ops"), "P-2", True),
        (Principal("service", None, "service"), "P-1", True),
        (Principal("service", None, "service"), "P-2", True),
        # Defensive: a partner principal without partner_id (never built by this module) sees nothing.
        (Principal("partner", None, "x"), "P-1", False),
    ],
)
def test_can_access_partner(principal: Principal, partner_id: str, allowed: bool) -> None:
    assert can_access_partner(principal, partner_id) is allowed


# ---------------------------------------------------------------- signing key


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORECARD_JWT_SECRET", "from-env-secret-value-long-enough-0123456789")
    monkeypatch.delenv("JWT_SECRET_ARN", raising=False)
    assert load_jwt_secret() == "from-env-secret-value-long-enough-0123456789"


def test_unconfigured_secret_is_a_server_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCORECARD_JWT_SECRET", raising=False)
    monkeypatch.delenv("JWT_SECRET_ARN", raising=False)
    with pytest.raises(RuntimeError, match="JWT_SECRET_ARN"):
        load_jwt_secret()


def test_import_is_light() -> None:
    # The authorizer imports this on every cold start: no boto3, no pydantic, no Powertools.
    heavy = "{'boto3', 'pydantic', 'aws_lambda_powertools'}"
    code = f"import sys, scorecard.auth; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- `scorecard token`


def _cli_token(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    from scorecard_local.cli import main

    assert main(["token", "--role", "ops", *args]) == 0
    token = capsys.readouterr().out.strip()
    verify_token(token, secret=SECRET)
    return dict(jwt.decode(token, options={"verify_signature": False}))


def test_cli_token_is_short_lived_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    claims = _cli_token(capsys)
    assert claims["exp"] - claims["iat"] == 3600
    claims = _cli_token(capsys, "--ttl", "90m")
    assert claims["exp"] - claims["iat"] == 5400
    claims = _cli_token(capsys, "--ttl", "24h")
    assert claims["exp"] - claims["iat"] == 86400


@pytest.mark.parametrize("ttl", ["25h", "86401s", "0m", "1d", "-1h", "abc"])
def test_cli_token_refuses_a_lifetime_over_a_day(ttl: str, capsys: pytest.CaptureFixture[str]) -> None:
    from scorecard_local.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["token", "--role", "ops", "--ttl", ttl])
    assert exited.value.code == 2
    assert "--ttl" in capsys.readouterr().err
