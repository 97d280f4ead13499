"""Errors the services raise, in three kinds the API maps once (api/errors.py): NotFound -> 404,
Conflict -> 409, Invalid -> 422, each in the error shape {"error": {"code", "message", "details"}}.
A new error is a subclass with its message; no route catches it."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """`message` is the client-facing sentence; `details` the error shape's details (or None)."""

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(ServiceError):
    """The thing asked for does not exist: 404 not_found."""


class Conflict(ServiceError):
    """The request contradicts the stored state: 409 conflict."""


class Invalid(ServiceError):
    """The request is well-formed but not acceptable: 422 validation_failed, naming the fields."""

    def __init__(self, message: str, *fields: str) -> None:
        super().__init__(message, [{"field": field} for field in fields])
        self.fields = fields


class UnknownPartner(NotFound):
    """No partner with this id is registered: 404 on every route."""

    def __init__(self, partner_id: str) -> None:
        super().__init__(f"partner {partner_id} is unknown")
        self.partner_id = partner_id
