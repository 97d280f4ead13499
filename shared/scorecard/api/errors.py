"""The API's error shape (DESIGN §6): {"error": {"code", "message", "details"}} for every failure."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import Logger

from scorecard.services.errors import UnknownPartner
from scorecard.services.ingestion import describe_errors

logger = Logger(child=True)


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


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response[Any]:
        return error_response(error.status, error.code, error.message, error.details)

    @app.exception_handler(UnknownPartner)
    def _unknown_partner(error: UnknownPartner) -> Response[Any]:
        return error_response(HTTPStatus.NOT_FOUND, "not_found", f"partner {error.partner_id} is unknown")

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
