"""The yes/no and rating parts of a call: feature use (with the problem met), needs (leads,
with a note), fraud warning and security tips delivered, satisfaction 1–5."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

from textual.app import ComposeResult
from textual.containers import Vertical

from revisit_tui.app.callform import CallForm, YesNoAnswer
from revisit_tui.app.widgets.choice_row import RatingChoice, YesNoChoice
from revisit_tui.app.widgets.step_fields import FieldInput, FieldMessage

Translate = Callable[..., str]


def yes_no(value: bool | None) -> str | None:
    """A recorded yes/no as a choice row's value."""
    return None if value is None else ("yes" if value else "no")


class NotedQuestions(Vertical):
    """A yes/no row per feature or product, each with a note field (shown once answered yes,
    or always for features, where the note is the problem met). `answers` is keyed by name."""

    def __init__(
        self,
        section: str,
        names: Sequence[StrEnum],
        answers: Mapping[str, YesNoAnswer],
        t: Translate,
        *,
        note_only_when_yes: bool,
    ) -> None:
        super().__init__(classes="step-inputs")
        self.section = section
        self.names = names
        self.answers = answers
        self.t = t
        self.note_only_when_yes = note_only_when_yes

    def compose(self) -> ComposeResult:
        for name in self.names:
            answer = self.answers.get(name.value, YesNoAnswer())
            path = f"{self.section}.{name.value}"
            yield YesNoChoice(path, self.t(f"call.{path}"), yes_no(answer.yes))
            yield FieldInput(
                f"{path}.note",
                answer.note,
                self.t(f"call.{self.section}.note"),
                visible=not self.note_only_when_yes or bool(answer.yes),
            )
            yield FieldMessage(f"{path}.note")


class AnswerStep(Vertical):
    """A single question: fraud warning / security tips delivered (y/n), or satisfaction 1–5."""

    def __init__(self, path: str, form: CallForm, t: Translate) -> None:
        super().__init__(classes="step-inputs")
        self.path = path
        self.form = form
        self.t = t

    def compose(self) -> ComposeResult:
        label = self.t(f"call.answer.{self.path}")
        if self.path == "satisfaction":
            value = self.form.satisfaction
            yield RatingChoice(self.path, label, str(value) if value else None)
        else:
            yield YesNoChoice(self.path, label, yes_no(getattr(self.form, self.path)))
        yield FieldMessage(self.path)
