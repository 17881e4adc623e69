"""Masking of identifiers: only the last 4 characters show, e.g. "****5678".

The mask has a fixed width, so it tells nothing about the value's length; values shorter than
8 characters show nothing at all (4 of them would be half the value). The central API masks
what it sends to agents and services with these functions (the `masked_*` ones work on the
wire's JSON dicts); the app masks again on screen, which leaves a masked value as it is.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from revisit_tui.domain.models import ContactField, MaskedField

VISIBLE = 4
MIN_LENGTH_TO_SHOW = 8
MASK = "****"

# a number inside free text: digits and capitals, single spaces or dashes between groups;
# masked when it holds 8 digits or more (a date's 8 digits stay: "2026-11-01")
_NUMBER_IN_TEXT = re.compile(r"[0-9A-Z]*[0-9][0-9A-Z]*(?:[ \-][0-9A-Z]+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MIN_DIGITS_IN_TEXT = 8
_EMAIL_IN_TEXT = re.compile(r"[^\s@]+@[^\s@]+")
_CONTACT_MASKS = {
    ContactField.MOBILE.value: MaskedField.MOBILE.value,
    ContactField.LANDLINE.value: MaskedField.LANDLINE.value,
    ContactField.IDENTITY_NUMBER.value: MaskedField.IDENTITY_NUMBER.value,
}


def mask(value: str | None) -> str:
    """The value with all but its last 4 characters hidden; "" for no value."""
    if not value:
        return ""
    if len(value) < MIN_LENGTH_TO_SHOW:
        return MASK
    return MASK + value[-VISIBLE:]


def mask_field(field: MaskedField | str, value: str | None) -> str:
    """A masked field as shown on screen; separators typed in numbers are ignored first, so
    "0755-8888 6666" shows its last 4 digits. Every masked field follows the same rule; an
    unknown field name (a typo) is a ValueError."""
    MaskedField(field)
    if value is None:
        return ""
    return mask(value.replace(" ", "").replace("-", ""))


def mask_email(value: str | None) -> str:
    """An e-mail address with its local part hidden but the first character:
    "zhang.wei@example.com" → "z***@example.com"; a value without "@" is masked whole."""
    if not value:
        return ""
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return mask(value)
    return f"{local[0]}***@{domain}"


def mask_text(text: str) -> str:
    """Free text (a counterparty, a reason, notes) with every number of 8 or more digits and
    every e-mail address in it masked: account and card numbers hide in such text."""
    if not text:
        return text
    text = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group()), text)
    return _NUMBER_IN_TEXT.sub(_masked_number, text)


def _masked_number(match: re.Match[str]) -> str:
    found = match.group()
    digits = sum(char.isdigit() for char in found)
    if digits < MIN_DIGITS_IN_TEXT or _DATE.fullmatch(found):
        return found
    return mask_field(MaskedField.ACCOUNT_NUMBER, found)


def mask_contact_value(field: ContactField | str, value: str | None) -> str | None:
    """A contact value (e.g. a changed number in an outcome) as it may travel masked."""
    if value is None:
        return None
    name = ContactField(field).value
    if name in _CONTACT_MASKS:
        return mask_field(_CONTACT_MASKS[name], value)
    if name == ContactField.EMAIL.value:
        return mask_email(value)
    return value


# --- the wire's JSON dicts, masked as the central API sends them -------------------------


def masked_customer(body: dict[str, Any]) -> dict[str, Any]:
    """A Customer's JSON with mobile, landline, e-mail and identity number masked."""
    out = dict(body)
    for name in (MaskedField.MOBILE.value, MaskedField.LANDLINE.value):
        if out.get(name):
            out[name] = mask_field(name, out[name])
    if out.get("email"):
        out["email"] = mask_email(out["email"])
    identity = out.get("identity")
    if identity and identity.get("number"):
        out["identity"] = {
            **identity,
            "number": mask_field(MaskedField.IDENTITY_NUMBER, identity["number"]),
        }
    return out


def masked_account(body: dict[str, Any]) -> dict[str, Any]:
    """An Account's JSON with its number masked."""
    return {**body, "number": mask_field(MaskedField.ACCOUNT_NUMBER, body["number"])}


def masked_task(body: dict[str, Any]) -> dict[str, Any]:
    """A Task's JSON with its account number masked, and numbers in its key (which names
    the account) and reason."""
    out = dict(body)
    out["key"] = mask_text(out["key"])
    if out.get("account_number"):
        out["account_number"] = mask_field(MaskedField.ACCOUNT_NUMBER, out["account_number"])
    if out.get("reason"):
        out["reason"] = mask_text(out["reason"])
    return out


def masked_transaction(body: dict[str, Any]) -> dict[str, Any]:
    """A Transaction's JSON with its account number and any number in its texts masked
    (a counterparty is often an account)."""
    out = dict(body)
    out["account_number"] = mask_field(MaskedField.ACCOUNT_NUMBER, out["account_number"])
    for name in ("counterparty", "flag_reason"):
        if out.get(name):
            out[name] = mask_text(out[name])
    return out


def masked_outcome(body: dict[str, Any]) -> dict[str, Any]:
    """An Outcome's JSON with new contact values masked and numbers in its texts masked."""
    out = dict(body)
    out["contact_checks"] = [
        {**check, "new_value": mask_contact_value(check["field"], check.get("new_value"))}
        for check in body.get("contact_checks", [])
    ]
    out["transaction_checks"] = [
        {**check, "note": mask_text(check.get("note", ""))}
        for check in body.get("transaction_checks", [])
    ]
    out["escalations"] = [
        {**request, "summary": mask_text(request["summary"])}
        for request in body.get("escalations", [])
    ]
    out["notes"] = mask_text(body.get("notes", ""))
    return out


def masked_escalation(body: dict[str, Any]) -> dict[str, Any]:
    """An Escalation's JSON with numbers in its summary, resolution and history masked."""
    return {
        **body,
        "summary": mask_text(body.get("summary", "")),
        "resolution": mask_text(body.get("resolution", "")),
        "history": [
            {**step, "text": mask_text(step.get("text", ""))} for step in body.get("history", [])
        ],
    }


def masked_store_report(body: dict[str, Any]) -> dict[str, Any]:
    """A StoreReport's JSON with numbers in its texts masked, its item as an outcome is (any
    other item, or one this version cannot read, with every text but ids and times masked)."""
    out = dict(body)
    for name in ("reason", "refusal"):
        if out.get(name):
            out[name] = mask_text(out[name])
    item = body.get("item")
    if item is not None:
        with contextlib.suppress(KeyError, TypeError, AttributeError):  # not an outcome
            item = masked_outcome(item) if body.get("item_kind") == "outcome" else item
        out["item"] = _masked_json(item)
    return out


def _masked_json(value: Any, key: str = "") -> Any:
    """JSON with mask_text applied to every string in it but ids and times."""
    if isinstance(value, str):
        plain = key == "id" or key.endswith(("_id", "_at"))
        return value if plain else mask_text(value)
    if isinstance(value, list):
        return [_masked_json(v, key) for v in value]
    if isinstance(value, dict):
        return {k: _masked_json(v, str(k)) for k, v in value.items()}
    return value
