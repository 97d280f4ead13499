"""The Lambda TOKEN authorizer driven with events/authorizer_token.json."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import jwt
import pytest
from scorecard.auth import tokens as auth
from scorecard.auth.tokens import LOCAL_DEV_SECRET, issue_token, principal_from_request_context

ROOT = Path(__file__).resolve().parents[2]
EVENT_FILE = ROOT / "events" / "authorizer_token.json"
API_WILDCARD = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*"


def _load_handler() -> ModuleType:
    # functions/* are not packages (each is its own Lambda code root): import by file path.
    spec = importlib.util.spec_from_file_location(
        "authorizer_app", ROOT / "functions" / "authorizer" / "app.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


authorizer = _load_handler()


@pytest.fixture(autouse=True)
def local_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SCORECARD_JWT_SECRET", LOCAL_DEV_SECRET)
    monkeypatch.delenv("JWT_SECRET_ARN", raising=False)
    auth.reset_secret_cache()
    yield
    auth.reset_secret_cache()


@pytest.fixture
def make_event() -> Callable[[str | None], dict[str, Any]]:
    def build(header: str | None) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(EVENT_FILE.read_text())
        event["authorizationToken"] = header
        return event

    return build


def token(
    role: auth.Role, partner_id: str | None = None, *, secret: str | auth.KeySet = LOCAL_DEV_SECRET
) -> str:
    return issue_token(role, partner_id, secret=secret, now=datetime.now(UTC))


def forge(claims: dict[str, Any], *, kid: str | None = "default") -> str:
    """A token signed with the local key carrying whatever claims a hostile issuer chooses."""
    issued = int(datetime.now(UTC).timestamp())
    base: dict[str, Any] = {"sub": "ops", "role": "ops", "iat": issued, "exp": issued + 3600}
    headers = None if kid is None else {"kid": kid}
    return jwt.encode(
        {k: v for k, v in (base | claims).items() if v is not None}, LOCAL_DEV_SECRET, headers=headers
    )


def test_sample_event_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed event carries a one-hour partner token signed with the local dev key (tokens
    live 24 h at most, so it is checked at its issue time; for `sam local invoke` put a fresh
    `scorecard token` in it)."""
    event = json.loads(EVENT_FILE.read_text())
    assert event["type"] == "TOKEN"
    issued = jwt.decode(event["authorizationToken"].split()[-1], options={"verify_signature": False})["iat"]
    monkeypatch.setattr(auth, "utc_now", lambda: datetime.fromtimestamp(issued + 60, UTC))
    response = authorizer.lambda_handler(event, None)
    assert response["principalId"] == "partner:acme-01"
    assert response["policyDocument"]["Statement"][0]["Resource"] == API_WILDCARD


def test_valid_partner_token_allows_the_whole_api(make_event: Callable[[str | None], dict[str, Any]]) -> None:
    response = authorizer.lambda_handler(make_event(f"Bearer {token('partner', 'acme-01')}"), None)
    assert response["principalId"] == "partner:acme-01"
    assert response["policyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": API_WILDCARD}],
    }
    assert response["context"] == {"role": "partner", "partner_id": "acme-01", "sub": "partner:acme-01"}


@pytest.mark.parametrize("role", ["ops", "service"])
def test_staff_context_has_empty_partner_id(
    role: auth.Role, make_event: Callable[[str | None], dict[str, Any]]
) -> None:
    response = authorizer.lambda_handler(make_event(f"Bearer {token(role)}"), None)
    assert response["context"] == {"role": role, "partner_id": "", "sub": role}


def test_context_is_what_the_api_reads_back(make_event: Callable[[str | None], dict[str, Any]]) -> None:
    """The authorizer -> API function hand-off, as API Gateway delivers it."""
    response = authorizer.lambda_handler(make_event(f"Bearer {token('partner', 'acme-01')}"), None)
    request_authorizer = response["context"] | {"principalId": response["principalId"]}
    principal = principal_from_request_context(request_authorizer)
    assert (principal.role, principal.partner_id) == ("partner", "acme-01")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        f"Bearer {token('ops', secret='a-different-secret-of-sufficient-length-000000')}",
        f"Bearer {issue_token('ops', secret=LOCAL_DEV_SECRET, now=datetime.now(UTC) - timedelta(days=1))}",
        f"Bearer {forge({'exp': None})}",
        f"Bearer {forge({'iat': None})}",
        f"Bearer {forge({'iat': int(datetime.now(UTC).timestamp()), 'exp': 4102444800})}",
        f"Bearer {forge({}, kid='retired-key')}",
    ],
    ids=[
        "missing",
        "empty",
        "no-token",
        "garbage",
        "basic",
        "wrong-secret",
        "expired",
        "no-exp",
        "no-iat",
        "lifetime-over-24h",
        "unknown-kid",
    ],
)
def test_rejection_is_exactly_unauthorized(
    header: str | None, make_event: Callable[[str | None], dict[str, Any]]
) -> None:
    # API Gateway maps only this exact message to 401; anything else becomes a 500.
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer.lambda_handler(make_event(header), None)


@pytest.mark.parametrize(
    ("method_arn", "expected"),
    [
        (
            "arn:aws:execute-api:eu-west-1:111122223333:api123/prod/POST/v1/events",
            "arn:aws:execute-api:eu-west-1:111122223333:api123/prod/*/*",
        ),
        (
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/v1/partners/p/jobs/j",
            API_WILDCARD,
        ),
    ],
)
def test_api_wildcard_arn(method_arn: str, expected: str) -> None:
    assert authorizer.api_wildcard_arn(method_arn) == expected


def test_malformed_method_arn_is_an_error() -> None:
    with pytest.raises(ValueError, match="methodArn"):
        authorizer.api_wildcard_arn("not-an-arn")


@pytest.mark.usefixtures("aws")
def test_key_from_secrets_manager_is_fetched_once(
    monkeypatch: pytest.MonkeyPatch, make_event: Callable[[str | None], dict[str, Any]]
) -> None:
    secret = "deployed-signing-key-from-secrets-manager-0123456789abcdef"
    client = boto3.client("secretsmanager")
    arn = client.create_secret(Name="scorecard-jwt", SecretString=secret)["ARN"]
    monkeypatch.delenv("SCORECARD_JWT_SECRET")
    monkeypatch.setenv("JWT_SECRET_ARN", arn)

    event = make_event(f"Bearer {token('ops', secret=secret)}")
    assert authorizer.lambda_handler(event, None)["context"]["role"] == "ops"

    # A warm container answers from its cache: no Secrets Manager call per request.
    client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    assert authorizer.lambda_handler(event, None)["context"]["role"] == "ops"

    # A token signed with the local key is not accepted by the deployed one.
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer.lambda_handler(make_event(f"Bearer {token('ops')}"), None)


@pytest.mark.usefixtures("aws")
def test_rotation_keeps_both_keys_valid_and_a_warm_container_learns_the_new_one(
    monkeypatch: pytest.MonkeyPatch, make_event: Callable[[str | None], dict[str, Any]]
) -> None:
    old = auth.SigningKey("k-2026-11", "the-november-signing-key-long-enough-0123456789")
    new = auth.SigningKey("k-2026-12", "the-december-signing-key-long-enough-0123456789")
    client = boto3.client("secretsmanager")
    arn = client.create_secret(Name="scorecard-jwt-keyset", SecretString=auth.KeySet(old).to_json())["ARN"]
    monkeypatch.delenv("SCORECARD_JWT_SECRET")
    monkeypatch.setenv("JWT_SECRET_ARN", arn)
    old_token = issue_token("ops", secret=auth.KeySet(old), now=datetime.now(UTC))
    assert authorizer.lambda_handler(make_event(f"Bearer {old_token}"), None)["context"]["role"] == "ops"

    # The rotation writes the new key as current and keeps the old one as previous.
    client.put_secret_value(SecretId=arn, SecretString=auth.KeySet(old).rotated(new).to_json())
    new_token = issue_token("service", secret=auth.KeySet(new, old), now=datetime.now(UTC))
    assert jwt.get_unverified_header(new_token)["kid"] == "k-2026-12"
    # This warm container still holds the old key set; the unknown kid makes it re-read the secret
    # (the last read is older than the refresh interval here).
    monkeypatch.setattr(auth, "REFRESH_INTERVAL_SECONDS", 0.0)
    assert authorizer.lambda_handler(make_event(f"Bearer {new_token}"), None)["context"]["role"] == "service"
    assert authorizer.lambda_handler(make_event(f"Bearer {old_token}"), None)["context"]["role"] == "ops"

    # A token naming the new kid but signed with the old key is forged.
    forged = jwt.encode(
        jwt.decode(old_token, options={"verify_signature": False}), old.secret, headers={"kid": new.kid}
    )
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer.lambda_handler(make_event(f"Bearer {forged}"), None)


@pytest.mark.usefixtures("aws")
def test_unknown_kids_do_not_flood_secrets_manager(
    monkeypatch: pytest.MonkeyPatch, make_event: Callable[[str | None], dict[str, Any]]
) -> None:
    client = boto3.client("secretsmanager")
    arn = client.create_secret(Name="scorecard-jwt-flood", SecretString=LOCAL_DEV_SECRET)["ARN"]
    monkeypatch.delenv("SCORECARD_JWT_SECRET")
    monkeypatch.setenv("JWT_SECRET_ARN", arn)
    assert authorizer.lambda_handler(make_event(f"Bearer {token('ops')}"), None)["context"]["role"] == "ops"
    client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    # Within the refresh interval an unknown kid is refused from the cache, without a fetch
    # (a fetch would fail now that the secret is gone, and raise something else than Unauthorized).
    for n in range(5):
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            authorizer.lambda_handler(make_event(f"Bearer {forge({}, kid=f'forged-{n}')}"), None)


def _rotation_handler() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "jwt_rotation_app", ROOT / "functions" / "jwt_rotation" / "app.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeSecretsManager:
    """Secrets Manager's rotation semantics, which moto lacks (its rotate_secret copies the current
    value into the pending version, or skips the function without a Lambda): the service stages
    the new version as AWSPENDING without a value, and the function's put_secret_value fills it."""

    class exceptions:
        class ResourceNotFoundException(Exception):
            pass

    def __init__(self, value: str) -> None:
        self.values: dict[str, str] = {"v0": value}
        self.stages: dict[str, list[str]] = {"v0": ["AWSCURRENT"]}

    def start_rotation(self, version: str) -> None:
        self.stages[version] = ["AWSPENDING"]

    def describe_secret(self, *, SecretId: str) -> dict[str, Any]:
        return {"VersionIdsToStages": {k: list(v) for k, v in self.stages.items()}}

    def get_secret_value(
        self,
        *,
        SecretId: str,
        VersionId: str | None = None,
        VersionStage: str = "AWSCURRENT",
    ) -> dict[str, Any]:
        version = VersionId or next(v for v, names in self.stages.items() if VersionStage in names)
        if version not in self.values or VersionStage not in self.stages.get(version, []):
            raise self.exceptions.ResourceNotFoundException(version)
        return {"SecretString": self.values[version], "VersionId": version}

    def put_secret_value(
        self,
        *,
        SecretId: str,
        ClientRequestToken: str,
        SecretString: str,
        VersionStages: list[str],
    ) -> None:
        assert ClientRequestToken not in self.values, "a version's value is written once"
        self.values[ClientRequestToken] = SecretString
        self.stages[ClientRequestToken] = list(VersionStages)

    def update_secret_version_stage(
        self,
        *,
        SecretId: str,
        VersionStage: str,
        MoveToVersionId: str,
        RemoveFromVersionId: str,
    ) -> None:
        assert VersionStage in self.stages[RemoveFromVersionId]
        self.stages[RemoveFromVersionId].remove(VersionStage)
        self.stages[MoveToVersionId] = [n for n in self.stages[MoveToVersionId] if n != "AWSPENDING"] + [
            VersionStage
        ]

    def current(self) -> auth.KeySet:
        return auth.KeySet.parse(self.get_secret_value(SecretId="jwt")["SecretString"])


def test_rotation_function_makes_a_new_current_key_and_keeps_the_previous(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scorecard.auth import key_rotation

    rotation = _rotation_handler()
    plain = "the-generated-plain-signing-key-0123456789abcdefghij"
    secrets_manager = FakeSecretsManager(plain)
    monkeypatch.setattr(key_rotation, "client", lambda service: secrets_manager)
    before = token("ops", secret=plain)

    def rotate(version: str) -> auth.KeySet:
        secrets_manager.start_rotation(version)
        for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
            rotation.lambda_handler({"Step": step, "SecretId": "jwt", "ClientRequestToken": version}, None)
        return secrets_manager.current()

    first = rotate("11111111-1111-4111-8111-111111111111")
    assert first.current.kid == "11111111-1111-4111-8111-111111111111"
    assert len(first.current.secret) >= 64
    assert first.previous == auth.SigningKey("default", plain)
    # A step Secrets Manager repeats changes nothing (the version is current already).
    for step in ("createSecret", "finishSecret"):
        rotation.lambda_handler(
            {"Step": step, "SecretId": "jwt", "ClientRequestToken": first.current.kid}, None
        )
    assert secrets_manager.current() == first

    during = token("service", secret=first)
    assert auth.verify_token(before, secret=first).role == "ops"
    assert auth.verify_token(during, secret=first).role == "service"

    second = rotate("22222222-2222-4222-8222-222222222222")
    assert second.previous == first.current
    assert auth.verify_token(during, secret=second).role == "service"
    with pytest.raises(auth.UnknownKeyId):  # two rotations old: its key is gone
        auth.verify_token(before, secret=second)

    with pytest.raises(key_rotation.RotationError):  # a version Secrets Manager never staged
        rotation.lambda_handler(
            {"Step": "createSecret", "SecretId": "jwt", "ClientRequestToken": "v-unknown"}, None
        )
