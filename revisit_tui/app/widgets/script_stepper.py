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
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.step_contact import ContactStep
from revisit_tui.app.widgets.step_questions import AnswerStep, NotedQuestions
from revisit_tui.app.widgets.step_transactions import TransactionStep
from revisit_tui.domain.models import AccountEvent, ContactField, Feature, LeadProduct, QueueItem
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import address_emphasis

Translate = Callable[..., str]

ANSWER_STEPS = {
    "fraud_warning": ("fraud_warning_delivered", "fraud_warning"),
    "security_tips": ("security_tips_delivered", "security_tips"),
    "escalation_result": ("resolution_satisfied", "resolution_satisfied"),
    "close": ("satisfaction", "satisfaction"),
    "closure_reason": ("closure_reason", "closure_reason"),
}
"""Steps that record one answer: the form path of that answer, and its translation key."""


def step_inputs(
    step: StepView, item: QueueItem, form: CallForm, t: Translate, policy: RevisitPolicy
) -> Widget:
    """The inputs for what a step records (an empty box for a prompt-only step); the event step
    of a change of reserved information records whether the customer made it."""
    if step.kind in ("contact_check", "identity_check"):
        fields = [ContactField(name) for name in step.items]
        emphasis = address_emphasis(item.account, policy)
        return ContactStep(fields, item, form, t, address_emphasis=emphasis)
    if step.kind == "transaction_check":
        return TransactionStep(item, form, t)
    if step.kind == "feature_use":
        features = [Feature(name) for name in step.items]
        uses = {name.value: (a.in_use, a.problem) for name, a in form.features.items()}
        return NotedQuestions(
            "features", "problem", "feature", features, uses, t, text_only_when_yes=False
        )
    if step.kind == "needs":
        products = [LeadProduct(name) for name in step.items] or list(LeadProduct)
        wants = {name.value: (a.wanted, a.note) for name, a in form.needs.items()}
        return NotedQuestions("needs", "note", "need", products, wants, t, text_only_when_yes=True)
    if step.kind in ANSWER_STEPS:
        path, label = ANSWER_STEPS[step.kind]
        return AnswerStep(path, label, form, t)
    if step.kind == "event" and item.task.event is AccountEvent.RESERVED_INFO_CHANGED:
        return AnswerStep("reserved_info_answer", "reserved_info_answer", form, t)
    return Vertical(classes="step-inputs")


class ScriptStepper(Vertical):
    """Shows one step at a time. The inputs of every step are built once per call (and again
    when the language changes), so moving between steps only shows and hides them."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps: Sequence[StepView] = ()
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Static(id="step-title")
        with VerticalScroll(id="step-body", can_focus=False):
            yield Prose(id="step-prompt")
            yield Prose(id="step-say")
            yield Vertical(id="step-slot")
            yield Prose(id="step-hint", classes="step-hint")

    async def build(
        self,
        steps: Sequence[StepView],
        item: QueueItem,
        form: CallForm,
        t: Translate,
        policy: RevisitPolicy,
    ) -> None:
        """(Re)build every step's inputs from the form: answers already given show."""
        self.steps = steps
        slot = self.query_one("#step-slot", Vertical)
        await slot.remove_children()
        boxes = [step_inputs(step, item, form, t, policy) for step in steps]
        for box in boxes:
            box.display = False
        await slot.mount_all(boxes)

    def show(self, index: int, t: Translate) -> Widget:
        """Show step `index` (its texts and its inputs); returns the box of its inputs."""
        self.index = index
        step = self.steps[index]
        self.query_one("#step-title", Static).update(
            Text(t("call.step_title", n=index + 1, total=len(self.steps), title=step.title))
        )
        self.query_one("#step-prompt", Prose).update(step.prompt)
        self.query_one("#step-hint", Prose).update(step.hint)
        self.say(None)
        for number, box in enumerate(self.query_one("#step-slot", Vertical).children):
            box.display = number == index
        self.query_one("#step-body", VerticalScroll).scroll_home(animate=False)
        return self.inputs

    @property
    def inputs(self) -> Widget:
        """The box of the shown step's inputs."""
        return self.query_one("#step-slot", Vertical).children[self.index]

    def say(self, path: str | None) -> None:
        """Show the script's line for the row at `path` (nothing when it has none)."""
        step = self.steps[self.index] if self.steps else None
        line = step.item_prompts.get(path or "", "") if step else ""
        say = self.query_one("#step-say", Prose)
        say.update("▸" + line if line else "")
        say.display = bool(line)
