"""The production shape, end to end: nginx terminating TLS with a certificate from a test CA,
balancing two `revisit serve` nodes (two workers each) on one PostgreSQL, all started from
docs/deploy/. The agent client trusts the CA through `ca_bundle` and refuses another CA's
certificate; the supervisors' commands and the demo loader go through the proxy; a node killed
in the middle of two agents' drains loses and doubles nothing."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from revisit_tui.client.api import ApiClient, Unreachable
from revisit_tui.client.store import AgentStore
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.client.sync import SyncEngine, SyncState, Trouble
from revisit_tui.config import SyncSettings, load_settings
from revisit_tui.demo import data as demo_data
from revisit_tui.demo.load import load
from revisit_tui.domain.models import Role
from revisit_tui.server import admin
from revisit_tui.server.process import free_port
from tests.client.agent_world import no_answer, seed_tasks, stored_outcome_ids
from tests.deploy.stack import (
    DEPLOY_DOCS,
    NGINX,
    Certificates,
    Nginx,
    UnitNode,
    make_certificates,
    render,
    trusting,
)

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx; .ci/run does)"
)


@dataclass
class Deployment:
    db_url: str
    certificates: Certificates
    other_ca: Path
    nodes: tuple[UnitNode, UnitNode]
    proxy: Nginx

    @property
    def url(self) -> str:
        return self.proxy.url

    def add(self, agent_id: str, role: Role = Role.AGENT) -> str:
        return admin.add_agent(self.db_url, agent_id, f"Agent {agent_id}", role)


@pytest.fixture(scope="module")
def deployment(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    home = tmp_path_factory.mktemp("deployment")
    certificates = make_certificates(home / "tls", "bank")
    other = make_certificates(home / "tls", "other")
    admin.create_schema(pg_url)
    ports = (free_port(), free_port())
    nodes = (UnitNode(pg_url, ports[0], home / "run"), UnitNode(pg_url, ports[1], home / "run"))
    proxy = Nginx(home / "nginx", certificates, ports)
    try:
        starting = [threading.Thread(target=node.start, args=(60,)) for node in nodes]
        for thread in starting:  # at once, as after a reboot: one migrates, the other waits
            thread.start()
        for thread in starting:
            thread.join()
        for node in nodes:
            assert node.process is not None and node.process.poll() is None, node.output()
        with proxy:
            yield Deployment(pg_url, certificates, other.ca, nodes, proxy)
    finally:
        for node in nodes:
            node.stop()


def test_the_agent_client_trusts_the_bank_ca_through_ca_bundle(
    deployment: Deployment, tmp_path: Path
) -> None:
    token = deployment.add("tls-agent")
    settings = load_settings(
        os.devnull,
        environ={
            "REVISIT_CLIENT_SERVER_URL": deployment.url,
            "REVISIT_CLIENT_CA_BUNDLE": str(deployment.certificates.ca),
        },
    )
    with ApiClient.from_settings(settings, token=token) as api:
        assert api.me().agent.id == "tls-agent"
        assert api.health()["status"] == "ok"
    ready = httpx.get(deployment.url + "/v1/ready", verify=trusting(deployment.certificates.ca))
    assert ready.status_code == 200
    hidden = httpx.get(deployment.url + "/metrics", verify=trusting(deployment.certificates.ca))
    assert hidden.status_code == 404  # scraped on the nodes, never through the proxy

    other = ApiClient(deployment.url, token, verify=str(deployment.other_ca), retries=0)
    with other as api, pytest.raises(Unreachable, match=r"TLS certificate is not trusted; set"):
        api.me()


def test_supervisor_commands_and_the_demo_loader_go_through_the_proxy(
    deployment: Deployment, tmp_path: Path
) -> None:
    agents = demo_data.demo_agents()
    tokens = {
        a.id: admin.add_agent(
            deployment.db_url, a.id, a.name, a.role, **a.model_dump(exclude={"id", "name", "role"})
        )
        for a in agents
    }
    # 120 customers: enough that two past attempts (two escalations) are loadable at any hour
    data = demo_data.generate(seed=7, customers=120)
    summary = load(data, deployment.url, tokens, verify=str(deployment.certificates.ca))
    assert summary.customers == 120 and summary.tasks >= len(data.tasks)

    boss = next(a.id for a in agents if a.role is Role.SUPERVISOR)
    token_file = tmp_path / "supervisor.token"
    token_file.write_text(tokens[boss])
    token_file.chmod(0o600)

    def escalations(ca: Path) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "REVISIT_CONFIG": os.devnull, "REVISIT_CLIENT_CA_BUNDLE": str(ca)}
        return subprocess.run(
            [sys.executable, "scripts/escalations.py", "--server", deployment.url,
             "--token-file", str(token_file)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    listed = escalations(deployment.certificates.ca)
    assert listed.returncode == 0, listed.stderr
    with ApiClient(deployment.url, tokens[boss], verify=str(deployment.certificates.ca)) as api:
        waiting = [e for e in SupervisorApi(api).escalations() if e.status.value != "resolved"]
    assert waiting and all(str(e.id) in listed.stdout for e in waiting)
    refused = escalations(deployment.other_ca)
    assert refused.returncode == 1
    assert "TLS certificate is not trusted" in refused.stderr


def test_the_backup_unit_writes_a_private_dump_of_the_live_database(
    deployment: Deployment, tmp_path: Path
) -> None:
    unit = DEPLOY_DOCS / "revisit-backup.service"
    text = render(
        unit.read_text(),
        {
            "/srv/backup": str(tmp_path / "backup"),
            "/opt/revisit/venv/bin/revisit": shlex.join([sys.executable, "-m", "revisit_tui.cli"]),
            "/etc/revisit/config.toml": os.devnull,
        },
        unit,
    )
    lines = dict(line.split("=", 1) for line in text.splitlines() if line.startswith("Exec"))
    (tmp_path / "backup").mkdir()
    old = tmp_path / "backup" / "revisit-2000-01-01.dump"
    old.write_bytes(b"")
    os.utime(old, (946_684_800, 946_684_800))
    env = {**os.environ, "REVISIT_CONFIG": os.devnull, "REVISIT_SERVER_DB": deployment.db_url}
    for key in ("ExecStart", "ExecStartPost"):
        command = shlex.split(lines[key].replace("%%", "%"))
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    [dump] = (tmp_path / "backup").iterdir()  # the old one is gone
    assert dump.name == f"revisit-{date.today().isoformat()}.dump"
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True)
    assert "TABLE DATA public outcomes" in listing.stdout


OUTCOMES_PER_AGENT = 500
RECONNECTING = {Trouble.UNREACHABLE, Trouble.TIMEOUT, Trouble.SERVER_ERROR}


class Drain(threading.Thread):
    """One agent's app draining its outbox through the proxy, as its sync worker does; keeps
    every state the status line would have shown."""

    def __init__(self, deployment: Deployment, agent_id: str, token: str, home: Path) -> None:
        super().__init__(daemon=True)
        self.agent_id = agent_id
        self.api = ApiClient(
            deployment.url,
            token,
            verify=str(deployment.certificates.ca),
            retries=2,
            backoff_base=0.02,
            backoff_max=0.2,
        )
        self.store = AgentStore.open(home, deployment.url, agent_id)
        settings = SyncSettings(batch_size=5, interval_seconds=0.05, backoff_max_seconds=0.2)
        self.engine = SyncEngine(self.api, self.store, settings)
        self.states: list[SyncState] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            deadline = time.monotonic() + 90
            while self.store.pending_count() and time.monotonic() < deadline:
                state = self.engine.sync_once()
                self.states.append(state)
                time.sleep(0.01 if state.online else self.engine.next_delay())
        except BaseException as exc:
            self.error = exc

    def close(self) -> None:
        self.store.close()
        self.api.close()


def test_a_node_killed_mid_drain_loses_and_doubles_nothing(
    deployment: Deployment, tmp_path: Path
) -> None:
    via_node = SimpleNamespace(
        url=deployment.nodes[1].url,
        add_agent=lambda agent_id, role=Role.AGENT: deployment.add(agent_id, role),
    )
    drains: list[Drain] = []
    sent: dict[str, set[str]] = {}
    bosses: dict[str, str] = {}
    for agent_id in ("drain-a", "drain-b"):
        token, boss, task_ids = seed_tasks(via_node, agent_id, OUTCOMES_PER_AGENT)
        drain = Drain(deployment, agent_id, token, tmp_path / agent_id)
        outcomes = [no_answer(task_id, agent_id) for task_id in task_ids]
        drain.store.submit_many(outcomes)
        sent[agent_id] = {str(o.id) for o in outcomes}
        bosses[agent_id] = boss
        drains.append(drain)

    def pending() -> int:
        return sum(d.store.pending_count() for d in drains)

    victim = deployment.nodes[0]
    try:
        for drain in drains:
            drain.start()
        total = 2 * OUTCOMES_PER_AGENT
        while pending() > total * 0.8 and any(d.is_alive() for d in drains):
            time.sleep(0.005)
        victim.kill()
        killed_at_pending = pending()
        time.sleep(0.5)
        victim.start(timeout=60)
        for drain in drains:
            drain.join(120)
    finally:
        for drain in drains:
            drain.close()

    assert 0 < killed_at_pending < total  # killed mid-drain (back before or after its end)
    for drain in drains:
        assert drain.error is None, drain.error
        assert drain.store.pending_count() == 0
        assert drain.store.needs_attention() == []
        # the status line never showed more than "reconnecting": a node being down is at most
        # no connection, a timeout or a 5xx outlasting the retries; never a refusal, a
        # disk error or an answer that is not the API's
        troubles = {state.trouble for state in drain.states}
        assert troubles <= {None, *RECONNECTING}, [s.last_error for s in drain.states]
    for agent_id in sent:
        stored = stored_outcome_ids(via_node, bosses[agent_id], agent_id)
        assert len(stored) == OUTCOMES_PER_AGENT  # none twice
        assert set(stored) == sent[agent_id]  # none lost
    assert httpx.get(victim.url + "/v1/ready").status_code == 200
