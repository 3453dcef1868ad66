"""A call's outcome and the XML-RPC bytes that carry it.

Ordinary answers (``dispatch``) and spoiled ones (``faults``) start from the
same encoding, so a truncated, halved or padded answer is a real answer cut
or padded, and an answer that cannot be encoded becomes a fault either way.

A long list is not built whole before its first byte is sent: a method
answers it as ``Streamed`` batches, and ``pieces`` encodes the answer a
batch at a time, to exactly the bytes ``xmlrpc.client.dumps`` would write
for the whole list.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeAlias

from trunktui.simulator.log import log_exception

INTERNAL_ERROR = -32603

Outcome: TypeAlias = tuple[Any] | xmlrpc.client.Fault
"""The one value an answer carries (a struct for every Sippy method, an array for a ``system.`` one), or a fault."""

_MARK = "@@sippy-simulator-streamed@@"
_MARKED = f"<value><string>{_MARK}</string></value>\n".encode()
_ARRAY_START = b"<value><array><data>\n"
_ARRAY_END = b"</data></array></value>\n"
_PARAM_START = len("<params>\n<param>\n")
_PARAM_END = len("</param>\n</params>\n")


class Streamed:
    """A list member of an answer, in batches read only as the answer is sent."""

    def __init__(self, batches: Iterable[list[Any]]) -> None:
        self.batches = batches

    def items(self) -> list[Any]:
        """Every item, read now: for an answer that is sent whole."""
        return [item for batch in self.batches for item in batch]


def encode(outcome: Outcome) -> bytes:
    """The methodResponse for ``outcome``, whole; an internal-error fault if it holds what XML-RPC cannot carry."""
    return b"".join(pieces(outcome))


def pieces(outcome: Outcome) -> Iterator[bytes]:
    """The methodResponse for ``outcome`` in pieces, joined the bytes ``encode`` gives.

    An answer with a ``Streamed`` member comes a batch at a time: the first
    piece holds the answer's start and its first batch, and is made before it
    is handed over, so an answer that cannot be encoded there is an
    internal-error fault instead. A batch after it that cannot be read or
    encoded raises: its answer is already on its way and can only be cut off.
    Any other answer is one piece.
    """
    streamed = _streamed_member(outcome)
    if streamed is None:
        return iter((_whole(outcome),))
    assert not isinstance(outcome, xmlrpc.client.Fault)
    name, value = streamed
    try:
        head, _, tail = _dumps(({**outcome[0], name: _MARK},)).partition(_MARKED)
        batches = iter(value.batches)
        first = head + _ARRAY_START + _batch(next(batches, []))
    except (TypeError, OverflowError, UnicodeEncodeError) as error:
        return iter((_unencodable(error),))
    except Exception as error:  # noqa: BLE001 - a list that cannot be read is a fault, as in any method
        log_exception(error)
        return iter((_dumps(xmlrpc.client.Fault(INTERNAL_ERROR, "Internal error")),))
    return _following(first, batches, _ARRAY_END + tail)


def _following(first: bytes, batches: Iterator[list[Any]], end: bytes) -> Iterator[bytes]:
    yield first
    for batch in batches:
        yield _batch(batch)
    yield end


def _streamed_member(outcome: Outcome) -> tuple[str, Streamed] | None:
    if isinstance(outcome, xmlrpc.client.Fault) or not isinstance(outcome[0], dict):
        return None
    return next(((name, value) for name, value in outcome[0].items() if isinstance(value, Streamed)), None)


def _whole(outcome: Outcome) -> bytes:
    if not isinstance(outcome, xmlrpc.client.Fault) and isinstance(outcome[0], dict):
        outcome = ({name: value.items() if isinstance(value, Streamed) else value
                    for name, value in outcome[0].items()},)
    try:
        return _dumps(outcome)
    except (TypeError, OverflowError, UnicodeEncodeError) as error:
        return _unencodable(error)


def _dumps(outcome: Outcome) -> bytes:
    return xmlrpc.client.dumps(outcome, methodresponse=True, allow_none=True).encode("utf-8")


def _unencodable(error: Exception) -> bytes:
    log_exception(error)
    fault = xmlrpc.client.Fault(INTERNAL_ERROR, "Internal error: answer could not be encoded")
    return xmlrpc.client.dumps(fault, methodresponse=True).encode("utf-8")


def _batch(items: list[Any]) -> bytes:
    """Items of an array as ``xmlrpc.client`` writes them, structs of plain values written here (faster)."""
    out: list[str] = []
    write = out.append
    for item in items:
        if type(item) is dict:
            _struct(item, write)
        else:
            write(_marshalled(item))
    return "".join(out).encode("utf-8")


def _struct(struct: dict[Any, Any], write: Callable[[str], object]) -> None:
    """``Marshaller.dump_struct``'s very output, its string, number, boolean and nil members written directly."""
    write("<value><struct>\n")
    for name, value in struct.items():
        if not isinstance(name, str):
            raise TypeError("dictionary key must be string")
        kind = type(value)
        if kind is str:
            write(f"<member>\n<name>{_escape(name)}</name>\n<value><string>{_escape(value)}</string></value>\n"
                  "</member>\n")
        elif value is None:
            write(f"<member>\n<name>{_escape(name)}</name>\n<value><nil/></value></member>\n")
        elif kind is int and xmlrpc.client.MININT <= value <= xmlrpc.client.MAXINT:
            write(f"<member>\n<name>{_escape(name)}</name>\n<value><int>{value}</int></value>\n</member>\n")
        elif kind is bool:
            write(f"<member>\n<name>{_escape(name)}</name>\n<value><boolean>{int(value)}</boolean></value>\n"
                  "</member>\n")
        elif kind is float:
            write(f"<member>\n<name>{_escape(name)}</name>\n<value><double>{value!r}</double></value>\n"
                  "</member>\n")
        else:
            write(f"<member>\n<name>{_escape(name)}</name>\n{_marshalled(value)}</member>\n")
    write("</struct></value>\n")


def _marshalled(value: Any) -> str:
    """``value`` as ``xmlrpc.client`` writes it inside an answer: what it writes for a lone parameter."""
    return xmlrpc.client.dumps((value,), allow_none=True)[_PARAM_START:-_PARAM_END]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def describe(outcome: Outcome) -> str:
    """The outcome as the verbose log shows it."""
    return f"fault {outcome.faultCode}" if isinstance(outcome, xmlrpc.client.Fault) else "OK"
