"""The API Gateway routes of template.yaml, as a routing table for the local server (so local and
deployed routing cannot drift)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard_local.template_tables import load_template

FUNCTION_TYPE = "AWS::Serverless::Function"


@dataclass(frozen=True, slots=True)
class ApiRoute:
    method: str
    resource: str  # the template's path, e.g. /v1/partners/{id}/score
    function: str  # logical id
    code_uri: str
    handler: str
    public: bool  # Auth: Authorizer: NONE
    pattern: re.Pattern[str]

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return None if found is None else found.groupdict()


def _pattern(resource: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\})", resource)
    regex = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part) for part in parts if part
    )
    return re.compile(regex)


def api_routes(template_path: Path) -> list[ApiRoute]:
    template = load_template(template_path)
    routes: list[ApiRoute] = []
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != FUNCTION_TYPE:
            continue
        props: dict[str, Any] = resource.get("Properties", {})
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "Api":
                continue
            api = event["Properties"]
            auth = api.get("Auth") or {}
            routes.append(
                ApiRoute(
                    method=str(api["Method"]).upper(),
                    resource=str(api["Path"]),
                    function=logical_id,
                    code_uri=str(props["CodeUri"]),
                    handler=str(props.get("Handler", "app.lambda_handler")),
                    public=auth.get("Authorizer") == "NONE",
                    pattern=_pattern(str(api["Path"])),
                )
            )
    return routes


def authorizer_code_uri(template_path: Path) -> tuple[str, str]:
    """CodeUri and Handler of the function behind the API's default authorizer."""
    template = load_template(template_path)
    resources = template["Resources"]
    for resource in resources.values():
        if resource.get("Type") != "AWS::Serverless::Api":
            continue
        auth = resource["Properties"]["Auth"]
        authorizer = auth["Authorizers"][auth["DefaultAuthorizer"]]
        arn = authorizer["FunctionArn"]
        # !GetAtt <Function>.Arn, or !Ref <Function>.Alias (SAM's reference to its published alias)
        logical_id = (
            (arn["Fn::GetAtt"][0] if "Fn::GetAtt" in arn else arn["Ref"].split(".")[0])
            if isinstance(arn, dict)
            else str(arn)
        )
        props = resources[logical_id]["Properties"]
        return str(props["CodeUri"]), str(props.get("Handler", "app.lambda_handler"))
    raise LookupError("template.yaml declares no API with an authorizer")
