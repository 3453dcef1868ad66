"""The Sippy calls trunktui makes, as typed Python methods.

Each method validates its input with the trunk model before anything is
sent, makes one XML-RPC call, and checks the shape of the answer, so callers
get ``Trunk`` and ``Account`` objects or an error from ``trunktui.errors``.
Methods block: the UI runs them in worker threads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol, Self

import httpx

from trunktui.api.connection import Connection, ConnectionSettings, Progress
from trunktui.errors import ApiError, InputError, ProtocolError, TrunkTuiError
from trunktui.model import Account, Trunk, create_params, differing, update_params


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

    def list_trunks(self, i_account: int, name_pattern: str | None = None,
                    progress: Progress | None = None,
                    arrived: Callable[[list[Trunk]], None] | None = None) -> list[Trunk]:
        """The account's trunks; ``name_pattern`` uses SQL LIKE syntax.

        ``progress`` is told how many bytes of the list have arrived, while
        they arrive. ``arrived`` is told the trunks themselves, a batch at a
        time in the switch's order, as they are decoded; the list returned
        holds those very objects.
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
            batch = [Trunk(item) for item in items]
            trunks.extend(batch)
            if arrived is not None and batch:
                arrived(batch)

        with self._lists_made:
            if self._lists is None:
                self._lists = Connection(self.settings, self._transport)
            lists = self._lists
        answer = lists.call("getTrunksList", params, progress, ("trunks", wrap))
        # Every item was told to ``wrap``, which checked it.
        if not isinstance(answer.get("trunks"), list):
            raise _no_structs("trunks", "getTrunksList")
        return trunks

    def trunks_named(self, i_account: int, name: str) -> list[Trunk]:
        """The account's trunks called exactly ``name``: a pattern that matches it literally, then a check."""
        literal = re.sub(r"([\\%_])", r"\\\1", name)
        return [trunk for trunk in self.list_trunks(i_account, literal) if trunk.name == name]

    def get_trunk(self, i_trunk: int) -> Trunk:
        answer = self.call("getTrunkInfo", i_trunk=i_trunk)
        return Trunk.from_wire(_struct(answer, "trunk", "getTrunkInfo"))

    def create_trunk(self, values: Mapping[str, Any]) -> int:
        """Create a trunk from ``values`` (``i_account`` among them); return its id."""
        params = create_params(values)
        with self._audited("create", account=values.get("i_account"), after=values) as outcome:
            answer = self.call("createTrunk", **params)
            i_trunk = answer.get("i_trunk")
            if isinstance(i_trunk, bool) or not isinstance(i_trunk, int):
                raise ProtocolError("createTrunk did not return the new trunk's i_trunk.", "createTrunk")
            outcome["trunk"] = i_trunk
        return i_trunk

    def update_trunk(self, i_trunk: int, changes: Mapping[str, Any], before: Mapping[str, Any] | None = None) -> None:
        """Send only ``changes``; with none, nothing is sent.

        ``before`` is the trunk as the caller last saw it, for the audit trail.
        """
        if not changes:
            return
        params = update_params(changes)
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
