"""Helpers for the supervisor scripts' tests: a supervisor on the real server, master data
builders, and a way to call a script's `main(argv)` in-process."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    Account,
    AccountType,
    Customer,
    CustomerType,
    Language,
)

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def load_script(name: str) -> ModuleType:
    """Import scripts/<name>.py as a module (scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(f"script_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Supervisor:
    """A supervisor's view of a live server: its token, a typed API and the script runner."""

    server: Any  # tests/conftest.py LiveServer
    token: str
    api: SupervisorApi

    def run(self, script: str, *argv: str, token: str | None = None) -> int:
        """Call scripts/<script>.py main() against this server with the supervisor's token."""
        args = ["--server", self.server.url, f"--token={token or self.token}", *argv]
        return int(load_script(script).main(args))

    def agent_api(self, agent_id: str, **profile: Any) -> ApiClient:
        """Add an agent and answer an API client holding their token."""
        return ApiClient(self.server.url, self.server.add_agent(agent_id, **profile), retries=0)


def customer(
    cid: str,
    *,
    language: Language = Language.ZH_CN,
    kind: CustomerType = CustomerType.PERSONAL,
    branch: str = "b1",
    **extra: Any,
) -> Customer:
    return Customer(id=cid, type=kind, name=f"客户{cid}", language=language, branch=branch, **extra)


def account(
    number: str,
    customer_id: str,
    opened_on: date,
    kind: AccountType = AccountType.PERSONAL_SAVINGS,
    **extra: Any,
) -> Account:
    return Account(
        number=number,
        customer_id=customer_id,
        type=kind,
        opened_on=opened_on,
        branch=extra.pop("branch", "b1"),
        **extra,
    )
