"""The bases of the API's models: `View` for what the API answers, `Body` for what it takes."""

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    model_config = ConfigDict(frozen=True)
