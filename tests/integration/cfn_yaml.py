"""A YAML reader of CloudFormation templates for the tests, apart from the local stack's
(scorecard_local.template_tables): short intrinsic tags become their long form ({"Ref": ...},
{"Fn::GetAtt": [resource, attribute]}, {"Fn::Sub": ...}), nothing else is interpreted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


class CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


CfnLoader.add_multi_constructor("!", _tag)


def read_template(path: Path = TEMPLATE) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=CfnLoader)
    return loaded


def of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == type_}


def dead_letter_queues(template: dict[str, Any]) -> set[str]:
    """Every queue something dead-letters into: redrive policies, DeadLetterConfig, OnFailure."""
    found: set[str] = set()

    def queue(value: Any) -> None:
        target = value.get("Fn::GetAtt") if isinstance(value, dict) else None
        if target and template["Resources"].get(target[0], {}).get("Type") == "AWS::SQS::Queue":
            found.add(target[0])

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in ("deadLetterTargetArn", "Destination"):
                queue(value)
            elif key == "DeadLetterConfig" and isinstance(value, dict):
                queue(value.get("Arn"))
            walk(value)

    walk(template["Resources"])
    return found
