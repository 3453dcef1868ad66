"""Answers decoded while they arrive: any split into chunks gives the same value.

``AnswerDecoder`` is fed what httpx hands over, in whatever pieces the
network and gzip produce, so the pieces may end anywhere: inside a tag, a
name, or a multi-byte character.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trunktui.api.decoding import AnswerDecoder
from trunktui.errors import FaultError, ProtocolError, ResponseTooLarge

ANSWER = {
    "trunks": [
        {"i_trunk": n, "name": f"ünïcode-€-{n}", "max_cps": 0.5 * n, "description": None, "random_call_id": n % 2 == 0}
        for n in range(40)
    ],
}
ENCODED = xmlrpc.client.dumps((ANSWER,), methodresponse=True, allow_none=True).encode("utf-8")


def decode(data: bytes, cuts: list[int], limit: int = 1 << 20) -> dict[str, Any]:
    decoder = AnswerDecoder("getTrunksList", "sw.example.net", limit)
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        decoder.feed(data[start:cut])
        start = cut
    return decoder.close()


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(0, len(ENCODED)), max_size=40))
def test_any_chunking_decodes_to_the_same_answer(cuts: list[int]) -> None:
    assert decode(ENCODED, cuts) == ANSWER


def test_one_byte_at_a_time() -> None:
    assert decode(ENCODED, list(range(len(ENCODED)))) == ANSWER


def test_member_names_are_shared_objects() -> None:
    trunks = decode(ENCODED, [7, 1000, 5000])["trunks"]
    assert all(a is b for a, b in zip(trunks[0], trunks[-1], strict=True))


def test_a_fault_is_a_fault_error() -> None:
    fault = xmlrpc.client.dumps(xmlrpc.client.Fault(404, "Trunk not found")).encode()
    with pytest.raises(FaultError) as caught:
        decode(fault, [10])
    assert (caught.value.code, caught.value.string, caught.value.method) == (404, "Trunk not found", "getTrunksList")


@pytest.mark.parametrize(("data", "words"), [
    (ENCODED[: len(ENCODED) // 2], "truncated"),
    (ENCODED.replace(b"</name>", b"</nam>", 1), "not well-formed"),
    (b"<?xml version='1.0'?><methodResponse><params></params></methodResponse>", "not a valid XML-RPC"),
    (xmlrpc.client.dumps(([1, 2],), methodresponse=True).encode(), "is a list, not a struct"),
], ids=["truncated", "malformed", "no-params", "not-a-struct"])
def test_broken_answers_are_protocol_errors(data: bytes, words: str) -> None:
    with pytest.raises(ProtocolError, match=words):
        decode(data, [3, 100])


def test_the_cap_counts_decoded_bytes_as_they_come() -> None:
    with pytest.raises(ResponseTooLarge, match="larger than the 1 KiB"):
        decode(ENCODED, list(range(0, len(ENCODED), 512)), limit=1024)


# --- What the decoder refuses -------------------------------------------------------

ENVELOPE = b"<?xml version='1.0'?>\n%s<methodResponse><params><param><value><struct><member><name>x</name>%s" \
           b"</member></struct></value></param></params></methodResponse>"


@pytest.mark.parametrize("doctype", [
    b"<!DOCTYPE methodResponse>",
    b"<!DOCTYPE methodResponse [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>",
    b"<!DOCTYPE methodResponse SYSTEM 'http://sw.example.net/answer.dtd'>",
], ids=["bare", "internal-entities", "external"])
def test_a_doctype_is_refused(doctype: bytes) -> None:
    """Sippy never sends one; with one, entities would be expanded."""
    answer = ENVELOPE % (doctype, b"<value><string>&lol2;</string></value>" if b"ENTITY" in doctype else b"<value/>")
    with pytest.raises(ProtocolError, match="declares a DOCTYPE"):
        decode(answer, [5, 60])
