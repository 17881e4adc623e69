"""`revisit wallboard`'s command line: bad input is one clear line and exit 2, before any
screen opens."""

from __future__ import annotations

import pytest

from revisit_tui.cli import main


@pytest.fixture(autouse=True)
def no_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVISIT_CONFIG", "/dev/null")
    monkeypatch.delenv("REVISIT_SUPERVISOR_TOKEN", raising=False)


def test_without_a_token_it_says_how_to_give_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wallboard", "--server", "http://127.0.0.1:9", "--lang", "en"]) == 2
    assert "no token" in capsys.readouterr().err
    assert main(["wallboard", "--server", "http://127.0.0.1:9", "--lang", "zh-CN"]) == 2
    assert capsys.readouterr().err.startswith("revisit wallboard: 缺少令牌：")


@pytest.mark.parametrize("refresh", ["0", "-5", "soon", "7200"])
def test_a_refresh_period_out_of_bounds_is_refused(
    capsys: pytest.CaptureFixture[str], refresh: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["wallboard", "--refresh", refresh])
    assert exit_.value.code == 2
    assert "--refresh" in capsys.readouterr().err
