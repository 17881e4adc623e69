"""Account ids: how the central API names an account to everyone who may not see its number.

An account's id is a keyed hash (HMAC-SHA256 under the database's account-id key,
`serverkeys`) of its
number: stable, so tasks built from it keep their keys and ids run after run; the same in
every worker; and worthless without the key. A plain hash would not do: an account number has
so few unknown digits that trying them all reverses it. Supervisors' listings carry the id
beside the masked number, and queue building keys its tasks on it; the full number stays on
the server (docs/api.md "Account ids").
"""

from __future__ import annotations

import hmac
import string
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain.masking import mask_field, mask_text
from revisit_tui.domain.models import MaskedField, Task, TaskBrief
from revisit_tui.server.rows import TASK_FIELDS
from revisit_tui.server.tables import accounts, tasks
from revisit_tui.server.taskstore import chunks

PREFIX = "ac-"
# letters only (about 94 bits): no run of digits in an id, or a key, reads as a number to mask
LENGTH = 20
CACHED_IDS = 1 << 17  # about 30 MB: one queue build's accounts
_LISTED_FIELDS = tuple(Task.model_fields)  # a row's columns, and account_id
_LETTERS = string.ascii_lowercase
# byte → its letter (byte mod 26): one translate per id instead of a loop over the digest
_LETTER_OF_BYTE = bytes(ord(_LETTERS[byte % len(_LETTERS)]) for byte in range(256))


class AccountIds:
    """Account number → account id, under one database's key. The latest ids are kept:
    building and assigning a queue names each account in several requests (its listing,
    the tasks' creation, the task listing)."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self.of = lru_cache(maxsize=CACHED_IDS)(self._hashed)

    def _hashed(self, number: str) -> str:
        digest = hmac.digest(self._key, number.encode(), "sha256")
        return PREFIX + digest[:LENGTH].translate(_LETTER_OF_BYTE).decode("ascii")


def masked_number(number: str) -> str:
    return mask_field(MaskedField.ACCOUNT_NUMBER, number)


def listed_tasks(rows: Sequence[Any], ids: AccountIds) -> list[dict[str, Any]]:
    """Task rows as supervisors see them, as the JSON of Tasks (every field, in the model's
    order): each account by id, the number masked (where the key names it, too), numbers in
    the reason masked. The rows were validated when written: a page is serialised from
    these (paging.items_response) without a model per row."""
    return [_listed(row._mapping, ids) for row in rows]


def _listed(mapping: Any, ids: AccountIds) -> dict[str, Any]:
    task: dict[str, Any] = dict.fromkeys(_LISTED_FIELDS)
    task.update((name, mapping[name]) for name in TASK_FIELDS)
    task["reason"] = mask_text(task["reason"])
    number = task["account_number"]
    if number:
        masked = masked_number(number)
        task["account_number"] = masked
        task["account_id"] = ids.of(number)
        task["key"] = task["key"].replace(number, masked)
    return task


# what GET /v1/tasks/briefs reads of a task: its TaskBrief, and the number its key may name
BRIEF_COLUMNS = (*(tasks.c[name] for name in TaskBrief.model_fields), tasks.c.account_number)
_BRIEF_FIELDS = tuple(TaskBrief.model_fields)


def listed_briefs(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of BRIEF_COLUMNS as the JSON of TaskBriefs, the key masked as in listed_tasks."""
    briefs = []
    for row in rows:
        mapping = row._mapping
        brief = {name: mapping[name] for name in _BRIEF_FIELDS}
        number = mapping["account_number"]
        if number:
            brief["key"] = brief["key"].replace(number, masked_number(number))
        briefs.append(brief)
    return briefs


def numbers_of_customers(
    conn: Connection, ids: AccountIds, customer_ids: Sequence[str]
) -> dict[tuple[str, str], str]:
    """(customer id, account id) → account number, for every account of these customers."""
    found: dict[tuple[str, str], str] = {}
    for part in chunks(sorted(set(customer_ids))):
        rows = conn.execute(
            sa.select(accounts.c.customer_id, accounts.c.number).where(
                accounts.c.customer_id.in_(part)
            )
        )
        for customer_id, number in rows:
            found[(customer_id, ids.of(number))] = number
    return found
