"""The bases of the API's models: `View` for what the API answers, `Body` for what it takes."""

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    # Built on first use: an API request builds the views its route answers with, not all of them.
    model_config = ConfigDict(frozen=True, defer_build=True)
