"""The call screens' strings exist in both languages, so no agent sees a key or a sudden
switch to English in the middle of a call."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from revisit_tui.app import i18n

APP = Path(i18n.__file__).parent
CALL_MODULES = [
    "callform.py",
    "script_texts.py",
    "screens/call.py",
    "screens/wrapup.py",
    "screens/sms.py",
    "screens/reveal.py",
    "screens/identity.py",
    *(
        f"widgets/{name}"
        for name in (
            "call_summary.py",
            "choice_row.py",
            "customer_card.py",
            "script_stepper.py",
            "step_contact.py",
            "step_questions.py",
            "step_transactions.py",
        )
    ),
]
STATIC_KEY = re.compile(r"""(?<!id=)["'](call\.[a-z_.0-9]+[a-z0-9_])["']""")


def flatten(table: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, value in table.items():
        if isinstance(value, dict):
            keys |= flatten(value, f"{prefix}{name}.")
        else:
            keys.add(prefix + name)
    return keys


def keys_of(locale: str) -> set[str]:
    path = i18n.LOCALES_DIR / f"call.{locale}.toml"
    return flatten(tomllib.loads(path.read_text(encoding="utf-8")))


def test_both_languages_have_the_same_call_strings() -> None:
    assert keys_of("zh-CN") == keys_of("en")


def test_every_call_string_the_code_names_exists() -> None:
    used = set()
    for module in CALL_MODULES:
        used |= set(STATIC_KEY.findall((APP / module).read_text(encoding="utf-8")))
    used = {key for key in used if not key.endswith((".tcss", ".py"))}
    assert used, "no keys found: the pattern is wrong"
    assert used - keys_of("en") == set()
