"""Call scripts as data: a TOML text parsed into a `CallScript` of `ScriptStep`s, checked so
that a bank editing the wording gets every mistake with its file and line.

A script file has `version`, `kind` (a task kind), `locale`, `title` and `[[steps]]`; each step
has `id`, `kind`, `title`, `prompt` (what the agent says, with `{placeholders}`) and optionally
`hint` (guidance for the agent, not read out), `corporate_prompt` (said instead to corporate
customers), `items` (which contact fields, features, products or "flagged" transactions the
step goes through), `[steps.item_prompts]` (a line per item) and `[steps.missing_prompts]` (a
line per item for when a value its item prompt names is not on file, e.g. no landline). What a
step records follows from its kind and items: a contact_check step with items ["mobile"]
records the outcome's `contact_checks` for mobile.

Lines are filled with `fill`: the agent never reads out a blank or a raw {name}.

An sms.toml has `locale` and `[templates.<id>]` tables with `title`, `text` and optionally
`account_statuses` and `task_kinds` (where the template applies; see `SmsTemplate`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from revisit_tui.domain.models import (
    SPECIAL_EVENTS,
    AccountStatus,
    ContactField,
    Feature,
    Language,
    LeadProduct,
    QueueItem,
    TaskKind,
)


class StepKind(StrEnum):
    INTRO = "intro"
    CONTACT_CHECK = "contact_check"
    IDENTITY_CHECK = "identity_check"
    TRANSACTION_CHECK = "transaction_check"
    FEATURE_USE = "feature_use"
    NEEDS = "needs"
    ESCALATION_RESULT = "escalation_result"  # a follow-up: is the problem solved? (§九.3)
    EVENT = "event"  # a special event: what happened, said to the customer (§六.3)
    CLOSURE_REASON = "closure_reason"  # a closure: why the account was closed (seed 000 §一)
    FRAUD_WARNING = "fraud_warning"
    SECURITY_TIPS = "security_tips"
    CLOSE = "close"


PLACEHOLDERS = frozenset(
    {
        "bank_name",
        "agent_name",
        "customer_name",
        "phone",
        "email",
        "landline",
        "address",
        "account",
        "identity_expiry",
        "transaction_time",
        "transaction_amount",
        "transaction_channel",
        "transaction_counterparty",
        "escalation_summary",
        "escalation_resolution",
        "event_reason",
        "callback_time",
        "signature",
    }
)
"""Every name a script or SMS text may use in braces, e.g. {bank_name}."""

FLAGGED = "flagged"
ITEMS: dict[StepKind, frozenset[str]] = {
    StepKind.CONTACT_CHECK: frozenset(ContactField),
    StepKind.IDENTITY_CHECK: frozenset(ContactField),
    StepKind.FEATURE_USE: frozenset(Feature),
    StepKind.NEEDS: frozenset(LeadProduct),
    StepKind.TRANSACTION_CHECK: frozenset({FLAGGED}),
}
"""The items each step kind may go through; other kinds have none."""

REQUIRED_STEPS = (StepKind.INTRO, StepKind.FRAUD_WARNING, StepKind.CLOSE)
BLANK = "___"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TOP_KEYS = {"version", "kind", "locale", "title", "steps"}
_STEP_KEYS = {
    "id",
    "kind",
    "title",
    "prompt",
    "hint",
    "corporate_prompt",
    "items",
    "item_prompts",
    "missing_prompts",
    "events",
}
ITEM_TEXTS = ("item_prompts", "missing_prompts")
"""The step tables that hold a line per item."""
_SENTENCE = re.compile(r".*?(?:[。！？!?]+[”’」』）)\"']*|\.(?=\s|$)|$)\s*", re.S)


@dataclass(frozen=True)
class ScriptStep:
    """One part of a call: what the agent says (`prompt`); its kind and items say what the
    agent records during it."""

    id: str
    kind: StepKind
    title: str
    prompt: str
    hint: str = ""
    corporate_prompt: str = ""
    items: list[str] = field(default_factory=list)
    item_prompts: dict[str, str] = field(default_factory=dict)
    missing_prompts: dict[str, str] = field(default_factory=dict)

    def item_line(self, item: str, context: Mapping[str, str]) -> str:
        """The line to say for one item: its item prompt when every value it names is on file,
        else its missing prompt (worded for "not on file"), else the item prompt without the
        sentences that name a missing value; "" when nothing is left to say."""
        text = self.item_prompts.get(item, "")
        if not missing(text, context):
            return fill(text, context)
        return fill(self.missing_prompts.get(item) or text, context)

    events: list[str] = field(default_factory=list)  # only for tasks of these special events


@dataclass(frozen=True)
class CallScript:
    """The script for one kind of task in one locale; `version` is recorded with outcomes."""

    version: str
    kind: TaskKind
    locale: str
    title: str
    steps: list[ScriptStep]


class ScriptError(Exception):
    """A problem in a script file, at a line (1-based; 0 when unknown)."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}")


def steps_for(script: CallScript, item: QueueItem) -> list[ScriptStep]:
    """The steps of `script` this task goes through: a step that names events only in a
    special-event task of one of them (a complaint is not read a large transaction)."""
    event = item.task.event
    return [step for step in script.steps if not step.events or event in step.events]


def placeholders(text: str) -> list[str]:
    """The placeholder names a text uses, in order."""
    return _PLACEHOLDER.findall(text)


def render(text: str, context: Mapping[str, str]) -> str:
    """The text with its placeholders filled; a value missing from `context` shows as ___ (a
    blank the agent fills by asking), never as a raw {name}."""
    return _PLACEHOLDER.sub(lambda match: context.get(match[1]) or BLANK, text)


def missing(text: str, context: Mapping[str, str]) -> list[str]:
    """The placeholders of a text whose value `context` does not have (absent or empty)."""
    return [name for name in placeholders(text) if not context.get(name)]


def sentences(text: str) -> list[str]:
    """The text cut after each sentence's closing mark (。！？!? or a full stop before a
    space), each piece with its trailing spaces; joined they are the text again."""
    return [piece for piece in _SENTENCE.findall(text) if piece]


def fill(text: str, context: Mapping[str, str]) -> str:
    """A script line with its placeholders filled. A sentence naming a value the task does not
    have is left out, so the agent never reads a blank aloud ("固定电话是___吗")."""
    kept = [
        _PLACEHOLDER.sub(lambda match: context[match[1]], sentence)
        for sentence in sentences(text)
        if not missing(sentence, context)
    ]
    return "".join(kept).strip()


def parse_script(text: str, path: str = "<script>") -> CallScript:
    """The script in a TOML text; raises the first ScriptError (see `script_problems`)."""
    script, problems = _Parser(text, path).parse()
    if script is None:
        raise problems[0]
    return script


def script_problems(text: str, path: str = "<script>") -> list[ScriptError]:
    """Every problem of a script text, each with its line."""
    return _Parser(text, path).parse()[1]


def read_script(text: str, path: str = "<script>") -> tuple[CallScript | None, list[ScriptError]]:
    """The script in a TOML text and every problem of it, in one reading (None if any)."""
    return _Parser(text, path).parse()


def unknown_placeholders(text: str) -> list[str]:
    """The placeholder names in a text that are not in PLACEHOLDERS (also for SMS templates)."""
    return [name for name in placeholders(text) if name not in PLACEHOLDERS]


def allowed_placeholders() -> str:
    """The allowed placeholder names, for messages."""
    return ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))


_E = TypeVar("_E", bound=StrEnum)


def _enum(enum: type[_E], value: Any) -> _E | None:
    try:
        return enum(value)
    except ValueError:
        return None


class _Parser:
    """Reads one script text, collecting every problem with the line of the key at fault."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines = text.splitlines()
        self.headers = [
            number
            for number, line in enumerate(self.lines, start=1)
            if re.match(r"^\s*\[\[\s*steps\s*\]\]", line)
        ]
        self.problems: list[ScriptError] = []

    def line_of(self, step: int | None, key: str, needle: str | None = None) -> int:
        """The line of `key = …` (or the first line holding `needle`) at the top level or in
        the step-th [[steps]] table; the table's first line when not found."""
        if step is None:
            first, last = 1, (self.headers[0] - 1 if self.headers else len(self.lines))
        else:
            first = self.headers[step]
            last = self.headers[step + 1] - 1 if step + 1 < len(self.headers) else len(self.lines)
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(first, last + 1):
            line = self.lines[number - 1]
            if pattern.match(line) if needle is None else needle in line:
                return number
        return first

    def fail(self, step: int | None, key: str, reason: str, needle: str | None = None) -> None:
        where = "" if step is None else f"step {step + 1}: "
        line = self.line_of(step, key, needle)
        self.problems.append(ScriptError(self.path, line, where + reason))

    def parse(self) -> tuple[CallScript | None, list[ScriptError]]:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            line = int(found[1]) if found else 0
            return None, [ScriptError(self.path, line, f"not valid TOML: {exc}")]
        for key in sorted(set(data) - _TOP_KEYS):
            self.fail(None, key, f"unknown key {key!r}; expected {', '.join(sorted(_TOP_KEYS))}")
        for key in ("version", "title"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                self.fail(None, key, f"{key} must be a non-empty text")
        kind = _enum(TaskKind, data.get("kind"))
        if kind is None:
            self.fail(None, "kind", f"kind must be one of {', '.join(TaskKind)}")
        locale = _enum(Language, data.get("locale"))
        if locale is None:
            self.fail(None, "locale", f"locale must be one of {', '.join(Language)}")
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            self.fail(None, "steps", "the script has no [[steps]]")
            raw_steps = []
        steps: list[ScriptStep] = []
        for index, raw in enumerate(raw_steps):
            step = self.step(index, raw)
            if step is not None and step.id in {earlier.id for earlier in steps}:
                self.fail(index, "id", f"step id {step.id!r} is used twice")
            if step is not None:
                steps.append(step)
        if len(steps) == len(raw_steps) > 0:
            kinds = {step.kind for step in steps}
            for required in REQUIRED_STEPS:
                if required not in kinds:
                    self.fail(None, "steps", f"the script has no {required.value!r} step")
            self.check_events(kind, steps)
        if self.problems or kind is None or locale is None:
            return None, self.problems
        return CallScript(data["version"], kind, locale.value, data["title"], steps), []

    def check_events(self, kind: TaskKind | None, steps: list[ScriptStep]) -> None:
        """Only a special-event script's steps name events, and it has a step of each event's
        own (§六.3: each event is revisited as what it is)."""
        named = {event for step in steps for event in step.events}
        if kind is not TaskKind.SPECIAL_EVENT:
            for index, step in enumerate(steps):
                if step.events:
                    self.fail(index, "events", "only steps of a special_event script name events")
            return
        for event in SPECIAL_EVENTS:
            if event not in named:
                self.fail(None, "steps", f"no step names the event {event.value!r}")

    def step(self, index: int, raw: Any) -> ScriptStep | None:
        """One [[steps]] table, or None after reporting every reason it cannot be used."""
        count = len(self.problems)
        if not isinstance(raw, dict):
            self.fail(index, "steps", "a step must be a table")
            return None
        for key in sorted(set(raw) - _STEP_KEYS):
            self.fail(index, key, f"unknown key {key!r}; expected {', '.join(sorted(_STEP_KEYS))}")
        texts = {key: raw.get(key, "") for key in ("id", "title", "prompt")}
        texts |= {key: raw.get(key, "") for key in ("hint", "corporate_prompt")}
        for key, value in texts.items():
            if not isinstance(value, str):
                self.fail(index, key, f"{key} must be a text")
            elif key in ("id", "title", "prompt") and not value.strip():
                self.fail(index, key, f"{key} must be a non-empty text")
        kind = _enum(StepKind, raw.get("kind"))
        if kind is None:
            self.fail(index, "kind", f"kind must be one of {', '.join(StepKind)}")
        allowed_items = ITEMS.get(kind, frozenset()) if kind else frozenset()
        items = self.names(index, raw, "items", allowed_items, f"item of a {kind} step")
        events = self.names(index, raw, "events", frozenset(SPECIAL_EVENTS), "special event")
        per_item = {key: self.item_texts(index, raw, key, items) for key in ITEM_TEXTS}
        for key, lines in per_item.items():
            texts |= {f"{key}.{item}": text for item, text in lines.items()}
        for where, text in texts.items():
            for name in unknown_placeholders(text) if isinstance(text, str) else []:
                reason = f"{where}: unknown placeholder {{{name}}}; allowed: "
                self.fail(index, where, reason + allowed_placeholders(), "{" + name + "}")
        if len(self.problems) > count or kind is None:
            return None
        return ScriptStep(
            id=texts["id"],
            kind=kind,
            title=texts["title"],
            prompt=texts["prompt"],
            hint=texts["hint"],
            corporate_prompt=texts["corporate_prompt"],
            items=items,
            item_prompts=per_item["item_prompts"],
            missing_prompts=per_item["missing_prompts"],
            events=events,
        )

    def item_texts(
        self, index: int, raw: dict[str, Any], key: str, items: list[str]
    ) -> dict[str, str]:
        """A table of one line per item (item_prompts, missing_prompts)."""
        lines = raw.get(key, {})
        if not isinstance(lines, dict) or not all(isinstance(text, str) for text in lines.values()):
            self.fail(index, key, f"{key} must be a table of texts")
            return {}
        for item in lines:
            if item not in items:
                self.fail(index, item, f"{key}.{item} is for an item not in items")
        return dict(lines)

    def names(
        self, index: int, raw: dict[str, Any], key: str, allowed: frozenset[str], what: str
    ) -> list[str]:
        """A list of names that must each be in `allowed`."""
        values = raw.get(key, [])
        if not isinstance(values, list) or not all(isinstance(name, str) for name in values):
            self.fail(index, key, f"{key} must be a list of texts")
            return []
        for name in values:
            if name not in allowed:
                choices = ", ".join(sorted(allowed)) or "none"
                self.fail(index, key, f"{name!r} is not a known {what}; allowed: {choices}", name)
        return values


# --- SMS templates ------------------------------------------------------------------------

SMS_MAX = 500
_TEMPLATE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


@dataclass(frozen=True)
class SmsTemplate:
    """An SMS text with placeholders; `id` is what an SmsRequest names as its template. A
    template is offered only where it applies: for an account in one of `account_statuses`
    and a task of one of `task_kinds` (empty: any), e.g. "your account is closed" only for a
    closed account."""

    id: str
    title: str
    text: str
    account_statuses: tuple[AccountStatus, ...] = ()
    task_kinds: tuple[TaskKind, ...] = ()

    def applies(self, kind: TaskKind, account_status: AccountStatus | None) -> bool:
        """Whether the template fits a task of this kind whose account has this status (None:
        the task has no account)."""
        if self.task_kinds and kind not in self.task_kinds:
            return False
        return not self.account_statuses or account_status in self.account_statuses

    def missing(self, context: Mapping[str, str]) -> list[str]:
        """The placeholders of the text with no value in `context`: a template with any is not
        offered (its SMS would carry a blank)."""
        return [name for name in placeholders(self.text) if not context.get(name, "").strip()]

    def values_in(self, text: str) -> list[tuple[str, str]] | None:
        """What a text filled each placeholder with, in order; None when the text is not this
        template's (its fixed wording differs)."""
        pieces = _PLACEHOLDER.split(self.text)
        pattern = "".join(
            re.escape(piece) if index % 2 == 0 else "(.*?)" for index, piece in enumerate(pieces)
        )
        found = re.fullmatch(pattern, text, flags=re.DOTALL)
        if found is None:
            return None
        return list(zip(pieces[1::2], found.groups(), strict=True))


def parse_sms_templates(text: str, path: str = "<sms>") -> list[SmsTemplate]:
    """The templates of an sms.toml text (`[templates.<id>]` with title, text and where it
    applies), in file order; raises the first ScriptError (see `sms_problems`)."""
    templates, problems = _parse_sms(text, path)
    if problems:
        raise problems[0]
    return templates


def sms_problems(text: str, path: str = "<sms>") -> list[ScriptError]:
    """Every problem of an sms.toml text, each with its line."""
    return _parse_sms(text, path)[1]


def read_sms_templates(
    text: str, path: str = "<sms>"
) -> tuple[list[SmsTemplate], list[ScriptError]]:
    """The usable templates of an sms.toml text and every problem of it, in one reading."""
    return _parse_sms(text, path)


def _parse_sms(text: str, path: str) -> tuple[list[SmsTemplate], list[ScriptError]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        return [], [ScriptError(path, int(found[1]) if found else 0, f"not valid TOML: {exc}")]
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next((n for n, line in enumerate(lines, start=1) if needle in line), 0)

    problems: list[ScriptError] = []
    if _enum(Language, data.get("locale")) is None:
        reason = f"locale must be one of {', '.join(Language)}"
        problems.append(ScriptError(path, line_of("locale"), reason))
    raw_templates = data.get("templates")
    if not isinstance(raw_templates, dict) or not raw_templates:
        problems.append(ScriptError(path, 0, "no [templates.<id>] tables"))
        raw_templates = {}
    templates: list[SmsTemplate] = []
    for template_id, raw in raw_templates.items():
        header = line_of(f"[templates.{template_id}]")
        count = len(problems)
        if not _TEMPLATE_ID.match(template_id):
            reason = f"template id {template_id!r}: letters, digits and _.:- only"
            problems.append(ScriptError(path, header, reason))
        if not isinstance(raw, dict):
            problems.append(ScriptError(path, header, f"templates.{template_id} is not a table"))
            continue
        for key in sorted(set(raw) - _SMS_KEYS):
            expected = ", ".join(sorted(_SMS_KEYS))
            reason = f"templates.{template_id}: unknown key {key!r}; expected {expected}"
            problems.append(ScriptError(path, header, reason))
        statuses = _names(raw.get("account_statuses", []), AccountStatus)
        kinds = _names(raw.get("task_kinds", []), TaskKind)
        for key, names, enum in (
            ("account_statuses", statuses, AccountStatus),
            ("task_kinds", kinds, TaskKind),
        ):
            if names is None:
                reason = f"templates.{template_id}.{key} must be a list of {', '.join(enum)}"
                problems.append(ScriptError(path, header, reason))
        for key in ("title", "text"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                reason = f"templates.{template_id}.{key} must be a non-empty text"
                problems.append(ScriptError(path, header, reason))
        body = raw.get("text")
        if isinstance(body, str):
            if len(body) > SMS_MAX:
                reason = f"templates.{template_id}.text is longer than {SMS_MAX} characters"
                problems.append(ScriptError(path, header, reason))
            for name in unknown_placeholders(body):
                reason = f"templates.{template_id}.text: unknown placeholder {{{name}}}; allowed: "
                line = line_of("{" + name + "}") or header
                problems.append(ScriptError(path, line, reason + allowed_placeholders()))
        if len(problems) == count:
            templates.append(
                SmsTemplate(
                    template_id,
                    raw["title"],
                    raw["text"],
                    tuple(AccountStatus(name) for name in statuses or ()),
                    tuple(TaskKind(name) for name in kinds or ()),
                )
            )
    return templates, problems


_SMS_KEYS = {"title", "text", "account_statuses", "task_kinds"}


def _names(value: Any, enum: type[StrEnum]) -> list[str] | None:
    """A list of an enum's values, or None when it is not one."""
    if not isinstance(value, list) or not all(_enum(enum, name) is not None for name in value):
        return None
    return value
