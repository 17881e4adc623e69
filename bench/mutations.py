#!/usr/bin/env python3
"""Rule mutations (issue 11): change one default or one comparison of the revisit rules and
check that a behaviour test fails. Prints each mutation as caught or SURVIVED and the count.

    python bench/mutations.py              # every mutation (several minutes on 2 cores)
    python bench/mutations.py -k deadline  # those whose name contains "deadline"

First the judging tests run on the unchanged tree (a red baseline would make every mutation
look caught). Then each mutation edits one line of the source tree in place, runs the tests
that judge that rule (the domain tests and the named server and app tests, SQLite only, `-x`),
and puts the line back (also on Ctrl+C). tests/test_config.py is left out on purpose: it
compares config.toml with the defaults, which would catch every changed default without
judging any behaviour.
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
SCRIPTS = "revisit_tui/domain/scripts.py"
SMS_ROUTE = "revisit_tui/server/routes/sms.py"
DOMAIN = ("tests/domain",)
IDENTITY = (*DOMAIN, "tests/server/test_identity_required.py")
SMS = (*DOMAIN, "tests/server/test_sms_texts.py")
VALIDATION = "revisit_tui/domain/validation.py"
QUALITY = "revisit_tui/server/quality.py"
RESERVED_INFO = (*DOMAIN, "tests/server/test_reserved_info_fraud.py")


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
        "a denied reserved-info change opens no escalation",
        RULES,
        "if change_denied and all(",
        "if False and all(",
        RESERVED_INFO,
    ),
    Mutation(
        "agent may downgrade a denied reserved-info change",
        RULES,
        "or (change_denied and request.event is AccountEvent.RESERVED_INFO_CHANGED)",
        "or False",
        RESERVED_INFO,
    ),
    Mutation(
        "reserved-info answer taken on any task",
        VALIDATION,
        "if not reserved and outcome.reserved_info_answer is not None:",
        "if False:",
        RESERVED_INFO,
    ),
    Mutation(
        "QA takes any escalation of a denied reserved-info change",
        QUALITY,
        "and e.category is EscalationCategory.FRAUD\n",
        "\n",
        RESERVED_INFO,
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
    Mutation(
        "the server's start refusal not shown (call stays open)",
        "revisit_tui/app/screens/call.py",
        "if problem is not None and problem.code in HELD_CODES:",
        "if problem is None and problem.code in HELD_CODES:",
        ("tests/app/test_start_held.py",),
    ),
    Mutation(
        "identity check for abnormal accounts → never",
        POLICY,
        "identity_account_statuses: list[AccountStatus] = [AccountStatus.ABNORMAL]",
        "identity_account_statuses: list[AccountStatus] = []",
        IDENTITY,
    ),
    Mutation(
        "identity check for high risk → never",
        POLICY,
        "identity_risk_levels: list[RiskLevel] = [RiskLevel.HIGH]",
        "identity_risk_levels: list[RiskLevel] = []",
        IDENTITY,
    ),
    Mutation(
        "identity check with flagged transactions → never",
        POLICY,
        "identity_with_flagged_transactions: bool = True",
        "identity_with_flagged_transactions: bool = False",
        IDENTITY,
    ),
    Mutation(
        "identity document expiry 30 → 60 days",
        POLICY,
        "identity_expiry_days: int = Field(30,",
        "identity_expiry_days: int = Field(60,",
        IDENTITY,
    ),
    Mutation(
        "identity document expiry boundary <= → <",
        RULES,
        "if expires <= today + timedelta(days=checks.identity_expiry_days):",
        "if expires < today + timedelta(days=checks.identity_expiry_days):",
        IDENTITY,
    ),
    Mutation(
        "identity checked on every call",
        RULES,
        "reasons.append(IdentityReason.DOCUMENT_EXPIRING)\n    return reasons",
        "reasons.append(IdentityReason.DOCUMENT_EXPIRING)\n"
        "    return reasons or [IdentityReason.TASK_KIND]",
        (*IDENTITY, "tests/app/test_call_checks.py"),
    ),
    Mutation(
        "server sends identity checks not required",
        "revisit_tui/server/routes/reveals.py",
        "if not disclosure.identity_reasons(conn, row, customer, context.policy, now):",
        "if not [True]:",
        ("tests/server/test_identity_required.py",),
    ),
    Mutation(
        "address emphasis for dormant accounts → none",
        POLICY,
        "[AccountStatus.DORMANT, AccountStatus.ABNORMAL]",
        "[AccountStatus.ABNORMAL]",
        (*DOMAIN, "tests/app/test_call_checks.py"),
    ),
    Mutation(
        "SMS template applies to any account",
        SCRIPTS,
        "return not self.account_statuses or account_status in self.account_statuses",
        "return True",
        SMS,
    ),
    Mutation(
        "server: SMS template applicability unchecked",
        SMS_ROUTE,
        "if not template.applies(TaskKind(task.kind), status):",
        "if not template.applies(TaskKind(task.kind), status) and False:",
        ("tests/server/test_sms_texts.py",),
    ),
    Mutation(
        "SMS wording matched anywhere in the text",
        SCRIPTS,
        "found = re.fullmatch(pattern, text, flags=re.DOTALL)",
        "found = re.search(pattern, text, flags=re.DOTALL)",
        SMS,
    ),
    Mutation(
        "server: an empty SMS template value accepted",
        SMS_ROUTE,
        "blank = next((name for name, value in values if not value.strip()), None)",
        "blank = None",
        ("tests/server/test_sms_texts.py",),
    ),
    Mutation(
        "transfer revisit 5 → 6 working days",
        POLICY,
        "transfer_working_days: int = Field(5,",
        "transfer_working_days: int = Field(6,",
    ),
    Mutation(
        "closure reason accepted on any revisit",
        "revisit_tui/domain/validation.py",
        "if kind is not None and kind is not TaskKind.CLOSURE and outcome.closure_reason",
        "if kind is None and kind is not TaskKind.CLOSURE and outcome.closure_reason",
        (*DOMAIN, "tests/supervisor/test_closure_reasons.py"),
    ),
    Mutation(
        "app offers SMS templates missing a value",
        "revisit_tui/app/script_texts.py",
        "if template.applies(item.task.kind, status) and not template.missing(context)",
        "if template.applies(item.task.kind, status)",
        ("tests/app/test_sms_templates.py",),
    ),
)


def pytest(tests: tuple[str, ...]) -> subprocess.CompletedProcess[bytes]:
    """The tests, SQLite only, stopping at the first failure."""
    env = {k: v for k, v in os.environ.items() if k != "REVISIT_TEST_PG_URL"}
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:randomly"]
    command += ["-p", "no:cacheprovider", *tests]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)


def run(mutation: Mutation) -> tuple[bool, float]:
    """Apply, test, restore; (caught, seconds)."""
    path = ROOT / mutation.path
    source = path.read_text(encoding="utf-8")
    if source.count(mutation.old) != 1:
        raise SystemExit(f"{mutation.name}: {mutation.old!r} is not once in {mutation.path}")
    started = time.perf_counter()
    try:
        path.write_text(source.replace(mutation.old, mutation.new), encoding="utf-8")
        done = pytest(mutation.tests)
    finally:
        path.write_text(source, encoding="utf-8")
    return done.returncode != 0, time.perf_counter() - started


def baseline(chosen: list[Mutation]) -> bool:
    """The judging tests pass on the unchanged tree: else every mutation would look caught."""
    tests = tuple(dict.fromkeys(test for mutation in chosen for test in mutation.tests))
    started = time.perf_counter()
    done = pytest(tests)
    print(f"baseline {time.perf_counter() - started:6.1f} s  {len(tests)} test paths", flush=True)
    if done.returncode != 0:
        print(done.stdout.decode(errors="replace")[-3000:])
    return done.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only mutations whose name contains this")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if args.k.lower() in m.name.lower()]
    if not baseline(chosen):
        print("the tests fail without a mutation: nothing can be judged")
        return 2
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
