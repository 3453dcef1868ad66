"""Values too deep or too long to show whole: every screen shows them bounded, and keeps working.

A switch may answer with an array nested 100,000 deep or a member of
megabytes. Whatever limits the API layer puts on decoding, the screens
must be safe on their own, so these tests hand the app such values
directly: the app talks to the simulator over HTTP as always, and the
client's answers are amended in Python before any screen sees them (no
XML-RPC encoder writes an array that deep without recursing). Each answer
gets values of its own, as a decoder would make them, so no two are the
same object.
"""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import Sim
from tests.hostile import deep_list, deep_struct
from tests.tui.driving import (
    SIZE,
    WHOLESALE,
    account_id,
    calls_running,
    column,
    editor,
    field_input,
    make_app,
    open_account,
    open_trunk,
    plain,
    rendered,
    replace_text,
    select_row,
    server_trunks,
    settle,
    start,
    static_text,
    status_of,
    trunk_table,
    type_text,
    until,
)
from trunktui.api import SippyClient
from trunktui.api.connection import Progress
from trunktui.model import Account, Trunk
from trunktui.text import TEXT_LIMIT, printable
from trunktui.tui.cells import CELL_LIMIT, cell
from trunktui.tui.grid import Grid
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen

HUGE_LENGTH = 4_000_000






def huge_text() -> str:
    """Megabytes of text, with an escape sequence now and then."""
    return ("huge-" + "x" * 994 + "\x1b[2J") * (HUGE_LENGTH // 1003)


def amend(monkeypatch: pytest.MonkeyPatch, method: str, change: Callable[[Any], Any]) -> None:
    """Every client's ``method`` answers as the simulator does over HTTP, then ``change``d."""
    real = getattr(SippyClient, method)
    monkeypatch.setattr(SippyClient, method, lambda self, *args, **kwargs: change(real(self, *args, **kwargs)))


def amend_trunks(monkeypatch: pytest.MonkeyPatch, change: Callable[[Trunk], Trunk]) -> None:
    """Every client's trunk list is the simulator's over HTTP, each trunk ``change``d: those it hands
    over as they arrive, which the table shows, and so those it returns."""
    real = SippyClient.list_trunks

    def listed(self: SippyClient, i_account: int, name_pattern: str | None = None,
               progress: Progress | None = None, arrived: Callable[[list[Trunk]], None] | None = None) -> list[Trunk]:
        trunks: list[Trunk] = []

        def changed(batch: list[Trunk]) -> None:
            batch = [change(trunk) for trunk in batch]
            trunks.extend(batch)
            if arrived is not None:
                arrived(batch)

        real(self, i_account, name_pattern, progress, changed)
        return trunks

    monkeypatch.setattr(SippyClient, "list_trunks", listed)


@pytest.fixture
def hostile_account(monkeypatch: pytest.MonkeyPatch, client: SippyClient) -> int:
    """The wholesale account, listed with a username nested ``DEPTH`` deep and a huge description."""
    i_account = account_id(client, WHOLESALE)

    def hostile(accounts: list[Account]) -> list[Account]:
        return [replace(a, username=deep_list(), description=huge_text()) if a.i_account == i_account else a
                for a in accounts]

    amend(monkeypatch, "list_accounts", hostile)
    return i_account


async def open_by_id(pilot: Pilot[None], i_account: int) -> TrunksScreen:
    screen = await start(pilot)
    table = screen.query_one("#accounts", Grid)
    await pilot.press("down")
    await select_row(pilot, table, column(table, "id").index(str(i_account)))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TrunksScreen)
    return pilot.app.screen


async def test_the_picker_shows_a_deep_username_and_a_huge_description(sim: Sim, hostile_account: int) -> None:
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        table = screen.query_one("#accounts", Grid)
        row = table.get_row_at(column(table, "id").index(str(hostile_account)))
        username, description = (plain(row[table.keys.index(key)]) for key in ("username", "description"))
        assert username == plain(cell(deep_list())) == "[[[[...]]]]"
        assert description == printable(huge_text(), CELL_LIMIT)
        await rendered(pilot, "[[[[...]]]]", "huge-xxx")

        await type_text(pilot, "huge-x")
        await pilot.pause()
        assert column(table, "id") == [str(hostile_account)]

        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunksScreen)
        sub_title = app.screen.sub_title
        assert sub_title is not None and sub_title.endswith(f"account {hostile_account} [[[[...]]]]")
        assert app.is_running


def hostile_trunk(trunk: Trunk) -> Trunk:
    return Trunk({**trunk.members, "name": huge_text(), "description": deep_list(), "routing": deep_struct()})


@pytest.fixture
def hostile_trunks(monkeypatch: pytest.MonkeyPatch, client: SippyClient) -> int:
    """The wholesale account's first trunk, listed and read with a huge name, a description
    nested ``DEPTH`` deep and an extra member ``routing``, a struct as deep; returns its id."""
    i_trunk = server_trunks(client, account_id(client, WHOLESALE))[0].i_trunk
    assert isinstance(i_trunk, int)

    def amended(trunk: Trunk) -> Trunk:
        return hostile_trunk(trunk) if trunk.i_trunk == i_trunk else trunk

    amend_trunks(monkeypatch, amended)
    amend(monkeypatch, "get_trunk", amended)
    return i_trunk


async def test_the_trunk_table_and_screen_show_deep_and_huge_members(
    sim: Sim, client: SippyClient, hostile_trunks: int
) -> None:
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_id(pilot, account_id(client, WHOLESALE))
        table = trunk_table(app)
        row = column(table, "i_trunk").index(str(hostile_trunks))
        assert column(table, "name")[row] == printable(huge_text(), CELL_LIMIT)
        await rendered(pilot, "huge-xxx")

        screen = await open_trunk(pilot, hostile_trunks)
        heading = static_text(screen.query_one("#heading", Static))
        assert heading == f"Trunk {hostile_trunks} · {printable(huge_text(), 60)}"
        assert field_input(app, "description").value == "[[[[...]]]]"
        assert field_input(app, "name").value == printable(huge_text())
        assert len(field_input(app, "name").value) == TEXT_LIMIT
        shown = await rendered(pilot, "{'inner': {'inner': {'inner': {...}}}}")
        assert "\x1b" not in shown
        assert not editor(app, "description").has_class("-invalid")

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TrunkScreen)
        assert status_of(app, "#save-status") == "Nothing to save: no field has changed."
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TrunksScreen)
        assert app.is_running


async def test_a_deep_member_is_exported_bounded(
    sim: Sim, client: SippyClient, hostile_trunks: int, tmp_path: Path
) -> None:
    """CSV writes an array or struct as JSON: below a few levels, as its bounded text."""
    app = make_app(sim)
    written = tmp_path / "trunks.csv"
    async with app.run_test(size=SIZE) as pilot:
        await open_by_id(pilot, account_id(client, WHOLESALE))
        await pilot.press("x")
        await pilot.pause()
        await replace_text(pilot, str(written), pasted=True)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunksScreen)
    usual = csv.field_size_limit(2 * HUGE_LENGTH)
    try:
        with written.open(newline="", encoding="utf-8") as source:
            rows = {row["i_trunk"]: row for row in csv.DictReader(source)}
    finally:
        csv.field_size_limit(usual)
    description = json.loads(rows[str(hostile_trunks)]["description"])
    for _ in range(8):
        (description,) = description
    assert description == "[[[[...]]]]"
    assert rows[str(hostile_trunks)]["name"] == huge_text()


async def test_trunks_whose_ids_are_nested_deep_can_be_refreshed(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every trunk's i_trunk an array nested ``DEPTH`` deep: the table shows them bounded,
    and a refresh, which looks for the selected trunk among the new rows, does not compare them."""
    amend_trunks(monkeypatch, lambda trunk: Trunk({**trunk.members, "i_trunk": deep_list()}))
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        table = trunk_table(app)
        assert set(column(table, "i_trunk")) == {"[[[[...]]]]"}
        await pilot.press("down", "r")
        await settle(pilot)
        assert app.is_running
        assert table.cursor_row == 0


async def test_editing_while_a_deep_member_reloads(
    sim: Sim, client: SippyClient, hostile_trunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing in the form before a reload's fresh copy arrives: the copy brings a new deep
    description, and telling the user's edits apart compares it with the one the form showed."""
    arrived = threading.Event()
    arrived.set()

    def held(trunk: Trunk) -> Trunk:
        arrived.wait(10)
        return trunk

    amend(monkeypatch, "get_trunk", held)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_id(pilot, account_id(client, WHOLESALE))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunkScreen)
        arrived.clear()
        await pilot.press("f5")
        await replace_text(pilot, "typed-early", field="name")
        arrived.set()
        await until(pilot, lambda: not calls_running(app), "the fresh copy")
        await type_text(pilot, "-then-more")
        assert status_of(app, "#save-status").startswith("1 unsaved change · read at ")
        assert field_input(app, "description").value == "[[[[...]]]]"
