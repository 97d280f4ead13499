"""Query with pagination (LastEvaluatedKey), the one place that does it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scorecard.adapters.aws import client


def query_items(table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a Query, page after page."""
    dynamodb = client("dynamodb")
    while True:
        response = dynamodb.query(TableName=table, **kwargs)
        yield from response.get("Items", [])
        last = response.get("LastEvaluatedKey")
        if not last:
            return
        kwargs = {**kwargs, "ExclusiveStartKey": last}
