"""The trunks an operator has marked, for a change to many at once.

A mark belongs to a trunk, not to a row: it is kept by the trunk's account
and id, so it survives sorting, filtering and reloading, where rows are
only positions. Each mark keeps the trunk as it was last read, which a
change to the marked trunks compares with the switch before sending, so a
trunk changed there meanwhile is seen to be.

Only a trunk whose ``i_account`` and ``i_trunk`` are whole numbers can be
marked: a switch may send any value as an id, and one that is not a number
cannot be told apart from another or sent back safely.

Pure state, with no screen in it: the trunk table and the search results
each hold one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeGuard

from trunktui.model import Trunk

Key = tuple[int, int]
"""(i_account, i_trunk)."""


def whole(value: object) -> TypeGuard[int]:
    """Whether ``value`` is a whole number (``True`` is not, though Python counts it an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


class Marks:
    """Marked trunks keyed by (i_account, i_trunk), in the order they were marked.

    ``i_account`` is the account every trunk marked here was read from (a
    trunk table's); without it, each trunk's own ``i_account`` member is
    its account (search results, which span accounts).
    """

    def __init__(self, i_account: int | None = None) -> None:
        self.i_account = i_account
        self._marked: dict[Key, Trunk] = {}

    def key(self, trunk: Trunk) -> Key | None:
        """The trunk's key, or None when it cannot be marked (an id that is not a whole number)."""
        i_account = trunk.get("i_account") if self.i_account is None else self.i_account
        i_trunk = trunk.i_trunk
        return (i_account, i_trunk) if whole(i_account) and whole(i_trunk) else None

    def __contains__(self, trunk: object) -> bool:
        if not isinstance(trunk, Trunk):
            return False
        key = self.key(trunk)
        return key is not None and key in self._marked

    def __len__(self) -> int:
        return len(self._marked)

    def trunks(self) -> list[Trunk]:
        """The marked trunks as last read, in the order they were marked."""
        return list(self._marked.values())

    def toggle(self, trunk: Trunk) -> bool | None:
        """Mark the trunk, or unmark it if it was; whether it is marked now, or None if it cannot be."""
        key = self.key(trunk)
        if key is None:
            return None
        if key in self._marked:
            del self._marked[key]
            return False
        self._marked[key] = trunk
        return True

    def mark(self, trunks: Iterable[Trunk]) -> int:
        """Mark each of ``trunks`` (one marked already is kept as now read); how many could not be marked."""
        unmarkable = 0
        for trunk in trunks:
            key = self.key(trunk)
            if key is None:
                unmarkable += 1
            else:
                self._marked[key] = trunk
        return unmarkable

    def unmark(self, trunks: Iterable[Trunk]) -> None:
        for trunk in trunks:
            key = self.key(trunk)
            if key is not None:
                self._marked.pop(key, None)

    def all_marked(self, trunks: Iterable[Trunk]) -> bool:
        """Whether every one of ``trunks`` that can be marked is, and there is at least one."""
        keys = [key for key in map(self.key, trunks) if key is not None]
        return bool(keys) and all(key in self._marked for key in keys)

    def clear(self) -> None:
        self._marked.clear()

    def refresh(self, trunks: Iterable[Trunk]) -> int:
        """Keep the marks of ``trunks`` (a list just read), each now holding the trunk as read there, and drop
        the rest, whose trunks are gone from it; how many were dropped."""
        if not self._marked:
            return 0
        fresh = {key: trunk for key, trunk in ((self.key(trunk), trunk) for trunk in trunks)
                 if key is not None and key in self._marked}
        dropped = len(self._marked) - len(fresh)
        self._marked = {key: fresh[key] for key in self._marked if key in fresh}
        return dropped
