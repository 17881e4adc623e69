"""The call scripts and SMS templates: one TOML file per task kind and locale, plus sms.toml.

`<locale>/<task kind>.toml` (e.g. `zh-CN/periodic.toml`) holds a call script and
`<locale>/sms.toml` the SMS templates; the format is described in `revisit_tui.domain.scripts`.
The files shipped here are the defaults; `directory` points at a bank's edited copy of the
same tree, and `check_scripts` (behind `revisit check-config`) lists every problem at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from revisit_tui.domain.models import Language, TaskKind
from revisit_tui.domain.scripts import (
    CallScript,
    ScriptError,
    SmsTemplate,
    parse_script,
    parse_sms_templates,
    render,
    script_problems,
    sms_problems,
)

__all__ = [
    "SHIPPED",
    "CallScript",
    "ScriptError",
    "SmsTemplate",
    "check_scripts",
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


def check_scripts(directory: Path | None = None) -> list[str]:
    """Every problem of the scripts and SMS templates of every locale, as "path:line: reason";
    a script or template file missing for a locale is a problem too."""
    root = directory or SHIPPED
    problems: list[str] = []
    known = {f"{kind.value}.toml" for kind in TaskKind} | {SMS_FILE}
    for language in Language:
        folder = root / language.value
        for kind in TaskKind:
            problems += _script_file_problems(folder / f"{kind.value}.toml", kind, language)
        sms = folder / SMS_FILE
        try:
            problems += [str(problem) for problem in sms_problems(_read(sms), str(sms))]
        except ScriptError as exc:
            problems.append(str(exc))
        for extra in sorted(folder.glob("*.toml")):
            if extra.name not in known:
                problems.append(f"{extra}:0: not a task kind ({', '.join(TaskKind)}) nor sms")
    return problems


def _script_file_problems(path: Path, kind: TaskKind, language: Language) -> list[str]:
    try:
        text = _read(path)
    except ScriptError as exc:
        return [str(exc)]
    found = script_problems(text, str(path))
    if found:
        return [str(problem) for problem in found]
    script = parse_script(text, str(path))
    if script.kind != kind or script.locale != language:
        return [f"{path}:0: {_mismatch(script, path)}"]
    return []


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
