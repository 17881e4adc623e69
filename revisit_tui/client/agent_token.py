"""The agent's token, from the environment, the settings or a private file (no HTTP here, so
`revisit tui --offline` finds it without importing httpx)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from revisit_tui.config import ClientSettings

TOKEN_ENV = "REVISIT_CLIENT_TOKEN"


class TokenError(Exception):
    """No usable token: none configured, the token file is missing, or others can read it."""


def load_token(client: ClientSettings, environ: dict[str, str] | None = None) -> str:
    """The agent's token: REVISIT_CLIENT_TOKEN, else `token`, else the `token_file` (which must
    be readable by its owner only). Raises TokenError saying what to fix."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(TOKEN_ENV):
        return environ[TOKEN_ENV].strip()
    if client.token:
        return client.token.strip()
    if not client.token_file:
        raise TokenError(
            f"no token: set client.token_file in the config (a file of mode 0600) or {TOKEN_ENV}"
        )
    path = Path(client.token_file).expanduser()
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TokenError(
                f"token file {path} can be read by others (mode {stat.S_IMODE(mode):o}); "
                f"run: chmod 600 {path}"
            )
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise TokenError(f"token file {path}: {exc.strerror}") from None
    if not token:
        raise TokenError(f"token file {path} is empty")
    return token
