"""The identity check without disclosure: the number the customer says is compared with the
bank's by a slow salted digest, so neither the agent's app nor its cache ever holds the number.

The server makes an `IdentityCheck` per task (docs/api.md: the salt comes from a server-side
key, the digest from scrypt); the app hashes what the customer says the same way and compares.
It works offline, and a stolen check costs an attacker one scrypt run per guessed number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from revisit_tui.domain.models import IdentityCheck

DIGEST_BYTES = 32
R = 8
P = 1


def normalise(number: str) -> str:
    """An identity number as compared: no spaces or dashes, letters upper case ("x" → "X")."""
    return "".join(char for char in number if char not in " -").upper()


def digest(number: str, salt: bytes, n: int, r: int = R, p: int = P) -> bytes:
    """scrypt of the normalised number; 128·r·n bytes of memory (32 MiB at n = 2**15)."""
    return hashlib.scrypt(
        normalise(number).encode(),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=DIGEST_BYTES,
        maxmem=256 * r * n,
    )


def make_check(task_id: str, number: str, salt: bytes, cost: int) -> IdentityCheck:
    """The check of `number` for one task (server side: the salt is derived from its key)."""
    n = 2**cost
    return IdentityCheck(
        task_id=task_id,
        n=n,
        r=R,
        p=P,
        salt=base64.b64encode(salt).decode(),
        digest=base64.b64encode(digest(number, salt, n)).decode(),
    )


def matches(check: IdentityCheck, spoken: str) -> bool:
    """Whether the number the customer says is the one the bank holds."""
    if not normalise(spoken):
        return False
    salt = base64.b64decode(check.salt)
    expected = base64.b64decode(check.digest)
    return hmac.compare_digest(digest(spoken, salt, check.n, check.r, check.p), expected)
