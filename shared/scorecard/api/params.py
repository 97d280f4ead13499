"""Path parameter types shared by the routers (the docs/api.md id charset)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

ID_PATTERN = r"^[A-Za-z0-9_-]+$"

PartnerId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
ReviewId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
