"""Errors the services raise that the API maps to one answer everywhere (api/errors.py)."""

from __future__ import annotations


class UnknownPartner(LookupError):
    """No partner with this id is registered: 404 on every route."""

    def __init__(self, partner_id: str) -> None:
        super().__init__(partner_id)
        self.partner_id = partner_id
