"""Fixtures shared by every test suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws
from scorecard import bootstrap
from scorecard.adapters.aws import reset_clients
from scorecard_local import moto_patches

ROOT = Path(__file__).resolve().parents[1]

# Fake credentials and a fixed region: boto3 must never find real credentials or a user's
# ~/.aws config from inside the test suite, mocked or not.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": str(ROOT / ".no-aws-config"),
    "AWS_SHARED_CREDENTIALS_FILE": str(ROOT / ".no-aws-credentials"),
}


@pytest.fixture(scope="session", autouse=True)
def fake_aws_env() -> Iterator[None]:
    """Session-wide (so session fixtures such as a local server see it too)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in FAKE_AWS_ENV.items():
            mp.setenv(name, value)
        mp.delenv("AWS_PROFILE", raising=False)
        yield


@pytest.fixture
def aws() -> Iterator[None]:
    """Every AWS service emulated in-process by moto for the duration of one test, with DynamoDB
    transactions made atomic (see scorecard_local.moto_patches), fresh boto3 clients and a fresh
    composition root (a new, empty account is a new deployment: nothing built for the last one, such
    as the event store's memory of registered partners, carries over)."""
    moto_patches.install()
    reset_clients()
    bootstrap.reset()
    with mock_aws():
        yield
    reset_clients()
    bootstrap.reset()


@pytest.fixture
def repo_root() -> Path:
    return ROOT
