"""The call script and SMS templates of one task, with their placeholders filled: bank, agent,
customer, the contact points on record (numbers masked) and each flagged transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from revisit_tui.app.i18n import translate
from revisit_tui.callscripts import render
from revisit_tui.domain.masking import mask_field
from revisit_tui.domain.models import CustomerType, Language, QueueItem, Task, Transaction
from revisit_tui.domain.rules import IdentityReason, identity_check_reasons
from revisit_tui.domain.scripts import FLAGGED, StepKind, fill, steps_for

if TYPE_CHECKING:
    from revisit_tui.app.app import RevisitApp

Translate = Callable[..., str]


@dataclass(frozen=True)
class StepView:
    """A script step as the stepper shows it, texts filled and in the agent's language.

    `kind` says what the step records (contact_check, transaction_check, feature_use, needs,
    fraud_warning, security_tips, close, …); `item_prompts` are keyed by the form path of the
    row they belong to (`contact_checks.mobile`, `transaction_checks.<id>`,
    `features.sms_notification`)."""

    kind: str
    title: str
    prompt: str
    hint: str = ""
    items: tuple[str, ...] = ()
    item_prompts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SmsTemplateView:
    """An SMS template ready to send: its id, a short title, and the filled text."""

    id: str
    title: str
    text: str


ITEM_SECTIONS = {
    "contact_check": "contact_checks",
    "identity_check": "contact_checks",
    "feature_use": "features",
    "needs": "needs",
}


def placeholders(item: QueueItem, app: RevisitApp, locale: str) -> dict[str, str]:
    """The values script and SMS texts may name, for a text in `locale`. Numbers stay masked:
    the agent reads out the last four digits, never a whole number. A value not on file is ""
    (a script line leaves out the sentence that names it)."""
    bank, sms = app.policy.bank, app.policy.sms
    customer = item.customer
    zone = ZoneInfo(customer.timezone)
    expiry = customer.identity.expires_on if customer.identity else None
    callback = item.task.callback_at
    return {
        "bank_name": bank.name if locale == Language.ZH_CN else bank.name_en,
        "agent_name": app.agent.name if app.agent else "",
        "customer_name": customer.name,
        "phone": mask_field("mobile", customer.mobile),
        "landline": mask_field("landline", customer.landline),
        "email": customer.email or "",
        "address": customer.address or "",
        "account": mask_field("account_number", item.account.number if item.account else None),
        "identity_expiry": expiry.isoformat() if expiry else "",
        "escalation_summary": item.escalation.summary if item.escalation else item.task.reason,
        "escalation_resolution": item.escalation.resolution if item.escalation else "",
        "event_reason": event_reason(item.task, app.t),
        "callback_time": callback.astimezone(zone).strftime("%m-%d %H:%M") if callback else "",
        "signature": sms.signature if locale == Language.ZH_CN else sms.signature_en,
    }


def event_reason(task: Task, t: Translate) -> str:
    """A special event's reason as recorded by the bank, else the event's name."""
    if task.event is None:
        return ""
    return task.reason or t(f"event.{task.event.value}")


def transaction_placeholders(tx: Transaction, zone: str, t: Translate) -> dict[str, str]:
    """A flagged transaction's values for its item prompt, in the customer's time."""
    return {
        "transaction_time": tx.at.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M"),
        "transaction_amount": f"{tx.amount:,.2f} {tx.currency}",
        "transaction_channel": t(f"call.tx_channel.{tx.channel.value}"),
        "transaction_counterparty": tx.counterparty,
    }


def identity_reasons(item: QueueItem, app: RevisitApp) -> list[IdentityReason]:
    """Why this call checks the identity document (the server's rule, `[checks]`); empty: the
    call does not ask for it."""
    flagged = bool(item.flagged_transactions)
    return identity_check_reasons(
        item.task.kind, item.customer, item.account, flagged, app.clock(), app.policy
    )


def script_steps(item: QueueItem, app: RevisitApp, locale: str) -> list[StepView]:
    """The task kind's script in `locale` (the UI's, or the customer's when the agent switched
    to it), each step with its placeholders filled and no line naming a value not on file. The
    identity step is left out unless the call requires it (§四.1), and then says why."""
    script = app.scripts.script(item.task.kind, locale)
    context = placeholders(item, app, locale)
    said = partial(translate, locale)
    reasons = identity_reasons(item, app)
    steps = []
    for step in steps_for(script, item):
        hint = fill(step.hint, context)
        if step.kind is StepKind.IDENTITY_CHECK:
            if not reasons:
                continue
            why = app.t("call.identity.separator").join(
                app.t(f"call.identity_reason.{reason.value}") for reason in reasons
            )
            hint = "\n".join(
                part for part in (app.t("call.identity.required", reasons=why), hint) if part
            )
        prompts: dict[str, str] = {}
        if step.kind == "transaction_check":
            for tx in item.flagged_transactions:
                values = transaction_placeholders(tx, item.customer.timezone, said)
                line = step.item_line(FLAGGED, {**context, **values})
                prompts[f"transaction_checks.{tx.id}"] = line
        elif step.kind in ITEM_SECTIONS:
            section = ITEM_SECTIONS[step.kind]
            for name in step.item_prompts.keys() | step.missing_prompts.keys():
                prompts[f"{section}.{name}"] = step.item_line(name, context)
        corporate = item.customer.type is CustomerType.CORPORATE and step.corporate_prompt
        steps.append(
            StepView(
                kind=step.kind.value,
                title=fill(step.title, context),
                prompt=fill(step.corporate_prompt if corporate else step.prompt, context),
                hint=hint,
                items=tuple(step.items),
                item_prompts=prompts,
            )
        )
    return steps


def script_version(item: QueueItem, app: RevisitApp, locale: str) -> str:
    """The version of the script the call followed (in `locale`), recorded with the outcome."""
    script = app.scripts.script(item.task.kind, locale)
    return f"{script.kind.value}/{script.locale}/{script.version}"


def sms_templates(item: QueueItem, app: RevisitApp) -> list[SmsTemplateView]:
    """The SMS templates that apply to the task (its kind, its account's status) in the
    customer's language (the message is theirs, whatever the agent's screen language), filled,
    with the bank's signature. A template naming a value the task does not have is left out:
    its SMS would carry a blank (the server refuses it too)."""
    language = item.customer.language.value
    context = placeholders(item, app, language)
    status = item.account.status if item.account else None
    return [
        SmsTemplateView(template.id, template.title, render(template.text, context))
        for template in app.scripts.sms_templates(language)
        if template.applies(item.task.kind, status) and not template.missing(context)
    ]
