"""The account picker with more accounts than one page: background pages, lookups, a restarted switch.

The switch lists accounts 100 at a time and says nothing of how many there
are; the picker loads the rest in the background, filters over all it has,
and finds an account by exact username or id on the switch.
"""

from __future__ import annotations

import re
import xmlrpc.client
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from tests.tui.driving import (
    WHOLESALE,
    account_id,
    column,
    lookups_held,
    make_app,
    open_account,
    pages_held,
    rendered,
    settle,
    start,
    status_of,
    stop_after_first_page,
    type_text,
    until,
)
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.simulator import SimulatorServer, add_extra_accounts
from trunktui.tui.app import Session, TrunkApp
from trunktui.tui.cells import NULL_STYLE
from trunktui.tui.grid import Grid
from trunktui.tui.screens.accounts import PAGE_SIZE, AccountsScreen
from trunktui.tui.screens.trunks import TrunksScreen

SIZE = (80, 24)
EXTRA = 230
"""With the demo's 3, the login has 233 accounts: two full pages and a short one."""


@pytest.fixture
def many(sim: Sim) -> list[int]:
    return add_extra_accounts(sim.store, sim.logins["acme"].i_customer, EXTRA)


def accounts_grid(app: TrunkApp) -> Grid[Any]:
    assert isinstance(app.screen, AccountsScreen)
    return app.screen.query_one("#accounts", Grid)


def picker(app: TrunkApp) -> AccountsScreen:
    assert isinstance(app.screen, AccountsScreen)
    return app.screen


async def test_a_filter_finds_an_account_on_the_third_page(sim: Sim, many: list[int]) -> None:
    """`extra-150` is on the second page and `extra-229` on the third: typed at once, both are found
    once the pages have come in the background, and the count covers every account."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "extra-150")
        await settle(pilot)
        assert column(accounts_grid(app), "username") == ["extra-150"]
        assert status_of(app) == "1 of 233 accounts matches"
        await pilot.press("ctrl+u")
        await type_text(pilot, "extra-229")
        assert column(accounts_grid(app), "username") == ["extra-229"]
        await pilot.press("ctrl+u")
        assert accounts_grid(app).row_count == 233
        assert status_of(app) == "233 accounts loaded"


async def test_the_count_while_pages_load_and_escape_stops_them(sim: Sim, many: list[int]) -> None:
    """While the third page is on its way the status says how many are loaded and that more are
    coming (the switch does not say how many there are), and the filter covers what is loaded;
    Escape stops the loading, and F5 from the filter box loads everything again."""
    app = make_app(sim)
    with pages_held(sim, 2 * PAGE_SIZE) as third_page:
        async with app.run_test(size=SIZE) as pilot:
            screen = picker(app)
            await until(pilot, lambda: screen.accounts.offset == 2 * PAGE_SIZE, "two pages")
            assert status_of(app) == "⧗ 200 accounts loaded, loading more…"
            assert accounts_grid(app).row_count == 200
            await type_text(pilot, "extra-1")
            shown = column(accounts_grid(app), "username")
            assert shown == [f"extra-{n}" for n in range(100, 197)] and "extra-197" not in shown
            assert status_of(app) == "⧗ 97 of 200 loaded accounts match, loading more…"
            await pilot.press("escape")
            await until(pilot, lambda: not screen.calls_in_flight("accounts"), "the loading to stop")
            third_page()
            await settle(pilot)
            assert status_of(app) == "97 of 200 loaded accounts match; loading stopped · F5 loads them all"
            assert screen.accounts.offset == 2 * PAGE_SIZE  # the third page never came in

            assert isinstance(app.focused, Input)
            await pilot.press("f5")
            await settle(pilot)
            assert column(accounts_grid(app), "username") == [f"extra-{n}" for n in range(100, 200)]
            assert status_of(app) == "100 of 233 accounts match"


async def test_an_exact_username_or_id_beyond_the_loaded_pages_is_looked_up(
    sim: Sim, many: list[int], wire: RecordingTransport, later_pages_held: Callable[[], None]
) -> None:
    """Loading stopped after the first page: the exact username of an account on a later page
    goes to getAccountInfo and its row is shown, said to be found on the switch, not counted among
    the loaded ones (Enter opens it); so does an exact id. Text that is only part of a name is not
    looked up."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await stop_after_first_page(pilot, later_pages_held)
        await type_text(pilot, "extra-1")
        await type_text(pilot, "50")
        await until(pilot, lambda: column(accounts_grid(app), "username") == ["extra-150"], "the lookup")
        assert wire.of("getAccountInfo") == [{"username": "extra-150"}]
        assert status_of(app) == "1 found on the switch; loading stopped · F5 loads them all"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunksScreen) and app.screen.i_account == account_id(sim.client(), "extra-150")

        await pilot.press("escape")
        await settle(pilot)
        last = many[-1]
        box = picker(app).query_one("#filter", Input)
        box.focus()
        box.value = str(last)
        await until(pilot, lambda: column(accounts_grid(app), "id") == [str(last)], "the lookup by id")
        assert wire.of("getAccountInfo")[1:] == [{"i_account": last}]


class UsernameBlind(ForeignSwitch):
    """A switch that lists accounts a page at a time but cannot look one up by username."""

    def __init__(self, accounts: int) -> None:
        super().__init__()
        self.accounts += [{"i_account": n, "username": f"far-{n}", "description": ""} for n in range(2, accounts + 1)]

    def _list_accounts(self, params: dict[str, Any]) -> dict[str, Any]:
        offset, limit = params.get("offset", 0), params.get("limit", 100)
        return {"result": "OK", "accounts": self.accounts[offset:offset + limit]}

    def _account_info(self, params: dict[str, Any]) -> dict[str, Any]:
        if "username" in params:
            raise xmlrpc.client.Fault(400, "Unknown parameter: username")
        return super()._account_info(params)


@pytest.fixture
def blind() -> Iterator[UsernameBlind]:
    switch = UsernameBlind(150).start()
    try:
        yield switch
    finally:
        switch.stop()


def foreign_app(switch: ForeignSwitch, account: str | None = None) -> TrunkApp:
    app = TrunkApp(Session(ConnectionSettings(switch.url, trusted=True, i_customer=1), account=account))
    app.theme = "textual-dark"
    return app


async def test_a_lookup_says_it_is_on_its_way_and_enter_takes_its_answer(
    sim: Sim, many: list[int], wire: RecordingTransport, later_pages_held: Callable[[], None]
) -> None:
    """Loading stopped after the first page, on a slow switch: while an exact id is looked up the
    status line says so; the account found is counted apart from the loaded ones. An id the switch
    has no account for is said to be missing, and Enter then says it cannot be opened without
    asking the switch again."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await stop_after_first_page(pilot, later_pages_held)
        last = str(many[-1])
        with lookups_held(sim):
            await type_text(pilot, last)
            await until(pilot, lambda: status_of(app).startswith("⧗ Looking up"), "the lookup")
            assert status_of(app) == f"⧗ Looking up “{last}” on the switch…"
        await until(pilot, lambda: column(accounts_grid(app), "id") == [last], "the looked-up row")
        assert status_of(app) == "1 found on the switch; loading stopped · F5 loads them all"
        assert wire.of("getAccountInfo") == [{"i_account": many[-1]}]

        await pilot.press("ctrl+u")
        assert status_of(app) == "100 accounts loaded · 1 found on the switch; loading stopped · F5 loads them all"
        with lookups_held(sim):
            await type_text(pilot, "99999")
            await until(pilot, lambda: status_of(app).startswith("⧗ Looking up"), "the second lookup")
            assert status_of(app) == "⧗ Looking up “99999” on the switch…"
        await until(pilot, lambda: "did not find" in status_of(app), "the switch's answer")
        assert status_of(app) == ("The switch did not find “99999”: Fault 404: Account 99999 not found; "
                                  "loading stopped · F5 loads them all")
        await pilot.press("enter")
        await settle(pilot)
        assert len(wire.of("getAccountInfo")) == 2
        assert isinstance(app.screen, AccountsScreen)
        assert status_of(app) == "✖ Cannot open that account: Fault 404: Account 99999 not found"


@pytest.fixture
def crowded() -> Iterator[ForeignSwitch]:
    """A switch of 233 accounts that sends them all for every ``listAccounts``, whatever the page asked."""
    switch = ForeignSwitch()
    switch.add_accounts(232)
    switch.start()
    try:
        yield switch
    finally:
        switch.stop()


class FirstPageOnly(ForeignSwitch):
    """A switch that honours ``limit`` but not ``offset``: every page is the first one again."""

    def _list_accounts(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"result": "OK", "accounts": self.accounts[:params.get("limit", 100)]}


async def test_a_switch_that_ignores_offset_and_limit_is_listed_once(crowded: ForeignSwitch) -> None:
    """Every account in one answer, longer than the page asked for: that is the whole list."""
    app = foreign_app(crowded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [method for method, _ in crowded.calls] == ["listAccounts"]
        assert accounts_grid(app).row_count == 233
        assert status_of(app) == "233 accounts loaded"


async def test_a_switch_that_ignores_offset_stops_at_a_page_with_nothing_new() -> None:
    switch = FirstPageOnly()
    switch.add_accounts(232)
    switch.start()
    try:
        app = foreign_app(switch)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert [params["offset"] for _, params in switch.calls] == [0, PAGE_SIZE]
            assert accounts_grid(app).row_count == PAGE_SIZE
            assert status_of(app) == "100 accounts loaded"
    finally:
        switch.stop()


async def test_members_the_switch_leaves_out_show_as_null_in_every_column(crowded: ForeignSwitch) -> None:
    """`far-007` comes with no description, balance or currency: each of the three shows NULL, as a
    member left out of a trunk does in the trunk table."""
    app = foreign_app(crowded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = accounts_grid(app)
        cells = grid.get_row_at(column(grid, "username").index("far-007"))
        for key in ("description", "balance", "currency"):
            shown = cells[grid.keys.index(key)]
            assert (shown.plain, shown.style) == ("NULL", NULL_STYLE), key


async def test_balances_show_as_money_and_every_header_fits_80_columns(sim: Sim, many: list[int]) -> None:
    """Two decimals and thousands separators, right-aligned, whatever the float sent (18533.2 is
    18,533.20); with every column's label in full on an 80-column screen."""
    sim.store.add_account(sim.logins["acme"].i_customer, "round-sum", balance=18533.2)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = accounts_grid(app)
        balances = column(grid, "balance")
        assert balances[column(grid, "username").index("round-sum")] == "18,533.20"
        assert all(re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", balance) for balance in balances)
        assert grid.get_row_at(0)[grid.keys.index("balance")].justify == "right"
        header = next(line for line in (await rendered(pilot, "Username")).splitlines() if "Username" in line)
        assert all(label in header for label in grid.labels)
        assert sum(grid.column_widths) <= grid.scrollable_content_region.width


async def test_a_switch_that_cannot_look_up_a_username_is_searched_instead(blind: UsernameBlind) -> None:
    """--account NAME on a switch that faults on getAccountInfo{username}: the account is found
    in the list's pages (here the second) and opened."""
    app = foreign_app(blind, "far-140")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TrunksScreen) and app.screen.i_account == 140
        assert [method for method, _ in blind.calls[:3]] == ["getAccountInfo", "listAccounts", "listAccounts"]


async def test_a_username_in_no_page_is_said_to_be_missing(blind: UsernameBlind) -> None:
    app = foreign_app(blind, "nobody")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
        assert status_of(app).startswith("✖ No account named “nobody” in the list (the switch could not look it up:")
        assert accounts_grid(app).row_count == 150


async def test_a_failed_refresh_keeps_the_rows_said_to_be_from_before(sim: Sim) -> None:
    """While a refresh's first page is on its way, and after it fails (the switch stopped), the rows
    loaded before stay, said to be from before, with the failure and the key that tries again; the
    filter's count and rows agree. The switch starts again on the same port: F5 replaces them."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        await pilot.press("escape")
        await settle(pilot)
        wholesale = account_id(sim.client(), WHOLESALE)
        everyone = [str(wholesale)] + [str(a.i_account) for a in sim.client().list_accounts()
                                       if a.i_account != wholesale]
        grid = accounts_grid(app)
        with pages_held(sim, 0):
            await pilot.press("r")
            await pilot.pause()
            assert column(grid, "id") == everyone
            assert status_of(app) == "⧗ 3 accounts from before, refreshing…"
        await settle(pilot)

        port = sim.server.port
        sim.server.stop()
        await pilot.press("r")
        await settle(pilot)
        assert column(grid, "id") == everyone and column(grid, "mark") == ["★", "", ""]
        assert status_of(app).startswith("✖ 3 accounts from before · Refresh failed:")
        assert status_of(app).endswith("· r tries again")

        await pilot.press("slash")
        await type_text(pilot, str(wholesale))
        assert column(grid, "id") == [str(wholesale)]
        assert status_of(app).startswith("✖ 1 of 3 accounts from before matches · Refresh failed:")
        assert status_of(app).endswith("· F5 tries again")

        sim.server = SimulatorServer(sim.store, port=port).start()
        sim.store.add_account(sim.logins["acme"].i_customer, "acme-new")
        await pilot.press("f5")
        await settle(pilot)
        assert column(grid, "id") == [str(wholesale)]
        assert status_of(app) == "1 of 4 accounts matches"
        await pilot.press("ctrl+u")
        assert column(grid, "username")[-1] == "acme-new"
        assert status_of(app) == "4 accounts loaded"


async def test_a_null_description_shows_as_null_and_is_not_the_word_none(sim: Sim, client: SippyClient) -> None:
    i_account = sim.store.add_account(sim.logins["acme"].i_customer, "no-words", description=None)
    assert client.get_account(i_account=i_account).description is None
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        grid = accounts_grid(app)
        row = column(grid, "id").index(str(i_account))
        description = grid.get_row_at(row)[grid.keys.index("description")]
        assert (description.plain, description.style) == ("NULL", NULL_STYLE)
        await type_text(pilot, "none")
        assert grid.row_count == 0
        await pilot.press("ctrl+u")
        await type_text(pilot, "null")  # what is shown, as in the trunk table's quick filter
        assert column(grid, "id") == [str(i_account)]

        await pilot.press("ctrl+u", "down", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.accounts.recent[0].description is None  # remembered as NULL, not as "None"


async def test_f5_refreshes_from_the_filter_box_where_r_types(sim: Sim, wire: RecordingTransport) -> None:
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        box = picker(app).query_one("#filter", Input)
        assert app.focused is box
        await pilot.press("r")
        await settle(pilot)
        assert box.value == "r" and len(wire.of("listAccounts")) == 1
        await pilot.press("f5")
        await settle(pilot)
        assert len(wire.of("listAccounts")) == 2
        await pilot.press("down", "r")
        await settle(pilot)
        assert len(wire.of("listAccounts")) == 3


async def test_slash_and_a_name_in_one_read_all_land_in_the_filter(sim: Sim, many: list[int]) -> None:
    """Over a laggy link `/extra-150` arrives in one read: every key after `/` is typed into the filter."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("down")
        assert app.focused is accounts_grid(app)
        for key in ("slash", *"extra-150"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await settle(pilot)
        assert picker(app).query_one("#filter", Input).value == "extra-150"
        assert column(accounts_grid(app), "username") == ["extra-150"]
