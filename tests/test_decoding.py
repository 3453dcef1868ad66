"""Answers decoded while they arrive: any split into chunks gives the same value.

``AnswerDecoder`` is fed what httpx hands over, in whatever pieces the
network and gzip produce, so the pieces may end anywhere: inside a tag, a
name, or a multi-byte character.
"""

from __future__ import annotations

import contextlib
import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trunktui.api import decoding
from trunktui.api.decoding import AnswerDecoder
from trunktui.errors import FaultError, ProtocolError, ResponseTooLarge
from trunktui.model import TRUNK_FIELDS

ANSWER = {
    "trunks": [
        {"i_trunk": n, "name": f"ünïcode-€-{n}", "max_cps": 0.5 * n, "description": None, "random_call_id": n % 2 == 0}
        for n in range(40)
    ],
}
ENCODED = xmlrpc.client.dumps((ANSWER,), methodresponse=True, allow_none=True).encode("utf-8")


def decode(data: bytes, cuts: list[int], limit: int = 1 << 20) -> dict[str, Any]:
    decoder = AnswerDecoder("getTrunksList", "sw.example.net", max_text=limit)
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


def test_the_text_limit_counts_the_text_of_values_not_the_markup() -> None:
    """The 40 trunks hold 726 characters of text in 16 KB of XML: 1 KiB is room enough, 512 bytes is not."""
    assert len(ENCODED) > 16 * 1024
    assert decode(ENCODED, [512], limit=1024) == ANSWER
    with pytest.raises(ResponseTooLarge, match="holds more than 512 bytes of text"):
        decode(ENCODED, list(range(0, len(ENCODED), 512)), limit=512)


def test_the_text_limit_holds_for_text_not_yet_complete() -> None:
    """A single string that never ends is refused once the text held passes the limit, not kept for ever."""
    answer = ENVELOPE % (b"", b"<value><string>" + b"x" * 5000)
    with pytest.raises(ResponseTooLarge, match="holds more than 1 KiB of text"):
        decode(answer, list(range(0, len(answer), 100)), limit=1024)


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


def nested(depth: int) -> bytes:
    """An answer whose struct holds arrays inside arrays: ``depth`` arrays and structs in all."""
    arrays = depth - 1
    inner = b"<value><array><data>" * arrays + b"<value>1</value>" + b"</data></array></value>" * arrays
    return ENVELOPE % (b"", inner)


def test_arrays_and_structs_nest_at_most_max_depth() -> None:
    answer = decode(nested(decoding.MAX_DEPTH), [100, 2000])
    for _ in range(decoding.MAX_DEPTH - 1):
        (answer,) = answer["x"] if isinstance(answer, dict) else answer
    assert answer == "1"
    with pytest.raises(ProtocolError, match=f"nested more than {decoding.MAX_DEPTH} arrays and structs deep"):
        decode(nested(decoding.MAX_DEPTH + 1), [100, 2000])


def test_an_array_100000_deep_is_refused_in_its_first_kilobytes() -> None:
    answer = nested(100_000)
    decoder = AnswerDecoder("getTrunksList", "sw.example.net")
    fed = 0
    with pytest.raises(ProtocolError, match="64 arrays and structs deep"):
        for fed in range(0, len(answer), 4096):
            decoder.feed(answer[fed:fed + 4096])
    assert fed == 0, "refused in the first 4 KiB"


def test_elements_nested_deeper_than_any_answer_are_refused() -> None:
    """Not XML-RPC, but each open element costs expat memory: a million would cost over 100 MB."""
    answer = b"<?xml version='1.0'?>\n<methodResponse><params><param>" + b"<x>" * 1_000_000
    with pytest.raises(ProtocolError, match="nests its elements more than 197 deep, deeper than any XML-RPC answer"):
        decode(answer, [], limit=1 << 30)
    inside_a_string = (b"<?xml version='1.0'?>\n<methodResponse><params><param><value><struct><member>"
                       b"<name>x</name><value><string>" + b"<b>" * 1_000)
    with pytest.raises(ProtocolError, match="nests its elements more than 197 deep") as caught:
        decode(inside_a_string, [], limit=1 << 30)
    assert "arrays and structs" not in str(caught.value)


def test_values_past_max_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer's struct, the list and its items count: 1,000 in all is the most at a limit of 1,000."""
    monkeypatch.setattr(decoding, "MAX_VALUES", 1000)

    def answer(items: int) -> bytes:
        return xmlrpc.client.dumps(({"trunks": [{}] * items},), methodresponse=True).encode()

    assert len(decode(answer(998), [5000])["trunks"]) == 998
    with pytest.raises(ResponseTooLarge, match="holds more than 1,000 values"):
        decode(answer(999), [5000])


def test_max_values_leaves_room_for_twice_the_largest_trunk_list() -> None:
    largest = 200_000 * (len(TRUNK_FIELDS) + 1)
    assert 2 * largest <= decoding.MAX_VALUES


# --- The plain form, read a member at a time ------------------------------------------------------


def test_answers_in_the_plain_form_are_scanned_to_the_end() -> None:
    """The form ``xmlrpc.client`` writes, and the same without newlines or with CRLF, never needs the slow way."""
    compact = ENCODED.replace(b">\n<", b"><")
    crlf = ENCODED.replace(b"\n", b"\r\n")
    declared = ENCODED.replace(b"<?xml version='1.0'?>", b'<?xml version="1.0" encoding="UTF-8"?>')
    for data in (ENCODED, compact, crlf, declared):
        decoder = AnswerDecoder("getTrunksList", "sw.example.net")
        decoder.feed(data)
        assert decoder.close() == ANSWER
        assert decoder.scanned


@pytest.mark.parametrize("unusual", [
    b"<!-- a comment -->", b"<?pi here?>", b"<value><string>&#65;</string></value>",
    b"<value><string><![CDATA[<b>]]></string></value>", b"<value><base64>AAE=</base64></value>",
], ids=["comment", "processing-instruction", "character-reference", "cdata", "base64"])
def test_the_general_decoder_reads_on_from_where_the_form_ends(unusual: bytes) -> None:
    """Half the trunks are read in the plain form; the rest after the unusual text, by the general decoder."""
    middle = ENCODED.index(b"<value><struct>", len(ENCODED) // 2)
    extra = unusual if unusual.startswith((b"<!--", b"<?")) else b"<value><struct><member><name>x</name>%s" \
        b"</member></struct></value>" % unusual
    data = ENCODED[:middle] + extra + ENCODED[middle:]
    expected = xmlrpc.client.loads(data, use_builtin_types=True)[0][0]
    for cuts in ([], [middle - 3, middle + 5], list(range(0, len(data), 97))):
        decoder = AnswerDecoder("getTrunksList", "sw.example.net", "trunks")
        start = 0
        taken: list[Any] = []
        for cut in [*cuts, len(data)]:
            decoder.feed(data[start:cut])
            taken += decoder.take()
            start = cut
        answer = decoder.close()
        assert repr(answer) == repr(expected)
        assert not decoder.scanned
        assert taken and all(a is b for a, b in zip(taken, answer["trunks"], strict=False))


def test_a_place_in_the_xml_is_told_as_in_the_answer_after_the_general_decoder_took_over() -> None:
    middle = ENCODED.index(b"<value><struct>", len(ENCODED) // 2)
    data = ENCODED[:middle] + b"<!-- c -->" + ENCODED[middle:].replace(b"</name>", b"</nam>", 1)
    with pytest.raises(ExpatError) as original:
        xmlrpc.client.loads(data)
    with pytest.raises(ProtocolError) as caught:
        decode(data, [middle - 40, middle + 200])
    assert not decoder_scanned(data)
    assert f"({original.value})" in str(caught.value)


def decoder_scanned(data: bytes) -> bool:
    decoder = AnswerDecoder("getTrunksList", "sw.example.net")
    with contextlib.suppress(ProtocolError):
        decoder.feed(data)
    return decoder.scanned


# --- Items handed over while they arrive -------------------------------------------------------------


def test_trunks_are_handed_over_while_the_answer_arrives() -> None:
    decoder = AnswerDecoder("getTrunksList", "sw.example.net", "trunks")
    half = len(ENCODED) // 2
    decoder.feed(ENCODED[:half])
    first = decoder.take()
    assert 10 < len(first) < 40
    assert decoder.take() == []
    decoder.feed(ENCODED[half:])
    rest = decoder.take()
    answer = decoder.close()
    assert first + rest == ANSWER["trunks"]
    assert all(a is b for a, b in zip(first + rest, answer["trunks"], strict=True))


def test_a_streamed_member_given_twice_is_refused() -> None:
    """Items already handed over would not be the answer's: ``xmlrpc.client`` keeps the second."""
    twice = xmlrpc.client.dumps(({"trunks": [{"i_trunk": 1}]},), methodresponse=True).encode()
    twice = twice.replace(b"</struct></value>\n</param>", b"<member><name>trunks</name><value><array><data>"
                          b"</data></array></value></member></struct></value>\n</param>")
    assert xmlrpc.client.loads(twice)[0][0] == {"trunks": []}
    decoder = AnswerDecoder("getTrunksList", "sw.example.net", "trunks")
    decoder.feed(twice)
    assert decoder.take() == [{"i_trunk": 1}]
    with pytest.raises(ProtocolError, match="gives its member 'trunks' more than once"):
        decoder.close()


@pytest.mark.parametrize("value", [b"<int>5</i4>", b"<i4>5</int>", b"<string>a</int>", b"<nil></string>"])
def test_a_type_closed_by_another_is_refused_as_xmlrpc_client_refuses_it(value: bytes) -> None:
    """Not well-formed XML; read a run at a time, the member must not just go missing."""
    answer = ENVELOPE % (b"", b"<value>%s</value></member><member><name>y</name><value><int>1</int></value>" % value)
    with pytest.raises(ExpatError) as original:
        xmlrpc.client.loads(answer)
    with pytest.raises(ProtocolError) as caught:
        decode(answer, [])
    assert f"({original.value})" in str(caught.value)


MULTICALL = [[{"result": "OK", "trunk_connections": [{"i_trunk_connection": n, "name": f"c{n}", "capacity": None}]}]
             for n in range(30)] + [{"faultCode": 404, "faultString": "Trunk 9 not found"}]
MULTICALL_ENCODED = xmlrpc.client.dumps((MULTICALL,), methodresponse=True, allow_none=True).encode("utf-8")


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(0, len(MULTICALL_ENCODED)), max_size=20),
       unusual=st.integers(0, len(MULTICALL_ENCODED) - 1))
def test_an_array_answer_of_system_methods_is_read_the_fast_way_and_the_same_after_a_hand_over(
    cuts: list[int], unusual: int
) -> None:
    """A system.multicall answer is an array: read in the plain form without the general decoder, and,
    with a comment somewhere between two tags, handed over and still the same value."""
    decoder = AnswerDecoder("system.multicall", "sw.example.net", any_value=True)
    start = 0
    for cut in [*sorted(cuts), len(MULTICALL_ENCODED)]:
        decoder.feed(MULTICALL_ENCODED[start:cut])
        start = cut
    assert decoder.close() == MULTICALL and decoder.scanned
    at = MULTICALL_ENCODED.index(b"><", unusual) + 1 if b"><" in MULTICALL_ENCODED[unusual:] else None
    if at is not None:
        commented = MULTICALL_ENCODED[:at] + b"<!-- a switch's remark -->" + MULTICALL_ENCODED[at:]
        decoder = AnswerDecoder("system.multicall", "sw.example.net", any_value=True)
        decoder.feed(commented)
        assert decoder.close() == xmlrpc.client.loads(commented, use_builtin_types=True)[0][0] == MULTICALL
