"""Decoding an XML-RPC answer while it arrives.

A 50,000-trunk list is about 70 MB of XML. Each decompressed chunk is read
as it comes, so that text is never held whole, decoding overlaps the
transfer, and the items of a long list can be handed over before its end.
``scanning.Scanner`` reads the plain form switches write; anything else is
read by ``xmlrpc.client``'s own unmarshaller from where the scanner stopped.

The limits bound what decoding costs in memory, not the answer's size on
the wire (most of which is markup that is never kept): the text held in
strings and names, at most ``MAX_TEXT`` bytes; values, at most
``MAX_VALUES``, since a value costs memory out of proportion to its text;
and arrays and structs nested at most ``MAX_DEPTH`` deep. An answer past
any of them is refused without reading on, as is one that declares a
DOCTYPE, whose entities would otherwise be expanded.
"""

from __future__ import annotations

import functools
import secrets
import sys
import xmlrpc.client
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from xml.parsers.expat import ErrorString, ExpatError, XMLParserType
from xml.parsers.expat import errors as expat_errors

from trunktui.api.scanning import Scanner, Unusual
from trunktui.errors import FaultError, ProtocolError, ResponseTooLarge

_TRUNCATED_XML = {
    expat_errors.codes[message]
    for message in (expat_errors.XML_ERROR_NO_ELEMENTS, expat_errors.XML_ERROR_UNCLOSED_TOKEN,
                    expat_errors.XML_ERROR_PARTIAL_CHAR)
}
_VALUE_ERRORS = (ValueError, TypeError, OverflowError, IndexError, KeyError, xmlrpc.client.ResponseError)

MAX_DEPTH = 64
"""Arrays and structs nested in one another, at most.

Sippy's answers nest four deep at most (the answer's struct, a list, a
trunk's struct, an array member). Sixteen times that leaves room for any
answer a switch means to send, and stays far below the depth at which code
that walks a value recursively (repr, comparison, copies) fails.
"""

MAX_VALUES = 8_000_000
"""Values in one answer, at most.

A list of 200,000 trunks of 18 members is 3.8 million values; this leaves
room for twice as many. A value costs memory out of proportion to its text
(an empty struct is 32 bytes of XML and about 200 of Python), so it is the
values, not the bytes, that bound what a large answer costs.
"""

MAX_TEXT = 256 << 20
"""Text held in one answer's values, at most.

200,000 trunks hold about 50 MB of text. The scanner counts the characters
of values and of the step it has not finished; markup is not counted, since
none of it is kept, nor member names, which are shared. The general decoder
counts every byte it reads, as it keeps the text between elements until
the next one starts.
"""

# Elements nest three to an array or struct (value, array or struct, data or
# member) inside methodResponse, params, param and value, with a type or name
# innermost. Deeper elements are not XML-RPC, but still cost expat memory.
_MAX_ELEMENT_DEPTH = 3 * MAX_DEPTH + 5
# Expat is fed at most this much between checks of the counts.
_SLICE = 64 * 1024
_TOO_DEEP = f"is nested more than {MAX_DEPTH} arrays and structs deep; this client reads no deeper"
_ELEMENTS_TOO_DEEP = (f"nests its elements more than {_MAX_ELEMENT_DEPTH} deep, deeper than any XML-RPC answer; "
                      "this client reads no deeper")


class _Refused(Exception):
    """The answer broke a rule or a limit; the message ends "The answer from HOST …"."""


class _TooLarge(_Refused):
    """The answer holds more than this client reads."""


class _Tally(Protocol):
    @property
    def misses(self) -> int: ...


class _Counting(Protocol):
    def __call__(self, *args: Any) -> None: ...

    def cache_info(self) -> _Tally: ...


def _counted(function: Callable[..., None]) -> _Counting:
    """``function``, counting its calls in ``cache_info().misses``.

    With ``maxsize=0`` lru_cache caches nothing and only counts, in C. That
    is how elements and values are counted: a Python wrapper around expat's
    handlers, which run for every element, would add over a tenth to the
    decoding time; counting in C adds about a hundredth.
    """
    return functools.lru_cache(maxsize=0)(function)


def _calls(counted: _Counting) -> int:
    return counted.cache_info().misses


def _end_interned_name(unmarshaller: xmlrpc.client.Unmarshaller, data: str) -> None:
    unmarshaller.end_string(sys.intern(data))


class _Marks(list[int]):
    """Where each open array and struct starts on the stack; refuses to open one past ``MAX_DEPTH``.

    The unmarshaller appends here as an array or struct opens, so the limit
    holds exactly, before the deeper value exists, at no cost to other elements.
    """

    def append(self, mark: int) -> None:
        if len(self) >= MAX_DEPTH:
            raise _Refused(_TOO_DEEP)
        super().append(mark)


class _Bounded(xmlrpc.client.Unmarshaller):
    """Refuses arrays and structs nested past the limit, counts values, and shares member names.

    A trunk list repeats the same seventeen names for every trunk; as
    separate objects they would take about as much memory as the values.
    """

    dispatch = {**xmlrpc.client.Unmarshaller.dispatch, "name": _end_interned_name}

    def __init__(self) -> None:
        super().__init__(use_builtin_types=True)
        self._marks = _Marks()
        self.values = _counted(xmlrpc.client.Unmarshaller.end_value)
        self.dispatch = {**self.dispatch, "value": self.values}


def _refuse_doctype(*_: object) -> None:
    raise _Refused("declares a DOCTYPE, which an XML-RPC answer never does; it was not read")


class _Parser(xmlrpc.client.ExpatParser):
    """``xmlrpc.client``'s expat parser, refusing a DOCTYPE and counting elements as they open and close.

    The DOCTYPE is refused where it starts, before any entity it declares
    can be expanded.
    """

    _parser: XMLParserType

    def __init__(self, target: xmlrpc.client.Unmarshaller) -> None:
        super().__init__(target)
        self._starts, self._ends = _counted(target.start), _counted(target.end)
        self._parser.StartElementHandler = self._starts
        self._parser.EndElementHandler = self._ends
        self._parser.StartDoctypeDeclHandler = _refuse_doctype

    @property
    def depth(self) -> int:
        """How many elements are open."""
        return _calls(self._starts) - _calls(self._ends)


def _size_text(count: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


class _General:
    """``xmlrpc.client``'s unmarshaller behind expat, with the limits; it reads what the scanner does not."""

    def __init__(self, values: int) -> None:
        self.unmarshaller = _Bounded()
        self.parser = _Parser(self.unmarshaller)
        self.before = values

    def feed(self, data: bytes) -> None:
        self.parser.feed(data)
        self.check()

    def check(self) -> None:
        if self.parser.depth > _MAX_ELEMENT_DEPTH:
            raise _Refused(_ELEMENTS_TOO_DEEP)
        if self.before + _calls(self.unmarshaller.values) > MAX_VALUES:
            raise _TooLarge(f"holds more than {MAX_VALUES:,} values; this client reads no more")

    def close(self) -> tuple[Any, ...]:
        self.parser.close()
        self.check()
        return self.unmarshaller.close()


class AnswerDecoder:
    """Turns the chunks of one answer into its struct, or an error that says what was wrong.

    The scanner reads the answer while it keeps to the plain form; at the
    first thing outside it, the general decoder takes over from that
    point, told by a few start tags where it stands, and the two parts are
    joined at the end. ``streamed`` names the member of the answer's struct
    whose array items ``take`` hands over while they arrive.
    """

    def __init__(self, method: str, host: str, streamed: str | None = None, max_text: int = MAX_TEXT,
                 any_value: bool = False) -> None:
        self.method = method
        self.any_value = any_value
        """Take an answer that is not a struct: those of the ``system.`` methods are arrays."""
        self.host = host
        self.max_text = max_text
        self._scanner = Scanner(streamed, MAX_DEPTH, MAX_VALUES)
        self._general: _General | None = None
        self._token = secrets.token_hex(16)
        self._shift: tuple[int, int, int] | None = None
        self._text = 0

    def feed(self, chunk: bytes) -> None:
        """Read ``chunk`` a slice at a time, checking the limits after each.

        A decompressed chunk can be megabytes; sliced, an answer past a
        limit is stopped before a slice's worth more is read.
        """
        with _translated(self.host, self.method, lambda: self._shift):
            for start in range(0, len(chunk), _SLICE):
                piece = chunk[start:start + _SLICE]
                if (general := self._general) is None:
                    self._scan(piece)
                else:
                    self._check_text(self._text + len(piece))
                    self._text += len(piece)
                    general.feed(piece)

    def _scan(self, piece: bytes) -> None:
        try:
            self._scanner.feed(piece)
        except Unusual:
            self._hand_over()
        else:
            self._check_text(self._scanner.text + self._scanner.pending)

    @property
    def scanned(self) -> bool:
        """Whether the scanner read everything so far: what the answers of switches allow, and the fast way."""
        return self._general is None

    def take(self) -> list[Any]:
        """The items of the streamed array that are complete and not yet taken.

        Those the general decoder reads come only with the answer, from ``close``.
        """
        return self._scanner.take()

    def close(self) -> Any:
        with _translated(self.host, self.method, lambda: self._shift):
            if self._general is None:
                try:
                    return self._struct((self._scanner.close(),))
                except Unusual:
                    self._hand_over()
            assert self._general is not None
            rest = self._general.close()
            return self._struct(self._scanner.merge(rest, self._token) if self._shift else rest)

    def _hand_over(self) -> None:
        """Go on with the general decoder from where the scanner stopped."""
        scanner = self._scanner
        self._general = _General(scanner.values)
        unread = scanner.unread
        self._text = scanner.text + len(unread)
        if scanner.frames or scanner.result is not None:
            opening = scanner.continuation(self._token)
            line, column = scanner.where()
            self._shift = (line, column, len(opening))
            self._general.feed(opening)
        for start in range(0, len(unread), _SLICE):
            self._general.feed(unread[start:start + _SLICE])

    def _check_text(self, text: int) -> None:
        if text > self.max_text:
            raise ResponseTooLarge(
                f"The answer from {self.host} holds more than {_size_text(self.max_text)} of text; "
                "this client reads no more.", self.method)

    def _struct(self, values: tuple[Any, ...]) -> Any:
        (result,) = values
        if self.any_value:
            return result
        if not isinstance(result, dict):
            raise ProtocolError(f"The answer from {self.host} is a {type(result).__name__}, not a struct.",
                                self.method)
        scanner = self._scanner
        if scanner.taken and result.get(scanner.streamed) is not scanner.streamed_items:
            raise ProtocolError(f"The answer from {self.host} gives its member {scanner.streamed!r} more "
                                "than once.", self.method)
        return result


@contextmanager
def _translated(host: str, method: str, shift: Callable[[], tuple[int, int, int] | None]) -> Iterator[None]:
    """Map what ``xmlrpc.client`` and expat raise to the client's errors.

    Where the general decoder took over part way, ``shift()`` is the line
    and column it took over at and the length of the start tags it was
    given first, so that a place in the XML is told as in the answer itself.
    """
    try:
        yield
    except xmlrpc.client.Fault as fault:
        raise FaultError(fault.faultCode, fault.faultString, method) from None
    except _TooLarge as refusal:
        raise ResponseTooLarge(f"The answer from {host} {refusal}.", method) from None
    except _Refused as refusal:
        raise ProtocolError(f"The answer from {host} {refusal}.", method) from None
    except ExpatError as exc:
        if exc.code in _TRUNCATED_XML:
            raise ProtocolError(f"The answer from {host} ended early: its XML is truncated.", method) from None
        line, column = exc.lineno, exc.offset
        if (moved := shift()) is not None:
            line, column = moved[0] + line - 1, moved[1] + column - moved[2] if line == 1 else column
        where = f"{ErrorString(exc.code)}: line {line}, column {column}"
        raise ProtocolError(f"The answer from {host} is not well-formed XML ({where}).", method) from None
    except _VALUE_ERRORS as exc:
        raise ProtocolError(f"The answer from {host} is not a valid XML-RPC response ({exc}).", method) from None
