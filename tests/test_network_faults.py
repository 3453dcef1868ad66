"""Every network and protocol fault, at the API-client level, over real sockets.

Each test provokes one fault for real (a closed port, an unresolvable name, a
full accept queue, the simulator's failure modes, TLS servers with bad
certificates) and checks two things: the error's exact class from
``trunktui.errors``, and that its message is fit to show an operator (see
``assert_operator_message``). Run with ``-s`` to see every message.

===============================================  ==================  ==========================
fault                                            error class         provoked by
===============================================  ==================  ==========================
connection refused                               ConnectError        a closed loopback port
DNS failure                                      ConnectError        a ``.invalid`` host
connect timeout                                  CallTimeout         a full accept queue
read timeout (no answer at all)                  CallTimeout         ``Knobs.latency``
stall mid-body (slow server)                     CallTimeout         FailMode.SLOW_BODY
an answer that trickles past the timeout:        CallTimeout         ``RawServer``, a byte at a
headers, body, a 401 or 500 page, endless                            time
``100 Continue``
connection reset before the answer               TransportError      FailMode.RESET
connection reset mid-response                    TransportError      FailMode.RESET_MID_BODY
HTTP 401 with valid credentials (password        AuthError           FailMode.HTTP_401
changed on the switch)
a Digest challenge that cannot be answered       AuthError           ``RawServer``
HTTP 403 with an HTML page                       HttpError           FailMode.HTTP_403
HTTP 404: wrong URL path                         HttpError           a wrong path in the URL
HTTP 404 with an HTML page                       HttpError           FailMode.HTTP_404
HTTP 500 with an HTML page                       HttpError           FailMode.HTTP_500
200 with malformed XML                           ProtocolError       FailMode.MALFORMED
200 with truncated XML                           ProtocolError       FailMode.TRUNCATED
answer past the text limit                       ResponseTooLarge    FailMode.HUGE
200 with a DOCTYPE, or nested past the limit     ProtocolError       ``RawServer``
TLS certificate from an untrusted CA             TlsError            trustme, no CA bundle
TLS certificate for another host name            TlsError            trustme, sippy.example.net
TLS certificate expired                          TlsError            trustme, not_after in 2021
XML-RPC fault, from every client method          FaultError          FailMode.FAULT
===============================================  ==================  ==========================

Exact classes are checked (``type(error) is ...``), so a ConnectError cannot
pass for a TransportError.
"""

from __future__ import annotations

import datetime
import re
import socket
import ssl
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.conftest import Sim
from tests.wire import RawServer, Script, trickle
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.errors import (
    ApiError,
    AuthError,
    CallTimeout,
    ConnectError,
    FaultError,
    HttpError,
    ProtocolError,
    ResponseTooLarge,
    TlsError,
    TransportError,
)
from trunktui.model import Trunk, TrunkConnection
from trunktui.simulator import FailMode, SimulatorServer

# --- What an operator may be shown --------------------------------------------------------

# Raw Python or library text that must never reach an operator.
_JUNK = re.compile(
    r"Traceback|File \"|\[Errno|\[SSL|<class |object at 0x|\b\w+(?:Error|Exception|Timeout)\(|"
    r"\bhttpx\b|\bhttpcore\b|\bh11\b|_ssl\.c|\bssl\.\w|xmlrpc|ExpatError"
)
_HTML_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")
# Words that tell the operator what to do next.
_REMEDY = re.compile(r"\b(check|is the address|give|connect|try|ask|narrow|renew)\b", re.IGNORECASE)
# A status code said twice, as when a page title is appended: "HTTP 403: 403 Forbidden".
_STATUS_TWICE = re.compile(r"HTTP (\d{3})\W+\1\b")
# Punctuation that shows parts glued together: ".).", "..", ") (", or a "(detail)" after the full stop.
_DOUBLED = re.compile(r"\.\)\.|\.\.|\) \(|\. \([^()]*\)$")


def assert_operator_message(
    error: ApiError,
    host: str,
    *,
    words: tuple[str, ...] = (),
    extra: dict[str, bool] | None = None,
) -> str:
    """Check ``error``'s message is fit for an operator; return it.

    The message is one non-empty line equal to ``error.message``, and holds
    no exception repr, traceback, library name or HTML tag; it contains each
    of ``words``. It names the host or says what to do, is punctuated once
    (no ``.).``, ``..``, ``) (`` or ``(detail)`` after the full stop), and
    gives an HTTP status code once; plus any rules in ``extra``.
    """
    message = str(error)
    print(f"\n    {type(error).__name__}: {message}")
    assert message and message == error.message
    assert "\n" not in message, message
    assert not _JUNK.search(message), f"raw Python or library text in {message!r}"
    assert not _HTML_TAG.search(message), f"HTML in {message!r}"
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    rules = {
        "name the host or what to do": host in message or bool(_REMEDY.search(message)),
        "punctuate once": not _DOUBLED.search(message),
        "give the status code once": not _STATUS_TWICE.search(message),
        **(extra or {}),
    }
    failing = sorted(rule for rule, holds in rules.items() if not holds)
    assert not failing, f"rules failing for {message!r}: {failing}"
    return message


def raised(expected: type[ApiError], call: Callable[[], object], method: str = "listAccounts") -> ApiError:
    """Run ``call``; return the error, which must be exactly ``expected`` and name ``method``."""
    with pytest.raises(ApiError) as caught:
        call()
    error = caught.value
    assert type(error) is expected, f"{type(error).__name__} ({error}) raised, {expected.__name__} expected"
    assert error.method == method
    return error


def host_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]


def fail_always(sim: Sim, mode: FailMode, **knobs: Any) -> None:
    """Make every call fail as ``mode`` says (a retry by the client fails too)."""
    for name, value in knobs.items():
        setattr(sim.server.knobs, name, value)
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = mode, 1


@pytest.fixture
def api(sim: Sim) -> Iterator[SippyClient]:
    """A client that has already made one good call, so it is logged in and kept alive."""
    with sim.client() as client:
        client.list_accounts()
        yield client


# --- Reaching the switch --------------------------------------------------------------------


def test_connection_refused(sim: Sim) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with sim.client(url=f"http://127.0.0.1:{port}") as api:
        error = raised(ConnectError, api.list_accounts)
    assert_operator_message(error, f"127.0.0.1:{port}", words=("refused",))


def test_dns_failure(sim: Sim) -> None:
    with sim.client(url="http://no-such-switch.invalid") as api:
        error = raised(ConnectError, api.list_accounts)
    assert_operator_message(error, "no-such-switch.invalid", words=("resolve",))


@pytest.fixture
def full_accept_queue() -> Iterator[str]:
    """A loopback port whose accept queue is full, so a connect to it hangs.

    ``listen(0)`` leaves room for one pending connection; holding one that is
    never accepted fills it, and the kernel drops the next SYN.
    """
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        with socket.create_connection(listener.getsockname(), timeout=1.0):
            yield f"127.0.0.1:{listener.getsockname()[1]}"


def test_connect_timeout(sim: Sim, full_accept_queue: str) -> None:
    started = time.perf_counter()
    with sim.client(url=f"http://{full_accept_queue}", connect_timeout=0.3) as api:
        error = raised(CallTimeout, api.list_accounts)
    assert 0.25 <= time.perf_counter() - started < 3
    assert_operator_message(error, full_accept_queue, words=("connecting", "0.3 s"))


def test_read_timeout(sim: Sim) -> None:
    sim.server.knobs.latency = 1.0
    with sim.client(read_timeout=0.3) as slow:
        error = raised(CallTimeout, slow.list_accounts)
    assert_operator_message(error, host_of(sim.url), words=("did not answer", "0.3 s"))


def test_server_stalls_mid_body(sim: Sim) -> None:
    with sim.client(read_timeout=0.3) as api:
        api.list_accounts()
        fail_always(sim, FailMode.SLOW_BODY, stall=10.0)
        started = time.perf_counter()
        error = raised(CallTimeout, api.list_accounts)
    assert time.perf_counter() - started < 3, "the read timeout must cut the stall short"
    assert_operator_message(error, host_of(sim.url), words=("0.3 s",))


def raw_client(server: RawServer, **settings: Any) -> SippyClient:
    """A client of a server that answers as a 2020 switch; the API is named, so none of its answers go to
    working it out."""
    return SippyClient(ConnectionSettings(server.url, username="noc", password="pw", **{"api": "2020", **settings}))


def answering(status: bytes, *headers: bytes, body: bytes = b"") -> Script:
    """A script that answers every request at once, with ``status``, ``headers`` and ``body``."""
    head = b"".join([b"HTTP/1.1 ", status, b"\r\n", *(header + b"\r\n" for header in headers),
                     b"Content-Length: %d\r\n\r\n" % len(body)])

    def script(request: bytes) -> Iterator[bytes]:
        yield head + body

    return script


def endless_continue(request: bytes) -> Iterator[bytes | float]:
    while True:
        yield b"HTTP/1.1 100 Continue\r\n\r\n"
        yield 0.05


CHALLENGE = b'WWW-Authenticate: Digest realm="sippy", nonce="4f2c", qop="auth"'
TRICKLING = {
    "headers": trickle(b"HTTP/1.1 200 OK\r\n", b"X-Padding: 1\r\n"),
    "body": trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n<?xml version='1.0'?><methodResponse>", b" "),
    "401-page": trickle(b"HTTP/1.1 401 Unauthorized\r\n" + CHALLENGE + b"\r\nContent-Length: 1000000\r\n\r\n", b"."),
    "500-page": trickle(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1000000\r\n\r\n", b"."),
    "100-continue": endless_continue,
}


@pytest.mark.parametrize("script", TRICKLING.values(), ids=TRICKLING)
def test_an_answer_that_trickles_is_cut_off_at_the_timeout(script: Script) -> None:
    """A byte every 50 ms keeps each read within the timeout; the timeout still bounds the whole answer."""
    with RawServer(script) as server, raw_client(server, read_timeout=0.5) as api:
        started = time.perf_counter()
        error = raised(CallTimeout, api.list_accounts)
        assert time.perf_counter() - started < 5
    assert_operator_message(error, host_of(server.url), words=("did not answer within 0.5 s",))


def slow_list(pieces_sent: int, then_wait: float) -> Script:
    """A 40-trunk list sent in eight pieces 0.2 s apart, after the first ``pieces_sent`` a wait of ``then_wait``."""
    trunks = [{"i_trunk": n, "name": f"t{n}", "destination": "192.0.2.1"} for n in range(40)]
    body = xmlrpc.client.dumps(({"trunks": trunks},), methodresponse=True).encode()
    size = len(body) // 8 + 1
    pieces = [body[at:at + size] for at in range(0, len(body), size)]

    def script(request: bytes) -> Iterator[bytes | float]:
        yield b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
        for number, piece in enumerate(pieces):
            yield piece
            yield then_wait if number + 1 == pieces_sent else 0.2

    return script


def test_a_list_that_keeps_arriving_outlasts_the_timeout() -> None:
    """1.6 s of trunks arriving, a few every 0.2 s: the 0.5 s timeout counts from the last trunk."""
    with RawServer(slow_list(8, 0.2)) as server, raw_client(server, read_timeout=0.5) as api:
        told: list[Trunk] = []
        assert len(api.list_trunks(1, arrived=told.extend)) == len(told) == 40


def test_a_list_that_stops_arriving_is_cut_off_and_says_so() -> None:
    with RawServer(slow_list(3, 5.0)) as server, raw_client(server, read_timeout=0.5) as api:
        told: list[Trunk] = []
        started = time.perf_counter()
        error = raised(CallTimeout, lambda: api.list_trunks(1, arrived=told.extend), "getTrunksList")
        assert time.perf_counter() - started < 3
    assert 0 < len(told) < 40
    assert_operator_message(error, host_of(server.url), words=("sent no more of its answer for 0.5 s",))


def test_a_call_after_a_timeout_has_its_own_time(sim: Sim) -> None:
    with sim.client(read_timeout=1.0) as api:
        sim.server.knobs.latency = 2.0
        raised(CallTimeout, api.list_accounts)
        sim.server.knobs.latency = 0.2
        assert api.list_accounts() and api.list_accounts()


def test_the_deadline_watcher_ends_with_its_connection(sim: Sim) -> None:
    def watchers() -> set[threading.Thread]:
        return {thread for thread in threading.enumerate() if thread.name == "trunktui-deadline"}

    before = watchers()
    with sim.client() as api:
        api.list_accounts()
        (watcher,) = watchers() - before
    watcher.join(timeout=2)
    assert not watcher.is_alive()


def test_a_patient_client_gets_the_slow_answer(sim: Sim, api: SippyClient) -> None:
    expected = api.list_accounts()
    fail_always(sim, FailMode.SLOW_BODY, stall=0.3)
    started = time.perf_counter()
    assert api.list_accounts() == expected
    assert time.perf_counter() - started >= 0.3


@pytest.mark.parametrize("mode", [FailMode.RESET, FailMode.RESET_MID_BODY], ids=["before-answer", "mid-response"])
def test_connection_reset(sim: Sim, api: SippyClient, mode: FailMode) -> None:
    fail_always(sim, mode)
    error = raised(TransportError, api.list_accounts)
    assert_operator_message(error, host_of(sim.url), words=("broke",))


# --- HTTP status instead of XML-RPC ---------------------------------------------------------


def test_http_401_although_the_password_was_right(sim: Sim, api: SippyClient) -> None:
    """The switch's password changed under a logged-in client: it must ask again."""
    fail_always(sim, FailMode.HTTP_401)
    error = raised(AuthError, api.list_accounts)
    assert isinstance(error, AuthError) and error.status == 401
    assert_operator_message(error, host_of(sim.url), words=("'acme'", "password"))


def test_a_fresh_challenge_mid_session_is_answered_without_the_caller_noticing(sim: Sim, api: SippyClient) -> None:
    """One 401 with a new nonce (a rotated nonce, not a changed password) is answered by Digest itself."""
    challenges = sim.server.stats.challenges
    fail_always(sim, FailMode.HTTP_401)
    sim.server.knobs.fail_every = sim.server.stats.calls + 1
    assert api.list_accounts()
    assert sim.server.stats.challenges == challenges + 1


UNANSWERABLE = {
    "unknown-algorithm": ('Digest realm="sippy", nonce="4f2c", algorithm=SHA-1024', "algorithm SHA-1024"),
    "auth-int-only": ('Digest realm="sippy", nonce="4f2c", qop="auth-int"', "only qop=auth-int"),
    "no-equals-sign": ("Digest realm", "malformed"),
    "no-nonce": ('Digest realm="sippy"', "malformed"),
    "unknown-qop": ('Digest realm="sippy", nonce="4f2c", qop="auth-conf"', "malformed"),
    "not-ascii": ('Digest realm="Zürich", nonce="4f2c"', "other than ASCII"),
}


@pytest.mark.parametrize(("offered", "words"), UNANSWERABLE.values(), ids=UNANSWERABLE)
def test_a_digest_challenge_that_cannot_be_answered(offered: str, words: str) -> None:
    """httpx's Digest auth raises KeyError, NotImplementedError or ValueError for these; the client, AuthError."""
    script = answering(b"401 Unauthorized", b"WWW-Authenticate: " + offered.encode())
    with RawServer(script) as server, raw_client(server) as api:
        error = raised(AuthError, api.list_accounts)
    assert isinstance(error, AuthError) and error.status == 401 and not error.may_have_acted
    assert_operator_message(error, host_of(server.url), words=(words, f"it offered: {offered}."))


def test_a_change_refused_by_an_unanswerable_challenge_is_audited() -> None:
    class Sink:
        def __init__(self) -> None:
            self.records: list[tuple[str, dict[str, Any]]] = []

        def record(self, action: str, **details: Any) -> None:
            self.records.append((action, details))

    audit = Sink()
    script = answering(b"401 Unauthorized", b'WWW-Authenticate: Digest realm="sippy", nonce="4f2c", algorithm=MD6')
    with RawServer(script) as server, raw_client(server) as api:
        api.audit = audit
        with pytest.raises(AuthError):
            api.update_trunk(7, {"description": "never sent"})
    ((action, details),) = audit.records
    assert action == "update" and details["trunk"] == 7 and isinstance(details["error"], AuthError)


@pytest.mark.parametrize(
    ("path", "mode", "status", "words"),
    [
        ("/xmlapi/xmlapi", FailMode.HTTP_403, 403, ("HTTP 403", "Forbidden")),
        ("/api", None, 404, ("HTTP 404", "URL path", "{url}")),
        ("/xmlapi/xmlapi", FailMode.HTTP_404, 404, ("HTTP 404", "URL path", "{url}")),
        ("/xmlapi/xmlapi", FailMode.HTTP_500, 500, ("HTTP 500", "Internal Server Error")),
    ],
    ids=["403-html-page", "404-wrong-path", "404-html-page", "500-html-page"],
)
def test_http_error_instead_of_xmlrpc(
    sim: Sim, path: str, mode: FailMode | None, status: int, words: tuple[str, ...]
) -> None:
    """An HTML page or the simulator's own plain "Not Found" (a wrong path) instead of an answer."""
    url = sim.url.replace("/xmlapi/xmlapi", path)
    with sim.client(url=url) as api:
        if mode is not None:
            api.list_accounts()
            fail_always(sim, mode)
        error = raised(HttpError, api.list_accounts)
    assert isinstance(error, HttpError) and error.status == status
    assert_operator_message(error, host_of(sim.url), words=tuple(word.format(url=url) for word in words))


# --- A 200 that is not a usable answer --------------------------------------------------------


def test_malformed_xml(sim: Sim, api: SippyClient) -> None:
    fail_always(sim, FailMode.MALFORMED)
    error = raised(ProtocolError, api.list_accounts)
    assert_operator_message(error, host_of(sim.url), words=("not well-formed",))


def test_truncated_xml(sim: Sim, api: SippyClient) -> None:
    fail_always(sim, FailMode.TRUNCATED)
    error = raised(ProtocolError, api.list_accounts)
    assert_operator_message(error, host_of(sim.url), words=("truncated",))


@pytest.mark.parametrize(("cap", "words"), [(1 << 20, "1 MiB"), (None, "256 MiB")], ids=["1MiB-cap", "default-cap"])
def test_answer_past_the_text_limit(sim: Sim, cap: int | None, words: str) -> None:
    """A string a quarter longer than the limit: the client stops at its limit instead of reading it all."""
    with sim.client(**({} if cap is None else {"max_text_bytes": cap})) as api:
        api.list_accounts()
        fail_always(sim, FailMode.HUGE, huge_bytes=api.settings.max_text_bytes * 5 // 4)
        started = time.perf_counter()
        error = raised(ResponseTooLarge, api.list_accounts)
    assert time.perf_counter() - started < 10
    assert_operator_message(
        error, host_of(sim.url), words=(f"holds more than {words} of text",)
    )


DEEP = b"<value><array><data>" * 100_000
REFUSED_ANSWERS = {
    "doctype": (b"<?xml version='1.0'?>\n<!DOCTYPE methodResponse [<!ENTITY who 'expanded'>]>\n"
                b"<methodResponse><params><param><value><struct><member><name>&who;</name><value>1</value>"
                b"</member></struct></value></param></params></methodResponse>", "declares a DOCTYPE"),
    "nested-100000-deep": (b"<?xml version='1.0'?>\n<methodResponse><params><param><value><struct><member>"
                           b"<name>deep</name>" + DEEP + DEEP.replace(b"<", b"</")[::-1], "64 arrays and structs deep"),
}


@pytest.mark.parametrize(("body", "words"), REFUSED_ANSWERS.values(), ids=REFUSED_ANSWERS)
def test_an_answer_the_decoder_refuses(body: bytes, words: str) -> None:
    with RawServer(answering(b"200 OK", b"Content-Type: text/xml", body=body)) as server, raw_client(server) as api:
        error = raised(ProtocolError, api.list_accounts)
    assert_operator_message(error, host_of(server.url), words=(words,))


def test_a_large_answer_under_the_cap_is_read(sim: Sim, api: SippyClient) -> None:
    expected = api.list_accounts()
    fail_always(sim, FailMode.HUGE, huge_bytes=2 << 20)
    assert api.list_accounts() == expected


# --- TLS ----------------------------------------------------------------------------------------


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(sim: Sim, authority: trustme.CA) -> Iterator[Callable[..., SimulatorServer]]:
    """Start HTTPS simulators over the test's store, with certificates from ``authority``."""
    servers: list[SimulatorServer] = []

    def start(*identities: str, **cert_options: Any) -> SimulatorServer:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(*identities, **cert_options).configure_cert(context)
        servers.append(SimulatorServer(sim.store, ssl_context=context).start())
        return servers[-1]

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def ca_bundle(authority: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return str(path)


def test_tls_certificate_not_trusted(sim: Sim, tls_server: Callable[..., SimulatorServer]) -> None:
    server = tls_server("127.0.0.1")
    with sim.client(url=server.url) as api:
        error = raised(TlsError, api.list_accounts)
    assert_operator_message(error, host_of(server.url), words=("certificate", "could not be verified", "CA bundle"))


@pytest.mark.parametrize(
    ("connect_to", "words"),
    [("127.0.0.1", "IP address mismatch"), ("localhost", "Hostname mismatch")],
)
def test_tls_certificate_for_another_host(
    sim: Sim, tls_server: Callable[..., SimulatorServer], ca_bundle: str, connect_to: str, words: str
) -> None:
    server = tls_server("sippy.example.net")
    url = server.url.replace("127.0.0.1", connect_to)
    with sim.client(url=url, ca_bundle=ca_bundle) as api:
        error = raised(TlsError, api.list_accounts)
    assert_operator_message(
        error,
        host_of(url),
        words=("certificate", words, f"'{connect_to}'"),
        extra={"ask for nothing already given (the CA bundle)": "CA bundle" not in str(error)},
    )


def test_tls_certificate_expired(sim: Sim, tls_server: Callable[..., SimulatorServer], ca_bundle: str) -> None:
    server = tls_server(
        "127.0.0.1", not_before=datetime.datetime(2020, 1, 1), not_after=datetime.datetime(2021, 1, 1)
    )
    with sim.client(url=server.url, ca_bundle=ca_bundle) as api:
        error = raised(TlsError, api.list_accounts)
    assert_operator_message(
        error,
        host_of(server.url),
        words=("certificate has expired",),
        extra={"ask for nothing already given (the CA bundle)": "CA bundle" not in str(error)},
    )


def test_tls_with_the_right_ca_bundle_works(
    sim: Sim, tls_server: Callable[..., SimulatorServer], ca_bundle: str
) -> None:
    server = tls_server("127.0.0.1", "localhost")
    with sim.client(url=server.url, ca_bundle=ca_bundle) as api:
        assert api.list_accounts()


# --- XML-RPC faults from every method ----------------------------------------------------------

DESTINATION = "192.0.2.10:5060"
METHOD_CALLS: list[tuple[str, Callable[[SippyClient, int, int], object]]] = [
    ("listAccounts", lambda api, i_account, i_trunk: api.list_accounts()),
    ("getAccountInfo", lambda api, i_account, i_trunk: api.get_account(i_account=i_account)),
    ("getTrunksList", lambda api, i_account, i_trunk: api.list_trunks(i_account)),
    ("getTrunksList", lambda api, i_account, i_trunk: api.trunks_named(i_account, "a_name")),
    ("getTrunkInfo", lambda api, i_account, i_trunk: api.get_trunk(i_trunk)),
    (
        "createTrunk",
        lambda api, i_account, i_trunk: api.create_trunk(
            {"i_account": i_account, "name": "never-created", "destination": DESTINATION}
        ),
    ),
    ("updateTrunk", lambda api, i_account, i_trunk: api.update_trunk(i_trunk, {"description": "never-updated"})),
    ("deleteTrunk", lambda api, i_account, i_trunk: api.delete_trunk(i_trunk)),
    ("getTrunkInfo", lambda api, i_account, i_trunk: api.check_update(i_trunk, {"capacity": 1}, "lost")),
    (
        "getTrunksList",
        lambda api, i_account, i_trunk: api.check_create({"i_account": i_account, "name": "n"}, "lost"),
    ),
    ("getTrunksList", lambda api, i_account, i_trunk: api.check_delete(
        Trunk({"i_trunk": i_trunk, "i_account": i_account, "name": "n"}), "lost")),
    ("system.multicall", lambda api, i_account, i_trunk: raise_any(api.trunks_of([i_account, i_account]))),
    ("system.multicall", lambda api, i_account, i_trunk: api.get_trunks([i_trunk, i_trunk])),
]


CONNECTION = {"i_trunk_connection": 1, "i_trunk": 1, "name": "main", "order_no": 1}
METHOD_CALLS_2022: list[tuple[str, Callable[[SippyClient, int, int], object]]] = [
    ("getTrunkConnectionsList", lambda api, i_account, i_trunk: api.list_connections(i_trunk)),
    ("getTrunkConnectionInfo", lambda api, i_account, i_trunk: api.get_connection(1)),
    ("createTrunkConnection", lambda api, i_account, i_trunk: api.create_connection(
        {"i_trunk": i_trunk, "name": "never-created", "destination": DESTINATION})),
    ("updateTrunkConnection", lambda api, i_account, i_trunk: api.update_connection(
        TrunkConnection(CONNECTION), {"capacity": 3})),
    ("deleteTrunkConnection", lambda api, i_account, i_trunk: api.delete_connection(TrunkConnection(CONNECTION))),
    ("getTrunkConnectionInfo", lambda api, i_account, i_trunk: api.check_connection_update(
        TrunkConnection(CONNECTION), {"capacity": 3}, "lost")),
    ("getTrunkConnectionsList", lambda api, i_account, i_trunk: api.check_connection_create(
        {"i_trunk": i_trunk, "name": "n"}, "lost")),
    ("getTrunkConnectionsList", lambda api, i_account, i_trunk: api.check_connection_delete(
        TrunkConnection(CONNECTION), "lost")),
    ("system.multicall", lambda api, i_account, i_trunk: raise_any(api.connections_of([i_trunk, i_trunk + 1]))),
]


def raise_any(found: list[Any]) -> None:
    """``connections_of`` gives each trunk the error its batch met; raise it if every trunk met the same."""
    errors = set(map(id, found))
    error = found[0]
    if len(errors) == 1 and isinstance(error, Exception):
        raise error
ANSWERED_WITHOUT_A_FAULT = {"api", "trunks", "finding", "trunk_policies"}
"""Work out the API, or what the switch offers, from whatever answers they get (see tests/test_detection.py)."""


def test_every_client_method_is_in_the_fault_table() -> None:
    public = {name for name in vars(SippyClient) if not name.startswith("_")}
    public -= {"call", "close", "reconnect", "give_up_lists", "fork"} | ANSWERED_WITHOUT_A_FAULT
    assert len(public) == len(METHOD_CALLS) + len(METHOD_CALLS_2022), (
        f"a client method is missing from the fault tables: {sorted(public)}")


@pytest.mark.parametrize(("method", "call"), METHOD_CALLS_2022, ids=[method for method, _ in METHOD_CALLS_2022])
def test_fault_from_every_connection_method(
    sim22: Sim, method: str, call: Callable[[SippyClient, int, int], object]
) -> None:
    with sim22.client() as api:
        trunk = api.list_trunks(1)[0]
        fail_always(sim22, FailMode.FAULT)
        with pytest.raises(FaultError) as caught:
            call(api, 1, trunk.i_trunk)
        fault = caught.value
        assert (type(fault), fault.method, fault.code, fault.string) == (FaultError, method, 500, "Injected fault")
        sim22.server.knobs.fail_every = 0
        assert api.get_trunk(trunk.i_trunk) == trunk, "nothing changed"


@pytest.mark.parametrize(("method", "call"), METHOD_CALLS, ids=[method for method, _ in METHOD_CALLS])
def test_fault_from_every_method(
    sim: Sim, api: SippyClient, method: str, call: Callable[[SippyClient, int, int], object]
) -> None:
    i_account = api.list_accounts()[0].i_account
    trunk = api.list_trunks(i_account)[0]
    fail_always(sim, FailMode.FAULT)
    with pytest.raises(FaultError) as caught:
        call(api, i_account, trunk.i_trunk)
    fault = caught.value
    assert type(fault) is FaultError
    assert (fault.method, fault.code, fault.string) == (method, 500, "Injected fault")
    assert_operator_message(
        fault, host_of(sim.url), words=("500", "Injected fault"),
        extra={"name the host or what to do": True},  # the switch's own words: shown as sent
    )
    sim.server.knobs.fail_every = 0
    # A fault is refused before the call runs: nothing changed.
    assert "never-created" not in sim.store.trunk_names(i_account)
    assert api.get_trunk(trunk.i_trunk) == trunk
