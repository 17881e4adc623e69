"""The yes/no and rating parts of a call: feature use (with the problem met), needs (leads,
with a note), fraud warning and security tips delivered, satisfaction 1–5, a closure's reason,
whether the customer made a change of their reserved information."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

from textual.app import ComposeResult
from textual.containers import Vertical

from revisit_tui.app.callform import CallForm
from revisit_tui.app.widgets.choice_row import (
    ClosureReasonChoice,
    RatingChoice,
    TransactionChoice,
    YesNoChoice,
)
from revisit_tui.app.widgets.step_fields import FieldInput, FieldMessage

Translate = Callable[..., str]


def yes_no(value: bool | None) -> str | None:
    """A recorded yes/no as a choice row's value."""
    return None if value is None else ("yes" if value else "no")


class NotedQuestions(Vertical):
    """A yes/no row per feature or product, each with a text field (shown once answered yes,
    or always for features, where the text is the problem met). `section` is the form's
    (`features`, `needs`), `text_key` its answers' text (`problem`, `note`), `label` the
    prefix of their translations; `answers` maps a name to (yes/no, text)."""

    def __init__(
        self,
        section: str,
        text_key: str,
        label: str,
        names: Sequence[StrEnum],
        answers: Mapping[str, tuple[bool | None, str]],
        t: Translate,
        *,
        text_only_when_yes: bool,
    ) -> None:
        super().__init__(classes="step-inputs")
        self.section = section
        self.text_key = text_key
        self.label = label
        self.names = names
        self.answers = answers
        self.t = t
        self.text_only_when_yes = text_only_when_yes

    def compose(self) -> ComposeResult:
        for name in self.names:
            yes, text = self.answers.get(name.value, (None, ""))
            path = f"{self.section}.{name.value}"
            yield YesNoChoice(path, self.t(f"call.{self.label}.{name.value}"), yes_no(yes))
            yield FieldInput(
                f"{path}.{self.text_key}",
                text,
                self.t(f"call.{self.label}.note"),
                visible=not self.text_only_when_yes or bool(yes),
            )
            yield FieldMessage(f"{path}.{self.text_key}")


class AnswerStep(Vertical):
    """A single question: fraud warning / security tips delivered (y/n), satisfaction 1–5, why
    the account was closed (1–4), or whether the customer made a change of their reserved
    information (the keys of a transaction: confirmed / not me / unsure)."""

    def __init__(self, path: str, label: str, form: CallForm, t: Translate) -> None:
        super().__init__(classes="step-inputs")
        self.path = path
        self.label = label
        self.form = form
        self.t = t

    def compose(self) -> ComposeResult:
        label = self.t(f"call.answer.{self.label}")
        if self.path == "satisfaction":
            value = self.form.satisfaction
            yield RatingChoice(self.path, label, str(value) if value else None)
        elif self.path == "closure_reason":
            reason = self.form.closure_reason
            yield ClosureReasonChoice(self.path, label, reason.value if reason else None)
        elif self.path == "reserved_info_answer":
            answer = self.form.reserved_info_answer
            yield TransactionChoice(self.path, label, answer.value if answer else None)
        else:
            yield YesNoChoice(self.path, label, yes_no(getattr(self.form, self.path)))
        yield FieldMessage(self.path)
