"""What supervisors bring and do by hand: Chinese Excel's CSV, missing folders, pipes into
`head`, over-long text, empty exports, dry runs and Ctrl+C, each answered in one clear line."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from supervision import SCRIPTS, Supervisor, customer

from revisit_tui.domain.models import ImportBatch, TaskCreate, TaskKind
from revisit_tui.supervisor.exportfile import read_export

FAULTY_PROXY = Path(__file__).resolve().parents[1] / "client" / "faulty_proxy.py"


def script_process(supervisor: Supervisor, name: str, *argv: str, url: str | None = None):
    env = {**os.environ, "REVISIT_SUPERVISOR_TOKEN": supervisor.token}
    return subprocess.Popen(
        [
            sys.executable,
            str(SCRIPTS / f"{name}.py"),
            "--server",
            url or supervisor.server.url,
            *argv,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def test_an_export_saved_by_chinese_excel_is_read(tmp_path: Path):
    export = tmp_path / "开户导出.csv"
    export.write_bytes(
        "record,number,customer_id,type,opened_on,branch,id,account_number,kind,at,detail\n"
        "account,NEW0001,c1,personal_savings,2026-11-23,b1,,,,,\n"
        "event,,,,,,e1,NEW0001,large_abnormal_transaction,2026-11-24T08:00:00+08:00,"
        "境外大额转账 ¥50000\n".encode("gb18030")
    )
    [event] = read_export(export).events
    assert event.detail == "境外大额转账 ¥50000"


def test_a_transfer_list_saved_by_chinese_excel_is_read(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    supervisor.server.add_agent("a2", branch="b2")
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1")]))
    moving = tmp_path / "moving.csv"
    moving.write_bytes("# 迁往第二支行的客户\nc1\n".encode("gbk"))
    argv = ["--transfer", str(moving), "--to-branch", "b2", "--dry-run"]
    assert supervisor.run("assign", *argv) == 0
    assert "would move 1 customers to branch b2" in capsys.readouterr().out


def test_an_empty_export_is_a_failure_not_zero_due(supervisor: Supervisor, tmp_path: Path, capsys):
    export = tmp_path / "export.csv"
    export.write_text("record,number,customer_id,type,opened_on,branch\n", encoding="utf-8")
    assert supervisor.run("build_queue", "--from-file", str(export)) == 2
    captured = capsys.readouterr()
    assert "no accounts or events" in captured.err and "due" not in captured.out


def test_a_bad_export_line_and_transfer_list_are_told_in_the_readers_language(
    supervisor: Supervisor, tmp_path: Path, capsys
):
    export = tmp_path / "export.csv"
    export.write_text(
        "record,number,customer_id,type,opened_on,branch\n"
        "account,NEW0001,c1,personal_savings,2026-11-23,b1\n"
        "acount,NEW0002,c1,personal_savings,2026-11-23,b1\n",
        encoding="utf-8",
    )
    assert supervisor.run("build_queue", "--from-file", str(export), "--lang", "zh-CN") == 2
    err = capsys.readouterr().err
    assert "export.csv 第 3 行：record：应为 account 或 event，实为 'acount'" in err, err
    assert supervisor.run("build_queue", "--from-file", str(export), "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "export.csv line 3: record: expected 'account' or 'event', got 'acount'" in err, err
    export.write_text(
        "record,number,customer_id,type,opened_on,branch,colour\n"
        "account,NEW0001,,personal_savings,2026-11-31,b1,red\n",
        encoding="utf-8",
    )
    assert supervisor.run("build_queue", "--from-file", str(export), "--lang", "zh-CN") == 2
    assert (
        "export.csv 第 2 行：customer_id：缺少此项（必填）；opened_on：不是有效日期（YYYY-MM-DD）；"
        "colour：此类记录没有这一列" in capsys.readouterr().err
    )
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1")]))
    moving = tmp_path / "moving.txt"
    moving.write_text("c1\nc404\n", encoding="utf-8")
    argv = ["--transfer", str(moving), "--to-branch", "b1", "--dry-run", "--lang", "zh-CN"]
    assert supervisor.run("assign", *argv) == 2
    err = capsys.readouterr().err
    assert "第 2 行：中央数据库中没有该客户" in err, err
    assert not set("abcdefghijklmnopqrstuvwxyz") & set(err.split("：", 2)[-1]), err


def test_a_report_into_a_missing_folder_says_so(supervisor: Supervisor, tmp_path: Path, capsys):
    missing = tmp_path / "no-such-folder" / "report.csv"
    assert supervisor.run("report", "--csv", str(missing)) == 2
    err = capsys.readouterr().err
    assert f"cannot write {missing}: No such file or directory" in err
    assert "Traceback" not in err


def test_text_longer_than_the_server_keeps_is_refused_before_sending(
    supervisor: Supervisor, capsys
):
    with pytest.raises(SystemExit) as exit_info:
        supervisor.run("escalations", "--resolve", "x", "--text", "处" * 2001)
    assert exit_info.value.code == 2
    assert "at most 2000" in capsys.readouterr().err


def test_purge_has_an_explicit_dry_run(supervisor: Supervisor, capsys):
    assert supervisor.run("purge", "--dry-run") == 0
    assert "dry run" in capsys.readouterr().out


def test_output_into_a_closed_pipe_ends_quietly(supervisor: Supervisor):
    supervisor.server.add_agent("a1")
    process = script_process(supervisor, "assign", "--dry-run")
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head` that has read its lines
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_ctrl_c_while_reading_stops_at_once(supervisor: Supervisor):
    spec = importlib.util.spec_from_file_location("faulty_proxy", FAULTY_PROXY)
    assert spec is not None and spec.loader is not None
    proxy_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(proxy_module)
    supervisor.server.add_agent("a1")
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1")]))
    supervisor.api.create_tasks(
        [
            TaskCreate(
                key="t1", kind=TaskKind.PERIODIC, priority=5, customer_id="c1", due="2026-11-25"
            )
        ]
    )
    port = int(supervisor.server.url.rsplit(":", 1)[1])
    delay = 10.0  # each new connection: the list reads after the agents hang this long
    with proxy_module.FaultyProxy(port, delay=delay) as proxy:
        process = script_process(supervisor, "assign", "--dry-run", url=proxy.url)
        started = time.monotonic()
        while proxy.connections < 2 and time.monotonic() - started < 60:
            time.sleep(0.05)  # a second connection: the lists are being read side by side
        time.sleep(0.5)
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        code = process.wait(timeout=60)
        waited = time.monotonic() - interrupted
    assert code == 130
    assert waited < 4.0, f"Ctrl+C took {waited:.1f} s to act"
    assert process.stderr is not None and b"interrupted" in process.stderr.read()
