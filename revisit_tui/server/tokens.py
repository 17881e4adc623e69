"""Bearer tokens: random, shown once, stored only as their SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A fresh random token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
