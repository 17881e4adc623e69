"""A TCP proxy on 127.0.0.1 that drops, cuts, delays and refuses connections to a real server
(and, given a TLS context, terminates TLS in front of it).

Each accepted connection gets a fate, drawn from a seeded random generator:
- drop: reset at once, before anything reaches the server;
- cut: the request reaches the server, the answer is thrown away and the connection reset
  (the server did the work, the client never heard) — the case that tests idempotency;
- forward: relayed both ways, after `delay` seconds, for at most `lifetime` seconds.
`busy(n, retry_after)` makes the next n connections answer 503 with Retry-After, like a
gateway in front of an overloaded server. An unreachable server resets the connection.
"""

from __future__ import annotations

import random
import select
import socket
import ssl
import struct
import threading
import time
from types import TracebackType

BUSY_ANSWER = (
    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {retry_after}\r\n"
    "Content-Length: 0\r\nConnection: close\r\n\r\n"
)


class FaultyProxy:
    """`with FaultyProxy(server_port, drop=0.2) as proxy: ... proxy.url ...`"""

    def __init__(
        self,
        upstream_port: int,
        *,
        drop: float = 0.0,
        cut: float = 0.0,
        delay: float = 0.0,
        lifetime: float | None = None,
        seed: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.upstream_port = upstream_port
        self.tls = tls
        self.drop = drop
        self.cut = cut
        self.delay = delay
        self.lifetime = lifetime
        self.connections = 0
        self.dropped = 0
        self.cuts = 0
        self._busy_left = 0
        self._retry_after = 0
        self._rng = random.Random(seed)
        self._relaying: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def busy(self, connections: int, retry_after: int) -> None:
        """Close the open connections and answer the next `connections` ones with 503 and
        Retry-After."""
        with self._lock:
            self._busy_left = connections
            self._retry_after = retry_after
            for sock in self._relaying:
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> FaultyProxy:
        self._acceptor.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stopped.set()
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        self._acceptor.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                roll = self._rng.random()
                busy = self._busy_left > 0
                self._busy_left -= busy
            threading.Thread(target=self._serve, args=(client, roll, busy), daemon=True).start()

    def _serve(self, client: socket.socket, roll: float, busy: bool) -> None:
        if self.tls is not None:
            try:
                client = self.tls.wrap_socket(client, server_side=True)
            except (OSError, ssl.SSLError):
                client.close()  # the client refused our certificate
                return
        if busy:
            _read_head(client)
            client.sendall(BUSY_ANSWER.format(retry_after=self._retry_after).encode())
            client.close()
            return
        if roll < self.drop:
            with self._lock:
                self.dropped += 1
            _reset(client)
            return
        time.sleep(self.delay)
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=2)
        except OSError:
            _reset(client)
            return
        self._relay(client, upstream, cut=roll < self.drop + self.cut)

    def _relay(self, client: socket.socket, upstream: socket.socket, cut: bool) -> None:
        """Relay until either side closes (then close cleanly) or the connection is cut or
        outlives its lifetime (then reset it). `cuts` counts the resets that fell between a
        request reaching the server and its answer reaching the client."""
        deadline = time.monotonic() + self.lifetime if self.lifetime else float("inf")
        clean = False
        awaiting_answer = False
        with self._lock:
            self._relaying.add(client)
        try:
            while not self._stopped.is_set() and time.monotonic() < deadline:
                ready, _, _ = select.select([client, upstream], [], [], 0.1)
                if isinstance(client, ssl.SSLSocket) and client.pending():
                    ready.append(client)  # decrypted bytes select() cannot see
                for sock in dict.fromkeys(ready):
                    data = sock.recv(65536)
                    if not data:
                        clean = True
                        return
                    if sock is upstream and cut:
                        return
                    (upstream if sock is client else client).sendall(data)
                    awaiting_answer = sock is client
        except OSError:
            return
        finally:
            with self._lock:
                self._relaying.discard(client)
                self.cuts += not clean and awaiting_answer
            if clean:
                client.close()
            else:
                _reset(client)
            upstream.close()


def _read_head(sock: socket.socket) -> None:
    data = b""
    sock.settimeout(2)
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return
        data += chunk


def _reset(sock: socket.socket) -> None:
    """Close with RST, as a crashed peer or a dropping middlebox would."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass
