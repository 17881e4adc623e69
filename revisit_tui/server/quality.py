"""Quality review (§十.1): which records are sampled, and the checks shown for each.

complete — everything the revisit of its kind records for its disposition is there (a
    follow-up or closure call checks no contact details; a change of reserved information is
    answered);
compliant — a reached call delivered the fraud warning, and the security tips where its kind
    gives them;
handled — every "not me" (a transaction, a change of reserved information) was escalated (the
    change as fraud), and every escalation the record opened is resolved, and was resolved by
    its deadline (seed 002 §十.1 "问题处理是否及时有效"); one still open past its deadline is
    late too.

The sample is drawn by ranking the month's records on a keyed hash of (seed, id): a record
that arrives late (an outcome synced days after its call) takes only its own place in the
ranking, so a redraw with the same seed keeps the records already drawn, bar the one it
displaces at most.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime

from revisit_tui.domain.models import (
    AccountEvent,
    Channel,
    Disposition,
    Escalation,
    EscalationCategory,
    EscalationStatus,
    Outcome,
    TaskKind,
    TransactionAnswer,
)

# what the shipped call script of each kind records (seed 002 §四, §六): follow-up and closure
# calls check no contact details and give no security tips
CHECKS_CONTACTS = {TaskKind.NEW_ACCOUNT, TaskKind.PERIODIC, TaskKind.SPECIAL_EVENT}
GIVES_SECURITY_TIPS = {TaskKind.NEW_ACCOUNT, TaskKind.PERIODIC, TaskKind.SPECIAL_EVENT}


def sample_ids(ids: Sequence[str], rate: float, seed: int) -> list[str]:
    """A share `rate` (rounded up) of the ids, the same for the same ids and seed, sorted: the
    ids ranked lowest by a hash of (seed, id). Ids added later displace at most their share."""
    if not ids:
        return []
    size = min(len(ids), math.ceil(len(ids) * rate))
    return sorted(sorted(set(ids), key=lambda item: _rank(seed, item))[:size])


def _rank(seed: int, item: str) -> bytes:
    return hashlib.sha256(f"{seed}:{item}".encode()).digest()


def findings(
    outcome: Outcome,
    escalations: Sequence[Escalation],
    kind: TaskKind | None = None,
    now: datetime | None = None,
    event: AccountEvent | None = None,
) -> tuple[bool, bool, bool, list[str]]:
    """(complete, compliant, handled, findings): each failed check says what is missing.
    `kind` and `event` are the record's task's; `now` judges escalations still open."""
    incomplete: list[str] = []
    uncompliant: list[str] = []
    unhandled: list[str] = []
    reached = outcome.disposition is Disposition.REACHED
    if reached and outcome.channel is Channel.PHONE:
        if not outcome.contact_checks and (kind is None or kind in CHECKS_CONTACTS):
            incomplete.append("no contact check recorded")
        if outcome.satisfaction is None:
            incomplete.append("no satisfaction recorded")
        if kind is TaskKind.CLOSURE and outcome.closure_reason is None:
            incomplete.append("no closure reason recorded")
        if event is AccountEvent.RESERVED_INFO_CHANGED and outcome.reserved_info_answer is None:
            incomplete.append("no answer recorded on the change of reserved information")
        if outcome.fraud_warning_delivered is not True:
            uncompliant.append("fraud warning not delivered")
        tips_due = kind is None or kind in GIVES_SECURITY_TIPS
        if tips_due and outcome.security_tips_delivered is not True:
            uncompliant.append("security tips not delivered")
    if outcome.disposition is Disposition.CALLBACK_REQUESTED and outcome.callback_at is None:
        incomplete.append("callback time missing")
    not_me = {
        check.transaction_id
        for check in outcome.transaction_checks
        if check.answer is TransactionAnswer.NOT_ME
    }
    escalated = {e.transaction_id for e in escalations if e.transaction_id}
    for transaction_id in sorted(not_me - escalated):
        unhandled.append(f"transaction {transaction_id} denied but not escalated")
    if outcome.reserved_info_answer is TransactionAnswer.NOT_ME and not any(
        e.event is AccountEvent.RESERVED_INFO_CHANGED and e.category is EscalationCategory.FRAUD
        for e in escalations
    ):
        unhandled.append("reserved information change denied but not escalated as fraud")
    for escalation in escalations:
        unhandled += _late(escalation, now)
    return (
        not incomplete,
        not uncompliant,
        not unhandled,
        incomplete + uncompliant + unhandled,
    )


def _late(escalation: Escalation, now: datetime | None) -> list[str]:
    """What is wrong with how an escalation was handled: still open, or resolved too late."""
    deadline = escalation.deadline
    if escalation.status is not EscalationStatus.RESOLVED:
        late = now is not None and now > deadline
        overdue = f", past its deadline {deadline.isoformat()}" if late else ""
        return [f"escalation {escalation.id} is {escalation.status.value}{overdue}"]
    if escalation.resolved_at is not None and escalation.resolved_at > deadline:
        return [
            f"escalation {escalation.id} resolved {escalation.resolved_at.isoformat()},"
            f" after its deadline {deadline.isoformat()}"
        ]
    return []
