"""HTTP/1.1 framing of the simulator's one endpoint: connections in, answers out.

It speaks what a real switch speaks on the wire (keep-alive, gzip, TLS, plain
refusals of wrong paths, verbs and sizes) so that the client's transport code
is exercised for real, and hands every well-framed POST to the endpoint to a
callback that decides what to answer. Each answer leaves in a single write
with Nagle's algorithm off: a status line and headers sent apart from the
body would otherwise wait for the peer's delayed ACK, about 40 ms per call.
Only a long answer, which is sent as it is made (``Transfer-Encoding:
chunked``, gzipped as it goes when the client accepts gzip) so that its
first byte leaves at once, and the failure modes that are about a body
arriving in pieces (HUGE, SLOW_BODY, RESET_MID_BODY) write more than once;
the status line and headers always go with the first piece of the body.

Left running, it must outlast clients that hold connections open: at most
``max_connections`` are served at once (others wait in the listen backlog),
and a request must arrive whole, headers and body, within
``request_timeout``, so a client trickling bytes is dropped instead of
holding a thread for minutes. A kept-alive connection may idle up to
``IDLE_TIMEOUT`` between requests, but not while a new client waits for
room: then the one idle longest is closed.
"""

from __future__ import annotations

import gzip
import io
import itertools
import math
import socket
import ssl
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from trunktui.simulator.log import log_exception

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

XMLAPI_PATH = "/xmlapi/xmlapi"
SERVER_NAME = "SippySimulator/1.0"
MAX_BODY = 1 << 20
MAX_DRAINED_BODY = 64 << 20
GZIP_THRESHOLD = 1024
# Levels 1 to 3 cost the same here (about 23 ms for a 14 MB trunk list, 0.07 ms
# for 80 KB); 3 is 14% smaller than 1, and 4 and up take twice as long.
GZIP_LEVEL = 3
STREAM_THRESHOLD = 64 << 10
"""Bytes of an answer past which it is sent in chunks as it is made, not whole with its length."""
IDLE_TIMEOUT = 120.0
REQUEST_TIMEOUT = 10.0
MAX_CONNECTIONS = 100

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

    ``answer`` gets every POST to the endpoint with its body. At most
    ``max_connections`` are served at once; each request (and the TLS
    handshake) must arrive within ``request_timeout`` seconds. Open
    connections are tracked so that ``server_close`` can drop idle
    keep-alive ones, and idle ones so that a new client need not wait for
    a connection that is only kept in case.
    """

    daemon_threads = True
    timeout = 1.0

    def __init__(
        self,
        address: tuple[str, int],
        answer: Answerer,
        ssl_context: ssl.SSLContext | None,
        *,
        max_connections: int = MAX_CONNECTIONS,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self.answer = answer
        self.ssl_context = ssl_context
        self.max_connections = max_connections
        self.request_timeout = request_timeout
        self._lock = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._idle: dict[socket.socket, None] = {}
        self._making_room = False
        self._served = 0
        self._accepting = True
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a thread of its own once fewer than ``max_connections`` are served.

        Until then nothing more is accepted, so further clients wait in the
        listen backlog instead of each holding a thread; a connection that
        is idle, or the first to become so, is closed to make room.
        """
        with self._lock:
            while self._served >= self.max_connections and self._accepting:
                self._make_room()
                self._lock.wait()
            if not self._accepting:
                self.shutdown_request(request)
                return
            self._served += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._leave()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._leave()

    def _leave(self) -> None:
        with self._lock:
            self._served -= 1
            self._making_room = False
            self._lock.notify()

    def _make_room(self) -> None:
        """Close the connection idle longest, unless one closed for room has yet to leave. Hold the lock."""
        if self._making_room or not self._idle:
            return
        connection = next(iter(self._idle))
        del self._idle[connection]
        self._making_room = True
        with suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)

    @contextmanager
    def idle(self, connection: socket.socket) -> Iterator[None]:
        """While inside, ``connection`` waits for its next request and may be closed to make room."""
        with self._lock:
            self._idle[connection] = None
            self._lock.notify()
        try:
            yield
        finally:
            with self._lock:
                self._idle.pop(connection, None)

    def stop_accepting(self) -> None:
        """Give up waiting for a connection to end, so that serving can stop."""
        with self._lock:
            self._accepting = False
            self._lock.notify_all()

    def finish_request(self, request: Any, client_address: Any) -> None:
        context = self.ssl_context
        if context is not None:
            request.settimeout(self.request_timeout)
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


class _DeadlineReader(io.RawIOBase):
    """Reads a connection so that a request has to arrive by ``deadline`` (``time.monotonic``).

    A socket timeout bounds each read alone, which a client sending a byte
    at a time never meets; here each read waits only for what is left of the
    deadline. Between reads the timeout is ``IDLE_TIMEOUT`` again, for the
    writes of the answer.
    """

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._connection.settimeout(min(left, IDLE_TIMEOUT))
        try:
            return self._connection.recv_into(buffer)
        finally:
            self._connection.settimeout(IDLE_TIMEOUT)


class Handler(BaseHTTPRequestHandler):
    """One connection: reads requests off it and writes whole answers to it."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    server: HttpServer
    rfile: io.BufferedReader

    def setup(self) -> None:
        """Read the connection through a ``_DeadlineReader`` rather than the socket's own file."""
        super().setup()
        self.rfile.close()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle(self) -> None:
        """Answer requests until the connection closes.

        Each request has ``request_timeout`` to arrive, counted from the
        connection for the first and from its first byte for the others: a
        kept-alive connection may wait up to ``IDLE_TIMEOUT`` for its next
        request, but not take longer to send it.
        """
        self.close_connection = True
        self._reader.deadline = time.monotonic() + self.server.request_timeout
        self.handle_one_request()
        while not self.close_connection and self._next_request_begins():
            self._reader.deadline = time.monotonic() + self.server.request_timeout
            self.handle_one_request()

    def _next_request_begins(self) -> bool:
        """Wait for the first byte of another request; False if the client closes, stays idle or is closed for room."""
        self._reader.deadline = math.inf
        with self.server.idle(self.connection):
            try:
                return bool(self.rfile.peek(1))
            except OSError:
                return False

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
        if self.headers.get("Transfer-Encoding") or not (length.isascii() and length.isdigit()):
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

    def send_xml(self, body: bytes | Iterable[bytes]) -> None:
        """Send an XML-RPC answer, whole or in the pieces it is made in.

        An answer whose pieces add up to more than ``STREAM_THRESHOLD`` is
        sent chunked, each piece as soon as it is made; any other is sent
        whole, gzipped when it is large and the client accepts gzip (and so
        is any answer to an HTTP/1.0 client, which cannot read chunks). A
        piece that fails to be made once the answer has started ends the
        connection, cutting the answer off.
        """
        pieces = iter((body,) if isinstance(body, bytes) else body)
        held: list[bytes] = []
        size = 0
        for piece in pieces:
            held.append(piece)
            size += len(piece)
            if size > STREAM_THRESHOLD and self.request_version == "HTTP/1.1":
                self._send_chunked_xml(itertools.chain([b"".join(held)], pieces))
                return
        self._send_whole_xml(b"".join(held))

    def _send_whole_xml(self, body: bytes) -> None:
        headers: dict[str, str] = {}
        if len(body) > GZIP_THRESHOLD and accepts_gzip(self.headers.get("Accept-Encoding")):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
        self.send(200, "text/xml", body, headers=headers)

    def _send_chunked_xml(self, pieces: Iterable[bytes]) -> None:
        headers: dict[str, str] = {}
        compressor = None
        if accepts_gzip(self.headers.get("Accept-Encoding")):
            compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
        headers["Transfer-Encoding"] = "chunked"
        head = self.head(200, "text/xml", None, headers=headers)
        try:
            for piece in pieces:
                if compressor is not None:
                    piece = compressor.compress(piece) + compressor.flush(zlib.Z_SYNC_FLUSH)
                self.wfile.write(head + _chunk(piece))
                head = b""
            end = compressor.flush() if compressor is not None else b""
            self.wfile.write(_chunk(end) + b"0\r\n\r\n")
        except BaseException:
            self.close_connection = True
            raise

    def send(
        self, status: int, content_type: str, body: bytes, *, headers: dict[str, str] | None = None, close: bool = False
    ) -> None:
        """Send status line, headers and body with one ``sendall``."""
        head = self.head(status, content_type, len(body), headers=headers, close=close)
        self.wfile.write(head if self.command == "HEAD" else head + body)

    def head(
        self, status: int, content_type: str, length: int | None, *, headers: dict[str, str] | None = None,
        close: bool = False,
    ) -> bytes:
        """The status line and headers of an answer of ``length`` bytes (None: chunked, told in ``headers``)."""
        lines = [
            f"{self.protocol_version} {status} {HTTPStatus(status).phrase}",
            f"Server: {SERVER_NAME}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {content_type}",
            *([] if length is None else [f"Content-Length: {length}"]),
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


def _chunk(data: bytes) -> bytes:
    """``data`` as one chunk of a chunked body; nothing for no data, since an empty chunk ends the body."""
    return b"%x\r\n%b\r\n" % (len(data), data) if data else b""
