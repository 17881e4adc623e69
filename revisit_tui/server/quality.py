"""Quality review (§十.1): which records are sampled, and the checks shown for each.

complete — everything the revisit records for its disposition is there;
compliant — a reached call delivered the fraud warning and the security tips;
handled — every escalation the record opened is resolved.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from revisit_tui.domain.models import (
    Channel,
    Disposition,
    Escalation,
    EscalationStatus,
    Outcome,
    TransactionAnswer,
)


def sample_ids(ids: Sequence[str], rate: float, seed: int) -> list[str]:
    """A share `rate` (rounded up) of the ids, the same for the same ids and seed, sorted."""
    ordered = sorted(ids)
    if not ordered:
        return []
    size = min(len(ordered), math.ceil(len(ordered) * rate))
    return sorted(random.Random(seed).sample(ordered, size))


def findings(
    outcome: Outcome, escalations: Sequence[Escalation]
) -> tuple[bool, bool, bool, list[str]]:
    """(complete, compliant, handled, findings): each failed check says what is missing."""
    incomplete: list[str] = []
    uncompliant: list[str] = []
    unhandled: list[str] = []
    reached = outcome.disposition is Disposition.REACHED
    if reached and outcome.channel is Channel.PHONE:
        if not outcome.contact_checks:
            incomplete.append("no contact check recorded")
        if outcome.satisfaction is None:
            incomplete.append("no satisfaction recorded")
        if outcome.fraud_warning_delivered is not True:
            uncompliant.append("fraud warning not delivered")
        if outcome.security_tips_delivered is not True:
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
    for escalation in escalations:
        if escalation.status is not EscalationStatus.RESOLVED:
            unhandled.append(f"escalation {escalation.id} is {escalation.status.value}")
    return (
        not incomplete,
        not uncompliant,
        not unhandled,
        incomplete + uncompliant + unhandled,
    )
