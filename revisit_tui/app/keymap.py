"""Every binding of the app by its id, and the user's `[keymap]` (binding id -> keys) checked
against them: an unknown id, a key Textual does not know, or a key already bound where the
binding lives is refused before the app starts, with where and what."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from textual.binding import Binding
from textual.keys import Keys, _character_to_key, _normalize_key_list, key_to_character

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("help.app", "revisit_tui.app.app", "RevisitApp"),
    ("help.queue", "revisit_tui.app.screens.queue", "QueueScreen"),
    ("help.queue_table", "revisit_tui.app.widgets.queue_table", "QueueTable"),
    ("help.myday", "revisit_tui.app.screens.myday", "MyDayScreen"),
    ("help.resubmit", "revisit_tui.app.screens.myday", "ResubmitScreen"),
    ("help.discard", "revisit_tui.app.screens.myday", "DiscardScreen"),
    ("help.signin", "revisit_tui.app.screens.signin", "SignInScreen"),
    ("help.help", "revisit_tui.app.screens.help", "HelpScreen"),
    ("help.call", "revisit_tui.app.screens.call", "CallScreen"),
    ("help.identity", "revisit_tui.app.screens.identity", "IdentityCheckScreen"),
    ("help.reveal", "revisit_tui.app.screens.reveal", "RevealScreen"),
    ("help.wrapup", "revisit_tui.app.screens.wrapup", "WrapUpScreen"),
    ("help.sms", "revisit_tui.app.screens.sms", "SmsScreen"),
    ("help.rows", "revisit_tui.app.widgets.choice_row", "ChoiceRow"),
    ("help.contact_row", "revisit_tui.app.widgets.choice_row", "ContactChoice"),
    ("help.transaction_row", "revisit_tui.app.widgets.choice_row", "TransactionChoice"),
    ("help.yes_no_row", "revisit_tui.app.widgets.choice_row", "YesNoChoice"),
    ("help.rating_row", "revisit_tui.app.widgets.choice_row", "RatingChoice"),
    ("help.closure_reason_row", "revisit_tui.app.widgets.choice_row", "ClosureReasonChoice"),
    ("help.disposition_row", "revisit_tui.app.widgets.choice_row", "DispositionChoice"),
    ("help.category_row", "revisit_tui.app.widgets.choice_row", "CategoryChoice"),
    ("help.urgency_row", "revisit_tui.app.widgets.choice_row", "UrgencyChoice"),
    ("help.field", "revisit_tui.app.widgets.step_fields", "FieldInput"),
)
"""(locale key of the help section, module, class) of every class that declares bindings,
in the order help lists them."""

ROWS = ("ChoiceRow",)
SCOPES: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "QueueScreen": (("QueueTable",),),
    "CallScreen": (
        (*ROWS, "ContactChoice"),
        (*ROWS, "TransactionChoice"),
        (*ROWS, "YesNoChoice"),
        (*ROWS, "RatingChoice"),
        (*ROWS, "ClosureReasonChoice"),
        ("FieldInput",),
    ),
    "WrapUpScreen": (
        (*ROWS, "DispositionChoice"),
        (*ROWS, "CategoryChoice"),
        (*ROWS, "UrgencyChoice"),
        ("FieldInput",),
    ),
}
"""The widgets that can hold the focus on a screen, each with the classes whose bindings it
has; a screen not named here has only its own. The app's bindings are active everywhere."""

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@dataclass(frozen=True)
class KeyedBinding:
    """One binding as help and the keymap see it: its id, its keys, its description."""

    id: str
    keys: tuple[str, ...]
    description: str
    section: str
    priority: bool = False  # active inside text fields too


@cache
def bound_classes() -> dict[str, tuple[str, type]]:
    """Class name -> (help section key, class) for every class in SECTIONS."""
    return {
        name: (section, getattr(importlib.import_module(module), name))
        for section, module, name in SECTIONS
    }


def own_bindings(cls: type) -> list[KeyedBinding]:
    """The bindings a class declares itself (not those it inherits), one per id."""
    section = next((s for s, c in bound_classes().values() if c is cls), "")
    found: dict[str, KeyedBinding] = {}
    for binding in cls.__dict__.get("BINDINGS", []):
        assert isinstance(binding, Binding), f"{cls.__name__}: bindings are Binding objects"
        assert binding.id, f"{cls.__name__}: {binding.key} has no id"
        keys = tuple(key.strip() for key in binding.key.split(","))
        known = found.get(binding.id)
        if known is not None:
            keys = known.keys + keys
        found[binding.id] = KeyedBinding(
            binding.id,
            keys,
            binding.tooltip or binding.description,
            section,
            binding.priority or (known is not None and known.priority),
        )
    return list(found.values())


def all_bindings() -> Iterator[KeyedBinding]:
    """Every binding of the app, section by section."""
    for _section, cls in bound_classes().values():
        yield from own_bindings(cls)


def normalized(keymap: Mapping[str, str]) -> dict[str, str]:
    """The keymap with single characters named as Textual names them (`?` is question_mark)."""
    return {binding_id: _normalize_key_list(keys) for binding_id, keys in keymap.items()}


def keys_of(binding: KeyedBinding, keymap: Mapping[str, str]) -> tuple[str, ...]:
    """The keys a binding answers to once the (normalized) keymap is applied."""
    mapped = keymap.get(binding.id)
    return tuple(key.strip() for key in mapped.split(",")) if mapped else binding.keys


def is_key_name(key: str) -> bool:
    """Whether Textual can deliver this key: modifiers joined by `+` to one key name."""
    *modifiers, name = key.split("+")
    if not name or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    return name in _key_names() or key_to_character(name) is not None


@cache
def _key_names() -> frozenset[str]:
    names = {key.value.rpartition("+")[2] for key in Keys} | {f"f{n}" for n in range(1, 25)}
    return frozenset(names | {_character_to_key(chr(code)) for code in range(33, 127)})


def is_typing_key(key: str) -> bool:
    """Whether the key types a character into a text field (a letter, digit, space, `?`)."""
    *modifiers, name = key.split("+")
    character = key_to_character(name)
    typed = not set(modifiers) - {"shift"}
    return typed and character is not None and character.isprintable()


def keymap_problems(keymap: Mapping[str, str]) -> list[str]:
    """Each problem of the keymap as 'keymap.<id>: what is wrong'; empty when it can be used."""
    bindings = {binding.id: binding for binding in all_bindings()}
    ids = set(bindings)
    problems = []
    keymap = normalized(keymap)
    for binding_id, keys in keymap.items():
        where = f"keymap.{binding_id}"
        if binding_id not in ids:
            problems.append(f"{where}: no such binding (the ids are listed in docs/keys.md)")
            continue
        named = [key.strip() for key in keys.split(",")]
        if not all(named):
            problems.append(f"{where}: an empty key in {keys!r}")
        problems += [
            f"{where}: {key!r} is not a key name" for key in named if key and not is_key_name(key)
        ]
        if bindings[binding_id].priority:
            problems += [
                f"{where}: {key!r} types a character, and this key works inside text fields"
                " (notes would lose it): use an F-key or a Ctrl/Alt combination"
                for key in named
                if key and is_key_name(key) and is_typing_key(key)
            ]
    return problems + _clashes(keymap)


def _clashes(keymap: Mapping[str, str]) -> list[str]:
    """Keys the keymap binds twice where both bindings are active at once (a clash the
    default bindings already have, such as a row's Enter over the screen's, is intended)."""
    problems: set[str] = set()
    for group in active_groups():
        default = _by_key(group, {})
        for key, ids in _by_key(group, keymap).items():
            if len(ids) > 1 and ids != default.get(key):
                for binding_id in sorted(ids & set(keymap)):
                    others = ", ".join(sorted(ids - {binding_id}))
                    problems.add(f"keymap.{binding_id}: {key!r} is already bound to {others}")
    return sorted(problems)


def _by_key(group: list[KeyedBinding], keymap: Mapping[str, str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for binding in group:
        for key in keys_of(binding, keymap):
            found.setdefault(key, set()).add(binding.id)
    return found


def active_groups() -> Iterator[list[KeyedBinding]]:
    """The bindings active at the same time: the app's, a screen's and its focused widget's."""
    classes = bound_classes()
    app = own_bindings(classes["RevisitApp"][1])
    for name, (_section, cls) in classes.items():
        if not name.endswith("Screen"):
            continue
        screen = app + own_bindings(cls)
        for widgets in SCOPES.get(name, ((),)):
            yield screen + [b for widget in widgets for b in own_bindings(classes[widget][1])]


def reference() -> str:
    """docs/keys.md: every binding id with its default keys and what it does (English)."""
    from revisit_tui.app.i18n import translate

    lines = [
        "# Keys and their binding ids",
        "",
        "Generated from the app's bindings (`python -m revisit_tui.app.keymap > docs/keys.md`;",
        "a test keeps it current). Rebind any of them in the `[keymap]` table of config.toml,",
        'e.g. `"call.wrap_up" = "f12,w"`: the keys replace the defaults, comma-separated,',
        "named as Textual names them (`f5`, `ctrl+s`, `pagedown`, `question_mark`, a letter).",
        "An unknown id, an unknown key or a key already bound where the binding is active",
        "stops the app at start (and `revisit check-config`) with the list of problems.",
        "",
        "| where | id | default keys | what it does |",
        "|---|---|---|---|",
    ]
    for binding in all_bindings():
        keys = ", ".join(f"`{key}`" for key in binding.keys)
        where = translate("en", binding.section)
        what = translate("en", binding.description).replace("|", "\\|")
        lines.append(f"| {where} | `{binding.id}` | {keys} | {what} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference(), end="")
