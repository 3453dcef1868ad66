"""Answers that arrive late, screens that close, refreshes mid-page: the structure keeps them safe.

Each test here reproduces a defect the old structure allowed: a closed
trunk list kept alive for good by a frozen heap, a create answering behind
the help screen and popping it instead of the form, and a refresh pressed
while a page of accounts was on its way being lost.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import Sim
from tests.tui.driving import (
    SIZE,
    WHOLESALE,
    add_accounts,
    calls_running,
    make_app,
    open_account,
    server_trunks,
    settle,
    static_text,
    status_of,
    trunk_table,
    type_text,
    until,
)
from trunktui.api import SippyClient
from trunktui.simulator import FailMode
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.accounts import PAGE_SIZE, AccountsScreen
from trunktui.tui.screens.help import HelpScreen
from trunktui.tui.screens.password import PasswordScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen


async def fill_a_new_trunk(pilot: Pilot[None], name: str) -> TrunksScreen:
    """Open the wholesale account's table, press n, and type a name and a destination."""
    table = await open_account(pilot, WHOLESALE)
    await pilot.press("n")
    await type_text(pilot, name)
    await pilot.press("tab")
    await type_text(pilot, "192.0.2.70")
    return table


async def test_a_closed_trunk_list_is_collected(app: TrunkApp) -> None:
    """Open an account's trunks, go back: the screen and its list are garbage the collector frees."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        assert screen.trunks
        closed = weakref.ref(screen)
        rows = weakref.ref(screen.rows)
        del screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
        await pilot.pause()
        gc.collect()
        assert closed() is None, "the closed trunk list is still alive"
        assert rows() is None, "the closed list's rows are still alive"


async def test_a_whole_list_is_set_aside_from_the_collector_while_its_screen_is_shown(app: TrunkApp) -> None:
    """A full collection would look at every trunk again and again; once the list is whole its rows are
    set aside (``gc.freeze``), and looked at again when the screen goes, so nothing held there outlives it."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await until(pilot, lambda: gc.get_freeze_count() > 0, "the rows set aside")
        trunk_ids = {id(trunk) for trunk in screen.trunks}
        assert not trunk_ids & {id(held) for held in gc.get_objects()}, "a trunk is still in the collector's rounds"
        del screen
        await pilot.press("escape")
        await settle(pilot)
        assert gc.get_freeze_count() == 0


async def test_a_create_answering_behind_help_waits_for_the_form(
    app: TrunkApp, sim: Sim, client: SippyClient
) -> None:
    """Ctrl+S on a new trunk, then F1 while the switch is slow: the answer
    neither pops Help nor leaves the form half-finished; once Help closes,
    the form closes with the new trunk, which the table then selects."""
    async with app.run_test(size=SIZE) as pilot:
        table = await fill_a_new_trunk(pilot, "late-1")
        sim.server.knobs.latency = 0.5
        await pilot.press("ctrl+s")
        form = app.screen
        assert isinstance(form, TrunkScreen) and calls_running(app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await until(pilot, lambda: not calls_running(app), "the create to answer")
        await pilot.pause(0.1)
        assert isinstance(app.screen, HelpScreen), "the create's answer closed the help screen"
        assert form in app.screen_stack and form.creating
        sim.server.knobs.latency = 0.0
        (created,) = server_trunks(client, table.i_account, "late-1")
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and app.screen is table
        assert table.current() is not None and table.current().i_trunk == created.i_trunk  # type: ignore[union-attr]
        assert trunk_table(app).row_count == len(server_trunks(client, table.i_account))


async def test_refresh_while_a_page_of_accounts_is_on_its_way(
    app: TrunkApp, sim: Sim, later_pages_held: Callable[[], None]
) -> None:
    """r while the second page loads: its answer is dropped, and the list starts again from the
    first page and goes on to load every account, each once."""
    add_accounts(sim, PAGE_SIZE + 20)
    everyone = [a.i_account for a in sim.client().list_accounts(0, 10 * PAGE_SIZE)]
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        await until(pilot, lambda: screen.accounts.offset == PAGE_SIZE, "the first page")
        await pilot.press("down", "r")
        await until(pilot, lambda: (screen.accounts.generation, screen.accounts.offset) == (1, PAGE_SIZE),
                    "the first page again")
        later_pages_held()
        await settle(pilot)
        assert [row.i_account for row in screen.accounts.rows()] == everyone
        assert status_of(app) == f"{len(everyone)} accounts loaded"


async def test_an_answer_for_a_covered_screen_waits_until_it_is_shown(app: TrunkApp, sim: Sim) -> None:
    """The trunk list answers while Help covers it: the screen underneath is left as it was, and
    takes the answer when Help closes."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        sim.server.knobs.latency = 0.4
        await pilot.press("r", "f1")
        await until(pilot, lambda: not calls_running(app), "the reload to answer")
        sim.server.knobs.latency = 0.0
        await pilot.pause(0.1)
        assert isinstance(app.screen, HelpScreen)
        assert static_text(screen.query_one("#status", Static)).startswith("⧗ Loading trunks")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert status_of(app) == f"{len(screen.trunks)} trunks"


async def test_a_failed_load_is_told_once_by_the_screen_that_asked(app: TrunkApp, sim: Sim) -> None:
    """An outcome goes only to the screen that made the call: the app does not take it for its own."""
    told: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        shown = app.notify
        app.notify = lambda message, **options: (told.append(options.get("title")), shown(message, **options))[1]
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, 1
        await pilot.press("r")
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        assert told == ["Loading trunks failed"]


async def test_an_enter_handled_after_help_opened_opens_nothing_behind_it(app: TrunkApp) -> None:
    """Enter and F1 in one burst: Help covers the picker before the row's selection is handled,
    and the trunk table does not open, under Help or over it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")
        for key in ("enter", "f1"):
            app.post_message(events.Key(key, None))
        await settle(pilot)
        assert [type(screen) for screen in app.screen_stack[1:]] == [AccountsScreen, HelpScreen]


async def test_a_refusal_from_before_the_new_password_does_not_ask_again(
    app: TrunkApp, sim: Sim, client: SippyClient
) -> None:
    """A delete and then an open are refused while both wait on a slow switch; the first refusal
    brings the prompt and the new password. The open's refusal, older than that password, lands
    under the prompt and reloads the list instead of asking for the password a second time."""
    async with app.run_test(size=SIZE) as pilot:
        table = await open_account(pilot, WHOLESALE)
        sim.server.knobs.latency = 1.0  # long enough for both calls to be sent before either is refused
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.HTTP_401, 1
        await pilot.press("d")
        await pilot.press("tab", "enter")  # Cancel has the focus: Tab to Delete
        await pilot.press("enter")
        await until(pilot, lambda: bool(table.calls_in_flight("open")), "the open on its way")
        await until(pilot, lambda: isinstance(app.screen, PasswordScreen), "the password prompt")
        await until(pilot, lambda: not table.calls_in_flight("open"), "the open's refusal")
        sim.server.knobs.fail_every, sim.server.knobs.latency = 0, 0.0
        await pilot.press(*sim.logins["acme"].password, "enter")
        await settle(pilot)
        assert app.screen is table
        assert status_of(app) == f"{len(table.trunks)} trunks"
        assert table.trunks == server_trunks(client, table.i_account)


async def test_a_refused_first_page_says_so_after_the_prompt_is_dismissed(sim: Sim) -> None:
    app = make_app(sim, settings={"password": "not-the-password"})
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PasswordScreen), "the password prompt")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
        assert status_of(app).startswith("✖ Loading accounts failed:")
        assert status_of(app).endswith("F5 tries again")  # the filter box has the focus


async def test_a_new_untouched_form_has_nothing_to_lose(app: TrunkApp) -> None:
    """n, then Escape at once: nothing was typed, so nothing is asked."""
    async with app.run_test(size=SIZE) as pilot:
        table = await open_account(pilot, WHOLESALE)
        await pilot.press("n")
        assert isinstance(app.screen, TrunkScreen) and app.screen.unsaved() == []
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is table


async def test_a_create_stopped_with_escape_is_looked_for_by_name(
    app: TrunkApp, sim: Sim, client: SippyClient
) -> None:
    """Escape while the answer to a create is on its way: the switch did create it, and the form,
    having looked the name up, closes on the new trunk instead of offering to create it again."""
    async with app.run_test(size=SIZE) as pilot:
        table = await fill_a_new_trunk(pilot, "stopped-1")
        calls = sim.server.stats.calls
        sim.server.knobs.fail_mode, sim.server.knobs.stall = FailMode.SLOW_BODY, 5.0
        sim.server.knobs.fail_every = calls + 1
        await pilot.press("ctrl+s")
        await until(pilot, lambda: sim.server.stats.calls > calls, "the create to run on the switch")
        sim.server.knobs.fail_every = 0
        await pilot.press("escape")
        await settle(pilot)
        (created,) = server_trunks(client, table.i_account, "stopped-1")
        assert app.screen is table
        assert table.current() is not None and table.current().i_trunk == created.i_trunk  # type: ignore[union-attr]
