"""What a trunk list load does to the heap: the list is frozen, garbage is not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from trunktui.model import Trunk
from trunktui.tui.rows import TrunkRows
from trunktui.tui.screens.trunks import COLUMNS


class Node:
    other: Node


@pytest.fixture
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_a_load_freezes_the_list_but_not_older_garbage(thawed: None) -> None:
    """A cycle that survived a collection (as a closed screen's widgets do) and
    then became garbage is collected by the load, not frozen with the list."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    gc.collect()  # the pair is now old: only a full collection would free it
    gone = weakref.ref(a)
    del a, b
    trunk = Trunk({"i_trunk": 1, "name": "x"})
    rows = TrunkRows.fetch(lambda: [trunk], COLUMNS)
    gc.collect()
    assert gone() is None
    assert rows.trunks == [trunk] and gc.get_freeze_count() > 0
