"""What every supervisor command shares: the connection options, the token, the language,
and exit messages.

A command adds the shared options with `add_connection(parser)`, opens the API with
`connect(args)` and runs its body through `run(args, body)`, which turns every expected
failure into one clear line on stderr and a non-zero exit: 2 for bad input, 1 when the
server refuses or cannot be reached, 130 on Ctrl+C, 141 when stdout's reader went away.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from revisit_tui.client.api import ApiClient, ApiError, Unreachable
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.config import ConfigError, Settings, load_settings
from revisit_tui.supervisor import progress
from revisit_tui.supervisor.background import calls_abandoned
from revisit_tui.supervisor.commandline import BadValue, Parser, locale_of
from revisit_tui.supervisor.messages import FALLBACK, LOCALES, Messages, Told, choose_locale
from revisit_tui.supervisor.table import Row, write_csv

TOKEN_ENV = "REVISIT_SUPERVISOR_TOKEN"
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command cut off by `| head`


class BadInput(Told):
    """The user gave something unusable (file line, agent id, option); the message says what."""


class Failed(Told):
    """The run could not do its job for a reason outside the input; the message says why."""


def parser(command: str, argv: Sequence[str] | None = None) -> Parser:
    """A stand-alone parser (scripts/*.py) in the language of argv (default: sys.argv's); the
    command's add_arguments fills it."""
    say = Messages(locale_of(sys.argv[1:] if argv is None else argv))
    return Parser(description=say(f"commands.{command}"), say=say)


def add_connection(parser: Parser) -> None:
    """The options every command shares: config, server, token, language. `--config` is only
    set when given, so `revisit --config FILE assign` keeps the one given before the command."""
    say = parser.say
    connection = parser.add_argument_group(say("help.connection.title"))
    connection.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=say("help.connection.config"),
    )
    connection.add_argument("--server", metavar="URL", help=say("help.connection.server"))
    connection.add_argument("--token", help=say("help.connection.token", env=TOKEN_ENV))
    connection.add_argument("--token-file", metavar="FILE", help=say("help.connection.token_file"))
    connection.add_argument("--lang", choices=LOCALES, help=say("help.connection.lang"))


def day(text: str) -> date:
    """An argparse type: a day as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadValue("errors.not_a_day", text=text) from None


def bounded_text(limit: int) -> Callable[[str], str]:
    """An argparse type: non-blank text of at most `limit` characters."""

    def check(value: str) -> str:
        if not value.strip():
            raise BadValue("errors.empty_text")
        if len(value) > limit:
            raise BadValue("errors.too_long", length=len(value), limit=limit)
        return value

    return check


def month(text: str) -> str:
    """An argparse type: a month as YYYY-MM."""
    if not MONTH.match(text):
        raise BadValue("errors.not_a_month", text=text)
    return text


def today(config: Settings) -> date:
    """Today in the centre's time zone ([supervisor] timezone), not the machine's."""
    return datetime.now(ZoneInfo(config.supervisor.timezone)).date()


def local_time(moment: datetime, config: Settings) -> str:
    """A moment as the centre's wall-clock time, YYYY-MM-DD HH:MM."""
    return moment.astimezone(ZoneInfo(config.supervisor.timezone)).strftime("%Y-%m-%d %H:%M")


def write_csv_file(path: str, headers: Sequence[str], rows: Sequence[Row]) -> None:
    """write_csv, with a folder that does not exist (or any other refusal) as BadInput."""
    try:
        write_csv(path, headers, rows)
    except IsADirectoryError:
        raise BadInput("errors.is_folder", path=path) from None
    except OSError as exc:
        raise BadInput("errors.cannot_write", path=path, reason=exc.strerror) from None


def settings(args: argparse.Namespace) -> Settings:
    """The configuration named by --config (or the default file and the environment)."""
    return load_settings(getattr(args, "config", None))


def messages(args: argparse.Namespace) -> Messages:
    """The output language: --lang, else the terminal's, else the configuration's."""
    try:
        configured = settings(args).ui.locale.value
    except ConfigError:
        configured = FALLBACK
    return Messages(choose_locale(getattr(args, "lang", None), configured))


def connect(args: argparse.Namespace, config: Settings) -> SupervisorApi:
    """The API client for --server with the supervisor token from the options or environment."""
    server = args.server or config.client.server_url
    configured = config.model_copy(
        update={"client": config.client.model_copy(update={"server_url": server})}
    )
    return SupervisorApi(ApiClient.from_settings(configured, token=_token(args)))


def run(args: argparse.Namespace, body: Callable[[Messages], int]) -> int:
    """Run a command's body with its Messages; expected failures become one line on stderr
    and an exit code."""
    say = messages(args)
    progress.speak(say)
    try:
        code = body(say)
        sys.stdout.flush()  # a closed pipe shows here, not as Python's complaint at exit
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except BadInput as exc:
        return _fail(say, exc.told(say), EXIT_BAD_INPUT)
    except Failed as exc:
        return _fail(say, exc.told(say), EXIT_FAILED)
    except ConfigError as exc:
        return _fail(say, say("common.config", detail=exc), EXIT_BAD_INPUT)
    except ApiError as exc:
        return _fail(say, describe_refusal(exc, say), EXIT_FAILED)
    except Unreachable as exc:
        return _fail(say, say("common.unreachable", detail=exc), EXIT_FAILED)
    except KeyboardInterrupt:
        code = _fail(say, say("common.interrupted"), 130)
        if calls_abandoned():  # reads still in flight: leave without the shutdown that can abort
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code


def describe_refusal(error: ApiError, say: Messages | None = None) -> str:
    """A sentence for an API refusal: 401 and 403 say what to do about the token."""
    say = say or Messages(FALLBACK)
    detail = error.reason
    if error.status == 401:
        return say("common.token_refused", detail=detail)
    if error.status == 403:
        return say("common.not_supervisor", detail=detail)
    return say("common.refused", status=error.status, detail=detail)


def _token(args: argparse.Namespace) -> str:
    if args.token:
        return str(args.token).strip()
    if args.token_file:
        path = Path(args.token_file)
        try:
            mode = path.stat().st_mode
            token = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BadInput("errors.token_unreadable", path=path, reason=exc.strerror) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise BadInput("errors.token_readable_by_others", path=path)
        if not token:
            raise BadInput("errors.token_empty", path=args.token_file)
        return token
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise BadInput("common.no_token", env=TOKEN_ENV)
    return token


def _quiet_broken_pipe() -> int:
    """The reader of stdout went away (`revisit assign | head`): stop without a traceback and
    without Python's own complaint when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


def _fail(say: Messages, message: str, code: int) -> int:
    print(say("common.error", message=message), file=sys.stderr)
    return code
