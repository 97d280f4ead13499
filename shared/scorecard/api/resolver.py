"""The Powertools resolvers the Lambda handlers (and the local server, through them) run."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import aws_lambda_powertools
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from scorecard.api.access import AccessBeforeValidation
from scorecard.api.errors import error_response, install_error_handlers
from scorecard.api.params import parse_json_body
from scorecard.bootstrap import bootstrap
from scorecard.domain.calendar import VALIDATION_NOW

MAX_BODY_BYTES = 1024 * 1024
# The routes that take a policy document: their bodies are bounded by the policy's own bound
# (domain.policy.MAX_POLICY_BYTES, 64 KB), refused with 413 before anything parses them.
POLICY_BODY_PATHS = frozenset({"/v1/policy/versions", "/v1/policy/simulate", "/v1/policy/backtests"})
OPENAPI_TITLE = "Partner Scorecard API"
OPENAPI_VERSION = "1.0.0"
DOCS_PATH = "/v1/docs"  # Swagger UI (template.yaml routes it to the API function, unauthenticated)
OPENAPI_PATH = "/v1/openapi.json"
SWAGGER_ASSETS = Path(aws_lambda_powertools.__file__).parent / "event_handler" / "openapi" / "swagger_ui"


def build_resolver(routers: Iterable[APIGatewayRouter]) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=parse_json_body)
    # Roles first, then the body: see api/access.py.
    app._request_validation_middleware = AccessBeforeValidation()
    for router in routers:
        app.include_router(router)
    install_error_handlers(app)
    return app


def all_routers() -> list[APIGatewayRouter]:
    """Every router of the API, in the OpenAPI document's order."""
    from scorecard.api.backtests import backtests_router
    from scorecard.api.events import events_router
    from scorecard.api.exports import exports_router
    from scorecard.api.jobs import jobs_router
    from scorecard.api.partners import partners_router
    from scorecard.api.policy import policy_router
    from scorecard.api.rejections import rejections_router
    from scorecard.api.reviews import reviews_router
    from scorecard.api.scores import scores_router
    from scorecard.api.snapshots import snapshots_router

    return [
        events_router,
        partners_router,
        scores_router,
        jobs_router,
        rejections_router,
        snapshots_router,
        reviews_router,
        policy_router,
        backtests_router,
        exports_router,
    ]


def build_api() -> APIGatewayRestResolver:
    """The whole API: every route, GET /v1/openapi.json and its Swagger UI at DOCS_PATH."""
    app = build_resolver(all_routers())
    app.get(OPENAPI_PATH, include_in_schema=False)(lambda: openapi_response(app))
    enable_docs(app)
    return app


def _document_info() -> dict[str, Any]:
    """What the OpenAPI document says about itself: one set for /v1/openapi.json and /v1/docs."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer  # only the document needs it

    return {
        "title": OPENAPI_TITLE,
        "version": OPENAPI_VERSION,
        "description": "Success Scores, monthly snapshots and reviews for manufacturing partners.",
        "security_schemes": {"bearer": HTTPBearer(bearerFormat="JWT")},
        "security": [{"bearer": []}],
    }


def openapi_document(app: APIGatewayRestResolver) -> str:
    return app.get_openapi_json_schema(**_document_info())


def enable_docs(app: APIGatewayRestResolver) -> None:
    """Powertools' Swagger UI page at DOCS_PATH over `app`'s own document, with the Swagger UI
    JavaScript and CSS that ship inside the Powertools package (no CDN: it works offline, at the
    price of a ~1.7 MB page). Built on request: its OpenAPI models are the largest import of the API
    function, and only this page and GET /v1/openapi.json use them."""

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> Response[str]:
        return Response(status_code=200, content_type="text/html", body=swagger_page(app))


def swagger_page(app: APIGatewayRestResolver) -> str:
    from aws_lambda_powertools.event_handler.openapi.models import Server
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    # "Try it out" goes through the stage when called on the execute-api domain (the stage in the
    # path), and straight to the path on a custom domain.
    context = app.current_event.request_context
    stage = context.stage
    base = f"/{stage}" if stage and stage != "$default" and context.path.startswith(f"/{stage}") else "/"
    spec = app.get_openapi_json_schema(**_document_info(), servers=[Server(url=base)])
    assets = SWAGGER_ASSETS
    return generate_swagger_html(
        spec.replace("</", "<\\/"),  # no "</script>" can close the page's script early
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        "",
        None,
    )


def _body_size(event: dict[str, Any]) -> int:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return len(base64.b64decode(body, validate=False))
        except ValueError:  # not base64: answered 400 once the size is known to be fine
            return len(body)
    return len(body.encode("utf-8"))


def body_limit(event: dict[str, Any]) -> int:
    """The largest body this request may carry: MAX_BODY_BYTES, or a policy's bound on the routes
    that take one."""
    if event.get("httpMethod") == "POST" and (event.get("path") or "").rstrip("/") in POLICY_BODY_PATHS:
        from scorecard.domain.policy import MAX_POLICY_BYTES  # the policy routes import it anyway

        return MAX_POLICY_BYTES
    return MAX_BODY_BYTES


def _plain_response(app: APIGatewayRestResolver, response: Response[Any]) -> dict[str, Any]:
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps(response.body or {}, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def _normalise_content_type(event: dict[str, Any]) -> Response[Any] | None:
    """Every body is JSON. JSON types (any case, `+json` suffixes), a missing type and the form type
    `curl -d` sends by default are all handed to the resolver as application/json, the one type it
    parses; any other type is 415."""
    headers = event.get("headers") or {}
    name = next((k for k in headers if k.lower() == "content-type"), "content-type")
    value = str(headers.get(name) or "").split(";")[0].strip().lower()
    if value in ("", "application/x-www-form-urlencoded", "application/json") or value.endswith("+json"):
        event["headers"] = {
            **{k: v for k, v in headers.items() if k != name},
            "content-type": "application/json",
        }
        event["multiValueHeaders"] = {
            **{
                k: v for k, v in (event.get("multiValueHeaders") or {}).items() if k.lower() != "content-type"
            },
            "content-type": ["application/json"],
        }
        return None
    return error_response(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send the body as application/json"
    )


def handle(app: APIGatewayRestResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Resolve one API Gateway proxy event: oversized bodies (body_limit) get 413 before any parsing,
    and the events' 5-minute future check compares against this request's clock."""
    limit = body_limit(event)
    if _body_size(event) > limit:
        message = f"body exceeds {limit} bytes"
        if limit < MAX_BODY_BYTES:
            message += f" (a policy document is at most {limit // 1024} KB of JSON)"
        return _plain_response(
            app, error_response(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", message)
        )
    if event.get("body"):
        if event.get("isBase64Encoded"):
            # Decoded here once: a body that is not base64 of UTF-8 text is malformed (400), not a
            # UnicodeDecodeError deep in the resolver (500).
            try:
                event["body"] = base64.b64decode(event["body"], validate=False).decode("utf-8")
            except ValueError:
                return _plain_response(
                    app,
                    error_response(
                        HTTPStatus.BAD_REQUEST, "malformed_json", "request body is not base64 of UTF-8 JSON"
                    ),
                )
            event["isBase64Encoded"] = False
        unsupported = _normalise_content_type(event)
        if unsupported is not None:
            return _plain_response(app, unsupported)
    token = VALIDATION_NOW.set(bootstrap().clock.now())
    try:
        result: dict[str, Any] = app.resolve(event, context)
        return result
    finally:
        VALIDATION_NOW.reset(token)


def openapi_response(app: APIGatewayRestResolver) -> Response[str]:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_document(app))
