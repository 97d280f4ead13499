"""Who is calling (from the Lambda authorizer's context) and what they may touch (DESIGN §6)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Protocol

from scorecard.api.errors import ApiError
from scorecard.auth import AuthError, Principal, Role, can_access_partner, principal_from_request_context


class HasEvent(Protocol):
    @property
    def current_event(self) -> Any: ...


def caller(app: HasEvent) -> Principal:
    """The principal the Lambda authorizer (or the local server, running the same check) put in
    requestContext.authorizer."""
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    try:
        return principal_from_request_context(dict(context))
    except AuthError as error:
        raise ApiError(HTTPStatus.UNAUTHORIZED, "unauthorized", str(error)) from error


def require_role(app: HasEvent, *roles: Role) -> Principal:
    principal = caller(app)
    if principal.role not in roles:
        raise ApiError(HTTPStatus.FORBIDDEN, "forbidden", f"role {principal.role} may not do this")
    return principal


def require_partner(app: HasEvent, partner_id: str, *roles: Role) -> Principal:
    """Ops and service see every partner; a partner sees only itself."""
    principal = require_role(app, *roles)
    if not can_access_partner(principal, partner_id):
        raise ApiError(HTTPStatus.FORBIDDEN, "forbidden", "partners may only see their own data")
    return principal
