#!/usr/bin/env python3
"""Time `due_revisits` over 1,000,000 accounts in memory, on one core (target: at most 10 s).

Set-up (not timed): 1,000,000 accounts of 700,000 customers, mixed account types, statuses,
risk levels, time zones and opening dates (2015 to today, so new, due and not-yet-due
accounts), last-revisit dates for two thirds of them, and 2,000 special/closure events.
Timed: one full pass of the rules (the calendar starts cold), then a second pass to show the
keys are the same on a re-run the same day.

    python bench/bench_due.py [--accounts 1000000] [--limit 10]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from revisit_tui.domain.models import (
    AccountEvent,
    AccountRecord,
    AccountStatus,
    AccountType,
    Customer,
    CustomerType,
    EventRecord,
    RiskLevel,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import due_revisits

TODAY = date(2026, 11, 25)
ZONES = ["Asia/Shanghai"] * 18 + ["Asia/Urumqi", "America/New_York"]


def build(
    accounts: int, seed: int = 7
) -> tuple[list[AccountRecord], dict[str, Customer], list[EventRecord], dict[str, date]]:
    """Synthetic master data (model_construct: the data is trusted, as after an import)."""
    rng = random.Random(seed)
    customer_count = accounts * 7 // 10
    customers = {}
    for index in range(customer_count):
        cid = f"C{index:08d}"
        customers[cid] = Customer.model_construct(
            id=cid,
            type=CustomerType.PERSONAL if index % 10 else CustomerType.CORPORATE,
            name="x",
            risk=RiskLevel.HIGH if index % 25 == 0 else RiskLevel.NORMAL,
            timezone=ZONES[index % len(ZONES)],
            do_not_call=index % 97 == 0,
            branch="B1",
        )
    types = list(AccountType)
    span = (TODAY - date(2015, 1, 1)).days
    statuses = [AccountStatus.ACTIVE] * 90 + [AccountStatus.DORMANT] * 6
    statuses += [AccountStatus.ABNORMAL] * 3 + [AccountStatus.CLOSING]
    account_list = []
    last_revisit = {}
    for index in range(accounts):
        number = f"62{index:012d}"
        opened = TODAY - timedelta(days=rng.randrange(span))
        account_list.append(
            AccountRecord.model_construct(
                id=f"ac-{index}",
                number=number,
                customer_id=f"C{index % customer_count:08d}",
                type=types[index % len(types)],
                opened_on=opened,
                status=statuses[index % len(statuses)],
                branch="B1",
            )
        )
        if index % 3:
            last_revisit[f"ac-{index}"] = max(opened, TODAY - timedelta(days=rng.randrange(400)))
    kinds = list(AccountEvent)
    events = [
        EventRecord.model_construct(
            id=f"E{index}",
            account_number="****",
            account_id=f"ac-{rng.randrange(accounts)}",
            kind=kinds[index % len(kinds)],
            at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(24 * 24)),
        )
        for index in range(2000)
    ]
    return account_list, customers, events, last_revisit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--limit", type=float, default=10.0, help="seconds allowed")
    args = parser.parse_args()
    policy = RevisitPolicy()
    started = time.perf_counter()
    accounts, customers, events, last = build(args.accounts)
    print(
        f"set-up: {args.accounts:,} accounts, {len(customers):,} customers, "
        f"{len(events):,} events in {time.perf_counter() - started:.1f} s (not timed)"
    )

    gc.collect()
    gc.freeze()  # the master data is long-lived: keep the collector from rescanning it
    wall, cpu = time.perf_counter(), time.process_time()
    tasks = list(due_revisits(accounts, customers, events, last, TODAY, policy))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    again = list(due_revisits(accounts, customers, events, last, TODAY, policy))
    same = [t.key for t in tasks] == [t.key for t in again]

    by_kind = Counter(task.kind.value for task in tasks)
    print(
        f"due_revisits: {len(tasks):,} tasks from {args.accounts:,} accounts in "
        f"{cpu:.2f} s CPU on one core ({wall:.2f} s wall; {cpu / args.accounts * 1e6:.2f} µs "
        "CPU per account)"
    )
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(by_kind.items()))
    print(f"tasks by kind: {kinds}")
    print(f"re-run the same day gives the same keys: {same}")
    verdict = "PASS" if cpu <= args.limit and same else "FAIL"
    print(f"{verdict} ≤ {args.limit:g} s (CPU time: the machine is shared, wall time varies)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
