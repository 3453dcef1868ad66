"""One keep-alive connection to a switch's XML-RPC endpoint.

This is the only place that touches httpx: it encodes a call, sends it,
streams the answer into ``decoding.AnswerDecoder`` under a size cap, and
turns every failure on the way into an error from ``trunktui.errors``.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import xmlrpc.client
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from trunktui import __version__
from trunktui.api.decoding import AnswerDecoder
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
)
from trunktui.model import INT32_MAX, INT32_MIN

DEFAULT_PATH = "/xmlapi/xmlapi"
MUTATING_METHODS = frozenset({"createTrunk", "updateTrunk", "deleteTrunk"})
# A read is retried once after these (a refused connect, a dropped keep-alive
# connection); never after a timeout or a TLS failure, and a change never is:
# it may have been applied before the answer was lost.
_RETRIED = (ConnectError, TransportError)
_TAG = re.compile(r"<[^>]*>")


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
    if "://" not in text:
        text = f"https://{text}"
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError) as exc:
        raise InputError(f"{text!r} is not a valid switch address: {exc}.", field="url") from None
    if url.scheme not in ("http", "https"):
        raise InputError(f"Use http:// or https:// for the switch address, not {url.scheme}://.", field="url")
    if not url.host:
        raise InputError(f"{text!r} names no host.", field="url")
    if url.path in ("", "/"):
        url = url.copy_with(path=DEFAULT_PATH)
    return str(url)


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach and authenticate to one switch.

    ``password`` is excluded from ``repr`` so settings can be logged safely.
    In trusted mode no credentials are sent and every call carries
    ``i_customer`` instead. A ``read_only`` connection refuses every method
    that changes data before anything is sent.
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
    max_response_bytes: int = 128 * 1024 * 1024
    read_only: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", normalize_url(self.url))
        if self.trusted and self.i_customer is None:
            raise InputError("Trusted mode needs the customer id (i_customer).", field="i_customer")
        if not self.trusted and not self.username:
            raise InputError("A username is needed unless trusted mode is used.", field="username")

    @property
    def host(self) -> str:
        return httpx.URL(self.url).netloc.decode("ascii", "replace")


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
        self._client = httpx.Client(
            auth=None if settings.trusted else httpx.DigestAuth(settings.username, settings.password),
            verify=_verify(settings),
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            headers={"User-Agent": f"trunktui/{__version__}", "Content-Type": "text/xml"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def call(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Call ``method`` with one struct of ``params``; return the answer's struct."""
        if self.settings.read_only and method in MUTATING_METHODS:
            raise ReadOnlyError(f"This connection is read-only: {method} was not sent.")
        if self.settings.trusted:
            params = {**params, "i_customer": self.settings.i_customer}
        _check_int32(params)
        body = xmlrpc.client.dumps((dict(params),), method, allow_none=True).encode("utf-8")
        try:
            return self._exchange(body, method)
        except TransportError as exc:
            if method in MUTATING_METHODS or type(exc) not in _RETRIED:
                raise
            return self._exchange(body, method)

    def _exchange(self, body: bytes, method: str) -> dict[str, Any]:
        with self._lock:
            try:
                return self._post(body, method)
            except httpx.HTTPError as exc:
                raise _translate(exc, self.settings, method) from exc

    def _post(self, body: bytes, method: str) -> dict[str, Any]:
        with self._client.stream("POST", self.settings.url, content=body) as response:
            if response.status_code != 200:
                raise _http_error(response.status_code, _head(response.iter_bytes()), self.settings, method)
            decoder = AnswerDecoder(method, self.settings.host, self.settings.max_response_bytes)
            for chunk in response.iter_bytes():
                decoder.feed(chunk)
        return decoder.close()


def _verify(settings: ConnectionSettings) -> ssl.SSLContext | bool:
    if not settings.verify:
        return False
    if settings.ca_bundle:
        try:
            return ssl.create_default_context(cafile=settings.ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"Cannot use CA bundle {settings.ca_bundle!r}: {exc}.", field="ca_bundle") from None
    return True


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


def _translate(exc: httpx.HTTPError, settings: ConnectionSettings, method: str) -> ApiError:
    """Map an httpx failure to the error an operator can act on."""
    host = settings.host
    if isinstance(exc, httpx.ConnectTimeout):
        timeout = CallTimeout(f"Timed out connecting to {host} after {settings.connect_timeout:g} s.", method)
        timeout.may_have_acted = False
        return timeout
    if isinstance(exc, httpx.TimeoutException):
        return CallTimeout(f"{host} did not answer within {settings.read_timeout:g} s.", method)
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
