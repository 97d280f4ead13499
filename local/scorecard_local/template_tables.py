"""Create DynamoDB tables exactly as template.yaml declares them (local stack and tests).

Reading key schemas and indexes from the SAM template, instead of restating them in Python,
means a table the tests pass against is the table that gets deployed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TEMPLATE_NAME = "template.yaml"
TABLE_TYPE = "AWS::DynamoDB::Table"

# CloudFormation properties that create_table accepts unchanged.
_PASSTHROUGH = (
    "KeySchema",
    "AttributeDefinitions",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "ProvisionedThroughput",
    "StreamSpecification",
)


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation short tags (!Ref, !GetAtt, !Sub, ...) as their long form."""


def _construct_intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":  # !GetAtt Res.Attr is the short form of [Res, Attr]
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - yaml has no other node kinds
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node for !{suffix}", node.start_mark)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_intrinsic)


def load_template(template_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML template, short intrinsic tags included."""
    with Path(template_path).open(encoding="utf-8") as fh:
        document = yaml.load(fh, Loader=_CfnLoader)  # a SafeLoader subclass: no arbitrary objects
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise ValueError(f"{template_path} is not a CloudFormation template")
    return cast(dict[str, Any], document)


def find_template() -> Path:
    """Locate template.yaml above the working directory, else above this file (editable install)."""
    starts = (Path.cwd().resolve(), Path(__file__).resolve().parent)
    for start in starts:
        for directory in (start, *start.parents):
            candidate = directory / TEMPLATE_NAME
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(f"no {TEMPLATE_NAME} above {starts[0]} or {starts[1]}")


def table_env_vars(template: Mapping[str, Any]) -> dict[str, str]:
    """Logical id of each table -> the environment variable the functions read its name from.

    Taken from Globals/Function/Environment (e.g. ``TABLE_NAME: !Ref ScorecardTable``), so
    the local stack honours the same variables as the deployed functions.
    """
    variables = (
        template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}) or {}
    )
    mapping: dict[str, str] = {}
    for var, value in variables.items():
        if isinstance(value, dict) and isinstance(value.get("Ref"), str):
            mapping.setdefault(value["Ref"], var)
    return mapping


def _tables(
    template: Mapping[str, Any], names: Mapping[str, str] | None
) -> list[tuple[str, dict[str, Any], str | None]]:
    """(logical id, create_table kwargs, TTL attribute or None) for each table of the template."""
    env_vars = table_env_vars(template)
    names = names or {}
    tables: list[tuple[str, dict[str, Any], str | None]] = []
    for logical_id, resource in template["Resources"].items():
        if not isinstance(resource, dict) or resource.get("Type") != TABLE_TYPE:
            continue
        props: dict[str, Any] = resource.get("Properties", {})
        env_var = env_vars.get(logical_id)
        table_name = names.get(logical_id) or (os.environ.get(env_var) if env_var else None) or logical_id
        kwargs: dict[str, Any] = {"TableName": table_name}
        kwargs.update({key: props[key] for key in _PASSTHROUGH if key in props})
        # CloudFormation defaults to provisioned capacity, as create_table does.
        kwargs["BillingMode"] = props.get("BillingMode", "PROVISIONED")
        sse = props.get("SSESpecification")
        if sse and sse.get("SSEEnabled"):
            # CloudFormation says SSEEnabled where the API says Enabled.
            kwargs["SSESpecification"] = {"Enabled": True} | {
                key: sse[key] for key in ("SSEType", "KMSMasterKeyId") if key in sse
            }
        ttl = props.get("TimeToLiveSpecification") or {}
        tables.append((logical_id, kwargs, ttl.get("AttributeName") if ttl.get("Enabled") else None))
    return tables


def table_definitions(
    template_path: str | os.PathLike[str],
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """``create_table`` keyword arguments for every AWS::DynamoDB::Table in the template.

    A table's name is ``names[logical_id]`` if given, else the value of the environment
    variable that carries it to the functions (``TABLE_NAME``), else the logical id.
    """
    return [kwargs for _, kwargs, _ in _tables(load_template(template_path), names)]


def create_tables(
    dynamodb_client: DynamoDBClient,
    template_path: str | os.PathLike[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Create every table of the template (and its TTL setting); return logical id -> table name.

    Tables that already exist are left as they are, so a restarted local stack keeps its data.
    """
    template = load_template(template_path if template_path is not None else find_template())
    created: dict[str, str] = {}
    for logical_id, kwargs, ttl_attribute in _tables(template, names):
        table_name: str = kwargs["TableName"]
        created[logical_id] = table_name
        try:
            dynamodb_client.create_table(**kwargs)
        except dynamodb_client.exceptions.ResourceInUseException:
            continue
        dynamodb_client.get_waiter("table_exists").wait(TableName=table_name)
        if ttl_attribute:
            dynamodb_client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": ttl_attribute, "Enabled": True},
            )
    return created
