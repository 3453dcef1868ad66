"""Changing many trunks at once, safely: a plan to look at first, then each trunk on its own terms.

A ``Plan`` is made from trunks as they were read (marked in a table or
found by a search) and the values to set (the same on each, or each
trunk's own), validated by the same model as the form, or a delete. For
each trunk it holds only the members whose value differs, so a trunk keeps
every other value and one that already holds the new value is left alone;
that is what the preview shows.

``Bulk`` sends it over a few connections at once. Each trunk is read again
just before its change: one changed on the switch since it was read is not
touched (a conflict), one gone is skipped. A change whose answer is lost is
read back, so every trunk ends with what is known of it: done, refused,
skipped, unknown, or not sent because sending stopped. Each change is
audited by the client as a single edit is. ``reread`` reads many trunks
again the same way, before a change is tried on them again. Nothing here
knows of screens.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from trunktui.api import SippyClient
from trunktui.api.client import known_gone
from trunktui.errors import (
    ApiError,
    CallTimeout,
    ConnectError,
    FaultError,
    HttpError,
    InputError,
    ReadOnlyError,
    TrunkTuiError,
)
from trunktui.fanout import DEFAULT_CONCURRENCY, FanOut
from trunktui.model import Schema, Trunk, differing, format_value
from trunktui.text import unstopped

UNIQUE = frozenset({"name"})
"""Members that must differ between trunks of an account: never set on many at once."""


@dataclass(frozen=True)
class Change:
    """What one trunk is to undergo: ``changes`` (only members whose value differs), or deletion."""

    trunk: Trunk
    changes: Mapping[str, Any]
    delete: bool = False

    @property
    def label(self) -> str:
        return f"{self.trunk.i_trunk} {self.trunk.name}"


class Plan:
    """A change to many trunks, worked out before anything is sent.

    ``changes`` are the trunks that will be sent something, in the order
    given; ``unchanged`` those that already hold every value asked for.
    """

    def __init__(self, schema: Schema, changes: Sequence[Change], unchanged: Sequence[Trunk] = (),
                 values: Mapping[str, Any] | None = None) -> None:
        self.schema = schema
        self.changes = tuple(changes)
        self.unchanged = tuple(unchanged)
        self.values = dict(values or {})
        """What was asked for (empty for a delete)."""

    @property
    def delete(self) -> bool:
        return any(change.delete for change in self.changes)

    @classmethod
    def setting(cls, schema: Schema, trunks: Iterable[Trunk], values: Mapping[str, Any]) -> Plan:
        """Set ``values`` on each of ``trunks``; refused (``InputError``, naming the member) before anything
        is sent if a value is not one the form would take, or the member must differ between trunks."""
        if not values:
            raise InputError("Choose at least one field to set.")
        params = schema.update_params(values)
        return cls.each(schema, [(trunk, params) for trunk in trunks], params)

    @classmethod
    def each(cls, schema: Schema, wanted: Iterable[tuple[Trunk, Mapping[str, Any]]],
             values: Mapping[str, Any] | None = None) -> Plan:
        """Set on each trunk its own values (a trunk given twice keeps its first); refused (``InputError``)
        before anything is sent if a value is not one the form would take, or two trunks would get the same
        value of a member that must differ between trunks."""
        pairs = list(wanted)
        trunks = _distinct(trunk for trunk, _ in pairs)
        first = {_key(trunk): own for trunk, own in reversed(pairs)}
        asked = [(trunk, schema.update_params(first[_key(trunk)])) for trunk in trunks]
        for name in sorted(UNIQUE):
            given = [repr(params[name]) for _, params in asked if name in params]
            if len(given) != len(set(given)):
                raise InputError(f"{schema.label(name)} must differ between trunks: change it one trunk at a time.",
                                 field=name)
        changes, unchanged = [], []
        for trunk, params in asked:
            differs = differing(trunk.members, params, params)
            if differs:
                changes.append(Change(trunk, {name: params[name] for name in differs}))
            else:
                unchanged.append(trunk)
        return cls(schema, changes, unchanged, values)

    @classmethod
    def deleting(cls, schema: Schema, trunks: Iterable[Trunk]) -> Plan:
        return cls(schema, [Change(trunk, {}, delete=True) for trunk in _distinct(trunks)])

    def totals(self) -> dict[str, int]:
        """How many trunks each member changes on."""
        counts: dict[str, int] = {}
        for change in self.changes:
            for name in change.changes:
                counts[name] = counts.get(name, 0) + 1
        return counts

    def rows(self) -> list[tuple[Change, str, Any, Any]]:
        """The preview, a line per member changed on each trunk: the change, the member, its old value as read
        and its new value (a delete is one line, with member "")."""
        lines: list[tuple[Change, str, Any, Any]] = []
        for change in self.changes:
            if change.delete:
                lines.append((change, "", None, None))
            for name, new in change.changes.items():
                lines.append((change, name, change.trunk.members.get(name), new))
        return lines


class Status(Enum):
    """How one trunk of a bulk change ended."""

    DONE = "done"
    """The switch made the change (or, its answer lost, was read back holding it)."""
    FAILED = "failed"
    """The switch refused it, or was never asked (its trunk could not be read first): nothing changed."""
    CONFLICT = "conflict"
    """Changed on the switch since it was read: skipped, untouched."""
    GONE = "gone"
    """No longer on the switch: skipped."""
    UNKNOWN = "unknown"
    """Sent, but whether it took could not be told: read it again before anything else."""
    NOT_SENT = "not sent"
    """Never sent: sending stopped before its turn, or the trunk could not be read first."""


@dataclass(frozen=True)
class Result:
    change: Change
    status: Status
    detail: str = ""
    now: Trunk | None = None
    """The trunk as last read from the switch, where it was."""


@dataclass(frozen=True)
class Sent:
    """One trunk's result, told as it comes, with how many of ``total`` have ended."""

    result: Result
    done: int
    total: int


class Bulk(FanOut):
    """Send a ``Plan``: ``run`` blocks until every trunk has a ``Result``.

    ``stop`` (from any thread) sends no further trunk; a change already on
    its way is waited for and reported, so the results say exactly what was
    sent. ``abandon`` stops waiting for those too: their result is unknown.
    Once the switch cannot be reached (``lost``), no further trunk is sent
    either: each would only wait out its timeout.
    """

    def __init__(self, client: SippyClient, plan: Plan, *, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        super().__init__(client, concurrency)
        self.plan = plan
        self._abandoned = threading.Event()
        self._told = threading.Lock()
        self._results: list[Result | None] = [None] * len(plan.changes)
        self._ended = 0
        self.lost: ConnectError | CallTimeout | None = None
        """Why the switch could not be reached, once it could not: sending stopped there."""

    def stop(self) -> None:
        self._stopped.set()

    def abandon(self) -> None:
        """Stop now: no further trunk is sent, not even one whose read is under way, and the calls in flight
        are cut (their result is unknown)."""
        self._stopped.set()
        self._abandoned.set()
        self.cut()

    def run(self, tell: Callable[[Sent], None] = lambda sent: None) -> list[Result]:
        """Send each trunk's change; results in the plan's order. A read-only connection refuses before any."""
        if self.client.settings.read_only:
            verb = "deleted" if self.plan.delete else "changed"
            raise ReadOnlyError(f"This connection is read-only: no trunk was {verb}.")
        work: queue.Queue[int] = queue.Queue()
        for place in range(len(self.plan.changes)):
            work.put(place)
        self.spread(lambda client: self._work(client, work, tell), len(self.plan.changes), "trunktui-bulk")
        why = "sending stopped " + ("before its turn" if self.lost is None else "when the switch could not be reached")
        for place, change in enumerate(self.plan.changes):
            if self._results[place] is None:
                self._end(place, Result(change, Status.NOT_SENT, why), tell)
        return [result for result in self._results if result is not None]

    def _work(self, client: SippyClient, work: queue.Queue[int], tell: Callable[[Sent], None]) -> None:
        while not self.stopped:
            try:
                place = work.get_nowait()
            except queue.Empty:
                return
            change = self.plan.changes[place]
            try:
                result = self._send(client, change)
            except Exception as error:  # noqa: BLE001 - one trunk's oddity must not end the others
                result = Result(change, Status.UNKNOWN, f"Unexpected {type(error).__name__}: {error}")
            self._end(place, result, tell)

    def _end(self, place: int, result: Result, tell: Callable[[Sent], None]) -> None:
        with self._told:
            self._results[place] = result
            self._ended += 1
            tell(Sent(result, self._ended, len(self._results)))

    def _send(self, client: SippyClient, change: Change) -> Result:
        """Read the trunk, compare, send, and read back after a lost answer."""
        trunk = change.trunk
        try:
            now = client.get_trunk(trunk.i_trunk, connections=False)
        except FaultError as error:
            return self._missing(client, change, error)
        except TrunkTuiError as error:
            self._check_link(error)
            return Result(change, Status.NOT_SENT, f"it could not be read first ({error})")
        names = [spec.name for spec in self.plan.schema.fields if spec.name in trunk.members]
        theirs = differing(trunk.members, now.members, names)
        if theirs:
            labels = ", ".join(self.plan.schema.label(name) for name in theirs)
            return Result(change, Status.CONFLICT, f"changed on the switch since it was read ({labels})", now)
        if self._abandoned.is_set():
            return Result(change, Status.NOT_SENT, "sending stopped before its turn", now)
        try:
            if change.delete:
                client.delete_trunk(trunk.i_trunk, before=now.members)
            else:
                client.update_trunk(trunk.i_trunk, change.changes, before=now.members)
        except ReadOnlyError as error:
            return Result(change, Status.FAILED, str(error), now)
        except ApiError as error:
            if not error.may_have_acted or self._abandoned.is_set():
                status = Status.UNKNOWN if error.may_have_acted else Status.FAILED
                return Result(change, status, str(error), now)
            return self._read_back(client, change, error, now)
        return Result(change, Status.DONE, "deleted" if change.delete else "", now)

    def _check_link(self, error: TrunkTuiError) -> None:
        """A switch that cannot be reached (refused, unreachable, or silent past the timeout) gets no further
        trunk, unless it was given up on: then that is why. A connection that broke once is that trunk's
        trouble alone: the next call goes over a fresh one."""
        if isinstance(error, (ConnectError, CallTimeout)) and not self._abandoned.is_set():
            self.lost = self.lost or error
            self._stopped.set()

    def _missing(self, client: SippyClient, change: Change, error: FaultError) -> Result:
        """The trunk could not be read: gone, or refused."""
        trunk = change.trunk
        if known_gone(client, trunk.get("i_account"), trunk.i_trunk, trunk.name):
            return Result(change, Status.GONE, "no longer on the switch")
        return Result(change, Status.NOT_SENT, f"it could not be read first ({error})")

    def _read_back(self, client: SippyClient, change: Change, error: ApiError, now: Trunk) -> Result:
        """The answer to a change was lost: read the trunk back to tell whether the switch made it."""
        reason = str(error)
        settled = isinstance(error, HttpError)
        try:
            if change.delete:
                applied = client.check_delete(now, reason)
                after = None
            else:
                applied, after = client.check_update(change.trunk.i_trunk, change.changes, reason, before=now.members)
        except TrunkTuiError as again:
            self._check_link(again)
            return Result(change, Status.UNKNOWN, f"{unstopped(reason)}; reading it back failed too ({again})", now)
        if applied:
            return Result(change, Status.DONE, f"{unstopped(reason)}; read back: it was made", after)
        if settled:
            return Result(change, Status.FAILED, f"{unstopped(reason)}; read back: it was not made", after)
        return Result(change, Status.UNKNOWN, f"{unstopped(reason)}; read back: not made yet, but it still may be",
                      after)


@dataclass(frozen=True)
class Reread:
    """Trunks read again: ``trunks`` as the switch holds them now, ``gone`` those no longer on it, and
    ``unread`` those not read, each with why; all in the order asked."""

    trunks: list[Trunk]
    gone: list[Trunk]
    unread: list[tuple[Trunk, str]]
    lost: ConnectError | CallTimeout | None = None
    """Why the switch could not be reached, once it could not: reading stopped there."""


def reread(client: SippyClient, trunks: Sequence[Trunk], concurrency: int = DEFAULT_CONCURRENCY,
           tell: Callable[[int, int], None] = lambda read, total: None,
           stop: threading.Event | None = None) -> Reread:
    """Read ``trunks`` again, ``concurrency`` at a time, before a change is tried on them again.

    ``tell`` hears, from the readers' threads, how many of the total have been
    read so far. Once ``stop`` is set, or the switch cannot be reached, no
    further trunk is read: the rest are unread. One trunk the switch refuses
    is that trunk's trouble alone.
    """
    return _Rereading(client, trunks, concurrency, stop or threading.Event()).run(tell)


class _Rereading(FanOut):
    def __init__(self, client: SippyClient, trunks: Sequence[Trunk], concurrency: int, stop: threading.Event) -> None:
        super().__init__(client, concurrency)
        self.trunks = list(trunks)
        self.asked = stop
        self.found: list[Trunk | None] = [None] * len(self.trunks)
        self.gone: set[int] = set()
        self.why: dict[int, str] = {}
        self.lost: ConnectError | CallTimeout | None = None
        self._told = threading.Lock()
        self._read = 0

    def run(self, tell: Callable[[int, int], None]) -> Reread:
        work: queue.Queue[int] = queue.Queue()
        for place in range(len(self.trunks)):
            work.put(place)
        self.spread(lambda client: self._work(client, work, tell), len(self.trunks), "trunktui-reread")
        stopped = "reading stopped " + ("before its turn" if self.lost is None else
                                        "when the switch could not be reached")
        return Reread([trunk for trunk in self.found if trunk is not None],
                      [self.trunks[place] for place in sorted(self.gone)],
                      [(trunk, self.why.get(place, stopped)) for place, trunk in enumerate(self.trunks)
                       if self.found[place] is None and place not in self.gone],
                      self.lost)

    def _work(self, client: SippyClient, work: queue.Queue[int], tell: Callable[[int, int], None]) -> None:
        while not self.asked.is_set() and self.lost is None:
            try:
                place = work.get_nowait()
            except queue.Empty:
                return
            trunk = self.trunks[place]
            try:
                self.found[place] = client.get_trunk(trunk.i_trunk, connections=False)
            except FaultError as error:
                if known_gone(client, trunk.get("i_account"), trunk.i_trunk, trunk.name):
                    self.gone.add(place)
                else:
                    self.why[place] = str(error)
            except TrunkTuiError as error:
                self.why[place] = str(error)
                if isinstance(error, (ConnectError, CallTimeout)):
                    self.lost = self.lost or error
            except Exception as error:  # noqa: BLE001 - one trunk's oddity must not end the others
                self.why[place] = f"Unexpected {type(error).__name__}: {error}"
            with self._told:
                self._read += 1
                tell(self._read, len(self.trunks))


def _distinct(trunks: Iterable[Trunk]) -> list[Trunk]:
    """The trunks in order, each id once: a switch that repeats an id must not have a trunk changed twice."""
    seen: set[Any] = set()
    kept = []
    for trunk in trunks:
        key = _key(trunk)
        if type(trunk.i_trunk) is not int:
            raise InputError(f"A trunk without a usable id ({format_value(trunk.i_trunk)}) cannot be changed.")
        if key not in seen:
            seen.add(key)
            kept.append(trunk)
    return kept


def _key(trunk: Trunk) -> tuple[Any, Any]:
    """A trunk's account and id: what makes two trunks of a list the same one."""
    return trunk.get("i_account"), trunk.i_trunk
