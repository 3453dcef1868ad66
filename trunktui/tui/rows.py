"""A trunk list with what the table needs worked out once, growing as the list arrives.

The switch's answer comes in batches. Each batch's table text (``RowBatch``)
is worked out in the worker thread that received it, a column at a time
(a column worked out from each trunk's connections, ``trunktui.columns``,
as well), and handed to the event loop through ``Arrivals``;
``TrunkRows.extend`` then only appends. ``TrunkRows`` holds each column's
width and values, and each trunk's case-folded cell text for the quick
filter (with its connections' names and destinations, which no column
shows); a column's sort order is worked out the first time it is asked
for, kept, and merged with each later batch (a sorted run and a new batch,
not a whole new sort). Filtering and sorting
produce lists of indices, which stay cheap at 50,000 trunks.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from trunktui.columns import SEARCHED_IN_CONNECTIONS, Column, Derived
from trunktui.model import ABSENT, Trunk
from trunktui.tui.cells import cell_column, is_number, number_key, text_keys, width

_SEPARATOR = "\x00"
"""Joins a trunk's cell texts; no filter text contains it, so a match never spans two cells."""

CHUNK = 10_000
"""The most trunks the event loop takes in at once: merging them into a kept sort order stays well under 50 ms."""

_FREED_AT_ONCE = 2_000
"""Items let go of in one step by ``release``: a few milliseconds of work."""


def release(*held: Sequence[Any]) -> None:
    """Let go of what long sequences hold a slice at a time, in a thread of their own.

    Freeing 50,000 trunks and their text happens in one uninterrupted stretch
    of about 100 ms in whichever thread drops the last reference (threads
    take turns only between steps of Python code), so the screen would
    freeze. Each sequence is copied (a quick copy of references, which the
    caller's own then outlive only as references), and the copies are
    emptied a slice at a time, the event loop getting its turn between.
    The sequences themselves are not changed: others may still read them.
    """
    copies = [list(items) for items in held if len(items) > _FREED_AT_ONCE]
    if copies:
        threading.Thread(target=_free, args=(copies,), name="trunktui-release", daemon=True).start()


def _free(copies: list[list[Any]]) -> None:
    while copies:
        items = copies[-1]
        del items[-_FREED_AT_ONCE:]
        if not items:
            copies.pop()
        time.sleep(0)


def _derived(trunks: list[Trunk], column: Derived) -> tuple[list[Any], tuple[list[str], int, bool]]:
    """A worked-out column's values over the trunks, and ``cell_column`` of them; a value a trunk has not
    got is None (sorted as NULL), shown as ``Derived.missing`` says, not as NULL."""
    got = list(map(column.value, trunks))
    if ABSENT not in got:
        return got, cell_column(got)
    values = [None if value is ABSENT else value for value in got]
    texts, _, plain = cell_column(values)
    texts = [column.missing(trunk) if value is ABSENT else text
             for trunk, value, text in zip(trunks, got, texts, strict=True)]
    return values, (texts, max(map(width, texts), default=0), plain)


def _columns(members: list[Mapping[str, Any]], names: list[str]) -> list[Sequence[Any]]:
    """Each column's values over the rows, a member a trunk lacks as None (NULL).

    Every trunk of a real answer has every member the table shows, so each
    row is read with one ``itemgetter`` call, in C; a row that lacks one
    sends the whole batch the slow way.
    """
    if len(names) > 1 and members:
        try:
            return list(zip(*map(itemgetter(*names), members), strict=True))
        except KeyError:
            pass
    return [[row.get(name) for row in members] for name in names]


def _connection_texts(trunks: list[Trunk]) -> list[list[str]]:
    """Each trunk's connections' ``SEARCHED_IN_CONNECTIONS`` as the connection list shows them, joined per
    trunk, as one more column of filter text; none where no trunk of the batch has connections (2020)."""
    if not any(trunk.connections for trunk in trunks):
        return []
    values = [connection.members.get(name) for trunk in trunks for connection in trunk.connections or ()
              for name in SEARCHED_IN_CONNECTIONS]
    texts = iter(cell_column(values)[0])
    per = len(SEARCHED_IN_CONNECTIONS)
    return [[_SEPARATOR.join(itertools.islice(texts, per * len(trunk.connections or ()))) for trunk in trunks]]


@dataclass(frozen=True)
class RowBatch:
    """Trunks just arrived, in the server's order, with their table text."""

    trunks: list[Trunk]
    widths: tuple[int, ...]
    haystacks: list[str]
    values: dict[str, Sequence[Any]]
    """Each column's values, read here once: a sort reads them from here, not from each trunk again."""
    plain: frozenset[str]
    """The columns whose every value here is a short printable ASCII string: a sort folds them unlooked at."""

    @classmethod
    def prepare(cls, trunks: list[Trunk], columns: Sequence[Column]) -> RowBatch:
        """Work out the batch's text, in the worker that received it.

        Members are read a whole row at a time (``_columns``); a worked-out
        column is worked out here, once per trunk.
        """
        names = [column.name for column in columns]
        read = iter(_columns([t.members for t in trunks], [c.name for c in columns if not isinstance(c, Derived)]))
        values: list[Sequence[Any]] = []
        made: list[tuple[list[str], int, bool]] = []
        for column in columns:
            if isinstance(column, Derived):
                derived, shown = _derived(trunks, column)
                values.append(derived)
                made.append(shown)
            else:
                values.append(next(read))
                made.append(cell_column(values[-1]))
        texts = [texts for texts, _, _ in made] + _connection_texts(trunks)
        haystacks = list(map(str.casefold, map(_SEPARATOR.join, zip(*texts, strict=True))))
        plain = frozenset(name for name, (_, _, is_plain) in zip(names, made, strict=True) if is_plain)
        return cls(trunks, tuple(widest for _, widest, _ in made), haystacks, dict(zip(names, values, strict=True)),
                   plain)


class Arrivals:
    """The batches of one load, prepared in its worker, waiting for the event loop to take them.

    ``add`` says whether the loop must be told: only when it has taken
    everything told before, so a fast answer never floods it with messages.
    """

    def __init__(self, load: int) -> None:
        self.load = load
        self.taken = 0
        """How many trunks the loop has taken."""
        self.whole: str | None = None
        """Once the answer is whole (every batch added), the pattern it answers."""
        self._lock = threading.Lock()
        self._waiting: list[RowBatch] = []
        self._told = False

    def add(self, trunks: list[Trunk], columns: Sequence[Column]) -> bool:
        """Prepare a batch (in the worker, in pieces of ``CHUNK``); True when the loop must now be told."""
        pieces = [RowBatch.prepare(trunks[start:start + CHUNK], columns) for start in range(0, len(trunks), CHUNK)]
        with self._lock:
            self._waiting.extend(pieces)
            tell, self._told = not self._told, True
        return tell

    def take(self) -> tuple[list[RowBatch], bool]:
        """The batches waiting, ``CHUNK`` trunks or so; and whether more wait (the loop is then to come back)."""
        with self._lock:
            taken, count = 0, 0
            while taken < len(self._waiting) and (count == 0 or count + len(self._waiting[taken].trunks) <= CHUNK):
                count += len(self._waiting[taken].trunks)
                taken += 1
            batches, self._waiting = self._waiting[:taken], self._waiting[taken:]
            more = bool(self._waiting)
            self._told = more
        self.taken += count
        return batches, more


class _ColumnOrder:
    """One column's sort keys and its orders either way, kept up to date as rows are added.

    Numbers sort by value, any other value by its folded text after them,
    and NULLs last either way; equal keys keep the server's order. Numbers
    and texts are sorted apart, with plain keys: comparing tuples made the
    first sort of 50,000 names slow.
    """

    def __init__(self) -> None:
        self.keys: list[Any] = []
        self.numbers: list[int] = []
        self.texts: list[int] = []
        self.nulls: list[int] = []
        self._sorted: dict[bool, tuple[list[int], list[int]]] = {}

    def add(self, values: Sequence[Any], plain: bool) -> None:
        """Take in the values of rows added after those held; ``plain`` as ``RowBatch.plain`` says."""
        start = len(self.keys)
        kinds = {str} if plain else set(map(type, values))
        numbers: list[int] = []
        nulls: list[int] = []
        texts: list[int] = []
        if kinds == {str}:
            texts = list(range(start, start + len(values)))
            self.keys.extend(text_keys(values, plain))
        elif kinds and kinds <= {int, float}:
            numbers = list(range(start, start + len(values)))
            self.keys.extend(map(number_key, values))
        else:
            numbers = [index for index, value in enumerate(values, start) if is_number(value)]
            nulls = [index for index, value in enumerate(values, start) if value is None]
            others = set(numbers) | set(nulls)
            texts = [index for index in range(start, start + len(values)) if index not in others]
            keys: list[Any] = [None] * len(values)
            for index in numbers:
                keys[index - start] = number_key(values[index - start])
            for index, text in zip(texts, text_keys([values[index - start] for index in texts]), strict=True):
                keys[index - start] = text
            self.keys.extend(keys)
        self.numbers.extend(numbers)
        self.texts.extend(texts)
        self.nulls.extend(nulls)
        key = self.keys.__getitem__
        for descending, (sorted_numbers, sorted_texts) in self._sorted.items():
            # The kept order is one sorted run: sorting it with the new indices after it merges them.
            self._sorted[descending] = (
                sorted(sorted_numbers + numbers, key=key, reverse=descending) if numbers else sorted_numbers,
                sorted(sorted_texts + texts, key=key, reverse=descending) if texts else sorted_texts,
            )

    def order(self, descending: bool) -> list[int]:
        if descending not in self._sorted:
            key = self.keys.__getitem__
            self._sorted[descending] = (sorted(self.numbers, key=key, reverse=descending),
                                        sorted(self.texts, key=key, reverse=descending))
        numbers, texts = self._sorted[descending]
        return (texts + numbers if descending else numbers + texts) + self.nulls


class TrunkRows:
    """The trunks of one load held so far, in the server's order, with their table text."""

    def __init__(self, trunks: list[Trunk], widths: tuple[int, ...], haystacks: list[str],
                 values: dict[str, list[Any]], plain: frozenset[str] | None = None) -> None:
        self.trunks = trunks
        self.widths = widths
        self.haystacks = haystacks
        self.values = values
        """Each column's values, in the trunks' order."""
        self.plain = plain
        """The columns whose every value held is a short printable ASCII string (``RowBatch.plain``);
        None while no batch has been added, when that is said of every column."""
        self._orders: dict[str, _ColumnOrder] = {}

    @classmethod
    def empty(cls, columns: Sequence[Column]) -> TrunkRows:
        return cls([], (0,) * len(columns), [], {column.name: [] for column in columns})

    @classmethod
    def build(cls, trunks: list[Trunk], columns: Sequence[Column]) -> TrunkRows:
        rows = cls.empty(columns)
        rows.extend(RowBatch.prepare(trunks, columns))
        return rows

    def __len__(self) -> int:
        return len(self.trunks)

    def held(self) -> list[Sequence[Any]]:
        """Every long sequence these rows hold, for ``release``."""
        return [self.trunks, self.haystacks, *self.values.values(), *(order.keys for order in self._orders.values())]

    def extend(self, batch: RowBatch) -> None:
        """Add a batch after the rows held; kept sort orders take it in."""
        self.trunks.extend(batch.trunks)
        self.haystacks.extend(batch.haystacks)
        self.widths = tuple(map(max, self.widths, batch.widths))
        self.plain = batch.plain if self.plain is None else self.plain & batch.plain
        for name, values in batch.values.items():
            self.values[name].extend(values)
        for name, order in self._orders.items():
            order.add(batch.values[name], name in batch.plain)

    def view(self, column: Column | None, descending: bool, wanted: str) -> list[Trunk]:
        """The trunks to show: sorted, NULLs last either way, narrowed to those whose cells contain ``wanted``.

        ``wanted`` must already be case-folded.
        """
        trunks, haystacks = self.trunks, self.haystacks
        if column is None:
            if not wanted:
                return list(trunks)
            return [trunk for trunk, haystack in zip(trunks, haystacks, strict=True) if wanted in haystack]
        order = self._order(column.name).order(descending)
        if wanted:
            order = [i for i in order if wanted in haystacks[i]]
        return list(map(trunks.__getitem__, order))

    def _order(self, name: str) -> _ColumnOrder:
        """A column's sort order, worked out the first time it is asked for and kept."""
        if name not in self._orders:
            order = self._orders[name] = _ColumnOrder()
            order.add(self.values[name], self.plain is not None and name in self.plain)
        return self._orders[name]

    def without(self, gone: Trunk) -> TrunkRows:
        """These rows less one trunk (after a delete); the widths stay."""
        keep = [i for i, trunk in enumerate(self.trunks) if trunk is not gone]
        return TrunkRows([self.trunks[i] for i in keep], self.widths, [self.haystacks[i] for i in keep],
                         {name: [values[i] for i in keep] for name, values in self.values.items()}, self.plain)
