"""Server side of HTTP Digest authentication (RFC 7616, MD5, qop=auth).

Sippy authenticates API logins with Digest, so the client's handling of
challenges, reused nonces and ``stale=true`` can only be tested against a
server that really issues them. A nonce is its time of issue and a random
part, signed with a per-server secret, so the server knows its age without a
table of the nonces it handed out.

A captured Authorization header must not be replayed with another body, so
the server remembers the last nonce count (``nc``) accepted for each nonce
in use and accepts only higher ones, as a client reusing a nonce sends them.
That table is bounded: nonces past their lifetime leave it, and when it is
full the oldest leaves and every nonce as old or older is answered as
stale, so forgetting a nonce never lets its headers be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*(?:,|$)')
_QUOTED_PAIR = re.compile(r"\\(.)")
_NONCE_COUNT = re.compile(r"[0-9A-Fa-f]{8}")
MAX_NONCES = 10_000


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking an Authorization header.

    ``login`` is set when the credentials are accepted. ``stale`` is set when
    they were right but the nonce has expired or been forgotten, so the
    client should retry with a fresh nonce rather than ask the user for a
    password.
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
    At most ``max_nonces`` nonces in use are remembered (see the module's
    docstring).
    """

    def __init__(
        self,
        realm: str,
        password_for: Callable[[str], str | None],
        *,
        nonce_ttl: float = 300.0,
        max_nonces: int = MAX_NONCES,
        secret: bytes | None = None,
    ) -> None:
        self.realm = realm
        self.nonce_ttl = nonce_ttl
        self._password_for = password_for
        self._secret = secret or secrets.token_bytes(32)
        self.opaque = secrets.token_hex(16)
        self._counts = _NonceCounts(nonce_ttl, max_nonces)

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
            or not _NONCE_COUNT.fullmatch(nc)
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
        return self._counts.advance(nonce, issued, int(nc, 16), username)

    def _new_nonce(self) -> str:
        """The time of issue, a random part so that no two clients share a nonce, and their signature."""
        issued = f"{time.time():.6f}-{secrets.token_hex(8)}"
        return f"{issued}-{self._sign(issued)}"

    def _nonce_time(self, nonce: str) -> float | None:
        """When the nonce was issued, or None if this server did not issue it."""
        issued, _, signature = nonce.rpartition("-")
        if not hmac.compare_digest(self._sign(issued).encode(), signature.encode()):
            return None
        try:
            return float(issued.partition("-")[0])
        except ValueError:
            return None

    def _sign(self, value: str) -> str:
        return hmac.new(self._secret, value.encode(), hashlib.sha256).hexdigest()


class _NonceCounts:
    """The last nonce count accepted for each nonce in use, in the order the nonces were first used.

    Only answers with the right password reach it, so a client without one
    cannot fill it.
    """

    def __init__(self, ttl: float, capacity: int) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._last: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._forgotten_up_to = float("-inf")
        self._lock = threading.Lock()

    def advance(self, nonce: str, issued: float, count: int, login: str) -> Verdict:
        """Accept ``count`` for ``nonce`` (issued at ``issued``) if it is higher than any accepted before.

        A count not higher is a replay and refused; a nonce forgotten to make
        room is stale, so its client fetches a fresh one.
        """
        with self._lock:
            if issued <= self._forgotten_up_to:
                return Verdict(stale=True)
            last = self._last.get(nonce)
            if last is not None and count <= last[1]:
                return Verdict()
            if last is None:
                self._make_room()
            self._last[nonce] = (issued, count)
            return Verdict(login=login)

    def _make_room(self) -> None:
        expired = time.time() - self._ttl
        while self._last and next(iter(self._last.values()))[0] < expired:
            self._last.popitem(last=False)
        while len(self._last) >= self._capacity:
            _, (issued, _) = self._last.popitem(last=False)
            self._forgotten_up_to = max(self._forgotten_up_to, issued)
