"""`revisit queue build --from-file` asks the server for its accounts' ids; past the caller's
daily quota of lookups the server answers 429, and the command says so in the reader's
language, at once (a quota does not renew in seconds), and writes nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from supervision import Supervisor, customer

from revisit_tui.domain.models import ImportBatch
from revisit_tui.server.tables import audit_log
from tests.conftest import LiveServer, callable_zone, sqlite_url

PER_DAY = 2
CENTRE = callable_zone()  # the server's [supervisor] timezone: midday there, far from midnight


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The `supervisor` fixture's server, with a quota of two numbers a day."""
    env = {
        "REVISIT_PRIVACY_ACCOUNT_ID_LOOKUPS_PER_DAY": str(PER_DAY),
        "REVISIT_SUPERVISOR_TIMEZONE": CENTRE,
    }
    server = LiveServer(sqlite_url(tmp_path), env=env)
    with server.process:
        yield server


def export_of_three(path: Path) -> Path:
    opened = (date.today() - timedelta(days=1)).isoformat()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["record", "number", "customer_id", "type", "opened_on", "branch"])
        for n in range(1, 4):
            writer.writerow(["account", f"NEW000{n}", "c1", "personal_savings", opened, "b1"])
    return path


def renewal_in_utc() -> str:
    """The server's quota renews at the centre's midnight; the command prints it in its own
    configured zone (UTC in these tests)."""
    centre = datetime.now(ZoneInfo(CENTRE))
    midnight = datetime.combine(
        centre.date() + timedelta(days=1), datetime.min.time(), centre.tzinfo
    )
    return midnight.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def refusals(server: Any) -> int:
    engine = sa.create_engine(server.db_url)
    try:
        with engine.connect() as conn:
            query = sa.select(sa.func.count()).where(audit_log.c.action == "account_ids_refused")
            return int(conn.scalar(query.select_from(audit_log)))
    finally:
        engine.dispose()


def test_a_build_past_the_lookup_quota_is_refused_in_chinese_and_writes_nothing(
    supervisor: Supervisor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1")]))
    export = export_of_three(tmp_path / "export.csv")
    assert supervisor.run("build_queue", "--from-file", str(export), "--lang", "zh-CN") == 1
    out, err = capsys.readouterr()
    assert err.strip() == (
        "错误：服务器拒绝查询 export.csv 中账号的账户标识：本文件有 3 个账号，您今日的查询额度"
        f"只剩 2 个（每日 2 个），{renewal_in_utc()} 起恢复；未导入、未创建任何内容"
    )
    assert "到期回访" not in out
    assert list(supervisor.api.tasks()) == [] and list(supervisor.api.accounts()) == []
    assert refusals(supervisor.server) == 1, "a quota refusal is not retried"

    assert supervisor.run("build_queue", "--from-file", str(export), "--lang", "en") == 1
    err = capsys.readouterr().err
    assert (
        "the server refused to look up the account ids of export.csv: the file has 3 account "
        "numbers and only 2 of your 2 a day are left today; the quota renews at "
        f"{renewal_in_utc()}. Nothing was imported or created"
    ) in err, err
    assert refusals(supervisor.server) == 2
