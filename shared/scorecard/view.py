"""The base of every response view and stored document (views.py and the *_views modules).

A module of its own: each function imports the views it builds, and no others (bench
cold_import_vs_floor).
"""

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    # defer_build: a response model's validator is built when first used, not at import: a cold
    # API request builds the few its route returns instead of every view of the API (about 25 ms of
    # the API function's import, bench cold_import_vs_floor).
    model_config = ConfigDict(frozen=True, defer_build=True)
