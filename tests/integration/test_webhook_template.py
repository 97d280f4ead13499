"""template.yaml read by a YAML parser of this test's own (CloudFormation's short tags as plain
{"Fn::...": ...} values, nothing shared with the local stack's reader): the portal webhook is
EventBridge's (connection, API destination, rule with a retry policy and a dead-letter queue the rule
may write to, an alarm on it, the invoking role), all of it created only when WebhookUrl and
WebhookApiKey are set; and the operations dashboard is there. cfn-lint: test_template.py."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_yaml import dead_letter_queues, of_type, read_template
from scorecard.schemas.bus import WEBHOOK_DETAIL_TYPES


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return read_template()


def test_the_webhook_parameters_default_to_none(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert parameters["WebhookUrl"]["Default"] == "" and parameters["WebhookApiKey"]["Default"] == ""
    assert parameters["WebhookApiKey"]["NoEcho"] is True
    assert parameters["WebhookRateLimitPerSecond"]["Type"] == "Number"
    assert template["Conditions"]["HasWebhook"] == {
        "Fn::And": [
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebhookUrl"}, ""]}]},
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebhookApiKey"}, ""]}]},
        ]
    }


def test_the_connection_carries_the_receivers_api_key_header(template: dict[str, Any]) -> None:
    (name, connection), *_ = of_type(template, "AWS::Events::Connection").items()
    assert name == "WebhookConnection" and connection["Condition"] == "HasWebhook"
    props = connection["Properties"]
    assert props["AuthorizationType"] == "API_KEY"
    assert props["AuthParameters"] == {
        "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": {"Ref": "WebhookApiKey"}}
    }


def test_the_api_destination_posts_to_the_url_at_a_bounded_rate(template: dict[str, Any]) -> None:
    destinations = of_type(template, "AWS::Events::ApiDestination")
    assert list(destinations) == ["WebhookDestination"]
    destination = destinations["WebhookDestination"]
    assert destination["Condition"] == "HasWebhook"
    assert destination["Properties"] == {
        **destination["Properties"],
        "ConnectionArn": {"Fn::GetAtt": ["WebhookConnection", "Arn"]},
        "InvocationEndpoint": {"Ref": "WebhookUrl"},
        "HttpMethod": "POST",
        "InvocationRateLimitPerSecond": {"Ref": "WebhookRateLimitPerSecond"},
    }


def test_the_rule_sends_the_portals_events_with_retries_and_a_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    rules = of_type(template, "AWS::Events::Rule")
    rule = rules["WebhookRule"]
    assert rule["Condition"] == "HasWebhook"
    props = rule["Properties"]
    assert props["EventBusName"] == {"Ref": "ScoreEventBus"}
    assert props["EventPattern"] == {"source": ["scorecard"], "detail-type": list(WEBHOOK_DETAIL_TYPES)}
    assert set(WEBHOOK_DETAIL_TYPES) == {
        "ScoreChanged",
        "TierChanged",
        "ReviewResolved",
        "SnapshotPublished",
        "SnapshotRestated",
    }
    (target,) = props["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["WebhookDestination", "Arn"]}
    assert target["RoleArn"] == {"Fn::GetAtt": ["WebhookInvokeRole", "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert 60 <= target["RetryPolicy"]["MaximumEventAgeInSeconds"] <= 86400
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]}}


def test_eventbridge_may_invoke_the_destination_and_write_the_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    role = resources["WebhookInvokeRole"]
    assert role["Condition"] == "HasWebhook"
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"} and trust["Action"] == "sts:AssumeRole"
    statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert statements == [
        {
            "Effect": "Allow",
            "Action": "events:InvokeApiDestination",
            "Resource": {"Fn::GetAtt": ["WebhookDestination", "Arn"]},
        }
    ]
    queue = resources["WebhookDeadLetterQueue"]
    assert queue["Type"] == "AWS::SQS::Queue" and queue["Condition"] == "HasWebhook"
    policy = resources["WebhookDeadLetterQueuePolicy"]
    assert policy["Type"] == "AWS::SQS::QueuePolicy" and policy["Condition"] == "HasWebhook"
    assert policy["Properties"]["Queues"] == [{"Ref": "WebhookDeadLetterQueue"}]
    (grant,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert grant["Principal"] == {"Service": "events.amazonaws.com"}
    assert (grant["Effect"], grant["Action"]) == ("Allow", "sqs:SendMessage")
    assert grant["Resource"] == {"Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]}
    assert grant["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["WebhookRule", "Arn"]}}}


def test_every_dead_letter_queue_has_an_alarm(template: dict[str, Any]) -> None:
    queues = dead_letter_queues(template)
    assert "WebhookDeadLetterQueue" in queues and "DailyWorkerDeadLetterQueue" in queues
    assert queues == {lid for lid in of_type(template, "AWS::SQS::Queue") if "DeadLetter" in lid}
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in of_type(template, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
    }
    assert queues <= alarmed
    webhook_alarm = template["Resources"]["WebhookDeadLetterAlarm"]
    assert webhook_alarm["Condition"] == "HasWebhook"
    assert webhook_alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_operations_dashboard_is_declared(template: dict[str, Any]) -> None:
    dashboards = of_type(template, "AWS::CloudWatch::Dashboard")
    assert list(dashboards) == ["OperationsDashboard"]
    body = dashboards["OperationsDashboard"]["Properties"]["DashboardBody"]
    assert isinstance(body["Fn::Sub"][0], str)  # its figures: test_dashboard_metrics.py
