"""The production shape on one machine, from the files in docs/deploy/: a test CA and its
certificate (openssl), `revisit serve` nodes started from the systemd unit's Environment= and
ExecStart= lines, and nginx running the site config, each rendered with free loopback ports
and temporary paths. Used by tests/deploy/test_deployment.py and bench/bench_proxy.py.

A line of docs/deploy/ that the rendering expects and no longer finds is an error naming it:
the examples cannot drift from what is tested.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from revisit_tui.server.process import ServerProcess, free_port

DEPLOY_DOCS = Path(__file__).resolve().parents[2] / "docs" / "deploy"
SITE = DEPLOY_DOCS / "nginx-revisit.conf"
NODE_UNIT = DEPLOY_DOCS / "revisit-api@.service"
REVISIT_BINARY = "/opt/revisit/venv/bin/revisit"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class DocsChanged(AssertionError):
    """docs/deploy/ no longer holds a line the rendering replaces."""


def render(text: str, replacements: dict[str, str], source: Path) -> str:
    """Replace each literal of `replacements` (it must be there) in text."""
    for literal, value in replacements.items():
        if literal not in text:
            raise DocsChanged(f"{source.name} no longer contains {literal!r}: update the test")
        text = text.replace(literal, value)
    return text


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


@dataclass(frozen=True)
class Certificates:
    """A CA and a server certificate it issued for localhost and 127.0.0.1."""

    ca: Path
    cert: Path
    key: Path


def make_certificates(directory: Path, name: str) -> Certificates:
    """A fresh CA called `name` and a server certificate from it (EC P-256, 2 days)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca = directory / f"{name}-ca.key", directory / f"{name}-ca.pem"
    key, csr, cert = directory / f"{name}.key", directory / f"{name}.csr", directory / f"{name}.crt"
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req", "-x509", *curve, "-keyout", ca_key, "-out", ca, "-days", "2",
        "-subj", f"/CN={name} test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    _openssl("req", *curve, "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    extensions = directory / f"{name}.ext"
    extensions.write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", extensions,
    )  # fmt: skip
    key.chmod(0o600)
    return Certificates(ca=ca, cert=cert, key=key)


class UnitNode(ServerProcess):
    """A `revisit serve` node as docs/deploy/revisit-api@.service starts it, on `port`."""

    def __init__(self, db_url: str, port: int, runtime: Path) -> None:
        self.runtime = runtime
        environment, self._exec = self._read_unit(port, runtime)
        super().__init__(db_url, port=port, env={**environment, "REVISIT_SERVER_DB": db_url})

    def _read_unit(self, port: int, runtime: Path) -> tuple[dict[str, str], list[str]]:
        text = render(
            NODE_UNIT.read_text(),
            {
                "%i": str(port),
                "/run/revisit-api-": f"{runtime}/revisit-api-",
                "/etc/revisit/config.toml": os.devnull,
                REVISIT_BINARY: shlex.join([sys.executable, "-m", "revisit_tui.cli"]),
            },
            NODE_UNIT,
        )
        environment: dict[str, str] = {}
        command: list[str] = []
        for line in text.splitlines():
            key, _, value = line.partition("=")
            if key == "Environment":
                name, _, setting = value.partition("=")
                environment[name] = setting
            elif key == "ExecStart":
                command = shlex.split(value)
        if not command:
            raise DocsChanged(f"{NODE_UNIT.name} has no ExecStart=")
        return environment, command

    def command(self) -> list[str]:
        return self._exec

    def start(self, timeout: float = 30) -> ServerProcess:
        # systemd's RuntimeDirectory=: made before each start
        for name, value in self.env.items():
            if name == "PROMETHEUS_MULTIPROC_DIR":
                Path(value).mkdir(parents=True, exist_ok=True)
        return super().start(timeout)


class Nginx:
    """nginx in the foreground with its own prefix, running docs/deploy/nginx-revisit.conf."""

    def __init__(
        self,
        prefix: Path,
        certificates: Certificates,
        node_ports: tuple[int, int],
        worker_processes: int = 1,
        worker_connections: int = 1024,
    ) -> None:
        self.prefix = prefix
        self.port = free_port()
        self.certificates = certificates
        self.node_ports = node_ports
        self.worker_processes = worker_processes
        self.worker_connections = worker_connections
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def write_config(self) -> Path:
        p = self.prefix
        p.mkdir(parents=True, exist_ok=True)
        site = render(
            SITE.read_text(),
            {
                "listen 443 ssl;": f"listen 127.0.0.1:{self.port} ssl;",
                "server 127.0.0.1:8701 ": f"server 127.0.0.1:{self.node_ports[0]} ",
                "server 127.0.0.1:8702 ": f"server 127.0.0.1:{self.node_ports[1]} ",
                "/etc/revisit/tls/revisit.crt": str(self.certificates.cert),
                "/etc/revisit/tls/revisit.key": str(self.certificates.key),
                "/var/log/nginx/revisit-error.log": str(p / "revisit-error.log"),
            },
            SITE,
        )
        (p / "revisit.conf").write_text(site)
        user = "user root;" if os.geteuid() == 0 else ""  # workers must read the tmp prefix
        temp = " ".join(
            f"{kind}_temp_path {p / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        main = p / "nginx.conf"
        main.write_text(
            f"daemon off;\n{user}\nworker_processes {self.worker_processes};\n"
            f"pid {p / 'nginx.pid'};\nerror_log {p / 'error.log'} warn;\n"
            f"events {{ worker_connections {self.worker_connections}; }}\n"
            f"http {{\n    {temp}\n    include {p / 'revisit.conf'};\n}}\n"
        )
        return main

    def start(self, timeout: float = 15) -> Nginx:
        main = self.write_config()
        base = [
            NGINX,
            "-p",
            str(self.prefix),
            "-e",
            str(self.prefix / "error.log"),
            "-c",
            str(main),
        ]
        checked = subprocess.run([*base, "-t"], capture_output=True, text=True, check=False)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the config:\n{checked.stderr}")
        self.process = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def trusting(ca: Path) -> ssl.SSLContext:
    """An SSL context that trusts only `ca` (for plain httpx calls in tests)."""
    return ssl.create_default_context(cafile=str(ca))
