"""The settings model of the environment and the composition root built from it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from scorecard import bootstrap as boot_module
from scorecard.bootstrap import Bootstrap, Clock, bootstrap
from scorecard.platform import settings
from scorecard.platform.settings import Settings


def test_settings_read_each_variable_and_treat_blank_as_unset() -> None:
    parsed = Settings.from_environ(
        {
            "TABLE_NAME": "t",
            "NOTIFICATION_QUEUE_URL": "",
            "SES_MAX_SEND_RATE": "7.5",
            "SES_SENDERS": "0",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "UNRELATED": "x",
        }
    )
    assert parsed.table_name == "t"
    assert parsed.notification_queue_url is None
    assert parsed.ses_max_send_rate == 7.5
    assert parsed.ses_senders == 1  # at least one sender
    assert parsed.aws_region == "eu-west-1"
    assert parsed.mail_claim_lease_seconds == 900
    assert parsed.policy_version == "v3"  # the default policy (docs/scoring.md)


def test_a_missing_required_setting_names_its_variable() -> None:
    with pytest.raises(RuntimeError, match="SNAPSHOT_BUCKET is not set"):
        Settings.from_environ({"TABLE_NAME": "t"}).required("snapshot_bucket")
    with pytest.raises(RuntimeError, match="TABLE_NAME is not set"):
        _ = Bootstrap(Settings.from_environ({})).partners


def test_one_bootstrap_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "first")
    monkeypatch.delenv("EVENT_BUS_NAME", raising=False)
    first = bootstrap()
    assert bootstrap() is first  # built once
    assert first.partners is first.partners
    assert first.publisher is None
    monkeypatch.setenv("TABLE_NAME", "second")
    monkeypatch.setenv("EVENT_BUS_NAME", "bus")
    second = bootstrap()
    assert second is not first and second.table == "second" and second.publisher is not None
    boot_module.reset()
    monkeypatch.setenv("TABLE_NAME", "first")
    monkeypatch.delenv("EVENT_BUS_NAME")
    assert bootstrap() is not first  # forgotten by reset()


def test_today_is_the_policy_timezone_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # 03:00 UTC on the 2nd is still the 1st in Chicago (UTC-6 in November).
    monkeypatch.setattr(settings, "utc_now", lambda: datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
    policy = Bootstrap(Settings.from_environ({})).policy
    assert Clock(policy).today() == date(2026, 11, 2)  # the default (v2) is UTC
    assert Clock(policy.model_copy(update={"timezone": "America/Chicago"})).today() == date(2026, 11, 1)


def test_only_the_settings_model_reads_the_environment() -> None:
    """Issue 7: one composition root. Nothing in the layer or the handlers reads os.environ except
    scorecard/settings.py (the local stack, outside the layer, sets it)."""
    root = Path(__file__).resolve().parents[2]
    readers = sorted(
        str(path.relative_to(root))
        for folder in ("shared/scorecard", "functions")
        for path in (root / folder).rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8") or "getenv(" in path.read_text(encoding="utf-8")
    )
    assert readers == ["shared/scorecard/platform/settings.py"]
