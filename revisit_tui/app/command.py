"""`revisit tui [--locale zh-CN|en] [--server URL] [--offline]`: start the agent app.

With a remembered agent for the server (a previous sign-in) and a token, the app opens the
cached queue at once and syncs in the background; with no token it asks for one; with
`--offline` it never contacts the server.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from revisit_tui.app.i18n import LOCALES, translate
from revisit_tui.config import ConfigError, Settings, load_settings
from revisit_tui.supervisor.commandline import Parser

if TYPE_CHECKING:
    from revisit_tui.app.app import RevisitApp


def add_arguments(parser: Parser) -> None:
    say = parser.say
    parser.add_argument("--locale", choices=LOCALES, help=say("help.tui.locale"))
    parser.add_argument("--server", metavar="URL", help=say("help.tui.server"))
    parser.add_argument("--offline", action="store_true", help=say("help.tui.offline"))


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"revisit: configuration {exc.source}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.server:
        client = settings.client.model_copy(update={"server_url": args.server.rstrip("/")})
        settings = settings.model_copy(update={"client": client})
    locale = args.locale or settings.ui.locale.value
    return start(settings, locale, offline=args.offline)


def start(settings: Settings, locale: str, *, offline: bool = False) -> int:
    """Build the app and run it until the agent quits; closes the store and the API after."""
    app = build_app(settings, locale, offline=offline)
    if isinstance(app, int):
        return app
    try:
        app.run()
    finally:
        if app.store is not None:
            app.store.close()
        if app.api is not None:
            app.api.close()
    return 0


def build_app(settings: Settings, locale: str, *, offline: bool = False) -> RevisitApp | int:
    """The app on this server's remembered agent and cached store (sign-in when none is known);
    an exit status after printing the reason when it cannot start."""
    from revisit_tui.app.app import RevisitApp, scripts_of
    from revisit_tui.app.keymap import keymap_problems
    from revisit_tui.app.session import data_dir_of, remembered
    from revisit_tui.callscripts import ScriptsBroken
    from revisit_tui.client.agent_token import TokenError
    from revisit_tui.client.store import AgentStore, StoreBusy

    problems = keymap_problems(settings.keymap)
    if problems:
        print("revisit: configuration:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    try:
        scripts = scripts_of(settings)
    except ScriptsBroken as exc:
        print(translate(locale, "scripts.broken", path=str(exc.directory)), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    # What is loaded so far (modules, classes, settings) lives as long as the app: the cyclic
    # collector need not walk it again (a full walk costs ~25 ms during the first paint).
    gc.freeze()
    data_dir = data_dir_of(settings)
    server = settings.client.server_url.rstrip("/")
    try:
        token = _token(settings, data_dir)
    except TokenError as exc:
        print(f"revisit: {exc}", file=sys.stderr)
        return 2
    known = remembered(data_dir, server)
    agent = known.agent if known else None
    if known is None and offline:
        print("revisit: " + translate(locale, "offline.no_cache", server=server), file=sys.stderr)
        return 1
    store = api = None
    if known is not None and (token or offline):
        try:
            store = AgentStore.open(data_dir, known.server_id, known.agent.id, url=server)
        except StoreBusy as exc:
            print(f"revisit: {exc}", file=sys.stderr)
            return 1
        if not offline:
            from revisit_tui.client.api import ApiClient  # httpx: only when going online

            api = ApiClient.from_settings(settings, token)
    return RevisitApp(
        settings,
        store,
        api,
        locale=locale,
        agent=agent,
        data_dir=data_dir,
        sign_in_token=token,
        scripts=scripts,
    )


def _token(settings: Settings, data_dir: Path) -> str:
    """The configured token (env, setting, token file), else the one saved by sign-in, else ""."""
    from revisit_tui.app.session import token_path
    from revisit_tui.client.agent_token import TokenError, load_token

    try:
        return load_token(settings.client)
    except TokenError:
        if settings.client.token_file:
            raise
    saved = token_path(settings, data_dir)
    if not saved.is_file():
        return ""
    client = settings.client.model_copy(update={"token_file": str(saved)})
    return load_token(client)
