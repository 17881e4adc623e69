"""UI strings: `revisit_tui/locales/<locale>.toml` merged with every `*.<locale>.toml` beside it.

Keys are dotted paths (`queue.title`). A key missing in a locale falls back to English, then
to the key itself, so a missing string shows up on screen instead of crashing the app.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LOCALES = ("zh-CN", "en")
FALLBACK = "en"


@cache
def catalog(locale: str) -> Mapping[str, str]:
    """Every string of one locale: the main file first, then each `*.<locale>.toml` part."""
    strings: dict[str, str] = {}
    main = LOCALES_DIR / f"{locale}.toml"
    if main.is_file():
        strings.update(_flatten(tomllib.loads(main.read_text(encoding="utf-8"))))
    for part in sorted(LOCALES_DIR.glob(f"*.{locale}.toml")):
        strings.update(_flatten(tomllib.loads(part.read_text(encoding="utf-8"))))
    return strings


def translate(locale: str, key: str, **params: object) -> str:
    """The text for `key` in `locale` (else English, else the key), with `{name}` filled in."""
    text = catalog(locale).get(key)
    if text is None:
        text = catalog(FALLBACK).get(key, key)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def next_locale(locale: str) -> str:
    """The locale F2 switches to: zh-CN ⇄ en."""
    index = LOCALES.index(locale) if locale in LOCALES else -1
    return LOCALES[(index + 1) % len(LOCALES)]


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, key + "."))
        else:
            out[key] = str(value)
    return out
