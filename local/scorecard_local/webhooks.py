"""The portal webhook, locally: what template.yaml's WebhookConnection, WebhookDestination and
WebhookRule do in AWS (docs/integration.md), when SCORECARD_WEBHOOK_URL is set.

In moto: the score bus, the connection (API-key auth, header name from the template), the API
destination (endpoint, method and rate limit from the template) and the rule with the template's
own event pattern. moto matches the pattern but cannot deliver to an API destination (no body, no
auth, no retries), so the rule's target is an SQS queue, the local stand-in for the destination:
`WebhookDelivery` drains it in a thread of its own and POSTs each event, in EventBridge's envelope
with the connection's `x-api-key` header, to the URL. Like EventBridge it retries 429, 5xx and
unanswered requests with exponential backoff (bounded: LOCAL_ATTEMPTS, a few seconds, where the
template allows a day), sends nothing else twice, and puts an event it gives up on (or a refused one,
another 4xx) in the template's WebhookDeadLetterQueue with EventBridge's dead-letter attributes.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scorecard.adapters.aws import client

from scorecard_local.template_resources import LocalResources, physical_name

URL_ENV = "SCORECARD_WEBHOOK_URL"
KEY_ENV = "SCORECARD_WEBHOOK_KEY"
CONDITION = "HasWebhook"  # template.yaml's condition of the webhook resources
CONNECTION, DESTINATION, RULE = "WebhookConnection", "WebhookDestination", "WebhookRule"
DEAD_LETTERS = "WebhookDeadLetterQueue"
BUS = "ScoreEventBus"
DELIVERY_QUEUE = "WebhookDelivery"  # not in the template: the local stand-in for the API destination

# EventBridge's envelope, in its order (moto's SQS target leaves `account` out: it is filled in).
ENVELOPE = ("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail")
LOCAL_ATTEMPTS = 5  # the first try and 4 retries, 0.5 + 1 + 2 + 4 s apart
FIRST_BACKOFF_SECONDS = 0.5
REQUEST_TIMEOUT_SECONDS = 5.0  # what EventBridge waits for an API destination's answer
USER_AGENT = "Amazon/EventBridge/ApiDestinations"
IDLE_POLL_SECONDS = 1.0  # between looks at an empty queue when nothing woke the thread

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    key: str | None  # sent as the connection's header when set

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebhookConfig | None:
        url = (env.get(URL_ENV) or "").strip()
        if not url:
            return None
        return cls(url, env.get(KEY_ENV) or None)


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """What was built in moto, and what the delivery thread needs."""

    config: WebhookConfig
    header: str  # the connection's API-key header name
    method: str
    rate_per_second: float
    bus_name: str
    rule_arn: str
    destination_arn: str
    queue_url: str  # the rule's target here
    dead_letter_url: str


def _resolve(value: Any, refs: Mapping[str, str]) -> str:
    """A literal, or a `!Ref` to a parameter the local stack knows."""
    if isinstance(value, dict) and "Ref" in value:
        return refs[str(value["Ref"])]
    return str(value)


def provision(
    template: Mapping[str, Any], prefix: str, resources: LocalResources, config: WebhookConfig
) -> WebhookTarget:
    """Create the score bus, connection, API destination and rule of the template in moto; the rule
    targets a local delivery queue. The dead-letter queue is the template's (create_queues made it).
    `resources.refs` then resolves `!Ref ScoreEventBus`, so the functions publish to it."""
    declared = template["Resources"]
    events, sqs = client("events"), client("sqs")
    bus_name = physical_name(prefix, BUS)
    events.create_event_bus(Name=bus_name)
    resources.refs[BUS] = bus_name

    connection = declared[CONNECTION]["Properties"]
    header = str(connection["AuthParameters"]["ApiKeyAuthParameters"]["ApiKeyName"])
    connection_arn = events.create_connection(
        Name=physical_name(prefix, CONNECTION),
        AuthorizationType=connection["AuthorizationType"],
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": header, "ApiKeyValue": config.key or "-"}},
    )["ConnectionArn"]

    destination = declared[DESTINATION]["Properties"]
    rate = int(_resolve(destination["InvocationRateLimitPerSecond"], resources.refs))
    method = _resolve(destination["HttpMethod"], resources.refs)
    destination_arn = events.create_api_destination(
        Name=physical_name(prefix, DESTINATION),
        ConnectionArn=connection_arn,
        InvocationEndpoint=config.url,
        HttpMethod=method,  # type: ignore[arg-type]
        InvocationRateLimitPerSecond=rate,
    )["ApiDestinationArn"]

    rule = declared[RULE]["Properties"]
    rule_name = physical_name(prefix, RULE)
    rule_arn = events.put_rule(
        Name=rule_name,
        EventBusName=bus_name,
        EventPattern=json.dumps(rule["EventPattern"]),
        State=rule.get("State", "ENABLED"),
    )["RuleArn"]
    queue_url = sqs.create_queue(QueueName=physical_name(prefix, DELIVERY_QUEUE))["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
    (target,) = rule["Targets"]
    events.put_targets(
        Rule=rule_name, EventBusName=bus_name, Targets=[{"Id": target["Id"], "Arn": attributes["QueueArn"]}]
    )
    return WebhookTarget(
        config=config,
        header=header,
        method=method,
        rate_per_second=float(rate),
        bus_name=bus_name,
        rule_arn=rule_arn,
        destination_arn=destination_arn,
        queue_url=queue_url,
        dead_letter_url=resources.refs[DEAD_LETTERS],
    )


def envelope(body: str, account: str) -> dict[str, Any]:
    """EventBridge's envelope of a rule's event, from what moto put on the queue."""
    event = json.loads(body)
    event.setdefault("account", account)
    return {key: event[key] for key in ENVELOPE}


@dataclass(frozen=True, slots=True)
class Attempt:
    status: int | None  # None: no answer (refused connection, timeout)
    error: str

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        """What EventBridge retries: 429, 5xx, and requests that got no answer."""
        return self.status is None or self.status == 429 or self.status >= 500


Post = Callable[[WebhookTarget, bytes], Attempt]


def post(target: WebhookTarget, body: bytes) -> Attempt:
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    if target.config.key is not None:
        headers[target.header] = target.config.key
    request = urllib.request.Request(target.config.url, data=body, method=target.method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            response.read()
            return Attempt(response.status, "")
    except urllib.error.HTTPError as error:
        return Attempt(error.code, f"HTTP {error.code}")
    except (OSError, ValueError) as error:  # refused, reset, timed out, a URL urllib cannot use
        return Attempt(None, str(error) or type(error).__name__)


class WebhookDelivery:
    """The delivery thread. Every moto call holds `lock` (the stack's: moto is not thread-safe); the
    HTTP requests and the backoff waits do not, so the API keeps answering meanwhile."""

    def __init__(
        self,
        target: WebhookTarget,
        lock: threading.RLock,
        account: str,
        *,
        attempts: int = LOCAL_ATTEMPTS,
        first_backoff: float = FIRST_BACKOFF_SECONDS,
        send: Post = post,
    ) -> None:
        self.target = target
        self._lock = lock
        self._account = account
        self._attempts = attempts
        self._first_backoff = first_backoff
        self._send = send
        self._delivered: set[str] = set()  # envelope ids: a message seen again is never re-sent
        self._next_send = 0.0  # monotonic time the rate limit allows the next request at
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-delivery", daemon=True)
        self.delivered = 0
        self.dead_lettered = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        self._thread.join(timeout=REQUEST_TIMEOUT_SECONDS + 2)

    def wake(self) -> None:
        """Events may have been published (after a request or a scheduled run): look now."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(IDLE_POLL_SECONDS)
            self._wake.clear()
            try:
                while not self._stopped.is_set() and self.deliver_pending():
                    pass
            except Exception:  # a moto or programming error: logged, the thread goes on
                log.exception("webhook delivery failed")

    def deliver_pending(self) -> int:
        """Deliver what the queue holds now (up to 10 messages); returns how many were taken."""
        sqs = client("sqs")
        with self._lock:
            messages = sqs.receive_message(
                QueueUrl=self.target.queue_url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=600,  # longer than every attempt and backoff of a batch
                WaitTimeSeconds=0,
            ).get("Messages", [])
        for message in messages:
            event = envelope(message["Body"], self._account)
            if event["id"] in self._delivered or self._deliver(event):
                with self._lock:
                    sqs.delete_message(QueueUrl=self.target.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _deliver(self, event: dict[str, Any]) -> bool:
        """Delivered or dead-lettered (True), or left on the queue because the stack is stopping."""
        body = json.dumps(event, separators=(",", ":")).encode()
        attempt = Attempt(None, "not sent")
        number = 0
        while number < self._attempts:
            if self._stopped.is_set():
                return False
            self._pace()
            number += 1
            attempt = self._send(self.target, body)
            if attempt.delivered:
                self._delivered.add(str(event["id"]))
                self.delivered += 1
                return True
            if not attempt.retryable:
                break
            if number < self._attempts:
                self._stopped.wait(self._first_backoff * 2 ** (number - 1))
        self._dead_letter(event, attempt, number)
        return True

    def _pace(self) -> None:
        """At most the destination's InvocationRateLimitPerSecond requests a second."""
        now = time.monotonic()
        if self._next_send > now:
            self._stopped.wait(self._next_send - now)
        self._next_send = max(now, self._next_send) + 1.0 / self.target.rate_per_second

    def _dead_letter(self, event: dict[str, Any], attempt: Attempt, attempts: int) -> None:
        """The event, with the attributes EventBridge gives a dead letter."""
        retryable = attempt.retryable
        attributes = {
            "ERROR_CODE": "SDK_CLIENT_ERROR" if attempt.status is None else f"HTTP_{attempt.status}",
            "ERROR_MESSAGE": attempt.error or "delivery failed",
            "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts" if retryable else "NonRetryableError",
            "RETRY_ATTEMPTS": str(attempts - 1),
            "RULE_ARN": self.target.rule_arn,
            "TARGET_ARN": self.target.destination_arn,
        }
        log.warning("webhook event %s dead-lettered: %s", event["id"], attributes["ERROR_MESSAGE"])
        with self._lock:
            client("sqs").send_message(
                QueueUrl=self.target.dead_letter_url,
                MessageBody=json.dumps(event),
                MessageAttributes={
                    name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()
                },
            )
        self.dead_lettered += 1
