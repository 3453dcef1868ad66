"""A call's outcome and the XML-RPC bytes that carry it.

Ordinary answers (``dispatch``) and spoiled ones (``faults``) start from the
same encoding, so a truncated, halved or padded answer is a real answer cut
or padded, and an answer that cannot be encoded becomes a fault either way.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any, TypeAlias

from trunktui.simulator.log import log_exception

INTERNAL_ERROR = -32603

Outcome: TypeAlias = tuple[dict[str, Any]] | xmlrpc.client.Fault


def encode(outcome: Outcome) -> bytes:
    """The methodResponse for ``outcome``; an internal-error fault if it holds what XML-RPC cannot carry."""
    try:
        return xmlrpc.client.dumps(outcome, methodresponse=True, allow_none=True).encode("utf-8")
    except (TypeError, OverflowError) as error:
        log_exception(error)
        fault = xmlrpc.client.Fault(INTERNAL_ERROR, "Internal error: answer could not be encoded")
        return xmlrpc.client.dumps(fault, methodresponse=True).encode("utf-8")


def describe(outcome: Outcome) -> str:
    """The outcome as the verbose log shows it."""
    return f"fault {outcome.faultCode}" if isinstance(outcome, xmlrpc.client.Fault) else "OK"
