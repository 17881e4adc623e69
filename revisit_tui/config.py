"""Configuration: `config.toml` (or the file named by REVISIT_CONFIG), then the environment.

Every value can be overridden by `REVISIT_<SECTION>_<KEY>` (e.g. `REVISIT_CALLS_ATTEMPT_LIMIT=5`,
`REVISIT_SERVER_DB=postgresql+psycopg://…`); tables and lists are given as JSON. Loading
reports every problem at once, each with the section, key and reason.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from revisit_tui.domain.models import Language
from revisit_tui.domain.policy import RevisitPolicy

ENV_PREFIX = "REVISIT_"
CONFIG_ENV = "REVISIT_CONFIG"
DEFAULT_FILE = "config.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(Section):
    db: str = "sqlite:///revisit.db"  # or postgresql+psycopg://user:pass@host/dbname
    host: str = "127.0.0.1"
    port: int = Field(8700, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    max_body_bytes: int = Field(8_000_000, ge=1024)
    queue_limit: int = Field(2000, ge=1)  # tasks in one agent's queue snapshot


class ClientSettings(Section):
    server_url: str = "http://127.0.0.1:8700"
    token: str = ""  # prefer token_file (mode 0600) or REVISIT_CLIENT_TOKEN
    token_file: str = ""
    verify_tls: bool = True
    ca_bundle: str = ""  # a PEM file of the bank's CA; empty uses the system store
    timeout_seconds: float = Field(10.0, gt=0)
    retries: int = Field(3, ge=0, le=10)
    data_dir: str = ""  # empty: the user's data directory (platformdirs)


class SyncSettings(Section):
    batch_size: int = Field(100, ge=1, le=500)
    interval_seconds: float = Field(5.0, gt=0)
    backoff_max_seconds: float = Field(60.0, gt=0)


class UiSettings(Section):
    locale: Language = Language.ZH_CN
    scripts_dir: str = ""  # a bank's edited call scripts (<locale>/<kind>.toml); "" = shipped


class Settings(RevisitPolicy):
    """The policy sections (bank, calendar, schedule, calls, sms, escalations, retention) and
    the deployment's own: server, client, sync, ui."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    server: ServerSettings = ServerSettings()
    client: ClientSettings = ClientSettings()
    sync: SyncSettings = SyncSettings()
    ui: UiSettings = UiSettings()

    @property
    def policy(self) -> RevisitPolicy:
        """The part of the settings the domain rules take (already validated: no re-check)."""
        return RevisitPolicy.model_construct(
            **{name: getattr(self, name) for name in RevisitPolicy.model_fields}
        )


class ConfigError(Exception):
    """The configuration has problems; `problems` lists each as 'where: what is wrong'."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def find_config_file(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file to read: the explicit one, REVISIT_CONFIG, or ./config.toml if present."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    local = Path(DEFAULT_FILE)
    return local if local.is_file() else None


def env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """REVISIT_<SECTION>_<KEY> values as a nested dict; JSON where it parses, text otherwise."""
    sections = {name: set(model.model_fields) for name, model in _section_models().items()}
    out: dict[str, dict[str, Any]] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        for section, keys in sections.items():
            if rest.startswith(section + "_") and rest[len(section) + 1 :] in keys:
                out.setdefault(section, {})[rest[len(section) + 1 :]] = _parse_env_value(raw)
                break
    return out


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the config file (if any) and the environment; ConfigError lists every problem."""
    environ = os.environ if environ is None else environ
    file = find_config_file(path)
    source = str(file) if file else "defaults"
    data: dict[str, Any] = {}
    if file is not None:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(source, ["file not found"]) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(source, [f"not valid TOML: {exc}"]) from None
    for section, values in env_overrides(environ).items():
        current = data.get(section)
        data[section] = {**(current if isinstance(current, dict) else {}), **values}
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, [_describe(err) for err in exc.errors()]) from None


def _section_models() -> dict[str, type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {}
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
        models[name] = annotation
    return models


def _parse_env_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown setting"
    return f"{where}: {error['msg']}"
