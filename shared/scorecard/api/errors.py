"""The API's error shape (docs/api.md): {"error": {"code", "message", "details"}} for every failure."""

from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import Logger
from pydantic import BaseModel, Field

from scorecard.services.errors import Conflict, Invalid, NotFound, ServiceError

logger = Logger(child=True)


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable, e.g. not_found, forbidden, validation_failed")
    message: str
    details: Any = Field(default=None, description="e.g. [{field, message, ...}] for validation_failed")


class ErrorResponse(BaseModel):
    """The shape of every error answer (docs/api.md)."""

    error: ErrorBody


_STATUS_OF: dict[type[ServiceError], tuple[HTTPStatus, str]] = {
    NotFound: (HTTPStatus.NOT_FOUND, "not_found"),
    Conflict: (HTTPStatus.CONFLICT, "conflict"),
    Invalid: (HTTPStatus.UNPROCESSABLE_ENTITY, "validation_failed"),
}


def error_responses(*statuses: int, success: bool = True) -> dict[int, Any]:
    """OpenAPI `responses=` entries declaring the error shape for these statuses (with 401, 403 and
    422, which every authorized route may answer: Powertools would document its own 422 shape,
    which this API never sends). Powertools documents the return type only when a
    route declares no responses, so `success` declares the 200 answer (its schema: the return type)."""
    documented: dict[int, Any] = {HTTPStatus.OK: {"description": "Successful Response"}} if success else {}
    for status in sorted(
        {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.UNPROCESSABLE_ENTITY, *statuses}
    ):
        documented[status] = {
            "description": HTTPStatus(status).phrase,
            "content": {"application/json": {"model": ErrorResponse}},
        }
    return documented


def describe_errors(errors: Sequence[Mapping[str, Any]], raw: Any) -> list[dict[str, object]]:
    """Pydantic errors -> [{index, event_id, field, message, type}] naming each bad event and field.

    `loc` may start with "body" (as the API resolver reports it); union members add their type tag.
    """
    events = raw.get("events") if isinstance(raw, dict) else None
    details: list[dict[str, object]] = []
    for item in errors:
        loc = (
            [part for part in item["loc"] if part != "body"]
            if item["loc"][:1] == ("body",)
            else list(item["loc"])
        )
        detail: dict[str, object] = {"message": item.get("msg", "invalid"), "type": item["type"]}
        if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
            index = loc[1]
            detail["index"] = index
            event = events[index] if isinstance(events, list) and 0 <= index < len(events) else None
            if isinstance(event, dict) and isinstance(event.get("event_id"), str):
                detail["event_id"] = event["event_id"]
            rest = [str(part) for part in loc[2:]]
            if rest and isinstance(event, dict) and rest[0] == event.get("type"):
                rest = rest[1:]  # drop the union member's tag
            detail["field"] = ".".join(rest) if rest else "type"
        else:
            detail["field"] = ".".join(str(part) for part in loc) or "body"
        details.append(detail)
    return details


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_response(status: int, code: str, message: str, details: Any = None) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body={"error": {"code": code, "message": message, "details": details}},
    )


def _service_error_handler(status: HTTPStatus, code: str) -> Callable[[ServiceError], Response[Any]]:
    def answer(error: ServiceError) -> Response[Any]:
        return error_response(status, code, error.message, error.details)

    return answer


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response[Any]:
        return error_response(error.status, error.code, error.message, error.details)

    for kind, (status, code) in _STATUS_OF.items():
        # Powertools picks the handler of the nearest class in the error's MRO.
        app.exception_handler(kind)(_service_error_handler(status, code))

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[Any]:
        errors = error.errors()
        if any(e["type"] == "json_invalid" for e in errors):
            return error_response(HTTPStatus.BAD_REQUEST, "malformed_json", "request body is not valid JSON")
        try:
            raw = app.current_event.json_body
        except ValueError:
            raw = None
        details = describe_errors(errors, raw)
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "validation_failed",
            f"{len(details)} invalid field(s); nothing was written",
            details,
        )

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[Any]:
        return error_response(HTTPStatus.NOT_FOUND, "not_found", "no such route")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[Any]:
        logger.exception("unhandled error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal error")
