"""What the screens show at 80×24 reads right: a toast never hides the status line, a name
too long for its place ends with "…", a Chinese line never starts with closing punctuation,
and the call timer counts the time on the call, not the time the app was closed between two
openings of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets._toast import Toast

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.i18n import catalog
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.sms import SmsScreen
from revisit_tui.app.widgets.choice_row import DispositionChoice, TransactionChoice
from revisit_tui.app.widgets.customer_card import CustomerCard
from revisit_tui.app.widgets.prose import (
    NO_LINE_END,
    NO_LINE_START,
    break_content,
    break_lines,
)
from revisit_tui.app.widgets.queue_table import fit_cell
from revisit_tui.app.widgets.status_line import StatusLine
from revisit_tui.callscripts import SHIPPED
from revisit_tui.client.store import AgentStore
from revisit_tui.config import Settings, UiSettings
from revisit_tui.domain.models import QueueItem, TaskKind
from tests.app.call_helpers import go_to, item_of, open_call, quiet, screen_text, settle
from tests.app.factory import NOW
from tests.app.test_shell_myday import outcome

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]
LONG_NAMES = ("上海浦东新区国际贸易结算中心有限责任公司第一分公司", "Alexandria Montgomery-Smythe")


def rename_first_customers(store: AgentStore) -> None:
    snapshot = store.queue()
    assert snapshot is not None
    items = list(snapshot.items)
    for index, name in enumerate(LONG_NAMES):
        customer = items[index].customer.model_copy(update={"name": name})
        items[index] = items[index].model_copy(update={"customer": customer})
    store.save_queue(snapshot.model_copy(update={"items": items}), "etag-long-names")


def test_a_cell_is_cut_with_an_ellipsis_never_through_a_wide_character() -> None:
    assert fit_cell("王伟", 6) == "王伟  "
    assert fit_cell("上海浦东新区国际", 6) == "上海… "
    assert fit_cell("上海浦东新区国际", 7) == "上海浦…"
    assert fit_cell("Alexandria", 6) == "Alexa…"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_long_names_end_with_an_ellipsis(
    app_factory: AppFactory, store: AgentStore, locale: str
) -> None:
    rename_first_customers(store)
    app = app_factory(locale=locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet(pilot)
        text = screen_text(app)
        assert "上海浦东新…" in text and "Alexandria…" in text, text
        queue_item = store.queue().items[0]  # type: ignore[union-attr]
        await open_call(app, pilot, queue_item)
        await quiet(pilot)
        header = screen_text(app).splitlines()[0]
        assert header.rstrip().rpartition(" ")[0].rstrip().endswith("…"), header


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_a_toast_never_covers_the_status_line_or_the_footer(
    app_factory: AppFactory, locale: str
) -> None:
    app = app_factory(locale=locale)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await quiet(pilot)
        status_before = screen_text(app).splitlines()[-2]
        app.notify("x " * 100, severity="error", timeout=30)
        app.notify("a second one", timeout=30)
        await pilot.pause(0.2)
        status = app.screen.query_one(StatusLine).region
        toasts = list(app.screen.query(Toast))
        assert toasts, "the toasts are shown"
        for toast in toasts:
            assert toast.region.bottom <= status.y, (toast.region, status)
        assert screen_text(app).splitlines()[-2] == status_before


@pytest.mark.parametrize(
    "leave",
    [("escape",), ("ctrl+q",), ("w", "ctrl+q")],
    ids=["escape", "quit", "quit_in_wrap_up"],
)
async def test_the_call_timer_counts_the_call_not_the_time_the_app_was_closed(
    app_factory: AppFactory, store: AgentStore, leave: tuple[str, ...]
) -> None:
    """The agent leaves the call (Escape) or quits the app during it (Ctrl+Q, also with the
    wrap-up open): the two minutes on the call since its last answer are kept."""
    now = [NOW]

    def clock() -> datetime:
        return now[0]

    item = store.queue().items[3]  # type: ignore[union-attr]
    app = app_factory(locale="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        now[0] += timedelta(minutes=2, seconds=5)
        await pilot.press(*leave)
        await settle(app, pilot)
    now[0] += timedelta(hours=3)  # the app is closed over lunch
    app = app_factory(locale="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        assert isinstance(screen, CallScreen)
        now[0] += timedelta(seconds=10)
        screen.query_one("#call-timer").tick()  # type: ignore[attr-defined]
        await pilot.pause()
        header = screen_text(app).splitlines()[0]
        assert header.rstrip().endswith("02:15"), header


def test_lines_break_as_chinese_is_typeset() -> None:
    text = (
        "在行上按回车输入该行的文字（新号码、问题、备注；没有单独备注的行写入通话备注）；"
        "回车或 Esc 离开。"
    )
    for width in range(6, 60):
        lines = break_lines(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "nothing is lost"
        for line in lines:
            assert cell_len(line) <= width
            assert line[0] not in NO_LINE_START, (width, lines)
            assert line[-1] not in NO_LINE_END, (width, lines)
    assert break_lines("一，二\n三", 0) == ["一，二", "三"], "no width: its own lines"
    assert break_lines("Enter or Esc leaves the field", 12) == [
        "Enter or Esc",
        "leaves the",
        "field",
    ]


def test_a_paragraphs_indent_starts_every_line_of_it() -> None:
    """Transaction details are indented under their row: the indent stays, wrapped lines
    hang under the first; an indent that leaves too little room is dropped."""
    assert break_lines("  网银 · 异地登录后大额转出，北京", 16) == [
        "  网银 · 异地登",
        "  录后大额转出，",
        "  北京",
    ]
    assert break_lines("\u3000\u3000客客\n  \nab", 40) == ["\u3000\u3000客客", "", "ab"]
    assert break_lines("    ab cd", 6) == ["ab cd"]
    content = break_content(Content.from_markup("  [b]客客客[/b]，好"), 8)
    assert content.plain.split("\n") == ["  客客", "  客，好"]
    assert [span.style for span in content.spans] == ["b", "b"]


def test_styled_text_breaks_as_plain_text_does_and_keeps_its_styles() -> None:
    content = break_content(Content.from_markup("[b]客客客[/b]，好  的\n\n[i]x[/i]"), 6)
    assert content.plain.split("\n") == [*break_lines("客客客，好  的", 6), "", "x"]
    assert [content.plain[span.start : span.end] for span in content.spans] == ["客客", "客", "x"]
    assert [span.style for span in content.spans] == ["b", "b", "i"]


def painted_lines(
    app: RevisitApp, kind: type[Widget] | str, *, keep_indent: bool = False
) -> list[str]:
    """Every line the widgets of a kind (or a selector) show on the screen, as painted
    (stripped, or with its leading spaces kept)."""
    strips = app.screen._compositor.render_strips()
    lines = []
    for widget in app.screen.query(kind):
        region = widget.content_region.intersection(app.screen.region)
        for y in range(region.y, region.bottom):
            strip = strips[y].crop(region.x, region.right)
            line = "".join(segment.text for segment in strip)
            lines.append(line.rstrip() if keep_indent else line.strip())
    return [line for line in lines if line.strip()]


@pytest.mark.parametrize("width", [80, 64])
async def test_no_chinese_line_starts_with_closing_punctuation(
    app_factory: AppFactory,
    store: AgentStore,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
) -> None:
    """The defect: help's focus model at 80 columns had a line starting with "；". Every
    text widget of every screen and dialog is read, as painted, with a customer whose name,
    address and counterparty are long Chinese text, Chinese notes, long SMS template titles
    (a bank's edited scripts) and a long reveal confirmation."""
    monkeypatch.setitem(catalog("zh-CN"), "call.reveal.confirm", LONG_CONFIRM)
    app = app_factory(locale="zh-CN", settings=long_sms_titles(settings, tmp_path))
    seen: dict[str, list[str]] = {}

    def read() -> None:
        seen.setdefault(type(app.screen).__name__, []).extend(painted_lines(app, Static))

    async with app.run_test(size=(width, 24)) as pilot:
        await quiet(pilot)
        read()
        for key in ("f1", "d"):
            await pilot.press(key)
            read()
            await pilot.press("escape")
        item = with_free_text(item_of(store, TaskKind.SPECIAL_EVENT))
        screen = await open_call(app, pilot, item)
        for _step in screen.steps:
            await pilot.press("n", "x")
            read()
            await pilot.press("pagedown")
        screen.current.notes = FREE_TEXT
        for keys in (("f4",), ("1",), ("escape", "i"), ("i", "w", "6", "enter", *"23:00")):
            await pilot.press(*keys)
            read()
        for keys in (("enter",), ("f9",), ("2", "f7")):
            await pilot.press(*keys)
            read()
    assert set(seen) == {
        "QueueScreen",
        "HelpScreen",
        "MyDayScreen",
        "CallScreen",
        "RevealScreen",
        "WrapUpScreen",
        "SmsScreen",
    }
    lines = [line for screen_lines in seen.values() for line in screen_lines]
    assert [line for line in lines if line[0] in NO_LINE_START] == []


LONG_TITLE = "预留手机号码变更提醒，发送前请核对收件人，并确认客户已同意接收本行短信通知。"
"""An SMS template title a bank wrote in its edited scripts, with closing punctuation."""
LONG_CONFIRM = (
    "将向服务器申请显示完整的{field}，本次操作会连同您的工号、客户编号和申请时间一并记录，"
    "供主管和稽核人员事后复核；请确认客户已通过身份核实。y：显示 · Esc：取消"
)
"""A reveal confirmation long enough to wrap in its dialog."""


def long_sms_titles(settings: Settings, tmp_path: Path) -> Settings:
    """Settings whose edited scripts give every SMS template a long Chinese title."""
    edited = tmp_path / "scripts"
    for locale in ("en", "zh-CN"):
        shutil.copytree(SHIPPED / locale, edited / locale)
        sms = edited / locale / "sms.toml"
        text = sms.read_text(encoding="utf-8")
        sms.write_text(text.replace('title = "', f'title = "{LONG_TITLE}'), encoding="utf-8")
    return settings.model_copy(update={"ui": UiSettings(scripts_dir=str(edited))})


async def test_the_sms_template_line_and_the_reveal_confirmation_wrap_as_prose(
    app_factory: AppFactory,
    store: AgentStore,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both were folded at any cell: a long template title, a longer confirmation showed a
    line starting with "，". Several widths (the SMS screen) and shifts of the text (the
    reveal dialog has a fixed width) try every fold position."""
    app = app_factory(locale="zh-CN", settings=long_sms_titles(settings, tmp_path))
    template: list[str] = []
    confirm: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet(pilot)
        item = with_free_text(item_of(store, TaskKind.SPECIAL_EVENT))
        await open_call(app, pilot, item)
        for shift in range(6):
            monkeypatch.setitem(
                catalog("zh-CN"), "call.reveal.confirm", "注" * shift + LONG_CONFIRM
            )
            await pilot.press("f4", "1")
            await pilot.pause()
            confirm += painted_lines(app, "#reveal-confirm")
            await pilot.press("escape")
        app.push_screen(SmsScreen(item))
        for width in range(70, 76):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            template += painted_lines(app, "#sms-template")
    assert "".join(template).count(LONG_TITLE) == 6, template
    assert "".join(confirm).count("y：显示 · Esc：取消") == 6, confirm
    assert [line for line in template + confirm if line[0] in NO_LINE_START] == []


async def test_transaction_details_keep_their_indent(
    app_factory: AppFactory, store: AgentStore
) -> None:
    """A transaction's detail line is indented under its row; Prose dropped the indent, so
    the detail read as a row of its own. Wrapped lines hang under the first."""
    app = app_factory(locale="zh-CN")
    seen: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet(pilot)
        item = item_of(store, TaskKind.SPECIAL_EVENT)
        flagged = [
            tx.model_copy(update={"counterparty": FREE_TEXT}) for tx in item.flagged_transactions
        ]
        item = item.model_copy(update={"flagged_transactions": flagged})
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "transaction_check")
        for width in range(80, 84):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            seen += painted_lines(app, ".step-detail", keep_indent=True)
    assert FREE_TEXT in "".join(line.strip() for line in seen), seen
    assert len(seen) > 4 * len(item.flagged_transactions), "some details wrap"
    assert [line for line in seen if not line.startswith("  ") or line[2] == " "] == []


def folded_before_punctuation(width: int, length: int) -> str:
    """A notice whose run of Chinese fills `length` lines of `width` cells exactly, then goes
    on with "，": folded at any cell, the next line would start with it."""
    return "客" * (width // 2 * length) + "，请稍后再试。谢谢！"


async def test_no_toast_line_starts_with_closing_punctuation(app_factory: AppFactory) -> None:
    """Textual folds a toast's run of Chinese at any cell: a notice whose fold fell before
    its "，" showed a line starting with it. Widths around the toast's own are all tried."""
    app = app_factory(locale="zh-CN")
    seen: list[str] = []
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await quiet(pilot)
        for width in range(50, 62):
            app.clear_notifications()
            await pilot.pause(0.05)
            message = folded_before_punctuation(width, 1)
            app.notify(message, title="提示：请注意", timeout=30)
            await pilot.pause(0.05)
            lines = painted_lines(app, Toast)
            assert "".join(lines[1:]) == message, "the whole notice is shown"
            seen += lines
    assert [line for line in seen if line[0] in NO_LINE_START] == []


async def test_a_toast_never_splits_a_word(app_factory: AppFactory) -> None:
    """Textual already wraps a toast's English at spaces; the app's toast keeps it so."""
    message = "Outcome submitted; the supervisor reviews escalations tomorrow morning"
    words = message.split(" ")
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await quiet(pilot)
        app.notify(" ".join(words * 2), timeout=30)
        await pilot.pause(0.05)
        lines = painted_lines(app, Toast)
    assert len(lines) > 1
    assert [word for line in lines for word in line.split()] == words * 2


FREE_TEXT = "北京市朝阳区建国路八十八号院，现代城二号楼，十五层一五零三室，东门进入，近地铁站。"
"""Chinese free text (an address, a note) with closing punctuation every few characters."""


def with_free_text(item: QueueItem) -> QueueItem:
    customer = item.customer.model_copy(
        update={"address": FREE_TEXT, "name": "上海浦东新区国际贸易结算中心有限责任公司"}
    )
    flagged = [
        tx.model_copy(update={"counterparty": FREE_TEXT[:24]}) for tx in item.flagged_transactions
    ]
    return item.model_copy(update={"customer": customer, "flagged_transactions": flagged})


async def test_chinese_free_text_on_the_card_and_the_summary_wraps_as_prose(
    app_factory: AppFactory, store: AgentStore
) -> None:
    """The card folded an address, a name, a counterparty at any cell, and the wrap-up's
    summary the agent's notes: lines started with "，". Several widths, so that every fold
    position is tried."""
    app = app_factory(locale="zh-CN")
    card: list[str] = []
    summary: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet(pilot)
        screen = await open_call(app, pilot, with_free_text(item_of(store, TaskKind.SPECIAL_EVENT)))
        await pilot.press("i")
        for width in range(80, 86):
            await pilot.resize_terminal(width, 40)
            await pilot.pause()
            card += painted_lines(app, CustomerCard)
        screen.current.notes = FREE_TEXT
        await pilot.press("w")
        await pilot.pause()
        for width in range(80, 86):
            await pilot.resize_terminal(width, 40)
            await pilot.pause()
            summary += painted_lines(app, "#summary")
    assert FREE_TEXT in "".join(card), card
    assert FREE_TEXT in "".join(summary), summary
    assert [line for line in card + summary if line[0] in NO_LINE_START] == []


async def test_a_refused_items_reason_wraps_as_prose(
    app_factory: AppFactory, store: AgentStore
) -> None:
    """The server's reason for refusing an item, shown on the fix and discard dialogs, is
    free text: folded at any cell, its "，" could open a line."""
    for shift in range(6):
        refused = outcome(shift + 1)
        store.submit(refused)
        store.mark_needs_attention(str(refused.id), "客" * shift + FREE_TEXT, 422)
    app = app_factory(locale="zh-CN")
    seen: list[str] = []
    async with app.run_test(size=(80, 30)) as pilot:
        await quiet(pilot)
        await pilot.press("d")
        for _shift in range(6):
            await pilot.press("enter")
            seen += painted_lines(app, "#resubmit-reason")
            await pilot.press("escape", "x")
            seen += painted_lines(app, "#discard-server-reason")
            await pilot.press("escape", "down")
    assert "".join(seen).count(FREE_TEXT) == 12, seen
    assert [line for line in seen if line[0] in NO_LINE_START] == []


async def test_a_one_line_place_ends_a_long_text_with_an_ellipsis(
    app_factory: AppFactory, store: AgentStore, settings: Settings, tmp_path: Path
) -> None:
    """The step title (a bank's edited script may name a step at length) and the queue's
    filter line (the search is free text) are one line high: folded, their ends were cut
    off without a sign, and the cut could fall before a "，"."""
    edited = tmp_path / "scripts"
    for locale in ("en", "zh-CN"):
        shutil.copytree(SHIPPED / locale, edited / locale)
        script = edited / locale / "special_event.toml"
        text = script.read_text(encoding="utf-8")
        script.write_text(text.replace('title = "', f'title = "{FREE_TEXT}'), encoding="utf-8")
    custom = settings.model_copy(update={"ui": UiSettings(scripts_dir=str(edited))})
    app = app_factory(locale="zh-CN", settings=custom)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet(pilot)
        app.screen.query_one("#queue-search", Input).value = FREE_TEXT
        await pilot.pause()
        filters = painted_lines(app, "#queue-filters")
        await pilot.press("escape")
        await open_call(app, pilot, item_of(store, TaskKind.SPECIAL_EVENT))
        await pilot.pause()
        title = painted_lines(app, "#step-title")
    assert len(filters) == 1 and filters[0].endswith("…") and FREE_TEXT[:8] in filters[0]
    assert len(title) == 1 and title[0].endswith("…") and FREE_TEXT[:8] in title[0], title


async def test_an_answer_row_too_long_ends_with_an_ellipsis_and_a_wrapping_one_shows_all(
    app_factory: AppFactory, store: AgentStore
) -> None:
    """An answer row is one line: too narrow, its fold was cut off and the last choices
    vanished without a sign. The disposition row wraps instead, by Prose's rule, and shows
    every choice."""
    app = app_factory(locale="zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet(pilot)
        screen = await open_call(app, pilot, item_of(store, TaskKind.SPECIAL_EVENT))
        await go_to(pilot, screen, "transaction_check")
        await pilot.resize_terminal(44, 24)
        await pilot.pause()
        rows = painted_lines(app, TransactionChoice)
        await pilot.press("w")
        await pilot.pause()
        disposition = painted_lines(app, DispositionChoice)
    assert rows and all(row.endswith("…") for row in rows), rows
    assert len(disposition) > 1, disposition
    assert all(f"{n}○" in "".join(disposition) for n in range(1, 8)), disposition
    assert [line for line in disposition if line[0] in NO_LINE_START] == []


async def test_the_status_line_ends_with_an_ellipsis_when_narrow(app_factory: AppFactory) -> None:
    """The status line is one line: on a narrow terminal its fold hid the end (the language
    switch, the sync state) without a sign."""
    app = app_factory(locale="zh-CN")
    async with app.run_test(size=(40, 24)) as pilot:
        await quiet(pilot)
        [line] = painted_lines(app, StatusLine)
    assert line.endswith("…"), line
