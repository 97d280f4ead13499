"""Secrets Manager rotation function of the JWT signing key set (template.yaml JwtSecretRotation)."""

from __future__ import annotations

from typing import Any

from scorecard.auth.key_rotation import rotate


def lambda_handler(event: dict[str, Any], context: object) -> None:
    rotate(event["Step"], event["SecretId"], event["ClientRequestToken"])
