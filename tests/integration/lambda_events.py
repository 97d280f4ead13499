"""Sample Lambda events from events/, loaded fresh for each use and patched field by field.

Every sample is a real-shaped event (API Gateway REST proxy v1, EventBridge Scheduler input); a test
loads one and changes only what it is about (the caller in the authorizer context, the body, the
query string, a header), so the samples themselves stay exercised by the suite.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EVENTS_DIR = ROOT / "events"

_UNSET: Any = object()


@cache
def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text(encoding="utf-8"))
    return data


def load_event(name: str) -> dict[str, Any]:
    """A deep copy of events/<name> (the handlers mutate the events they get)."""
    return copy.deepcopy(_read(name if name.endswith(".json") else f"{name}.json"))


def sample_body(name: str) -> Any:
    """The decoded JSON body of an API Gateway sample."""
    return json.loads(load_event(name)["body"])


def set_header(event: dict[str, Any], name: str, value: str | None) -> dict[str, Any]:
    """Set (or with None remove) a header in both headers and multiValueHeaders, case-insensitively."""
    for key in ("headers", "multiValueHeaders"):
        current = {k: v for k, v in (event.get(key) or {}).items() if k.lower() != name.lower()}
        if value is not None:
            current[name] = value if key == "headers" else [value]
        event[key] = current
    return event


def set_query(event: dict[str, Any], query: dict[str, str] | None) -> dict[str, Any]:
    event["queryStringParameters"] = dict(query) if query else None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    return event


def api_event(
    name: str,
    *,
    caller: dict[str, str] | None = _UNSET,
    body: Any = _UNSET,
    raw_body: str | None = _UNSET,
    path: str | None = None,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = _UNSET,
    content_type: str | None = _UNSET,
) -> dict[str, Any]:
    """An API Gateway sample with some fields replaced.

    caller: the authorizer context ({"role", "partner_id", "sub"}) or None for none at all;
    body: a value to JSON-encode; raw_body: the body text as is; path: the request path (resource,
    pathParameters and requestContext follow only where given); query: query string parameters;
    content_type: the Content-Type header (None removes it).
    """
    event = load_event(name)
    if caller is not _UNSET:
        context = event["requestContext"]
        if caller is None:
            context.pop("authorizer", None)
        else:
            context["authorizer"] = {"principalId": caller.get("sub", ""), **caller}
    if body is not _UNSET:
        event["body"] = json.dumps(body)
    if raw_body is not _UNSET:
        event["body"] = raw_body
    if path is not None:
        event["path"] = path
        event["requestContext"]["path"] = f"/{event['requestContext']['stage']}{path}"
    if path_parameters is not None:
        event["pathParameters"] = path_parameters
    if query is not _UNSET:
        set_query(event, query)
    if content_type is not _UNSET:
        set_header(event, "Content-Type", content_type)
    return event


def caller(role: str, partner_id: str | None = None) -> dict[str, str]:
    """The authorizer context the TOKEN authorizer returns for this principal (flat strings)."""
    subject = f"partner:{partner_id}" if role == "partner" else role
    return {"role": role, "partner_id": partner_id or "", "sub": subject}


def response_json(response: dict[str, Any]) -> Any:
    """The decoded body of a Lambda proxy response."""
    return json.loads(response["body"])
