"""The simulator as one object to start, serve and stop: ``SimulatorServer``.

It wires the HTTP side (``framing``) to the XML-RPC side (``dispatch``) and
owns the serving thread, so that tests can start hundreds of servers on
ephemeral ports and stop each at once.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterable
from contextlib import suppress
from types import TracebackType

from trunktui.simulator.digest import DigestAuthenticator
from trunktui.simulator.dispatch import Dispatcher, Network, Stats
from trunktui.simulator.framing import MAX_CONNECTIONS, REQUEST_TIMEOUT, XMLAPI_PATH, HttpServer
from trunktui.simulator.knobs import Knobs
from trunktui.simulator.methods import Methods
from trunktui.simulator.store import Store
from trunktui.versions import Api


class SimulatorServer:
    """A Sippy-compatible XML-RPC server over ``store``.

    Digest authentication is always on. ``trusted_hosts`` (addresses or
    networks) turns on trusted mode for those clients: without an
    Authorization header they skip Digest and name the customer with
    ``i_customer`` (a call naming none gets the Digest challenge). Bind
    to port 0 for an ephemeral port; ``url`` says which.
    At most ``max_connections`` are served at once (when all are, the one
    idle longest is closed for a new client), a request that takes longer
    than ``request_timeout`` seconds to arrive is dropped, and so is every
    connection after a 401.
    It speaks one trunks API, ``api``: the 2020 methods, or the 2022+ ones
    with trunk connections.
    """

    def __init__(
        self,
        store: Store,
        *,
        api: Api = Api.V2020,
        host: str = "127.0.0.1",
        port: int = 0,
        knobs: Knobs | None = None,
        trusted_hosts: Iterable[str] = (),
        nonce_ttl: float = 300.0,
        ssl_context: ssl.SSLContext | None = None,
        case_insensitive_like: bool = False,
        verbose: bool = False,
        max_connections: int = MAX_CONNECTIONS,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self.store = store
        self.api = api
        self.knobs = knobs if knobs is not None else Knobs()
        self.ssl_context = ssl_context
        self.verbose = verbose
        self._stopping = threading.Event()
        self._dispatcher = Dispatcher(
            store,
            self,
            api=api,
            trusted_hosts=trusted_hosts,
            nonce_ttl=nonce_ttl,
            case_insensitive_like=case_insensitive_like,
            stopping=self._stopping,
        )
        self.trusted: tuple[Network, ...] = self._dispatcher.trusted
        self.digest: DigestAuthenticator = self._dispatcher.digest
        self.methods: Methods = self._dispatcher.methods
        self._thread: threading.Thread | None = None
        self._serving = False
        self._httpd = HttpServer(
            (host, port), self._dispatcher.answer, ssl_context,
            max_connections=max_connections, request_timeout=request_timeout,
        )

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
        return self._dispatcher.stats

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
        self._httpd.stop_accepting()
        if self._serving:
            with suppress(OSError):
                socket.create_connection(self._wake_address(), timeout=1.0).close()
        if self._thread is not None:
            self._thread.join()
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
