"""The call scripts and SMS templates: one TOML file per task kind and locale, plus sms.toml.

`<locale>/<task kind>.toml` (e.g. `zh-CN/periodic.toml`) holds a call script and
`<locale>/sms.toml` the SMS templates; the format is described in `revisit_tui.domain.scripts`.
The files shipped here are the defaults; `directory` points at a bank's edited copy of the
same tree, and `check_scripts` (behind `revisit check-config`) lists every problem at once.
The app reads them all once, at start (`load_book`): a broken file stops the start with the
list of problems, never a call in progress.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from revisit_tui.domain.models import Language, TaskKind
from revisit_tui.domain.scripts import (
    CallScript,
    ScriptError,
    SmsTemplate,
    parse_script,
    parse_sms_templates,
    read_script,
    read_sms_templates,
    render,
)

__all__ = [
    "SHIPPED",
    "CallScript",
    "ScriptBook",
    "ScriptError",
    "ScriptsBroken",
    "SmsTemplate",
    "check_scripts",
    "load_book",
    "load_script",
    "load_sms_templates",
    "render",
]

SHIPPED = Path(__file__).parent
SMS_FILE = "sms.toml"


@lru_cache(maxsize=64)
def load_script(
    kind: TaskKind | str, locale: Language | str, directory: Path | None = None
) -> CallScript:
    """The call script of a task kind in a locale; ScriptError (path:line: reason) if broken."""
    path = (directory or SHIPPED) / Language(locale).value / f"{TaskKind(kind).value}.toml"
    script = parse_script(_read(path), str(path))
    if script.kind != TaskKind(kind) or script.locale != Language(locale):
        raise ScriptError(str(path), 0, _mismatch(script, path))
    return script


@lru_cache(maxsize=8)
def load_sms_templates(
    locale: Language | str, directory: Path | None = None
) -> tuple[SmsTemplate, ...]:
    """The SMS templates of a locale, in file order."""
    path = (directory or SHIPPED) / Language(locale).value / SMS_FILE
    return tuple(parse_sms_templates(_read(path), str(path)))


@dataclass(frozen=True)
class ScriptBook:
    """Every call script and SMS template of one scripts folder, read and checked together:
    a call takes its texts from here, so a file edited or broken later cannot fail it."""

    scripts: Mapping[tuple[TaskKind, Language], CallScript]
    sms: Mapping[Language, tuple[SmsTemplate, ...]]

    def script(self, kind: TaskKind | str, locale: Language | str) -> CallScript:
        """The call script of a task kind in a locale."""
        return self.scripts[TaskKind(kind), Language(locale)]

    def sms_templates(self, locale: Language | str) -> tuple[SmsTemplate, ...]:
        """The SMS templates of a locale, in file order."""
        return self.sms[Language(locale)]


class ScriptsBroken(Exception):
    """A scripts folder that cannot be used: every problem, each as "path:line: reason"."""

    def __init__(self, directory: Path, problems: list[str]) -> None:
        self.directory = directory
        self.problems = problems
        super().__init__(f"{directory}: {len(problems)} problem(s)")


def load_book(directory: Path | None = None) -> ScriptBook:
    """Every script and SMS template of `directory` (None: the shipped ones), each file read
    once; ScriptsBroken with every problem at once if any file is missing or wrong."""
    book, problems = _scan(directory)
    if book is None:
        raise ScriptsBroken(directory or SHIPPED, problems)
    return book


def check_scripts(directory: Path | None = None) -> list[str]:
    """Every problem of the scripts and SMS templates of every locale, as "path:line: reason";
    a script or template file missing for a locale is a problem too."""
    return _scan(directory)[1]


def _scan(directory: Path | None) -> tuple[ScriptBook | None, list[str]]:
    """Read every file of a scripts folder: the book when nothing is wrong, and the problems."""
    root = directory or SHIPPED
    problems: list[str] = []
    scripts: dict[tuple[TaskKind, Language], CallScript] = {}
    sms: dict[Language, tuple[SmsTemplate, ...]] = {}
    known = {f"{kind.value}.toml" for kind in TaskKind} | {SMS_FILE}
    for language in Language:
        folder = root / language.value
        for kind in TaskKind:
            path = folder / f"{kind.value}.toml"
            script, found = _parsed(path, read_script)
            problems += found
            if script is not None and (script.kind, script.locale) != (kind, language):
                problems.append(f"{path}:0: {_mismatch(script, path)}")
            elif script is not None:
                scripts[kind, language] = script
        templates, found = _parsed(folder / SMS_FILE, read_sms_templates)
        problems += found
        sms[language] = tuple(templates or ())
        for extra in sorted(folder.glob("*.toml")):
            if extra.name not in known:
                problems.append(f"{extra}:0: not a task kind ({', '.join(TaskKind)}) nor sms")
    return (None if problems else ScriptBook(scripts, sms)), problems


_T = TypeVar("_T")


def _parsed(
    path: Path, read: Callable[[str, str], tuple[_T, list[ScriptError]]]
) -> tuple[_T | None, list[str]]:
    """A file read by `read`, and its problems as "path:line: reason" (a missing file is one)."""
    try:
        parsed, found = read(_read(path), str(path))
    except ScriptError as exc:
        return None, [str(exc)]
    return parsed, [str(problem) for problem in found]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScriptError(str(path), 0, "missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(str(path), 0, f"cannot be read: {exc}") from None


def _mismatch(script: CallScript, path: Path) -> str:
    return (
        f"the file says kind={script.kind.value} locale={script.locale}, "
        f"but its place is {path.parent.name}/{path.name}"
    )
