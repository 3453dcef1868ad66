"""One keep-alive connection to a switch's XML-RPC endpoint.

This is the only place that touches httpx: it encodes a call, sends it,
streams the answer into ``decoding.AnswerDecoder`` under a size cap and a
deadline, and turns every failure on the way into an error from
``trunktui.errors``. Setting a connection up raises nothing else either:
``check_connection_settings`` finds what would stop it before any call.
"""

from __future__ import annotations

import functools
import math
import os
import re
import socket
import ssl
import threading
import time
import weakref
import xmlrpc.client
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx

from trunktui import __version__
from trunktui.api.decoding import MAX_TEXT, AnswerDecoder
from trunktui.errors import (
    ApiError,
    AuthError,
    CallTimeout,
    ConnectError,
    HttpError,
    InputError,
    ProtocolError,
    ReadOnlyError,
    TlsError,
    TransportError,
    TrunkTuiError,
)
from trunktui.model import FIRST_ID, INT32_MAX, INT32_MIN, host_port_problem, whole_number
from trunktui.versions import API_CHOICES

DEFAULT_PATH = "/xmlapi/xmlapi"
MUTATING_METHODS = frozenset({"createTrunk", "updateTrunk", "deleteTrunk",
                              "createTrunkConnection", "updateTrunkConnection", "deleteTrunkConnection"})
MULTICALL = "system.multicall"
# A read is retried once after these (a refused connect, a dropped keep-alive
# connection); never after a timeout or a TLS failure, and a change never is:
# it may have been applied before the answer was lost.
_RETRIED = (ConnectError, TransportError)
_TAG = re.compile(r"<[^>]*>")
# What httpx's Digest auth raises for a challenge it cannot answer, besides its ProtocolError;
# no other step of a call raises them.
_UNANSWERABLE = (KeyError, NotImplementedError, ValueError)
# httpx's trace events that hand over a newly opened connection.
_OPENED = frozenset({"connection.connect_tcp.complete", "connection.start_tls.complete"})
SHORTEST_WAIT = 0.1
LONGEST_WAIT = 86_400.0
PROGRESS_INTERVAL = 0.1
"""Seconds at least between two reports of an answer's progress."""

Progress = Callable[[int, int | None], None]
"""Told, in the thread that makes the call, the bytes of an answer received so far and the bytes it will have
(None when the switch does not say)."""

Arrived = Callable[[list[Any]], None]
"""Told, in the thread that makes the call, the items of the answer's streamed array that have arrived since it was
last told, in order, each item whole."""


def timeout_problem(seconds: float) -> str | None:
    """What is wrong with waiting ``seconds`` for a switch, or None; the rule for every timeout, however given.

    In less than a tenth of a second not even a switch on this machine
    answers reliably, and sockets and timers refuse waits much longer than a day.
    """
    if SHORTEST_WAIT <= seconds <= LONGEST_WAIT:
        return None
    return f"must be at least {SHORTEST_WAIT:g} and at most {LONGEST_WAIT:,.0f} seconds (a day)"


def customer_id_problem(i_customer: int) -> str | None:
    """What is wrong with acting for ``i_customer``, or None; the rule for every customer id, however given."""
    if FIRST_ID <= i_customer <= INT32_MAX:
        return None
    return f"must be between {FIRST_ID} and {INT32_MAX}"


def normalize_url(text: str) -> str:
    """Accept ``host``, ``host:port`` or a full URL; default to Sippy's endpoint.

    A bare host gets ``https://`` and the ``/xmlapi/xmlapi`` path, since
    that is where every Sippy switch serves its API.
    """
    text = text.strip()
    if not text:
        raise InputError("The switch address is empty.", field="url")
    if any(char.isspace() or not char.isprintable() for char in text):
        raise InputError("The switch address may not contain spaces or control characters.", field="url")
    if "@" in text.split("://", 1)[-1].split("/", 1)[0]:
        raise InputError(
            "The switch address may not carry a login or password (user:password@host): give the login with "
            "--user or the profile's username, and the password by TRUNKTUI_PASSWORD, password_command or "
            "the prompt.",
            field="url",
        )
    given = text
    problem = _authority_problem(re.split(r"[/?#]", text.split("://", 1)[-1], maxsplit=1)[0])
    if problem is not None:
        raise InputError(f"{given!r} is not a valid switch address: {problem}.", field="url")
    if "://" not in text:
        text = f"https://{text}"
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError) as exc:
        raise InputError(f"{given!r} is not a valid switch address: {exc}.", field="url") from None
    if url.scheme not in ("http", "https"):
        raise InputError(f"Use http:// or https:// for the switch address, not {url.scheme}://.", field="url")
    if not url.host:
        raise InputError(f"{given!r} names no host.", field="url")
    problem = host_port_problem(url.netloc.decode("ascii"))
    if problem is not None:
        raise InputError(f"{given!r} is not a valid switch address: {problem}.", field="url")
    if url.path in ("", "/"):
        url = url.copy_with(path=DEFAULT_PATH)
    return str(url)


def _authority_problem(authority: str) -> str | None:
    """What is wrong with the host and port as typed, or None.

    Checked before httpx reads the address, because it mends what it
    should refuse: it reads a port in other scripts' digits or with ``_``
    as a number, drops an empty one (and so connects to 443), and where
    the ``]`` of an IPv6 address is missing it calls the address a port.
    """
    if authority.startswith("["):
        _, bracket, after = authority[1:].partition("]")
        if not bracket:
            return "the IPv6 address has no closing ']'"
    elif authority.count(":") > 1:
        return "an IPv6 address must be written in [brackets]"
    else:
        after = authority[len(authority.partition(":")[0]):]
    if not after:
        return None
    if not after.startswith(":"):
        return "must be a host or IP address, optionally followed by :port"
    if not (port := after[1:]):
        return "the port after ':' is empty"
    try:
        whole_number(port, 1, 65535)
    except ValueError as problem:
        return f"port {problem}"
    return None


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach and authenticate to one switch.

    ``password`` is excluded from ``repr`` so settings can be logged safely.
    In trusted mode no credentials are sent and every call carries
    ``i_customer`` instead. A ``read_only`` connection refuses every method
    that changes data before anything is sent. ``read_timeout`` bounds each
    call's whole answer, but for a list whose items are told as they arrive
    it counts from the last item: a long list over a slow link goes on as
    long as it keeps coming. It and ``connect_timeout`` obey ``timeout_problem``.
    ``api`` is the trunks API to speak: "2020", "2022", or "auto" to work it
    out from the switch's answers.
    """

    url: str
    username: str = ""
    password: str = field(default="", repr=False)
    trusted: bool = False
    i_customer: int | None = None
    verify: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_text_bytes: int = MAX_TEXT
    read_only: bool = False
    api: str = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", normalize_url(self.url))
        if self.api not in API_CHOICES:
            raise InputError(f"The API must be one of {', '.join(API_CHOICES)}, not {_quoted(self.api)}.",
                             field="api")
        if self.trusted:
            if self.i_customer is None:
                raise InputError("Trusted mode needs the customer id (i_customer).", field="i_customer")
            if (problem := customer_id_problem(self.i_customer)) is not None:
                raise InputError(f"The customer id (i_customer) {problem}, not {self.i_customer}.",
                                 field="i_customer")
        elif not self.username:
            raise InputError("A username is needed unless trusted mode is used.", field="username")
        for seconds in (self.connect_timeout, self.read_timeout):
            if (problem := timeout_problem(seconds)) is not None:
                raise InputError(f"A timeout {problem}, not {seconds:g}.", field="timeout")

    @functools.cached_property
    def host(self) -> str:
        """The host and port, as messages name the switch; worked out once, since every call's decoding names it."""
        return httpx.URL(self.url).netloc.decode("ascii", "replace")


def check_connection_settings(settings: ConnectionSettings) -> None:
    """Raise ``InputError``, with a one-line message, if no connection can be set up from ``settings``.

    That is so when the CA bundle to verify an ``https://`` switch with
    (``ca_bundle``, or the file ``SSL_CERT_FILE`` names when there is none)
    is missing, a directory, empty or not PEM, or when the environment names a proxy that
    cannot be used. Setting up a connection checks the same, and this is
    that very set-up: a caller can learn of the mistake before it asks for
    a password, rather than when the first screen connects.
    """
    Connection(settings).close()


class _Deadline:
    """Holds each call on one connection to ``read_timeout`` in all, from the moment it starts.

    httpx bounds each read, not an answer: a server that sends a byte now
    and then (slow headers, a slow body, a slow 401 or 500 page, one
    ``100 Continue`` after another) would hold a call for ever. httpx hands
    each connection it opens to the request's ``trace`` callback; when a
    call is still running at its deadline, a watchdog thread shuts those
    sockets, which ends the read at once, and ``passed`` tells the call
    why it failed. Connecting is bounded by ``connect_timeout`` as well: a
    socket that opens after the deadline is shut as it opens.

    The thread starts with the first call, sleeps while no call runs, and
    ends once the connection is closed and its last call is over.
    """

    def __init__(self) -> None:
        self.passed = False
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._changed = threading.Condition()
        self._due: float | None = None
        self._wakes_at = math.inf
        self._running = False
        self._closed = False

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpx's ``trace`` callback: note the socket of each connection opened."""
        if event in _OPENED:
            sock = info["return_value"].get_extra_info("socket")
            with self._changed:
                self._sockets.add(sock)
                if self.passed:
                    _shut(sock)

    @contextmanager
    def watch(self, seconds: float) -> Iterator[None]:
        """Cut the connection's sockets off if the block is still running after ``seconds``."""
        with self._changed:
            self._due = time.monotonic() + seconds
            self.passed = False
            if not self._running:
                self._running = True
                threading.Thread(target=self._watch, name="trunktui-deadline", daemon=True).start()
            elif self._due < self._wakes_at:
                self._changed.notify()
        try:
            yield
        finally:
            with self._changed:
                self._due = None
                if self._closed:
                    self._changed.notify()

    def extend(self, seconds: float) -> None:
        """Give the call running ``seconds`` more from now: it is making progress."""
        with self._changed:
            if self._due is not None:
                self._due = max(self._due, time.monotonic() + seconds)

    def close(self) -> None:
        """End the watch; a call still running is cut off now, since nobody waits for its answer."""
        with self._changed:
            self._closed = True
            for sock in list(self._sockets):
                _shut(sock)
            self._changed.notify()

    def _watch(self) -> None:
        with self._changed:
            while self._due is not None or not self._closed:
                if self._due is None:
                    self._wakes_at = math.inf
                    self._changed.wait()
                elif (left := self._due - time.monotonic()) > 0:
                    self._wakes_at = self._due
                    self._changed.wait(left)
                else:
                    self._due = None
                    self.passed = True
                    for sock in list(self._sockets):
                        _shut(sock)
            self._running = False


def _shut(sock: socket.socket) -> None:
    """Shut ``sock`` down for both directions, beneath any TLS layer, so a read blocked on it returns."""
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Connection:
    """Sends XML-RPC calls over one kept-alive ``httpx.Client``.

    A read that fails on a connection error is sent once more; see _RETRIED.

    Calls are serialised by a lock: httpx's digest auth keeps a nonce counter
    that is not thread-safe, and a single connection gains nothing from
    overlapping requests anyway. Keeping the client alive means a run of
    calls pays for one digest challenge, not one per call.
    """

    def __init__(self, settings: ConnectionSettings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._deadline = _Deadline()
        self._challenge = ""
        self._abandoned = False
        self._url = httpx.URL(settings.url)
        verify = _verify(settings)
        try:
            self._client = httpx.Client(
                auth=None if settings.trusted else httpx.DigestAuth(settings.username, settings.password),
                verify=verify,
                timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
                headers={"User-Agent": f"trunktui/{__version__}", "Content-Type": "text/xml"},
                transport=transport,
                event_hooks={"response": [self._note_challenge]},
            )
        except ImportError:
            raise InputError("The environment names a SOCKS proxy, and SOCKS support (the socksio package) "
                             "is not installed.") from None
        except (ValueError, httpx.InvalidURL) as exc:
            raise InputError(f"The proxy the environment names cannot be used ({_quoted(str(exc))}).") from None

    def close(self) -> None:
        """Close, cutting off a call still running in another thread: it fails at once, and nothing more is sent."""
        self._abandoned = True
        self._deadline.close()
        self._client.close()

    def call(self, method: str, params: Mapping[str, Any], progress: Progress | None = None,
             streamed: tuple[str, Arrived] | None = None) -> dict[str, Any]:
        """Call ``method`` with one struct of ``params``; return the answer's struct.

        The answer must be complete within ``read_timeout`` of the call's
        start, a retry included. ``progress`` is told how much of the answer
        has arrived: once when its first bytes come, then at most every
        ``PROGRESS_INTERVAL`` seconds, so a caller that shows it is not
        flooded by a fast answer's many pieces. ``streamed`` names an array
        member of the answer's struct and who is told its items as they
        arrive: all of them, in order, by the time the call returns. An
        answer that fails part way may have told some; it is not sent again.
        """
        self._refuse_if_read_only(method)
        answer: dict[str, Any] = self._send(method, (self._for_customer(params),), progress,
                                            None if streamed is None else _Delivery(*streamed))
        return answer

    def multicall(self, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> Any:
        """Make several calls in one request with ``system.multicall``; return its answer as sent.

        Each call takes one struct, as every Sippy method does. The answer
        should be an array holding, per call, a one-item array of its
        answer or a fault struct; the caller checks it. On a read-only
        connection a batch holding any change is refused whole, before
        anything is sent.
        """
        for method, _ in calls:
            self._refuse_if_read_only(method)
        batch = [{"methodName": method, "params": [self._for_customer(params)]} for method, params in calls]
        return self._send(MULTICALL, (batch,), None, None, any_value=True)

    def introspect(self, method: str) -> Any:
        """Call an XML-RPC ``system.`` method that takes nothing (``system.listMethods``); return its answer as sent."""
        return self._send(method, (), None, None, any_value=True)

    def _refuse_if_read_only(self, method: str) -> None:
        if self.settings.read_only and method in MUTATING_METHODS:
            raise ReadOnlyError(f"This connection is read-only: {method} was not sent.")

    def _for_customer(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A call's struct as sent: in trusted mode it names the customer the call acts for."""
        if self.settings.trusted:
            return {**params, "i_customer": self.settings.i_customer}
        return dict(params)

    def _send(self, method: str, args: tuple[Any, ...], progress: Progress | None, delivery: _Delivery | None,
              any_value: bool = False) -> Any:
        """Send one request; a read that fails to connect is sent once more (see ``_RETRIED``)."""
        _check_int32(args)
        body = xmlrpc.client.dumps(args, method, allow_none=True).encode("utf-8")
        changes = method in MUTATING_METHODS or (
            method == MULTICALL and any(call["methodName"] in MUTATING_METHODS for call in args[0]))
        with self._lock, self._deadline.watch(self.settings.read_timeout):
            try:
                return self._exchange(body, method, progress, delivery, any_value)
            except TransportError as exc:
                if changes or type(exc) not in _RETRIED or self._abandoned or _part_way(delivery):
                    raise
                return self._exchange(body, method, progress, delivery, any_value)

    def _closed(self, method: str) -> TransportError:
        """What a call meets on a connection closed under it: the user stopped waiting, or trunktui reconnected."""
        return TransportError(f"Stopped waiting: the connection to {self.settings.host} was closed before "
                              "the answer came.", method)

    def _exchange(self, body: bytes, method: str, progress: Progress | None,
                  delivery: _Delivery | None, any_value: bool) -> Any:
        if self._abandoned:
            raise self._closed(method)
        try:
            return self._post(body, method, progress, delivery, any_value)
        except ApiError as error:
            if self._deadline.passed:
                raise _too_late(self.settings, method, _part_way(delivery)) from error
            raise
        except TrunkTuiError:
            raise  # the caller's own refusal of items told as they arrived, not httpx's
        except (httpx.HTTPError, *_UNANSWERABLE) as exc:
            if self._abandoned:
                raise self._closed(method) from exc
            failure = _translate(exc, self.settings, method, self._challenge, self._deadline.passed)
            if isinstance(failure, CallTimeout) and _part_way(delivery):
                failure = _too_late(self.settings, method, part_way=True)
            raise failure from exc
        except RuntimeError:
            if self._abandoned:
                raise self._closed(method) from None
            raise

    def _note_challenge(self, response: httpx.Response) -> None:
        """Keep what a 401 offered, to quote should httpx's Digest auth be unable to answer it."""
        if response.status_code == 401:
            self._challenge = "; ".join(response.headers.get_list("www-authenticate"))

    def _post(self, body: bytes, method: str, progress: Progress | None,
              delivery: _Delivery | None, any_value: bool) -> Any:
        extensions = {"trace": self._deadline.trace}
        with self._client.stream("POST", self._url, content=body, extensions=extensions) as response:
            if response.status_code != 200:
                raise _http_error(response.status_code, _head(response.iter_bytes()), self.settings, method)
            decoder = AnswerDecoder(method, self.settings.host, None if delivery is None else delivery.member,
                                    self.settings.max_text_bytes, any_value)
            expected = _expected_bytes(response)
            reported = -math.inf
            for chunk in response.iter_bytes():
                decoder.feed(chunk)
                if delivery is not None and (items := decoder.take()):
                    self._deadline.extend(self.settings.read_timeout)
                    delivery.offer(items)
                if progress is not None and (now := time.monotonic()) - reported >= PROGRESS_INTERVAL:
                    reported = now
                    progress(response.num_bytes_downloaded, expected)
        answer = decoder.close()
        if delivery is not None:
            delivery.finish(answer)
        return answer


class _Delivery:
    """Hands a streamed array's items to the caller while they arrive: the first at once, then batches at most
    every ``PROGRESS_INTERVAL`` seconds, so that each batch is worth the caller's work on it."""

    def __init__(self, member: str, arrived: Arrived) -> None:
        self.member = member
        self.told = 0
        self._arrived = arrived
        self._held: list[Any] = []
        self._last = -math.inf

    def offer(self, items: list[Any]) -> None:
        self._held.extend(items)
        if self._held and (now := time.monotonic()) - self._last >= PROGRESS_INTERVAL:
            self._last = now
            self._tell(self._held)
            self._held = []

    def finish(self, answer: Mapping[str, Any]) -> None:
        """Tell the rest: what is held, and what the decoder did not hand over as it came."""
        items = answer.get(self.member)
        if isinstance(items, list):
            self._tell(items[self.told:])

    def _tell(self, items: list[Any]) -> None:
        if items:
            self.told += len(items)
            self._arrived(items)


def _verify(settings: ConnectionSettings) -> ssl.SSLContext | bool:
    """The certificates to verify the switch with, loaded now, so a file that cannot be used is an InputError.

    Without a CA bundle it is httpx's own default, which honours
    ``SSL_CERT_FILE``; httpx would load it as the client is built, and
    raise what ``ssl`` raised. A switch reached over plain HTTP has no
    certificate to verify, so none is loaded for it (loading them is the
    costliest step of starting a connection).
    """
    if not settings.verify or not settings.url.startswith("https:"):
        return False
    try:
        if settings.ca_bundle:
            return ssl.create_default_context(cafile=settings.ca_bundle)
        return httpx.create_ssl_context()
    except OSError as exc:
        raise _unusable_bundle(settings, exc) from None


def _unusable_bundle(settings: ConnectionSettings, exc: OSError) -> InputError:
    path = settings.ca_bundle or os.environ.get("SSL_CERT_FILE", "")
    name = f"CA bundle {path if path.isprintable() else repr(path)}{'' if settings.ca_bundle else ' (SSL_CERT_FILE)'}"
    if isinstance(exc, FileNotFoundError):
        problem = f"{name}: no such file"
    elif isinstance(exc, IsADirectoryError):
        problem = f"{name} is a directory, not a file of certificates"
    elif isinstance(exc, ssl.SSLError) and exc.reason == "NO_CERTIFICATE_OR_CRL_FOUND":
        problem = f"{name} holds no certificates"
    elif isinstance(exc, ssl.SSLError):
        problem = f"{name} is not a file of PEM certificates"
    else:
        problem = f"{name} cannot be read: {exc.strerror or exc}"
    return InputError(f"{problem}.", field="ca_bundle" if settings.ca_bundle else None)


def _expected_bytes(response: httpx.Response) -> int | None:
    """The answer's size on the wire as the switch announced it, if it did."""
    length = response.headers.get("Content-Length", "")
    return int(length) if length.isascii() and length.isdigit() else None


def _head(chunks: Iterator[bytes], limit: int = 4096) -> bytes:
    """The start of an error page: enough to quote, never the whole of a huge one."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) >= limit:
            break
    return bytes(buffer[:limit])


def _check_int32(value: Any, member: str = "") -> None:
    """XML-RPC ``<int>`` is 32-bit: refuse larger integers before sending."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not INT32_MIN <= value <= INT32_MAX:
            raise InputError(
                f"{member or 'A value'} = {value} is outside the 32-bit range XML-RPC allows.", field=member or None
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_int32(item, str(key))
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_int32(item, member)


def _quoted(text: str, limit: int = 200) -> str:
    """Text from elsewhere, fit to show: printable characters only, on one line, cut at ``limit``."""
    text = " ".join("".join(char if char.isprintable() else " " for char in text).split())
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


def _excerpt(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    text = title.group(1) if title else _TAG.sub(" ", text)
    return " ".join(text.split())[:200]


def _http_error(status: int, data: bytes, settings: ConnectionSettings, method: str) -> HttpError:
    excerpt = _excerpt(data).removeprefix(str(status)).strip()
    detail = f"HTTP {status} {excerpt}" if excerpt else f"HTTP {status}"
    host = settings.host
    if status == 401:
        if settings.trusted:
            return AuthError(
                f"{host} does not trust this address ({detail}); trusted mode needs it in the switch's trusted hosts.",
                status,
                method,
            )
        return AuthError(
            f"{host} refused login {settings.username!r} ({detail}). Check the username and API password.",
            status,
            method,
        )
    if status == 403:
        return HttpError(f"{host} refused access to its API ({detail}). Check that this login and address may "
                         "use the API.", status, method)
    if status == 404:
        return HttpError(f"No API at {settings.url} ({detail}). Check the URL path.", status, method)
    return HttpError(f"{host} answered {detail} instead of XML-RPC.", status, method)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _part_way(delivery: _Delivery | None) -> bool:
    """Whether the call's answer had begun to be told when it failed."""
    return delivery is not None and delivery.told > 0


def _too_late(settings: ConnectionSettings, method: str, part_way: bool = False) -> CallTimeout:
    if part_way:
        return CallTimeout(f"{settings.host} sent no more of its answer for {settings.read_timeout:g} s.", method)
    return CallTimeout(f"{settings.host} did not answer within {settings.read_timeout:g} s.", method)


def _translate(exc: Exception, settings: ConnectionSettings, method: str, challenge: str, late: bool) -> ApiError:
    """Map an httpx failure to the error an operator can act on.

    ``late`` says the call's deadline passed first, so whatever broke, it
    broke because the answer took too long. ``challenge`` is the switch's
    last ``WWW-Authenticate``: httpx's Digest auth raises KeyError,
    NotImplementedError, ValueError or its ProtocolError when it cannot
    answer one.
    """
    host = settings.host
    if isinstance(exc, httpx.ConnectTimeout):
        timeout = CallTimeout(f"Timed out connecting to {host} after {settings.connect_timeout:g} s.", method)
        timeout.may_have_acted = False
        return timeout
    if late or isinstance(exc, httpx.TimeoutException):
        return _too_late(settings, method)
    if not isinstance(exc, httpx.HTTPError) or type(exc) is httpx.ProtocolError:
        return AuthError(
            f"{host} asked for a Digest login this client cannot give ({_digest_problem(exc)}); "
            f"it offered: {_quoted(challenge)}.",
            401,
            method,
        )
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError) and "mismatch" in str(cause.verify_message):
            return TlsError(
                f"The certificate of {host} is not valid for that name ({cause.verify_message.rstrip('.')}). "
                "Connect using a name the certificate was issued for.",
                method,
            )
        if isinstance(cause, ssl.SSLCertVerificationError):
            remedy = ("Check the switch's certificate." if settings.ca_bundle else
                      "Give its CA bundle, or connect insecurely only if you trust the network.")
            return TlsError(
                f"The certificate of {host} could not be verified ({str(cause.verify_message).rstrip('.')}). {remedy}",
                method,
            )
        if isinstance(cause, ssl.SSLError):
            return TlsError(f"TLS with {host} failed ({cause.reason or cause}).", method)
        if isinstance(cause, socket.gaierror):
            return ConnectError(f"Cannot resolve the host name in {host}: is the address right?", method)
        if isinstance(cause, ConnectionRefusedError):
            return ConnectError(f"{host} refused the connection: is the address and port right?", method)
    if isinstance(exc, httpx.ConnectError):
        return ConnectError(f"Cannot connect to {host} ({exc}).", method)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return TransportError(f"The connection to {host} broke before the answer was complete.", method)
    if isinstance(exc, httpx.DecodingError):
        return ProtocolError(f"The answer from {host} could not be decompressed ({exc}).", method)
    if isinstance(exc, httpx.TransportError):
        return TransportError(f"Talking to {host} failed ({exc}).", method)
    return ApiError(f"The call to {host} failed ({exc}).", method)


def _digest_problem(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"it names the algorithm {_quoted(str(exc.args[0]), 40)}, which is not supported"
    if isinstance(exc, NotImplementedError):
        return "it allows only qop=auth-int, which is not supported"
    if isinstance(exc, UnicodeError):
        return "the login or the challenge holds characters other than ASCII"
    return "its challenge is malformed"
