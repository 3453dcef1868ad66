"""Hypothesis strategies for hostile data: what a misbehaving switch may send.

Shared by ``tests/test_hostile_data.py`` (pure functions) and
``tests/tui/test_hostile_ui.py`` (the app, over HTTP). Two families:

* text: markup (Rich and Textual content markup, actions, variables),
  terminal control and escape sequences, C1 controls (``\\x9b`` is a
  one-byte CSI), DEL, bidi overrides and isolates, zero-width characters,
  line and paragraph separators, and lengths up to 100 KB;
* values: anything an XML-RPC answer can decode to with
  ``use_builtin_types=True`` (None, bool, ints past 32 bits, NaN and
  infinities, text, bytes, datetimes, arrays and structs), and trunk structs
  whose members are missing, NULL, of the wrong type, or extra.

``xml_safe=True`` keeps to the characters XML 1.0 can carry (no C0 control
but tab, newline and CR; no U+FFFE, U+FFFF), which is what can really cross
the wire; the pure tests also use the rest.

Strategy factories are cached: building a strategy costs more than drawing
from it, and trunk structs draw from dozens.

``Depth`` makes each property test twice: a few examples in the default
run, every example under the ``long`` marker. ``assert_export_reads_back``
is the one check of an exported file, for the pure tests and the app's.

``UNSAFE`` is the test's own statement of what must never be rendered,
written from the requirements, not imported from the code under test.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trunktui.model import TRUNK_FIELDS, Field, Kind, Trunk, format_value, is_secret

Test = TypeVar("Test", bound=Callable[..., Any])

# Anything a terminal could act on, or would draw as nothing: C0 and C1 controls, DEL, line and
# paragraph separators, every format character (category Cf, Unicode 15) and every
# Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15).
FORMAT = ("\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
          "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
          "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
DEFAULT_IGNORABLE = ("\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
                     "\U0001d173-\U0001d17a\U000e0000-\U000e0fff")
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{FORMAT}{DEFAULT_IGNORABLE}]")



def assert_safe(text: str, where: str = "output") -> None:
    """No line of ``text`` holds a character a terminal could act on (newlines end lines)."""
    found = sorted({f"U+{ord(c):04X}" for line in text.split("\n") for c in UNSAFE.findall(line)})
    assert not found, f"unsafe characters reached the {where}: {found}"


def same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to itself and types compared (True is not 1)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def jsonable(value: Any, depth: int = 0) -> Any:
    """What JSON export is documented to keep: the JSON types as they are, non-finite
    doubles (which JSON lacks) as their text, arrays and structs nested past 8
    levels as their bounded text (format_value), anything else as text."""
    if isinstance(value, (list, dict)) and depth >= 8:
        return format_value(value)
    if isinstance(value, list):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def strict_json(text: str) -> Any:
    """Parse JSON as a strict reader (jq, JavaScript) does: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _written(trunk: Trunk, name: str) -> Any:
    """What an export holds for a member: a password as ``***``, NULL for one left out (an empty CSV cell)."""
    value = trunk.get(name)
    return "***" if is_secret(name) and value else value


def assert_export_reads_back(text: str, suffix: str, columns: Sequence[Field], trunks: Sequence[Trunk]) -> None:
    """An export read back as a strict reader would holds exactly what export promises.

    CSV: the csv module reads back one header row and one row per trunk,
    each exactly as wide as the columns; text comes back character for
    character (commas, quotes, CR, LF, controls, markup, 100 KB); NULL, and
    a member the switch left out, is an empty cell; numbers and booleans
    read as the model formats them; arrays and structs as JSON. JSON: strict
    JSON (no NaN or Infinity) that reads back as one object per trunk, keys
    the columns the trunk holds in order, values equal and of the same type
    (non-finite doubles, bytes and datetimes as text). Either way a password
    that is not empty is written ``***``.
    """
    names = [f.name for f in columns]
    if suffix == "json":
        rows = strict_json(text)
        assert len(rows) == len(trunks)
        for trunk, row in zip(trunks, rows, strict=True):
            assert list(row) == [name for name in names if name in trunk.members]
            for name in row:
                assert same(row[name], jsonable(_written(trunk, name))), name
        return
    limit = csv.field_size_limit(1 << 30)  # a 100 KB value is past the reader's default 128 KiB
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    finally:
        csv.field_size_limit(limit)
    assert len(rows) == len(trunks) + 1
    assert rows[0] == names
    for trunk, row in zip(trunks, rows[1:], strict=True):
        assert len(row) == len(columns)
        for spec, got in zip(columns, row, strict=True):
            value = _written(trunk, spec.name)
            if value is None:
                assert got == ""
            elif isinstance(value, str):
                assert got == value
            elif isinstance(value, (bool, int, float)):
                assert got == format_value(value)
            elif isinstance(value, (list, dict)):
                json.loads(got)
            else:
                assert got == json.dumps(str(value))


class Depth:
    """How many examples a property test draws: ``quick`` in the default run, ``full`` under ``long``.

    ``@Depth(...)(**strategies)`` is ``@given(**strategies)`` with these
    settings, and it makes the test twice: the decorated test draws the quick
    number, and its ``long_run`` attribute is the same property drawing the
    full number, marked ``long``, which ``long_runs`` binds in the module
    as ``test_..._long`` for pytest to collect. ``@example`` cases go below
    the decorator and run in both.
    """

    def __init__(self, quick: int, full: int, **options: Any) -> None:
        self.quick, self.full, self.options = quick, full, options

    def __call__(self, **strategies: st.SearchStrategy[Any]) -> Callable[[Test], Test]:
        def twice(test: Test) -> Test:
            quick = settings(max_examples=self.quick, **self.options)(given(**strategies)(test))
            long_run = settings(max_examples=self.full, **self.options)(given(**strategies)(test))
            quick.long_run = pytest.mark.long(long_run)  # type: ignore[attr-defined]
            return quick

        return twice


def long_runs(namespace: dict[str, Any]) -> dict[str, Any]:
    """The full run of each ``Depth`` test in a module, as ``test_..._long``:
    ``globals().update(long_runs(globals()))`` at the end of the module."""
    return {f"{name}_long": test.long_run for name, test in list(namespace.items())
            if name.startswith("test_") and hasattr(test, "long_run")}


C0_IN_XML = ["\t", "\n", "\r"]
C0_NOT_IN_XML = [chr(c) for c in range(0x20) if chr(c) not in C0_IN_XML]
C1 = [chr(c) for c in range(0x80, 0xA0)]
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero-width space/joiners, LRM, RLM
    "\u2028", "\u2029",  # line and paragraph separators
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # bidi embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
    "\ufeff",  # zero-width no-break space (BOM)
    "\xad", "\u034f", "\u180e",  # soft hyphen, combining grapheme joiner, Mongolian vowel separator
    "\u115f", "\u1160", "\u3164", "\uffa0",  # Hangul fillers
    "\u17b4", "\u17b5", "\u180b", "\u180f",  # Khmer inherent vowels, Mongolian variation selectors
    "\ufe00", "\ufe0f", "\U000e0100", "\U000e01ef",  # variation selectors
    "\u0600", "\u06dd", "\ufff9", "\U000110bd", "\U0001d173", "\U000e0001",  # other format characters
]
XML_SAFE_CONTROLS = [*C0_IN_XML, "\x7f", *C1, *INVISIBLE]
ALL_CONTROLS = [*C0_NOT_IN_XML, *XML_SAFE_CONTROLS]

# Each would change what is shown if anything parsed it: Rich markup, Textual
# content markup (actions, variables), a closing tag with no opening one (a
# MarkupError if parsed), and escape sequences. The ESC-free ones can cross XML.
MARKUP = [
    "[b]x[/b]",
    "[bold red]boom[/]",
    "[link=https://x.example]click[/link]",
    "[@click=app.quit]quit[/]",
    "[on red]bg",
    "[/b]",
    "[/]",
    "[",
    "]",
    "\\[b]",
    "$accent",
    "[$primary]v[/]",
    ":smile:",
    "%s%n{0}",
    "<b>&amp;</b>",
    "\x9b2J",  # C1 CSI: clear screen
    "\x9b31m",
    "\x9d0;title\x9c",  # C1 OSC ... ST: set the window title
    "\x9d52;c;SGVsbG8=\x9c",  # C1 OSC 52: write the clipboard
]
ESCAPES = [
    "\x1b[2J",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1bP+q\x1b\\",
    "\x07\x08\x00",
]

_NOT_IN_XML = "".join(C0_NOT_IN_XML) + "\ufffe\uffff"
HUGE = 100_000


@cache
def characters(*, xml_safe: bool) -> st.SearchStrategy[str]:
    """Any character but a surrogate (none can be encoded), or only those XML allows."""
    if xml_safe:
        return st.characters(codec="utf-8", exclude_characters=_NOT_IN_XML)
    return st.characters(codec="utf-8")


@cache
def hostile_text(*, xml_safe: bool = False, huge: bool = True, max_pieces: int = 10) -> st.SearchStrategy[str]:
    """Text built from markup, controls and arbitrary characters; sometimes 100 KB of it."""
    controls = XML_SAFE_CONTROLS if xml_safe else ALL_CONTROLS
    fragments = MARKUP if xml_safe else MARKUP + ESCAPES
    piece = st.one_of(
        st.sampled_from(fragments),
        st.sampled_from(controls),
        st.text(characters(xml_safe=xml_safe), max_size=6),
    )
    base = st.lists(piece, max_size=max_pieces).map("".join)
    if not huge:
        return base
    return st.one_of(base, base, base, long_text(base))


@cache
def long_text(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """50 to 100 KB of ``base`` repeated."""
    return st.tuples(base.filter(bool), st.integers(HUGE // 2, HUGE)).map(
        lambda pair: (pair[0] * (pair[1] // len(pair[0]) + 1))[: pair[1]]
    )


@cache
def member_names(*, xml_safe: bool = False) -> st.SearchStrategy[str]:
    """Names of members a newer (or hostile) server might add."""
    return st.one_of(
        st.sampled_from(["note", "", " ", "i_trunk ", "NAME", "__class__", "[b]x[/b]", "\x9b2J", "\u202eevil"]),
        hostile_text(xml_safe=xml_safe, huge=False, max_pieces=4),
    )


@cache
def scalars(*, xml_safe: bool = False, huge: bool = True, big_ints: bool = True) -> st.SearchStrategy[Any]:
    """One XML-RPC scalar as decoded: NULL, bool, int, double, text, base64, dateTime."""
    ints = st.integers(-(10**300), 10**300) if big_ints else st.integers(-(2**31), 2**31 - 1)
    return st.one_of(
        st.none(),
        st.booleans(),
        ints,
        st.sampled_from([0, -1, 2**31 - 1, -(2**31), 2**31, 2**63]) if big_ints else st.just(0),
        st.floats(allow_nan=True, allow_infinity=True),
        hostile_text(xml_safe=xml_safe, huge=huge),
        st.binary(max_size=16),
        st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31)),
    )


@cache
def wire_values(*, xml_safe: bool = False, huge: bool = True, big_ints: bool = True) -> st.SearchStrategy[Any]:
    """Any value an XML-RPC answer decodes to, arrays and structs included (a few levels deep)."""
    return st.recursive(
        scalars(xml_safe=xml_safe, huge=huge, big_ints=big_ints),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(member_names(xml_safe=xml_safe), inner, max_size=4),
        ),
        max_leaves=8,
    )


@cache
def right_kind(spec: Field, *, xml_safe: bool = False, huge: bool = True) -> st.SearchStrategy[Any]:
    """A value of the member's declared type, but hostile: bad text, out-of-range numbers."""
    if spec.kind is Kind.STRING:
        return hostile_text(xml_safe=xml_safe, huge=huge)
    if spec.kind is Kind.INTEGER:
        return st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1, 2**31 - 1, -(2**31)]))
    if spec.kind is Kind.DOUBLE:
        return st.floats(allow_nan=True, allow_infinity=True)
    return st.booleans()


@st.composite
def trunk_structs(
    draw: st.DrawFn,
    *,
    xml_safe: bool = False,
    huge: bool = True,
    big_ints: bool = True,
    ids: st.SearchStrategy[Any] | None = None,
) -> dict[str, Any]:
    """One trunk struct as a hostile server might send it.

    Each declared member is, independently: of its type but hostile, NULL
    (allowed or not), of another type (arrays and structs included), or
    missing. With ``huge``, one member may be 50-100 KB of text. Extra members
    with hostile names are added, and the members come in any order. ``ids``
    draws ``i_trunk``; a small range gives repeats. ``big_ints=False`` keeps
    every integer within XML-RPC's 32 bits, so that an encoder can send it.
    """
    members: dict[str, Any] = {}
    for spec in TRUNK_FIELDS:
        if spec.name == "i_trunk" and ids is not None:
            members["i_trunk"] = draw(ids)
            continue
        how = draw(st.sampled_from(["kind", "kind", "kind", "null", "other", "missing"]))
        if how == "kind":
            members[spec.name] = draw(right_kind(spec, xml_safe=xml_safe, huge=False))
        elif how == "null":
            members[spec.name] = None
        elif how == "other":
            members[spec.name] = draw(wire_values(xml_safe=xml_safe, huge=False, big_ints=False))
    if huge and draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from([f.name for f in TRUNK_FIELDS if f.name != "i_trunk"]))
        members[name] = draw(long_text(hostile_text(xml_safe=xml_safe, huge=False, max_pieces=4)))
    extras = draw(st.dictionaries(member_names(xml_safe=xml_safe),
                                  wire_values(xml_safe=xml_safe, huge=False, big_ints=big_ints), max_size=3))
    for name, value in extras.items():
        members.setdefault(name, value)
    order = draw(st.permutations(list(members)))
    return {name: members[name] for name in order}


# --- what a user may type ----------------------------------------------------------

UNICODE_DIGITS = ["١٢٣", "۱۲۳", "１２３", "१२३", "๑๒๓", "𝟙𝟚𝟛", "²", "½", "Ⅻ"]
NUMBER_WORDS = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e-400", "0x10", "1_000",
                "+5", "-0", "0.0", "1.", ".5", "1e3", "١٫٥", "5 5", "0b1", "True", "None", "", " ", "-", "+"]
WHITESPACE = [" ", "\t", "\u00a0", "\u3000", "\u2003", "\x1c", "\x1f", "\x85", "\u2028", "\ufeff", "\u200b"]


def typed_numbers() -> st.SearchStrategy[str]:
    """Text that looks more or less like a number, in and out of the 32-bit range."""
    return st.one_of(
        st.sampled_from(UNICODE_DIGITS + NUMBER_WORDS),
        st.integers(-(2**40), 2**40).map(str),
        st.sampled_from([2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63, 10**20]).map(str),
        st.integers(1, 600).map(lambda n: "9" * n),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )


def typed_hosts() -> st.SearchStrategy[str]:
    """Text that looks more or less like a host, an IP address or host:port."""
    return st.one_of(
        st.ip_addresses().map(str),
        st.ip_addresses(v=6).map(lambda a: f"[{a}]:{5060}"),
        st.sampled_from(["sip.example.com", "sip.example.com:5060", "sip.example.com:0", "sip.example.com:65536",
                         "sip.example.com:١٢٣", "1.2.3.4:99999", "256.1.1.1", "1.2.3", "[::1]", "[1.2.3.4]",
                         "-bad-.example", "a..b", "fe80::1%eth0", "fe80::1%[b]x", "::ffff:1.2.3.4", "１.２.３.４",
                         "a" * 64 + ".example", "x" * 300]),
        st.from_regex(r"\A[a-z0-9.\-\[\]:%]{0,30}\Z"),
    )


def plausible_text(spec: Field) -> st.SearchStrategy[str]:
    """What an operator would mean to type into the field: often valid, sometimes just not."""
    if spec.kind is Kind.INTEGER:
        return st.one_of(st.integers(-5, 2**31 + 5).map(str), typed_numbers())
    if spec.kind is Kind.DOUBLE:
        return st.one_of(st.floats(-1, 1e6, allow_nan=False).map(repr), st.integers(0, 500).map(str), typed_numbers())
    if spec.name.startswith("destination"):
        return typed_hosts()
    if spec.name.startswith("outbound_ip"):
        return st.one_of(st.ip_addresses().map(str), st.just(""), typed_hosts())
    return st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=140)


def typed_text() -> st.SearchStrategy[str]:
    """Anything a user may type or paste into a form field."""
    return st.one_of(
        hostile_text(xml_safe=False, huge=True),
        typed_numbers(),
        typed_hosts(),
        st.tuples(st.sampled_from(WHITESPACE), typed_numbers(), st.sampled_from(WHITESPACE)).map("".join),
        st.sampled_from(["true", "False", "yes", "OFF", "1", "0", "ja", " on "]),
    )


DEPTH = 100_000


def deep_list() -> list[Any]:
    """``[[[…["deep"]…]]]``, nested ``DEPTH`` deep, built without recursion."""
    value: list[Any] = ["deep"]
    for _ in range(DEPTH):
        value = [value]
    return value


def deep_struct() -> dict[str, Any]:
    """``{"inner": {"inner": … {"leaf": "deep"}}}``, nested ``DEPTH`` deep."""
    value: dict[str, Any] = {"leaf": "deep"}
    for _ in range(DEPTH):
        value = {"inner": value}
    return value
