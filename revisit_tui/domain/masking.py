"""Masking of identifiers on screen: only the last 4 characters show, e.g. "****5678".

The mask has a fixed width, so it tells nothing about the value's length; values shorter than
8 characters show nothing at all (4 of them would be half the value).
"""

from __future__ import annotations

from revisit_tui.domain.models import MaskedField

VISIBLE = 4
MIN_LENGTH_TO_SHOW = 8
MASK = "****"


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
    compact = "".join(char for char in value if char not in " -")
    return mask(compact)
