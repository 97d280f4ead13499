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
import pytest
from scorecard import auth
from scorecard.auth import LOCAL_DEV_SECRET, issue_token, principal_from_request_context

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


def token(role: auth.Role, partner_id: str | None = None, *, secret: str = LOCAL_DEV_SECRET) -> str:
    return issue_token(role, partner_id, secret=secret, now=datetime.now(UTC))


def test_sample_event_as_is() -> None:
    """The committed event carries a long-lived partner token signed with the local dev key,
    so `sam local invoke AuthorizerFunction -e events/authorizer_token.json` works too."""
    event = json.loads(EVENT_FILE.read_text())
    assert event["type"] == "TOKEN"
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
    ],
    ids=["missing", "empty", "no-token", "garbage", "basic", "wrong-secret", "expired"],
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
