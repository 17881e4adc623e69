"""Imports are validated before anything is written: an IANA time zone, E.164 phones, e-mail,
GB 11643 resident IDs — 422 naming `customers.N.field`, and nothing of the batch is stored."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import World


def _customer(world: World, label: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": world.id(label),
        "type": "personal",
        "name": f"客户 {label}",
        "branch": "b1",
        "mobile": "+8613800138000",
        **fields,
    }


def test_bad_contact_data_is_refused_by_field_and_nothing_is_imported(world: World) -> None:
    good = _customer(
        world, "good", identity={"kind": "resident_id", "number": "11010519491231002X"}
    )
    bad = _customer(
        world,
        "bad",
        timezone="Mars/Olympus",
        mobile="13800138000",
        landline="+86123",
        email="zhang@@example",
        identity={"kind": "resident_id", "number": "110105194912310021"},
    )
    refused = world.call("POST", "/v1/import", "boss", json={"customers": [good, bad]})
    assert refused.status_code == 422
    assert set(refused.json()["fields"]) == {
        "customers.1.timezone",
        "customers.1.mobile",
        "customers.1.landline",
        "customers.1.email",
        "customers.1.identity.number",
    }
    assert "+8613800138000" in refused.json()["fields"]["customers.1.mobile"]  # the E.164 form
    listed = world.ok("GET", "/v1/customers?branch=b1&limit=1000", "boss")["items"]
    assert good["id"] not in {c["id"] for c in listed}, "half of the batch was imported"
    world.ok("POST", "/v1/import", "boss", json={"customers": [good]})
