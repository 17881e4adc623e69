"""ApiClient against the real server: typed answers, 4xx never retried, network trouble and
5xx/429 retried with backoff (Retry-After honoured), then Unreachable."""

from __future__ import annotations

import os
import ssl
import subprocess
from pathlib import Path

import pytest
from faulty_proxy import FaultyProxy

from revisit_tui.client.api import ApiClient, ApiError, TokenError, Unreachable, load_token
from revisit_tui.config import ClientSettings, ConfigError, Settings
from revisit_tui.server.process import free_port


class Waits(list[float]):
    """Records the waits the client asked for instead of sleeping them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_me_names_the_agent_of_the_token(module_live_server) -> None:
    token = module_live_server.add_agent("api-me")
    with ApiClient(module_live_server.url, token) as api:
        assert api.me().agent.id == "api-me"
        assert api.health()["status"] == "ok"


def test_a_refused_token_is_an_api_error_at_once(module_live_server) -> None:
    waits = Waits()
    with (
        FaultyProxy(port_of(module_live_server.url)) as proxy,
        ApiClient(proxy.url, "not-a-token", sleep=waits) as api,
    ):
        with pytest.raises(ApiError) as refused:
            api.me()
        assert refused.value.status == 401
        assert refused.value.problem is not None and refused.value.reason
        assert waits == [] and proxy.connections == 1


def test_connection_errors_are_retried_with_growing_waits_then_unreachable() -> None:
    waits = Waits()
    with (
        ApiClient(f"http://127.0.0.1:{free_port()}", "t", retries=3, sleep=waits) as api,
        pytest.raises(Unreachable, match="GET /v1/me"),
    ):
        api.me()
    assert len(waits) == 3
    assert all(0 <= wait <= 0.25 * 2**attempt for attempt, wait in enumerate(waits))


def test_a_busy_server_is_waited_out_as_its_retry_after_says(module_live_server) -> None:
    waits = Waits()
    with (
        FaultyProxy(port_of(module_live_server.url)) as proxy,
        ApiClient(proxy.url, "t", retries=3, sleep=waits) as api,
    ):
        proxy.busy(2, retry_after=3)
        assert api.health()["status"] == "ok"
        assert len(waits) == 2 and all(wait >= 3 for wait in waits)
        assert proxy.connections == 3


def test_a_busy_server_beyond_the_retries_is_unreachable(module_live_server) -> None:
    with (
        FaultyProxy(port_of(module_live_server.url)) as proxy,
        ApiClient(proxy.url, "t", retries=2, sleep=Waits()) as api,
    ):
        proxy.busy(3, retry_after=1)
        with pytest.raises(Unreachable, match="HTTP 503"):
            api.health()
        assert proxy.connections == 3


def test_dropped_and_cut_connections_are_retried_until_an_answer(module_live_server) -> None:
    token = module_live_server.add_agent("api-drops")
    with (
        FaultyProxy(port_of(module_live_server.url), drop=0.3, cut=0.3, seed=3) as proxy,
        ApiClient(proxy.url, token, retries=10, sleep=Waits()) as api,
    ):
        for _ in range(10):
            assert api.me().agent.id == "api-drops"
        assert proxy.dropped + proxy.cuts > 0


def test_the_token_comes_from_the_environment_then_config_then_file(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    token_file.chmod(0o600)
    settings = ClientSettings(token_file=str(token_file))
    assert load_token(settings, environ={}) == "from-file"
    assert load_token(settings, environ={"REVISIT_CLIENT_TOKEN": "from-env"}) == "from-env"
    assert load_token(ClientSettings(token="inline"), environ={}) == "inline"


def test_a_token_file_others_can_read_is_refused(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("secret")
    os.chmod(token_file, 0o644)
    with pytest.raises(TokenError, match="chmod 600"):
        load_token(ClientSettings(token_file=str(token_file)), environ={})


def test_no_token_says_how_to_configure_one(tmp_path: Path) -> None:
    with pytest.raises(TokenError, match="token_file"):
        load_token(ClientSettings(), environ={})
    with pytest.raises(TokenError, match="token-missing"):
        load_token(ClientSettings(token_file=str(tmp_path / "token-missing")), environ={})


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_is_verified_by_default_and_a_ca_bundle_is_trusted(
    module_live_server, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    waits = Waits()
    with FaultyProxy(port_of(module_live_server.url), tls=context) as proxy:
        with (
            ApiClient(proxy.url, "t", sleep=waits) as api,
            pytest.raises(Unreachable, match="ca_bundle"),
        ):
            api.health()
        assert waits == []  # an untrusted certificate is not retried
        settings = Settings(client=ClientSettings(server_url=proxy.url, ca_bundle=str(cert)))
        with ApiClient.from_settings(settings, token="t") as api:
            assert api.health()["status"] == "ok"


def test_a_missing_ca_bundle_is_a_clear_configuration_error(tmp_path: Path) -> None:
    settings = Settings(client=ClientSettings(ca_bundle=str(tmp_path / "bank-ca.pem")))
    with pytest.raises(ConfigError, match=r"ca_bundle: cannot use .*bank-ca\.pem"):
        ApiClient.from_settings(settings, token="t")
