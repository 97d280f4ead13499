"""Lambda TOKEN authorizer for the scorecard API: verify the bearer JWT, pass the principal on.

API Gateway caches the answer per token (ReauthorizeEvery in template.yaml), so the policy
allows the whole API rather than the one method that happened to trigger the check; which
partner may see what is decided by the API function from the context returned here.
"""

from __future__ import annotations

import logging
from typing import Any

from scorecard.auth.tokens import (
    AuthError,
    authorizer_context,
    authorizer_log_level,
    principal_from_configured_keys,
)

logger = logging.getLogger("scorecard.authorizer")
logger.setLevel(authorizer_log_level())


def api_wildcard_arn(method_arn: str) -> str:
    """``arn:aws:execute-api:region:acct:apiId/stage/VERB/path`` -> ``.../apiId/stage/*/*``."""
    api_arn, sep, rest = method_arn.partition("/")
    stage = rest.split("/", 1)[0]
    if not sep or not stage or not api_arn.startswith("arn:"):
        raise ValueError(f"unexpected methodArn {method_arn!r}")
    return f"{api_arn}/{stage}/*/*"


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    try:
        principal = principal_from_configured_keys(event.get("authorizationToken"))
    except AuthError as exc:
        # The reason is logged, never the token. API Gateway turns exactly this message into a 401.
        logger.info("rejected token: %s", exc)
        raise Exception("Unauthorized") from None
    return {
        "principalId": principal.subject,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": api_wildcard_arn(event["methodArn"]),
                }
            ],
        },
        "context": authorizer_context(principal),
    }
