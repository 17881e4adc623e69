"""Every supervisor command speaks the reader's language (zh-CN or en) — its own words, the
wire values it prints (kinds, roles, languages) and why a task fits nobody — and shows on a
terminal what it is doing once a step takes over a second."""

from __future__ import annotations

import io
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from supervision import Supervisor, customer
from test_commands import revisit, tasks_for

from revisit_tui.domain.models import CustomerType, ImportBatch, Language, TaskCreate, TaskKind
from revisit_tui.supervisor import progress
from revisit_tui.supervisor.messages import Messages, catalog
from revisit_tui.supervisor.planning import Why

SOURCES = Path(__file__).resolve().parents[2] / "revisit_tui" / "supervisor"
SAID = re.compile(
    r"""(?:say|Progress|Why|BadInput|Failed|BadValue|Told|FileProblem|ExportError)\(\s*"""
    r""""([a-z_]+\.[a-z_.]+)\""""
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_both_catalogues_name_the_same_keys():
    assert set(catalog("zh-CN")) == set(catalog("en"))


def test_every_key_the_commands_say_is_in_the_catalogue():
    said = {
        key
        for path in SOURCES.rglob("*.py")
        for key in SAID.findall(path.read_text(encoding="utf-8"))
    }
    assert {"common.reading", "assign.progress", "queue.progress", "errors.unknown_agent"} <= said
    assert said - set(catalog("en")) == set()


def test_why_a_task_fits_nobody_is_told_in_the_readers_language(
    supervisor: Supervisor, capsys: pytest.CaptureFixture[str]
):
    supervisor.server.add_agent("a1", capacity=1, skills=[CustomerType.PERSONAL])
    tasks_for(supervisor, 2)  # Chinese personal customers: one fits, one finds a1 full
    supervisor.api.import_batch(
        ImportBatch(customers=[customer("e1", language=Language.EN, kind=CustomerType.CORPORATE)])
    )
    supervisor.api.create_tasks(
        [
            TaskCreate(
                key="e1", kind=TaskKind.CLOSURE, priority=2, customer_id="e1", due=date.today()
            )
        ]
    )
    assert revisit(supervisor, "assign", "--dry-run", "--show-tasks", "--lang", "zh-CN") == 0
    out = capsys.readouterr().out
    assert "1 名合适的坐席均已满负荷" in out
    assert "没有在班坐席会说 英文 且负责 b1 支行的对公客户" in out
    assert "定期回访 1" in out and "销户回访" in out
    assert "no agent" not in out and "periodic" not in out

    unknown = Why("unknown_customer", (("customer", "c9"),))
    assert unknown.told(Messages("zh-CN")) == "未知客户 c9"
    assert str(unknown) == "unknown customer c9"


def test_what_went_wrong_is_told_in_the_readers_language(
    supervisor: Supervisor, capsys: pytest.CaptureFixture[str]
):
    assert revisit(supervisor, "assign", "--agent", "ghost", "--lang", "zh-CN") == 2
    assert capsys.readouterr().err == "错误：--agent：未知坐席 ghost\n"
    assert revisit(supervisor, "tasks", "unassign", "t9", "--lang", "zh-CN") == 2
    assert capsys.readouterr().err == "错误：没有该任务：t9\n"
    assert revisit(supervisor, "report", "--min-ratings", "0") == 2
    assert capsys.readouterr().err == "error: --min-ratings: 0 is less than 1\n"


def test_the_roster_names_roles_languages_and_skills_in_words(
    supervisor: Supervisor, capsys: pytest.CaptureFixture[str]
):
    supervisor.server.add_agent("wang", languages=[Language.ZH_CN, Language.EN])
    assert revisit(supervisor, "agents", "--lang", "zh-CN") == 0
    out = capsys.readouterr().out
    assert "中文,英文" in out and "个人,对公" in out and "主管" in out


COMMANDS = [
    ["queue", "build"],
    ["assign"],
    ["report"],
    ["qa", "--month", f"{date.today():%Y-%m}", "--rate", "1", "--seed", "1"],
    ["purge"],
    ["escalations"],
    ["agents"],
    ["tasks", "unassign", "--from", "a1"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[:2]))
def test_every_command_shows_its_progress_on_a_terminal_in_its_language(
    supervisor: Supervisor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str]
):
    supervisor.server.add_agent("a1", capacity=5)
    tasks_for(supervisor, 2, assigned_agent="a1")
    if argv[0] == "qa":
        argv = [*argv, "--out", str(tmp_path / "qa.csv")]
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)  # every step "takes over a second"
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert revisit(supervisor, *argv, "--lang", "zh-CN") == 0
    drawn = screen.getvalue()
    assert "\r" in drawn and re.search(r"[\u4e00-\u9fff]+…?.* \d+ s", drawn), drawn


def test_a_quick_step_draws_nothing_and_a_slow_one_its_label_and_seconds():
    screen = Terminal()
    progress.speak(Messages("zh-CN"))
    try:
        with progress.Progress("common.reading", stream=screen):
            pass
        assert screen.getvalue() == ""
        with progress.Progress("queue.progress", 2, stream=screen, delay=0) as bar:
            bar.advance(2)
    finally:
        progress.speak(Messages("en"))
    assert screen.getvalue().endswith("\r创建任务中 [" + "#" * 30 + "] 2/2  0 s\x1b[K\n")
