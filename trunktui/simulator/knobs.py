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

    FAULT and HTTP_500 refuse the call before it runs. MALFORMED, TRUNCATED
    and RESET run the call and then spoil or drop the answer, which is the
    case a client cannot see through: the change may have happened.
    """

    FAULT = "fault"
    HTTP_500 = "http-500"
    MALFORMED = "malformed"
    TRUNCATED = "truncated"
    RESET = "reset"


@dataclass
class Knobs:
    """``latency`` seconds are added to every request; every ``fail_every``-th
    authenticated call fails as ``fail_mode`` says (0 never fails);
    ``extra_members`` are added to every trunk returned, as a newer server would."""

    latency: float = 0.0
    fail_every: int = 0
    fail_mode: FailMode = FailMode.FAULT
    extra_members: dict[str, object] = field(default_factory=dict)
