"""template.yaml: lint-clean, and the properties the design relies on are really declared."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file  # type: ignore[import-untyped]
from scorecard.auth.tokens import LOCAL_DEV_SECRET, issue_token
from scorecard.services.exports import EXPORT_LIFETIME, MAX_ATTEMPTS
from scorecard_local.template_tables import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


def resources_of(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {lid: res for lid, res in template["Resources"].items() if res["Type"] == type_}


def test_cfn_lint_has_no_findings() -> None:
    matches = lint_file(TEMPLATE)
    assert [str(match) for match in matches] == []


def test_every_code_dir_exists(template: dict[str, Any]) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    assert set(functions) == {
        "AuthorizerFunction",
        "IngestFunction",
        "ApiFunction",
        "DailyFunction",
        "DailyWorkerFunction",
        "MonthlyCoordinatorFunction",
        "MonthlyWorkerFunction",
        "NotificationWorkerFunction",
        "JwtRotationFunction",
        "BacktestWorkerFunction",
        "ExportWorkerFunction",
    }
    for logical_id, resource in functions.items():
        props = resource["Properties"]
        code_dir = ROOT / props["CodeUri"]
        module, handler = props["Handler"].split(".")
        assert (code_dir / f"{module}.py").is_file(), f"{logical_id}: {code_dir}/{module}.py missing"
        assert f"def {handler}(" in (code_dir / f"{module}.py").read_text(), f"{logical_id}: no {handler}"


def test_layer_is_built_from_shared(template: dict[str, Any]) -> None:
    layer = template["Resources"]["ScorecardLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Metadata"]["BuildMethod"] == "python3.12"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    content = ROOT / layer["Properties"]["ContentUri"]
    assert (content / "requirements.txt").is_file()
    assert (content / "scorecard" / "__init__.py").is_file()
    # Native wheels (pydantic-core) must match the functions' architecture.
    architectures = template["Globals"]["Function"]["Architectures"]
    assert layer["Properties"]["CompatibleArchitectures"] == architectures
    assert [layer["Metadata"]["BuildArchitecture"]] == architectures
    assert template["Globals"]["Function"]["Layers"] == [{"Ref": "ScorecardLayer"}]


def test_table_is_protected(template: dict[str, Any]) -> None:
    table = template["Resources"]["ScorecardTable"]
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_globals(template: dict[str, Any]) -> None:
    function_globals = template["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.12"
    assert function_globals["Tracing"] == "Active"
    variables = function_globals["Environment"]["Variables"]
    assert variables["POWERTOOLS_SERVICE_NAME"] == "scorecard"
    assert variables["POLICY_VERSION"] == "v3"
    assert variables["TABLE_NAME"] == {"Ref": "ScorecardTable"}


# The routes of docs/api.md, as (method, path) pairs under /v1.
CONTRACT_ROUTES = {
    ("POST", "/v1/events"),
    ("PUT", "/v1/partners/{id}"),
    ("PATCH", "/v1/partners/{id}"),  # a merge beside PUT's full replacement (issue 20)
    ("GET", "/v1/partners"),
    ("GET", "/v1/partners/{id}/score"),
    ("GET", "/v1/partners/{id}/score/history"),
    ("GET", "/v1/partners/{id}/jobs"),
    ("GET", "/v1/partners/{id}/jobs/{job_id}"),
    ("GET", "/v1/partners/{id}/rejections"),  # rejection feedback of 90 days (issue 21)
    ("GET", "/v1/partners/{id}/snapshots"),
    ("GET", "/v1/partners/{id}/snapshots/{month}"),
    ("POST", "/v1/partners/{id}/reviews"),
    ("GET", "/v1/partners/{id}/reviews"),
    ("POST", "/v1/reviews/{review_id}/resolution"),
    ("POST", "/v1/reviews/{review_id}/pickup"),  # in_review: ops picked it up (issue 10)
    ("GET", "/v1/reviews"),
    ("GET", "/v1/policy"),
    ("POST", "/v1/policy/simulate"),
    ("GET", "/v1/policy/versions"),
    ("POST", "/v1/policy/versions"),
    ("PUT", "/v1/policy/active"),
    ("POST", "/v1/policy/backtests"),
    ("GET", "/v1/policy/backtests/{backtest_id}"),
    ("POST", "/v1/exports"),
    ("GET", "/v1/exports/{export_id}"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/v1/docs"),
}


def api_events(template: dict[str, Any]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    routes: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for logical_id, resource in resources_of(template, "AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                props = event["Properties"]
                key = (props["Method"].upper(), props["Path"])
                assert key not in routes, f"{key} declared twice"
                assert props["RestApiId"] == {"Ref": "Api"}
                routes[key] = (logical_id, props)
    return routes


def test_every_contract_route_is_wired(template: dict[str, Any]) -> None:
    routes = api_events(template)
    assert set(routes) == CONTRACT_ROUTES
    assert routes[("POST", "/v1/events")][0] == "IngestFunction"
    assert {fn for key, (fn, _) in routes.items() if key != ("POST", "/v1/events")} == {"ApiFunction"}


def test_only_the_document_and_its_docs_are_public(template: dict[str, Any]) -> None:
    auth = template["Resources"]["Api"]["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "JwtAuthorizer"
    authorizer = auth["Authorizers"]["JwtAuthorizer"]
    assert authorizer["FunctionPayloadType"] == "TOKEN"
    assert authorizer["FunctionArn"] == {"Ref": "AuthorizerFunction.Alias"}  # the SnapStart alias
    public = {key for key, (_, props) in api_events(template).items() if "Auth" in props}
    assert public == {("GET", "/v1/openapi.json"), ("GET", "/v1/docs")}
    assert api_events(template)[("GET", "/v1/openapi.json")][1]["Auth"] == {"Authorizer": "NONE"}
    assert api_events(template)[("GET", "/v1/docs")][1]["Auth"] == {"Authorizer": "NONE"}


def test_issued_tokens_pass_the_gateway_validation_expression(template: dict[str, Any]) -> None:
    identity = template["Resources"]["Api"]["Properties"]["Auth"]["Authorizers"]["JwtAuthorizer"]["Identity"]
    pattern = re.compile(identity["ValidationExpression"])
    for role, partner in (("partner", "Acme_01-x"), ("ops", None), ("service", None)):
        token = issue_token(role, partner, secret=LOCAL_DEV_SECRET, now=datetime.now(UTC))  # type: ignore[arg-type]
        assert pattern.fullmatch(f"Bearer {token}")
        assert pattern.fullmatch(f"bearer {token}")
    assert not pattern.fullmatch("Basic dXNlcjpwYXNz")


def test_daily_schedule(template: dict[str, Any]) -> None:
    daily = template["Resources"]["DailyFunction"]["Properties"]
    assert daily["Timeout"] == 900
    schedule = daily["Events"]["DailySchedule"]
    assert schedule["Type"] == "ScheduleV2"
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == "cron(15 0 * * ? *)"
    assert props["ScheduleExpressionTimezone"] == "UTC"
    assert props["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    assert props["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["DailyDeadLetterQueue", "Arn"]}}
    assert '"<aws.scheduler.scheduled-time>"' in props["Input"]


def test_failures_raise_alarms(template: dict[str, Any]) -> None:
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    watched = {
        (props.get("MetricName"), str(props.get("Dimensions")))
        for props in (alarm["Properties"] for alarm in alarms.values())
    }
    assert (
        "ApproximateNumberOfMessagesVisible",
        str([{"Name": "QueueName", "Value": {"Fn::GetAtt": ["DailyDeadLetterQueue", "QueueName"]}}]),
    ) in watched
    assert ("Errors", str([{"Name": "FunctionName", "Value": {"Ref": "DailyFunction"}}])) in watched
    assert all(alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for alarm in alarms.values())


def test_ingest_has_least_privilege(template: dict[str, Any]) -> None:
    # The table statement, plus sending part-received notices to their queue (issue 3).
    policy, notifications = template["Resources"]["IngestFunction"]["Properties"]["Policies"]
    assert notifications == {
        "SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["NotificationQueue", "QueueName"]}}
    }
    (statement,) = policy["Statement"]
    assert statement["Resource"] == {"Fn::GetAtt": ["ScorecardTable", "Arn"]}
    assert set(statement["Action"]) == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    }


def test_authorizer_reads_only_its_secret(template: dict[str, Any]) -> None:
    props = template["Resources"]["AuthorizerFunction"]["Properties"]
    assert props["Policies"] == [
        {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "JwtSecret"}}}
    ]
    assert props["Environment"]["Variables"]["JWT_SECRET_ARN"] == {"Ref": "JwtSecret"}


def test_the_signing_key_rotates_with_a_function_that_may_touch_only_its_secret(
    template: dict[str, Any],
) -> None:
    schedule = template["Resources"]["JwtSecretRotation"]["Properties"]
    assert schedule["SecretId"] == {"Ref": "JwtSecret"}
    assert schedule["RotationLambdaARN"] == {"Ref": "JwtRotationFunction.Alias"}  # the SnapStart alias
    assert schedule["RotationRules"]["ScheduleExpression"] == "rate(30 days)"
    permission = template["Resources"]["JwtRotationPermission"]["Properties"]
    assert permission["Principal"] == "secretsmanager.amazonaws.com"
    assert permission["FunctionName"] == {"Ref": "JwtRotationFunction.Alias"}  # what the schedule calls
    (policy,) = template["Resources"]["JwtRotationFunction"]["Properties"]["Policies"]
    assert [statement["Resource"] for statement in policy["Statement"]] == [{"Ref": "JwtSecret"}]


def test_every_function_runs_from_a_snapstart_snapshot_behind_its_alias(template: dict[str, Any]) -> None:
    """SnapStart (Python 3.12+) applies to published versions only: AutoPublishAlias publishes one per
    deploy and points the SAM event sources at the alias; no function opts out."""
    function_globals = template["Globals"]["Function"]
    major, minor = map(int, function_globals["Runtime"].removeprefix("python").split("."))
    assert (major, minor) >= (3, 12)
    assert function_globals["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert function_globals["AutoPublishAlias"] == "live"
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert all(
        "SnapStart" not in f["Properties"] and "AutoPublishAlias" not in f["Properties"] for f in functions
    )


def test_outputs(template: dict[str, Any]) -> None:
    assert {"ApiUrl", "TableName"} <= set(template["Outputs"])


def test_daily_fans_out_through_a_queue_with_a_dead_letter_alarm(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    coordinator = resources["DailyFunction"]["Properties"]
    worker = resources["DailyWorkerFunction"]["Properties"]
    assert coordinator["Environment"]["Variables"]["DAILY_QUEUE_URL"] == {"Ref": "DailyQueue"}
    source = worker["Events"]["DailyMessages"]["Properties"]
    assert source["Queue"] == {"Fn::GetAtt": ["DailyQueue", "Arn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    redrive = resources["DailyQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["DailyWorkerDeadLetterQueue", "Arn"]}
    alarm = resources["DailyWorkerDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["DailyWorkerDeadLetterQueue", "QueueName"]}
    # Lambda's advice: the visibility timeout is at least six times the worker's timeout.
    assert resources["DailyQueue"]["Properties"]["VisibilityTimeout"] >= 6 * worker["Timeout"]
    # The coordinator reads the registry index only, never job data.
    statements = coordinator["Policies"][0]["Statement"]
    assert [st["Action"] for st in statements] == ["dynamodb:Query"]
    assert statements[0]["Resource"] == {"Fn::Sub": "${ScorecardTable.Arn}/index/GSI2"}


def test_score_events_go_to_the_bus(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    assert resources["ScoreEventBus"]["Type"] == "AWS::Events::EventBus"
    for name in ("DailyFunction", "DailyWorkerFunction", "ApiFunction"):
        variables = resources[name]["Properties"]["Environment"]["Variables"]
        assert variables["EVENT_BUS_NAME"] == {"Ref": "ScoreEventBus"}, name


def test_the_api_may_query_the_score_order(template: dict[str, Any]) -> None:
    # GET /partners?sort=score queries GSI3 and BatchGetItems the profiles. SAM's DynamoDBCrudPolicy
    # grants dynamodb:Query and BatchGetItem on the table and on "<table>/index/*" (its policy template).
    policies = template["Resources"]["ApiFunction"]["Properties"]["Policies"]
    assert {"DynamoDBCrudPolicy": {"TableName": {"Ref": "ScorecardTable"}}} in policies
    indexes = template["Resources"]["ScorecardTable"]["Properties"]["GlobalSecondaryIndexes"]
    (order,) = [index for index in indexes if index["IndexName"] == "GSI3"]
    assert "doc" not in order["Projection"]["NonKeyAttributes"]
    assert "tier_state" not in order["Projection"]["NonKeyAttributes"]


def test_backtests_fan_out_through_their_own_queue_with_least_privilege(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    worker = resources["BacktestWorkerFunction"]["Properties"]
    source = worker["Events"]["BacktestMessages"]["Properties"]
    assert source["Queue"] == {"Fn::GetAtt": ["BacktestQueue", "Arn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    redrive = resources["BacktestQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["BacktestDeadLetterQueue", "Arn"]}
    alarm = resources["BacktestDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["BacktestDeadLetterQueue", "QueueName"]}
    assert resources["BacktestQueue"]["Properties"]["VisibilityTimeout"] >= 6 * worker["Timeout"]
    # The worker reads evidence and writes only its own items: no deletes, scans or batch writes.
    actions = [
        action
        for statement in worker["Policies"][0]["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    ]
    assert sorted(set(actions)) == [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    ]
    assert worker["Policies"][1] == {
        "SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["BacktestQueue", "QueueName"]}}
    }
    # The API only queues the plan.
    api = resources["ApiFunction"]["Properties"]
    assert api["Environment"]["Variables"]["BACKTEST_QUEUE_URL"] == {"Ref": "BacktestQueue"}
    assert {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["BacktestQueue", "QueueName"]}}} in api[
        "Policies"
    ]


def test_exports_chain_through_their_own_queue_into_their_own_bucket(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    worker = resources["ExportWorkerFunction"]["Properties"]
    source = worker["Events"]["ExportMessages"]["Properties"]
    assert source["Queue"] == {"Fn::GetAtt": ["ExportQueue", "Arn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BatchSize"] == 1
    assert source["ScalingConfig"]["MaximumConcurrency"] <= 5  # paced: the daily run keeps the table
    queue = resources["ExportQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["ExportDeadLetterQueue", "Arn"]}
    # The queue retries a step more often than the worker tries it before failing the export with the
    # reason (services/exports.py MAX_ATTEMPTS): a failing export says why before its message is lost.
    assert queue["RedrivePolicy"]["maxReceiveCount"] > MAX_ATTEMPTS
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    alarm = resources["ExportDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["ExportDeadLetterQueue", "QueueName"]}
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    # The worker reads, writes only its export item and its bucket's exports/ prefix.
    statements = worker["Policies"][0]["Statement"]
    table_actions = {a for st in statements for a in st["Action"] if a.startswith("dynamodb:")}
    assert table_actions == {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    }
    (s3,) = [st for st in statements if str(st["Action"]).startswith("['s3:")]
    assert s3["Resource"] == {"Fn::Sub": "${ExportBucket.Arn}/exports/*"}
    assert worker["Policies"][1] == {
        "SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["ExportQueue", "QueueName"]}}
    }
    variables = worker["Environment"]["Variables"]
    assert variables == {"EXPORT_QUEUE_URL": {"Ref": "ExportQueue"}, "EXPORT_BUCKET": {"Ref": "ExportBucket"}}
    # The API queues the first page and signs links to the finished file.
    api = resources["ApiFunction"]["Properties"]
    assert api["Environment"]["Variables"]["EXPORT_QUEUE_URL"] == {"Ref": "ExportQueue"}
    assert api["Environment"]["Variables"]["EXPORT_BUCKET"] == {"Ref": "ExportBucket"}
    assert {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["ExportQueue", "QueueName"]}}} in api[
        "Policies"
    ]
    readable = [
        st for p in api["Policies"] for st in p.get("Statement", []) if st["Action"] == "s3:GetObject"
    ]
    assert {"Fn::Sub": "${ExportBucket.Arn}/exports/*"} in readable[0]["Resource"]
    # Private, encrypted, TLS only; files and records live 7 days.
    bucket = resources["ExportBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ] == {"SSEAlgorithm": "AES256"}
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-exports"]["ExpirationInDays"] == EXPORT_LIFETIME.days
    assert rules["abort-incomplete-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    (deny,) = resources["ExportBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
