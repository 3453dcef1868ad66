"""A long trunk list leaves the simulator as it is read: chunked, gzipped on the way, the same values as whole."""

from __future__ import annotations

import gzip
import http.client
import ssl
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import trustme
from hypothesis import HealthCheck
from hypothesis import strategies as st

from tests.hostile import Depth, long_runs, wire_values
from trunktui.model import TRUNK_FIELDS
from trunktui.simulator import SimulatorServer, Store
from trunktui.simulator.framing import STREAM_THRESHOLD
from trunktui.simulator.outcome import Streamed, encode, pieces

ACME = ("acme", "acme-demo")
TLS = ssl.create_default_context()
TRUNKS = 700
"""Enough trunks for an answer well past ``STREAM_THRESHOLD``."""
HOSTILE = ["a&b <c> ]]> &amp; \"'", "\u202eevil\u202c", "日本語 ☎ 𝄞", "\t\n", "", "NULL", "<nil/>"]
PROPERTY = Depth(quick=40, full=300, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def hostile_row(i_account: int, number: int) -> dict[str, Any]:
    """A trunk of plain values and hostile text, NULL in every member that may be NULL."""
    text = HOSTILE[number % len(HOSTILE)]
    row: dict[str, Any] = {"i_account": i_account, "name": f"{text}-{number}"}
    for spec in TRUNK_FIELDS:
        if spec.name in ("i_trunk", "i_account", "name"):
            continue
        if spec.nullable and number % 3 == 0:
            row[spec.name] = None
        elif isinstance(spec.default, str):
            row[spec.name] = f"{text} {spec.name} {number}"
    return row


@pytest.fixture
def i_account(store: Store) -> int:
    i_account = store.add_account(1, "acme-hostile", description="hostile <text>")
    store.insert_trunks(hostile_row(i_account, number) for number in range(TRUNKS))
    return i_account


@pytest.fixture
def server(store: Store) -> Iterator[SimulatorServer]:
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",)) as server:
        yield server


def listing(i_account: int) -> bytes:
    return xmlrpc.client.dumps(({"i_customer": 1, "i_account": i_account},), "getTrunksList").encode()


def decoded(body: bytes) -> list[dict[str, Any]]:
    (answer,), _ = xmlrpc.client.loads(body, use_builtin_types=True)
    assert answer["result"] == "OK"
    return list(answer["trunks"])


def whole_answer(store: Store, i_account: int) -> bytes:
    """The answer as the simulator built it before it streamed: ``xmlrpc.client.dumps`` of the whole list."""
    return encode(({"result": "OK", "trunks": store.list_trunks(i_account)},))


def test_a_long_list_is_sent_chunked_and_decodes_to_the_stores_list(
    server: SimulatorServer, store: Store, i_account: int
) -> None:
    """Text with markup, bidi controls, other scripts and whitespace, and NULLs, come back as stored."""
    with httpx.Client(auth=httpx.DigestAuth(*ACME), verify=TLS) as client:
        body = xmlrpc.client.dumps(({"i_account": i_account},), "getTrunksList").encode()
        response = client.post(server.url, content=body, headers={"Accept-Encoding": "identity"})
    assert response.headers["transfer-encoding"] == "chunked" and "content-length" not in response.headers
    assert decoded(response.content) == store.list_trunks(i_account)
    assert response.content == whole_answer(store, i_account)


def test_a_short_answer_is_still_sent_whole_with_its_length(server: SimulatorServer, store: Store) -> None:
    i_account = store.add_account(1, "acme-few")
    store.insert_trunks(hostile_row(i_account, number) for number in range(3))
    with httpx.Client(verify=TLS) as client:
        response = client.post(server.url, content=listing(i_account), headers={"Accept-Encoding": "identity"})
    assert int(response.headers["content-length"]) == len(response.content) < STREAM_THRESHOLD
    assert "transfer-encoding" not in response.headers
    assert decoded(response.content) == store.list_trunks(i_account)


def test_the_first_piece_is_made_before_the_rows_after_it_are_read() -> None:
    """Only the first batch has been read when the first piece is handed over."""
    read: list[int] = []

    def batches() -> Iterator[list[dict[str, Any]]]:
        for number in range(5):
            read.append(number)
            yield [{"i_trunk": number * 10 + k, "name": f"t{number}-{k}"} for k in range(10)]

    answer = pieces(({"result": "OK", "trunks": Streamed(batches())},))
    first = next(answer)
    assert read == [0] and b"t0-9" in first and b"t1-0" not in first
    rest = list(answer)
    assert read == [0, 1, 2, 3, 4]
    assert [t["i_trunk"] for t in decoded(first + b"".join(rest))] == list(range(50))


@PROPERTY(items=st.lists(wire_values(huge=False, big_ints=False), max_size=12), size=st.integers(1, 5),
          around=st.dictionaries(st.sampled_from(["result", "total", "more"]), wire_values(huge=False), max_size=2))
def test_pieces_join_to_what_xmlrpc_writes_for_the_whole_answer(
    items: list[Any], size: int, around: dict[str, Any]
) -> None:
    """Any values XML-RPC can carry, in batches of any size, between any other members (an integer too
    large for XML-RPC among them makes the answer a fault): the very bytes of ``dumps``."""
    batches = [items[at:at + size] for at in range(0, len(items), size)]
    streamed = b"".join(pieces(({**around, "trunks": Streamed(batches)},)))
    assert streamed == encode(({**around, "trunks": items},))


def test_keep_alive_goes_on_after_a_chunked_answer(server: SimulatorServer, store: Store, i_account: int) -> None:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request("POST", "/xmlapi/xmlapi", body=listing(i_account), headers={"Content-Type": "text/xml"})
        first = connection.getresponse()
        assert first.getheader("Transfer-Encoding") == "chunked"
        assert decoded(first.read()) == store.list_trunks(i_account)
        socket = connection.sock
        connection.request("POST", "/xmlapi/xmlapi", body=listing(i_account), headers={"Content-Type": "text/xml"})
        second = connection.getresponse()
        assert connection.sock is socket and second.status == 200
        assert decoded(second.read()) == store.list_trunks(i_account)
    finally:
        connection.close()


def test_a_gzipped_stream_decodes_to_the_whole_answer(server: SimulatorServer, store: Store, i_account: int) -> None:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request("POST", "/xmlapi/xmlapi", body=listing(i_account),
                           headers={"Content-Type": "text/xml", "Accept-Encoding": "gzip"})
        response = connection.getresponse()
        assert (response.getheader("Content-Encoding"), response.getheader("Transfer-Encoding")) == ("gzip", "chunked")
        squeezed = response.read()
    finally:
        connection.close()
    assert len(squeezed) < len(whole_answer(store, i_account)) / 5
    assert gzip.decompress(squeezed) == whole_answer(store, i_account)


def test_httpx_and_the_standard_librarys_client_both_read_it(
    server: SimulatorServer, store: Store, i_account: int
) -> None:
    with httpx.Client(verify=TLS) as client:
        for encoding in ("gzip", "identity"):
            response = client.post(server.url, content=listing(i_account), headers={"Accept-Encoding": encoding})
            assert response.headers["transfer-encoding"] == "chunked"
            assert decoded(response.content) == store.list_trunks(i_account)
    with xmlrpc.client.ServerProxy(server.url, allow_none=True, use_builtin_types=True) as proxy:
        answer: Any = proxy.getTrunksList({"i_customer": 1, "i_account": i_account})
    assert answer["trunks"] == store.list_trunks(i_account)


def test_a_chunked_answer_over_tls(store: Store, i_account: int) -> None:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    with SimulatorServer(store, ssl_context=context) as server, \
            httpx.Client(auth=httpx.DigestAuth(*ACME), verify=trusting) as client:
        body = xmlrpc.client.dumps(({"i_account": i_account},), "getTrunksList").encode()
        for _ in range(2):
            response = client.post(server.url, content=body)
            assert response.headers["transfer-encoding"] == "chunked"
            assert decoded(response.content) == store.list_trunks(i_account)


def test_a_list_that_fails_part_way_is_cut_off_not_ended(server: SimulatorServer, store: Store, i_account: int,
                                                         capfd: pytest.CaptureFixture[str]) -> None:
    """Once the answer has started, a batch that cannot be read ends the connection: the client sees
    an answer cut short, never a well-formed answer that lacks trunks."""

    def breaking(i_customer: int, params: dict[str, Any]) -> dict[str, Any]:
        def batches() -> Iterator[list[dict[str, Any]]]:
            yield store.list_trunks(i_account)
            raise RuntimeError("the database went away")

        return {"result": "OK", "trunks": Streamed(batches())}

    server.methods.table["getTrunksList"] = breaking
    with httpx.Client(verify=TLS) as client, pytest.raises(httpx.RemoteProtocolError):
        client.post(server.url, content=listing(i_account))
    assert "the database went away" in capfd.readouterr().err


def test_a_list_that_cannot_be_encoded_is_a_fault_before_anything_is_sent(
    server: SimulatorServer, i_account: int, capfd: pytest.CaptureFixture[str]
) -> None:
    server.knobs.extra_members = {"too_big": 1 << 40}
    with httpx.Client(verify=TLS) as client:
        response = client.post(server.url, content=listing(i_account))
    with pytest.raises(xmlrpc.client.Fault, match="answer could not be encoded"):
        xmlrpc.client.loads(response.content)
    assert "OverflowError" in capfd.readouterr().err


globals().update(long_runs(globals()))
