"""Decoding an XML-RPC answer while it arrives.

A 50,000-trunk list is about 70 MB of XML. Feeding each decompressed chunk
to ``xmlrpc.client``'s parser as it comes means that text is never held
whole, and parsing overlaps the transfer. The size cap counts the decoded
bytes, so a compressed bomb stops at the cap too.

An answer that declares a DOCTYPE is refused: Sippy never sends one, and
the entities it declares would otherwise be expanded.
"""

from __future__ import annotations

import sys
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.parsers.expat import ExpatError, XMLParserType
from xml.parsers.expat import errors as expat_errors

from trunktui.errors import FaultError, ProtocolError, ResponseTooLarge

_TRUNCATED_XML = {
    expat_errors.codes[message]
    for message in (expat_errors.XML_ERROR_NO_ELEMENTS, expat_errors.XML_ERROR_UNCLOSED_TOKEN,
                    expat_errors.XML_ERROR_PARTIAL_CHAR)
}
_VALUE_ERRORS = (ValueError, TypeError, OverflowError, IndexError, KeyError, xmlrpc.client.ResponseError)

class _Refused(Exception):
    """The answer broke a rule or a limit; the message ends "The answer from HOST …"."""


def _end_interned_name(unmarshaller: xmlrpc.client.Unmarshaller, data: str) -> None:
    unmarshaller.end_string(sys.intern(data))


class _SharedNames(xmlrpc.client.Unmarshaller):
    """Keeps one string object per distinct struct member name.

    A trunk list repeats the same seventeen names for every trunk; as
    separate objects they would take about as much memory as the values.
    """

    dispatch = {**xmlrpc.client.Unmarshaller.dispatch, "name": _end_interned_name}


def _refuse_doctype(*_: object) -> None:
    raise _Refused("declares a DOCTYPE, which an XML-RPC answer never does; it was not read")


class _Parser(xmlrpc.client.ExpatParser):
    """``xmlrpc.client``'s expat parser, refusing a DOCTYPE.

    The DOCTYPE is refused where it starts, before any entity it declares
    can be expanded.
    """

    _parser: XMLParserType

    def __init__(self, target: xmlrpc.client.Unmarshaller) -> None:
        super().__init__(target)
        self._parser.StartDoctypeDeclHandler = _refuse_doctype


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
        self._unmarshaller = _SharedNames(use_builtin_types=True)
        self._parser = _Parser(self._unmarshaller)

    def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.limit:
            raise ResponseTooLarge(
                f"The answer from {self.host} was larger than the {_size_text(self.limit)} this client reads.",
                self.method,
            )
        with _translated(self.host, self.method):
            self._parser.feed(chunk)

    def close(self) -> dict[str, Any]:
        with _translated(self.host, self.method):
            self._parser.close()
            (result,) = self._unmarshaller.close()
        if not isinstance(result, dict):
            raise ProtocolError(f"The answer from {self.host} is a {type(result).__name__}, not a struct.",
                                self.method)
        return result


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
