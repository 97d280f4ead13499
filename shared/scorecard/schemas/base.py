"""The bases of the API's models: `View` for what the API answers, `Body` for what it takes."""

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    # defer_build: a response model's validator is built when first used, not at import: a cold
    # API request builds the few its route returns instead of every view of the API (about 25 ms of
    # the API function's import, bench cold_import_vs_floor).
    model_config = ConfigDict(frozen=True, defer_build=True)
