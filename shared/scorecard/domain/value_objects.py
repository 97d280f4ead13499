"""`@value_object`: an immutable dataclass for the records the scoring builds by the thousand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value_object(cls: type[T]) -> type[T]:
    """A slotted dataclass that mypy (strict, in `make test`) holds frozen: no field may be assigned
    after construction, and it hashes by value like a frozen dataclass. At run time it is built as a
    plain dataclass: a frozen dataclass's __init__ sets each field through object.__setattr__, about
    ten times the cost, and the fold and the scoring build these for every job of every partner on
    every run (issue 11: scoring costs at most half of reading the evidence)."""
    return dataclass(slots=True, unsafe_hash=True)(cls)
