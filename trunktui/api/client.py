"""The Sippy calls trunktui makes, as typed Python methods.

Each method validates its input with the model of the API in use before
anything is sent, makes its XML-RPC calls, and checks the shape of the
answer, so callers get ``Trunk``, ``TrunkConnection`` and ``Account``
objects or an error from ``trunktui.errors``. Which API a switch speaks is
worked out once, from reads only (``detection``), unless the settings name
it. Methods block: the UI runs them in worker threads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, Self, cast

import httpx

from trunktui.api.connection import Connection, ConnectionSettings, Progress
from trunktui.api.detection import Finding, detect, from_rows, lacks_method, read_policies
from trunktui.errors import ApiError, FaultError, InputError, ProtocolError, TrunkTuiError, VersionError
from trunktui.model import Account, Record, Schema, Trunk, TrunkConnection, differing, format_value
from trunktui.versions import CONNECTIONS, Api

ACCOUNTS_PAGE = 100
"""Accounts asked for in one ``listAccounts`` when every account is read."""
MULTICALL_BATCH = 100
"""Calls sent in one ``system.multicall``: one answer stays small, and a slow switch answers each in good time."""


class AuditSink(Protocol):
    """Where the client reports each change it attempts; the audit log is one.

    The client knows only this method, so it neither chooses nor imports
    where the record is kept.
    """

    def record(
        self,
        action: str,
        *,
        account: Any = None,
        trunk: Any = None,
        connection: Any = None,
        connection_name: Any = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        error: TrunkTuiError | None = None,
        read_back: bool | None = None,
        note: str = "",
    ) -> None: ...


class SippyClient:
    """A client for one switch, as one login (or one trusted customer).

    Trunk lists come over a connection of their own, so that while a long
    list is still arriving its first trunks can be opened, saved or
    deleted over the other.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        transport: httpx.BaseTransport | None = None,
        audit: AuditSink | None = None,
    ) -> None:
        self.settings = settings
        self.audit = audit
        self._transport = transport
        self._connection = Connection(settings, transport)
        self._lists: Connection | None = None
        self._lists_made = threading.Lock()
        self._finding: Finding | None = None
        if settings.api != "auto":
            self._finding = Finding(Api(settings.api), "as chosen with --api or the profile's api", origin="chosen")
        self._detecting = threading.Lock()
        self._multicall: bool | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()
        self.give_up_lists()

    def reconnect(self, settings: ConnectionSettings | None = None) -> None:
        """Go on over a fresh connection, with new ``settings`` (a new password) if given.

        A request blocked in another thread cannot be interrupted, so the old
        connection is closed under it: that call fails, and the next one does
        not queue behind it.
        """
        old = self._connection
        if settings is not None:
            self.settings = settings
        self._connection = Connection(self.settings, self._transport)
        old.close()
        self.give_up_lists()

    def give_up_lists(self) -> None:
        """Close the connection trunk lists come over: a list still arriving fails at once, and the next list
        is asked for over a fresh connection instead of waiting behind the rest of it."""
        with self._lists_made:
            lists, self._lists = self._lists, None
        if lists is not None:
            lists.close()

    def fork(self) -> SippyClient:
        """A client for the same switch and login, over connections of its own.

        A connection sends one call at a time, so work that fans out (a
        search of every account, a change to many trunks) makes several
        calls at once through forks. A fork shares the audit trail and what
        is known of the switch so far (its API, whether it has
        ``system.multicall``), so it does not ask again.
        """
        twin = SippyClient(self.settings, self._transport, self.audit)
        twin._finding, twin._multicall = self._finding, self._multicall
        return twin

    def _lists_connection(self) -> Connection:
        with self._lists_made:
            if self._lists is None:
                self._lists = Connection(self.settings, self._transport)
            return self._lists

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Make any call; the answer's struct is returned undecorated."""
        return self._connection.call(method, params)

    def list_accounts(self, offset: int = 0, limit: int = 100) -> list[Account]:
        """One page of the login's accounts, in the switch's order."""
        if offset < 0 or limit < 1:
            raise InputError("Offset must be 0 or more and limit 1 or more.")
        answer = self.call("listAccounts", offset=offset, limit=limit)
        return [Account.from_wire(item) for item in _structs(answer, "accounts", "listAccounts")]

    def get_account(self, i_account: int | None = None, username: str | None = None) -> Account:
        """One account, by id or by username (exactly one of them)."""
        if (i_account is None) == (username is None):
            raise InputError("Give an account id or a username, not both or neither.")
        params = {"i_account": i_account} if i_account is not None else {"username": username}
        answer = self.call("getAccountInfo", **params)
        return Account.from_wire(_struct(answer, "account", "getAccountInfo"))

    @property
    def finding(self) -> Finding | None:
        """The API in use and why, once known (at once when the settings name it)."""
        return self._finding

    def api(self) -> Api:
        """The trunks API this switch speaks: as the settings name it, or worked out once with reads only."""
        finding = self._finding
        if finding is None:
            with self._detecting:
                if self._finding is None:
                    # Over the lists' connection: a first page of accounts, asked for at the same
                    # time, does not wait behind these reads, and the first trunk list finds the
                    # connection open.
                    lists = self._lists_connection()
                    self._finding = detect(lists.call, lambda: lists.introspect("system.listMethods"))
                    if self._multicall is None:
                        self._multicall = self._finding.multicall
                finding = self._finding
        return finding.api

    @property
    def trunks(self) -> Schema:
        """The model of a trunk in the API in use (worked out first if need be)."""
        return self.api().trunks

    def _take_rows(self, rows: Sequence[Mapping[str, Any]]) -> Api:
        """The API in use, as trunk rows show it where their shape tells.

        Rows settle what other reads only suggested. Rows of the API not in
        use are refused when it was chosen, or shown by earlier rows: under
        the 2022+ API a 2020 trunk's connections would be asked of a switch
        that has none, and under the 2020 API a 2022+ trunk would be shown
        and edited as a trunk without a destination.
        """
        shapes = {shape for row in rows if (shape := from_rows((row,))) is not None}
        if len(shapes) > 1:
            raise VersionError(f"{self.settings.host} sent trunks of both the 2020 API (with a destination) and "
                               "the 2022 API (without) in one list.", "getTrunksList")
        shape = shapes.pop() if shapes else None
        with self._detecting:
            finding = self._finding
            if shape is not None and (finding is None or (finding.origin == "asked" and finding.api is not shape)):
                multicall = None if finding is None else finding.multicall
                self._finding = Finding(shape, "the shape of the trunk rows", multicall, origin="rows")
        api = self.api()
        if shape is not None and shape is not api:
            assert self._finding is not None
            sign = "it has a destination" if shape is Api.V2020 else "it has no destination"
            if self._finding.origin == "chosen":
                advice = (f"Start with --api {shape.value} (or set api = \"{shape.value}\" in the profile; --api "
                          "overrides it), or with --api auto.")
            else:
                advice = "Its trunk list mixes the two."
            raise VersionError(
                f"{self.settings.host} sent a trunk of the {shape.value} API ({sign}), but trunktui is speaking "
                f"the {api.value} API ({self._finding.reason}). {advice}", "getTrunksList")
        return api

    def list_trunks(self, i_account: int, name_pattern: str | None = None,
                    progress: Progress | None = None,
                    arrived: Callable[[list[Trunk]], None] | None = None) -> list[Trunk]:
        """The account's trunks; ``name_pattern`` uses SQL LIKE syntax.

        ``progress`` is told how many bytes of the list have arrived, while
        they arrive. ``arrived`` is told the trunks themselves, a batch at a
        time in the switch's order, as they are decoded; the list returned
        holds those very objects. On a 2022+ switch each batch's connections
        are read (``connections_of``) before the batch is told (the very
        first ``MULTICALL_BATCH`` trunks on their own), so every trunk
        arrives with them, or with None where they could not be read.
        """
        params: dict[str, Any] = {"i_account": i_account}
        if name_pattern:
            params["name_pattern"] = name_pattern
        trunks: list[Trunk] = []

        def wrap(items: list[Any]) -> None:
            if not all(isinstance(item, Mapping) for item in items):
                raise _no_structs("trunks", "getTrunksList")
            # The decoded structs belong to nobody else, so they are wrapped,
            # not copied: a copy would hold a large list twice at its peak.
            if not self._take_rows(items).has_connections:
                tell([Trunk(item) for item in items])
                return
            # A batch's connections take one multicall per MULTICALL_BATCH trunks. The list's first trunks
            # are told as soon as their own have come, so the first rows wait for one multicall; later
            # batches are told whole, as often as the list's own batches come, so the table is not
            # redrawn for every multicall.
            parts = [items] if trunks else [items[:MULTICALL_BATCH], items[MULTICALL_BATCH:]]
            for part in parts:
                found = self.connections_of([item.get("i_trunk") for item in part])
                tell([Trunk(item, _held(held)) for item, held in zip(part, found, strict=True)])

        def tell(batch: list[Trunk]) -> None:
            trunks.extend(batch)
            if arrived is not None and batch:
                arrived(batch)

        answer = self._lists_connection().call("getTrunksList", params, progress, ("trunks", wrap))
        # Every item was told to ``wrap``, which checked it.
        if not isinstance(answer.get("trunks"), list):
            raise _no_structs("trunks", "getTrunksList")
        if not trunks:
            self.api()
        return trunks

    def trunks_of(self, i_accounts: Sequence[int], name_pattern: str | None = None) -> list[list[Trunk] | ApiError]:
        """Several accounts' trunks, in the order of ``i_accounts``, without their connections: one
        ``system.multicall`` where the switch has it, else one call per account.

        An account whose list could not be read has the error that said so in
        its place; the others are not held up by it. A multicall whose answer
        cannot be read at all is asked again one account at a time. A failure
        of the whole request (the link dropped) is raised.
        """
        pattern = {"name_pattern": name_pattern} if name_pattern else {}
        calls = [("getTrunksList", {"i_account": i_account, **pattern}) for i_account in i_accounts]
        try:
            results = self._read_many(calls)
        except ProtocolError:
            results = self._read_each(calls)
        found: list[list[Trunk] | ApiError] = []
        for result in results:
            try:
                if isinstance(result, ApiError):
                    raise result
                rows = _structs(result, "trunks", "getTrunksList")
                self._take_rows(rows)
                found.append([Trunk(dict(row)) for row in rows])
            except ApiError as error:
                found.append(error)
        return found

    def trunks_named(self, i_account: int, name: str) -> list[Trunk]:
        """The account's trunks called exactly ``name``: a pattern that matches it literally, then a check."""
        literal = re.sub(r"([\\%_])", r"\\\1", name)
        return [trunk for trunk in self.list_trunks(i_account, literal) if trunk.name == name]

    def get_trunk(self, i_trunk: int, connections: bool = True) -> Trunk:
        """One trunk; on a 2022+ switch with its connections, read right after it, unless ``connections``
        is False (a check of the trunk's own members needs no more)."""
        answer = self.call("getTrunkInfo", i_trunk=i_trunk)
        members = dict(_struct(answer, "trunk", "getTrunkInfo"))
        if self._take_rows([members]).has_connections and connections:
            return Trunk(members, self.list_connections(i_trunk))
        return Trunk(members)

    def get_trunks(self, i_trunks: Sequence[int]) -> list[Trunk | ApiError]:
        """Many trunks by id, in the order of ``i_trunks``, without their connections: ``getTrunkInfo`` with
        ``system.multicall`` in batches of ``MULTICALL_BATCH`` where the switch has it, else one call each.

        A trunk that could not be read has the error that said so in its
        place. A multicall whose answer cannot be read at all is asked again
        one trunk at a time. A failure of a whole request (the link dropped)
        is raised, and so are rows of the API not in use (``_take_rows``).
        """
        found: list[Trunk | ApiError] = []
        for start in range(0, len(i_trunks), MULTICALL_BATCH):
            calls = [("getTrunkInfo", {"i_trunk": i_trunk}) for i_trunk in i_trunks[start:start + MULTICALL_BATCH]]
            try:
                results = self._read_many(calls)
            except ProtocolError:
                results = self._read_each(calls)
            read: list[dict[str, Any] | ApiError] = []
            for result in results:
                try:
                    if isinstance(result, ApiError):
                        raise result
                    read.append(dict(_struct(result, "trunk", "getTrunkInfo")))
                except ApiError as error:
                    read.append(error)
            if rows := [members for members in read if not isinstance(members, ApiError)]:
                self._take_rows(rows)
            found.extend(members if isinstance(members, ApiError) else Trunk(members) for members in read)
        return found

    def create_trunk(self, values: Mapping[str, Any]) -> int:
        """Create a trunk from ``values`` (``i_account`` among them); return its id."""
        params = self.trunks.create_params(values)
        with self._audited("create", account=values.get("i_account"), after=values) as outcome:
            i_trunk = _new_id(self.call("createTrunk", **params), "i_trunk", "createTrunk")
            outcome["trunk"] = i_trunk
        return i_trunk

    def update_trunk(self, i_trunk: int, changes: Mapping[str, Any], before: Mapping[str, Any] | None = None) -> None:
        """Send only ``changes``; with none, nothing is sent.

        ``before`` is the trunk as the caller last saw it, for the audit trail.
        """
        if not changes:
            return
        params = self.trunks.update_params(changes)
        old = None if before is None else {name: before.get(name) for name in changes}
        account = None if before is None else before.get("i_account")
        with self._audited("update", account=account, trunk=i_trunk, before=old, after=changes):
            self.call("updateTrunk", i_trunk=i_trunk, **params)

    def delete_trunk(self, i_trunk: int, before: Mapping[str, Any] | None = None) -> None:
        account = None if before is None else before.get("i_account")
        with self._audited("delete", account=account, trunk=i_trunk, before=before):
            self.call("deleteTrunk", i_trunk=i_trunk)

    def check_update(self, i_trunk: int, wanted: Mapping[str, Any], reason: str,
                     before: Mapping[str, Any] | None = None) -> tuple[bool, Trunk]:
        """After an update whose answer was lost (``reason``), read the trunk back: did it take ``wanted``?

        The answer goes to the audit trail beside the failure recorded for
        the update itself, so the trail says what really happened.
        """
        now = self.get_trunk(i_trunk)
        applied = not differing(wanted, now.members, wanted)
        if self.audit is not None:
            old = None if before is None else {name: before.get(name) for name in wanted}
            self.audit.record("update", account=now.get("i_account"), trunk=i_trunk, before=old, after=wanted,
                              read_back=applied, note=reason)
        return applied, now

    def check_create(self, values: Mapping[str, Any], reason: str) -> list[Trunk]:
        """After a create whose answer was lost (``reason``), look for the trunk by name; audit what was found."""
        i_account, name = values.get("i_account"), values.get("name")
        if not isinstance(i_account, int) or not isinstance(name, str):
            raise InputError("A trunk is looked for by its account and name.")
        found = self.trunks_named(i_account, name)
        if self.audit is not None:
            self.audit.record("create", account=i_account, trunk=found[0].i_trunk if found else None,
                              after=values, read_back=bool(found), note=reason)
        return found

    def check_delete(self, trunk: Trunk, reason: str) -> bool:
        """After a delete whose answer was lost (``reason``), look for the trunk in its account by name: is
        it gone? The answer goes to the audit trail beside the failure recorded for the delete itself."""
        i_account = trunk.get("i_account")
        gone = not holds(self, i_account, trunk.i_trunk, trunk.name)
        if self.audit is not None:
            self.audit.record("delete", account=i_account, trunk=trunk.i_trunk, before=trunk.members,
                              read_back=gone, note=reason)
        return gone

    def list_connections(self, i_trunk: int) -> tuple[TrunkConnection, ...]:
        """A 2022+ trunk's connections, top to bottom."""
        answer = self.call("getTrunkConnectionsList", i_trunk=i_trunk)
        return _in_order(_structs(answer, "trunk_connections", "getTrunkConnectionsList"))

    def get_connection(self, i_trunk_connection: int) -> TrunkConnection:
        answer = self.call("getTrunkConnectionInfo", i_trunk_connection=i_trunk_connection)
        return TrunkConnection(dict(_struct(answer, "trunk_connection", "getTrunkConnectionInfo")))

    def connections_of(self, i_trunks: Sequence[Any]) -> list[tuple[TrunkConnection, ...] | ApiError]:
        """Many trunks' connections, in the order of ``i_trunks``: with ``system.multicall`` in batches of
        ``MULTICALL_BATCH`` where the switch has it, else one call per trunk.

        A trunk whose connections could not be read has the error that said
        so in its place; the others are not held up by it. A multicall whose
        answer cannot be read at all (one connection's text holds what XML
        forbids) is asked again one trunk at a time. A batch that fails
        whole otherwise (the link dropped) gives its error to each of its
        trunks. An id no switch could have (a switch's answer is not to be
        trusted) is not sent.
        """
        found: list[tuple[TrunkConnection, ...] | ApiError | None] = [None] * len(i_trunks)
        key = CONNECTIONS.by_name["i_trunk"]
        asked: list[int] = []
        for place, i_trunk in enumerate(i_trunks):
            try:
                key.validate(i_trunk)
            except InputError:
                found[place] = ProtocolError(f"A trunk's i_trunk is no id trunktui can send: {format_value(i_trunk)}.",
                                             "getTrunkConnectionsList")
            else:
                asked.append(place)
        for start in range(0, len(asked), MULTICALL_BATCH):
            batch = asked[start:start + MULTICALL_BATCH]
            calls = [("getTrunkConnectionsList", {"i_trunk": i_trunks[p]}) for p in batch]
            try:
                results = self._read_many(calls)
            except ProtocolError:
                # One trunk's connections the answer could not be read for spoil its whole multicall:
                # asked one at a time, only that trunk goes without.
                results = self._read_each(calls)
            except ApiError as error:
                results = [error] * len(batch)
            for place, result in zip(batch, results, strict=True):
                try:
                    if isinstance(result, ApiError):
                        raise result
                    found[place] = _in_order(_structs(result, "trunk_connections", "getTrunkConnectionsList"))
                except ApiError as error:
                    found[place] = error
        assert all(item is not None for item in found), "every trunk has its connections or its error"
        return cast(list[tuple[TrunkConnection, ...] | ApiError], found)

    def _read_many(self, calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any] | ApiError]:
        """Each call's answer, or the fault it met: one ``system.multicall`` if the switch has it."""
        if self._multicall is not False and len(calls) > 1:
            try:
                answer = self._connection.multicall(calls)
            except ApiError as error:
                if not lacks_method(error):
                    raise
                self._multicall = False
            else:
                self._multicall = True
                return _multicall_results(answer, [method for method, _ in calls])
        return self._read_each(calls)

    def _read_each(self, calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any] | ApiError]:
        """Each call's answer, one call at a time, or the fault or unreadable answer it met in its place."""
        results: list[dict[str, Any] | ApiError] = []
        for method, params in calls:
            try:
                results.append(self.call(method, **params))
            except (FaultError, ProtocolError) as error:
                results.append(error)
        return results

    def create_connection(self, values: Mapping[str, Any], account: Any = None) -> int:
        """Create a connection from ``values`` (``i_trunk`` among them; ``order_no`` may be "first" or "last");
        return its id. ``account`` is its trunk's, for the audit trail."""
        params = CONNECTIONS.create_params(values)
        with self._audited("create connection", account=account, trunk=values.get("i_trunk"),
                           after=values) as outcome:
            i_connection = _new_id(self.call("createTrunkConnection", **params), "i_trunk_connection",
                                   "createTrunkConnection")
            outcome["connection"] = i_connection
        return i_connection

    def update_connection(self, connection: TrunkConnection, changes: Mapping[str, Any],
                          account: Any = None) -> None:
        """Send only ``changes`` to a connection as the caller last read it; with none, nothing is sent.

        A move is a change of ``order_no`` alone ("up", "down", "first", "last" or a place).
        """
        if not changes:
            return
        params = CONNECTIONS.update_params(changes)
        i_connection = _key(CONNECTIONS, connection)
        with self._audited(_connection_action(changes), account=account, trunk=connection.get("i_trunk"),
                           connection=i_connection, connection_name=connection.get("name"),
                           before={name: connection.get(name) for name in changes}, after=changes):
            self.call("updateTrunkConnection", i_trunk_connection=i_connection, **params)

    def delete_connection(self, connection: TrunkConnection, account: Any = None) -> None:
        i_connection = _key(CONNECTIONS, connection)
        with self._audited("delete connection", account=account, trunk=connection.get("i_trunk"),
                           connection=i_connection, before=connection.members):
            self.call("deleteTrunkConnection", i_trunk_connection=i_connection)

    def check_connection_update(self, connection: TrunkConnection, wanted: Mapping[str, Any], reason: str,
                                account: Any = None) -> tuple[bool, TrunkConnection]:
        """After a connection's update whose answer was lost (``reason``), read it back: did it take ``wanted``?

        A move's word ("up") cannot be compared, so a move is said applied
        when the connection's place differs from the one it had.
        """
        now = self.get_connection(connection.i_trunk_connection)
        if set(wanted) == {"order_no"} and isinstance(wanted["order_no"], str):
            applied = now.get("order_no") != connection.get("order_no")
        else:
            applied = not differing(wanted, now.members, wanted)
        if self.audit is not None:
            self.audit.record(_connection_action(wanted), account=account, trunk=connection.get("i_trunk"),
                              connection=connection.i_trunk_connection, connection_name=connection.get("name"),
                              before={name: connection.get(name) for name in wanted}, after=wanted,
                              read_back=applied, note=reason)
        return applied, now

    def check_connection_delete(self, connection: TrunkConnection, reason: str, account: Any = None) -> bool:
        """After a connection's delete whose answer was lost (``reason``), look for it in its trunk: is it gone?
        The answer goes to the audit trail beside the failure recorded for the delete itself. ``account`` is its
        trunk's."""
        listed = self.list_connections(connection.get("i_trunk"))
        gone = all(found.i_trunk_connection != connection.i_trunk_connection for found in listed)
        if self.audit is not None:
            self.audit.record("delete connection", account=account, trunk=connection.get("i_trunk"),
                              connection=connection.i_trunk_connection, before=connection.members, read_back=gone,
                              note=reason)
        return gone

    def check_connection_create(self, values: Mapping[str, Any], reason: str,
                                account: Any = None) -> list[TrunkConnection]:
        """After a connection's create whose answer was lost (``reason``), look for it by name in its trunk;
        audit what was found. ``account`` is its trunk's, for the audit trail."""
        i_trunk, name = values.get("i_trunk"), values.get("name")
        if not isinstance(i_trunk, int) or not isinstance(name, str):
            raise InputError("A connection is looked for by its trunk and name.")
        found = [connection for connection in self.list_connections(i_trunk) if connection.name == name]
        if self.audit is not None:
            self.audit.record("create connection", account=account, trunk=i_trunk,
                              connection=found[0].i_trunk_connection if found else None, after=values,
                              read_back=bool(found), note=reason)
        return found

    def trunk_policies(self) -> tuple[str, ...]:
        """The routing policies the switch offers (``getDictionary``), or () when it does not say."""
        return read_policies(lambda method, params: self.call(method, **params))

    @contextmanager
    def _audited(self, action: str, **details: Any) -> Iterator[dict[str, Any]]:
        """Record a change sent to the switch, or the failed attempt at one, in the audit trail.

        Only what reached for the wire is recorded: a call refused before
        sending (invalid input, a read-only connection) changed nothing.
        """
        outcome: dict[str, Any] = {}
        try:
            yield outcome
        except ApiError as error:
            if self.audit is not None:
                self.audit.record(action, **{**details, **outcome}, error=error)
            raise
        if self.audit is not None:
            self.audit.record(action, **{**details, **outcome})


def every_account(client: SippyClient, stopped: Callable[[], bool] = lambda: False,
                  page: int = ACCOUNTS_PAGE) -> Generator[Account, None, bool]:
    """The login's accounts, a page at a time, each once; returns whether the list was read whole.

    A page that brings no account not seen before ends the list, whatever
    the switch says, so one that ignores paging is not read for ever.
    ``stopped`` is asked before each page.
    """
    seen: set[Any] = set()
    offset = 0
    while not stopped():
        accounts = client.list_accounts(offset, page)
        new = 0
        for account in accounts:
            key = account_key(account.i_account)
            if key not in seen:
                seen.add(key)
                new += 1
                yield account
        if len(accounts) < page or not new:
            return True
        offset += len(accounts)
    return False


def find_account(client: SippyClient, text: str) -> Account:
    """The account ``text`` names: ASCII digits are an i_account, anything else a username.

    A switch that cannot look an account up by username (it answers a
    fault) has it looked for in its account list instead; one not there is
    an ``InputError``.
    """
    text = text.strip()
    if not text:
        raise InputError("Give an account id or username.", field="account")
    if text.isascii() and text.isdigit():
        return client.get_account(i_account=int(text))
    try:
        return client.get_account(username=text)
    except FaultError as refusal:
        for account in every_account(client):
            if account.username == text:
                return account
        raise InputError(f"No account named {text!r} (the switch could not look it up: {refusal}).",
                         field="account") from None


def account_key(value: Any) -> Any:
    """A hashable stand-in for an account id as sent (a hostile switch may send an array)."""
    return value if isinstance(value, (int, str)) else repr(value)


def holds(client: SippyClient, i_account: Any, i_trunk: Any, name: Any) -> bool:
    """Whether the account's list holds the trunk, looked for by its name: how a trunk is told gone, since
    fault codes say nothing sure. Ids the switch could not have been sent are refused (``InputError``)."""
    if type(i_account) is not int or not isinstance(name, str):
        raise InputError("A trunk is looked for by its account and name.")
    return any(found.i_trunk == i_trunk for found in client.trunks_named(i_account, name))


def known_gone(client: SippyClient, i_account: Any, i_trunk: Any, name: Any) -> bool:
    """Whether a trunk that could not be read is gone; not known to be if its account's list cannot be read
    either."""
    try:
        return not holds(client, i_account, i_trunk, name)
    except TrunkTuiError:
        return False


def _connection_action(changes: Mapping[str, Any]) -> str:
    """How the audit trail names a change of a connection: a change of its place alone is a move."""
    return "move connection" if set(changes) == {"order_no"} else "update connection"


def _held(found: tuple[TrunkConnection, ...] | ApiError) -> tuple[TrunkConnection, ...] | None:
    return found if isinstance(found, tuple) else None


def _key(schema: Schema, record: Record) -> Any:
    """The record's id, checked as any member is before it is sent: a switch's answer is not to be trusted."""
    return schema.by_name[schema.key].validate(record.get(schema.key))


def _new_id(answer: Mapping[str, Any], member: str, method: str) -> int:
    value = answer.get(member)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"{method} did not return the new {member}.", method)
    return value


def _in_order(items: list[Mapping[str, Any]]) -> tuple[TrunkConnection, ...]:
    """Connections top to bottom: by ``order_no`` where every one has a whole number there, else as sent."""
    connections = [TrunkConnection(dict(item)) for item in items]
    if all(type(c.get("order_no")) is int for c in connections):
        connections.sort(key=lambda c: c.get("order_no"))
    return tuple(connections)


def _multicall_results(answer: Any, methods: list[str]) -> list[dict[str, Any] | ApiError]:
    """Each call's struct from a ``system.multicall`` answer, or the fault it met, in the order sent."""
    if not isinstance(answer, list) or len(answer) != len(methods):
        raise ProtocolError("system.multicall did not answer every call it was sent.", "system.multicall")
    results: list[dict[str, Any] | ApiError] = []
    for method, item in zip(methods, answer, strict=True):
        if isinstance(item, list) and len(item) == 1 and isinstance(item[0], dict):
            results.append(item[0])
        elif isinstance(item, dict) and "faultCode" in item:
            results.append(FaultError(item.get("faultCode"), item.get("faultString"), method))
        else:
            results.append(ProtocolError(f"system.multicall gave {method} an answer that is not a struct.", method))
    return results


def _struct(answer: Mapping[str, Any], member: str, method: str) -> Mapping[str, Any]:
    value = answer.get(member)
    if not isinstance(value, Mapping):
        raise ProtocolError(f"{method} returned no {member!r} struct.", method)
    return value


def _structs(answer: Mapping[str, Any], member: str, method: str) -> list[Mapping[str, Any]]:
    value = answer.get(member)
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise _no_structs(member, method)
    return value


def _no_structs(member: str, method: str) -> ProtocolError:
    return ProtocolError(f"{method} returned no {member!r} array of structs.", method)
