"""Sign-in: server URL and token, checked against who-am-I in a worker; the token is then
saved (mode 0600) and the agent remembered for this server, so later starts work offline."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.session import (
    remember_agent,
    remembered,
    save_token,
    token_path,
)
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.status_line import StatusLine
from revisit_tui.domain.models import Agent


class SignedIn(Message):
    """The token was accepted (or the server is down and this server's cache is known: the
    first sync round then fails and the app says it works offline)."""

    def __init__(self, api: Any, agent: Agent, store: Any) -> None:
        super().__init__()
        self.api, self.agent, self.store = api, agent, store


class SignInFailed(Message):
    """`key` names the message (a locale key), `reason` the server's or the network's words."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__()
        self.key, self.reason = key, reason


class SignInScreen(LocalizedScreen[None]):
    """Asks for the server and the token; `token` given: checks it at once."""

    CSS_PATH = "signin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "key.sign_in", tooltip="hint.sign_in", id="signin.submit"),
    ]

    def __init__(self, token: str = "") -> None:
        super().__init__()
        self.initial_token = token
        self.checking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            yield Static(id="signin-title")
            yield Static(id="signin-server-label")
            yield Input(self.shell.settings.client.server_url, id="signin-server")
            yield Static(id="signin-token-label")
            yield Input(self.initial_token, password=True, id="signin-token")
            yield Prose(id="signin-message")
        yield StatusLine()
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.relabel()
        self.set_focus(self.query_one("#signin-token", Input))
        if self.initial_token:
            self.action_submit()

    def relabel(self) -> None:
        self.query_one("#signin-title", Static).update(
            self.t("app.title") + " · " + self.t("signin.title")
        )
        self.query_one("#signin-server-label", Static).update(self.t("signin.server"))
        self.query_one("#signin-token-label", Static).update(self.t("signin.token"))

    def say(self, text: str, problem: bool = False) -> None:
        """Show a message under the form."""
        message = self.query_one("#signin-message", Prose)
        message.update(text)
        message.set_class(problem, "-problem")

    @on(Input.Submitted, "#signin-server")
    def _server_entered(self) -> None:
        self.set_focus(self.query_one("#signin-token", Input))

    @on(Input.Submitted, "#signin-token")
    def _token_entered(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        """Check the token with the server (in a worker: the form stays responsive)."""
        if self.checking:
            return
        server = self.query_one("#signin-server", Input).value.strip().rstrip("/")
        token = self.query_one("#signin-token", Input).value.strip()
        if not server:
            self.say(self.t("signin.need_server"), problem=True)
            self.set_focus(self.query_one("#signin-server", Input))
            return
        if not token:
            self.say(self.t("signin.need_token"), problem=True)
            self.set_focus(self.query_one("#signin-token", Input))
            return
        self.checking = True
        self.say(self.t("signin.checking"))
        self._check(server, token)

    @work(thread=True, exit_on_error=False, group="signin")
    def _check(self, server: str, token: str) -> None:
        from revisit_tui.app.background import Abandoned, abandonable
        from revisit_tui.client.api import ApiClient, ApiError, Unreachable
        from revisit_tui.client.store import AgentStore, StoreBusy

        settings = self.shell.settings.client
        data_dir = self.shell.data_dir
        assert data_dir is not None
        api = ApiClient(
            server,
            token,
            verify=settings.ca_bundle or settings.verify_tls,
            timeout=settings.timeout_seconds,
            retries=settings.retries,
        )
        try:
            me = abandonable(api.me, "sign-in")
        except Abandoned:  # quitting: the client goes with the process
            return
        except ApiError as exc:
            api.close()
            self.post_message(SignInFailed("signin.refused", exc.reason))
            return
        except Unreachable as exc:
            known = remembered(data_dir, server)
            if known is None:
                api.close()
                self.post_message(SignInFailed("signin.unreachable", str(exc)))
                return
            agent, server_id = known.agent, known.server_id
        else:
            agent, server_id = me.agent, me.server_id
            # a token the agent typed is kept for the next start; a configured one (env,
            # config, token file) is not copied to disk
            if token != self.initial_token:
                save_token(token_path(self.shell.settings, data_dir), token)
            remember_agent(data_dir, server, agent, server_id)
        try:
            store = AgentStore.open(data_dir, server_id, agent.id, url=server)
        except StoreBusy as exc:
            api.close()
            self.post_message(SignInFailed("signin.busy", str(exc)))
            return
        self.post_message(SignedIn(api, agent, store))

    def on_signed_in(self, message: SignedIn) -> None:
        self.checking = False
        self.shell.signed_in(message.api, message.agent, message.store)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "signin" and event.state is WorkerState.ERROR:
            self.checking = False
            self.say(self.t("signin.unreachable", reason=str(event.worker.error)), problem=True)

    def on_sign_in_failed(self, message: SignInFailed) -> None:
        self.checking = False
        self.say(self.t(message.key, reason=message.reason), problem=True)
