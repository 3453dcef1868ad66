"""The scripting commands' exit codes, and the one place an error is mapped to its code.

Scripts branch on these, so they are an API: each says what kind of
trouble it was, and so whether trying again can help.
"""

from __future__ import annotations

from enum import IntEnum

from trunktui.errors import (
    ApiError,
    AuthError,
    FaultError,
    HttpError,
    InputError,
    ProtocolError,
    ReadOnlyError,
    TransportError,
    TrunkTuiError,
    VersionError,
)


class Exit(IntEnum):
    OK = 0
    FAULT = 1
    """The switch answered with a fault, or an answer trunktui cannot read; or a change was refused."""
    USAGE = 2
    """The command line, a value typed, the profiles file or the switch's address is wrong."""
    NETWORK = 3
    """The switch could not be reached, its answer was lost, or a server on the way failed: trying again may
    help."""
    AUTH = 4
    """The login or the access was refused, or no password could be had without a terminal."""
    REFUSED = 5
    """trunktui's own safety rule refused: read-only, production without confirmation, a conflict."""
    INTERRUPTED = 130


HELP = """\
exit codes:
  0    done
  1    the switch answered a fault, or an answer trunktui cannot read
       (malformed or truncated XML); a change refused with an HTTP error
       and read back as not made; or trunktui failed unexpectedly
  2    usage or configuration: a bad option, value or profile, or no API
       at that address (HTTP 404: a wrong URL)
  3    network: the switch could not be reached, its answer was lost, or
       it answered another HTTP error, such as 5xx (retryable)
  4    authentication refused (HTTP 401), access refused (HTTP 403), or
       no password without a terminal to ask on
  5    refused by trunktui's safety rules: read-only, production without
       confirmation, or a trunk changed on the switch since it was read
  130  interrupted (Ctrl-C)"""


class UsageError(TrunkTuiError):
    """The command cannot be carried out as given: a missing option, a value the model refuses."""


class Refusal(TrunkTuiError):
    """trunktui's own safety rule refused the change: nothing was sent."""


class NoPassword(TrunkTuiError):
    """A login needs a password and there is no terminal to ask for it on."""


def exit_for(error: TrunkTuiError) -> Exit:
    """The exit code of ``error``, by the tree in ``trunktui.errors``.

    A trunks API other than the one chosen is a setting to fix (``--api``),
    and no API at the address (HTTP 404) a URL to fix: usage errors. A
    refused access (HTTP 403) is refused like a login; any other HTTP error
    is a server or a proxy in the way, which may pass.
    """
    match error:
        case Refusal() | ReadOnlyError():
            return Exit.REFUSED
        case NoPassword() | AuthError():
            return Exit.AUTH
        case VersionError() | UsageError() | InputError():
            return Exit.USAGE
        case FaultError() | ProtocolError():
            return Exit.FAULT
        case HttpError(status=403):
            return Exit.AUTH
        case HttpError(status=404):
            return Exit.USAGE
        case TransportError() | HttpError():
            return Exit.NETWORK
        case ApiError():
            return Exit.FAULT
    return Exit.USAGE
