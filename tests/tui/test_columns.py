"""Tables at 80x24: a long value cannot crowd out the other columns.

A trunk whose name is 5,000 characters long is made on the simulator; its
Name column is capped with an ellipsis, ID and Name stay on the left while
the other columns scroll sideways a column or a page at a time, and Home
and End move the cursor in the account picker as on the trunk table.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.conftest import Sim
from tests.tui.driving import (
    LONG_NAME,
    WHOLESALE,
    add_accounts,
    add_long_named_trunk,
    column,
    make_app,
    open_account,
    screen_text,
    settle,
    start,
    trunk_table,
)
from trunktui.simulator import add_bulk_trunks
from trunktui.tui.grid import Grid

SMALL = (80, 24)


@pytest.fixture
def long_name(sim: Sim) -> str:
    add_long_named_trunk(sim.store)
    return LONG_NAME


def lines(pilot: Pilot[None]) -> list[str]:
    return screen_text(pilot.app).splitlines()


def table_header(pilot: Pilot[None]) -> str:
    """The trunk table's header line (the fourth line, under header, toolbar and hint)."""
    line = lines(pilot)[3]
    assert line.lstrip().startswith("ID"), line
    return line


async def test_a_long_name_is_capped_with_an_ellipsis_and_the_other_columns_show(
    sim: Sim, long_name: str
) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        table = trunk_table(app)
        await pilot.press("end")
        await settle(pilot)
        assert column(table, "name")[table.cursor_row] == long_name[:79] + "…"
        widths = dict(zip(table.keys, table.column_widths, strict=True))
        assert widths["name"] <= 80 // 3 + 2
        header = table_header(pilot)
        assert "Destination" in header and "Backup destinati" in header
        row = next(line for line in lines(pilot) if long_name[:20] in line)
        shown = long_name[: widths["name"] - 3] + "…"
        assert f" {shown} " in row and "192.0.2.1:5060" in row, row


async def test_right_moves_a_column_at_a_time_and_id_and_name_stay(sim: Sim, long_name: str) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        table = trunk_table(app)
        await pilot.press("end")
        await settle(pilot)
        labels = ["Destination", "Backup destination", "Capacity", "Max CPS"]
        for label in labels:
            header = table_header(pilot)
            scrolled = header[table.fixed_width:].lstrip()
            assert scrolled.startswith(label), header
            assert header.split()[:2] == ["ID", "Name"], header
            await pilot.press("right")
            await pilot.pause()
        for _ in range(6):
            await pilot.press("right")
        await pilot.pause()
        header = table_header(pilot)
        assert header.split()[:2] == ["ID", "Name"] and "Description" in header, header
        assert long_name[:20] in next(line for line in lines(pilot) if "Named at length" in line)
        assert table.scroll_x == table.max_scroll_x

        await pilot.press("left")
        await pilot.pause()
        assert table.scroll_x < table.max_scroll_x
        await pilot.press("home", "shift+left", "shift+left", "shift+left")
        await pilot.pause()
        assert table.scroll_x == 0 and table.cursor_row == 0
        await pilot.press("shift+right")
        await pilot.pause()
        header = table_header(pilot)
        assert header[table.fixed_width:].lstrip().startswith("Backup destination"), header


async def test_home_and_end_move_the_cursor_in_the_picker_as_on_the_trunk_table(sim: Sim) -> None:
    """The picker opens with its filter box focused: Home and End go to the list's first and last row."""
    add_accounts(sim, 30, prefix="an-account-whose-username-is-long",
                 description="An account with a description long enough to scroll sideways " * 2)
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await start(pilot)
        picker = screen.query_one("#accounts", Grid)
        assert app.focused is screen.query_one("#filter")
        await pilot.press("end")
        await pilot.pause()
        assert app.focused is picker
        assert picker.cursor_row == picker.row_count - 1 > 0
        assert picker.scroll_x == 0
        await pilot.press("home")
        await pilot.pause()
        assert picker.cursor_row == 0 and picker.scroll_x == 0

        await pilot.press("right")
        await pilot.pause()
        assert picker.scroll_x > 0
        assert "acme-wholesale" in screen_text(app), "the username scrolled away"

        await open_account(pilot, WHOLESALE)
        table = trunk_table(app)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1 > 0
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0


def scrolled_labels(pilot: Pilot[None], table: Grid[object]) -> str:
    """The header's text right of the fixed columns, as shown."""
    return table_header(pilot)[table.fixed_width:]


def add_bulk_account(sim: Sim, count: int = 50) -> str:
    i_account = sim.store.add_account(sim.store.customers()[0]["i_customer"], "bulk", description="Generated")
    add_bulk_trunks(sim.store, i_account, count)
    return "bulk"


async def scroll_to_the_end(pilot: Pilot[None], table: Grid[object], key: str) -> str:
    """Press ``key`` once per scrolled column and more; each time the first column shown starts whole."""
    scrolled = table.labels[table.fixed:]
    shown = ""
    for _ in range(len(scrolled) + 1):
        await pilot.press(key)
        await pilot.pause()
        shown = scrolled_labels(pilot, table)
        assert shown[1:].startswith(scrolled), shown
    return shown


@pytest.mark.parametrize("named", [False, True], ids=["bulk", "long-name"])
@pytest.mark.parametrize("key", ["right", "shift+right"])
async def test_sideways_scrolling_stops_only_on_column_edges(sim: Sim, named: bool, key: str) -> None:
    """To the very end, the first scrolled column starts whole, and the last column shows whole."""
    if named:
        add_long_named_trunk(sim.store)
    username = WHOLESALE if named else add_bulk_account(sim)
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, username)
        table = trunk_table(app)
        await pilot.press("end")
        shown = await scroll_to_the_end(pilot, table, key)
        assert table.scroll_x == table.max_scroll_x > 0
        assert shown.rstrip().endswith(table.labels[-1]), shown


async def test_the_end_is_a_column_edge_whether_or_not_the_rows_need_a_scrollbar(sim: Sim) -> None:
    """A filter down to one row drops the vertical scrollbar, which gives the rows more width; clearing it
    brings the scrollbar back. Each time the furthest scroll is worked out again."""
    username = add_bulk_account(sim)
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, username)
        table = trunk_table(app)
        await pilot.press("slash", *"000001")
        await settle(pilot)
        assert table.row_count == 1 and not table.show_vertical_scrollbar
        await pilot.press("escape")
        await settle(pilot)
        assert table.show_vertical_scrollbar
        await scroll_to_the_end(pilot, table, "right")
        assert table.scroll_x == table.max_scroll_x > 0
