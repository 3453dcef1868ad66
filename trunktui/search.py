"""Finding trunks across every account of a login: which trunks point at this address?

The switch has no call for this, so ``Search`` asks for every account's
trunks (``getTrunksList``, several accounts to a ``system.multicall`` where
the switch has it) over a few connections at once, and matches them here.
A query on names that holds ``%`` is a name pattern and goes to the switch,
so only matching trunks come back; any other query is matched locally, on
what came back. On a 2022+ switch a trunk's connections are read too when
the query may match inside them (destinations, logins, outbound IPs).

The engine knows nothing of screens: it tells its caller, from the threads
doing the work, what each account gave (``Searched``), and a stop from any
thread cuts off the calls in flight at once, keeping what was found.
"""

from __future__ import annotations

import ipaddress
import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from trunktui.api import SippyClient
from trunktui.api.client import every_account, known_gone
from trunktui.errors import ApiError, AuthError, FaultError, InputError, ProtocolError, TrunkTuiError
from trunktui.fanout import DEFAULT_CONCURRENCY, FanOut
from trunktui.model import Account, Schema, Trunk, TrunkConnection
from trunktui.patterns import has_wildcard, like_regex, pattern_problem
from trunktui.search_fields import FIELDS as FIELDS
from trunktui.versions import CONNECTIONS

ACCOUNTS_PER_CALL = 4
"""Accounts whose trunks one ``system.multicall`` asks for."""

SEARCHED = tuple(name for _, names in FIELDS.values() for name in names)
ADDRESSES = frozenset(FIELDS["destination"][1])
"""Members holding host[:port]: an address query matches their host (and port) exactly."""
_ADDRESS = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:\[\]]*))(?::(?P<port>[0-9]{1,5}))?$")


@dataclass(frozen=True)
class Address:
    """An address a query names: an IP address, a port, or both."""

    host: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    port: int | None

    @classmethod
    def parse(cls, text: str) -> Address | None:
        """``198.51.100.7``, ``198.51.100.7:5060``, ``[2001:db8::1]:5060``, ``2001:db8::1`` or ``:5060``; else None."""
        try:
            return cls(ipaddress.ip_address(text), None)
        except ValueError:
            pass
        found = _ADDRESS.match(text)
        if found is None or found["port"] is None:
            return None
        host_text = found["v6"] if found["v6"] is not None else found["host"]
        try:
            host = ipaddress.ip_address(host_text) if host_text else None
        except ValueError:
            return None
        return cls(host, int(found["port"]))

    def span(self, value: str) -> tuple[int, int] | None:
        """Where in a host[:port] ``value`` this address is, if it is there: hosts compared as addresses, so
        ``198.51.100.7`` is not found in ``198.51.100.70``. The span covers what the query named: the host,
        the port (with its colon), or both."""
        if self.port is None and _same_address(value, self.host):
            return 0, len(value)
        found = _ADDRESS.match(value)
        if found is None:
            return None
        host_group = "v6" if found["v6"] is not None else "host"
        if self.port is not None and (found["port"] is None or int(found["port"]) != self.port):
            return None
        if self.host is not None:
            try:
                if ipaddress.ip_address(found[host_group]) != self.host:
                    return None
            except ValueError:
                return None
        start = found.start(host_group) - (host_group == "v6") if self.host is not None else found.start("port") - 1
        end = found.end("port") if self.port is not None else found.end(host_group) + (host_group == "v6")
        return start, end


def _same_address(value: str, host: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    try:
        return ipaddress.ip_address(value) == host
    except ValueError:
        return False


@dataclass(frozen=True)
class Hit:
    """Where a trunk matched: the member (of one of its connections, if ``connection``), its value, and the
    part of the value that matched (``span``)."""

    name: str
    value: str
    span: tuple[int, int]
    connection: TrunkConnection | None = None

    def where(self, schema: Schema) -> str:
        """The member's label, with the connection's name for a member of one."""
        if self.connection is None:
            return schema.label(self.name)
        return f"Connection {self.connection.name!s} · {CONNECTIONS.label(self.name)}"


@dataclass(frozen=True)
class Query:
    """What to look for (``text``) and where (``field``, a key of ``FIELDS``)."""

    text: str
    field: str = "any"

    def check(self) -> None:
        """Refuse a query that cannot be searched for, with the reason (``InputError``)."""
        if self.field not in FIELDS:
            raise InputError(f"There is no field {self.field!r} to search in; one of: {', '.join(FIELDS)}.",
                             field="field")
        if not self.text.strip():
            raise InputError("Type what to look for.", field="query")
        if self.name_pattern is not None and (problem := pattern_problem(self.name_pattern)):
            raise InputError(problem, field="query")

    @property
    def name_pattern(self) -> str | None:
        """The pattern sent to the switch: the query itself when it is a name pattern, else None (every trunk)."""
        text = self.text.strip()
        return text if self.field == "name" and has_wildcard(text) else None

    @property
    def members(self) -> tuple[str, ...]:
        return FIELDS[self.field][1] or SEARCHED

    def in_connections(self, schema: Schema) -> bool:
        """Whether a 2022+ trunk's connections must be read: the query may match a member of theirs only."""
        return any(name in CONNECTIONS.by_name and name not in schema.by_name for name in self.members)

    def matcher(self) -> Callable[[str, str], tuple[int, int] | None]:
        """A function giving where the query is in a member's value (name, value), or None."""
        text = self.text.strip()
        if self.name_pattern is not None:
            whole = like_regex(self.name_pattern)
            return lambda name, value: (0, len(value)) if whole.fullmatch(value) else None
        literal = re.compile(re.escape(text), re.IGNORECASE)
        address = Address.parse(text)

        def span(name: str, value: str) -> tuple[int, int] | None:
            if address is not None and name in ADDRESSES:
                return address.span(value)
            found = literal.search(value)
            return None if found is None else found.span()

        return span

    def hit(self, trunk: Trunk, schema: Schema,
            span: Callable[[str, str], tuple[int, int] | None] | None = None) -> Hit | None:
        """The first place the trunk matches, its own members before its connections', in declared order."""
        span = span or self.matcher()
        own = [name for name in self.members if name in schema.by_name]
        for name in own:
            value = trunk.members.get(name)
            if isinstance(value, str) and (where := span(name, value)) is not None:
                return Hit(name, value, where)
        if self.name_pattern is not None:
            # The switch chose the trunk by its name: say so, even if its LIKE reads the pattern otherwise.
            name = trunk.name
            return Hit("name", name, (0, len(name))) if isinstance(name, str) else Hit("name", "", (0, 0))
        theirs = [name for name in self.members if name in CONNECTIONS.by_name and name not in own]
        if self.field == "any":
            theirs.insert(0, "name")
        for connection in trunk.connections or ():
            for name in theirs:
                value = connection.members.get(name)
                if isinstance(value, str) and (where := span(name, value)) is not None:
                    return Hit(name, value, where, connection)
        return None


@dataclass(frozen=True)
class Found:
    """A trunk that matched, with its account and where it matched."""

    account: Account
    trunk: Trunk
    hit: Hit


@dataclass(frozen=True)
class Failure:
    """An account whose trunks could not be read."""

    account: Account
    error: ApiError

    @property
    def retryable(self) -> bool:
        """Whether asking again could help: not for an account the switch gave no id trunktui can send."""
        return type(self.account.i_account) is int


@dataclass(frozen=True)
class Searched:
    """One account searched (or failed), told as it happens, with the totals so far.

    ``total`` is None while the login's accounts are still being listed.
    """

    account: Account
    found: tuple[Found, ...]
    failure: Failure | None
    done: int
    total: int | None
    matched: int
    failed: int


@dataclass
class Summary:
    """What a search came to: what it found, the accounts it could not read, and those it did not reach
    (stopped first)."""

    found: list[Found] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    unsearched: list[Account] = field(default_factory=list)
    searched: int = 0
    trunks: int = 0
    stopped: bool = False


class Search(FanOut):
    """One search of every account of the login (or of ``accounts``, to try some again).

    ``run`` blocks until every account is searched or ``stop`` is called;
    ``tell`` is called once per account, from the thread that searched it,
    one call at a time.
    """

    def __init__(self, client: SippyClient, query: Query, *, concurrency: int = DEFAULT_CONCURRENCY,
                 accounts: Sequence[Account] | None = None) -> None:
        query.check()
        super().__init__(client, concurrency)
        self.query = query
        self.accounts = None if accounts is None else list(accounts)
        self._told = threading.Lock()
        self._summary = Summary()
        self._total: int | None = None
        self._reached: set[int] = set()
        """The accounts searched or failed (by ``id``), to tell those a stop left unsearched."""
        self.refusal: AuthError | None = None
        self._listed_whole = False
        self._span = query.matcher()

    @property
    def total(self) -> int | None:
        """How many accounts there are to search; None until they are all listed (and for good if a stop
        or a refused login cut the listing short)."""
        return self._total

    @property
    def summary(self) -> Summary:
        """What the search has come to: whole once ``run`` has returned, or raised a refused login (then
        ``unsearched`` holds the accounts listed and not reached, to search once the login is mended)."""
        return self._summary

    def stop(self) -> None:
        """Search no more: calls in flight are cut off, and what was found stays found."""
        self._stopped.set()
        self.cut()

    def _refused(self, error: AuthError) -> None:
        """The switch refused the login: every further call would be refused too (and a switch may lock the
        login out after a few), so the search stops, and ``run`` raises the refusal."""
        with self._told:
            self.refusal = self.refusal or error
        self.stop()

    def run(self, tell: Callable[[Searched], None] = lambda searched: None) -> Summary:
        """Search, telling each account's matches as they come; return the whole of it.

        A failure to list the accounts is raised, unless the search was stopped; so is a refused login, at
        the first account it met.
        """
        api = self.client.api()
        connections = api.has_connections and self.query.in_connections(api.trunks)
        work: queue.Queue[Account | None] = queue.Queue()
        listed: list[Account] = []
        lister = self.fork()
        workers = [threading.Thread(target=self._work, args=(self.fork(), api.trunks, connections, work, tell),
                                    daemon=True, name="trunktui-search") for _ in range(self.concurrency)]
        for worker in workers:
            worker.start()
        try:
            for account in self._every_account(lister):
                listed.append(account)
                work.put(account)
            if self._listed_whole:
                with self._told:
                    self._total = len(listed)
        except ApiError:
            if not self.stopped:
                raise
        finally:
            for _ in workers:
                work.put(None)
            for worker in workers:
                worker.join()
            self.close()
        summary = self._summary
        summary.stopped = self.stopped
        summary.unsearched = [account for account in listed if id(account) not in self._reached]
        if self.refusal is not None:
            raise self.refusal
        return summary

    def _every_account(self, client: SippyClient) -> Iterator[Account]:
        """The accounts to search: those given, or the login's, a page at a time (a page that brings no
        account not seen before ends the list, whatever the switch says). Once the list is whole, not cut
        short by a stop, ``_listed_whole`` says so."""
        if self.accounts is not None:
            yield from self.accounts
            self._listed_whole = True
            return
        self._listed_whole = yield from every_account(client, lambda: self.stopped)

    def _work(self, client: SippyClient, schema: Schema, connections: bool, work: queue.Queue[Account | None],
              tell: Callable[[Searched], None]) -> None:
        """Take accounts (up to ``ACCOUNTS_PER_CALL`` at a time) until there are none, search them, tell each."""
        while True:
            first = work.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < ACCOUNTS_PER_CALL:
                try:
                    more = work.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    work.put(None)
                    break
                batch.append(more)
            if self.stopped:
                continue
            for account, result in zip(batch, self._search(client, schema, connections, batch), strict=True):
                if isinstance(result, AuthError):
                    self._refused(result)
                if self.stopped and isinstance(result, ApiError):
                    continue
                self._tell(account, result, tell)

    def _search(self, client: SippyClient, schema: Schema, connections: bool,
                batch: list[Account]) -> list[list[Found] | ApiError]:
        """Each account's matches, or the error that kept its trunks from being read."""
        results: list[list[Found] | ApiError | None] = [None] * len(batch)
        asked: list[int] = []
        for place, account in enumerate(batch):
            if type(account.i_account) is int:
                asked.append(place)
            else:
                results[place] = ProtocolError("The switch gave this account no id trunktui can send.",
                                               "listAccounts")
        try:
            lists = client.trunks_of([batch[place].i_account for place in asked], self.query.name_pattern)
        except ApiError as error:
            lists = [error] * len(asked)
        except Exception as error:  # noqa: BLE001 - one account's oddity must not end the search
            lists = [ApiError(f"Unexpected {type(error).__name__}: {error}")] * len(asked)
        for place, trunks in zip(asked, lists, strict=True):
            if isinstance(trunks, ApiError):
                results[place] = trunks
                continue
            if connections and trunks:
                read = _with_connections(client, trunks)
                if isinstance(read, ApiError):
                    results[place] = read
                    continue
                trunks = read
            account = batch[place]
            results[place] = [Found(account, trunk, hit) for trunk in trunks
                              if (hit := self.query.hit(trunk, schema, self._span)) is not None]
            with self._told:
                self._summary.trunks += len(trunks)
        return [result for result in results if result is not None]

    def _tell(self, account: Account, result: list[Found] | ApiError, tell: Callable[[Searched], None]) -> None:
        with self._told:
            summary = self._summary
            summary.searched += 1
            self._reached.add(id(account))
            failure = None
            if isinstance(result, ApiError):
                failure = Failure(account, result)
                summary.failures.append(failure)
                found: tuple[Found, ...] = ()
            else:
                found = tuple(result)
                summary.found.extend(found)
            tell(Searched(account, found, failure, summary.searched, self._total, len(summary.found),
                          len(summary.failures)))


@dataclass(frozen=True)
class ReadAgain:
    """A trunk found before, read again after a change: as it is now (``trunk``), or not read (``error``);
    neither means it is no longer on the switch."""

    found: Found
    trunk: Trunk | None = None
    error: TrunkTuiError | None = None

    @property
    def gone(self) -> bool:
        return self.trunk is None and self.error is None


def read_again(client: SippyClient, found: Sequence[Found], *, connections: bool = True,
               concurrency: int = DEFAULT_CONCURRENCY) -> list[ReadAgain]:
    """Read each found trunk again (``concurrency`` at once), in the order given, so that what a change made
    of them can be shown; ``connections`` too on a 2022+ switch, where the query may match inside them."""
    results: list[ReadAgain | None] = [None] * len(found)
    places = iter(range(len(found)))
    taking = threading.Lock()

    def work(fork: SippyClient) -> None:
        while True:
            with taking:
                place = next(places, None)
            if place is None:
                return
            results[place] = _read_one(fork, found[place], connections)

    FanOut(client, concurrency).spread(work, len(found), "trunktui-reread")
    unread = ApiError("It was not read.")
    return [result or ReadAgain(one, error=unread) for one, result in zip(found, results, strict=True)]


def _read_one(client: SippyClient, found: Found, connections: bool) -> ReadAgain:
    """One trunk as it is now; one the switch will not give is gone only if its account's list lacks it
    (fault codes say nothing sure)."""
    i_trunk, i_account, name = found.trunk.i_trunk, found.account.i_account, found.trunk.name
    try:
        return ReadAgain(found, client.get_trunk(i_trunk, connections))
    except FaultError as error:
        return ReadAgain(found, error=None if known_gone(client, i_account, i_trunk, name) else error)
    except TrunkTuiError as error:
        return ReadAgain(found, error=error)
    except Exception as error:  # noqa: BLE001 - one trunk's oddity must not keep the others from being shown
        return ReadAgain(found, error=ApiError(f"Unexpected {type(error).__name__}: {error}"))


def _with_connections(client: SippyClient, trunks: list[Trunk]) -> list[Trunk] | ApiError:
    """The trunks with their connections read; or, if some trunk's could not be, why: a match among them
    would be missed, so the account counts as not read."""
    found = client.connections_of([trunk.i_trunk for trunk in trunks])
    read: list[Trunk] = []
    for trunk, held in zip(trunks, found, strict=True):
        if isinstance(held, ApiError):
            return held
        read.append(Trunk(trunk.members, held))
    return read
