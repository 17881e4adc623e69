#!/usr/bin/env python3
"""Rule mutations (issue 11): change one default or one comparison of the revisit rules and
check that a behaviour test fails. Prints each mutation as caught or SURVIVED and the count.

    python bench/mutations.py              # every mutation (several minutes on 2 cores)
    python bench/mutations.py -k deadline  # those whose name contains "deadline"

Each mutation edits one line of the source tree in place, runs the tests that judge that rule
(the domain tests and the named server tests, SQLite only, `-x`), and puts the line back
(also on Ctrl+C). tests/test_config.py is left out on purpose: it compares config.toml with
the defaults, which would catch every changed default without judging any behaviour.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = "revisit_tui/domain/policy.py"
RULES = "revisit_tui/domain/rules.py"
RETENTION = "revisit_tui/server/routes/retention.py"
DOMAIN = ("tests/domain",)


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...] = DOMAIN


MUTATIONS = (
    Mutation(
        "urgent deadline 2 h → 3 h",
        POLICY,
        "Urgency.URGENT: 2,",
        "Urgency.URGENT: 3,",
        (*DOMAIN, "tests/server/test_call_times.py"),
    ),
    Mutation(
        "high deadline 24 h → 48 h",
        POLICY,
        "Urgency.HIGH: 24,",
        "Urgency.HIGH: 48,",
        (*DOMAIN, "tests/server/test_follow_up_loop.py"),
    ),
    Mutation("window end 20:00 → 21:00", POLICY, "time(20, 0)  # may be", "time(21, 0)  # may be"),
    Mutation(
        "window end boundary < → <=",
        RULES,
        "start <= moment < end else None",
        "start <= moment <= end else None",
    ),
    Mutation(
        "weekend from Saturday → Sunday",
        RULES,
        "day.weekday() >= SATURDAY:",
        "day.weekday() > SATURDAY:",
    ),
    Mutation(
        "no-answer spacing 120 → 90 min",
        POLICY,
        "Disposition.NO_ANSWER: 120,",
        "Disposition.NO_ANSWER: 90,",
        (*DOMAIN, "tests/server/test_call_times.py"),
    ),
    Mutation("busy spacing 30 → 45 min", POLICY, "Disposition.BUSY: 30,", "Disposition.BUSY: 45,"),
    Mutation(
        "attempt limit 3 → 4",
        POLICY,
        "attempt_limit: int = Field(3,",
        "attempt_limit: int = Field(4,",
    ),
    Mutation(
        "exhausted at limit >= → >",
        RULES,
        "elif attempts >= task.attempt_limit:",
        "elif attempts > task.attempt_limit:",
    ),
    Mutation(
        "retention 5 → 3 years",
        POLICY,
        "years: int = Field(5,",
        "years: int = Field(3,",
        ("tests/server/test_retention.py",),
    ),
    Mutation(
        "retention minimum < → <=",
        RETENTION,
        "request.older_than_years < kept",
        "request.older_than_years <= kept",
        ("tests/server/test_retention.py", "tests/server/test_supervision.py"),
    ),
    Mutation(
        "not-me category fraud → service",
        RULES,
        "category=EscalationCategory.FRAUD,",
        "category=EscalationCategory.SERVICE,",
        (*DOMAIN, "tests/server/test_call_times.py"),
    ),
    Mutation(
        "agent may downgrade a not-me",
        RULES,
        "if request.transaction_id in denied",
        "if request.transaction_id in ()",
        (*DOMAIN, "tests/server/test_call_times.py"),
    ),
    Mutation(
        "future call tolerance > → <",
        RULES,
        "if outcome.ended_at > received_at + tolerance:",
        "if outcome.ended_at < received_at - tolerance:",
        ("tests/server/test_call_times.py",),
    ),
    Mutation(
        "SMS per day 1 → 2", POLICY, "max_per_day: int = Field(1,", "max_per_day: int = Field(2,"
    ),
    Mutation(
        "SMS day cap >= → >",
        RULES,
        "if same_day >= sms.max_per_day:",
        "if same_day > sms.max_per_day:",
    ),
    Mutation(
        "quiet hours end boundary < → <=",
        RULES,
        "quiet = start <= moment < end if start <= end",
        "quiet = start <= moment <= end if start <= end",
    ),
    Mutation(
        "new account 5 → 6 working days",
        POLICY,
        "new_account_working_days: int = Field(5,",
        "new_account_working_days: int = Field(6,",
    ),
    Mutation(
        "savings cycle 6 → 12 months",
        POLICY,
        "AccountType.PERSONAL_SAVINGS: 6,",
        "AccountType.PERSONAL_SAVINGS: 12,",
    ),
    Mutation(
        "abnormal cycle 1 → 2 months",
        POLICY,
        "abnormal_months: int = Field(1,",
        "abnormal_months: int = Field(2,",
    ),
    Mutation("high-risk cycle 1 → 2 months", POLICY, "{RiskLevel.HIGH: 1}", "{RiskLevel.HIGH: 2}"),
    Mutation(
        "special event 1 → 2 days",
        POLICY,
        "special_event_days: int = Field(1,",
        "special_event_days: int = Field(2,",
    ),
    Mutation(
        "follow-up 2 → 3 working days",
        POLICY,
        "follow_up_working_days: int = Field(2,",
        "follow_up_working_days: int = Field(3,",
    ),
    Mutation(
        "special events first: priority 0 → 4",
        POLICY,
        "TaskKind.SPECIAL_EVENT: 0,",
        "TaskKind.SPECIAL_EVENT: 4,",
    ),
    Mutation("periodic due > → >=", RULES, "if due > self.today:", "if due >= self.today:"),
    Mutation(
        "cycles roll on only to the first",
        RULES,
        "if cycles > 1 and later <= self.today:",
        "if cycles > 99 and later <= self.today:",
        (*DOMAIN, "tests/supervisor/test_periodic_cycles.py"),
    ),
    Mutation(
        "callback in the past <= → <", RULES, "if callback_at <= now:", "if callback_at < now:"
    ),
    Mutation(
        "callback horizon 30 → 60 days",
        POLICY,
        "callback_horizon_days: int = Field(30,",
        "callback_horizon_days: int = Field(60,",
        ("tests/server/test_calling_policy.py",),
    ),
    Mutation(
        "start allowed <= → <",
        RULES,
        "return None if allowed <= now else",
        "return None if allowed < now else",
        ("tests/server/test_calling_policy.py", "tests/app/test_shell_queue.py"),
    ),
)


def run(mutation: Mutation) -> tuple[bool, float]:
    """Apply, test, restore; (caught, seconds)."""
    path = ROOT / mutation.path
    source = path.read_text(encoding="utf-8")
    if source.count(mutation.old) != 1:
        raise SystemExit(f"{mutation.name}: {mutation.old!r} is not once in {mutation.path}")
    env = {k: v for k, v in os.environ.items() if k != "REVISIT_TEST_PG_URL"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "-n",
        "0",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        *mutation.tests,
    ]
    started = time.perf_counter()
    try:
        path.write_text(source.replace(mutation.old, mutation.new), encoding="utf-8")
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
    finally:
        path.write_text(source, encoding="utf-8")
    return done.returncode != 0, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only mutations whose name contains this")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if args.k.lower() in m.name.lower()]
    survivors = []
    for mutation in chosen:
        caught, seconds = run(mutation)
        print(
            f"{'caught  ' if caught else 'SURVIVED'} {seconds:6.1f} s  {mutation.name}", flush=True
        )
        if not caught:
            survivors.append(mutation.name)
    print(f"mutations caught: {len(chosen) - len(survivors)} of {len(chosen)}")
    for name in survivors:
        print(f"  survived: {name}")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
