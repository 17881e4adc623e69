"""Sign-in against the real server: the token is checked by who-am-I, saved 0600, the agent
remembered; a refused token says so; with the API down a known agent works offline."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from revisit_tui import cli
from revisit_tui.app import command
from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.queue import QueueScreen
from revisit_tui.app.screens.signin import SignInScreen
from revisit_tui.app.session import Session, remember_agent, remembered, save_token
from revisit_tui.client.store import AgentStore, store_dir, url_store_dir
from revisit_tui.config import Settings
from revisit_tui.domain.models import Agent
from tests.app.conftest import QUEUE_SIZE
from tests.app.factory import NOW, make_queue

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]


def message_of(app: RevisitApp) -> str:
    return str(app.screen.query_one("#signin-message").render())


async def sign_in(app: RevisitApp, pilot: object, server: str, token: str) -> None:
    screen = app.screen
    assert isinstance(screen, SignInScreen)
    screen.query_one("#signin-server").value = server  # type: ignore[attr-defined]
    screen.query_one("#signin-token").value = token  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def test_sign_in_saves_the_token_privately_and_opens_the_queue(
    app_factory: AppFactory, live_server: object, data_dir: Path
) -> None:
    token = live_server.add_agent("agent-7")  # type: ignore[attr-defined]
    url = live_server.url  # type: ignore[attr-defined]
    app = app_factory(locale="en", store=None, agent=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, url, token)
        assert isinstance(app.screen, QueueScreen)
        assert app.agent is not None and app.agent.id == "agent-7"
        await app.workers.wait_for_complete()
    token_file = data_dir / "token"
    assert token_file.read_text() == token
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    known = remembered(data_dir, url)
    assert known is not None and known.agent.id == "agent-7"
    assert known.server_id == live_server.server_id  # type: ignore[attr-defined]
    assert app.store is not None
    app.store.close()
    app.api.close()  # type: ignore[union-attr]


async def test_a_refused_token_is_explained_and_nothing_is_saved(
    app_factory: AppFactory, live_server: object, data_dir: Path
) -> None:
    app = app_factory(locale="en", store=None, agent=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, live_server.url, "not-a-token")  # type: ignore[attr-defined]
        assert isinstance(app.screen, SignInScreen)
        assert "refused" in message_of(app)
    assert not (data_dir / "token").exists()


async def test_empty_fields_name_the_field(app_factory: AppFactory) -> None:
    app = app_factory(locale="zh-CN", store=None, agent=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "http://127.0.0.1:9", "")
        assert message_of(app).startswith("令牌")
        await sign_in(app, pilot, "", "x")
        assert message_of(app).startswith("服务器地址")


async def test_api_down_with_a_known_agent_starts_offline_from_the_cache(
    settings: Settings, agent: Agent, data_dir: Path
) -> None:
    with AgentStore.open(data_dir, "server-1", agent.id) as cache:
        cache.save_queue(make_queue(QUEUE_SIZE), "etag-1")
    remember_agent(data_dir, settings.client.server_url, agent, "server-1")
    app = RevisitApp(settings, None, None, locale="en", clock=lambda: NOW, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, settings.client.server_url, "some-token")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert len(app.screen.shown) == QUEUE_SIZE
        assert app.figures.online is False
        assert [n for n in app._notifications if "working offline" in n.message]
    assert not (data_dir / "token").exists(), "an unchecked token is not saved"
    app.store.close()  # type: ignore[union-attr]
    app.api.close()  # type: ignore[union-attr]


def test_offline_without_a_cache_says_what_to_do(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command.start(settings, "en", offline=True) == 1
    assert "sign in once while the server is reachable" in capsys.readouterr().err


def test_tui_arguments() -> None:
    argv = ["tui", "--locale", "en", "--server", "http://h:1/", "--offline"]
    args = cli.build_parser(argv).parse_args(argv)
    assert (args.locale, args.server, args.offline) == ("en", "http://h:1/", True)


def test_start_opens_the_cache_of_the_remembered_agent_with_the_saved_token(
    settings: Settings, agent: Agent, data_dir: Path
) -> None:
    first = command.build_app(settings, "en")
    assert isinstance(first, RevisitApp) and first.store is None, "unknown agent: sign in"
    remember_agent(data_dir, settings.client.server_url, agent, "server-1")
    save_token(data_dir / "token", "saved-token")
    app = command.build_app(settings, "en")
    assert isinstance(app, RevisitApp)
    assert app.store is not None and app.api is not None and app.agent == agent
    app.store.close()
    app.api.close()
    offline = command.build_app(settings, "en", offline=True)
    assert isinstance(offline, RevisitApp) and offline.api is None
    offline.store.close()  # type: ignore[union-attr]


def test_a_token_file_others_can_read_is_refused(
    settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = data_dir / "token"
    token_file.write_text("t")
    token_file.chmod(0o644)
    assert command.build_app(settings, "en") == 2
    assert "chmod 600" in capsys.readouterr().err


async def test_a_configured_token_is_not_written_to_disk(
    app_factory: AppFactory, live_server: object, data_dir: Path, settings: Settings
) -> None:
    token = live_server.add_agent("agent-env")  # type: ignore[attr-defined]
    client = settings.client.model_copy(update={"server_url": live_server.url})  # type: ignore[attr-defined]
    configured = settings.model_copy(update={"client": client})
    app = app_factory(locale="en", store=None, agent=None, sign_in_token=token, settings=configured)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
    assert not (data_dir / "token").exists()
    assert app.store is not None
    app.store.close()


def test_saving_the_token_leaves_its_folders_mode_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    save_token(home / "revisit.token", "secret")
    assert stat.S_IMODE(home.stat().st_mode) == 0o755
    assert stat.S_IMODE((home / "revisit.token").stat().st_mode) == 0o600


async def test_localhost_and_127_0_0_1_open_one_store_and_a_second_session_is_refused(
    app_factory: AppFactory, live_server: object, data_dir: Path
) -> None:
    token = live_server.add_agent("agent-two-urls")  # type: ignore[attr-defined]
    numeric = live_server.url  # type: ignore[attr-defined]
    named = numeric.replace("127.0.0.1", "localhost")
    first = app_factory(locale="en", store=None, agent=None)
    async with first.run_test(size=(80, 24)) as pilot:
        await sign_in(first, pilot, numeric, token)
        assert isinstance(first.screen, QueueScreen)
    assert first.store is not None
    first.store.save_draft("t1", {"notes": "typed in the first session"})
    second = app_factory(locale="en", store=None, agent=None)
    async with second.run_test(size=(80, 24)) as pilot:
        await sign_in(second, pilot, named, token)
        assert isinstance(second.screen, SignInScreen), "the same agent's store is in use"
        assert "open in another revisit app" in message_of(second)
        assert "quit that one" in message_of(second)
    first.store.close()
    first.api.close()  # type: ignore[union-attr]
    third = app_factory(locale="en", store=None, agent=None)
    async with third.run_test(size=(80, 24)) as pilot:
        await sign_in(third, pilot, named, token)
        assert isinstance(third.screen, QueueScreen)
    assert third.store is not None and third.store.path == first.store.path
    assert third.store.draft("t1") == {"notes": "typed in the first session"}
    third.store.close()
    third.api.close()  # type: ignore[union-attr]


async def test_a_store_an_older_version_kept_by_url_moves_to_the_servers_id(
    settings: Settings, agent: Agent, live_server: object, data_dir: Path
) -> None:
    url = live_server.url  # type: ignore[attr-defined]
    token = live_server.add_agent(agent.id)  # type: ignore[attr-defined]
    client = settings.client.model_copy(update={"server_url": url, "token": token})
    configured = settings.model_copy(update={"client": client})
    (data_dir / "sessions.json").write_text(json.dumps({url: agent.model_dump(mode="json")}))
    with AgentStore.open(data_dir, None, agent.id, url=url) as old:
        old.save_draft("t1", {"notes": "typed before the upgrade"})
    app = command.build_app(configured, "en")
    assert isinstance(app, RevisitApp) and app.store is not None
    assert app.store.path == url_store_dir(data_dir, url, agent.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    app.store.close()
    app.api.close()  # type: ignore[union-attr]
    server_id = live_server.server_id  # type: ignore[attr-defined]
    assert remembered(data_dir, url) == Session(agent, server_id)
    again = command.build_app(configured, "en")
    assert isinstance(again, RevisitApp) and again.store is not None
    assert again.store.path == store_dir(data_dir, server_id, agent.id)
    assert again.store.draft("t1") == {"notes": "typed before the upgrade"}
    again.store.close()
    again.api.close()  # type: ignore[union-attr]
