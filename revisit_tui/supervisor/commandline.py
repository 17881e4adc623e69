"""The `revisit` command line in the reader's language: argparse's own phrases ("usage:",
"error: unrecognized arguments", "show this help message and exit"…) and the help texts.

argparse has no per-parser language: while it builds a parser, formats help and reports an
error it calls its module-level gettext hooks `_` and `ngettext`. `Parser` points those hooks
at its catalogue for exactly those calls and restores them after, so the phrases argparse
makes deep inside parsing (a missing argument, an invalid choice) are translated too, and
parsers in two languages can live in one process. The language must be known before the
parser is built: `locale_of(argv)` reads it from the arguments and the configuration.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, NoReturn

from revisit_tui.config import ConfigError, load_settings
from revisit_tui.supervisor.messages import FALLBACK, LOCALES, Messages, catalog, choose_locale

# argparse's English phrases (Python 3.11) -> their catalogue keys; the texts keep argparse's
# %-parameters
PHRASES: Mapping[str, str] = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional_arguments",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "the following arguments are required: %s": "argparse.required",
    "one of the arguments %s is required": "argparse.one_required",
    "not allowed with argument %s": "argparse.not_allowed",
    "ignored explicit argument %r": "argparse.ignored_explicit",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "expected %s argument": "argparse.expected_n",
    "expected %s arguments": "argparse.expected_n",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "argparse.unknown_parser",
    "unexpected option string: %s": "argparse.unexpected_option",
}


# the language of the parser at work, for the refusals of our own argument types
_speaking: ContextVar[Messages | None] = ContextVar("speaking", default=None)


class BadValue(argparse.ArgumentTypeError):
    """An argument type's refusal (`BadValue("errors.not_a_day", text=text)`), told in the
    language of the parser that is parsing."""

    def __init__(self, key: str, **values: object) -> None:
        say = _speaking.get() or Messages(FALLBACK)
        super().__init__(say(key, **values))


@contextmanager
def speaking(say: Messages) -> Iterator[None]:
    """argparse's phrases (and BadValue's) in `say`'s language while the block runs."""
    hooks = vars(argparse)
    saved = hooks["_"], hooks["ngettext"]

    def translate(text: str) -> str:
        key = PHRASES.get(text) if isinstance(text, str) else None
        return catalog(say.locale).get(key, text) if key else text

    def translate_plural(singular: str, plural: str, count: int) -> str:
        return translate(singular if count == 1 else plural)

    hooks["_"], hooks["ngettext"] = translate, translate_plural
    language = _speaking.set(say)
    try:
        yield
    finally:
        hooks["_"], hooks["ngettext"] = saved
        _speaking.reset(language)


WIDE = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
# a word, a run of spaces, or one Chinese character (a line may break after any of them)
ATOMS = re.compile(f"[{WIDE}]|\\s+|[^\\s{WIDE}]+")
# closing punctuation never starts a line: it hangs past the width (at most two cells)
CLOSING = "，。、；：？！）」』》〉】…,.;:?!)"
JOINED = re.compile(f"(?<=[{WIDE}])\\s*\\n\\s*|\\s*\\n\\s*(?=[{WIDE}])")


def width_of(text: str) -> int:
    """The cells a text takes on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def break_cells(text: str, width: int) -> list[str]:
    """A paragraph as lines of at most `width` terminal cells (a Chinese character is two):
    argparse counts characters, so a Chinese help line came out twice as wide as the
    terminal and folded anywhere."""
    text = " ".join(JOINED.sub("", text).split())
    lines: list[str] = []
    line = ""
    for atom in ATOMS.findall(text):
        fits = width_of((line + atom).rstrip()) <= width
        if not line or atom.isspace() or fits or atom[0] in CLOSING:
            line += atom
            continue
        lines.append(line.rstrip())
        line = atom
    return [*lines, line.rstrip()] if line.strip() else lines


class CellFormatter(argparse.HelpFormatter):
    """argparse's help layout with lines measured in terminal cells, and a Chinese section
    heading followed by a Chinese colon ("选项：", where argparse writes "选项:")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chinese_headings: set[str] = set()

    def start_section(self, heading: str | None) -> None:
        if heading and re.search(f"[{WIDE}]", heading):
            self._chinese_headings.add(heading)
        super().start_section(heading)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._chinese_headings:
            text = text.replace(f"{heading}:\n", f"{heading}：\n")
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        return break_cells(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in break_cells(text, width - len(indent)))


class ExampleFormatter(CellFormatter):
    """For a description with examples: its indented lines (command lines) stay as written,
    its other paragraphs are filled."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.strip("\n").split("\n\n"):
            if paragraph.startswith(" "):
                paragraphs.append(paragraph)
            else:
                paragraphs.append(super()._fill_text(paragraph, width, indent))
        return "\n\n".join(paragraphs)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks `say`'s language, its sub-commands' parsers too."""

    def __init__(self, *args: Any, say: Messages, **kwargs: Any) -> None:
        self.say = say
        kwargs.setdefault("formatter_class", CellFormatter)
        with speaking(say):
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", partial(Parser, say=self.say))
        with speaking(self.say):
            return super().add_subparsers(**kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with speaking(self.say):
            return super().parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with speaking(self.say):
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with speaking(self.say):
            return super().format_usage()

    def format_help(self) -> str:
        with speaking(self.say):
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with speaking(self.say):
            super().error(message)


def describe(parser: Parser, command: str) -> None:
    """Give a command's parser its long description, `about.<command>` (its examples keep
    their lines)."""
    parser.description = parser.say(f"about.{command}")
    parser.formatter_class = ExampleFormatter


def locale_of(argv: Sequence[str], *, supervisor: bool = True) -> str:
    """The language a command line's command prints in, known before its parser is built: a
    supervisor's command uses --lang, else the terminal's, else `[ui] locale` of --config (as
    `script.messages`); the agent app and the demo use --locale, else `[ui] locale`."""
    explicit = _option(argv, "--lang" if supervisor else "--locale")
    try:
        configured = load_settings(_option(argv, "--config")).ui.locale.value
    except (ConfigError, OSError):  # the command itself reports the configuration's problem
        configured = FALLBACK
    if supervisor:
        return choose_locale(explicit, configured)
    return explicit if explicit in LOCALES else configured


def _option(argv: Sequence[str], name: str) -> str | None:
    """The last value given to option `name` (`--name VALUE` or `--name=VALUE`)."""
    found = None
    for position, arg in enumerate(argv):
        if arg == name and position + 1 < len(argv):
            found = argv[position + 1]
        elif arg.startswith(f"{name}="):
            found = arg.partition("=")[2]
    return found
