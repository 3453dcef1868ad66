"""The simulator left running where others can reach it: replayed Digest
answers, hostile text in the verbose log, and clients that hold connections.

Everything but the bound on remembered nonces goes over real HTTP on
loopback, with deadlines made small on the server so that each test takes
well under a second.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import select
import socket
import threading
import time
import urllib.request
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.wire import logged_line
from trunktui.simulator import SimulatorServer, Store
from trunktui.simulator.digest import DigestAuthenticator
from trunktui.simulator.dispatch import REALM
from trunktui.simulator.framing import XMLAPI_PATH

ACME = ("acme", "acme-demo")
LIST_ACCOUNTS = xmlrpc.client.dumps(({"i_customer": 1},), "listAccounts").encode()


@pytest.fixture
def server(store: Store) -> Iterator[SimulatorServer]:
    with SimulatorServer(store) as server:
        yield server


def rpc(client: httpx.Client, url: str, method: str, params: dict[str, Any], **headers: str) -> httpx.Response:
    body = xmlrpc.client.dumps((params,), method)
    return client.post(url, content=body, headers={"Content-Type": "text/xml", **headers})


def answered(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (answer,), _ = xmlrpc.client.loads(response.content)
    assert answer["result"] == "OK"
    return dict(answer)


# --- Digest replay --------------------------------------------------------------------


def acme_trunks(store: Store) -> list[int]:
    customer = store.customer_by_login("acme")
    assert customer is not None
    i_account = store.list_accounts(customer["i_customer"], 0, 1)[0]["i_account"]
    return [trunk["i_trunk"] for trunk in store.list_trunks(i_account)]


def test_a_captured_authorization_header_cannot_be_replayed(server: SimulatorServer) -> None:
    sent: list[httpx.Request] = []
    with httpx.Client(auth=httpx.DigestAuth(*ACME), event_hooks={"request": [sent.append]}) as acme:
        answered(rpc(acme, server.url, "listAccounts", {}))
    captured = sent[-1].headers["authorization"]
    victim = acme_trunks(server.store)[0]

    with httpx.Client() as eavesdropper:
        replayed = rpc(eavesdropper, server.url, "deleteTrunk", {"i_trunk": victim}, Authorization=captured)

    assert replayed.status_code == 401
    assert replayed.headers["www-authenticate"].startswith("Digest ")
    assert victim in acme_trunks(server.store)


def answer_to(challenge: str, nc: int, login: str = "acme", password: str = "acme-demo") -> str:
    """An Authorization header for ``challenge`` with nonce count ``nc``, built as RFC 7616 says."""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    nonce, count, cnonce = params["nonce"], f"{nc:08x}", f"c{nc}"
    ha1 = hashlib.md5(f"{login}:{params['realm']}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"POST:{XMLAPI_PATH}".encode()).hexdigest()
    response = hashlib.md5(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}".encode()).hexdigest()
    return (f'Digest username="{login}", realm="{params["realm"]}", nonce="{nonce}", uri="{XMLAPI_PATH}", '
            f'qop=auth, nc={count}, cnonce="{cnonce}", response="{response}", opaque="{params["opaque"]}"')


def test_a_nonce_is_accepted_only_with_a_higher_count_each_time(server: SimulatorServer) -> None:
    with httpx.Client() as client:
        challenge = rpc(client, server.url, "listAccounts", {}).headers["www-authenticate"]
        statuses = [
            rpc(client, server.url, "listAccounts", {}, Authorization=answer_to(challenge, nc)).status_code
            for nc in (1, 1, 3, 2, 3, 4)
        ]
    assert statuses == [200, 401, 200, 401, 401, 200]
    assert server.stats.calls == 3


def test_the_standard_librarys_digest_client_keeps_working(server: SimulatorServer) -> None:
    handler = urllib.request.HTTPDigestAuthHandler()
    handler.add_password(REALM, server.url, *ACME)
    opener = urllib.request.build_opener(handler)
    for _ in range(3):
        request = urllib.request.Request(server.url, data=LIST_ACCOUNTS, headers={"Content-Type": "text/xml"})
        with opener.open(request, timeout=5) as response:
            (answer,), _ = xmlrpc.client.loads(response.read())
        assert answer["result"] == "OK"
    assert server.stats.calls == 3


def test_nonce_counts_are_bounded_and_a_forgotten_nonce_is_stale() -> None:
    digest = DigestAuthenticator(REALM, {"acme": "acme-demo"}.get, max_nonces=2)
    challenges = []
    for _ in range(3):
        challenges.append(digest.challenge())
        time.sleep(0.002)  # each nonce issued at a later microsecond than the one before

    first_uses = [digest.verify(answer_to(challenge, 1), "POST", XMLAPI_PATH) for challenge in challenges]
    assert [verdict.login for verdict in first_uses] == ["acme"] * 3

    forgotten = digest.verify(answer_to(challenges[0], 2), "POST", XMLAPI_PATH)
    assert (forgotten.login, forgotten.stale) == (None, True)
    assert digest.verify(answer_to(challenges[2], 2), "POST", XMLAPI_PATH).login == "acme"


# --- The verbose log ------------------------------------------------------------------

HOSTILE_METHOD = "listAccounts\n10.9.8.7 acme deleteTrunk OK 0.1 ms\x9b2J\u202eevil"
LOG_LINE = re.compile(r"127\.0\.0\.1 trusted i_customer=1 (.+) fault -?\d+ \d+\.\d ms")


def call_body(method: str) -> bytes:
    """An XML-RPC call, written out so that the method name goes in exactly as given."""
    return (
        f"<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params><param><value><struct>"
        "<member><name>i_customer</name><value><int>1</int></value></member>"
        "</struct></value></param></params></methodCall>"
    ).encode()


def test_verbose_log_escapes_a_hostile_method_name(store: Store, capfd: pytest.CaptureFixture[str]) -> None:
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",), verbose=True) as server, httpx.Client() as client:
        response = client.post(server.url, content=call_body(HOSTILE_METHOD), headers={"Content-Type": "text/xml"})
        assert response.status_code == 200
        err = logged_line(capfd)

    lines = err.splitlines()
    assert len(lines) == 1 and err == lines[0] + "\n"
    assert err.isascii() and lines[0].isprintable()
    logged = LOG_LINE.fullmatch(lines[0])
    assert logged is not None, lines[0]
    assert logged.group(1) == ascii(HOSTILE_METHOD)


def test_verbose_log_cuts_a_long_method_name(store: Store, capfd: pytest.CaptureFixture[str]) -> None:
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",), verbose=True) as server, httpx.Client() as client:
        client.post(server.url, content=call_body("x" * 100_000), headers={"Content-Type": "text/xml"})
        err = logged_line(capfd)
    assert len(err) < 300 and ascii("x" * 100) + "..." in err


def test_an_error_quoting_the_request_is_logged_printable(
    store: Store, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(method: str, i_customer: int, members: dict[str, Any]) -> dict[str, Any]:
        raise ValueError(f"cannot handle {method}")

    with SimulatorServer(store, trusted_hosts=("127.0.0.1",)) as server, httpx.Client() as client:
        monkeypatch.setattr(server.methods, "call", broken)
        response = client.post(server.url, content=call_body(HOSTILE_METHOD), headers={"Content-Type": "text/xml"})
        assert b"Internal error" in response.content
    err = capfd.readouterr().err

    assert err.startswith("Traceback (most recent call last):\n")
    last = err.splitlines()[-1]
    assert last.startswith("ValueError: cannot handle listAccounts\u240a10.9.8.7 acme")
    assert not any(line.startswith("10.9.8.7") for line in err.splitlines())
    assert "\x9b" not in err and "\u202e" not in err


# --- Connections ----------------------------------------------------------------------


def raw_request(body: bytes = LIST_ACCOUNTS) -> bytes:
    head = f"POST {XMLAPI_PATH} HTTP/1.1\r\nHost: simulator\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def kept_alive(server: SimulatorServer) -> http.client.HTTPConnection:
    """A connection that has been answered once and stays open, idle."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.request("POST", XMLAPI_PATH, LIST_ACCOUNTS, {"Content-Type": "text/xml"})
    assert connection.getresponse().read().startswith(b"<?xml")
    return connection


@pytest.mark.parametrize("length", [b"\xb2", b"\xb9\xb2", b"+1", b"1_0"])
def test_a_content_length_that_is_not_ascii_digits_is_refused(
    store: Store, length: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    """``²`` (byte B2 read as Latin-1) passes ``str.isdigit`` but not ``int``: it is refused, not a crash."""
    head = f"POST {XMLAPI_PATH} HTTP/1.1\r\nHost: simulator\r\nContent-Length: ".encode()
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",)) as server, \
            socket.create_connection((server.host, server.port), timeout=5) as connection:
        connection.sendall(head + length + b"\r\n\r\n" + LIST_ACCOUNTS)
        assert connection.recv(4096).startswith(b"HTTP/1.1 411 ")
    assert "Traceback" not in capfd.readouterr().err


def sending(server: SimulatorServer) -> socket.socket:
    """A connection in the middle of sending its request: busy, not idle."""
    connection = socket.create_connection((server.host, server.port), timeout=5)
    connection.sendall(raw_request()[:20])
    return connection


def test_connections_beyond_the_limit_wait_until_one_ends(store: Store) -> None:
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",), max_connections=2) as server:
        first, second = sending(server), sending(server)
        with socket.create_connection((server.host, server.port), timeout=5) as third:
            third.sendall(raw_request())
            third.settimeout(0.3)
            with pytest.raises(TimeoutError):
                third.recv(1)

            first.close()
            third.settimeout(5)
            assert third.recv(4096).startswith(b"HTTP/1.1 200 ")
        second.close()


def test_at_the_limit_the_longest_idle_connection_makes_room(store: Store) -> None:
    """Kept-alive connections idle at the limit do not make a new client wait: the one idle longest is closed."""
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",), max_connections=2) as server:
        first = kept_alive(server)
        time.sleep(0.2)  # so that it has been idle the longer, even on a busy machine
        second = kept_alive(server)
        with socket.create_connection((server.host, server.port), timeout=2) as third:
            third.sendall(raw_request())
            assert third.recv(4096).startswith(b"HTTP/1.1 200 ")
        assert first.sock is not None and closed_by_server(first.sock, b"", b"", within=2)
        second.request("POST", XMLAPI_PATH, LIST_ACCOUNTS, {"Content-Type": "text/xml"})
        assert second.getresponse().status == 200
        first.close()
        second.close()


def test_unauthenticated_clients_cannot_hold_every_connection(store: Store) -> None:
    """A client that cannot log in gets its 401 and the connection closed, so that clients holding
    every connection after a 401 do not shut out one that can log in."""
    with SimulatorServer(store, max_connections=3) as server:
        held = [socket.create_connection((server.host, server.port), timeout=2) for _ in range(3)]
        for connection in held:
            connection.sendall(raw_request())
            answer = connection.recv(4096)
            assert answer.startswith(b"HTTP/1.1 401 ") and b"\r\nConnection: close\r\n" in answer
        with httpx.Client(auth=httpx.DigestAuth(*ACME), timeout=2) as acme:
            answered(rpc(acme, server.url, "listAccounts", {}))
        assert all(closed_by_server(connection, b"", b"", within=2) for connection in held)
        for connection in held:
            connection.close()


def test_stopping_does_not_wait_for_a_connection_to_end(store: Store) -> None:
    server = SimulatorServer(store, trusted_hosts=("127.0.0.1",), max_connections=1).start()
    try:
        held = sending(server)
        with socket.create_connection((server.host, server.port), timeout=5) as waiting:
            waiting.sendall(raw_request())
            stopper = threading.Thread(target=server.stop)
            stopper.start()
            stopper.join(5)
            assert not stopper.is_alive(), "stop() hung while a connection waited its turn"
            assert closed_by_server(waiting, b"", b"")
        held.close()
    finally:
        server.stop()


def closed_by_server(connection: socket.socket, at_once: bytes, trickle: bytes, within: float = 5.0) -> bool:
    """Send ``at_once``, then ``trickle`` a byte every 50 ms, until the server closes the connection.

    False if it is still open after ``within`` seconds.
    """
    if at_once:
        connection.sendall(at_once)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if trickle:
            connection.send(trickle[:1])
            trickle = trickle[1:]
        readable, _, _ = select.select([connection], [], [], 0.05)
        if readable:
            try:
                return connection.recv(4096) == b""
            except ConnectionResetError:
                return True
    return False


HEAD = raw_request()[: -len(LIST_ACCOUNTS)]


@pytest.mark.parametrize("at_once, trickle", [
    pytest.param(b"", b"", id="silent"),
    pytest.param(b"", HEAD, id="headers"),
    pytest.param(HEAD, LIST_ACCOUNTS, id="body"),
])
def test_a_request_that_does_not_arrive_in_time_is_dropped(store: Store, at_once: bytes, trickle: bytes) -> None:
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",), request_timeout=0.3) as server, \
            socket.create_connection((server.host, server.port), timeout=5) as connection:
        assert closed_by_server(connection, at_once, trickle)


def test_a_kept_alive_connection_may_idle_longer_than_a_request_may_take(store: Store) -> None:
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",), request_timeout=0.2) as server:
        connection = kept_alive(server)
        time.sleep(0.4)
        connection.request("POST", XMLAPI_PATH, LIST_ACCOUNTS, {"Content-Type": "text/xml"})
        answer = connection.getresponse()
        assert answer.status == 200 and answer.read().startswith(b"<?xml")
        connection.close()
