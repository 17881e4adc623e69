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

import hashlib
import hmac
import string
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain.masking import mask_field, mask_text
from revisit_tui.domain.models import MaskedField, Task
from revisit_tui.server.rows import task_from_row
from revisit_tui.server.tables import accounts
from revisit_tui.server.taskstore import chunks

PREFIX = "ac-"
# letters only (about 94 bits): no run of digits in an id, or a key, reads as a number to mask
LENGTH = 20
_LETTERS = string.ascii_lowercase


class AccountIds:
    """Account number → account id, under one database's key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def of(self, number: str) -> str:
        digest = hmac.new(self._key, number.encode(), hashlib.sha256).digest()
        return PREFIX + "".join(_LETTERS[byte % len(_LETTERS)] for byte in digest[:LENGTH])


def masked_number(number: str) -> str:
    return mask_field(MaskedField.ACCOUNT_NUMBER, number)


def listed_task(row: Any, ids: AccountIds) -> Task:
    """A task row as supervisors see it: its account by id, the number masked (where the key
    names it, too), numbers in its reason masked."""
    task = task_from_row(row)
    number = task.account_number
    update: dict[str, Any] = {"reason": mask_text(task.reason)}
    if number:
        masked = masked_number(number)
        update |= {
            "account_number": masked,
            "account_id": ids.of(number),
            "key": task.key.replace(number, masked),
        }
    return task.model_copy(update=update)


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
