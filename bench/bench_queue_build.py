#!/usr/bin/env python3
"""Build and assign 100,000 due revisits among 500 agents through the real API on SQLite.

Set-up (not timed): a fresh SQLite database and server; 500 agents written directly in the
database with `revisit_tui.server.admin.add_agent`; 100,000 customers with one long-standing
account each, sent through POST /v1/import (so every account has a periodic revisit due).
Timed: the supervisor library exactly as the scripts run it, one of two ways:
- one-pass (the default, `build_queue.py --assign`): read customers, accounts, events, done
  tasks, agents and open tasks side by side, apply the domain rules, plan the assignment,
  create the tasks already assigned via /v1/tasks/bulk in chunks of 5,000;
- two-pass (`build_queue.py` then `assign.py`): create unassigned, read the open tasks back,
  plan, write /v1/assignments in chunks.
Then a re-run of the build shows it creates nothing, and the open tasks are counted per agent.
Beside the wall-clock time each step prints the CPU seconds the command and the server spent
(the server's from /proc): on a shared, loaded machine the wall clock waits for other work,
while the CPU time is what the step itself costs.

    python bench/bench_queue_build.py [--customers 100000] [--agents 500] [--path both]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    Account,
    AccountType,
    Customer,
    CustomerType,
    ImportBatch,
    Language,
    Role,
    TaskStatus,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.server import admin
from revisit_tui.server.process import ServerProcess
from revisit_tui.supervisor.assign import make_plan, write_plan
from revisit_tui.supervisor.build import assign_on_creation, create, due_tasks, read_sources

TODAY = date(2026, 11, 25)
IMPORT_CHUNK = 5000
BUDGET_SECONDS = 30.0


def customers_and_accounts(count: int) -> tuple[list[Customer], list[Account]]:
    """One in ten customers speaks English, one in ten is a company; all opened in 2024."""
    customers, accounts = [], []
    for i in range(count):
        corporate = i % 10 == 3
        customers.append(
            Customer(
                id=f"c{i}",
                type=CustomerType.CORPORATE if corporate else CustomerType.PERSONAL,
                name=f"客户{i}",
                language=Language.EN if i % 10 == 7 else Language.ZH_CN,
                branch="b1",
            )
        )
        accounts.append(
            Account(
                number=f"62{i:010d}",
                customer_id=f"c{i}",
                type=AccountType.CORPORATE_BASIC if corporate else AccountType.PERSONAL_SAVINGS,
                opened_on=date(2024, 1 + i % 12, 1 + i % 28),
                branch="b1",
            )
        )
    return customers, accounts


def add_agents(db_url: str, count: int, capacity: int) -> None:
    """Every fifth agent also speaks English; every tenth handles corporate customers only."""
    for i in range(count):
        languages = [Language.ZH_CN, Language.EN] if i % 5 == 0 else [Language.ZH_CN]
        skills = [CustomerType.CORPORATE] if i % 10 == 1 else list(CustomerType)
        admin.add_agent(
            db_url,
            f"a{i:03d}",
            f"Agent {i}",
            Role.AGENT,
            languages=languages,
            skills=skills,
            capacity=capacity,
        )


class Cpu:
    """CPU seconds used so far by this process (the supervisor command) and by the server."""

    def __init__(self, server_pid: int) -> None:
        self.stat = Path(f"/proc/{server_pid}/stat")

    def now(self) -> tuple[float, float]:
        try:
            fields = self.stat.read_text().rpartition(")")[2].split()
            server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            server = float("nan")  # not Linux: the wall clock alone
        return time.process_time(), server

    def since(self, start: tuple[float, float]) -> str:
        client, server = self.now()
        return f"CPU: command {client - start[0]:.1f} s, server {server - start[1]:.1f} s"


def timed_one_pass(api: SupervisorApi, policy: RevisitPolicy, cpu: Cpu) -> float:
    """`build_queue.py --assign`: read, apply the rules, plan, create the tasks assigned."""
    started = time.perf_counter()
    cpu_start = cpu.now()
    sources = read_sources(api, for_assignment=True, progress=False)
    tasks = due_tasks(sources, TODAY, policy)
    read = time.perf_counter()
    tasks, plan = assign_on_creation(tasks, sources)
    planned = time.perf_counter()
    built = create(api, tasks, progress=False)
    seconds = time.perf_counter() - started
    print(
        f"build --assign: {built.due} due, {built.created} created, {len(plan.placed)} of them"
        f" assigned, {len(plan.unplaced)} fit nobody in {seconds:.1f} s (read + rules"
        f" {read - started:.1f} s, plan {planned - read:.1f} s,"
        f" create {seconds - (planned - started):.1f} s; {cpu.since(cpu_start)})"
    )
    return seconds


def timed_two_pass(api: SupervisorApi, policy: RevisitPolicy, cpu: Cpu) -> float:
    """`build_queue.py` then `assign.py`: create unassigned, read them back, assign them."""
    started = time.perf_counter()
    cpu_start = cpu.now()
    built = create(api, due_tasks(read_sources(api, progress=False), TODAY, policy), progress=False)
    build_seconds = time.perf_counter() - started
    print(f"build: {built.created} created in {build_seconds:.1f} s ({cpu.since(cpu_start)})")
    assign_start = cpu.now()
    plan = make_plan(api, api.agents(), rebalance=False, progress=False)
    planned = time.perf_counter()
    updated = write_plan(api, plan, progress=False)
    seconds = time.perf_counter() - started
    print(
        f"assign: {updated} assigned, {len(plan.unplaced)} fit nobody (read + plan"
        f" {planned - started - build_seconds:.1f} s, write {seconds - (planned - started):.1f} s;"
        f" {cpu.since(assign_start)}); together {seconds:.1f} s ({cpu.since(cpu_start)})"
    )
    return seconds


def run(path: str, customer_count: int, agent_count: int) -> None:
    """One fresh database and server, set up, then the timed path and the checks."""
    capacity = -(-customer_count // agent_count)  # enough room in total for every task
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        admin.create_schema(db_url)
        boss = admin.add_agent(db_url, "boss", "Supervisor", Role.SUPERVISOR)
        add_agents(db_url, agent_count, capacity)
        with ServerProcess(db_url) as server:
            api = SupervisorApi(ApiClient(server.url, boss, timeout=120))
            customers, accounts = customers_and_accounts(customer_count)
            started = time.perf_counter()
            for start in range(0, len(customers), IMPORT_CHUNK):
                end = start + IMPORT_CHUNK
                api.import_batch(
                    ImportBatch(customers=customers[start:end], accounts=accounts[start:end])
                )
            print(
                f"[{path}] set-up: {agent_count} agents (capacity {capacity}) in the database;"
                f" {customer_count} customers + accounts through /v1/import"
                f" in {time.perf_counter() - started:.1f} s"
            )
            policy = RevisitPolicy()
            timed = timed_one_pass if path == "one-pass" else timed_two_pass
            assert server.process is not None
            seconds = timed(api, policy, Cpu(server.process.pid))
            verdict = "within" if seconds <= BUDGET_SECONDS else "OVER"
            print(
                f"[{path}] build + assign: {seconds:.1f} s ({verdict} the"
                f" {BUDGET_SECONDS:.0f} s budget: {seconds / BUDGET_SECONDS:.2f} of it)"
            )

            started = time.perf_counter()
            again = create(
                api, due_tasks(read_sources(api, progress=False), TODAY, policy), progress=False
            )
            print(
                f"[{path}] re-run: {again.created} created, {again.existing} existing"
                f" in {time.perf_counter() - started:.1f} s"
            )
            load = Counter(
                t.assigned_agent for t in api.tasks(status=TaskStatus.OPEN) if t.assigned_agent
            )
            worst = max(load.values(), default=0)
            print(
                f"[{path}] check: {sum(load.values())} open tasks held by {len(load)} agents,"
                f" the most any agent holds is {worst} (capacity {capacity})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument(
        "--path",
        choices=["one-pass", "two-pass", "both"],
        default="one-pass",
        help="one-pass: build_queue.py --assign; two-pass: build_queue.py then assign.py",
    )
    args = parser.parse_args()
    for path in ("one-pass", "two-pass") if args.path == "both" else (args.path,):
        run(path, args.customers, args.agents)


if __name__ == "__main__":
    main()
