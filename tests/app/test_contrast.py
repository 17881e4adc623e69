"""On a 16-colour terminal (TERM=linux, the Linux console and many thin clients) every pair
of text and background colours the app paints has a contrast of at least 4.5:1 (WCAG AA),
measured with the VGA palette the console uses, on every screen and dialog; and an 80×24
snapshot shows the queue as such a terminal does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rich.color import Color, ColorSystem, ColorType
from rich.style import Style
from textual.pilot import Pilot

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.myday import MyDayScreen
from revisit_tui.app.screens.reveal import RevealScreen
from revisit_tui.app.screens.sms import SmsScreen
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import TaskKind
from tests.app.call_helpers import go_to, item_of, quiet

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]
SIZE = (80, 24)

VGA = [
    (0, 0, 0),
    (170, 0, 0),
    (0, 170, 0),
    (170, 85, 0),
    (0, 0, 170),
    (170, 0, 170),
    (0, 170, 170),
    (170, 170, 170),
    (85, 85, 85),
    (255, 85, 85),
    (85, 255, 85),
    (255, 255, 85),
    (85, 85, 255),
    (255, 85, 255),
    (85, 255, 255),
    (255, 255, 255),
]
"""The Linux console's palette (the VGA colours; xterm's 16 are close to it)."""
DEFAULT_FG, DEFAULT_BG, HALF_BRIGHT = 7, 0, 8
"""The console's default text and background, and what it shows dim text in."""
NOT_TEXT = range(0x2500, 0x25A0)
"""Box drawing and block elements: borders and scroll bars, not text."""


def luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: int, b: int) -> float:
    high, low = sorted((luminance(VGA[a]), luminance(VGA[b])), reverse=True)
    return (high + 0.05) / (low + 0.05)


def console_number(color: Color | None, default: int) -> int:
    """The palette entry a 16-colour terminal shows for a colour."""
    if color is None or color.type is ColorType.DEFAULT:
        return default
    number = color.downgrade(ColorSystem.STANDARD).number
    assert number is not None
    return number


def shown_pair(style: Style) -> tuple[int, int]:
    """(text, background) as the console paints them: reverse swaps, bold brightens the
    eight base colours, dim is half-bright."""
    fg = console_number(style.color, DEFAULT_FG)
    bg = console_number(style.bgcolor, DEFAULT_BG)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = HALF_BRIGHT
    elif style.bold and fg < 8:
        fg += 8
    return fg, bg


def painted(app: RevisitApp) -> Iterator[tuple[str, int, int]]:
    """(text, fg, bg) of every run of text on the screen, after the app's line filters."""
    filters = app.get_line_filters()
    for strip in app.screen._compositor.render_strips():
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, app.screen.styles.background)
        for segment in strip:
            text = "".join(
                ch for ch in segment.text if not ch.isspace() and ord(ch) not in NOT_TEXT
            )
            if text and segment.style is not None:
                yield (text, *shown_pair(segment.style))


class Contrast:
    """The pairs seen so far, with an example of the text painted in each."""

    def __init__(self, app: RevisitApp) -> None:
        self.app = app
        self.pairs: dict[tuple[int, int], str] = {}

    def look(self, where: str) -> None:
        for text, fg, bg in painted(self.app):
            self.pairs.setdefault((fg, bg), f"{where}: {text!r}")

    def poor(self) -> list[str]:
        return [
            f"{contrast(fg, bg):.1f}:1 colour {fg} on {bg} ({example})"
            for (fg, bg), example in sorted(self.pairs.items())
            if contrast(fg, bg) < 4.5
        ]


@pytest.fixture
def linux_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal says it is the Linux console: 16 colours."""
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)


async def walk_every_screen(app: RevisitApp, pilot: Pilot[Any], store: AgentStore) -> Contrast:
    """Visit every screen, dialog, row state, message kind and toast; look at each."""
    seen = Contrast(app)
    await quiet(pilot)
    seen.look("queue")
    await pilot.press("k", "o", "down", "slash", "x")
    seen.look("queue filtered and searched")
    await pilot.press("escape", "escape", "o", "k", "k", "k", "k", "k", "k")
    for severity in ("information", "warning", "error"):
        app.notify(f"{severity} toast", severity=severity)  # type: ignore[arg-type]
    await pilot.pause()
    seen.look("toasts")
    await quiet(pilot)
    await pilot.press("f1")
    seen.look("help")
    await pilot.press("down", "down", "escape")
    app.push_screen(MyDayScreen())
    await quiet(pilot)
    seen.look("my day")
    await pilot.press("escape")
    special = item_of(store, TaskKind.SPECIAL_EVENT)
    screen = CallScreen(special)
    app.push_screen(screen)
    await quiet(pilot)
    seen.look("call")
    await go_to(pilot, screen, "transaction_check")
    await pilot.press("n", "tab")
    seen.look("transactions, urgent notice")
    await go_to(pilot, screen, "contact_check")
    await pilot.press("x", "enter", *"139 12")
    seen.look("contact, inline message, text field")
    await pilot.press("escape", "i")
    seen.look("customer card")
    await pilot.press("i", "r")
    assert isinstance(app.screen, RevealScreen)
    seen.look("reveal dialog")
    await pilot.press("escape", "v")
    await pilot.press(*"110105", "enter")
    await quiet(pilot)
    seen.look("ID check")
    await pilot.press("escape")
    while screen.current.step > 0:
        await pilot.press("pageup")
    for step in screen.steps:
        await pilot.press("y", "4")
        seen.look(f"call step {step.kind}")
        await pilot.press("pagedown")
    await pilot.press("w", "6", "enter", *"23:00", "enter")
    await pilot.press("e", "s", "down", "h", "enter", *"电子银行部")
    seen.look("wrap-up")
    await pilot.press("escape", "up", "up", "up", "up", "2", "m")
    await quiet(pilot)
    seen.look("wrap-up SMS")
    app.pop_screen()
    app.pop_screen()
    app.pop_screen()
    app.push_screen(SmsScreen(item_of(store, TaskKind.NEW_ACCOUNT)))
    await quiet(pilot)
    seen.look("SMS")
    return seen


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_every_colour_pair_reads_on_a_16_colour_terminal(
    linux_console: None, app_factory: AppFactory, store: AgentStore, locale: str
) -> None:
    app = app_factory(locale=locale)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.console.color_system == "standard"
        seen = await walk_every_screen(app, pilot, store)
    assert len(seen.pairs) > 3, "the walk saw the screens"
    poor = seen.poor()
    assert not poor, "\n".join(poor)


async def test_the_sign_in_screen_reads_on_a_16_colour_terminal(
    linux_console: None, app_factory: AppFactory
) -> None:
    app = app_factory(locale="zh-CN", store=None, agent=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(*"bad token", "ctrl+s")
        await quiet(pilot)
        seen = Contrast(app)
        seen.look("sign in")
    poor = seen.poor()
    assert not poor, "\n".join(poor)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_queue_snapshot_on_the_linux_console(
    snap_compare: Any, linux_console: None, app_factory: AppFactory, locale: str
) -> None:
    assert snap_compare(app_factory(locale=locale), terminal_size=SIZE, run_before=quiet)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_call_snapshot_on_the_linux_console(
    snap_compare: Any,
    linux_console: None,
    app_factory: AppFactory,
    store: AgentStore,
    locale: str,
) -> None:
    """A "not me" answered (the urgent notice), then a changed number typed in its field."""
    item = item_of(store, TaskKind.SPECIAL_EVENT)

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = CallScreen(item)
        pilot.app.push_screen(screen)
        await pilot.pause()
        await go_to(pilot, screen, "transaction_check")
        await pilot.press("n")
        await go_to(pilot, screen, "contact_check")
        await pilot.press("x", "enter", *"139 12")
        await quiet(pilot)

    assert snap_compare(app_factory(locale=locale), terminal_size=SIZE, run_before=run_before)
