"""The `supervisor` fixture: a supervisor's token and typed API on a fresh real server."""

from __future__ import annotations

import os
from typing import Any

import pytest
from supervision import Supervisor

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import Role


@pytest.fixture
def supervisor(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Supervisor:
    monkeypatch.delenv("REVISIT_SUPERVISOR_TOKEN", raising=False)
    monkeypatch.setenv("REVISIT_CONFIG", os.devnull)  # the defaults, whatever ./config.toml says
    monkeypatch.setenv("REVISIT_SUPERVISOR_TIMEZONE", "UTC")  # periods as the tests count them
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the commands print English unless a test asks
    token = live_server.add_agent("boss", role=Role.SUPERVISOR)
    return Supervisor(live_server, token, SupervisorApi(ApiClient(live_server.url, token)))
