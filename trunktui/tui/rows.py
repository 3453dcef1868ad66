"""A loaded trunk list with what the table needs worked out once.

``TrunkRows`` is built in the worker thread that fetched the list, so the
event loop only swaps it in. It holds each column's width and each trunk's
case-folded cell text for the quick filter; a column's sort order is worked
out the first time it is asked for and kept. Filtering and sorting then
produce lists of indices, which stay cheap at 50,000 trunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len

from trunktui.model import Field, Trunk
from trunktui.tui.cells import cell_text, sort_key

_SEPARATOR = "\x00"
"""Joins a trunk's cell texts; no filter text contains it, so a match never spans two cells."""


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


@dataclass
class TrunkRows:
    """The trunks of one load, in the server's order, with their table text."""

    trunks: list[Trunk]
    widths: tuple[int, ...]
    haystacks: list[str]
    _orders: dict[tuple[str, bool], list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, trunks: list[Trunk], columns: Sequence[Field]) -> TrunkRows:
        names = [spec.name for spec in columns]
        widths = [0] * len(names)
        haystacks: list[str] = []
        for trunk in trunks:
            texts = [cell_text(trunk.members.get(name)) for name in names]
            for column, text in enumerate(texts):
                widths[column] = max(widths[column], _width(text))
            haystacks.append(_SEPARATOR.join(texts).casefold())
        return cls(trunks, tuple(widths), haystacks)

    def __len__(self) -> int:
        return len(self.trunks)

    def view(self, column: Field | None, descending: bool, wanted: str) -> list[Trunk]:
        """The trunks to show: sorted, NULLs last either way, narrowed to those whose cells contain ``wanted``.

        ``wanted`` must already be case-folded.
        """
        order = list(range(len(self.trunks))) if column is None else self._order(column.name, descending)
        if wanted:
            haystacks = self.haystacks
            order = [i for i in order if wanted in haystacks[i]]
        trunks = self.trunks
        return [trunks[i] for i in order]

    def _order(self, name: str, descending: bool) -> list[int]:
        """Indices sorted by one member, NULLs last; kept for the next time."""
        if (name, descending) not in self._orders:
            keys = [sort_key(trunk.members.get(name)) for trunk in self.trunks]
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
            present = [i for i in order if not keys[i][0]]
            self._orders[name, descending] = present + [i for i in order if keys[i][0]]
        return self._orders[name, descending]

    @classmethod
    def fetch(cls, trunks: Callable[[], list[Trunk]], columns: Sequence[Field]) -> TrunkRows:
        """Fetch a list and build its rows, both in the worker that calls this."""
        return cls.build(trunks(), columns)

    def without(self, gone: Trunk) -> TrunkRows:
        """These rows less one trunk (after a delete); the widths stay."""
        keep = [i for i, trunk in enumerate(self.trunks) if trunk is not gone]
        return TrunkRows([self.trunks[i] for i in keep], self.widths, [self.haystacks[i] for i in keep])
