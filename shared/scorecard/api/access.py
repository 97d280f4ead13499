"""Who is calling (from the Lambda authorizer's context) and what they may touch (docs/api.md).

Each route declares its roles once with `@allow(...)`. `AccessBeforeValidation` checks them, and a
partner's own `partner_id` in the path, before Powertools validates the request: a caller who may
not use a route gets 401/403 whatever its body (never the schema's field list). Powertools runs the
request-validation middleware first of all (`_build_middleware_stack` in
aws_lambda_powertools/event_handler/api_gateway.py puts `app._request_validation_middleware` before
router and route middlewares), so the check extends that middleware rather than being one of them.
tests/unit/test_powertools_internals.py pins these internals (and the context's `_route`,
`_route_args`), so an upgrade that moves them fails by name.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, Protocol, TypeVar

from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)

from scorecard.api.errors import ApiError
from scorecard.auth.tokens import (
    AuthError,
    Principal,
    Role,
    can_access_partner,
    principal_from_request_context,
)

ALLOWED_ROLES = "__scorecard_allowed_roles__"
Route = TypeVar("Route", bound=Callable[..., Any])


class HasEvent(Protocol):
    @property
    def current_event(self) -> Any: ...


def allow(*roles: Role) -> Callable[[Route], Route]:
    """Declare who may call the route (put it under the router's decorator). A partner may only
    ever touch its own `partner_id`; ops and service see every partner."""

    def declare(route: Route) -> Route:
        setattr(route, ALLOWED_ROLES, frozenset(roles))
        return route

    return declare


def caller(app: HasEvent) -> Principal:
    """The principal the Lambda authorizer (or the local server, running the same check) put in
    requestContext.authorizer."""
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    try:
        return principal_from_request_context(dict(context))
    except AuthError as error:
        raise ApiError(HTTPStatus.UNAUTHORIZED, "unauthorized", str(error)) from error


def check_access(app: HasEvent, roles: frozenset[str], partner_id: str | None) -> Principal:
    principal = caller(app)
    if principal.role not in roles:
        raise ApiError(HTTPStatus.FORBIDDEN, "forbidden", f"role {principal.role} may not do this")
    if partner_id is not None and not can_access_partner(principal, partner_id):
        raise ApiError(HTTPStatus.FORBIDDEN, "forbidden", "partners may only see their own data")
    return principal


class AccessBeforeValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, preceded by the route's declared roles and partner ownership."""

    def handler(self, app: Any, next_middleware: NextMiddleware) -> Any:
        route = app.context.get("_route")
        roles: frozenset[str] | None = getattr(getattr(route, "func", None), ALLOWED_ROLES, None)
        if roles is not None:
            partner_id = (app.context.get("_route_args") or {}).get("partner_id")
            check_access(app, roles, None if partner_id is None else str(partner_id))
        return super().handler(app, next_middleware)
