"""Rows ↔ wire models: the few conversions the routes share."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from revisit_tui.domain.models import Escalation, Outcome, Task

# the account id is not stored: it is the account number's keyed hash (server/accountids.py)
TASK_FIELDS = tuple(name for name in Task.model_fields if name != "account_id")


def task_from_row(row: Any) -> Task:
    mapping = row._mapping
    return Task.model_validate({name: mapping[name] for name in TASK_FIELDS})


def task_dict(row: Any) -> dict[str, Any]:
    """A task row as the JSON dict of a Task, without building the model (queue speed)."""
    mapping = row._mapping
    out: dict[str, Any] = {}
    for name in TASK_FIELDS:
        value = mapping[name]
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def outcome_from_row(row: Any) -> Outcome:
    return Outcome.model_validate(row.body)


def escalation_from_row(row: Any) -> Escalation:
    return Escalation.model_validate(row.body)


def canonical_hash(outcome: Outcome) -> str:
    """The same outcome hashes the same however its JSON was spelled."""
    body = json.dumps(outcome.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()
