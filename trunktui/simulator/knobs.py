"""Settings that make the simulator misbehave on purpose, changeable while it runs.

A client has to cope with slow switches, failing switches and switches newer
than itself; these knobs produce each case on demand. The server reads them
on every call, so a test can flip one on a running server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class FailMode(Enum):
    """How an injected failure shows on the wire.

    Refused before the call runs (nothing changes on the switch):

    FAULT
        An XML-RPC fault (HTTP 200), code 500, string ``Injected fault``.
    HTTP_500
        HTTP 500 with an HTML error page instead of XML-RPC.
    HTTP_401
        HTTP 401 with a fresh Digest challenge although the credentials were
        right, as a switch answers once the API password has been changed.
        A Digest client answers the challenge once; that retry is a call too,
        so with ``fail_every=1`` it is refused again and the 401 reaches the
        caller, while with a larger ``fail_every`` the retry goes through.
    HTTP_403
        HTTP 403 with an HTML "Forbidden" page, as a web server or proxy in
        front of the API sends when the address or login is not allowed.
    HTTP_404
        HTTP 404 with an HTML "Not Found" page, as a web server sends when
        the API is not served at that path.

    Run the call, then spoil, slow or drop the answer. This is the case a
    client cannot see through: the change may have happened.

    MALFORMED
        HTTP 200 whose body is XML that is not well-formed.
    TRUNCATED
        HTTP 200 with the first half of the real answer, Content-Length
        matching what is sent, so the XML just stops.
    HUGE
        The real answer, valid XML-RPC, with an extra top-level member
        ``padding`` holding ``Knobs.huge_bytes`` of text (80 MiB unless
        changed). It is streamed in 64 KiB writes, never held whole, and is
        never compressed, so a client's limit on text meets the full size.
    SLOW_BODY
        Status line, headers and half the body, then a pause of
        ``Knobs.stall`` seconds before the rest: a server that stalls
        mid-answer. A client that waits long enough gets a valid answer.
        Stopping the server cuts the pause short.
    RESET
        The connection is dropped with a TCP reset before any answer byte.
    RESET_MID_BODY
        Headers and half the body are sent, then the connection is dropped
        with a TCP reset: a connection that breaks mid-response.
    """

    FAULT = "fault"
    HTTP_500 = "http-500"
    HTTP_401 = "http-401"
    HTTP_403 = "http-403"
    HTTP_404 = "http-404"
    MALFORMED = "malformed"
    TRUNCATED = "truncated"
    HUGE = "huge"
    SLOW_BODY = "slow-body"
    RESET = "reset"
    RESET_MID_BODY = "reset-mid-body"

    @property
    def runs_call(self) -> bool:
        """Whether the call runs (and a change may happen) before the answer goes wrong."""
        return self not in _REFUSED_BEFORE_RUNNING


class UnknownMethodAnswer(Enum):
    """How a call to a method the switch lacks is answered.

    FAULT
        The XML-RPC fault -32601 with Sippy's words, "we do not have a
        method with that name".
    HTML_500
        HTTP 500 with a small HTML page, as some switches answer instead.
    """

    FAULT = "fault"
    HTML_500 = "html500"


_REFUSED_BEFORE_RUNNING = frozenset(
    {FailMode.FAULT, FailMode.HTTP_500, FailMode.HTTP_401, FailMode.HTTP_403, FailMode.HTTP_404}
)


@dataclass
class Knobs:
    """``latency`` seconds are added to every request; every ``fail_every``-th
    authenticated call fails as ``fail_mode`` says (0 never fails);
    ``extra_members`` are added to every trunk returned, as a newer server would.
    ``huge_bytes`` is the size of the padding ``FailMode.HUGE`` adds and
    ``stall`` the seconds ``FailMode.SLOW_BODY`` pauses mid-body.
    ``introspection`` off makes ``system.listMethods`` a method the switch
    lacks, as on switches that do not offer it; ``unknown_method`` says how
    a call to a method the switch lacks is answered."""

    latency: float = 0.0
    fail_every: int = 0
    fail_mode: FailMode = FailMode.FAULT
    extra_members: dict[str, object] = field(default_factory=dict)
    huge_bytes: int = 80 << 20
    stall: float = 60.0
    introspection: bool = True
    unknown_method: UnknownMethodAnswer = UnknownMethodAnswer.FAULT
