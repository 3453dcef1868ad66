"""The HTTP side of the simulator: Sippy's one XML-RPC endpoint over HTTP/1.1.

It speaks what a real switch speaks on the wire (Digest challenges, trusted
hosts, keep-alive, gzip, faults as HTTP 200) so that the client's transport
code is exercised for real, and it can misbehave on demand through
``Knobs``. Each answer leaves in a single write with Nagle's algorithm off:
a status line and headers sent apart from the body would otherwise wait for
the peer's delayed ACK, about 40 ms per call. Only the failure modes that
are about a body arriving in pieces (HUGE, SLOW_BODY, RESET_MID_BODY) write
more than once.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import xmlrpc.client
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from trunktui.simulator.digest import DigestAuthenticator
from trunktui.simulator.knobs import FailMode, Knobs
from trunktui.simulator.methods import (
    BAD_PARAMS,
    INJECTED,
    PARSE_ERROR,
    UNAUTHORIZED,
    Methods,
)
from trunktui.simulator.store import Store

XMLAPI_PATH = "/xmlapi/xmlapi"
REALM = "sippy-simulator"
SERVER_NAME = "SippySimulator/1.0"
MAX_BODY = 1 << 20
MAX_DRAINED_BODY = 64 << 20
GZIP_THRESHOLD = 1024
# Levels 1 to 3 cost the same here (about 23 ms for a 14 MB trunk list, 0.07 ms
# for 80 KB); 3 is 14% smaller than 1, and 4 and up take twice as long.
GZIP_LEVEL = 3
IDLE_TIMEOUT = 120.0
INTERNAL_ERROR = -32603
MALFORMED_BODY = b"<?xml version='1.0'?>\n<methodResponse><params><param></methodResponse>\n"
HTTP_500_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>"
    b"<body><h1>Internal Server Error</h1><p>Injected failure.</p></body></html>\n"
)
HTTP_403_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head>"
    b"<body><h1>Forbidden</h1><p>You don't have permission to access this resource.</p></body></html>\n"
)
HTTP_404_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n"
)
# The failure modes answered with an HTML page before the call runs.
_REFUSING_PAGES: dict[FailMode, tuple[int, bytes]] = {
    FailMode.HTTP_500: (500, HTTP_500_BODY),
    FailMode.HTTP_403: (403, HTTP_403_BODY),
    FailMode.HTTP_404: (404, HTTP_404_BODY),
}
# FailMode.HUGE: the padding member's placeholder in the encoded answer, and
# the text streamed in its place (XML-safe, so it needs no escaping).
PADDING_MEMBER = "padding"
PADDING_MARK = "@@sippy-simulator-padding@@"
PADDING_BLOCK = (b"Padding from the Sippy simulator's huge failure mode. " * 1300)[: 64 << 10]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Stats:
    """Counts since the server started.

    ``calls`` are authenticated, well-formed XML-RPC calls (the ones
    ``Knobs.fail_every`` counts); ``challenges`` are 401 answers sent and
    ``stale`` those of them that carried ``stale=true``.
    """

    calls: int = 0
    challenges: int = 0
    stale: int = 0


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 q-values)."""
    qualities: dict[str, float] = {}
    for part in (accept_encoding or "").split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            qualities[coding.lower()] = quality
    return qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0.0))) > 0


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    timeout = 1.0

    def __init__(self, address: tuple[str, int], simulator: SimulatorServer) -> None:
        self.simulator = simulator
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Serve one connection, doing the TLS handshake in its own thread."""
        context = self.simulator.ssl_context
        if context is not None:
            request.settimeout(IDLE_TIMEOUT)
            try:
                request = context.wrap_socket(request, server_side=True)
            except OSError:
                return
        self.simulator._connections_changed(request, open_=True)
        try:
            _Handler(request, client_address, self)
        finally:
            self.simulator._connections_changed(request, open_=False)
            if context is not None:
                request.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    server: _HttpServer

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
            self.server.simulator._answer(self, body)

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length", "")
        if self.headers.get("Transfer-Encoding") or not length.isdigit():
            self.send_plain(411, "Length Required", close=True)
            return None
        size = int(length)
        if size > MAX_BODY:
            while 0 < size <= MAX_DRAINED_BODY:
                chunk = self.rfile.read(min(size, 1 << 16))
                if not chunk:
                    break
                size -= len(chunk)
            self.send_plain(413, "Content Too Large", close=True)
            return None
        return self.rfile.read(size)

    def send_plain(
        self, status: int, text: str, *, close: bool = False, headers: dict[str, str] | None = None
    ) -> None:
        self.send(status, "text/plain; charset=utf-8", (text + "\n").encode(), headers=headers, close=close)

    def send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        *,
        headers: dict[str, str] | None = None,
        close: bool = False,
    ) -> None:
        """Send status line, headers and body with one ``sendall``."""
        head = self.head(status, content_type, len(body), headers=headers, close=close)
        self.wfile.write(head if self.command == "HEAD" else head + body)

    def head(
        self,
        status: int,
        content_type: str,
        length: int,
        *,
        headers: dict[str, str] | None = None,
        close: bool = False,
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


class SimulatorServer:
    """A Sippy-compatible XML-RPC server over ``store``.

    Digest authentication is always on. ``trusted_hosts`` (addresses or
    networks) turns on trusted mode for those clients: without an
    Authorization header they skip Digest and name the customer with
    ``i_customer``. Bind to port 0 for an ephemeral port; ``url`` says which.
    """

    def __init__(
        self,
        store: Store,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        knobs: Knobs | None = None,
        trusted_hosts: Iterable[str] = (),
        nonce_ttl: float = 300.0,
        ssl_context: ssl.SSLContext | None = None,
        case_insensitive_like: bool = False,
        verbose: bool = False,
    ) -> None:
        self.store = store
        self.knobs = knobs if knobs is not None else Knobs()
        self.ssl_context = ssl_context
        self.verbose = verbose
        self.trusted: tuple[Network, ...] = tuple(ipaddress.ip_network(a, strict=False) for a in trusted_hosts)
        self.digest = DigestAuthenticator(REALM, self._password_for, nonce_ttl=nonce_ttl)
        self.methods = Methods(
            store, case_insensitive_like=case_insensitive_like, extra_members=lambda: self.knobs.extra_members
        )
        self._lock = threading.Lock()
        self._stats = Stats()
        self._connections: set[Any] = set()
        self._thread: threading.Thread | None = None
        self._serving = False
        self._stopping = threading.Event()
        self._httpd = _HttpServer((host, port), self)

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}{XMLAPI_PATH}"

    @property
    def stats(self) -> Stats:
        with self._lock:
            return self._stats

    def start(self) -> SimulatorServer:
        """Serve in a daemon thread and return at once."""
        if self._serving:
            raise RuntimeError("the simulator is already serving")
        self._serving = True
        self._thread = threading.Thread(target=self._serve_until_stopped, daemon=True,
                                        name=f"sippy-simulator:{self.port}")
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` or KeyboardInterrupt."""
        self._serving = True
        self._serve_until_stopped()

    def _serve_until_stopped(self) -> None:
        """Accept connections until ``stop()``.

        ``socketserver.serve_forever`` notices a shutdown only at its next
        poll, so stopping takes up to a poll interval (tests start hundreds
        of servers). Here ``stop()`` wakes the accept with a connection of
        its own and stopping is immediate; the one-second timeout is only a
        fallback should that connection fail.
        """
        while not self._stopping.is_set():
            self._httpd.handle_request()

    def stop(self) -> None:
        """Stop serving, drop open keep-alive connections and free the port."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._serving:
            with suppress(OSError):
                socket.create_connection(self._wake_address(), timeout=1.0).close()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()

    def _wake_address(self) -> tuple[str, int]:
        unspecified = {"0.0.0.0": "127.0.0.1", "::": "::1"}
        return unspecified.get(self.host, self.host), self.port

    def __enter__(self) -> SimulatorServer:
        return self if self._serving else self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _connections_changed(self, connection: Any, *, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _count(self, *, calls: int = 0, challenges: int = 0, stale: int = 0) -> int:
        """Add to the counters; return the number of calls so far."""
        with self._lock:
            now = self._stats
            self._stats = Stats(now.calls + calls, now.challenges + challenges, now.stale + stale)
            return self._stats.calls

    def _password_for(self, login: str) -> str | None:
        customer = self.store.customer_by_login(login)
        return None if customer is None else str(customer["password"])

    def _is_trusted(self, host: str) -> bool:
        if not self.trusted:
            return False
        address = ipaddress.ip_address(host.partition("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.trusted)

    def _answer(self, handler: _Handler, body: bytes) -> None:
        """Authenticate, run and answer one XML-RPC request, then log it if verbose."""
        started = time.perf_counter()
        who, method, status = self._serve(handler, body)
        if self.verbose:
            elapsed = (time.perf_counter() - started) * 1000
            sys.stderr.write(f"{handler.client_address[0]} {who} {method} {status} {elapsed:.1f} ms\n")

    def _serve(self, handler: _Handler, body: bytes) -> tuple[str, str, str]:
        """Answer the request; return who called, the method and the outcome, for the log."""
        knobs = self.knobs
        if knobs.latency > 0:
            time.sleep(knobs.latency)
        login: str | None = None
        authorization = handler.headers.get("Authorization")
        if authorization is not None:
            verdict = self.digest.verify(authorization, handler.command, handler.path)
            customer = self.store.customer_by_login(verdict.login) if verdict.login else None
            if customer is None:
                return self._challenge(handler, stale=verdict.stale)
            login, i_customer = verdict.login, int(customer["i_customer"])
        elif not self._is_trusted(handler.client_address[0]):
            return self._challenge(handler)

        try:
            params, method = xmlrpc.client.loads(body)
        except Exception:
            params, method = (), None
        who = login or "trusted"
        if method is None:
            return self._refuse(handler, who, "-", PARSE_ERROR, "Unparsable request: not an XML-RPC call")
        if len(params) != 1 or not isinstance(params[0], dict):
            return self._refuse(handler, who, method, BAD_PARAMS, "Parameters must be exactly one struct")
        members = params[0]
        if login is None:
            named = members.get("i_customer")
            if isinstance(named, bool) or not isinstance(named, int) or not self.store.customer_exists(named):
                return self._refuse(handler, who, method, UNAUTHORIZED,
                                    "Trusted call needs i_customer naming an existing customer")
            i_customer, who = named, f"trusted i_customer={named}"

        number = self._count(calls=1)
        failing = knobs.fail_every > 0 and number % knobs.fail_every == 0
        mode = knobs.fail_mode
        if failing and mode in _REFUSING_PAGES:
            status, page = _REFUSING_PAGES[mode]
            handler.send(status, "text/html; charset=utf-8", page)
            return who, method, f"injected {mode.value}"
        if failing and mode is FailMode.HTTP_401:
            self._challenge(handler)
            return who, method, f"injected {mode.value}"
        outcome: tuple[dict[str, Any]] | xmlrpc.client.Fault
        if failing and mode is FailMode.FAULT:
            outcome = xmlrpc.client.Fault(INJECTED, "Injected fault")
        else:
            try:
                outcome = (self.methods.call(method, i_customer, members),)
            except xmlrpc.client.Fault as fault:
                outcome = fault
            except Exception:
                traceback.print_exc()
                outcome = xmlrpc.client.Fault(INTERNAL_ERROR, "Internal error")

        if failing and mode is FailMode.RESET:
            handler.reset()
        elif failing and mode is FailMode.MALFORMED:
            handler.send(200, "text/xml", MALFORMED_BODY)
        elif failing and mode is FailMode.TRUNCATED:
            xml = self._encode(outcome)
            handler.send(200, "text/xml", xml[: len(xml) // 2])
        elif failing and mode is FailMode.HUGE:
            self._send_padded(handler, outcome, knobs.huge_bytes)
        elif failing and mode in (FailMode.SLOW_BODY, FailMode.RESET_MID_BODY):
            xml = self._encode(outcome)
            half = len(xml) // 2
            handler.wfile.write(handler.head(200, "text/xml", len(xml)) + xml[:half])
            if mode is FailMode.RESET_MID_BODY:
                handler.reset()
            else:
                self._stopping.wait(knobs.stall)
                handler.wfile.write(xml[half:])
        else:
            self._send_xml(handler, outcome)
        if failing:
            return who, method, f"injected {mode.value}"
        return who, method, f"fault {outcome.faultCode}" if isinstance(outcome, xmlrpc.client.Fault) else "OK"

    def _challenge(self, handler: _Handler, *, stale: bool = False) -> tuple[str, str, str]:
        self._count(challenges=1, stale=int(stale))
        handler.send_plain(401, "Unauthorized", headers={"WWW-Authenticate": self.digest.challenge(stale=stale)})
        return "-", "-", "401 stale" if stale else "401"

    def _refuse(self, handler: _Handler, who: str, method: str, code: int, message: str) -> tuple[str, str, str]:
        self._send_xml(handler, xmlrpc.client.Fault(code, message))
        return who, method, f"fault {code}"

    @staticmethod
    def _encode(outcome: tuple[dict[str, Any]] | xmlrpc.client.Fault) -> bytes:
        try:
            return xmlrpc.client.dumps(outcome, methodresponse=True, allow_none=True).encode("utf-8")
        except (TypeError, OverflowError):
            traceback.print_exc()
            fault = xmlrpc.client.Fault(INTERNAL_ERROR, "Internal error: answer could not be encoded")
            return xmlrpc.client.dumps(fault, methodresponse=True).encode("utf-8")

    def _send_padded(
        self, handler: _Handler, outcome: tuple[dict[str, Any]] | xmlrpc.client.Fault, size: int
    ) -> None:
        """Send the answer with a ``padding`` member of ``size`` bytes, in pieces.

        The answer is encoded with a placeholder for the padding, and the
        padding is written in 64 KiB blocks in its place, so the server never
        holds more than one block. A fault is sent as it is.
        """
        if isinstance(outcome, xmlrpc.client.Fault):
            handler.send(200, "text/xml", self._encode(outcome))
            return
        prefix, mark, suffix = self._encode(({**outcome[0], PADDING_MEMBER: PADDING_MARK},)).partition(
            PADDING_MARK.encode()
        )
        if not mark:
            handler.send(200, "text/xml", self._encode(outcome))
            return
        size = max(0, size)
        handler.wfile.write(handler.head(200, "text/xml", len(prefix) + size + len(suffix)) + prefix)
        remaining = size
        while remaining > 0:
            block = PADDING_BLOCK if remaining >= len(PADDING_BLOCK) else PADDING_BLOCK[:remaining]
            handler.wfile.write(block)
            remaining -= len(block)
        handler.wfile.write(suffix)

    def _send_xml(self, handler: _Handler, outcome: tuple[dict[str, Any]] | xmlrpc.client.Fault) -> None:
        body = self._encode(outcome)
        headers: dict[str, str] = {}
        if len(body) > GZIP_THRESHOLD and accepts_gzip(handler.headers.get("Accept-Encoding")):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
        handler.send(200, "text/xml", body, headers=headers)
