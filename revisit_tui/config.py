"""Configuration: `config.toml` (or the file named by REVISIT_CONFIG), then the environment.

Read through pydantic-settings: a TOML file source, then `REVISIT_<SECTION>_<KEY>` variables
(`REVISIT_CALLS_ATTEMPT_LIMIT=5`, `REVISIT_CLIENT_TOKEN=12345`): a plain value is text that the
setting's type converts, a table or a list is JSON. An environment table is laid over the file's
key by key; an environment list replaces the file's, or adds to it when it starts with `+`
(`REVISIT_CALENDAR_EXTRA_HOLIDAYS='+["2027-10-08"]'`). A `REVISIT_` name that is not a setting
is an error, as an unknown key in the file is. Loading reports every problem at once, each with
where it is (section.key, and the variable when it came from the environment) and what is wrong.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from revisit_tui.domain.models import Language
from revisit_tui.domain.policy import RevisitPolicy

ENV_PREFIX = "REVISIT_"
CONFIG_ENV = "REVISIT_CONFIG"
DEFAULT_FILE = "config.toml"
ENV_NOT_SETTINGS = frozenset(
    {
        CONFIG_ENV,
        "REVISIT_DEMO_DIR",  # where `revisit demo --keep` keeps its data
        "REVISIT_SUPERVISOR_TOKEN",  # the supervisor commands' token
    }
)
"""`REVISIT_` variables that are not settings. `REVISIT_TEST_*` belongs to the test suite."""
TEST_ENV_PREFIX = "REVISIT_TEST_"
ADD_TO_LIST = "+"


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
    clock_tolerance_seconds: float = Field(120.0, gt=0)  # warn when the clocks differ more


class PrivacySettings(Section):
    prefetch_tasks: int = Field(5, ge=0, le=50)  # next tasks whose dial numbers go offline
    identity_check_cost: int = Field(15, ge=10, le=20)  # scrypt work factor: n = 2**cost
    # numbers one caller may have POST /v1/accounts/ids turn into account ids per day (the
    # centre's day, [supervisor] timezone): a queue build from the largest export fits
    account_id_lookups_per_day: int = Field(200_000, ge=0, le=100_000_000)


class UiSettings(Section):
    locale: Language = Language.ZH_CN
    scripts_dir: str = ""  # a bank's edited call scripts (<locale>/<kind>.toml); "" = shipped


class SupervisorSettings(Section):
    """The supervisors' commands and wallboard."""

    timezone: str = "Asia/Shanghai"  # the centre's: report days, printed times, the wallboard
    min_ratings: int = Field(10, ge=1, le=100_000)  # ratings to be ranked (§七.3 monthly ranking)
    wallboard_refresh_seconds: float = Field(10.0, ge=1, le=3600)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name)") from None
        return value


class Settings(BaseSettings, RevisitPolicy):
    """The policy sections (bank, calendar, schedule, calls, checks, sms, escalations, retention)
    and
    the deployment's own: server, client, sync, privacy, ui, supervisor.

    `Settings(...)` is the defaults plus what is passed; `load_settings` reads the file and the
    environment."""

    model_config = SettingsConfigDict(
        extra="forbid",
        frozen=True,
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,  # REVISIT_CALLS_ATTEMPT_LIMIT is calls.attempt_limit
        case_sensitive=False,
    )

    server: ServerSettings = ServerSettings()
    client: ClientSettings = ClientSettings()
    sync: SyncSettings = SyncSettings()
    privacy: PrivacySettings = PrivacySettings()
    ui: UiSettings = UiSettings()
    supervisor: SupervisorSettings = SupervisorSettings()
    keymap: dict[str, str] = Field(default_factory=dict, max_length=500)
    """The app's keys by binding id (`"call.wrap_up" = "f10,w"`), checked by the app at start."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the arguments: the file and the environment are read by `load_settings`."""
        return (init_settings,)

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


def env_problems(environ: Mapping[str, str]) -> list[str]:
    """The `REVISIT_` variables in `environ` that name no setting."""
    sections = Settings.model_fields
    problems = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper in ENV_NOT_SETTINGS:
            continue
        if upper.startswith(TEST_ENV_PREFIX):
            continue
        section, _, key = upper[len(ENV_PREFIX) :].lower().partition("_")
        model = sections[section].annotation if section in sections else None
        if model is None or (key and key not in _fields_of(model)):
            problems.append(f"{name}: not a setting (REVISIT_<SECTION>_<KEY>, see config.toml)")
    return problems


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the config file (if any) and the environment; ConfigError lists every problem."""
    environ = os.environ if environ is None else environ
    file = find_config_file(path)
    source = str(file) if file else "defaults"
    data: dict[str, Any] = {}
    if file is not None:
        if not file.exists():
            raise ConfigError(source, ["file not found"])
        if file.is_dir():
            raise ConfigError(source, ["a directory, not a file"])
        try:
            data = TomlConfigSettingsSource(Settings, toml_file=file)()
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(source, [f"not valid TOML: {exc}"]) from None
    problems = env_problems(environ)
    unknown = {problem.partition(":")[0] for problem in problems}
    env = _EnvSource(
        {
            name: value
            for name, value in environ.items()
            if name not in unknown and name.upper() not in ENV_NOT_SETTINGS
        }
    )
    merged = _lay_over(data, env(), Settings)
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        problems += [_describe(error, env.names) for error in exc.errors()]
    if problems:
        raise ConfigError(source, problems)
    return settings


class _AddToList(list[Any]):
    """Items of an environment list given with a leading `+`: added to the file's list."""


class _EnvSource(EnvSettingsSource):
    """`REVISIT_<SECTION>_<KEY>` variables from the given environment, as nested values."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(Settings)
        self.names = {
            (section, key): name
            for name in environ
            for section, _, key in [name[len(ENV_PREFIX) :].lower().partition("_")]
            if name.upper().startswith(ENV_PREFIX)
        }

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {
            name.lower(): value
            for name, value in self._environ.items()
            if name.upper().startswith(ENV_PREFIX)
        }

    def decode_complex_value(self, field_name: str, field: FieldInfo | None, value: Any) -> Any:
        """JSON; a list starting with `+` adds to the file's. Bad JSON is left for the model to
        refuse with the setting's name."""
        add = isinstance(value, str) and value.startswith(ADD_TO_LIST)
        try:
            decoded = json.loads(value[len(ADD_TO_LIST) :] if add else value)
        except ValueError:
            return value
        return _AddToList(decoded) if add and isinstance(decoded, list) else decoded


def _lay_over(base: Mapping[str, Any], top: Mapping[str, Any], model: Any) -> dict[str, Any]:
    """`top` over `base`: tables merge key by key, lists replace unless marked to add."""
    merged = dict(base)
    for key, value in top.items():
        below = merged.get(key)
        if isinstance(value, _AddToList):
            if below is None:
                below = _default_of(model, key)
            merged[key] = [*(below if isinstance(below, list) else []), *value]
        elif isinstance(value, Mapping) and isinstance(below, Mapping):
            merged[key] = _lay_over(below, value, _field_model(model, key))
        else:
            merged[key] = value
    return merged


def _fields_of(model: Any) -> dict[str, FieldInfo]:
    return model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}


def _field_model(model: Any, key: str) -> Any:
    field = _fields_of(model).get(key)
    return field.annotation if field else None


def _default_of(model: Any, key: str) -> Any:
    field = _fields_of(model).get(key)
    return list(field.default) if field and isinstance(field.default, list) else []


def _describe(error: Any, env_names: Mapping[tuple[str, str], str]) -> str:
    loc = [str(part) for part in error["loc"]]
    is_key = loc[-1] == "[key]"
    where = ".".join(loc[:-1] if is_key else loc)
    name = env_names.get((loc[0], loc[1])) if len(loc) > 1 else None
    if name is not None:
        where += f" ({name})"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown setting"
    if is_key:
        keys = ", ".join(_table_keys(loc[:-2]))
        return f"{where}: unknown key {loc[-2]!r} (the keys are {keys})"
    return f"{where}: {error['msg']}"


def _table_keys(loc: list[str]) -> list[str]:
    """The keys a table (a dict keyed by an enum or a Literal of its members) accepts."""
    annotation: Any = Settings
    for part in loc:
        annotation = _field_model(annotation, part)
    key_type = get_args(annotation)[0]
    is_enum = isinstance(key_type, type) and issubclass(key_type, Enum)
    members = [*key_type] if is_enum else get_args(key_type)
    return [str(member) for member in members]
