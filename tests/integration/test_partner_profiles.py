"""PUT and PATCH /v1/partners/{id} through the real api handler (events/api_put_partner.json and
events/api_patch_partner.json) against moto: PUT replaces the profile whole, PATCH merges, and both
answer the partner's standing as GET /v1/partners lists it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from integration_support import NOW, Lambdas, get_item
from lambda_events import api_event, caller, load_event, response_json
from scorecard.platform import settings

OPS, SERVICE = caller("ops"), caller("service")
PROFILE = {  # the PUT sample's body
    "name": "Acme Precision Machining",
    "email": "quality@acme-precision.example",
    "timezone": "America/Chicago",
}
# acme-01 scored by the scheduled run of 2026-11-01 on the sample events (test_api_handlers works the
# 74.2 out): C, standard, provisional (2 of the 10 jobs a final score needs).
STANDING = {"score": 74.2, "grade": "C", "tier": "standard", "provisional": True, "as_of": "2026-11-01"}
UNSCORED = {"score": None, "grade": None, "tier": None, "provisional": False, "as_of": None}


def call(lambdas: Lambdas, event: dict[str, Any]) -> tuple[int, Any]:
    response = lambdas.api(event)
    return int(response["statusCode"]), response_json(response)


def patch(lambdas: Lambdas, body: Any, *, partner_id: str = "acme-01", who: Any = OPS) -> tuple[int, Any]:
    event = api_event(
        "api_patch_partner",
        caller=who,
        body=body,
        path=f"/v1/partners/{partner_id}",
        path_parameters={"id": partner_id},
    )
    return call(lambdas, event)


def scored(lambdas: Lambdas) -> None:
    assert lambdas.api(load_event("api_put_partner"))["statusCode"] == 201
    assert lambdas.ingest(load_event("api_post_events"))["statusCode"] == 200
    assert lambdas.daily(load_event("schedule_daily"))["scored"] == 1


def listed(lambdas: Lambdas) -> dict[str, Any]:
    status, body = call(lambdas, api_event("api_get_partners", query=None))
    assert status == 200
    (entry,) = [p for p in body["partners"] if p["partner_id"] == "acme-01"]
    return dict(entry)


# ---- PUT: the standing, and a full replacement -------------------------------------------------------


def test_put_answers_a_scored_partners_standing_as_the_listing_shows_it(lambdas: Lambdas, table: str) -> None:
    """Measured before: PUT answered score, grade and tier null for a scored partner."""
    scored(lambdas)

    status, body = call(lambdas, api_event("api_put_partner", body={**PROFILE, "name": "Acme Precision"}))

    assert status == 200
    assert body == {"partner_id": "acme-01", **PROFILE, "name": "Acme Precision", **STANDING}
    assert body == listed(lambdas)


def test_put_replaces_the_profile_whole(lambdas: Lambdas, table: str) -> None:
    """A PUT with only a name clears email and timezone (documented: the contract's PUT is a
    replacement; PATCH changes some fields)."""
    scored(lambdas)
    status, body = call(lambdas, api_event("api_put_partner", body={"name": "Acme"}))
    assert status == 200
    assert (body["name"], body["email"], body["timezone"]) == ("Acme", None, None)
    assert {k: body[k] for k in STANDING} == STANDING


# ---- PATCH: a merge ----------------------------------------------------------------------------------


def test_patch_with_a_name_only_keeps_email_and_timezone(
    lambdas: Lambdas, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored(lambdas)
    later = NOW + timedelta(minutes=5)
    monkeypatch.setattr(settings, "utc_now", lambda: later)

    status, body = patch(lambdas, {"name": "Acme Precision"})

    assert status == 200
    assert body == {"partner_id": "acme-01", **PROFILE, "name": "Acme Precision", **STANDING}
    assert body == listed(lambdas)
    item = get_item(table, "PARTNER#acme-01", "PROFILE")
    assert item is not None and item["updated_at"]["S"] == later.isoformat()
    assert (item["email"]["S"], item["timezone"]["S"]) == (PROFILE["email"], PROFILE["timezone"])


def test_the_patch_sample_clears_the_email_and_moves_the_timezone(lambdas: Lambdas, table: str) -> None:
    scored(lambdas)
    status, body = call(lambdas, load_event("api_patch_partner"))  # {"email": null, "timezone": ...}
    assert status == 200
    assert (body["name"], body["email"], body["timezone"]) == (PROFILE["name"], None, "America/New_York")
    item = get_item(table, "PARTNER#acme-01", "PROFILE")
    assert item is not None and "email" not in item and item["timezone"]["S"] == "America/New_York"
    # Still in the registry (the listing's index keys are untouched).
    assert (item["GSI2PK"]["S"], item["GSI2SK"]["S"]) == ("PARTNERS", "acme-01")


def test_patches_of_different_fields_add_up(lambdas: Lambdas, table: str) -> None:
    assert lambdas.api(load_event("api_put_partner"))["statusCode"] == 201
    assert patch(lambdas, {"email": "ops@acme.example"})[0] == 200
    assert patch(lambdas, {"timezone": "Europe/Berlin"})[0] == 200
    status, body = patch(lambdas, {})  # nothing to change: the profile as it is
    assert status == 200
    assert body == {
        "partner_id": "acme-01",
        "name": PROFILE["name"],
        "email": "ops@acme.example",
        "timezone": "Europe/Berlin",
        **UNSCORED,
    }


def test_patch_of_an_unknown_partner_is_404_and_creates_nothing(lambdas: Lambdas, table: str) -> None:
    for body in ({"name": "Ghost Works"}, {}):
        status, answer = patch(lambdas, body, partner_id="ghost-01")
        assert status == 404
        assert set(answer["error"]) == {"code", "message", "details"}
        assert answer["error"]["code"] == "not_found"
    assert get_item(table, "PARTNER#ghost-01", "PROFILE") is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),  # a profile keeps its name
        ({"name": ""}, "name"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"email": "not-an-address"}, "email"),
        ({"fax": "+1 555"}, "fax"),
    ],
    ids=["null-name", "empty-name", "timezone", "email", "unknown-field"],
)
def test_patch_rejects_bad_fields_and_changes_nothing(
    lambdas: Lambdas, table: str, body: dict[str, Any], field: str
) -> None:
    assert lambdas.api(load_event("api_put_partner"))["statusCode"] == 201
    before = get_item(table, "PARTNER#acme-01", "PROFILE")
    status, answer = patch(lambdas, body)
    assert status == 422
    assert answer["error"]["code"] == "validation_failed"
    assert [d["field"] for d in answer["error"]["details"]] == [field]
    assert get_item(table, "PARTNER#acme-01", "PROFILE") == before


def test_ops_and_service_may_patch_partners_not_partners(lambdas: Lambdas, table: str) -> None:
    assert lambdas.api(load_event("api_put_partner"))["statusCode"] == 201
    own = caller("partner", "acme-01")
    assert patch(lambdas, {"name": "Mine"}, who=own)[0] == 403
    assert patch(lambdas, {"name": None}, who=own)[0] == 403  # the role before the body
    assert patch(lambdas, {"name": "By Service"}, who=SERVICE)[0] == 200
    assert patch(lambdas, {"name": "By Ops"}, who=OPS)[1]["name"] == "By Ops"


def test_the_openapi_document_says_put_replaces_and_patch_merges(lambdas: Lambdas, table: str) -> None:
    status, document = call(lambdas, load_event("api_get_openapi"))
    assert status == 200
    operations = document["paths"]["/v1/partners/{partner_id}"]
    assert "A full replacement" in operations["put"]["description"]
    assert "fields left out are cleared" in operations["put"]["description"]
    assert "only the fields given change" in operations["patch"]["description"]
    body = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/ProfilePatch")
    assert {"401", "403", "404", "422"} <= set(operations["patch"]["responses"])
