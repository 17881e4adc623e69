"""The contact-check inputs: each contact point confirmed / changed (new value checked as
typed) / could not verify, and the reminder of how to make a change official."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical

from revisit_tui.app.callform import CallForm
from revisit_tui.app.widgets.choice_row import ContactChoice
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.step_fields import FieldInput, FieldMessage
from revisit_tui.domain.masking import mask_field
from revisit_tui.domain.models import ContactCheckResult, ContactField, Customer, QueueItem

Translate = Callable[..., str]


def on_record(customer: Customer, field: ContactField, t: Translate) -> str:
    """What the bank has on record for a contact point, masked where it is sensitive."""
    identity = customer.identity
    value: str | None
    if field is ContactField.MOBILE:
        value = mask_field("mobile", customer.mobile)
    elif field is ContactField.LANDLINE:
        value = mask_field("landline", customer.landline)
    elif field is ContactField.EMAIL:
        value = customer.email
    elif field is ContactField.ADDRESS:
        value = customer.address
    elif field is ContactField.IDENTITY_NUMBER:
        value = mask_field("identity_number", identity.number if identity else None)
    else:
        expires = identity.expires_on if identity else None
        value = expires.isoformat() if expires else None
    return value or t("call.card.none")


class ContactStep(Vertical):
    """One choice row per contact point, its new-value field and its inline message. The
    address of a dormant or abnormal account is marked, with a line saying why (§四.1)."""

    def __init__(
        self,
        fields: Sequence[ContactField],
        item: QueueItem,
        form: CallForm,
        t: Translate,
        *,
        address_emphasis: bool = False,
    ) -> None:
        super().__init__(classes="step-inputs")
        self.fields = fields
        self.item = item
        self.form = form
        self.t = t
        self.address_emphasis = address_emphasis

    def compose(self) -> ComposeResult:
        account = self.item.account
        for field in self.fields:
            answer = self.form.contact_checks.get(field)
            result = answer.result if answer else None
            emphasis = self.address_emphasis and field is ContactField.ADDRESS
            if emphasis and account is not None:
                status = self.t(f"call.account_status.{account.status.value}")
                yield Prose(
                    self.t("call.contact.address_emphasis", status=status),
                    classes="step-emphasis",
                )
            yield ContactChoice(
                f"contact_checks.{field.value}",
                ("★ " if emphasis else "") + self.t(f"call.contact.{field.value}"),
                result.value if result else None,
                detail=on_record(self.item.customer, field, self.t),
                classes="-emphasis" if emphasis else None,
            )
            yield FieldInput(
                f"contact_checks.{field.value}.new_value",
                answer.new_value if answer else "",
                self.t(f"call.contact.new_{field.value}"),
                visible=result is ContactCheckResult.CHANGED,
            )
            yield FieldMessage(f"contact_checks.{field.value}")
        yield Prose(self.t("call.contact.official_hint"), classes="step-hint")
