"""What a call checks (seed 002 §四.1), as the agent sees it: the identity step and F5 only
where the call requires them, and saying why; the account's status on the card; the address
of a dormant or abnormal account marked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.widgets.choice_row import ContactChoice
from revisit_tui.app.widgets.script_stepper import ScriptStepper
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import AccountStatus, QueueItem, TaskKind
from tests.app.call_helpers import go_to, open_call, screen_text, settle

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]


def item_with(store: AgentStore, kind: TaskKind, status: AccountStatus) -> QueueItem:
    snapshot = store.queue()
    assert snapshot is not None
    return next(
        item
        for item in snapshot.items
        if item.task.kind is kind and item.account and item.account.status is status
    )


async def test_an_ordinary_call_has_no_identity_step_and_f5_says_why(
    app_factory: AppFactory, store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_with(store, TaskKind.NEW_ACCOUNT, AccountStatus.ACTIVE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        kinds = [step.kind for step in screen.steps]
        assert "contact_check" in kinds and "identity_check" not in kinds
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.screen is screen, "no ID check dialog"
        notices = [str(n.message) for n in app._notifications]
        assert any(n.startswith("No ID check on this call") for n in notices), notices


@pytest.mark.parametrize(
    ("locale", "required", "status", "emphasis"),
    [
        ("en", "ID check required: the account's status.", "ABNORMAL", "★ The account is ABNORMAL"),
        (
            "zh-CN",
            "本次需要核身：账户状态异常。",
            "异常",
            "★ 账户异常（长期未发生业务或状态异常的客户）",
        ),
    ],
)
async def test_an_abnormal_account_shows_its_status_checks_identity_and_marks_the_address(
    app_factory: AppFactory,
    store: AgentStore,
    locale: str,
    required: str,
    status: str,
    emphasis: str,
) -> None:
    app = app_factory(locale=locale)
    item = item_with(store, TaskKind.PERIODIC, AccountStatus.ABNORMAL)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "identity_check")
        assert required in screen_text(app)
        assert status in screen_text(app), "the card shows the account's status"
        await go_to(pilot, screen, "contact_check")
        assert emphasis in screen_text(app)
        rows = screen.query_one(ScriptStepper).inputs.query(ContactChoice)
        marked = [row.path for row in rows if row.has_class("-emphasis")]
        assert marked == ["contact_checks.address"]


async def test_a_dormant_account_marks_the_address_without_an_identity_step(
    app_factory: AppFactory, store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_with(store, TaskKind.PERIODIC, AccountStatus.DORMANT)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_call(app, pilot, item)
        assert "identity_check" not in [step.kind for step in screen.steps]
        await go_to(pilot, screen, "contact_check")
        text = screen_text(app)
        assert "★ The account is DORMANT: check the residential address" in text
        assert "DORMANT" in text.split("Status", 1)[1], "the card shows the status"


@pytest.mark.parametrize(("locale", "status"), [("en", "DORMANT"), ("zh-CN", "久悬")])
async def test_the_call_header_names_an_account_that_is_not_active_at_80_columns(
    app_factory: AppFactory, store: AgentStore, locale: str, status: str
) -> None:
    app = app_factory(locale=locale)
    dormant = item_with(store, TaskKind.PERIODIC, AccountStatus.DORMANT)
    active = item_with(store, TaskKind.NEW_ACCOUNT, AccountStatus.ACTIVE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, dormant)
        assert f" · {status}" in screen_text(app).splitlines()[0]
        await pilot.press("escape")
        await settle(app, pilot)
        await open_call(app, pilot, active)
        header = screen_text(app).splitlines()[0]
        assert "ACTIVE" not in header.upper() and "正常" not in header


async def test_an_active_account_marks_nothing(app_factory: AppFactory, store: AgentStore) -> None:
    app = app_factory(locale="en")
    item = item_with(store, TaskKind.NEW_ACCOUNT, AccountStatus.ACTIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "contact_check")
        assert "★" not in screen_text(app)
        assert "Status" in screen_text(app) and "active" in screen_text(app)
