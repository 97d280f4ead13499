"""Runtime settings: one typed model of the environment (set by template.yaml, or by the local stack).

This is the one module of the Lambda layer that reads the environment (the authorizer's JWT key and
log level included). Everything else asks scorecard.bootstrap, which builds the adapters from a Settings.
"""

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scorecard.domain.policy import DEFAULT_POLICY_VERSION

DEFAULT_SES_MAX_SEND_RATE = 14.0  # SES's default production sending quota, messages per second
DEFAULT_MAIL_CLAIM_LEASE_SECONDS = 900  # must exceed the sending functions' timeouts (see template)
DEFAULT_REGION = "us-east-1"


class Settings(BaseModel):
    """Each field's alias is its environment variable. Unset and empty variables are the same thing.
    Optional fields are required only by the component that needs them (bootstrap.required)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    table_name: str | None = Field(default=None, alias="TABLE_NAME")
    policy_version: str = Field(default=DEFAULT_POLICY_VERSION, alias="POLICY_VERSION")
    daily_queue_url: str | None = Field(default=None, alias="DAILY_QUEUE_URL")
    snapshot_queue_url: str | None = Field(default=None, alias="SNAPSHOT_QUEUE_URL")
    backtest_queue_url: str | None = Field(default=None, alias="BACKTEST_QUEUE_URL")
    snapshot_bucket: str | None = Field(default=None, alias="SNAPSHOT_BUCKET")
    export_queue_url: str | None = Field(default=None, alias="EXPORT_QUEUE_URL")
    export_bucket: str | None = Field(default=None, alias="EXPORT_BUCKET")
    # Unset: ingestion queues no part-received notices and the daily run no demotion warnings.
    notification_queue_url: str | None = Field(default=None, alias="NOTIFICATION_QUEUE_URL")
    # Unset: score events are not published.
    event_bus_name: str | None = Field(default=None, alias="EVENT_BUS_NAME")
    # Where pre-signed links (snapshots and exports) point instead of S3 (the local stack's server
    # sets it); unset in AWS.
    snapshot_url_endpoint: str | None = Field(default=None, alias="SNAPSHOT_URL_ENDPOINT")
    # The JWT signing key: the key itself (local stack, tests) or the Secrets Manager secret holding it.
    jwt_secret: str | None = Field(default=None, alias="SCORECARD_JWT_SECRET")
    jwt_secret_arn: str | None = Field(default=None, alias="JWT_SECRET_ARN")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    sender_email: str | None = Field(default=None, alias="SENDER_EMAIL")
    ses_max_send_rate: float = Field(default=DEFAULT_SES_MAX_SEND_RATE, gt=0, alias="SES_MAX_SEND_RATE")
    # How many function instances may send email at once (the sum of the SQS event sources'
    # MaximumConcurrency): each paces itself to ses_max_send_rate / ses_senders.
    ses_senders: int = Field(default=1, alias="SES_SENDERS")
    mail_claim_lease_seconds: int = Field(
        default=DEFAULT_MAIL_CLAIM_LEASE_SECONDS, gt=0, alias="MAIL_CLAIM_LEASE_SECONDS"
    )
    # The snapshot email's review link ({month} becomes YYYY-MM) and Partner Success contact.
    review_url_template: str = Field(
        default="https://portal.example.com/scorecard/reviews/new?month={month}", alias="REVIEW_URL_TEMPLATE"
    )
    partner_success_contact: str = Field(
        default="partner-success@example.com", alias="PARTNER_SUCCESS_CONTACT"
    )
    aws_region: str = Field(default=DEFAULT_REGION, alias="AWS_REGION")
    metrics_namespace: str = Field(default="Scorecard", alias="POWERTOOLS_METRICS_NAMESPACE")
    # X-Ray tracing: only inside Lambda (LAMBDA_TASK_ROOT) and unless POWERTOOLS_TRACE_DISABLED.
    lambda_task_root: str | None = Field(default=None, alias="LAMBDA_TASK_ROOT")
    trace_disabled: bool = Field(default=False, alias="POWERTOOLS_TRACE_DISABLED")

    @property
    def tracing_enabled(self) -> bool:
        return self.lambda_task_root is not None and not self.trace_disabled

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        values = {name: value for name, value in data.items() if value not in ("", None)}
        if "AWS_REGION" not in values and data.get("AWS_DEFAULT_REGION"):
            values["AWS_REGION"] = data["AWS_DEFAULT_REGION"]
        return values

    @field_validator("ses_senders")
    @classmethod
    def _at_least_one_sender(cls, value: int) -> int:
        return max(1, value)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Self:
        source = os.environ if environ is None else environ
        wanted = {*_ENV_NAMES, "AWS_DEFAULT_REGION"}
        return cls.model_validate({name: source[name] for name in wanted if name in source})

    def required(self, field: str) -> str:
        """The value of a setting the caller cannot work without (a misconfiguration: a 500)."""
        value = getattr(self, field)
        if not value:
            raise RuntimeError(f"{type(self).model_fields[field].alias} is not set")
        return str(value)


_ENV_NAMES = frozenset(str(info.alias) for info in Settings.model_fields.values())


def current() -> Settings:
    """The settings of this invocation's environment."""
    return Settings.from_environ()


def utc_now() -> datetime:
    """The one clock read of the request and job paths (the domain takes time as an argument);
    bootstrap.Clock calls it late-bound, so tests freeze time by replacing this function."""
    return datetime.now(UTC)
