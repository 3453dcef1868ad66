"""HTTP/1.1 framing of the simulator's one endpoint: connections in, answers out.

It speaks what a real switch speaks on the wire (keep-alive, gzip, TLS, plain
refusals of wrong paths, verbs and sizes) so that the client's transport code
is exercised for real, and hands every well-framed POST to the endpoint to a
callback that decides what to answer. Each answer leaves in a single write
with Nagle's algorithm off: a status line and headers sent apart from the
body would otherwise wait for the peer's delayed ACK, about 40 ms per call.
Only the failure modes that are about a body arriving in pieces (HUGE,
SLOW_BODY, RESET_MID_BODY) write more than once.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import struct
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from trunktui.simulator.log import log_exception

XMLAPI_PATH = "/xmlapi/xmlapi"
SERVER_NAME = "SippySimulator/1.0"
MAX_BODY = 1 << 20
MAX_DRAINED_BODY = 64 << 20
GZIP_THRESHOLD = 1024
# Levels 1 to 3 cost the same here (about 23 ms for a 14 MB trunk list, 0.07 ms
# for 80 KB); 3 is 14% smaller than 1, and 4 and up take twice as long.
GZIP_LEVEL = 3
IDLE_TIMEOUT = 120.0

Answerer = Callable[["Handler", bytes], None]


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 q-values)."""
    qualities: dict[str, float] = {}
    for part in (accept_encoding or "").split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        if coding:
            qualities[coding.lower()] = _quality(params)
    return qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0.0))) > 0


def _quality(params: list[str]) -> float:
    """The q-value among a coding's parameters: 1 when absent, 0 when unreadable."""
    quality = 1.0
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return quality


class HttpServer(ThreadingHTTPServer):
    """Serves each connection in a daemon thread, doing the TLS handshake there.

    ``answer`` gets every POST to the endpoint with its body. Open connections
    are tracked so that ``server_close`` can drop idle keep-alive ones.
    """

    daemon_threads = True
    timeout = 1.0

    def __init__(self, address: tuple[str, int], answer: Answerer, ssl_context: ssl.SSLContext | None) -> None:
        self.answer = answer
        self.ssl_context = ssl_context
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        context = self.ssl_context
        if context is not None:
            request.settimeout(IDLE_TIMEOUT)
            try:
                request = context.wrap_socket(request, server_side=True)
            except OSError:
                return
        self._track(request, open_=True)
        try:
            Handler(request, client_address, self)
        finally:
            self._track(request, open_=False)
            if context is not None:
                request.close()

    def _track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def server_close(self) -> None:
        """Drop open keep-alive connections, then free the port."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, OSError):
            log_exception(error)


class Handler(BaseHTTPRequestHandler):
    """One connection: reads requests off it and writes whole answers to it."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    server: HttpServer

    def version_string(self) -> str:
        return SERVER_NAME

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the simulator logs calls itself when verbose."""

    def __getattr__(self, name: str) -> Callable[[], None]:
        """Any verb but POST gets 405 (404 off the endpoint) instead of 501."""
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        if urlsplit(self.path).path != XMLAPI_PATH:
            self.send_plain(404, "Not Found", close=True)
        else:
            self.send_plain(405, "Method Not Allowed", close=True, headers={"Allow": "POST"})

    def do_POST(self) -> None:
        if urlsplit(self.path).path != XMLAPI_PATH:
            self.send_plain(404, "Not Found", close=True)
            return
        body = self._read_body()
        if body is not None:
            self.server.answer(self, body)

    def _read_body(self) -> bytes | None:
        """The request body, or None once the request has been refused for its size or framing."""
        length = self.headers.get("Content-Length", "")
        if self.headers.get("Transfer-Encoding") or not length.isdigit():
            self.send_plain(411, "Length Required", close=True)
            return None
        size = int(length)
        if size > MAX_BODY:
            self._drain(size)
            self.send_plain(413, "Content Too Large", close=True)
            return None
        return self.rfile.read(size)

    def _drain(self, size: int) -> None:
        """Read and drop a body too large to serve, so the client sees the 413 and not a reset."""
        while 0 < size <= MAX_DRAINED_BODY:
            chunk = self.rfile.read(min(size, 1 << 16))
            if not chunk:
                break
            size -= len(chunk)

    def send_plain(
        self, status: int, text: str, *, close: bool = False, headers: dict[str, str] | None = None
    ) -> None:
        self.send(status, "text/plain; charset=utf-8", (text + "\n").encode(), headers=headers, close=close)

    def send_xml(self, body: bytes) -> None:
        """Send an XML-RPC answer, gzipped when it is large and the client accepts gzip."""
        headers: dict[str, str] = {}
        if len(body) > GZIP_THRESHOLD and accepts_gzip(self.headers.get("Accept-Encoding")):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
        self.send(200, "text/xml", body, headers=headers)

    def send(
        self, status: int, content_type: str, body: bytes, *, headers: dict[str, str] | None = None, close: bool = False
    ) -> None:
        """Send status line, headers and body with one ``sendall``."""
        head = self.head(status, content_type, len(body), headers=headers, close=close)
        self.wfile.write(head if self.command == "HEAD" else head + body)

    def head(
        self, status: int, content_type: str, length: int, *, headers: dict[str, str] | None = None, close: bool = False
    ) -> bytes:
        """The status line and headers of an answer of ``length`` bytes, ready to write."""
        lines = [
            f"{self.protocol_version} {status} {HTTPStatus(status).phrase}",
            f"Server: {SERVER_NAME}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {content_type}",
            f"Content-Length: {length}",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        if close:
            lines.append("Connection: close")
            self.close_connection = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def reset(self) -> None:
        """Drop the connection with a TCP reset once the request is handled; nothing more is sent."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
