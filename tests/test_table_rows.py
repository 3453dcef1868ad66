"""The trunk table's rows: the same text made faster, and rows that grow as the list arrives.

``cell_column`` makes a whole column's cell texts at once; it must give
exactly what ``cell_text`` gives for each value, whatever the switch sent.
``TrunkRows`` grows a batch at a time: whatever the batches and whenever a
sort was first asked for, its view is what the whole list, filtered and
sorted plainly, would show.
"""

from __future__ import annotations

import itertools
import math
import time
import weakref
from typing import Any

from hypothesis import HealthCheck, example
from hypothesis import strategies as st
from rich.cells import cell_len

from tests.hostile import Depth, hostile_text, long_runs, trunk_structs, wire_values
from trunktui.columns import COLUMNS_2020 as COLUMNS
from trunktui.model import Field, Trunk
from trunktui.text import TEXT_LIMIT, printable
from trunktui.tui.cells import CELL_LIMIT, cell, cell_column, cell_text, sort_key, text_keys
from trunktui.tui.rows import CHUNK, Arrivals, RowBatch, TrunkRows, release

OPTIONS: dict[str, Any] = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
FAST = Depth(quick=60, full=400, **OPTIONS)
FEW = Depth(quick=25, full=150, **OPTIONS)

HOSTILE = [
    "", "plain", "a" * CELL_LIMIT, "a" * (CELL_LIMIT + 1), "é" * (CELL_LIMIT + 1), "ﬃ", "ß", "İ", "\x00", "\t",
    "\x1b[31mred", "\u202eevil", "a\u200bb", "\x7f", "😀" * 50, "[b]markup[/b]", "\U000e0041", "x" * TEXT_LIMIT * 2,
    "\u2400 stand-in", "<U+200B>", 2**70, -(10**90), 0, -0.0, math.nan, math.inf, 1e300, True, False, None,
    [1, [2, [3]]], {"a": {"b": None}}, b"bytes",
]


def widest(texts: list[str]) -> int:
    return max((cell_len(text) for text in texts), default=0)


@FAST(values=st.lists(st.one_of(wire_values(huge=False), hostile_text(huge=False)), max_size=20))
@example(values=HOSTILE)
@example(values=["a" * CELL_LIMIT, "b"])
@example(values=[1, None, 2.5])
def test_a_column_at_once_is_each_cell_text(values: list[Any]) -> None:
    """The texts of a column made at once are those ``cell_text`` makes one value at a time, and the
    width is the widest of them in terminal cells; a column said to be plain short ASCII is, and
    its sort keys are then folded without another look."""
    texts = [cell_text(value) for value in values]
    plain = all(isinstance(v, str) and len(v) <= CELL_LIMIT and v.isascii() and v.isprintable() for v in values)
    assert cell_column(values) == (texts, widest(texts), plain)
    if plain:
        assert text_keys(values, plain=True) == [printable(value).casefold() for value in values]


@FAST(values=st.lists(st.one_of(wire_values(huge=False), hostile_text(huge=False)), max_size=20))
@example(values=[value for value in HOSTILE if value is not None and not isinstance(value, (int, float))])
@example(values=["ABC", "abc", "Straße"])
def test_text_sort_keys_at_once_are_each_folded_text(values: list[Any]) -> None:
    assert text_keys(values) == [printable(value).casefold() for value in values]


def plainly(trunks: list[Trunk], column: Field | None, descending: bool, wanted: str) -> list[Trunk]:
    """What the table should show: every cell searched, a plain sort by ``sort_key``, NULLs last."""
    shown = [t for t in trunks
             if not wanted or any(wanted in cell(t.get(spec.name)).plain.casefold() for spec in COLUMNS)]
    if column is not None:
        shown.sort(key=lambda t: sort_key(t.get(column.name)), reverse=descending)
        shown.sort(key=lambda t: t.get(column.name) is None)
    return shown


def ids(trunks: list[Trunk]) -> list[int]:
    return [id(trunk) for trunk in trunks]


@FEW(
    structs=st.lists(trunk_structs(huge=False, ids=wire_values(huge=False)), max_size=16),
    cuts=st.lists(st.integers(0, 16), max_size=4),
    column=st.one_of(st.none(), st.sampled_from(COLUMNS)),
    asked=st.integers(0, 5),
    descending=st.booleans(),
    wanted=st.one_of(st.just(""), st.sampled_from(["a", "null", "1", ".", "é"]), hostile_text(huge=False)),
)
@example(structs=[{"i_trunk": n, "name": name, "max_cps": cps} for n, (name, cps) in
                  enumerate([("b", math.nan), ("a", 1.0), ("c", math.inf), ("a", None), ("B", -1.0), ("b", math.nan)])],
         cuts=[2, 4], column=COLUMNS[0], asked=1, descending=True, wanted="")
def test_rows_that_arrive_in_batches_show_as_the_whole_list_would(
    structs: list[dict[str, Any]], cuts: list[int], column: Field | None, asked: int, descending: bool, wanted: str
) -> None:
    """Rows added a batch at a time, with a sort first asked for before, between or after the batches,
    show at every step what the trunks so far, filtered and sorted plainly, show; NaN sorts as
    infinity, so the order is the same whatever was sorted first; widths hold every cell."""
    trunks = [Trunk.from_wire(struct) for struct in structs]
    wanted = printable(wanted).strip().casefold()
    edges = sorted({0, len(trunks), *(min(cut, len(trunks)) for cut in cuts)})
    rows = TrunkRows.empty(COLUMNS)
    for step, (start, end) in enumerate(itertools.pairwise(edges)):
        if step == asked and column is not None:
            rows.view(column, descending, "")
            rows.view(column, not descending, "")
        rows.extend(RowBatch.prepare(trunks[start:end], COLUMNS))
        assert ids(rows.view(column, descending, wanted)) == ids(plainly(trunks[:end], column, descending, wanted))
    whole = TrunkRows.build(trunks, COLUMNS)
    assert rows.widths == whole.widths
    assert ids(rows.view(column, descending, wanted)) == ids(whole.view(column, descending, wanted))
    for index, spec in enumerate(COLUMNS):
        assert all(cell_len(cell(t.get(spec.name)).plain) <= rows.widths[index] for t in trunks)


def test_arrivals_tell_the_loop_once_and_hand_over_a_chunk_at_a_time() -> None:
    """A big batch waits in pieces; the loop is told once until it has taken what waits, and takes at
    most ``CHUNK`` trunks at a time, in order."""
    trunks = [Trunk({"i_trunk": n, "name": f"t-{n}"}) for n in range(2 * CHUNK + 5)]
    arrivals = Arrivals(load=7)
    assert arrivals.add(trunks[:CHUNK + 3], COLUMNS)
    assert not arrivals.add(trunks[CHUNK + 3:], COLUMNS)
    taken: list[Trunk] = []
    more = True
    while more:
        batches, more = arrivals.take()
        count = sum(len(batch.trunks) for batch in batches)
        assert 0 < count <= CHUNK
        taken += [trunk for batch in batches for trunk in batch.trunks]
    assert ids(taken) == ids(trunks) and arrivals.taken == len(trunks)
    assert arrivals.take() == ([], False)
    assert arrivals.add(trunks[:1], COLUMNS), "once all is taken, the next batch is told"


globals().update(long_runs(globals()))


def test_release_lets_go_a_slice_at_a_time_and_leaves_the_sequences_as_they_were() -> None:
    """The caller's lists still read the same; the objects die once the caller lets go and the thread is done."""

    class Held:
        pass

    items = [Held() for _ in range(10_000)]
    alive = [weakref.ref(item) for item in items[::1000]]
    texts = [f"text {n}" for n in range(10_000)]
    before = list(items)
    release(items, texts)
    assert items == before and len(texts) == 10_000
    del items, before
    deadline = time.monotonic() + 10
    while any(ref() is not None for ref in alive) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(ref() is None for ref in alive)
