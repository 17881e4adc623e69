"""The shipped config.toml is valid, documents the defaults, and the environment overrides it."""

from pathlib import Path

import pytest

from revisit_tui.config import ConfigError, Settings, load_settings

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
