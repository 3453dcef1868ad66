"""What each ``FailMode`` does to an answer, so a client can meet a broken switch on demand.

A mode either refuses the call before it runs (an XML-RPC fault, an HTML
error page, a fresh Digest challenge) or runs it and then spoils the answer
(malformed or truncated XML, a reset, a stalled or huge body);
``FailMode.runs_call`` says which. Which calls fail is decided by
``dispatch`` from ``Knobs.fail_every``.
"""

from __future__ import annotations

import threading
import xmlrpc.client
from collections.abc import Callable

from trunktui.simulator.framing import Handler
from trunktui.simulator.knobs import FailMode, Knobs
from trunktui.simulator.methods import INJECTED
from trunktui.simulator.outcome import Outcome, encode

MALFORMED_BODY = b"<?xml version='1.0'?>\n<methodResponse><params><param></methodResponse>\n"
HTTP_500_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>"
    b"<body><h1>Internal Server Error</h1><p>Injected failure.</p></body></html>\n"
)
HTTP_403_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head>"
    b"<body><h1>Forbidden</h1><p>You don't have permission to access this resource.</p></body></html>\n"
)
HTTP_404_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n"
)
UNKNOWN_METHOD_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>"
    b"<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n"
)
"""What a switch that answers a method it lacks with HTTP 500 sends (``UnknownMethodAnswer.HTML_500``)."""
_PAGES: dict[FailMode, tuple[int, bytes]] = {
    FailMode.HTTP_500: (500, HTTP_500_BODY),
    FailMode.HTTP_403: (403, HTTP_403_BODY),
    FailMode.HTTP_404: (404, HTTP_404_BODY),
}
# FailMode.HUGE: the padding member's placeholder in the encoded answer, and
# the text streamed in its place (XML-safe, so it needs no escaping).
PADDING_MEMBER = "padding"
PADDING_MARK = "@@sippy-simulator-padding@@"
PADDING_BLOCK = (b"Padding from the Sippy simulator's huge failure mode. " * 1300)[: 64 << 10]


class FaultInjector:
    """Answers a call picked to fail as its ``FailMode`` says.

    ``challenge`` sends a fresh Digest challenge (for ``HTTP_401``); setting
    ``stopping`` cuts a ``SLOW_BODY`` pause short.
    """

    def __init__(self, challenge: Callable[[Handler], object], stopping: threading.Event) -> None:
        self._challenge = challenge
        self._stopping = stopping

    def inject(self, handler: Handler, mode: FailMode, run: Callable[[], Outcome], knobs: Knobs) -> None:
        """Answer the call ``run`` would make, failing as ``mode`` says; ``run`` only if the mode runs calls."""
        if mode.runs_call:
            self._spoil(handler, mode, run(), knobs)
        else:
            self._refuse(handler, mode)

    def _refuse(self, handler: Handler, mode: FailMode) -> None:
        if mode is FailMode.HTTP_401:
            self._challenge(handler)
        elif mode is FailMode.FAULT:
            handler.send_xml(encode(xmlrpc.client.Fault(INJECTED, "Injected fault")))
        else:
            status, page = _PAGES[mode]
            handler.send(status, "text/html; charset=utf-8", page)

    def _spoil(self, handler: Handler, mode: FailMode, outcome: Outcome, knobs: Knobs) -> None:
        if mode is FailMode.RESET:
            handler.reset()
        elif mode is FailMode.MALFORMED:
            handler.send(200, "text/xml", MALFORMED_BODY)
        elif mode is FailMode.TRUNCATED:
            xml = encode(outcome)
            handler.send(200, "text/xml", xml[: len(xml) // 2])
        elif mode is FailMode.HUGE:
            _send_padded(handler, outcome, knobs.huge_bytes)
        elif mode is FailMode.RESET_MID_BODY:
            _send_first_half(handler, outcome)
            handler.reset()
        elif mode is FailMode.SLOW_BODY:
            rest = _send_first_half(handler, outcome)
            self._stopping.wait(knobs.stall)
            handler.wfile.write(rest)
        else:
            raise ValueError(f"{mode} refuses the call instead of spoiling its answer")


def _send_first_half(handler: Handler, outcome: Outcome) -> bytes:
    """Send the headers of the whole answer and the first half of its body; return the other half."""
    xml = encode(outcome)
    half = len(xml) // 2
    handler.wfile.write(handler.head(200, "text/xml", len(xml)) + xml[:half])
    return xml[half:]


def _send_padded(handler: Handler, outcome: Outcome, size: int) -> None:
    """Send the answer with a ``padding`` member of ``size`` bytes, in pieces.

    The answer is encoded with a placeholder for the padding, and the
    padding is written in 64 KiB blocks in its place, so the server never
    holds more than one block. A fault, or an answer that is not a struct
    (``system.listMethods``), is sent as it is.
    """
    if isinstance(outcome, xmlrpc.client.Fault):
        handler.send(200, "text/xml", encode(outcome))
        return
    if not isinstance(outcome[0], dict):
        handler.send(200, "text/xml", encode(outcome))
        return
    prefix, mark, suffix = encode(({**outcome[0], PADDING_MEMBER: PADDING_MARK},)).partition(PADDING_MARK.encode())
    if not mark:
        handler.send(200, "text/xml", encode(outcome))
        return
    size = max(0, size)
    handler.wfile.write(handler.head(200, "text/xml", len(prefix) + size + len(suffix)) + prefix)
    remaining = size
    while remaining > 0:
        block = PADDING_BLOCK if remaining >= len(PADDING_BLOCK) else PADDING_BLOCK[:remaining]
        handler.wfile.write(block)
        remaining -= len(block)
    handler.wfile.write(suffix)
