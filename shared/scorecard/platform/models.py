"""Pydantic models built on first use, and the one way a handler builds at init those it always uses.

A model or adapter declared with `defer_build=True` skips building its validator and serializer at
import; pydantic builds them the first time it validates or serializes. That is the right place for
what only some invocations of a function use: a cold API request builds the models of its route, not
those of the other forty.

With SnapStart (template.yaml) a handler's import runs once per published version and is part of
the snapshot, so what EVERY invocation of a function validates belongs there, not in its first
request: such a handler names those models at import with `build_at_init` (e.g. the daily worker
builds the event models, as it parses stored events in every batch). bench cold_import_vs_floor
counts that work, as it should.

Creating a model class costs less with its annotations evaluated as the class is defined: a module
that defines pydantic models does without `from __future__ import annotations`, which would have
pydantic compile and evaluate every annotation string again (about a sixth of the class creation;
a unit test holds every such module to it). And a model that a handler builds at init has
`default=[]` (pydantic copies it for each instance), not `default_factory=list`: pydantic reads a
factory's signature, and list's, a builtin's, is parsed with tokenize, whose regular expressions
cost about 1.2 ms to compile.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter


def build_at_init(*targets: type[BaseModel] | TypeAdapter[Any]) -> None:
    """Build each deferred model or adapter now (in order: name models before the adapters or models
    that contain them, which then reuse their schemas). Already built ones are left as they are."""
    for target in targets:
        if isinstance(target, TypeAdapter):
            target.rebuild()
        else:
            target.model_rebuild()


def is_built(target: type[BaseModel] | TypeAdapter[Any]) -> bool:
    """Whether the validator and serializer exist (False while a deferred one waits for first use)."""
    if isinstance(target, TypeAdapter):
        return target.pydantic_complete
    return target.__pydantic_complete__
