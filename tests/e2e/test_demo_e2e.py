"""The real `revisit demo` in an 80×24 terminal, typed into like an agent would, locally and
through a real SSH session; what the agent did is then read from the server's database."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import (
    DEMO_EXIT,
    DemoDatabase,
    Sshd,
    Tmux,
    demo_command,
    free_port,
    wait_until,
)

pytestmark = pytest.mark.e2e

START_TIMEOUT = 90  # the API starts, the demo data loads through it, the app syncs its queue

SCREEN = {
    "zh-CN": {
        "queue": r"显示 ([1-9]\d*) / 共 \1 个任务",
        "online": "● 在线",
        "step": r"第 {n}/\d+ 步",
        "fraud_step": "· 防范诈骗提醒",
        "not_me": "n○非本人",
        "notice": "⚠ 非本人交易",
        "reveal": "显示被遮蔽的字段",
        "reveal_confirm": "显示完整的",
        "yes_chosen": "y●是",
        "offline": "离线",
    },
    "en": {
        "queue": r"\b([1-9]\d*) of \1 tasks",
        "online": "● Online",
        "step": r"Step {n}/\d+",
        "fraud_step": "· Fraud warning",
        "not_me": "n○Not me",
        "notice": "⚠ Not me",
        "reveal": "Reveal a masked field",
        "reveal_confirm": "Show the full",
        "yes_chosen": "y●Yes",
        "offline": "Offline",
    },
}


def demo_outcomes(db: DemoDatabase) -> dict[str, dict[str, Any]]:
    """Outcome id → its stored body, for every outcome the server holds."""
    return {row["id"]: json.loads(row["body"]) for row in db.rows("SELECT id, body FROM outcomes")}


def new_outcome(db: DemoDatabase, known: set[str], tmux: Tmux) -> dict[str, Any]:
    """Wait until the server holds an outcome that was not there before, and return it."""

    def fresh() -> list[dict[str, Any]]:
        return [body for oid, body in demo_outcomes(db).items() if oid not in known]

    [outcome] = wait_until(fresh, 30, "the outcome in the server's database", tmux.screen)
    return outcome


def open_queue(tmux: Tmux, locale: str, status: str = "online") -> None:
    """Wait for the demo agent's queue with the status line saying `status`."""
    text = SCREEN[locale]
    screen = tmux.wait_for(text["queue"], START_TIMEOUT)
    tmux.wait_for(text[status])
    assert "Traceback" not in screen


def api_stopped(demo_dir: Path) -> bool:
    port = json.loads((demo_dir / "demo.json").read_text())["port"]
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def no_answer_call(tmux: Tmux, locale: str) -> None:
    """The first task: nobody answers."""
    tmux.send("Enter")
    tmux.wait_for(SCREEN[locale]["step"].format(n=1))
    tmux.send("F10")
    tmux.wait_for("2○")
    tmux.answer("2", "2●")
    tmux.send("F9")
    tmux.wait_for(SCREEN[locale]["queue"])


def quit_app(tmux: Tmux, demo_dir: Path) -> None:
    """Ctrl+Q: the app ends, the demo stops its API and says where the data is kept."""
    tmux.send("C-q")
    screen = tmux.wait_for(DEMO_EXIT + r"\d+")
    assert DEMO_EXIT + "0" in screen, screen
    assert f"kept in {demo_dir}" in screen.replace("\n", "")
    assert api_stopped(demo_dir), "quitting the app stops the demo's API"


def reached_call_with_a_not_me(tmux: Tmux, locale: str) -> None:
    """The first task (a suspicious transaction): the customer disowns the first flagged
    transaction, hears the fraud warning, the call ends as reached."""
    text = SCREEN[locale]
    tmux.send("Enter")
    header = tmux.wait_for(text["step"].format(n=1)).splitlines()[0]
    last4 = re.search(r"\*\*\*\*(\d{4})", header)
    assert last4, f"the mobile is masked: {header}"
    tmux.send("F4")  # reveal it on purpose: mobile (1), confirm (y)
    tmux.wait_for(text["reveal"])
    tmux.answer("1", text["reveal_confirm"])
    tmux.send("y")
    tmux.wait_for(rf"\d[\d ]{{5,}}{last4.group(1)}")  # shown on the customer card
    tmux.send("F3")  # the card aside: at 80 columns it leaves no room for the answers
    tmux.send("PageDown")
    tmux.wait_for(text["not_me"])
    tmux.answer("n", text["notice"])
    for step in range(3, 10):  # page on to the fraud-warning step
        tmux.send("PageDown")
        if text["fraud_step"] in tmux.wait_for(text["step"].format(n=step)):
            break
    tmux.answer("y", text["yes_chosen"])
    tmux.send("F10")
    tmux.wait_for("1○")
    tmux.answer("1", "1●")
    tmux.send("F9")
    tmux.wait_for(text["queue"])


def test_a_whole_call_in_tmux_reaches_the_server_database(tmux: Tmux, demo_dir: Path) -> None:
    db = DemoDatabase(demo_dir / "server.db")
    # a real agent's token in the environment does not get in the demo's way
    env = {"TERM": "xterm-256color", "REVISIT_CLIENT_TOKEN": "someone-elses-token"}
    tmux.start(demo_command(demo_dir), env=env)
    open_queue(tmux, "zh-CN")
    assert "李晓雯" in tmux.screen()  # signed in as the demo agent, no sign-in screen
    known = set(demo_outcomes(db))
    assert len(known) == 2, "the demo's two past attempts"

    reached_call_with_a_not_me(tmux, "zh-CN")

    outcome = new_outcome(db, known, tmux)
    assert outcome["agent_id"] == "demo" and outcome["disposition"] == "reached"
    assert outcome["fraud_warning_delivered"] is True
    disowned = outcome["transaction_checks"][0]
    assert disowned["answer"] == "not_me"
    [escalation] = outcome["escalations"]
    assert escalation["urgency"] == "urgent"
    assert escalation["transaction_id"] == disowned["transaction_id"]
    [task] = db.rows("SELECT status, attempts FROM tasks WHERE id = ?", outcome["task_id"])
    assert (task["status"], task["attempts"]) == ("done", 1)
    opened = [json.loads(r["body"]) for r in db.rows("SELECT body FROM escalations")]
    assert any(e["transaction_id"] == disowned["transaction_id"] for e in opened)
    # the deliberate reveal is one audit row; the app's prefetch of the dial number for its
    # next tasks is a disclosure of its own, audited as such
    audit = "SELECT field, kind FROM reveals WHERE agent_id = 'demo' AND task_id = ?"
    revealed = wait_until(
        lambda: [r for r in db.rows(audit, outcome["task_id"]) if r["kind"] != "prefetch"],
        30,
        "the reveal's audit record",
        tmux.screen,
    )
    assert [(r["field"], r["kind"]) for r in revealed] == [("mobile", "reveal")]
    quit_app(tmux, demo_dir)


@pytest.mark.parametrize(("term", "locale"), [("xterm-256color", "en"), ("linux", "zh-CN")])
def test_a_no_answer_over_ssh_is_recorded_and_spaced(
    tmux: Tmux, sshd: Sshd, demo_dir: Path, term: str, locale: str
) -> None:
    db = DemoDatabase(demo_dir / "server.db")
    remote = f"echo remote TERM=$TERM; {demo_command(demo_dir, '--locale', locale)}"
    tmux.start(sshd.command(remote, term))
    open_queue(tmux, locale)
    known = set(demo_outcomes(db))

    no_answer_call(tmux, locale)

    outcome = new_outcome(db, known, tmux)
    assert outcome["disposition"] == "no_answer" and outcome["channel"] == "phone"
    [task] = db.rows(
        "SELECT status, attempts, next_attempt_at FROM tasks WHERE id = ?", outcome["task_id"]
    )
    assert (task["status"], task["attempts"]) == ("open", 1)
    assert task["next_attempt_at"] is not None, "the next try is spaced"
    if term == "linux":  # the link drops instead: the demo still stops its API
        pid = json.loads((demo_dir / "demo.json").read_text())["pid"]
        tmux.kill()
        wait_until(lambda: api_stopped(demo_dir), 15, "the API to stop", lambda: "")
        wait_until(lambda: not alive(pid), 15, "the demo to end", lambda: "")
    else:
        quit_app(tmux, demo_dir)
        assert f"remote TERM={term}" in tmux.screen()


def test_offline_work_is_kept_and_synced_on_the_next_start(tmux: Tmux, demo_dir: Path) -> None:
    db = DemoDatabase(demo_dir / "server.db")
    port = str(free_port())  # the same server address both times: the cache is per server
    tmux.start(demo_command(demo_dir, "--offline", "--port", port, "--locale", "en"))
    open_queue(tmux, "en", status="offline")
    assert api_stopped(demo_dir), "the app runs from its cache alone"
    known = set(demo_outcomes(db))

    no_answer_call(tmux, "en")
    tmux.wait_for(r"Pending 1\b")
    quit_app(tmux, demo_dir)
    assert set(demo_outcomes(db)) == known
    tasks = db.rows("SELECT count(*) AS n FROM tasks")[0]["n"]

    tmux.start(demo_command(demo_dir, "--port", port, "--locale", "en"))
    open_queue(tmux, "en")
    assert db.rows("SELECT count(*) AS n FROM tasks")[0]["n"] == tasks, "kept, not reloaded"
    outcome = new_outcome(db, known, tmux)
    assert outcome["disposition"] == "no_answer" and outcome["agent_id"] == "demo"
    tmux.wait_for(r"Pending 0\b")
    quit_app(tmux, demo_dir)


def test_a_dropped_kept_demo_started_again_at_once_has_its_port_and_draft(
    tmux: Tmux, demo_dir: Path
) -> None:
    """The SSH link drops mid-call and the agent is back within the minute: the demo takes
    its port again (its last connections still linger) and the call resumes at its step."""
    text = SCREEN["en"]
    tmux.start(demo_command(demo_dir, "--locale", "en"))
    open_queue(tmux, "en")
    state = json.loads((demo_dir / "demo.json").read_text())
    tmux.send("Enter")
    tmux.wait_for(text["step"].format(n=1))
    tmux.send("PageDown")
    tmux.wait_for(text["step"].format(n=2))  # the draft is at step 2
    tmux.kill()  # the terminal hangs up
    wait_until(lambda: api_stopped(demo_dir), 15, "the API to stop", lambda: "")
    wait_until(lambda: not alive(state["pid"]), 15, "the demo to end", lambda: "")

    tmux.start(demo_command(demo_dir, "--locale", "en"))
    open_queue(tmux, "en")
    assert json.loads((demo_dir / "demo.json").read_text())["port"] == state["port"]
    tmux.send("Enter")
    tmux.wait_for(text["step"].format(n=2))
    quit_app(tmux, demo_dir)
