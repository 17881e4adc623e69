"""The `revisit` command line speaks the language its command prints in: each command's help,
argparse's own phrases ("usage:", "error: unrecognized arguments", "show this help message
and exit") and the errors of bad values, with --lang, the terminal's language or `[ui]
locale` known before the parser is built."""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from revisit_tui import cli
from revisit_tui.supervisor.commandline import PHRASES, width_of
from revisit_tui.supervisor.messages import catalog

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
KEY = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
SUPERVISORS = sorted(cli.SUPERVISORS)


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults (English) unless a test names a language."""
    monkeypatch.setenv("REVISIT_CONFIG", os.devnull)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")


def revisit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`revisit <argv>` in-process up to argparse's exit: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """A parser and every parser of its sub-commands, however deep."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from parsers(child)


def help_texts(argv: list[str]) -> list[str]:
    """Every help text and description a command line's parsers show."""
    texts = []
    for parser in parsers(cli.build_parser(argv)):
        texts += [parser.description or ""]
        texts += [group.title or "" for group in parser._action_groups]
        texts += [action.help for action in parser._actions if action.help]
    return [text for text in texts if text and text != argparse.SUPPRESS]


def command_line(name: str) -> list[str]:
    """The argv that builds `revisit <name>`'s parser with its arguments."""
    return [name, "build"] if name == "queue" else [name]


def test_assign_help_in_chinese_has_chinese_lines_and_no_english_help(capsys):
    code, out, _ = revisit(capsys, "assign", "--help", "--lang", "zh-CN")
    assert code == 0
    assert out.startswith("用法：revisit assign")
    assert "只打印分配方案，不写入" in out and "显示本帮助并退出" in out
    assert "\n选项：\n" in out and "\n连接：\n" in out
    english = [text for key, text in catalog("en").items() if key.startswith("help.")]
    assert [text for text in english if text in out] == []
    assert "usage:" not in out and "show this help" not in out and "options:" not in out


@pytest.mark.parametrize("name", SUPERVISORS)
def test_every_supervisor_command_helps_in_chinese(name: str):
    texts = help_texts([*command_line(name), "--lang", "zh-CN"])
    assert len(texts) > 3
    assert [text for text in texts if not CJK.search(text)] == []


@pytest.mark.parametrize("name", SUPERVISORS)
def test_every_supervisor_command_helps_in_english_with_no_key_left_unsaid(name: str):
    texts = help_texts([*command_line(name), "--lang", "en"])
    assert [text for text in texts if CJK.search(text) or KEY.match(text)] == []


@pytest.mark.parametrize("name", sorted(set(cli.COMMANDS) - cli.SUPERVISORS))
def test_the_other_commands_help_in_the_configured_language(name: str, tmp_path: Path):
    chinese, english = tmp_path / "zh.toml", tmp_path / "en.toml"
    chinese.write_text('[ui]\nlocale = "zh-CN"\n', encoding="utf-8")
    english.write_text('[ui]\nlocale = "en"\n', encoding="utf-8")
    texts = help_texts(["--config", str(chinese), name])
    assert [text for text in texts if not CJK.search(text)] == []
    texts = help_texts(["--config", str(english), name])
    assert [text for text in texts if CJK.search(text) or KEY.match(text)] == []


def test_the_agent_app_and_the_demo_help_in_their_locale_option(capsys, tmp_path: Path):
    english = tmp_path / "en.toml"
    english.write_text('[ui]\nlocale = "en"\n', encoding="utf-8")
    config = ["--config", str(english)]
    out = revisit(capsys, *config, "demo", "--locale", "zh-CN", "--help")[1]
    assert out.startswith("用法：revisit demo") and "演示数据的随机种子" in out
    assert revisit(capsys, *config, "tui", "--locale=zh-CN", "-h")[1].startswith("用法：revisit")
    assert revisit(capsys, *config, "tui", "--lang", "zh-CN", "-h")[1].startswith("usage: revisit")


def test_the_language_comes_from_the_terminal_or_the_configuration_before_parsing(
    capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert revisit(capsys, "purge", "--help")[1].startswith("用法：revisit purge")
    monkeypatch.setenv("LANG", "C.UTF-8")  # names no language: the configuration decides
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlocale = "zh-CN"\n', encoding="utf-8")
    out = revisit(capsys, "report", "--config", str(config), "--help")[1]
    assert out.startswith("用法：revisit report") and "只看该坐席的数据" in out
    assert revisit(capsys, "report", f"--config={config}", "--lang=en", "-h")[1].startswith(
        "usage: revisit report"
    )


def test_an_unknown_option_is_refused_in_chinese_naming_it(capsys):
    code, out, err = revisit(capsys, "assign", "--bogus", "--lang", "zh-CN")
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == "revisit：错误：无法识别的参数：--bogus"
    assert err.startswith("用法：revisit")


def test_an_unknown_option_stays_english_in_english(capsys):
    code, _, err = revisit(capsys, "assign", "--bogus", "--lang", "en")
    assert code == 2
    assert err.splitlines()[-1] == "revisit: error: unrecognized arguments: --bogus"
    assert err.startswith("usage: revisit") and not CJK.search(err)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["qa", "--rate", "1"], "缺少必需的参数：--month, --seed, --out"),
        (["tasks", "move", "t1"], "缺少必需的参数：--to"),
        (["purge", "--years", "x"], "参数 --years：无效的 int 值：'x'"),
        (["purge", "--yes", "--dry-run"], "参数 --dry-run：不能与参数 --yes 同时使用"),
        (["tasks", "hide"], "参数 ACTION：无效的选择：'hide'（可选：'move', 'unassign', 'park'）"),
        (["assign", "--agent"], "参数 --agent：需要一个值"),
        (["qa", "--month", "2026-13"], "参数 --month：'2026-13' 不是月份（YYYY-MM）"),
        (
            ["agents", "set", "li", "--languages", "fr"],
            "参数 --languages：fr：请从 zh-CN, en 中选择",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_argparse_refusals_are_chinese(capsys, argv: list[str], said: str):
    code, _, err = revisit(capsys, *argv, "--lang", "zh-CN")
    assert code == 2
    assert err.splitlines()[-1].endswith(f"：错误：{said}"), err
    assert "error" not in err and "usage" not in err


def test_argparse_is_english_again_after_a_chinese_command_line(capsys):
    revisit(capsys, "assign", "--help", "--lang", "zh-CN")
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_help().startswith("usage: other")
    assert "show this help message and exit" in plain.format_help()


def test_every_argparse_phrase_has_its_text_in_both_catalogues():
    for key in set(PHRASES.values()):
        assert catalog("en")[key] and CJK.search(catalog("zh-CN")[key]), key


def test_the_scripts_help_in_the_terminals_language():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "assign.py"), "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "LANG": "zh_CN.UTF-8"},
        check=True,
    )
    assert done.stdout.startswith("用法：assign.py") and "把待分配的任务分给在班坐席" in done.stdout


def test_the_top_level_help_lists_every_command_in_the_configured_language(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlocale = "zh-CN"\n', encoding="utf-8")
    out = revisit(capsys, "--config", str(config), "--help")[1]
    assert out.startswith("用法：revisit") and "主管：分配待处理任务" in out
    assert "启动坐席应用（默认）" in out and "usage" not in out


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_help_fits_an_80_column_terminal_and_no_line_starts_with_closing_punctuation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, locale: str
):
    monkeypatch.setenv("COLUMNS", "80")
    config = tmp_path / "config.toml"
    config.write_text(f'[ui]\nlocale = "{locale}"\n', encoding="utf-8")
    for name in cli.COMMANDS:
        argv = ["--config", str(config), *command_line(name), "--lang", locale]
        for parser in parsers(cli.build_parser(argv)):
            shown = parser.format_help()
            body = shown.split("\n\n", 1)[1].splitlines()  # argparse's usage line may not fit
            assert [line for line in body if width_of(line) > 80] == [], parser.prog
            assert [
                line for line in body if line.strip()[:1] and line.strip()[0] in "，。、；：？！）"
            ] == []


# argparse's phrases only a programmer sees (a parser built wrong) or for features we do not use
NOT_FOR_USERS = {
    ".__call__() not defined",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    'argument "-" with mode %r',
    "can't open '%(filename)s': %(error)s",
    "cannot merge actions - two groups are named %r",
    "'required' is an invalid argument for positionals",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "conflicting option string: %s",
    "conflicting option strings: %s",
    "mutually exclusive arguments must be optional",
    "cannot have multiple subparser arguments",
    "subcommands",
    "%r is not callable",
}


def test_every_phrase_this_pythons_argparse_shows_a_user_is_translated():
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    said = {
        argument.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "ngettext")
        for argument in node.args
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    }
    assert "the following arguments are required: %s" in said
    assert said - NOT_FOR_USERS - set(PHRASES) == set()
