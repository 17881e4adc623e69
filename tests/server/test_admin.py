"""Tokens from `revisit admin` open the API; revoked or unknown ones get 401."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import sqlalchemy as sa

from revisit_tui.server.process import ServerProcess
from revisit_tui.server.tables import audit_log


def revisit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "revisit_tui.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"REVISIT_CONFIG": "/dev/null", "PATH": "/usr/bin:/bin"},
    )


def test_cli_token_works_once_revoked_it_is_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    added = revisit("admin", "--db", db, "add-agent", "Li Lei", "--role", "supervisor")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    listed = revisit("admin", "--db", db, "list")
    assert "li-lei\tsupervisor\tactive" in listed.stdout
    assert token not in listed.stdout
    with ServerProcess(db) as server:
        me = httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["agent"]["role"] == "supervisor"
        assert revisit("admin", "--db", db, "revoke", "li-lei").returncode == 0
        again = httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 401
        assert again.json()["code"] == "unauthorized"


def test_duplicate_id_is_refused_with_a_reason(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert revisit("admin", "--db", db, "add-agent", "Han Mei", "--id", "a1").returncode == 0
    again = revisit("admin", "--db", db, "add-agent", "Other", "--id", "a1")
    assert again.returncode == 1
    assert "'a1' is taken" in again.stderr


def test_db_upgrade_reports_the_revision(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert "empty" in revisit("db", "current", "--db", db).stdout
    upgraded = revisit("db", "upgrade", "--db", db)
    assert upgraded.returncode == 0, upgraded.stderr
    revision = revisit("db", "current", "--db", db).stdout.strip()
    assert revision.isdigit()
    assert upgraded.stdout.strip() == f"schema at {revision}"


def test_a_rotated_token_replaces_the_old_one_and_is_audited(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    added = revisit("admin", "--db", db, "add-agent", "Han Mei", "--id", "a1")
    old = added.stdout.strip().splitlines()[-1]
    assert revisit("admin", "--db", db, "revoke", "a1").returncode == 0
    rotated = revisit("admin", "--db", db, "rotate-token", "a1")
    assert rotated.returncode == 0, rotated.stderr
    new = rotated.stdout.strip().splitlines()[-1]
    with ServerProcess(db) as server:
        for token, status in ((old, 401), (new, 200)):
            answer = httpx.get(server.url + "/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == status
    engine = sa.create_engine(db)
    with engine.connect() as conn:
        actions = conn.execute(
            sa.select(audit_log.c.action, audit_log.c.actor, audit_log.c.detail).order_by(
                audit_log.c.id
            )
        ).all()
    engine.dispose()
    assert [row.action for row in actions] == ["principal_added", "token_revoked", "token_rotated"]
    assert actions[-1].detail == {"principal_id": "a1"} and actions[-1].actor.startswith("cli:")
