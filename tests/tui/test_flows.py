"""User flows driven through the real app, keys first, against the simulator.

Each test presses the keys an operator would press (clicking where that is
the natural gesture), lets the thread workers finish, and then checks the
outcome twice: on screen (widget state, and the text actually rendered)
and on the server, through the test's own ``client`` (``sim.client()``).
What went over the wire is checked with ``wire``: every ``SippyClient`` the
app creates gets a recording httpx transport, so a test can prove that a
call was sent with exactly these members, or that no call was sent at all.
Values only a misbehaving switch would hold are written straight into the
simulator's store.

Demo data used throughout: login ``acme`` owns ``acme-wholesale`` (59
trunks), ``acme-retail`` and ``acme-lab`` (blocked).

Two private Textual names are used, both in one place each: the screen's
compositor to read what is rendered (``screen_text``), and the pilot's idle
polling step (``brisk_pilot``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static, Switch

from tests.conftest import Sim
from tests.hostile import assert_safe
from tests.tui.driving import (
    SIZE,
    WHOLESALE,
    account_id,
    add_accounts,
    ask_to_save,
    choose,
    click_field,
    column,
    editor,
    field_input,
    header_x,
    make_app,
    open_account,
    open_trunk,
    paste,
    rendered,
    replace_text,
    screen_text,
    select_row,
    select_trunk,
    server_trunk,
    server_trunks,
    settle,
    shown_in_form,
    start,
    static_text,
    status_of,
    stop_after_first_page,
    trunk_table,
    type_text,
    until,
)
from tests.wire import RecordingTransport
from trunktui.api import SippyClient
from trunktui.columns import COLUMNS_2020 as COLUMNS
from trunktui.model import TRUNK_FIELDS, TRUNKS_2020, Kind, Trunk, format_value
from trunktui.simulator import FailMode, add_bulk_trunks
from trunktui.text import printable
from trunktui.tui.app import TrunkApp
from trunktui.tui.form import NullBox
from trunktui.tui.grid import Grid
from trunktui.tui.recent import RecentAccount, RecentAccounts
from trunktui.tui.screens import trunks as trunks_module
from trunktui.tui.screens.accounts import AccountsScreen
from trunktui.tui.screens.confirm import ConfirmScreen
from trunktui.tui.screens.export import ExportScreen
from trunktui.tui.screens.help import HelpScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen

# ===================================================================================
# 1. Browse
# ===================================================================================


async def test_browse_accounts_then_an_accounts_trunks(app: TrunkApp, client: SippyClient) -> None:
    """The picker lists the login's accounts with blocked ones marked; Enter on
    a row opens that account's trunks, in the server's order, and the status
    line's count is the server's count."""
    accounts = client.list_accounts()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        table = screen.query_one("#accounts", Grid)
        assert column(table, "username") == [a.username for a in accounts]
        marks = dict(zip(column(table, "username"), column(table, "status"), strict=True))
        assert "blocked" in marks["acme-lab"]
        assert all("blocked" not in marks[a.username] for a in accounts if not a.blocked)
        assert status_of(app) == f"{len(accounts)} accounts loaded"

        await pilot.press("down")  # from the filter box into the list
        assert app.focused is table
        await select_row(pilot, table, column(table, "username").index(WHOLESALE))
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, TrunksScreen)
        i_account = account_id(client, WHOLESALE)
        assert app.screen.i_account == i_account
        expected = server_trunks(client, i_account)
        trunks = trunk_table(app)
        assert column(trunks, "i_trunk") == [str(t.i_trunk) for t in expected]
        assert column(trunks, "name") == [t.name for t in expected]
        assert status_of(app) == f"{len(expected)} trunks"
        await rendered(pilot, f"account {i_account} {WHOLESALE}")  # in the header


async def steady_footer(pilot: Pilot[None]) -> str:
    """The footer line once it has stopped changing (it is redrawn a frame after the keys change)."""
    shown = ""
    for _ in range(50):
        before, shown = shown, screen_text(pilot.app).splitlines()[-1]
        if shown == before:
            return shown
        await pilot.pause(0.05)
    raise AssertionError(f"the footer kept changing: {shown!r}")


async def test_a_slow_first_list_leaves_the_footer_current(app: TrunkApp, sim: Sim) -> None:
    """While the first trunk list loads the table takes no keys, so the footer
    offers the screen's (Enter opens); once the list is in, the focused table's
    own keys are back, and the footer must show the keys that work now: the
    same as a footer drawn afresh. A slow answer (a loaded machine, a distant
    switch) is what made TestTrunkTable.test_initial's snapshot flaky."""
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        sim.server.knobs.latency = 0.3  # the footer is drawn while the list is on its way
        await open_account(pilot, WHOLESALE)
        sim.server.knobs.latency = 0.0
        assert app.focused is trunk_table(app)
        shown = await steady_footer(pilot)
        app.screen.refresh_bindings()
        assert await steady_footer(pilot) == shown


# ===================================================================================
# 2. Account picker
# ===================================================================================


class TestAccountPicker:
    async def test_local_filter_narrows_rows_without_a_call(self, app: TrunkApp, wire: RecordingTransport) -> None:
        """Typing narrows the loaded rows by username, description or id,
        without asking the server again; Escape in the list clears it."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(pilot)
            table = screen.query_one("#accounts", Grid)
            await type_text(pilot, "retail")
            assert column(table, "username") == ["acme-retail"]
            assert status_of(app) == "1 of 3 accounts matches"
            await pilot.press("ctrl+u")
            await type_text(pilot, "INTEROP")  # description, case folded
            assert column(table, "username") == ["acme-lab"]
            await type_text(pilot, "-nothing")
            assert table.row_count == 0
            assert status_of(app) == "No account matches “INTEROP-nothing”"  # as typed
            await pilot.press("escape")
            assert table.row_count == 3
            assert app.focused is table
            assert [name for name, _ in wire.calls] == ["listAccounts"]

    async def test_recent_accounts_come_first_and_a_typed_id_wins(self, sim: Sim, client: SippyClient) -> None:
        """An opened account is remembered (per login, in the XDG state dir)
        and listed first with ★ when the app starts again. A number typed into
        the filter opens that i_account on Enter, even when another row (the
        recent one) is highlighted."""
        wholesale = account_id(client, WHOLESALE)
        recent = next(i for i in add_accounts(sim, 3, "extra") if str(wholesale) in str(i))

        first = make_app(sim)
        async with first.run_test(size=SIZE) as pilot:
            await start(pilot)
            await type_text(pilot, str(recent))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(first.screen, TrunksScreen) and first.screen.i_account == recent

        again = make_app(sim)
        async with again.run_test(size=SIZE) as pilot:
            screen = await start(pilot)
            table = screen.query_one("#accounts", Grid)
            assert column(table, "id")[0] == str(recent)
            assert column(table, "mark") == ["★"] + [""] * (table.row_count - 1)

            await type_text(pilot, str(wholesale))
            ids = column(table, "id")
            assert ids[0] == str(recent) and str(wholesale) in ids
            assert table.cursor_row == 0  # the recent row is the highlighted one
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(again.screen, TrunksScreen)
            assert again.screen.i_account == wholesale
            assert column(trunk_table(again), "name") == [t.name for t in server_trunks(client, wholesale)]

    async def test_a_digit_that_is_not_ascii_is_text_not_an_id(
        self, sim: Sim, app: TrunkApp, wire: RecordingTransport
    ) -> None:
        """``²`` passes ``str.isdigit`` but is no i_account: it filters like any
        text, and Enter opens the account it matches (by name)."""
        i_account = sim.store.add_account(sim.logins["acme"].i_customer, "lab²")
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(pilot)
            await type_text(pilot, "²")
            assert column(screen.query_one("#accounts", Grid), "username") == ["lab²"]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, TrunksScreen) and app.screen.i_account == i_account
            assert not wire.of("getAccountInfo")

    async def test_every_page_loads_in_the_background(
        self, sim: Sim, client: SippyClient, app: TrunkApp, wire: RecordingTransport
    ) -> None:
        """With 153 accounts, start-up fetches one page of 100 and then, with no
        scrolling, the next; the short page ends it, and moving about fetches no more."""
        add_accounts(sim, 150)
        everything = client.list_accounts(0, 1000)
        assert len(everything) == 153
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(pilot)
            table = screen.query_one("#accounts", Grid)
            assert wire.of("listAccounts") == [{"offset": 0, "limit": 100}, {"offset": 100, "limit": 100}]
            assert column(table, "id") == [str(a.i_account) for a in everything]
            assert status_of(app) == "153 accounts loaded"

            await pilot.press("down", "ctrl+end", "ctrl+home", "ctrl+end")
            await settle(pilot)
            assert len(wire.of("listAccounts")) == 2

    async def test_a_typed_id_opens_an_account_not_loaded_yet(
        self, sim: Sim, app: TrunkApp, wire: RecordingTransport, later_pages_held: Callable[[], None]
    ) -> None:
        """Loading stopped after the first page: an id beyond it matches no loaded
        row, yet Enter looks it up with getAccountInfo and opens it."""
        last = add_accounts(sim, 150)[-1]
        async with app.run_test(size=SIZE) as pilot:
            screen = await stop_after_first_page(pilot, later_pages_held)
            await type_text(pilot, str(last))
            assert screen.query_one("#accounts", Grid).row_count == 0
            assert status_of(app) == f"No loaded account matches “{last}”; loading stopped · F5 loads them all"
            await pilot.press("enter")
            await settle(pilot)
            assert wire.of("getAccountInfo") == [{"i_account": last}]
            assert isinstance(app.screen, TrunksScreen) and app.screen.i_account == last
            await rendered(pilot, "This account has no trunks yet")

    async def test_typing_a_filter_fetches_each_page_once(
        self, sim: Sim, app: TrunkApp, wire: RecordingTransport
    ) -> None:
        """The filter is local: typing while pages load asks for no page twice,
        and text naming a loaded account looks nothing up."""
        add_accounts(sim, 150)
        async with app.run_test(size=SIZE) as pilot:
            await type_text(pilot, "bulk-001")
            await settle(pilot)
            assert wire.of("listAccounts") == [{"offset": 0, "limit": 100}, {"offset": 100, "limit": 100}]
            assert not wire.of("getAccountInfo")


# ===================================================================================
# 3. Name pattern (server side)
# ===================================================================================


class TestOpenAtStart:
    """--account NAME|ID opens that account's trunks at once; Escape still leads to the picker."""

    @pytest.mark.parametrize("by", ["username", "id"])
    async def test_the_named_account_opens_first(self, sim: Sim, client: SippyClient, by: str) -> None:
        i_account = account_id(client, "acme-retail")
        key: int | str = "acme-retail" if by == "username" else i_account
        app = make_app(sim, account=key)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TrunksScreen) and screen.i_account == i_account
            assert column(trunk_table(app), "name") == [str(t.name) for t in client.list_trunks(i_account)]
            assert "acme-retail" in str(app.screen.sub_title)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, AccountsScreen)
            assert "acme-retail" in column(app.screen.query_one("#accounts", Grid), "username")

    async def test_a_recent_account_named_by_id_asks_for_its_trunks_first(
        self, sim: Sim, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """No lookup, no page of accounts before the trunk list; the header names it as remembered,
        and the picker loads its pages once it is shown."""
        i_account = account_id(client, "acme-retail")
        app = make_app(sim, account=i_account)
        RecentAccounts(app.session.who).remember(RecentAccount(i_account, "acme-retail", "Retail SIP trunking"))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TrunksScreen) and app.screen.i_account == i_account
            assert "acme-retail" in str(app.screen.sub_title)
            assert [method for method, _ in wire.calls] == ["getTrunksList"]
            await pilot.press("escape")
            await settle(pilot)
            assert [method for method, _ in wire.calls] == ["getTrunksList", "listAccounts"]

    @pytest.mark.parametrize("by", ["username", "id"])
    async def test_the_trunks_are_asked_for_right_after_the_lookup(
        self, sim: Sim, client: SippyClient, wire: RecordingTransport, by: str
    ) -> None:
        """An account not remembered is looked up, and then its trunk list is the next call: the
        picker's pages wait until the picker is shown."""
        i_account = account_id(client, "acme-retail")
        app = make_app(sim, account="acme-retail" if by == "username" else i_account)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TrunksScreen)
            assert [method for method, _ in wire.calls] == ["getAccountInfo", "getTrunksList"]
            await pilot.press("escape")
            await settle(pilot)
            assert [method for method, _ in wire.calls][2:] == ["listAccounts"]

    async def test_an_account_that_cannot_be_opened_at_start_leaves_the_picker_loading(
        self, sim: Sim, wire: RecordingTransport
    ) -> None:
        app = make_app(sim, account=99999)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, AccountsScreen) and "99999" in status_of(app)
            assert [method for method, _ in wire.calls] == ["getAccountInfo", "listAccounts"]
            assert "acme-retail" in column(app.screen.query_one("#accounts", Grid), "username")

    async def test_an_unknown_account_stays_on_the_picker_and_says_so(self, sim: Sim) -> None:
        app = make_app(sim, account="no-such-account")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, AccountsScreen)
            assert "✖" in status_of(app)


class TestLargeAccount:
    """A 3,000-trunk account: the table holds every row but draws only those in view."""

    @pytest.fixture
    def large(self, sim: Sim) -> int:
        i_account = sim.store.add_account(1, "acme-large", description="Generated trunks")
        add_bulk_trunks(sim.store, i_account, 3000)
        return i_account

    async def test_browse_filter_and_keep_the_selection(self, app: TrunkApp, sim: Sim, large: int) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_account(pilot, "acme-large")
            table = trunk_table(app)
            assert table.row_count == 3000
            await pilot.press("end")
            last = app.screen.shown[-1]  # type: ignore[attr-defined]
            assert table.cursor_row == 2999 and str(last.name) in screen_text(app)
            await pilot.press("up", "up")
            kept = app.screen.current()  # type: ignore[attr-defined]
            await pilot.press("r")
            await settle(pilot)
            assert app.screen.current().i_trunk == kept.i_trunk  # type: ignore[attr-defined]
            assert str(kept.name) in screen_text(app)
            await pilot.press("slash", *"ams-0001")
            await pilot.pause()
            names = column(table, "name")
            assert names and all("ams-0001" in name for name in names)
            assert status_of(app).startswith(f"3,000 trunks · filter “ams-0001” shows {len(names)}")
            await pilot.press("escape")  # clears the filter; the first match stays selected
            await until(pilot, lambda: names[0] in screen_text(app), "the table to scroll to the selection")
            chosen = app.screen.current()  # type: ignore[attr-defined]
            assert table.row_count == 3000 and chosen.name == names[0] and table.cursor_row > 24
            await pilot.press("slash", *names[-1], "escape")  # one match (no scrollbar), then all again
            await until(pilot, lambda: names[-1] in screen_text(app), "the table to scroll to the selection")
            assert app.screen.current().name == names[-1]  # type: ignore[attr-defined]


class TestPattern:
    async def test_enter_applies_a_like_pattern(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """p, a LIKE pattern and Enter: the switch is asked with that pattern and
        the table shows exactly what the switch returns for it."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            await pilot.press("p")
            assert app.focused is screen.query_one("#pattern")
            await type_text(pilot, "telia%")
            await pilot.press("enter")
            await settle(pilot)

            expected = server_trunks(client, screen.i_account, "telia%")
            assert 0 < len(expected) < len(server_trunks(client, screen.i_account))
            assert column(trunk_table(app), "name") == [t.name for t in expected]
            assert wire.of("getTrunksList")[-1] == {"i_account": screen.i_account, "name_pattern": "telia%"}
            assert status_of(app) == f"{len(expected)} trunks · pattern “telia%”"
            assert app.focused is screen.query_one("#pattern")

            await pilot.press("ctrl+u", *"TELIA%", "enter")  # LIKE is case-sensitive on this switch
            await settle(pilot)
            assert server_trunks(client, screen.i_account, "TELIA%") == []
            assert trunk_table(app).display is False
            await rendered(pilot, "No trunk of this account matches the pattern “TELIA%”")

    async def test_typing_applies_the_pattern_once_after_a_pause(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """Without Enter the pattern applies after the debounce, as one call."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = len(wire.of("getTrunksList"))
            await pilot.press("p", *"tata%")
            expected = [t.name for t in server_trunks(client, screen.i_account, "tata%")]
            await until(pilot, lambda: column(trunk_table(app), "name") == expected, "the debounced pattern")
            await settle(pilot)
            assert wire.of("getTrunksList")[before:] == [{"i_account": screen.i_account, "name_pattern": "tata%"}]

    async def test_a_lone_trailing_backslash_is_refused_locally(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A pattern ending in a lone backslash shows the problem in the hint
        line and is never sent, neither on Enter nor after the debounce; the
        table keeps the rows of the last valid pattern."""
        monkeypatch.setattr(trunks_module, "DEBOUNCE_SECONDS", 0.05)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            await pilot.press("p", *"tata%", "enter")
            await settle(pilot)
            rows = column(trunk_table(app), "name")
            assert rows == [t.name for t in server_trunks(client, screen.i_account, "tata%")]
            await pilot.press("end", "\\")  # Enter left the focus in the box
            hint = screen.query_one("#pattern-hint", Static)
            assert hint.has_class("-error")
            assert static_text(hint) == "A pattern may not end with a lone \\ (write \\\\ for a backslash)."
            await pilot.press("enter")
            await pilot.pause(0.15)  # three times the shortened debounce
            await settle(pilot)
            sent = [params.get("name_pattern") for params in wire.of("getTrunksList")]
            assert all(not p.endswith("\\") for p in sent if p)
            assert app.focused is screen.query_one("#pattern")
            assert column(trunk_table(app), "name") == rows

            await type_text(pilot, "\\")  # an escaped backslash is fine
            assert not hint.has_class("-error")


# ===================================================================================
# 4. Quick filter (local)
# ===================================================================================


async def test_quick_filter_narrows_loaded_rows_without_a_call(
    app: TrunkApp, client: SippyClient, wire: RecordingTransport
) -> None:
    """/ and some text keep only rows with that text in a visible cell, with
    no call; a filter hiding every row shows the empty-state text instead of
    an empty table; Escape clears it."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        everything = server_trunks(client, screen.i_account)
        calls = len(wire.calls)
        await pilot.press("slash")
        assert app.focused is screen.query_one("#quick")
        await type_text(pilot, "TELIA")

        def visible_text(trunk: Trunk) -> str:
            return " ".join("NULL" if trunk.get(f.name) is None else format_value(trunk.get(f.name)) for f in COLUMNS)

        expected = [t.name for t in everything if "telia" in visible_text(t).casefold()]
        assert 0 < len(expected) < len(everything)
        assert column(trunk_table(app), "name") == expected
        assert status_of(app) == f"{len(everything)} trunks · filter “telia” shows {len(expected)}"

        await type_text(pilot, "-no-such-thing")
        assert trunk_table(app).display is False
        await rendered(pilot, f"The quick filter “telia-no-such-thing” hides all {len(everything)} trunks")

        await pilot.press("escape")
        assert trunk_table(app).display is True
        assert trunk_table(app).row_count == len(everything)
        assert len(wire.calls) == calls


# ===================================================================================
# 5. Sort
# ===================================================================================


class TestSort:
    async def test_sort_by_a_column_then_reverse(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """s and a column orders the rows by it, numbers numerically and NULLs
        last; choosing the same column again reverses the order, NULLs still
        last. No call."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            calls = len(wire.calls)
            server = sorted(
                (t.get("capacity") for t in server_trunks(client, screen.i_account)),
                key=lambda v: (v is None, v or 0),
            )
            assert None in server and server[0] is not None

            await pilot.press("s")
            await choose(pilot, "capacity")
            shown = column(trunk_table(app), "capacity")
            assert shown == ["NULL" if v is None else str(v) for v in server]
            assert status_of(app).endswith("sorted by Capacity ↑")

            await pilot.press("s")
            assert app.screen.query_one(OptionList).highlighted_option.id == "capacity"  # type: ignore[union-attr]
            await pilot.press("enter")
            await pilot.pause()
            reversed_ = column(trunk_table(app), "capacity")
            numbers = [v for v in shown if v != "NULL"]
            nulls = [v for v in shown if v == "NULL"]
            assert reversed_ == sorted(numbers, key=int, reverse=True) + nulls, "NULLs stay last"
            assert status_of(app).endswith("sorted by Capacity ↓")

            await pilot.press("s")
            await choose(pilot, "name")
            names = column(trunk_table(app), "name")
            assert names == sorted(names, key=str.casefold)
            assert len(wire.calls) == calls

    async def test_clicking_a_header_sorts(self, app: TrunkApp) -> None:
        """A click on a column header sorts by that column, as s would."""
        async with app.run_test(size=SIZE) as pilot:
            await open_account(pilot, WHOLESALE)
            table = trunk_table(app)
            x = header_x(table, "max_cps")
            assert x + 2 < table.size.width
            await pilot.click(table, offset=(x + 2, 0))
            await pilot.pause()
            values = column(table, "max_cps")
            assert values == sorted(values, key=lambda v: (v == "NULL", 0.0 if v == "NULL" else float(v)))
            assert status_of(app).endswith("sorted by Max CPS ↑")
            await pilot.click(table, offset=(x + 2, 0))
            await pilot.pause()
            assert status_of(app).endswith("sorted by Max CPS ↓")
            await pilot.press("right", "right", "right", "right")
            await pilot.pause()
            assert "Max CPS ▼" in table.render_line(0).text


# ===================================================================================
# 6-7. Create and clone
# ===================================================================================


class TestCreate:
    async def test_create_a_trunk(self, app: TrunkApp, client: SippyClient, wire: RecordingTransport) -> None:
        """n, a name, a destination and Ctrl+S: the switch gets createTrunk with
        just those (defaults are left to it), stores exactly them with the
        defaults for the rest, and the new row is selected in the table."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = len(server_trunks(client, screen.i_account))
            await pilot.press("n")
            assert isinstance(app.screen, TrunkScreen) and app.screen.creating
            assert app.focused is field_input(app, "name")
            await type_text(pilot, "flow-1")
            await pilot.press("tab")
            assert app.focused is field_input(app, "destination")
            await type_text(pilot, "192.0.2.7")
            await pilot.press("ctrl+s")
            await settle(pilot)

            assert wire.of("createTrunk") == [
                {"name": "flow-1", "destination": "192.0.2.7", "i_account": screen.i_account}
            ]
            (created,) = server_trunks(client, screen.i_account, "flow-1")
            for spec in TRUNK_FIELDS:
                if spec.name not in ("i_trunk", "i_account", "name", "destination"):
                    assert created.get(spec.name) == spec.default, spec.name
                    assert type(created.get(spec.name)) is type(spec.default), spec.name
            assert created.get("destination") == "192.0.2.7"
            assert len(server_trunks(client, screen.i_account)) == before + 1

            assert app.screen is screen
            table = trunk_table(app)
            assert table.row_count == before + 1
            assert table.get_row_at(table.cursor_row)[0].plain == str(created.i_trunk)
            assert table.get_row_at(table.cursor_row)[1].plain == "flow-1"

    async def test_create_with_a_taken_name_shows_the_fault_and_keeps_the_form(
        self, app: TrunkApp, client: SippyClient
    ) -> None:
        """The switch refuses a duplicate name: its fault shows beside Create and
        the form stays open with what was typed."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            taken = server_trunks(client, screen.i_account)[0].name
            await pilot.press("n")
            await paste(pilot, taken)
            await pilot.press("tab")
            await paste(pilot, "192.0.2.1")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TrunkScreen)
            assert f"Creating failed: Fault 409: A trunk named {taken!r} already exists" in status_of(
                app, "#save-status"
            )
            assert field_input(app, "name").value == taken
            assert field_input(app, "destination").value == "192.0.2.1"
            assert len(server_trunks(client, screen.i_account, taken)) == 1

    async def test_clone_prefills_the_form(self, app: TrunkApp, client: SippyClient) -> None:
        """c on a trunk opens a new-trunk form holding the trunk's values under
        a new name; saving creates a second trunk with the same destination
        (and the same other settings)."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            source = next(
                t for t in server_trunks(client, screen.i_account)
                if t.get("password") and t.get("destination_backup") is not None
            )
            await select_trunk(pilot, source.i_trunk)
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, TrunkScreen) and app.screen.creating
            await rendered(pilot, f"cloned from {source.name}")
            for spec in TRUNKS_2020.editable(creating=True):
                shown = editor(app, spec.name)
                if spec.name == "name":
                    assert field_input(app, "name").value == f"{source.name}-copy"
                elif spec.kind is Kind.BOOLEAN:
                    assert shown.query_one(Switch).value is source.get(spec.name)
                else:
                    assert field_input(app, spec.name).value == shown_in_form(source.get(spec.name))
                    if spec.nullable:
                        assert shown.query_one(NullBox).value is (source.get(spec.name) is None)

            await pilot.press("ctrl+s")
            await settle(pilot)
            (clone,) = server_trunks(client, screen.i_account, f"{source.name}-copy")
            assert clone.i_trunk != source.i_trunk
            for spec in TRUNKS_2020.editable(creating=True):
                if spec.name != "name":
                    assert clone.get(spec.name) == source.get(spec.name), spec.name
            assert [t.i_trunk for t in server_trunks(client, screen.i_account)
                    if t.get("destination") == source.get("destination")] == [source.i_trunk, clone.i_trunk]
            table = trunk_table(app)
            assert table.get_row_at(table.cursor_row)[1].plain == f"{source.name}-copy"

    async def test_create_without_required_fields_sends_nothing(
        self, app: TrunkApp, wire: RecordingTransport
    ) -> None:
        """Ctrl+S on an empty new-trunk form sends nothing and names what is missing."""
        async with app.run_test(size=SIZE) as pilot:
            await open_account(pilot, WHOLESALE)
            await pilot.press("n", "ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TrunkScreen)
            assert "Fix the 2 fields marked in red" in status_of(app, "#save-status")
            assert wire.of("createTrunk") == []

    async def test_empty_required_fields_are_marked_in_the_form(self, app: TrunkApp) -> None:
        """Ctrl+S on an empty new-trunk form marks Name and Destination in red."""
        async with app.run_test(size=SIZE) as pilot:
            await open_account(pilot, WHOLESALE)
            await pilot.press("n", "ctrl+s")
            await settle(pilot)
            assert editor(app, "name").has_class("-invalid")
            assert static_text(editor(app, "name").query_one(".message", Static)) == "Name may not be empty."
            assert status_of(app, "#save-status") == "✖ Fix the 2 fields marked in red first."


# ===================================================================================
# 8-9. Edit, and NULL
# ===================================================================================


def a_trunk_with_capacity(client: SippyClient, i_account: int) -> Trunk:
    return next(t for t in server_trunks(client, i_account) if isinstance(t.get("capacity"), int))


class TestEdit:
    async def test_edit_sends_only_the_changed_fields(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """Change description and capacity, Ctrl+S: the dialog lists each as
        old -> new, and confirming sends updateTrunk with those two members
        only; the switch then holds the new values and nothing else changed."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = a_trunk_with_capacity(client, screen.i_account)
            await open_trunk(pilot, before.i_trunk)

            await click_field(pilot, "description")
            await replace_text(pilot, "Edited by the flow test", pasted=True)
            await click_field(pilot, "capacity")
            await replace_text(pilot, "250")
            assert editor(app, "capacity").has_class("-changed")

            dialog = await ask_to_save(pilot)
            assert dialog.title_text == "Save 2 changed fields?"
            old_description = re.escape(before.get("description"))
            shown = await rendered(pilot, pattern=rf"Description\s+{old_description}\s+→\s+Edited by the flow test")
            assert re.search(rf"Capacity\s+{before.get('capacity')}\s+→\s+250", shown)
            assert app.focused is dialog.query_one("#confirm", Button)
            await pilot.press("enter")
            await settle(pilot)

            assert wire.of("updateTrunk") == [
                {"i_trunk": before.i_trunk, "description": "Edited by the flow test", "capacity": 250}
            ]
            after = server_trunk(client, before.i_trunk)
            assert after is not None
            assert after.members == {**before.members, "description": "Edited by the flow test", "capacity": 250}
            assert isinstance(app.screen, TrunkScreen)

            await pilot.press("escape")  # saved and clean: leaves at once, and the table reloads
            await settle(pilot)
            assert app.screen is screen
            table = trunk_table(app)
            row = column(table, "i_trunk").index(str(before.i_trunk))
            assert table.cursor_row == row
            assert column(table, "capacity")[row] == "250"
            assert column(table, "description")[row] == "Edited by the flow test"

    async def test_after_a_save_the_form_is_clean(self, app: TrunkApp, client: SippyClient) -> None:
        """Once saved and reloaded, the status says so and no field is marked changed."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            await open_trunk(pilot, a_trunk_with_capacity(client, screen.i_account).i_trunk)
            await click_field(pilot, "description")
            await replace_text(pilot, "saved", pasted=True)
            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "edits are kept" not in status_of(app, "#save-status")
            assert not editor(app, "description").has_class("-changed")

    async def test_tick_null_sends_null(self, app: TrunkApp, client: SippyClient, wire: RecordingTransport) -> None:
        """Ticking the NULL box of capacity disables its input and saves NULL:
        the switch returns None (not 0, not ""), and the table shows NULL."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = a_trunk_with_capacity(client, screen.i_account)
            await open_trunk(pilot, before.i_trunk)
            await pilot.click(editor(app, "capacity").query_one(NullBox))
            assert field_input(app, "capacity").disabled

            await ask_to_save(pilot)
            await rendered(pilot, pattern=rf"Capacity\s+{before.get('capacity')}\s+→\s+NULL")
            await pilot.press("enter")
            await settle(pilot)
            assert wire.of("updateTrunk") == [{"i_trunk": before.i_trunk, "capacity": None}]
            after = server_trunk(client, before.i_trunk)
            assert after is not None and "capacity" in after.members and after.get("capacity") is None

            await pilot.press("escape")
            await settle(pilot)
            table = trunk_table(app)
            assert column(table, "capacity")[column(table, "i_trunk").index(str(before.i_trunk))] == "NULL"

    async def test_untick_null_sends_an_empty_string_not_null(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """NULL and "" stay apart: unticking NULL on an empty backup destination
        saves the empty string."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = next(t for t in server_trunks(client, screen.i_account) if t.get("destination_backup") is None)
            await open_trunk(pilot, before.i_trunk)
            await pilot.click(editor(app, "destination_backup").query_one(NullBox))
            assert not field_input(app, "destination_backup").disabled
            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert wire.of("updateTrunk") == [{"i_trunk": before.i_trunk, "destination_backup": ""}]
            after = server_trunk(client, before.i_trunk)
            assert after is not None and after.get("destination_backup") == ""


# ===================================================================================
# 10-11. Delete
# ===================================================================================


class TestDelete:
    async def test_delete_confirmed(self, app: TrunkApp, client: SippyClient, wire: RecordingTransport) -> None:
        """d shows name, i_trunk and destination with Cancel focused; moving to
        Delete and pressing Enter deletes on the switch and drops the row."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            trunks = server_trunks(client, screen.i_account)
            victim = trunks[2]
            await select_trunk(pilot, victim.i_trunk)
            await pilot.press("d")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ConfirmScreen) and dialog.has_class("-danger")
            shown = await rendered(pilot, "Delete this trunk?", "cannot be undone")
            for label, value in (("Name", victim.name), ("ID", victim.i_trunk),
                                 ("Destination", victim.get("destination"))):
                assert re.search(rf"{label}\s+{re.escape(str(value))}", shown), label
            assert app.focused is dialog.query_one("#cancel", Button)
            await pilot.press("right")
            assert app.focused is dialog.query_one("#confirm", Button)
            await pilot.press("enter")
            await settle(pilot)

            assert wire.of("deleteTrunk") == [{"i_trunk": victim.i_trunk}]
            assert server_trunk(client, victim.i_trunk) is None
            assert len(server_trunks(client, screen.i_account)) == len(trunks) - 1
            assert app.screen is screen
            ids = column(trunk_table(app), "i_trunk")
            assert str(victim.i_trunk) not in ids and len(ids) == len(trunks) - 1
            assert status_of(app) == f"{len(trunks) - 1} trunks"

    async def test_delete_cancelled(self, app: TrunkApp, client: SippyClient, wire: RecordingTransport) -> None:
        """d then Enter (Cancel is the default), and d then Escape, delete nothing."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            trunks = server_trunks(client, screen.i_account)
            await select_trunk(pilot, trunks[1].i_trunk)
            for key in ("enter", "escape"):
                await pilot.press("d")
                await pilot.pause()
                assert isinstance(app.screen, ConfirmScreen)
                await pilot.press(key)
                await settle(pilot)
                assert app.screen is screen
            assert wire.of("deleteTrunk") == []
            assert server_trunk(client, trunks[1].i_trunk) is not None
            assert column(trunk_table(app), "i_trunk") == [str(t.i_trunk) for t in trunks]


# ===================================================================================
# 12-13. Faults
# ===================================================================================


class TestFaults:
    async def test_a_failed_save_keeps_the_edits(self, app: TrunkApp, sim: Sim, client: SippyClient) -> None:
        """A fault on save shows its code and string beside Save, the form keeps
        the user's edits, the switch is unchanged; saving again succeeds."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = a_trunk_with_capacity(client, screen.i_account)
            await open_trunk(pilot, before.i_trunk)
            await click_field(pilot, "description")
            await replace_text(pilot, "kept through a fault", pasted=True)

            await ask_to_save(pilot)
            sim.server.knobs.fail_mode = FailMode.FAULT
            sim.server.knobs.fail_every = 1
            await pilot.press("enter")
            await settle(pilot)
            sim.server.knobs.fail_every = 0

            assert isinstance(app.screen, TrunkScreen)
            assert status_of(app, "#save-status") == "✖ Saving failed: Fault 500: Injected fault"
            assert field_input(app, "description").value == "kept through a fault"
            assert app.screen.query_one("#save", Button).disabled is False
            assert server_trunk(client, before.i_trunk) == before

            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            after = server_trunk(client, before.i_trunk)
            assert after is not None and after.get("description") == "kept through a fault"
            assert "failed" not in status_of(app, "#save-status")

    @pytest.mark.parametrize(
        ("mode", "message"),
        [
            (FailMode.HTTP_500, "answered HTTP 500 Internal Server Error instead of XML-RPC"),
            (FailMode.MALFORMED, "is not well-formed XML"),
        ],
    )
    async def test_a_failed_load_is_shown_and_the_app_carries_on(
        self, app: TrunkApp, sim: Sim, client: SippyClient, mode: FailMode, message: str
    ) -> None:
        """A refresh that fails shows why in the status line, keeps the rows it
        had, and the next refresh works."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            rows = column(trunk_table(app), "name")
            sim.server.knobs.fail_mode = mode
            sim.server.knobs.fail_every = 1
            await pilot.press("r")
            await settle(pilot)
            sim.server.knobs.fail_every = 0

            assert app.is_running and app.screen is screen
            assert status_of(app).startswith("✖ Loading failed: ") and message in status_of(app)
            assert screen.query_one("#status").has_class("-fault")
            assert column(trunk_table(app), "name") == rows

            await pilot.press("r")
            await settle(pilot)
            assert status_of(app) == f"{len(server_trunks(client, screen.i_account))} trunks"
            await open_trunk(pilot, server_trunks(client, screen.i_account)[0].i_trunk)


# ===================================================================================
# 14-15. Validation and unsaved changes
# ===================================================================================


class TestFormSafety:
    async def test_invalid_number_is_shown_and_nothing_is_sent(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """abc in capacity: the error shows under that field, Ctrl+S sends
        nothing and puts the cursor back in the bad field."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = a_trunk_with_capacity(client, screen.i_account)
            await open_trunk(pilot, before.i_trunk)
            await click_field(pilot, "capacity")
            await replace_text(pilot, "abc")
            capacity = editor(app, "capacity")
            assert capacity.has_class("-invalid")
            assert static_text(capacity.query_one(".message", Static)) == "Capacity must be a whole number."

            await click_field(pilot, "description")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, TrunkScreen)
            assert app.focused is field_input(app, "capacity")
            assert status_of(app, "#save-status") == "✖ Fix the 1 field marked in red first."
            assert wire.of("updateTrunk") == []
            assert server_trunk(client, before.i_trunk) == before

    async def test_escape_leaves_a_clean_form_and_asks_before_losing_edits(
        self, app: TrunkApp, client: SippyClient, wire: RecordingTransport
    ) -> None:
        """Escape on an untouched form (just reloaded from the switch) leaves
        at once. On an edited one it asks first, with the keep-editing button
        (Cancel) focused: Enter stays with the edits; Discard leaves, unsaved."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            before = a_trunk_with_capacity(client, screen.i_account)
            await open_trunk(pilot, before.i_trunk)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen

            await open_trunk(pilot, before.i_trunk)
            await click_field(pilot, "description")
            await replace_text(pilot, "not to be kept", pasted=True)
            await pilot.press("escape")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ConfirmScreen)
            await rendered(pilot, "Unsaved changes to: Description.")
            assert app.focused is dialog.query_one("#cancel", Button)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, TrunkScreen)
            assert field_input(app, "description").value == "not to be kept"

            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("right", "enter")
            await settle(pilot)
            assert app.screen is screen
            assert wire.of("updateTrunk") == []
            assert server_trunk(client, before.i_trunk) == before


# ===================================================================================
# 16. Hostile server strings
# ===================================================================================

# Each is legal in XML 1.0, so it can arrive in an XML-RPC answer: markup, a C1
# CSI (the one-byte ESC [), NEL, tab, newline, a bidi override and a zero-width space.
HOSTILE_NAME = "[bold red]boom[/] \x9b2J\u202eevil"
HOSTILE_DESCRIPTION = "[link=https://x.example]click[/link]\tTAB\nNL\x85\u200b"
HOSTILE_NOTE = "[b]markup[/b] \x9b31m\u2066"


class TestHostileStrings:
    """Rendered screens are read after a cursor move, as an operator would see them."""

    @pytest.fixture
    def hostile(self, sim: Sim, client: SippyClient) -> int:
        """A trunk whose name and description only a misbehaving switch would
        store (written straight into the store, past the model's checks), and
        an extra member every trunk now carries."""
        (i_trunk,) = sim.store.insert_trunks([{
            "i_account": account_id(client, WHOLESALE), "name": HOSTILE_NAME, "destination": "192.0.2.9",
            "description": HOSTILE_DESCRIPTION,
        }])
        sim.server.knobs.extra_members = {"note": HOSTILE_NOTE}
        return i_trunk

    async def test_table_and_trunk_screen_show_them_literally(
        self, app: TrunkApp, client: SippyClient, hostile: int
    ) -> None:
        """Markup is shown as typed, control and bidi characters as visible
        stand-ins, on the table, the trunk screen and the delete dialog; the
        untouched hostile values do not count as edits."""
        async with app.run_test(size=(240, 50)) as pilot:
            await open_account(pilot, WHOLESALE)
            await select_trunk(pilot, hostile)  # the last row, scrolled into view
            text = await rendered(
                pilot,
                "[bold red]boom[/] <U+009B>2J<U+202E>evil",
                "[link=https://x.example]click[/link]␉TAB␊NL<U+0085><U+200B>",
            )
            assert_safe(text)

            await open_trunk(pilot, hostile)
            text = await rendered(pilot, f"Trunk {hostile} · [bold red]boom[/] <U+009B>2J<U+202E>evil",
                                  pattern=r"note\s+\[b\]markup\[/b\] <U\+009B>31m<U\+2066>")
            assert_safe(text)
            assert field_input(app, "description").value == printable(HOSTILE_DESCRIPTION)
            await pilot.press("escape")  # untouched stand-ins are no edit: no "discard?" question
            await pilot.pause()
            assert isinstance(app.screen, TrunksScreen)

            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert_safe(await rendered(pilot, "Delete this trunk?", "[bold red]boom[/] <U+009B>2J<U+202E>evil"))
            await pilot.press("escape")
            assert server_trunk(client, hostile) is not None

    async def test_hostile_account_strings_in_picker_and_title(self, app: TrunkApp, sim: Sim) -> None:
        """An account's username and description are shown literally in the
        picker and in the header's sub-title."""
        customer = sim.logins["acme"].i_customer
        i_account = sim.store.add_account(customer, "[reverse]acct[/reverse]\x9b\u202e", description="[i]desc[/i]\x85")
        async with app.run_test(size=(160, 30)) as pilot:
            await start(pilot)
            await pilot.press("down", "ctrl+end")  # onto the account (see the class docstring)
            assert_safe(await rendered(pilot, "[reverse]acct[/reverse]<U+009B><U+202E>", "[i]desc[/i]<U+0085>"))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, TrunksScreen)
            text = await rendered(pilot, f"account {i_account} [reverse]acct[/reverse]<U+009B><U+202E>")
            assert_safe(text)
            assert "[reverse]acct" in text.splitlines()[0]  # the header

    async def test_raw_escape_characters_spoil_the_answer_not_the_screen(
        self, app: TrunkApp, sim: Sim, client: SippyClient
    ) -> None:
        """ESC and BEL are not legal XML: an answer carrying them is refused as
        malformed, the reason is shown, and no control byte is rendered."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            sim.server.knobs.extra_members = {"note": "[b]x[/b] \x1b[2J\x07"}
            await pilot.press("r")
            await settle(pilot)
            status = status_of(app)
            assert status.startswith("✖ Loading failed: The answer from ") and "is not well-formed XML" in status
            assert_safe(await rendered(pilot, "✖ Loading failed"))
            sim.server.knobs.extra_members = {}
            await pilot.press("r")
            await settle(pilot)
            assert status_of(app) == f"{len(server_trunks(client, screen.i_account))} trunks"


# ===================================================================================
# 17-18. Copy and export
# ===================================================================================


async def test_copy_the_name(app: TrunkApp, client: SippyClient) -> None:
    """y and Name puts the selected trunk's name on the clipboard; the
    destination can be copied the same way."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        trunk = server_trunks(client, screen.i_account)[3]
        await select_trunk(pilot, trunk.i_trunk)
        await pilot.press("y")
        await pilot.pause()
        await rendered(pilot, f"Name: {trunk.name}")
        await choose(pilot, "name")
        assert app.clipboard == trunk.name
        assert app.screen is screen
        await pilot.press("y")
        await pilot.pause()
        await choose(pilot, "destination")
        assert app.clipboard == trunk.get("destination")


def expected_csv_line(trunk: Trunk) -> str:
    cells = []
    for spec in COLUMNS:
        value = trunk.get(spec.name)
        if value is None:
            cells.append("")
        elif isinstance(value, (int, float)):
            cells.append(format_value(value))
        else:
            cells.append('"' + value.replace('"', '""') + '"')
    return ",".join(cells)


class TestExport:
    """The suggested path is in the working directory, so each test works in
    ``tmp_path`` and types short relative names."""

    @pytest.fixture(autouse=True)
    def in_tmp_path(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)

    async def export_visible(self, pilot: Pilot[None], name: str | None) -> ExportScreen:
        """x, then Enter on the suggested path or on ``name`` typed over it."""
        await pilot.press("x")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportScreen)
        assert pilot.app.focused is dialog.query_one("#path", Input)
        if name is not None:
            await replace_text(pilot, name)
        await pilot.press("enter")
        await settle(pilot)
        return dialog

    async def test_export_the_visible_rows(self, app: TrunkApp, client: SippyClient, tmp_path: Path) -> None:
        """Only the rows the quick filter leaves are written, in table order; in
        CSV NULL is an empty cell and text is always quoted, so "" stays apart
        from NULL; JSON keeps the types. A name without .csv or .json, and an
        existing file, are refused in the dialog and nothing is (over)written."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            await pilot.press("slash", *"telia", "down")
            by_id = {str(t.i_trunk): t for t in server_trunks(client, screen.i_account)}
            visible = [by_id[i] for i in column(trunk_table(app), "i_trunk")]
            assert 0 < len(visible) < len(by_id)
            assert any(t.get("destination_backup") is None for t in visible)
            assert any(t.get("outbound_ip") == "" for t in visible)

            dialog = await self.export_visible(pilot, "v.txt")
            assert app.screen is dialog
            assert static_text(dialog.query_one("#error", Static)) == "The file name must end in .csv or .json."
            assert list(tmp_path.iterdir()) == []
            await pilot.press("escape")

            await self.export_visible(pilot, "v.csv")
            assert app.screen is screen
            text = (tmp_path / "v.csv").read_bytes().decode("utf-8")
            lines = text.split("\r\n")
            assert lines[0] == ",".join(f'"{f.name}"' for f in COLUMNS)
            assert lines[1:] == [expected_csv_line(t) for t in visible] + [""]
            names = [f.name for f in COLUMNS]
            for trunk, line in zip(visible, lines[1:-1], strict=True):
                row = line.split(",")  # no demo value holds a comma
                if trunk.get("destination_backup") is None:
                    assert row[names.index("destination_backup")] == ""
                if trunk.get("outbound_ip") == "":
                    assert row[names.index("outbound_ip")] == '""'

            await self.export_visible(pilot, "v.json")
            assert json.loads((tmp_path / "v.json").read_text(encoding="utf-8")) == [
                {f.name: t.get(f.name) for f in COLUMNS} for t in visible
            ]

            dialog = await self.export_visible(pilot, "v.csv")
            assert app.screen is dialog
            assert static_text(dialog.query_one("#error", Static)) == "v.csv already exists; choose another name."
            assert (tmp_path / "v.csv").read_bytes().decode("utf-8") == text
            await pilot.press("escape")
            assert app.screen is screen

    async def test_export_to_the_suggested_path(
        self, app: TrunkApp, client: SippyClient, tmp_path: Path
    ) -> None:
        """x and Enter writes every row to the suggested trunks-<account>-<time>.csv."""
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            await self.export_visible(pilot, None)
            assert app.screen is screen
            (written,) = tmp_path.glob(f"trunks-{screen.i_account}-*.csv")
            rows = list(csv.reader(io.StringIO(written.read_bytes().decode("utf-8"))))
            everything = server_trunks(client, screen.i_account)
            assert [row[0] for row in rows[1:]] == [str(t.i_trunk) for t in everything]


# ===================================================================================
# 19. Passwords
# ===================================================================================


async def test_passwords_are_masked_until_revealed(app: TrunkApp, client: SippyClient) -> None:
    """Password inputs are masked and the password is nowhere on screen until
    Ctrl+R; Ctrl+R again masks them again."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        trunk = next(t for t in server_trunks(client, screen.i_account) if t.get("password"))
        password = trunk.get("password")
        await open_trunk(pilot, trunk.i_trunk)
        secrets = [field_input(app, f.name) for f in TRUNK_FIELDS if f.secret]
        assert field_input(app, "password").value == password
        assert all(box.password for box in secrets)
        assert password not in await rendered(pilot, "•" * len(password))

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not any(box.password for box in secrets)
        assert "•" * len(password) not in await rendered(pilot, password)

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert all(box.password for box in secrets)
        assert password not in await rendered(pilot, "•" * len(password))


# ===================================================================================
# 20. Help and command palette
# ===================================================================================


class TestHelp:
    async def test_f1_and_question_mark_open_help(self, app: TrunkApp) -> None:
        """F1 opens help even from a text box; ? opens it from the table;
        Escape closes it and returns to the same screen."""
        async with app.run_test(size=SIZE) as pilot:
            accounts = await start(pilot)
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await rendered(pilot, "Everywhere")
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is accounts

            trunks = await open_account(pilot, WHOLESALE)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is trunks

    async def test_command_palette_offers_new_trunk(self, app: TrunkApp) -> None:
        """Ctrl+P on the trunk table lists "New trunk"; choosing it opens the new-trunk form."""
        async with app.run_test(size=SIZE) as pilot:
            await open_account(pilot, WHOLESALE)
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")

            def prompts() -> list[str]:
                commands = app.screen.query_one(CommandList)
                return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]

            await until(pilot, lambda: any("New trunk" in p for p in prompts()), "'New trunk' in the palette")
            await type_text(pilot, "New trunk")
            await until(pilot, lambda: bool(prompts()) and "New trunk" in prompts()[0], "the search result")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, TrunkScreen), "the new-trunk form")
            assert app.screen.creating  # type: ignore[attr-defined]



async def test_a_member_the_switch_adds_that_names_a_secret_is_masked(
    app: TrunkApp, sim: Sim, client: SippyClient
) -> None:
    """A newer switch adds ``auth_secret`` to every trunk: the trunk screen shows that it is set, not what it is."""
    sim.server.knobs.extra_members = {"auth_secret": "hunter2-extra", "region": "eu-west"}
    i_trunk = server_trunks(client, account_id(client, WHOLESALE))[0].i_trunk
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        await open_trunk(pilot, i_trunk)
        text = await rendered(pilot, "auth_secret", "eu-west")
        assert "hunter2-extra" not in text and "••••••" in text
