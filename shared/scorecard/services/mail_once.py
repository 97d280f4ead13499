"""Exactly one email per (partner, kind, ref), whatever retries, re-runs or crashes happen.

    claim (conditional write) -> send through SES -> record the SES message id

A claim that is already "sent" means done; one "sending" within its lease means another sender is at
work (or died moments ago): the caller fails the SQS record so the message comes back after the
visibility timeout, by which time the claim is either "sent" or stale and can be taken over. When SES
definitely refused the message the claim is released at once. The one gap SES leaves (it has no
idempotency token) is a crash after SES accepted the message and before the id is recorded: that
email goes out once more after the lease. Every other path sends exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Literal

import msgspec
from aws_lambda_powertools import Logger

from scorecard.adapters.mail_claims import MailClaim, MailClaims
from scorecard.adapters.mailer import MailNotSent
from scorecard.platform.observability import EMAILS_FAILED, EMAILS_SENT, count
from scorecard.ports import Mailer

logger = Logger(child=True)

Outcome = Literal["sent", "already_sent", "no_address"]


class ClaimHeld(RuntimeError):
    """Another sender holds a live claim: retry later (the SQS record is failed and comes back)."""


class SendResult(msgspec.Struct, frozen=True):
    outcome: Outcome
    message_id: str | None = None


def send_once(
    claims: MailClaims,
    mailer: Mailer,
    *,
    partner_id: str,
    kind: str,
    ref: str,
    recipient: str | None,
    build: Callable[[str], EmailMessage],
    clock: Callable[[], datetime],
    lease: timedelta,
) -> SendResult:
    """Send the message `build(recipient)` unless it was sent before. Raises ClaimHeld, or the
    mailer's error (after releasing the claim when SES refused the message)."""
    if not recipient:
        logger.info("no email address: not sent", extra={"partner_id": partner_id, "kind": kind, "ref": ref})
        return SendResult("no_address")
    message = build(recipient)  # rendered before claiming: a template error leaves no claim behind
    claimed = claims.try_claim(partner_id, kind, ref, recipient=recipient, now=clock(), lease=lease)
    if not isinstance(claimed, MailClaim):
        if claimed.status == "sent":
            return SendResult("already_sent", claimed.message_id)
        raise ClaimHeld(f"{kind} {ref} of {partner_id} is being sent since {claimed.claimed_at}")
    if claimed.attempt > 1:
        logger.warning(
            "taking over a stale email claim",
            extra={"partner_id": partner_id, "kind": kind, "ref": ref, "attempt": claimed.attempt},
        )
    try:
        message_id = mailer.send(message)
    except MailNotSent:
        claims.release(claimed)
        count(EMAILS_FAILED)
        raise
    count(EMAILS_SENT)
    if not claims.mark_sent(claimed, message_id, clock()):
        logger.error(
            "email claim was taken over while sending: the partner may get this email twice",
            extra={"partner_id": partner_id, "kind": kind, "ref": ref, "message_id": message_id},
        )
    return SendResult("sent", message_id)


class MailOut(msgspec.Struct, frozen=True):
    """What every once-only email needs: the claims, the mailer, the sender, the clock, the lease."""

    claims: MailClaims
    mailer: Mailer
    sender: str
    clock: Callable[[], datetime]
    lease: timedelta

    def send(
        self,
        *,
        partner_id: str,
        kind: str,
        ref: str,
        recipient: str | None,
        subject: str,
        text: str,
        html: str,
    ) -> SendResult:
        """A multipart text + HTML email, sent at most once for (partner, kind, ref)."""
        from scorecard.adapters.mailer import mime_message
        from scorecard.email.format import PRODUCT

        return send_once(
            self.claims,
            self.mailer,
            partner_id=partner_id,
            kind=kind,
            ref=ref,
            recipient=recipient,
            build=lambda to: mime_message(
                sender=self.sender,
                sender_name=PRODUCT,
                to=to,
                subject=subject,
                text=text,
                html=html,
                now=self.clock(),
            ),
            clock=self.clock,
            lease=self.lease,
        )
