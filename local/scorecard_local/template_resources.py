"""Buckets, queues and function environments of template.yaml, for the local stack (and tests).

Like template_tables.py for DynamoDB: the local stack creates what the template declares (queue
visibility timeouts and redrive policies, bucket encryption, versioning and public access block)
and gives each function the environment variables the template gives it, with `!Ref`s resolved to
the local resources, so local runs exercise the deployed wiring.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FUNCTION_TYPE = "AWS::Serverless::Function"
QUEUE_TYPE = "AWS::SQS::Queue"
BUCKET_TYPE = "AWS::S3::Bucket"

# Queue attributes create_queue takes unchanged from the CloudFormation properties.
_QUEUE_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "SqsManagedSseEnabled")


@dataclass(frozen=True, slots=True)
class SqsEventSource:
    function: str  # logical id
    code_uri: str
    handler: str
    queue: str  # logical id
    batch_size: int


@dataclass
class LocalResources:
    """Logical id -> what `!Ref` gives in CloudFormation (queue URL, bucket name, parameter value)."""

    refs: dict[str, str] = field(default_factory=dict)
    queue_arns: dict[str, str] = field(default_factory=dict)


def _ref(value: Any) -> str | None:
    return value["Ref"] if isinstance(value, dict) and isinstance(value.get("Ref"), str) else None


def _get_att(value: Any) -> tuple[str, str] | None:
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list):
        logical_id, attribute = value["Fn::GetAtt"]
        return str(logical_id), str(attribute)
    return None


def physical_name(prefix: str, logical_id: str) -> str:
    return f"{prefix}-{logical_id}"


def create_queues(
    sqs: Any,
    template: Mapping[str, Any],
    prefix: str,
    resources: LocalResources,
    conditions: Mapping[str, bool] | None = None,
) -> None:
    """Every AWS::SQS::Queue, dead-letter queues first (a redrive policy names its DLQ's ARN); a queue
    under a template Condition only when `conditions` says it holds."""
    holds = conditions or {}
    queues = {
        lid: r
        for lid, r in template["Resources"].items()
        if r.get("Type") == QUEUE_TYPE and holds.get(r.get("Condition", ""), "Condition" not in r)
    }

    def create(logical_id: str) -> None:
        if logical_id in resources.refs:
            return
        props: dict[str, Any] = queues[logical_id].get("Properties", {})
        attributes = {
            name: str(props[name]).lower() if isinstance(props[name], bool) else str(props[name])
            for name in _QUEUE_ATTRIBUTES
            if name in props
        }
        redrive = props.get("RedrivePolicy")
        if redrive:
            target = _get_att(redrive["deadLetterTargetArn"])
            assert target is not None, f"{logical_id}: deadLetterTargetArn must be !GetAtt <queue>.Arn"
            create(target[0])
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": resources.queue_arns[target[0]],
                    "maxReceiveCount": int(redrive["maxReceiveCount"]),
                }
            )
        url = sqs.create_queue(QueueName=physical_name(prefix, logical_id), Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        resources.refs[logical_id] = url
        resources.queue_arns[logical_id] = arn

    for logical_id in queues:
        create(logical_id)


def create_buckets(s3: Any, template: Mapping[str, Any], prefix: str, resources: LocalResources) -> None:
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != BUCKET_TYPE:
            continue
        props: dict[str, Any] = resource.get("Properties", {})
        name = physical_name(prefix, logical_id).lower()
        s3.create_bucket(Bucket=name)
        if "BucketEncryption" in props:
            # CloudFormation's ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault.
            rules = [
                {
                    ("Apply" + key if key == "ServerSideEncryptionByDefault" else key): value
                    for key, value in rule.items()
                }
                for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(
                Bucket=name, VersioningConfiguration={"Status": props["VersioningConfiguration"]["Status"]}
            )
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
            )
        resources.refs[logical_id] = name


def parameter_values(template: Mapping[str, Any], overrides: Mapping[str, str]) -> dict[str, str]:
    """Template parameters: the override if given, else the default (parameters without either are
    left out, and variables naming them stay unset)."""
    values: dict[str, str] = {}
    for name, spec in (template.get("Parameters") or {}).items():
        if name in overrides:
            values[name] = overrides[name]
        elif "Default" in spec:
            values[name] = str(spec["Default"])
    return values


def function_environment(
    template: Mapping[str, Any], logical_id: str, refs: Mapping[str, str]
) -> dict[str, str]:
    """The function's own Environment.Variables with literals and resolvable `!Ref`s (Globals are the
    local stack's base environment already)."""
    props = template["Resources"][logical_id].get("Properties", {})
    variables = (props.get("Environment") or {}).get("Variables") or {}
    resolved: dict[str, str] = {}
    for name, value in variables.items():
        ref = _ref(value)
        if ref is None and not isinstance(value, dict):
            resolved[name] = str(value)
        elif ref is not None and ref in refs:
            resolved[name] = refs[ref]
    return resolved


def functions_by_code_uri(template: Mapping[str, Any]) -> dict[str, str]:
    """CodeUri (as the template spells it) -> function logical id."""
    return {
        str(resource["Properties"]["CodeUri"]): logical_id
        for logical_id, resource in template["Resources"].items()
        if resource.get("Type") == FUNCTION_TYPE
    }


def sqs_event_sources(template: Mapping[str, Any]) -> list[SqsEventSource]:
    """The functions' `Type: SQS` events: what Lambda's pollers would feed them."""
    sources: list[SqsEventSource] = []
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != FUNCTION_TYPE:
            continue
        props = resource["Properties"]
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "SQS":
                continue
            queue = _get_att(event["Properties"]["Queue"])
            assert queue is not None, f"{logical_id}: Queue must be !GetAtt <queue>.Arn"
            sources.append(
                SqsEventSource(
                    function=logical_id,
                    code_uri=str(props["CodeUri"]),
                    handler=str(props.get("Handler", "app.lambda_handler")),
                    queue=queue[0],
                    batch_size=int(event["Properties"].get("BatchSize", 10)),
                )
            )
    return sources
