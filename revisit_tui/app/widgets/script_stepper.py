"""The script stepper: one step of the call script at a time — its title, its prompt with the
placeholders filled, the line to say for the focused row, and the inputs the step records."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from revisit_tui.app.callform import CallForm
from revisit_tui.app.script_texts import StepView
from revisit_tui.app.widgets.step_contact import ContactStep
from revisit_tui.app.widgets.step_questions import AnswerStep, NotedQuestions
from revisit_tui.app.widgets.step_transactions import TransactionStep
from revisit_tui.domain.models import ContactField, Feature, LeadProduct, QueueItem

Translate = Callable[..., str]

ANSWER_STEPS = {
    "fraud_warning": "fraud_warning",
    "security_tips": "security_tips",
    "close": "satisfaction",
}
"""Steps that record one answer, and the form path of that answer."""


def step_inputs(step: StepView, item: QueueItem, form: CallForm, t: Translate) -> Widget:
    """The inputs for what a step records (an empty box for a prompt-only step)."""
    if step.kind in ("contact_check", "identity_check"):
        fields = [ContactField(name) for name in step.items]
        return ContactStep(fields, item.customer, form, t)
    if step.kind == "transaction_check":
        return TransactionStep(item, form, t)
    if step.kind == "feature_use":
        features = [Feature(name) for name in step.items]
        answers = {name.value: answer for name, answer in form.features.items()}
        return NotedQuestions("feature", features, answers, t, note_only_when_yes=False)
    if step.kind == "needs":
        products = [LeadProduct(name) for name in step.items] or list(LeadProduct)
        answers = {name.value: answer for name, answer in form.needs.items()}
        return NotedQuestions("need", products, answers, t, note_only_when_yes=True)
    if step.kind in ANSWER_STEPS:
        return AnswerStep(ANSWER_STEPS[step.kind], form, t)
    return Vertical(classes="step-inputs")


class ScriptStepper(Vertical):
    """Shows one step; the screen calls `show` when the step or the language changes, and
    `say` when the focus moves to a row that has its own line in the script."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.step: StepView | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="step-title")
        with VerticalScroll(id="step-body"):
            yield Static(id="step-prompt")
            yield Static(id="step-say")
            yield Vertical(id="step-slot")
            yield Static(id="step-hint", classes="step-hint")

    async def show(
        self,
        steps: Sequence[StepView],
        index: int,
        item: QueueItem,
        form: CallForm,
        t: Translate,
    ) -> None:
        """Render one step and rebuild its inputs from the form (answers already given show)."""
        step = self.step = steps[index]
        self.query_one("#step-title", Static).update(
            Text(t("call.step_title", n=index + 1, total=len(steps), title=step.title))
        )
        self.query_one("#step-prompt", Static).update(Text(step.prompt))
        self.query_one("#step-hint", Static).update(Text(step.hint))
        self.say(None)
        slot = self.query_one("#step-slot", Vertical)
        await slot.remove_children()
        await slot.mount(step_inputs(step, item, form, t))
        self.query_one("#step-body", VerticalScroll).scroll_home(animate=False)

    def say(self, path: str | None) -> None:
        """Show the script's line for the row at `path` (nothing when it has none)."""
        line = self.step.item_prompts.get(path or "", "") if self.step else ""
        say = self.query_one("#step-say", Static)
        say.update(Text("▸" + line) if line else "")
        say.display = bool(line)
