"""The local outbox: every email moto's SES accepted, as {to, subject, text, html} (docs/api.md)."""

from __future__ import annotations

import re
from email import message_from_string
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any


def sent_emails(account_id: str, region: str) -> list[dict[str, Any]]:
    """Read moto's SES backend in-process (send_raw_email messages are parsed; send_email ones are
    taken as they are)."""
    from moto.ses.models import ses_backends

    emails: list[dict[str, Any]] = []
    for sent in ses_backends[account_id][region].sent_messages:
        raw = getattr(sent, "raw_data", None)
        if raw is not None:
            message = message_from_string(raw, policy=default)
            assert isinstance(message, EmailMessage)
            text = message.get_body(preferencelist=("plain",))
            html = message.get_body(preferencelist=("html",))
            emails.append(
                {
                    "to": str(message["To"] or ", ".join(sent.destinations)),
                    "subject": str(message["Subject"] or ""),
                    "text": text.get_content() if isinstance(text, EmailMessage) else None,
                    "html": html.get_content() if isinstance(html, EmailMessage) else None,
                    "message_id": sent.id,
                }
            )
        elif hasattr(sent, "subject"):
            destinations = getattr(sent, "destinations", {}) or {}
            emails.append(
                {
                    "to": ", ".join(destinations.get("ToAddresses", [])),
                    "subject": sent.subject,
                    "text": sent.body,
                    "html": None,
                    "message_id": sent.id,
                }
            )
    return emails


def write_outbox(directory: Path, emails: list[dict[str, Any]]) -> list[Path]:
    """Each email's HTML (or text) as .local/outbox/<n>-<to>.html, the directory emptied first."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.html"):
        old.unlink()
    paths: list[Path] = []
    for number, email in enumerate(emails, start=1):
        recipient = re.sub(r"[^A-Za-z0-9@._-]+", "_", email["to"])[:80] or "unknown"
        path = directory / f"{number:03d}-{recipient}.html"
        body = email["html"] or "<pre>{}</pre>".format(
            (email["text"] or "").replace("&", "&amp;").replace("<", "&lt;")
        )
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths
