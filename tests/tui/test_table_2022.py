"""The trunk table on a 2022+ switch, at 80x24, over real HTTP.

A 2022+ trunk has no destination of its own: the table shows how many
connections it has and the first one's destination, worked out from the
connections read with the list. A trunk whose connections could not be read
shows both as unknown, never as 0, and sorts with the NULLs. On a switch
left to tell its API, the table takes the 2022 columns with the first
batch, before any row is shown.
"""

from __future__ import annotations

import json
import xmlrpc.client
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox

from tests.conftest import Sim
from tests.foreign import ForeignSwitch2022
from tests.tui.driving import (
    WHOLESALE,
    choose,
    column,
    make_app,
    open_account,
    replace_text,
    screen_text,
    server_trunks,
    settle,
    trunk_table,
    until,
)
from trunktui.api import ConnectionSettings
from trunktui.columns import NONE, TABLE_2020, TABLE_2022, UNKNOWN
from trunktui.text import printable
from trunktui.tui.app import Session, TrunkApp
from trunktui.tui.grid import Grid
from trunktui.tui.screens.export import ExportScreen
from trunktui.tui.screens.trunks import TrunksScreen

SMALL = (80, 24)
HOSTILE = "[bold red]evil[/] \u202etxt.exe\t$(reboot)"


class Unreadable(ForeignSwitch2022):
    """A 2022+ switch that faults when asked for the connections of the trunks in ``unreadable``."""

    def __init__(self) -> None:
        super().__init__()
        self.unreadable: set[int] = set()

    def _connections_list(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("i_trunk") in self.unreadable:
            raise xmlrpc.client.Fault(500, "Internal error reading trunk connections")
        return super()._connections_list(params)


@pytest.fixture
def unreadable() -> Any:
    switch = Unreadable().start()
    try:
        yield switch
    finally:
        switch.stop()


def foreign_app(switch: ForeignSwitch2022) -> TrunkApp:
    app = TrunkApp(Session(ConnectionSettings(switch.url, trusted=True, i_customer=1), label="Elsewhere"))
    app.theme = "textual-dark"
    return app


def carriers(switch: ForeignSwitch2022) -> dict[str, int]:
    """Three trunks: one with two connections, one with none, one whose destination is hostile."""
    pair = switch.add(name="pair", description="Main and backup", policy="Ordered")
    switch.connect(pair, name="main", destination="198.51.100.10:5060", order_no=1, password="pw-main")
    switch.connect(pair, name="backup", destination="198.51.100.20", order_no=2)
    empty = switch.add(name="empty", description="No connections yet", policy="Ordered")
    odd = switch.add(name="odd", description="Hostile destination", policy="Round-Robin")
    switch.connect(odd, name="only", destination=HOSTILE, order_no=1)
    return {"pair": pair, "empty": empty, "odd": odd}


def by_name(table: Grid[Any], key: str) -> dict[str, str]:
    return dict(zip(column(table, "name"), column(table, key), strict=True))


async def sort_by(pilot: Pilot[None], name: str) -> None:
    await pilot.press("s")
    await pilot.pause()
    await choose(pilot, name)
    await settle(pilot)


async def test_the_table_shows_each_trunks_connection_count_and_first_destination(sim22: Sim) -> None:
    """ID, Name, First destination, Conns, Description, Policy; the values are the switch's connections.
    Where calls go comes right after the name, so it shows at 80 columns."""
    async with make_app(sim22).run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        table = trunk_table(pilot.app)
        assert table.labels == ("ID", "Name", "First destination", "Conns", "Description", "Policy")
        with sim22.client() as client:
            trunks = server_trunks(client, screen.i_account)
        assert len(trunks) == table.row_count > 0
        assert all(trunk.connections for trunk in trunks)
        counts, firsts = column(table, "connection_count"), column(table, "first_destination")
        for trunk, count, first in zip(trunks, counts, firsts, strict=True):
            assert trunk.connections is not None
            assert count == str(len(trunk.connections))
            assert first == trunk.connections[0].get("destination")
        assert "Destination" not in table.labels
        assert "First destination" in screen_text(pilot.app), "where calls go shows at 80 columns"


async def test_a_2020_switch_keeps_its_columns(sim: Sim) -> None:
    async with make_app(sim).run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        assert screen.table is TABLE_2020
        assert trunk_table(pilot.app).keys == tuple(f.name for f in TABLE_2020.columns)
        assert "connection_count" not in trunk_table(pilot.app).keys


async def test_the_columns_follow_the_api_learnt_with_the_first_batch(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left to tell (api auto), the screen opens before the API is known; the first batch tells it, and no
    row is ever shown under the 2020 columns."""
    shown: list[tuple[tuple[str, ...], int]] = []
    show = Grid.show

    def recorded(grid: Grid[Any], rows: Any, *args: Any, **kwargs: Any) -> None:
        if grid.id == "trunks":
            shown.append((grid.keys, len(rows)))
        show(grid, rows, *args, **kwargs)

    monkeypatch.setattr(Grid, "show", recorded)
    app = make_app(sim22, settings={"api": "auto"})
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        assert screen.table is TABLE_2022
        table = trunk_table(app)
        assert table.keys == tuple(c.name for c in TABLE_2022.columns)
        assert table.row_count > 0 and "?" not in column(table, "connection_count")
        assert shown and all(keys == table.keys for keys, rows in shown if rows)
        assert "API 2022" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert table.keys == tuple(c.name for c in TABLE_2022.columns) and table.row_count > 0


async def test_unreadable_connections_show_as_unknown_not_zero_and_sort_last(unreadable: Unreadable) -> None:
    carriers(unreadable)
    lost = unreadable.add(name="lost", description="Its connections cannot be read", policy="Ordered")
    unreadable.connect(lost, name="main", destination="192.0.2.9", order_no=1)
    unreadable.unreadable.add(lost)
    async with foreign_app(unreadable).run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, "foreign-main")
        table = trunk_table(pilot.app)
        counts, firsts = by_name(table, "connection_count"), by_name(table, "first_destination")
        assert counts == {"pair": "2", "empty": "0", "odd": "1", "lost": UNKNOWN}
        assert firsts["lost"] == UNKNOWN and firsts["empty"] == NONE
        assert firsts["pair"] == "198.51.100.10:5060"
        lost_row = column(table, "name").index("lost")
        assert table.get_row_at(lost_row)[table.keys.index("connection_count")].style == "dim italic"
        assert screen.table is TABLE_2022

        await sort_by(pilot, "connection_count")
        assert column(table, "name") == ["empty", "odd", "pair", "lost"]
        assert "sorted by Conns ↑" in screen_text(pilot.app)
        await sort_by(pilot, "connection_count")
        assert column(table, "name") == ["pair", "odd", "empty", "lost"]
        await sort_by(pilot, "first_destination")
        assert column(table, "name")[-2:] == ["empty", "lost"], "none and unknown sort as NULL"


async def test_the_quick_filter_finds_a_first_destination(sim22: Sim) -> None:
    async with make_app(sim22).run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        table = trunk_table(pilot.app)
        firsts = column(table, "first_destination")
        wanted = next(first for first in firsts if firsts.count(first) == 1 and first[0].isdigit())
        await pilot.press("slash", *wanted, "down")
        await settle(pilot)
        assert column(table, "first_destination") == [wanted]
        assert "shows 1 " in f"{screen_text(pilot.app)} "
        assert len(screen.trunks) > 1


async def test_the_quick_filter_finds_a_trunk_by_any_connections_destination_or_name(sim22: Sim) -> None:
    """A backup SBC's address, which no column shows, finds its trunk; so does a connection's name."""
    async with make_app(sim22).run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        table = trunk_table(pilot.app)
        held = {trunk.name: trunk.connections or () for trunk in screen.trunks}
        seen = [(c.get("destination"), c.name) for connections in held.values() for c in connections]
        name, backup = next((name, connections[1]) for name, connections in held.items()
                            if len(connections) > 1 and seen.count((connections[1].get("destination"),
                                                                    connections[1].name)) == 1)
        for wanted in (backup.get("destination"), backup.name):
            await pilot.press("slash", "ctrl+u", *wanted, "down")
            await settle(pilot)
            assert name in column(table, "name"), wanted
            assert backup.get("destination") not in column(table, "first_destination")


async def test_a_hostile_destination_is_shown_literally(unreadable: Unreadable) -> None:
    carriers(unreadable)
    async with foreign_app(unreadable).run_test(size=(200, 24)) as pilot:
        await open_account(pilot, "foreign-main")
        table = trunk_table(pilot.app)
        shown = by_name(table, "first_destination")["odd"]
        assert shown == printable(HOSTILE)
        assert "[bold red]evil[/]" in shown and "\t" not in shown and "\u202e" not in shown
        assert "[bold red]evil[/]" in screen_text(pilot.app)


@pytest.mark.parametrize("secrets", [False, True], ids=["masked", "with passwords"])
async def test_export_all_fields_holds_each_trunks_connections(
    unreadable: Unreadable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secrets: bool
) -> None:
    """x, all fields, JSON: each trunk's members and its connections, passwords *** unless asked for."""
    monkeypatch.chdir(tmp_path)
    names = carriers(unreadable)
    async with foreign_app(unreadable).run_test(size=SMALL) as pilot:
        await open_account(pilot, "foreign-main")
        await pilot.press("x")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportScreen)
        await pilot.click("#everything")
        if secrets:
            await pilot.click("#secrets")
            assert dialog.query_one("#secrets", Checkbox).value
        await pilot.click("#path")
        await replace_text(pilot, "backup.json")
        await pilot.press("enter")
        await settle(pilot)
        await until(pilot, lambda: (tmp_path / "backup.json").exists(), "the file")
    written = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
    rows = {row["name"]: row for row in written}
    assert [c["name"] for c in rows["pair"]["connections"]] == ["main", "backup"]
    assert rows["pair"]["connections"][0]["password"] == ("pw-main" if secrets else "***")
    assert rows["empty"]["connections"] == []
    assert rows["odd"]["connections"][0]["destination"] == HOSTILE
    assert rows["pair"]["i_trunk"] == names["pair"] and "connection_count" not in rows["pair"]
    if secrets:
        assert (tmp_path / "backup.json").stat().st_mode & 0o777 == 0o600


async def test_the_table_export_writes_the_worked_out_values(
    unreadable: Unreadable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    carriers(unreadable)
    async with foreign_app(unreadable).run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, "foreign-main")
        assert isinstance(screen, TrunksScreen)
        await pilot.press("x")
        await pilot.pause()
        await replace_text(pilot, "table.json")
        await pilot.press("enter")
        await settle(pilot)
    written = json.loads((tmp_path / "table.json").read_text(encoding="utf-8"))
    assert {row["name"]: row.get("connection_count") for row in written} == {"pair": 2, "empty": 0, "odd": 1}
    assert {row["name"]: row.get("first_destination") for row in written} == {
        "pair": "198.51.100.10:5060", "empty": None, "odd": HOSTILE}
    assert all("first_destination" not in row for row in written if row["name"] == "empty")
    assert list(written[0]) == [c.name for c in TABLE_2022.columns]
