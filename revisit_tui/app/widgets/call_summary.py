"""The wrap-up's summary: everything the outcome will record, one short line per part, in the
agent's language (numbers stay masked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from revisit_tui.app.callform import CallForm
from revisit_tui.domain.masking import mask_field
from revisit_tui.domain.models import (
    ContactCheckResult,
    ContactField,
    Disposition,
    MaskedField,
    QueueItem,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import escalation_deadline

Translate = Callable[..., str]


def _yes_no(value: bool | None, t: Translate) -> str:
    return (
        t("call.summary.unanswered")
        if value is None
        else t(f"call.choice.{'yes' if value else 'no'}")
    )


def _shown_value(field: ContactField, value: str) -> str:
    """A changed value as the summary shows it: masked when the field is a masked one."""
    masked = {f.value for f in MaskedField}
    return mask_field(field.value, value) if field.value in masked else value


def summary_lines(
    form: CallForm, item: QueueItem, policy: RevisitPolicy, now: datetime, t: Translate
) -> list[str]:
    """The summary, part by part; parts with nothing recorded say so in one line."""
    lines = []
    disposition = t(f"disposition.{form.disposition.value}") if form.disposition else "—"
    lines.append(f"{t('call.summary.disposition')}: {disposition}")
    if form.disposition is Disposition.CALLBACK_REQUESTED:
        lines.append(
            f"{t('call.summary.callback')}: {form.callback_at.strip()} ({item.customer.timezone})"
        )
    contacts = []
    for field, answer in form.contact_checks.items():
        if answer.result is None:
            continue
        text = f"{t(f'call.contact.{field.value}')} {t(f'call.choice.{answer.result.value}')}"
        if answer.result is ContactCheckResult.CHANGED and answer.new_value.strip():
            text += f" → {_shown_value(field, answer.new_value.strip())}"
        contacts.append(text)
    lines.append(f"{t('call.summary.contacts')}: {', '.join(contacts) or '—'}")
    transactions = [
        f"{tx_id} {t(f'call.choice.{answer.value}')}"
        for tx_id, answer in form.transaction_checks.items()
    ]
    lines.append(f"{t('call.summary.transactions')}: {', '.join(transactions) or '—'}")
    if form.reserved_info_answer is not None:
        said = t(f"call.choice.{form.reserved_info_answer.value}")
        lines.append(f"{t('call.summary.reserved_info_answer')}: {said}")
    features = [
        f"{t(f'call.feature.{name.value}')} {_yes_no(answer.in_use, t)}"
        + (f" ({answer.problem.strip()})" if answer.problem.strip() else "")
        for name, answer in form.features.items()
        if answer.in_use is not None
    ]
    lines.append(f"{t('call.summary.features')}: {', '.join(features) or '—'}")
    needs = [t(f"call.need.{name.value}") for name, answer in form.needs.items() if answer.wanted]
    lines.append(f"{t('call.summary.needs')}: {', '.join(needs) or '—'}")
    lines.append(
        f"{t('call.summary.fraud_warning')}: {_yes_no(form.fraud_warning_delivered, t)}  "
        f"{t('call.summary.security_tips')}: {_yes_no(form.security_tips_delivered, t)}  "
        f"{t('call.summary.satisfaction')}: {form.satisfaction or '—'}"
    )
    for escalation in form.escalations:
        deadline = escalation_deadline(escalation.urgency, now, policy).astimezone()
        lines.append(
            f"{t('call.summary.escalation')}: {t(f'call.urgency.{escalation.urgency.value}')} "
            f"{escalation.department or '—'} {deadline.strftime('%m-%d %H:%M')}"
        )
    if form.notes.strip():
        lines.append(f"{t('call.summary.notes')}: {form.notes.strip()}")
    return lines
