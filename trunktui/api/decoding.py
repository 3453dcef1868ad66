"""Decoding an XML-RPC answer while it arrives.

A 50,000-trunk list is about 70 MB of XML. Feeding each decompressed chunk
to ``xmlrpc.client``'s parser as it comes means that text is never held
whole, and parsing overlaps the transfer. The size cap counts the decoded
bytes, so a compressed bomb stops at the cap too.

Bytes are not the only measure of harm: a few megabytes of XML can nest
elements a million deep or hold millions of tiny values, and either costs
far more memory than its text. So the decoder also refuses an answer nested
past ``MAX_DEPTH`` or holding more than ``MAX_VALUES`` values, without
reading on, and one that declares a DOCTYPE, whose entities would otherwise
be expanded.
"""

from __future__ import annotations

import functools
import sys
import xmlrpc.client
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from xml.parsers.expat import ExpatError, XMLParserType
from xml.parsers.expat import errors as expat_errors

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

MAX_VALUES = 2_000_000
"""Values in one answer, at most.

The largest list trunktui is built for, 50,000 trunks of 17 members, is
about 900,000 values; this leaves room for as many members again. A value
costs memory out of proportion to its text (an empty struct is 32 bytes of
XML and about 200 of Python), so within the size cap alone a flood of
tiny values could take close to a gigabyte.
"""

# Elements nest three to an array or struct (value, array or struct, data or
# member) inside methodResponse, params, param and value, with a type or name
# innermost. Deeper elements are not XML-RPC, but still cost expat memory.
_MAX_ELEMENT_DEPTH = 3 * MAX_DEPTH + 5
# Expat is fed at most this much between checks of the counts.
_SLICE = 64 * 1024
_TOO_DEEP = f"is nested more than {MAX_DEPTH} arrays and structs deep; this client reads no deeper"


class _Refused(Exception):
    """The answer broke a rule or a limit; the message ends "The answer from HOST …"."""


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


class AnswerDecoder:
    """Turns the chunks of one answer into its struct, or an error that says what was wrong."""

    def __init__(self, method: str, host: str, limit: int) -> None:
        self.method = method
        self.host = host
        self.limit = limit
        self.received = 0
        self._unmarshaller = _Bounded()
        self._parser = _Parser(self._unmarshaller)

    def feed(self, chunk: bytes) -> None:
        """Parse ``chunk`` a slice at a time, checking the counts after each.

        A decompressed chunk can be megabytes; sliced, elements nested past
        the limit are stopped before expat holds more than a slice's worth.
        """
        self.received += len(chunk)
        if self.received > self.limit:
            raise ResponseTooLarge(
                f"The answer from {self.host} was larger than the {_size_text(self.limit)} this client reads.",
                self.method,
            )
        with _translated(self.host, self.method):
            view = memoryview(chunk)
            for start in range(0, len(view), _SLICE):
                self._parser.feed(view[start:start + _SLICE])
                self._check()

    def close(self) -> dict[str, Any]:
        with _translated(self.host, self.method):
            self._parser.close()
            self._check()
            (result,) = self._unmarshaller.close()
        if not isinstance(result, dict):
            raise ProtocolError(f"The answer from {self.host} is a {type(result).__name__}, not a struct.",
                                self.method)
        return result

    def _check(self) -> None:
        if self._parser.depth > _MAX_ELEMENT_DEPTH:
            raise _Refused(_TOO_DEEP)
        if _calls(self._unmarshaller.values) > MAX_VALUES:
            raise _Refused(f"holds more than {MAX_VALUES:,} values; this client reads no more")


@contextmanager
def _translated(host: str, method: str) -> Iterator[None]:
    """Map what ``xmlrpc.client`` and expat raise to the client's errors."""
    try:
        yield
    except xmlrpc.client.Fault as fault:
        raise FaultError(fault.faultCode, fault.faultString, method) from None
    except _Refused as refusal:
        raise ProtocolError(f"The answer from {host} {refusal}.", method) from None
    except ExpatError as exc:
        if exc.code in _TRUNCATED_XML:
            raise ProtocolError(f"The answer from {host} ended early: its XML is truncated.", method) from None
        raise ProtocolError(f"The answer from {host} is not well-formed XML ({exc}).", method) from None
    except _VALUE_ERRORS as exc:
        raise ProtocolError(f"The answer from {host} is not a valid XML-RPC response ({exc}).", method) from None
