"""Sending email through SES (v1 SendRawEmail: multipart text + HTML), paced and throttle-aware.

Pacing: every sending function instance waits at least `senders / max_rate` seconds between sends, so
`senders` instances together stay under the account's SES rate (template.yaml sets `senders` to the
sum of the SQS event sources' MaximumConcurrency). SES `Throttling` answers ("Maximum sending rate
exceeded", also "Daily message quota exceeded") are retried with exponential backoff and jitter a
bounded number of times; past that `SendThrottled` is raised and the SQS message goes back to the queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from functools import cache

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from scorecard.adapters.aws import client
from scorecard.adapters.retry import backoff

logger = Logger(child=True)

THROTTLE_ATTEMPTS = 5
THROTTLE_BASE_DELAY = 0.5  # seconds, at most, before the second attempt; doubling (adapters.retry)
THROTTLE_MAX_DELAY = 8.0

_sleep: Callable[[float], None] = time.sleep  # tests replace it
_monotonic: Callable[[], float] = time.monotonic


class MailNotSent(RuntimeError):
    """SES refused the message: it was definitely not sent (the once-only claim may be released)."""


class SendThrottled(MailNotSent):
    """Still throttled after the bounded retries."""


class SendRejected(MailNotSent):
    """Any other SES refusal (unverified sender, invalid address, account paused...)."""


def mime_message(
    *, sender: str, sender_name: str, to: str, subject: str, text: str, html: str, now: datetime
) -> EmailMessage:
    """multipart/alternative: text first, HTML last (clients show the last part they can render)."""
    message = EmailMessage()
    message["From"] = Address(sender_name, addr_spec=sender)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


class Pacer:
    """At most one send per `interval` seconds from this process (a warm Lambda keeps it)."""

    def __init__(self, interval: float) -> None:
        self.interval = max(0.0, interval)
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = _monotonic()
            if now < self._next:
                _sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


class SesMailer:
    def __init__(self, sender: str, pacer: Pacer | None = None) -> None:
        self.sender = sender
        self._pacer = pacer or Pacer(0.0)

    def send(self, message: EmailMessage) -> str:
        """Send; returns SES's message id. Raises MailNotSent subclasses when SES refused."""
        recipients = [str(address) for address in message.get_all("To", [])]
        raw = message.as_bytes(policy=SMTP)  # CRLF line ends, as SMTP (and SES) expect
        for attempt in range(1, THROTTLE_ATTEMPTS + 1):
            self._pacer.wait()
            try:
                response = client("ses").send_raw_email(
                    Source=self.sender, Destinations=recipients, RawMessage={"Data": raw}
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code != "Throttling":
                    raise SendRejected(f"SES refused the message: {code}") from error
                if attempt == THROTTLE_ATTEMPTS:
                    raise SendThrottled(f"SES throttled {attempt} attempts") from error
                delay = backoff(attempt - 1, THROTTLE_BASE_DELAY, THROTTLE_MAX_DELAY)
                logger.warning("SES throttled; retrying", extra={"attempt": attempt, "delay_s": delay})
                _sleep(delay)
                continue
            message_id: str = response["MessageId"]
            return message_id
        raise AssertionError("unreachable")  # pragma: no cover


@cache
def pacer_for(max_rate: float, senders: int) -> Pacer:
    """One pacer per process and setting: a warm Lambda container keeps its pace across invocations."""
    return Pacer(senders / max_rate if max_rate > 0 else 0.0)
