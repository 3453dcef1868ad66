"""The decoder reads every answer as ``xmlrpc.client`` reads it, whichever way it is written and cut.

Answers are generated with every XML-RPC type, then written in the ways
switches and libraries write them (compact, CRLF, untyped strings, other
declarations, comments, CDATA, character references, another encoding) and
some are damaged a byte at a time. Each is fed in random pieces and must give
what ``xmlrpc.client.loads`` gives for the same bytes: the same value, the
same fault, or a refusal where it fails (with the same place in the XML).
"""

from __future__ import annotations

import datetime
import re
import xmlrpc.client
from collections.abc import Callable
from typing import Any
from xml.parsers.expat import ExpatError

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trunktui.api.decoding import AnswerDecoder
from trunktui.errors import FaultError, ProtocolError

# XML's characters, with a few it forbids (to be refused alike) and those it reads differently from how they
# are written (a carriage return becomes a newline).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("<>&\"'\r\n\t]\x01"),
               max_size=12)
SCALARS = (st.none() | st.booleans() | st.integers(-(2 ** 31), 2 ** 31 - 1)
           | st.floats(allow_nan=False, width=64) | TEXT | st.binary(max_size=6)
           | st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31))
           .map(lambda when: when.replace(microsecond=0)))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                      max_leaves=12)
TRUNKS = st.lists(st.dictionaries(st.sampled_from(["i_trunk", "name", "description", "max_cps", "enabled"]),
                                  SCALARS, max_size=5), max_size=6)
ANSWERS = st.builds(lambda trunks, others: {"trunks": trunks, **others}, TRUNKS,
                    st.dictionaries(TEXT, VALUES, max_size=3))


def _between_tags(data: bytes) -> list[int]:
    return [match.start() + 1 for match in re.finditer(rb">\n?<", data)]


REWRITES: dict[str, Callable[[bytes, int], bytes]] = {
    "as written": lambda data, _: data,
    "compact": lambda data, _: data.replace(b">\n<", b"><"),
    "crlf": lambda data, _: data.replace(b"\n", b"\r\n"),
    "untyped strings": lambda data, _: re.sub(rb"<value><string>([^<]*)</string></value>", rb"<value>\1</value>", data),
    "empty elements": lambda data, _: data.replace(b"<string></string>", b"<string/>").replace(b"<data>\n</data>",
                                                                                               b"<data/>"),
    "spaced values": lambda data, _: data.replace(b"<value><", b"<value>\n  <").replace(b"></value>", b">\n</value>"),
    "wider integers": lambda data, _: data.replace(b"<int>", b"<i8>").replace(b"</int>", b"</i8>"),
    "double quotes and utf-8": lambda data, _: data.replace(b"<?xml version='1.0'?>",
                                                            b'<?xml version="1.0" encoding="UTF-8"?>'),
    "no declaration": lambda data, _: data.replace(b"<?xml version='1.0'?>\n", b""),
    "latin-1": lambda data, _: _latin1(data),
    "byte order mark": lambda data, _: b"\xef\xbb\xbf" + data,
    "comment": lambda data, at: _insert(data, at, b"<!-- switch 7 -->"),
    "cdata": lambda data, _: re.sub(rb"<string>([^<\]]+)</string>", rb"<string><![CDATA[\1]]></string>", data,
                             count=1),
    "character reference": lambda data, _: data.replace(b"<string>", b"<string>&#233;", 1),
    "attribute": lambda data, _: data.replace(b"<struct>", b'<struct id="1">', 1),
    "trailing comment": lambda data, _: data + b"<!-- end -->\n",
    "junk after the answer": lambda data, _: data + b"x",
    "mismatched string": lambda data, _: data.replace(b"</string>", b"</int>", 1),
    "mismatched integer": lambda data, _: data.replace(b"</int>", b"</i4>", 1),
    "byte deleted": lambda data, at: data[:at] + data[at + 1:],
    "byte changed": lambda data, at: data[:at] + b"<" + data[at + 1:],
}


def _insert(data: bytes, at: int, text: bytes) -> bytes:
    places = _between_tags(data)
    if not places:
        return data
    place = places[at % len(places)]
    return data[:place] + text + data[place:]


def _latin1(data: bytes) -> bytes:
    try:
        return data.decode("utf-8").encode("latin-1").replace(b"<?xml version='1.0'?>",
                                                              b"<?xml version='1.0' encoding='iso-8859-1'?>")
    except UnicodeError:
        return data


def reference(data: bytes) -> tuple[Any, ...]:
    try:
        params, _ = xmlrpc.client.loads(data, use_builtin_types=True)
        (answer,) = params
    except xmlrpc.client.Fault as fault:
        return ("fault", fault.faultCode, fault.faultString)
    except ExpatError as error:
        return ("refused", str(error))
    except Exception:  # noqa: BLE001 - anything it raises is a refusal of the answer
        return ("refused", "")
    return ("answer", repr(answer)) if isinstance(answer, dict) else ("refused", "")


def ours(data: bytes, cuts: list[int]) -> tuple[Any, ...]:
    decoder = AnswerDecoder("getTrunksList", "sw.example.net", "trunks")
    taken: list[Any] = []
    try:
        start = 0
        for cut in [*sorted(cut % (len(data) + 1) for cut in cuts), len(data)]:
            decoder.feed(data[start:cut])
            taken += decoder.take()
            start = max(start, cut)
        answer = decoder.close()
    except FaultError as fault:
        return ("fault", fault.code, fault.string)
    except ProtocolError as error:
        return ("refused", str(error))
    listed = answer.get("trunks", [])
    assert all(a is b for a, b in zip(taken, listed, strict=False)), "items handed over are the answer's"
    assert len(taken) <= len(listed) if isinstance(listed, list) else not taken
    return ("answer", repr(answer))


def same(data: bytes, cuts: list[int]) -> None:
    expected, got = reference(data), ours(data, cuts)
    assert got[0] == expected[0], (data, expected, got)
    if expected[0] == "refused":
        if expected[1] and "truncated" not in got[1] and "DOCTYPE" not in got[1]:
            assert f"({expected[1]})" in got[1], (data, expected, got)
    else:
        assert got == expected, data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=ANSWERS, rewrite=st.sampled_from(sorted(REWRITES)), at=st.integers(0, 10 ** 6),
       cuts=st.lists(st.integers(0, 10 ** 6), max_size=12))
def test_every_answer_decodes_as_xmlrpc_client_decodes_it(answer: dict[str, Any], rewrite: str, at: int,
                                                           cuts: list[int]) -> None:
    data = xmlrpc.client.dumps((answer,), methodresponse=True, allow_none=True).encode("utf-8")
    same(REWRITES[rewrite](data, at % max(len(data), 1)), cuts)


@settings(max_examples=60, deadline=None)
@given(code=st.integers(-(2 ** 31), 2 ** 31 - 1), string=TEXT, rewrite=st.sampled_from(sorted(REWRITES)),
       cuts=st.lists(st.integers(0, 10 ** 4), max_size=6))
def test_faults_decode_as_xmlrpc_client_decodes_them(code: int, string: str, rewrite: str, cuts: list[int]) -> None:
    data = xmlrpc.client.dumps(xmlrpc.client.Fault(code, string), methodresponse=True).encode("utf-8")
    same(REWRITES[rewrite](data, 0), cuts)


def test_a_string_split_at_every_byte_decodes_alike() -> None:
    answer = {"trunks": [{"name": "Åsa & <Bo> \r\n ü€𝄞", "n": -7, "x": 1.5, "t": True, "d": None}] * 3}
    data = xmlrpc.client.dumps((answer,), methodresponse=True, allow_none=True).encode("utf-8")
    for rewrite in ("as written", "compact", "crlf", "comment"):
        written = REWRITES[rewrite](data, len(data) // 2)
        for cut in range(len(written) + 1):
            same(written, [cut])
