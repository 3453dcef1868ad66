"""The errors trunktui raises, as one small tree.

Every layer raises only these, so the UI needs one ``except TrunkTuiError``
to show any failure to an operator, and can branch on the subclass when the
remedy differs (ask for the password again, fix a field, retry later)::

    TrunkTuiError                 anything trunktui refuses or fails at
    ├── InputError                a value refused before anything was sent
    ├── ReadOnlyError             a change refused: the connection is read-only
    └── ApiError                  a call to the switch that did not succeed
        ├── FaultError            the switch answered with an XML-RPC fault
        ├── TransportError        no usable answer arrived
        │   ├── ConnectError      refused, unreachable, or the name did not resolve
        │   ├── CallTimeout       connecting or waiting for the answer took too long
        │   └── TlsError          the certificate could not be verified
        ├── HttpError             an HTTP status other than 200
        │   └── AuthError         401: the login or password was refused
        └── ProtocolError         a 200 whose body is not a usable XML-RPC answer
            ├── ResponseTooLarge  the answer holds more than the client reads
            └── VersionError      the answer is of the other trunks API (2020 or 2022+)

The translation of httpx exceptions lives in ``trunktui.api.connection``, of
xmlrpc.client and expat ones in ``trunktui.api.decoding``. Messages are written for an operator: they say
what happened and, where there is one, what to do.
"""

from __future__ import annotations


class TrunkTuiError(Exception):
    """Base of every error trunktui raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(TrunkTuiError, ValueError):
    """A value was refused locally; ``field`` names the input it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ReadOnlyError(TrunkTuiError):
    """A create, update or delete was attempted on a read-only connection."""


class ApiError(TrunkTuiError):
    """A call to the switch failed; ``method`` is the XML-RPC method name.

    ``may_have_acted`` says whether the switch may have carried the call out
    even so (the answer was lost, not the request): after a change, that is
    the case where the caller must read back to know.
    """

    may_have_acted = True

    def __init__(self, message: str, method: str = "") -> None:
        super().__init__(message)
        self.method = method


class FaultError(ApiError):
    """The switch refused the call. Code and string are kept as sent."""

    may_have_acted = False

    def __init__(self, code: object, string: object, method: str = "") -> None:
        self.code = code
        self.string = string
        super().__init__(f"Fault {code}: {string}", method)


class TransportError(ApiError):
    """The request or its answer did not make it across the network."""


class ConnectError(TransportError):
    """The switch could not be reached at all."""

    may_have_acted = False


class CallTimeout(TransportError):
    """Connecting or reading took longer than the configured timeout."""


class TlsError(TransportError):
    """The switch's certificate failed verification."""

    may_have_acted = False


class HttpError(ApiError):
    """The switch answered with an HTTP error status instead of XML-RPC.

    A 4xx means the request was turned away; a 5xx may come after the work.
    """

    def __init__(self, message: str, status: int, method: str = "") -> None:
        super().__init__(message, method)
        self.status = status
        self.may_have_acted = status >= 500


class AuthError(HttpError):
    """The switch refused the credentials."""


class ProtocolError(ApiError):
    """The answer arrived but is not a well-formed XML-RPC response."""


class ResponseTooLarge(ProtocolError):
    """The answer was larger than the client is willing to read."""


class VersionError(ProtocolError):
    """The switch's answers are of the other trunks API than the one in use (chosen, or worked out)."""
