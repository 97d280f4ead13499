"""The local webhook in moto (scorecard_local.webhooks): the template's rule, built in moto, forwards
exactly the portal's detail-types; each is POSTed once in EventBridge's envelope, retried on 429 and
5xx, never re-sent once delivered, and dead-lettered with EventBridge's attributes when refused or
out of attempts. The HTTP side against a real receiver: tests/e2e/test_local_webhook.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from scorecard.adapters.aws import client
from scorecard.adapters.event_bus import EventBridgePublisher
from scorecard.schemas.bus import DETAIL_TYPES, WEBHOOK_DETAIL_TYPES
from scorecard_local import webhooks
from scorecard_local.template_resources import LocalResources, create_queues, parameter_values
from scorecard_local.template_tables import load_template

ROOT = Path(__file__).resolve().parents[2]
EVENTS_DIR = ROOT / "events"
PREFIX = "scorecard-it"
ACCOUNT = "123456789012"
URL = "http://127.0.0.1:9/hook"  # never called: these tests record what would be sent


def sample_details() -> list[BaseModel]:
    """One detail of each published detail-type (the samples), DemotionWarning built here."""
    by_name = {name: model for model, name in DETAIL_TYPES.items()}
    details = []
    for path in sorted(EVENTS_DIR.glob("eventbridge_*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))
        details.append(by_name[event["detail-type"]].model_validate(event["detail"]))
    warning = by_name["DemotionWarning"].model_validate(
        {
            "partner_id": "acme-01",
            "as_of": "2026-11-01",
            "computed_at": "2026-11-02T00:16:02Z",
            "policy_version": "v2",
            "tier": "elite",
            "pending_tier": "preferred",
            "runs_required": 3,
            "score": 84.0,
        }
    )
    return [*details, warning]


class Receiver:
    """Answers each request with the next status of `statuses` (then 200), recording the bodies."""

    def __init__(self, statuses: list[int | None]) -> None:
        self.statuses = statuses
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, target: webhooks.WebhookTarget, body: bytes) -> webhooks.Attempt:
        self.bodies.append(json.loads(body))
        status = self.statuses.pop(0) if self.statuses else 200
        if status is None:
            return webhooks.Attempt(None, "connection refused")
        return webhooks.Attempt(status, "" if status < 300 else f"HTTP {status}")


@pytest.fixture
def webhook(aws: None) -> Iterator[webhooks.WebhookTarget]:
    template = load_template(ROOT / "template.yaml")
    resources = LocalResources()
    create_queues(client("sqs"), template, PREFIX, resources, {webhooks.CONDITION: True})
    resources.refs.update(parameter_values(template, {}))
    yield webhooks.provision(template, PREFIX, resources, webhooks.WebhookConfig(URL, "k-123"))


def delivery(target: webhooks.WebhookTarget, receiver: Receiver) -> webhooks.WebhookDelivery:
    """Driven by the test (deliver_pending), not its thread; no backoff waits."""
    return webhooks.WebhookDelivery(target, threading.RLock(), ACCOUNT, first_backoff=0.0, send=receiver)


def dead_letters(target: webhooks.WebhookTarget) -> list[dict[str, Any]]:
    return (
        client("sqs")
        .receive_message(
            QueueUrl=target.dead_letter_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        )
        .get("Messages", [])
    )


def test_the_portal_gets_its_five_detail_types_in_the_eventbridge_envelope(
    webhook: webhooks.WebhookTarget,
) -> None:
    details = sample_details()
    EventBridgePublisher(webhook.bus_name).publish(details)
    receiver = Receiver([])
    sender = delivery(webhook, receiver)
    while sender.deliver_pending():
        pass
    assert sorted(e["detail-type"] for e in receiver.bodies) == sorted(WEBHOOK_DETAIL_TYPES)
    published = {DETAIL_TYPES[type(d)]: json.loads(d.model_dump_json()) for d in details}
    for event in receiver.bodies:
        assert list(event) == list(webhooks.ENVELOPE)
        assert (event["version"], event["source"], event["account"]) == ("0", "scorecard", ACCOUNT)
        assert event["region"] == "us-east-1" and event["resources"] == []
        assert event["detail"] == published[event["detail-type"]]  # event_id included
        assert event["time"].endswith("Z")
    assert sender.delivered == 5 and dead_letters(webhook) == []


def test_a_failed_delivery_is_retried_and_the_event_arrives_once(webhook: webhooks.WebhookTarget) -> None:
    EventBridgePublisher(webhook.bus_name).publish(sample_details()[:1])  # ReviewRequested: not forwarded
    EventBridgePublisher(webhook.bus_name).publish([sample_details()[2]])  # ScoreChanged
    receiver = Receiver([500, 429, None])  # two error answers, then no answer at all, then 200
    sender = delivery(webhook, receiver)
    while sender.deliver_pending():
        pass
    assert [e["detail-type"] for e in receiver.bodies] == ["ScoreChanged"] * 4
    assert len({e["id"] for e in receiver.bodies}) == 1  # the same event each time
    assert (sender.delivered, sender.dead_lettered, dead_letters(webhook)) == (1, 0, [])
    # Seen again (a message visible again after its delivery): not sent a second time.
    client("sqs").send_message(QueueUrl=webhook.queue_url, MessageBody=json.dumps(receiver.bodies[-1]))
    assert sender.deliver_pending() == 1
    assert len(receiver.bodies) == 4 and sender.delivered == 1


def test_a_refused_event_is_dead_lettered_at_once(webhook: webhooks.WebhookTarget) -> None:
    EventBridgePublisher(webhook.bus_name).publish([sample_details()[2]])
    receiver = Receiver([400])
    sender = delivery(webhook, receiver)
    sender.deliver_pending()
    assert len(receiver.bodies) == 1  # a 4xx other than 429 is not retried
    (letter,) = dead_letters(webhook)
    assert json.loads(letter["Body"]) == receiver.bodies[0]
    attributes = {name: value["StringValue"] for name, value in letter["MessageAttributes"].items()}
    assert attributes == {
        "ERROR_CODE": "HTTP_400",
        "ERROR_MESSAGE": "HTTP 400",
        "EXHAUSTED_RETRY_CONDITION": "NonRetryableError",
        "RETRY_ATTEMPTS": "0",
        "RULE_ARN": webhook.rule_arn,
        "TARGET_ARN": webhook.destination_arn,
    }
    assert client("sqs").receive_message(QueueUrl=webhook.queue_url).get("Messages", []) == []


def test_an_event_out_of_attempts_is_dead_lettered(webhook: webhooks.WebhookTarget) -> None:
    EventBridgePublisher(webhook.bus_name).publish([sample_details()[2]])
    receiver = Receiver([503] * webhooks.LOCAL_ATTEMPTS)
    sender = delivery(webhook, receiver)
    sender.deliver_pending()
    assert len(receiver.bodies) == webhooks.LOCAL_ATTEMPTS == 5
    (letter,) = dead_letters(webhook)
    attributes = {name: value["StringValue"] for name, value in letter["MessageAttributes"].items()}
    assert (
        attributes["ERROR_CODE"],
        attributes["EXHAUSTED_RETRY_CONDITION"],
        attributes["RETRY_ATTEMPTS"],
    ) == (
        "HTTP_503",
        "MaximumRetryAttempts",
        "4",
    )
    assert (sender.delivered, sender.dead_lettered) == (0, 1)


def test_the_moto_resources_are_the_templates(webhook: webhooks.WebhookTarget) -> None:
    """Header name, method, rate limit and event pattern come from template.yaml."""
    events = client("events")
    destination = events.describe_api_destination(Name=f"{PREFIX}-WebhookDestination")
    assert (destination["InvocationEndpoint"], destination["HttpMethod"]) == (URL, "POST")
    assert destination["InvocationRateLimitPerSecond"] == 10  # WebhookRateLimitPerSecond's default
    assert (webhook.header, webhook.method, webhook.rate_per_second) == ("x-api-key", "POST", 10.0)
    rule = events.describe_rule(Name=f"{PREFIX}-WebhookRule", EventBusName=webhook.bus_name)
    pattern = json.loads(rule["EventPattern"])
    assert pattern == {"source": ["scorecard"], "detail-type": list(WEBHOOK_DETAIL_TYPES)}


def test_without_a_webhook_the_local_stack_creates_none_of_it(aws: None) -> None:
    """SCORECARD_WEBHOOK_URL unset: no config, and the conditional queue is not created."""
    assert webhooks.WebhookConfig.from_env({}) is None
    assert webhooks.WebhookConfig.from_env({webhooks.URL_ENV: " "}) is None
    assert webhooks.WebhookConfig.from_env({webhooks.URL_ENV: URL}) == webhooks.WebhookConfig(URL, None)
    template = load_template(ROOT / "template.yaml")
    resources = LocalResources()
    create_queues(client("sqs"), template, PREFIX, resources)
    assert webhooks.DEAD_LETTERS not in resources.refs
    assert "DailyDeadLetterQueue" in resources.refs
    assert webhooks.BUS not in resources.refs  # EVENT_BUS_NAME stays unset: nothing is published
