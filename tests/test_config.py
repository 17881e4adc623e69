"""The shipped config.toml is valid, documents the defaults, and the environment overrides it."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from revisit_tui.config import ConfigError, Settings, load_settings
from revisit_tui.domain.models import Disposition, TaskKind, Urgency

CONFIG = Path(__file__).parent.parent / "config.toml"


def test_shipped_config_states_the_defaults() -> None:
    assert load_settings(CONFIG, environ={}) == Settings()


def test_environment_overrides_a_value_and_a_table() -> None:
    settings = load_settings(
        CONFIG,
        environ={
            "REVISIT_CALLS_ATTEMPT_LIMIT": "5",
            "REVISIT_CALENDAR_EXTRA_HOLIDAYS": '["2027-10-08"]',
            "REVISIT_SERVER_DB": "postgresql+psycopg://revisit@db/revisit",
        },
    )
    assert settings.calls.attempt_limit == 5
    assert [d.isoformat() for d in settings.calendar.extra_holidays] == ["2027-10-08"]
    assert settings.server.db.startswith("postgresql")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[calls]\nattempt_limit = 0\n[ui]\nlocale = "fr"\n[nonsense]\nx = 1\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(bad, environ={})
    problems = caught.value.problems
    assert any(p.startswith("calls.attempt_limit:") for p in problems)
    assert any(p.startswith("ui.locale:") for p in problems)
    assert "nonsense: unknown setting" in problems


def test_malformed_toml_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[calls]\nattempt_limit = = 3\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(bad, environ={})
    assert "line 2" in caught.value.problems[0]


def test_env_text_that_looks_like_json_stays_text() -> None:
    settings = load_settings(
        CONFIG,
        environ={"REVISIT_CLIENT_TOKEN": "12345", "REVISIT_BANK_NAME": "null"},
    )
    assert settings.client.token == "12345"
    assert settings.bank.name == "null"


def test_env_values_are_converted_by_the_settings_type() -> None:
    settings = load_settings(
        CONFIG,
        environ={"REVISIT_CLIENT_VERIFY_TLS": "false", "REVISIT_SYNC_INTERVAL_SECONDS": "2.5"},
    )
    assert settings.client.verify_tls is False
    assert settings.sync.interval_seconds == 2.5


def test_unknown_env_names_under_the_prefix_are_errors() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            CONFIG,
            environ={
                "REVISIT_CALLS_ATEMPT_LIMIT": "5",  # misspelled key
                "REVISIT_CALS_ATTEMPT_LIMIT": "5",  # misspelled section
                "REVISIT_CONFIG": str(CONFIG),  # not settings, but ours
                "REVISIT_DEMO_DIR": "/tmp/demo",
                "REVISIT_SUPERVISOR_TOKEN": "t",
                "REVISIT_TEST_PG_URL": "postgresql://",
                "OTHER_CALLS_X": "1",
            },
        )
    assert caught.value.problems == [
        "REVISIT_CALLS_ATEMPT_LIMIT: not a setting (REVISIT_<SECTION>_<KEY>, see config.toml)",
        "REVISIT_CALS_ATTEMPT_LIMIT: not a setting (REVISIT_<SECTION>_<KEY>, see config.toml)",
    ]


def test_a_bad_env_value_names_its_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(CONFIG, environ={"REVISIT_CALLS_ATTEMPT_LIMIT": "three"})
    (problem,) = caught.value.problems
    assert problem.startswith("calls.attempt_limit (REVISIT_CALLS_ATTEMPT_LIMIT): ")


@pytest.mark.parametrize(
    ("table", "typo"),
    [
        ("calls.retry_spacing_minutes", "no_anwser"),
        ("calls.retry_spacing_minutes", "reached"),  # a real disposition, but never retried
        ("schedule.priority", "periodical"),
        ("schedule.periodic_months", "personal_saving"),
        ("schedule.risk_months", "hihg"),
        ("escalations.deadline_hours", "urgnet"),
    ],
)
def test_a_typo_in_an_enum_keyed_table_is_refused(tmp_path: Path, table: str, typo: str) -> None:
    bad = tmp_path / "typo.toml"
    bad.write_text(f"[{table}]\n{typo} = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(bad, environ={})
    (problem,) = caught.value.problems
    assert problem.startswith(f"{table}.{typo}: unknown key '{typo}' (the keys are ")


def test_a_partial_table_keeps_the_defaults_for_the_other_keys(tmp_path: Path) -> None:
    partial = tmp_path / "partial.toml"
    partial.write_text(
        "[calls.retry_spacing_minutes]\nbusy = 5\n[schedule.priority]\nperiodic = 4\n"
    )
    settings = load_settings(
        partial, environ={"REVISIT_ESCALATIONS_DEADLINE_HOURS": '{"low": 100}'}
    )
    defaults = Settings()
    assert settings.calls.retry_spacing_minutes == {
        **defaults.calls.retry_spacing_minutes,
        Disposition.BUSY: 5,
    }
    assert settings.schedule.priority == {**defaults.schedule.priority, TaskKind.PERIODIC: 4}
    assert settings.escalations.deadline_hours == {
        **defaults.escalations.deadline_hours,
        Urgency.LOW: 100,
    }


def test_an_env_table_is_laid_over_the_files_key_by_key(tmp_path: Path) -> None:
    file = tmp_path / "file.toml"
    file.write_text("[schedule.priority]\nperiodic = 4\nclosure = 8\n")
    settings = load_settings(file, environ={"REVISIT_SCHEDULE_PRIORITY": '{"closure": 7}'})
    assert settings.schedule.priority[TaskKind.PERIODIC] == 4
    assert settings.schedule.priority[TaskKind.CLOSURE] == 7


def test_an_env_list_replaces_the_files_or_adds_to_it_with_plus(tmp_path: Path) -> None:
    file = tmp_path / "file.toml"
    file.write_text('[calendar]\nextra_holidays = ["2027-10-08"]\n')
    name = "REVISIT_CALENDAR_EXTRA_HOLIDAYS"
    replaced = load_settings(file, environ={name: '["2027-10-09"]'})
    added = load_settings(file, environ={name: '+["2027-10-09"]'})
    added_to_default = load_settings(CONFIG, environ={name: '+["2027-10-09"]'})
    assert replaced.calendar.extra_holidays == [date(2027, 10, 9)]
    assert added.calendar.extra_holidays == [date(2027, 10, 8), date(2027, 10, 9)]
    assert added_to_default.calendar.extra_holidays == [date(2027, 10, 9)]


def test_check_config_reports_env_problems(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("REVISIT_")} | {
        "REVISIT_CALLS_ATEMPT_LIMIT": "5",
        "REVISIT_CLIENT_TOKEN": "12345",
    }
    run = subprocess.run(
        [sys.executable, "-m", "revisit_tui.cli", "check-config", str(CONFIG)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "REVISIT_CALLS_ATEMPT_LIMIT: not a setting" in run.stdout
    assert "1 problem(s) found" in run.stdout
