"""What the supervisors' commands print, in zh-CN or en.

The strings live in `supervisor/locales/<locale>.toml` (dotted keys, `{name}` parameters). The
locale is --lang if given, else the terminal's (LC_ALL, LC_MESSAGES, LANG naming zh or en),
else `[ui] locale` of the configuration. A key missing in a locale falls back to English.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LOCALES = ("zh-CN", "en")
FALLBACK = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def choose_locale(
    explicit: str | None, configured: str, environ: Mapping[str, str] | None = None
) -> str:
    """The locale to print in: --lang, else the terminal's language, else the config's."""
    if explicit in LOCALES:
        return str(explicit)
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").lower()
        if value.startswith("zh"):
            return "zh-CN"
        if value.startswith("en"):
            return "en"
        if value:
            break  # a set variable that names another language: the configuration decides
    return configured if configured in LOCALES else FALLBACK


@cache
def catalog(locale: str) -> Mapping[str, str]:
    """Every string of one locale, by dotted key."""
    path = LOCALES_DIR / f"{locale}.toml"
    if not path.is_file():
        return {}
    return _flatten(tomllib.loads(path.read_text(encoding="utf-8")))


class Messages:
    """`say("assign.assigned", count=3)`: the text of a key in this locale, filled in."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else FALLBACK

    def __call__(self, key: str, **params: object) -> str:
        text = catalog(self.locale).get(key) or catalog(FALLBACK).get(key, key)
        return text.format(**params) if params else text

    def value(self, group: str, value: object) -> str:
        """A wire value (a task kind, an urgency…) in words: `values.<group>.<value>`, or the
        value itself when the catalogues do not name it (a kind newer than they are)."""
        key = f"values.{group}.{value}"
        return catalog(self.locale).get(key) or catalog(FALLBACK).get(key) or str(value)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = str(value)
    return out


class Told(Exception):
    """A failure told in the reader's language: a message key of the catalogue with its
    values (`BadInput("errors.unknown_agent", option="--agent", agent="x")`), or a text
    printed as it is (a server's or a file's own words). A value that is itself Told is told
    in the same language (a file's problem inside "--from-file: …")."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.values = values

    def told(self, say: Messages) -> str:
        values = {
            name: value.told(say) if isinstance(value, Told) else value
            for name, value in self.values.items()
        }
        return say(str(self.args[0]), **values)

    def __str__(self) -> str:
        return self.told(Messages(FALLBACK))
