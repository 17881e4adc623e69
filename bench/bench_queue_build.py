#!/usr/bin/env python3
"""Build and assign 100,000 due revisits among 500 agents through the real API on SQLite.

Set-up (not timed): a fresh SQLite database and server; 500 agents written directly in the
database with `revisit_tui.server.admin.add_agent`; 100,000 customers with one long-standing
account each, sent through POST /v1/import (so every account has a periodic revisit due).
Timed: the supervisor library exactly as the scripts run it — build (read customers,
accounts, events and done tasks page by page, apply the domain rules, create via
/v1/tasks/bulk in chunks) and assign (read open tasks and customers, plan, write
/v1/assignments in chunks), then a second build to show a re-run creates nothing.

    python bench/bench_queue_build.py [--customers 100000] [--agents 500]
"""

from __future__ import annotations

import argparse
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
from revisit_tui.supervisor.build import create, due_tasks

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=500)
    args = parser.parse_args()
    capacity = -(-args.customers // args.agents)  # enough room in total for every task
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        admin.create_schema(db_url)
        boss = admin.add_agent(db_url, "boss", "Supervisor", Role.SUPERVISOR)
        started = time.perf_counter()
        add_agents(db_url, args.agents, capacity)
        print(
            f"set-up: {args.agents} agents (capacity {capacity}) written in the database"
            f" in {time.perf_counter() - started:.1f} s"
        )
        with ServerProcess(db_url) as server:
            api = SupervisorApi(ApiClient(server.url, boss, timeout=120))
            customers, accounts = customers_and_accounts(args.customers)
            started = time.perf_counter()
            for start in range(0, len(customers), IMPORT_CHUNK):
                end = start + IMPORT_CHUNK
                api.import_batch(
                    ImportBatch(customers=customers[start:end], accounts=accounts[start:end])
                )
            print(
                f"set-up: {args.customers} customers + accounts through /v1/import"
                f" in {time.perf_counter() - started:.1f} s"
            )

            policy = RevisitPolicy()
            started = time.perf_counter()
            tasks = due_tasks(api, TODAY, policy, progress=False)
            found = time.perf_counter()
            built = create(api, tasks, progress=False)
            build_seconds = time.perf_counter() - started
            print(
                f"build:  {built.due} due, {built.created} created in {build_seconds:.1f} s"
                f" (read + rules {found - started:.1f} s,"
                f" create {build_seconds - (found - started):.1f} s)"
            )

            started = time.perf_counter()
            agents = api.agents()
            plan = make_plan(api, agents, rebalance=False, progress=False)
            planned = time.perf_counter()
            updated = write_plan(api, plan, progress=False)
            assign_seconds = time.perf_counter() - started
            print(
                f"assign: {updated} assigned, {len(plan.unplaced)} fit nobody"
                f" in {assign_seconds:.1f} s (read + plan {planned - started:.1f} s,"
                f" write {assign_seconds - (planned - started):.1f} s)"
            )

            total = build_seconds + assign_seconds
            verdict = "within" if total <= BUDGET_SECONDS else "OVER"
            print(
                f"build + assign: {total:.1f} s ({verdict} the {BUDGET_SECONDS:.0f} s budget,"
                f" {total / BUDGET_SECONDS:.2f} of it)"
            )

            started = time.perf_counter()
            again = create(api, due_tasks(api, TODAY, policy, progress=False), progress=False)
            print(
                f"re-run: {again.created} created, {again.existing} existing"
                f" in {time.perf_counter() - started:.1f} s"
            )

            load = Counter(
                t.assigned_agent for t in api.tasks(status=TaskStatus.OPEN) if t.assigned_agent
            )
            worst = max(load.values(), default=0)
            print(
                f"check:  {sum(load.values())} open tasks held by {len(load)} agents,"
                f" the most any agent holds is {worst} (capacity {capacity})"
            )


if __name__ == "__main__":
    main()
