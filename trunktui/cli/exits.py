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
    """The switch answered with a fault (or an answer trunktui cannot use)."""
    USAGE = 2
    """The command line, a value typed or the profiles file is wrong."""
    NETWORK = 3
    """The switch could not be reached, or its answer was lost: trying again may help."""
    AUTH = 4
    """The login was refused, or no password could be had without a terminal."""
    REFUSED = 5
    """trunktui's own safety rule refused: read-only, production without confirmation, a conflict."""
    INTERRUPTED = 130


HELP = """\
exit codes:
  0    done
  1    the switch answered a fault (or trunktui failed unexpectedly)
  2    usage or configuration: a bad option, value or profile
  3    network: the switch could not be reached or its answer was lost (retryable)
  4    authentication refused, or no password without a terminal to ask on
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
    so it is a usage error; an HTTP error other than a refused login is a
    server or a proxy in the way, which may pass.
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
        case TransportError() | HttpError():
            return Exit.NETWORK
        case ApiError():
            return Exit.FAULT
    return Exit.USAGE
