"""What the routers take from a request: path parameter types (the docs/api.md id charset) and
the JSON body parser with its bounds."""

from __future__ import annotations

import json
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path

ID_PATTERN = r"^[A-Za-z0-9_-]+$"

PartnerId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
ReviewId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]

# No request of this API nests deeper than a candidate policy (about 5 levels) nor carries a number
# longer than a money amount: far tighter bounds than the parser's own limits (recursion depth,
# Python's 4,300-digit int conversion), which fail as 500s instead of 400s.
MAX_JSON_DEPTH = 32
MAX_NUMBER_CHARS = 40


def _bounded_number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_CHARS:
            raise _BodyRefused(f"a number longer than {MAX_NUMBER_CHARS} characters")
        return kind(text)

    return parse


class _BodyRefused(ValueError):
    pass


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests containers more than `limit` deep (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json_body(text: str) -> Any:
    """The JSON body, or json.JSONDecodeError (which the validation answers as 400 malformed_json)
    for anything the parser chokes on: nesting beyond MAX_JSON_DEPTH (RecursionError deep down),
    numbers beyond MAX_NUMBER_CHARS (int-digit limit ValueError)."""
    try:
        value = json.loads(text, parse_int=_bounded_number(int), parse_float=_bounded_number(float))
    except json.JSONDecodeError:
        raise
    except _BodyRefused as error:
        raise json.JSONDecodeError(str(error), text, 0) from None
    except (RecursionError, ValueError):
        raise json.JSONDecodeError("nesting or numbers beyond the parser's limits", text, 0) from None
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", text, 0)
    return value
