"""The wire as tests see it: what was sent, what the simulator logged, and a server that misbehaves on purpose."""

from __future__ import annotations

import contextlib
import itertools
import re
import socket
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Self

import httpx
import pytest


class RecordingTransport(httpx.HTTPTransport):
    """A real HTTP transport that also notes each answered XML-RPC call.

    It is a real HTTP transport: the call still reaches the switch. Digest
    challenges (401) are left out, so every entry is one call the switch
    acted on: ``(method, the call's struct)``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.encodings: list[str | None] = []
        """Each answered call's Content-Encoding, as it came over the wire."""
        self.sent: list[str] = []
        """Each request's method as it leaves, answered or not: a call cut off on its way is here too."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(xmlrpc.client.loads(request.content)[1] or "")
        response = super().handle_request(request)
        if response.status_code != 401:
            args, method = xmlrpc.client.loads(request.content)
            self.calls.append((method, args[0] if args else {}))
            self.encodings.append(response.headers.get("content-encoding"))
        return response

    def of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]



class ForwardingTransport(httpx.HTTPTransport):
    """Sends every request to ``target`` whatever host the client named.

    Lets the app be shown connected to a switch by name (for pictures that
    must not change with the simulator's port) while it talks to the
    simulator for real.
    """

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = httpx.URL(target)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme=self.target.scheme, host=self.target.host, port=self.target.port)
        request.headers["Host"] = self.target.netloc.decode("ascii")
        return super().handle_request(request)


def logged_line(capfd: pytest.CaptureFixture[str]) -> str:
    """The server's standard error once it holds a line: a call is logged just after its answer is sent."""
    err = ""
    deadline = time.monotonic() + 5
    while "\n" not in err and time.monotonic() < deadline:
        time.sleep(0.01)
        err += capfd.readouterr().err
    return err


Script = Callable[[bytes], Iterable[bytes | float]]
"""What a ``RawServer`` does with one request: bytes to send and seconds to wait, in order."""


class RawServer:
    """A loopback HTTP server that answers by running a script over the raw socket.

    For what no HTTP server library will do: send headers a byte at a time,
    ``100 Continue`` without end, a body that trickles, a Digest challenge
    httpx cannot answer. ``script(request)`` is run for each request (its
    head and body, as received) and may wait between writes; the connection
    is kept for the next request once it ends. Whatever the script, the
    connection is dropped after ``GIVE_UP_AFTER`` seconds, so a client with
    no deadline fails the test in a while instead of hanging it.
    """

    GIVE_UP_AFTER = 8.0

    def __init__(self, script: Script) -> None:
        self.script = script
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/xmlapi/xmlapi"
        self._connections: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]

    def __enter__(self) -> Self:
        self._threads[0].start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._threads[0].join()
        self._listener.close()
        for connection in self._connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in self._threads[1:]:
            thread.join()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._connections.append(connection)
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        give_up = time.monotonic() + self.GIVE_UP_AFTER
        connection.settimeout(self.GIVE_UP_AFTER)
        with connection, contextlib.suppress(OSError):
            pending = b""
            while True:
                request, pending = _read_request(connection, pending)
                if not request:
                    return
                for step in self.script(request):
                    if self._stopping.is_set() or time.monotonic() > give_up:
                        return
                    if isinstance(step, float):
                        self._stopping.wait(step)
                    else:
                        connection.sendall(step)


def _read_request(connection: socket.socket, pending: bytes) -> tuple[bytes, bytes]:
    """One request (head and body) from ``connection``, and what came after it; empty if it closed."""
    while b"\r\n\r\n" not in pending:
        data = connection.recv(65536)
        if not data:
            return b"", b""
        pending += data
    head, _, rest = pending.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    size = int(length.group(1)) if length else 0
    while len(rest) < size:
        data = connection.recv(65536)
        if not data:
            return b"", b""
        rest += data
    return head + b"\r\n\r\n" + rest[:size], rest[size:]


def trickle(head: bytes, drip: bytes, every: float = 0.05) -> Script:
    """A script that sends ``head``, then ``drip`` one byte at a time, ``every`` seconds, without end."""

    def script(request: bytes) -> Iterator[bytes | float]:
        yield head
        for byte in itertools.cycle(drip):
            yield every
            yield bytes([byte])

    return script
