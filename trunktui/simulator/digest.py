"""Server side of HTTP Digest authentication (RFC 7616, MD5, qop=auth).

Sippy authenticates API logins with Digest, so the client's handling of
challenges, reused nonces and ``stale=true`` can only be tested against a
server that really issues them. Nonces are stateless, a timestamp signed with
a per-server secret, so the server keeps no table of them and still knows
their age. Replayed nonce counts are not tracked: a simulator need not
defend against replay.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*(?:,|$)')
_QUOTED_PAIR = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking an Authorization header.

    ``login`` is set when the credentials are accepted. ``stale`` is set when
    they were right but the nonce has expired, so the client should retry
    with a fresh nonce rather than ask the user for a password.
    """

    login: str | None = None
    stale: bool = False


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def parse_authorization(header: str) -> dict[str, str] | None:
    """The parameters of a ``Digest`` Authorization header, or None if it is not one."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params: dict[str, str] = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _PARAM.match(rest, position)
        if match is None or match.end() == position:
            return None
        key, value = match.group(1).lower(), match.group(2)
        if value.startswith('"'):
            value = _QUOTED_PAIR.sub(r"\1", value[1:-1])
        params[key] = value
        position = match.end()
    return params


class DigestAuthenticator:
    """Issues challenges and checks answers for one realm.

    ``password_for`` maps a login to its password, or None when there is no
    such login; it is asked on every request so password changes apply at once.
    """

    def __init__(
        self,
        realm: str,
        password_for: Callable[[str], str | None],
        *,
        nonce_ttl: float = 300.0,
        secret: bytes | None = None,
    ) -> None:
        self.realm = realm
        self.nonce_ttl = nonce_ttl
        self._password_for = password_for
        self._secret = secret or secrets.token_bytes(32)
        self.opaque = secrets.token_hex(16)

    def challenge(self, *, stale: bool = False) -> str:
        """A WWW-Authenticate header value with a fresh nonce."""
        header = (
            f'Digest realm="{self.realm}", qop="auth", algorithm=MD5, '
            f'nonce="{self._new_nonce()}", opaque="{self.opaque}"'
        )
        return header + (", stale=true" if stale else "")

    def verify(self, authorization: str, method: str, uri: str) -> Verdict:
        """Check an Authorization header sent with ``method`` on ``uri``."""
        params = parse_authorization(authorization)
        if params is None:
            return Verdict()
        username, nonce, response = params.get("username"), params.get("nonce"), params.get("response")
        nc, cnonce = params.get("nc"), params.get("cnonce")
        if (
            username is None or nonce is None or response is None or nc is None or cnonce is None
            or params.get("realm") != self.realm
            or params.get("qop") != "auth"
            or params.get("algorithm", "MD5").upper() != "MD5"
            or params.get("uri") != uri
            or params.get("opaque", self.opaque) != self.opaque
        ):
            return Verdict()
        issued = self._nonce_time(nonce)
        password = self._password_for(username)
        if issued is None or password is None:
            return Verdict()
        ha1 = _md5(f"{username}:{self.realm}:{password}")
        ha2 = _md5(f"{method}:{uri}")
        expected = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        if not hmac.compare_digest(expected.encode(), response.lower().encode()):
            return Verdict()
        if not 0 <= time.time() - issued <= self.nonce_ttl:
            return Verdict(stale=True)
        return Verdict(login=username)

    def _new_nonce(self) -> str:
        stamp = f"{time.time():.6f}"
        return f"{stamp}-{self._sign(stamp)}"

    def _nonce_time(self, nonce: str) -> float | None:
        """When the nonce was issued, or None if this server did not issue it."""
        stamp, _, signature = nonce.partition("-")
        if not hmac.compare_digest(self._sign(stamp).encode(), signature.encode()):
            return None
        try:
            return float(stamp)
        except ValueError:
            return None

    def _sign(self, stamp: str) -> str:
        return hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()
