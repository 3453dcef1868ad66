"""From a request body to an answer: who calls, what they call, and what comes back.

Sippy serves every method at one endpoint, so everything past HTTP framing
happens here, in order: Digest or trusted-host authentication, parsing the
XML-RPC call, picking the calls ``Knobs`` makes fail, running the call on
``Methods`` (or ``System`` for ``system.`` calls), sending the outcome,
counting ``Stats`` and logging one line per request when verbose. How a
picked call fails is up to ``faults``.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
import time
import xmlrpc.client
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from trunktui.simulator.digest import DigestAuthenticator
from trunktui.simulator.faults import UNKNOWN_METHOD_PAGE, FaultInjector
from trunktui.simulator.framing import Handler
from trunktui.simulator.knobs import FailMode, Knobs, UnknownMethodAnswer
from trunktui.simulator.log import field, log_exception
from trunktui.simulator.methods import BAD_PARAMS, PARSE_ERROR, UNAUTHORIZED, Methods, UnknownMethod
from trunktui.simulator.outcome import INTERNAL_ERROR, Outcome, describe, encode, pieces
from trunktui.simulator.store import Store
from trunktui.simulator.system import MULTICALL, ONE_STRUCT, UNTRUSTED, System, names_a_customer
from trunktui.versions import Api

REALM = "sippy-simulator"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Stats:
    """Counts since the server started.

    ``calls`` are authenticated, well-formed XML-RPC calls (the ones
    ``Knobs.fail_every`` counts); ``challenges`` are 401 answers sent and
    ``stale`` those of them that carried ``stale=true``.
    """

    calls: int = 0
    challenges: int = 0
    stale: int = 0


@dataclass(frozen=True)
class Logged:
    """The verbose log's line for a request that has been answered: who called, the method, the outcome."""

    who: str
    method: str
    outcome: str


class Settings(Protocol):
    """What the dispatcher reads afresh on every request, so it can change while serving."""

    knobs: Knobs
    verbose: bool


class _Caller(NamedTuple):
    """An authenticated caller: a Digest login and its customer, or a trusted host (neither known yet)."""

    login: str | None
    i_customer: int | None


_TRUSTED_HOST = _Caller(None, None)


class _Call(NamedTuple):
    """A call to run: ``i_customer`` is None for a trusted host's call that names none of its own (a
    ``system.`` call, or a method the switch lacks)."""

    who: str
    method: str
    i_customer: int | None
    params: tuple[Any, ...]


class Dispatcher:
    """Answers the XML-RPC requests ``framing`` hands over, for the customers in ``store``.

    ``settings`` (the server) holds the knobs and verbosity, read on every
    request. ``trusted_hosts`` (addresses or networks) may call without an
    Authorization header, naming the customer with ``i_customer``; one that
    names none is challenged like any other client.
    ``api`` is the trunks API the switch speaks.
    ``stopping`` cuts injected stalls short.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        api: Api,
        trusted_hosts: Iterable[str],
        nonce_ttl: float,
        case_insensitive_like: bool,
        stopping: threading.Event,
    ) -> None:
        self.store = store
        self._settings = settings
        self.trusted: tuple[Network, ...] = tuple(ipaddress.ip_network(a, strict=False) for a in trusted_hosts)
        self.digest = DigestAuthenticator(REALM, self._password_for, nonce_ttl=nonce_ttl)
        self.methods = Methods(
            store, api=api, case_insensitive_like=case_insensitive_like,
            extra_members=lambda: self._settings.knobs.extra_members,
        )
        self.system = System(self.methods, lambda: self._settings.knobs, store.customer_exists)
        self._faults = FaultInjector(self.challenge, stopping)
        self._lock = threading.Lock()
        self._stats = Stats()

    @property
    def stats(self) -> Stats:
        with self._lock:
            return self._stats

    def answer(self, handler: Handler, body: bytes) -> None:
        """Authenticate, run and answer one XML-RPC request, then log it if verbose."""
        started = time.perf_counter()
        logged = self._serve(handler, body)
        if self._settings.verbose:
            elapsed = (time.perf_counter() - started) * 1000
            sys.stderr.write(
                f"{handler.client_address[0]} {logged.who} {field(logged.method)} {logged.outcome} {elapsed:.1f} ms\n"
            )

    def challenge(self, handler: Handler, *, stale: bool = False) -> Logged:
        """Answer 401 with a fresh Digest challenge, and close the connection.

        A client that has not logged in must not keep a connection: those
        are few (``max_connections``), and clients that cannot log in would
        otherwise hold them all. Digest clients answer the challenge on a
        new connection as readily as on this one.
        """
        self._count(challenges=1, stale=int(stale))
        handler.send_plain(401, "Unauthorized", close=True,
                           headers={"WWW-Authenticate": self.digest.challenge(stale=stale)})
        return Logged("-", "-", "401 stale" if stale else "401")

    def _serve(self, handler: Handler, body: bytes) -> Logged:
        knobs = self._settings.knobs
        if knobs.latency > 0:
            time.sleep(knobs.latency)
        caller = self._authenticate(handler)
        if isinstance(caller, Logged):
            return caller
        call = self._parse(handler, caller, body)
        if isinstance(call, Logged):
            return call
        return self._perform(handler, call, knobs)

    def _authenticate(self, handler: Handler) -> _Caller | Logged:
        authorization = handler.headers.get("Authorization")
        if authorization is None:
            return _TRUSTED_HOST if self._is_trusted(handler.client_address[0]) else self.challenge(handler)
        verdict = self.digest.verify(authorization, handler.command, handler.path)
        customer = self.store.customer_by_login(verdict.login) if verdict.login else None
        if customer is None:
            return self.challenge(handler, stale=verdict.stale)
        return _Caller(verdict.login, int(customer["i_customer"]))

    def _is_trusted(self, host: str) -> bool:
        if not self.trusted:
            return False
        address = ipaddress.ip_address(host.partition("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.trusted)

    def _password_for(self, login: str) -> str | None:
        customer = self.store.customer_by_login(login)
        return None if customer is None else str(customer["password"])

    def _parse(self, handler: Handler, caller: _Caller, body: bytes) -> _Call | Logged:
        try:
            params, method = xmlrpc.client.loads(body)
        except Exception:  # noqa: BLE001 - a body that is not an XML-RPC call, however it fails, gets a parse fault
            params, method = (), None
        who = field(caller.login) if caller.login else "trusted"
        if method is None:
            return self._refuse(handler, who, "-", PARSE_ERROR, "Unparsable request: not an XML-RPC call")
        if self.system.offers(method):
            if caller.i_customer is None and method == MULTICALL and not names_a_customer(params):
                return self.challenge(handler)
            return _Call(who, method, caller.i_customer, params)
        known = method in self.methods.table
        members = params[0] if len(params) == 1 and isinstance(params[0], dict) else None
        if members is None:
            if known:
                return self._refuse(handler, who, method, BAD_PARAMS, ONE_STRUCT)
            members = {}
        if caller.i_customer is None and (known or "i_customer" in members):
            return self._trusted_call(handler, method, members)
        return _Call(who, method, caller.i_customer, (members,))

    def _trusted_call(self, handler: Handler, method: str, members: dict[str, Any]) -> _Call | Logged:
        """The call of a trusted host, for the existing customer its ``i_customer`` names.

        A call that names no customer is a Digest client's first request,
        sent before it has seen a challenge: it gets the challenge, so a
        login works from a trusted address too. (A ``system.`` call needs no
        customer, and a method the switch lacks is answered so whoever asks.)
        """
        if "i_customer" not in members:
            return self.challenge(handler)
        named = members["i_customer"]
        if isinstance(named, bool) or not isinstance(named, int) or not self.store.customer_exists(named):
            return self._refuse(handler, "trusted", method, UNAUTHORIZED, UNTRUSTED)
        return _Call(f"trusted i_customer={named}", method, named, (members,))

    def _refuse(self, handler: Handler, who: str, method: str, code: int, message: str) -> Logged:
        handler.send_xml(encode(xmlrpc.client.Fault(code, message)))
        return Logged(who, method, f"fault {code}")

    def _perform(self, handler: Handler, call: _Call, knobs: Knobs) -> Logged:
        """Run the call and send its outcome, unless it is picked to fail."""
        mode = self._failing(knobs)
        if mode is None:
            outcome = self._run(call)
            if isinstance(outcome, UnknownMethod) and knobs.unknown_method is UnknownMethodAnswer.HTML_500:
                handler.send(500, "text/html; charset=utf-8", UNKNOWN_METHOD_PAGE)
                return Logged(call.who, call.method, "500 unknown method")
            handler.send_xml(pieces(outcome))
            return Logged(call.who, call.method, describe(outcome))
        self._faults.inject(handler, mode, lambda: self._run(call), knobs)
        return Logged(call.who, call.method, f"injected {mode.value}")

    def _failing(self, knobs: Knobs) -> FailMode | None:
        """Count the call; how it fails if it is every ``fail_every``-th, else None."""
        number = self._count(calls=1)
        return knobs.fail_mode if knobs.fail_every > 0 and number % knobs.fail_every == 0 else None

    def _run(self, call: _Call) -> Outcome:
        try:
            if call.i_customer is None or self.system.offers(call.method):
                return (self.system.call(call.method, call.i_customer, call.params),)
            return (self.methods.call(call.method, call.i_customer, call.params[0]),)
        except xmlrpc.client.Fault as fault:
            return fault
        except Exception as error:  # noqa: BLE001 - a bug in a method reaches the client as a fault, not a dropped connection
            log_exception(error)
            return xmlrpc.client.Fault(INTERNAL_ERROR, "Internal error")

    def _count(self, *, calls: int = 0, challenges: int = 0, stale: int = 0) -> int:
        """Add to the counters; return the number of calls so far."""
        with self._lock:
            now = self._stats
            self._stats = Stats(now.calls + calls, now.challenges + challenges, now.stale + stale)
            return self._stats.calls
