"""The Powertools internals api/access.py and api/resolver.py rely on, pinned: an upgrade that moves
them fails here by name, not as a role check that silently stops running before validation."""

from __future__ import annotations

import inspect
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)
from pydantic import BaseModel
from scorecard.api.access import AccessBeforeValidation


class _Body(BaseModel):
    n: int


def _event(path: str, body: Any) -> dict[str, Any]:
    return {
        "httpMethod": "POST",
        "path": path,
        "resource": "/items/{partner_id}",
        "pathParameters": {"partner_id": path.rsplit("/", 1)[-1]},
        "headers": {"Content-Type": "application/json"},
        "requestContext": {"stage": "test", "path": path, "httpMethod": "POST", "resourcePath": path},
        "body": json.dumps(body),
        "isBase64Encoded": False,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "multiValueHeaders": {},
    }


def test_the_validation_middleware_is_an_attribute_the_stack_puts_first() -> None:
    app = APIGatewayRestResolver(enable_validation=True)
    assert isinstance(app._request_validation_middleware, OpenAPIRequestValidationMiddleware)
    # Each route's stack is built from that attribute, so replacing it replaces the validation step.
    assert "app._request_validation_middleware" in inspect.getsource(Route._build_middleware_stack)


def test_the_replaced_middleware_runs_before_validation_and_sees_the_route_and_its_args() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    class Recording(AccessBeforeValidation):
        def handler(self, app: Any, next_middleware: Any) -> Any:
            route = app.context.get("_route")
            seen.append((route.func.__name__, dict(app.context.get("_route_args") or {})))
            return super(AccessBeforeValidation, self).handler(app, next_middleware)

    app = APIGatewayRestResolver(enable_validation=True)
    app._request_validation_middleware = Recording()

    @app.post("/items/<partner_id>")
    def create_item(partner_id: str, body: _Body) -> dict[str, Any]:
        return {"partner_id": partner_id, "n": body.n}

    ok = app.resolve(_event("/items/p-1", {"n": 3}), {})
    bad = app.resolve(_event("/items/p-2", {"n": "not a number"}), {})

    assert ok["statusCode"] == 200 and json.loads(ok["body"]) == {"partner_id": "p-1", "n": 3}
    assert bad["statusCode"] == 422  # validation still runs, after the middleware
    assert seen == [("create_item", {"partner_id": "p-1"}), ("create_item", {"partner_id": "p-2"})]
