"""The 2022+ table's rows: the connection count and the first destination are worked out in the worker with
the rest of a batch's text, a trunk whose connections are unknown sorts as NULL and reads "?", and rows
built a batch at a time are the rows built at once."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tests.hostile import hostile_text
from trunktui.columns import (
    CONNECTION_COUNT,
    FIRST_DESTINATION,
    NONE,
    SEARCHED_IN_CONNECTIONS,
    TABLE_2022,
    UNKNOWN,
)
from trunktui.model import Trunk, TrunkConnection
from trunktui.tui.cells import cell_text, column_cell
from trunktui.tui.rows import RowBatch, TrunkRows

COLUMNS = TABLE_2022.columns


def trunk(i_trunk: int, destinations: list[Any] | None) -> Trunk:
    connections = None if destinations is None else tuple(
        TrunkConnection({"i_trunk_connection": i_trunk * 10 + n, "order_no": n + 1, "destination": d})
        for n, d in enumerate(destinations))
    members = {"i_trunk": i_trunk, "i_account": 1, "name": f"t{i_trunk}", "description": "", "policy": "Ordered"}
    return Trunk(members, connections)


def test_unknown_connections_read_unknown_and_sort_last_either_way() -> None:
    trunks = [trunk(1, ["b.example.net", "z.example.net"]), trunk(2, None), trunk(3, []), trunk(4, ["a.example.net"])]
    rows = TrunkRows.build(trunks, COLUMNS)
    assert rows.values["connection_count"] == [2, None, 0, 1]
    assert rows.values["first_destination"] == ["b.example.net", None, None, "a.example.net"]
    assert [column_cell(CONNECTION_COUNT, t).plain for t in trunks] == ["2", UNKNOWN, "0", "1"]
    assert [column_cell(FIRST_DESTINATION, t).plain for t in trunks] == ["b.example.net", UNKNOWN, NONE,
                                                                          "a.example.net"]
    ids = [[t.i_trunk for t in rows.view(CONNECTION_COUNT, descending, "")] for descending in (False, True)]
    assert ids == [[3, 4, 1, 2], [1, 4, 3, 2]]
    assert [t.i_trunk for t in rows.view(FIRST_DESTINATION, False, "")] == [4, 1, 2, 3]
    assert [t.i_trunk for t in rows.view(None, False, "b.example")] == [1]
    assert [t.i_trunk for t in rows.view(None, False, "z.example")] == [1], "a later connection's finds it too"
    assert "null" not in rows.haystacks[1]


def test_the_quick_filter_finds_every_connections_name_and_destination_as_the_list_shows_them() -> None:
    """Each connection's name and destination, as shown (NULL, stand-ins for controls), case-folded; no
    column is added and other members are not searched."""
    named = Trunk(trunk(1, []).members, (
        TrunkConnection({"i_trunk_connection": 1, "name": "Main", "destination": "a.example.net", "username": "x1"}),
        TrunkConnection({"i_trunk_connection": 2, "name": "SBC-Backup\x1b", "destination": None})))
    rows = TrunkRows.build([named, trunk(2, ["b.example.net"]), trunk(3, None)], COLUMNS)
    assert list(rows.values) == [column.name for column in COLUMNS]
    for wanted, found in (("sbc-backup␛", [1]), ("main", [1]), ("null", [1, 2]), ("x1", []), ("b.example", [2])):
        assert [t.i_trunk for t in rows.view(None, False, wanted)] == found, wanted


destinations = st.one_of(st.none(), st.lists(st.one_of(hostile_text(huge=False), st.none(), st.integers()),
                                             max_size=3))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(connections=st.lists(destinations, max_size=12), cuts=st.lists(st.integers(0, 12), max_size=3),
       wanted=st.sampled_from(["", "?", "—", "0", "1", "a"]))
def test_rows_built_in_batches_are_the_rows_built_at_once(
    connections: list[list[Any] | None], cuts: list[int], wanted: str
) -> None:
    trunks = [trunk(i, found) for i, found in enumerate(connections, start=1)]
    whole = TrunkRows.build(trunks, COLUMNS)
    pieces = TrunkRows.empty(COLUMNS)
    edges = sorted({0, len(trunks), *(min(cut, len(trunks)) for cut in cuts)})
    for start, end in itertools.pairwise(edges):
        pieces.extend(RowBatch.prepare(trunks[start:end], COLUMNS))
    for column in (None, CONNECTION_COUNT, FIRST_DESTINATION):
        for descending in (False, True):
            assert pieces.view(column, descending, wanted) == whole.view(column, descending, wanted)
    for index, column in enumerate(COLUMNS):
        assert all(cell_len(column_cell(column, t).plain) <= whole.widths[index] for t in trunks)
    shown = [[column_cell(c, t).plain for c in COLUMNS] + [cell_text(connection.get(name)) for connection in
                                                             t.connections or () for name in SEARCHED_IN_CONNECTIONS]
             for t in trunks]
    expected = [t for t, texts in zip(trunks, shown, strict=True)
                if not wanted or any(wanted in text.casefold() for text in texts)]
    assert whole.view(None, False, wanted) == expected
