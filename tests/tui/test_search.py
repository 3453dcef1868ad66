"""The search of every account, driven as an operator would at 80x24, over real HTTP with the simulator.

The login is given 40 generated accounts on top of the demo's three, and
trunks whose destination is ``NEEDLE`` in a few of them (the first account,
one in the middle, the last); another holds a neighbouring address, which
must not match. Answers for one account are held back (``answers_held``)
to catch a search part way, and a fault is injected for chosen accounts.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any
from xmlrpc.client import Fault

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import OptionList, ProgressBar, Select, Static

from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from tests.hostile import assert_safe
from tests.tui.driving import (
    answers_held,
    ask_to_save,
    make_app,
    paste,
    rendered,
    replace_text,
    screen_text,
    settle,
    start,
    static_text,
    status_of,
    type_text,
    until,
)
from tests.tui.test_key_bursts import burst
from trunktui.api import ConnectionSettings
from trunktui.errors import ApiError
from trunktui.model import Account
from trunktui.profiles.session import Session
from trunktui.search import Failure, Query, Search, Searched
from trunktui.simulator import FailMode
from trunktui.simulator.demo import add_extra_accounts
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.accounts import AccountsScreen
from trunktui.tui.screens.choose import ChoiceScreen
from trunktui.tui.screens.password import PasswordScreen
from trunktui.tui.screens.search import MATCH_STYLE, SearchScreen, Tidings, failures_line
from trunktui.tui.screens.trunk import TrunkScreen

SMALL = (80, 24)
NEEDLE = "198.18.0.77"
NEIGHBOUR = "198.18.0.7"
EXTRA = 40


@dataclass
class Seeded:
    """The accounts of the login, in the switch's order, and the trunks planted in them."""

    accounts: list[int]
    needles: dict[int, int]
    """Each planted trunk whose destination is ``NEEDLE``, by its account."""
    neighbour: int

    @property
    def last(self) -> int:
        return self.accounts[-1]


def seed(sim: Sim) -> Seeded:
    customer = sim.logins["acme"].i_customer
    extra = add_extra_accounts(sim.store, customer, EXTRA)
    with sim.client() as client:
        accounts = [account.i_account for account in client.list_accounts(0, 1000)]
    assert len(accounts) == EXTRA + 3 and accounts[-1] == extra[-1]
    planted = [accounts[0], extra[EXTRA // 2], extra[-1]]
    made = sim.store.insert_trunks([{"i_account": i_account, "name": f"needle-{n}", "destination": f"{NEEDLE}:5060"}
                                    for n, i_account in enumerate(planted)])
    (neighbour,) = sim.store.insert_trunks([{"i_account": extra[1], "name": "neighbour",
                                             "destination": f"{NEIGHBOUR}:5060"}])
    return Seeded(accounts, dict(zip(planted, made, strict=True)), neighbour)


def held_for(sim: Sim, i_account: int) -> AbstractContextManager[None]:
    """The switch does not answer for this account's trunks until the block ends."""
    return answers_held(sim, "trunk_batches", lambda account, *args, **kwargs: account == i_account)


@contextmanager
def failing_for(sim: Sim, accounts: set[int], words: str) -> Iterator[threading.Event]:
    """The switch faults on these accounts' trunks (with ``words``) until the event yielded is set."""
    mended = threading.Event()
    answer = sim.store.trunk_batches

    def batches(i_account: int, *args: Any, **kwargs: Any) -> Any:
        if i_account in accounts and not mended.is_set():
            raise Fault(500, words)
        return answer(i_account, *args, **kwargs)

    sim.store.trunk_batches = batches  # type: ignore[method-assign]
    try:
        yield mended
    finally:
        del sim.store.trunk_batches


async def open_search(pilot: Pilot[None]) -> SearchScreen:
    """From the picker's list, ``f``."""
    await start(pilot)
    await pilot.press("down", "f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    assert pilot.app.focused is screen.query_box
    return screen


async def search_for(pilot: Pilot[None], text: str) -> None:
    await type_text(pilot, text)
    await pilot.press("enter")


@asynccontextmanager
async def first_match_shown(pilot: Pilot[None], sim: Sim, seeded: Seeded) -> AsyncIterator[SearchScreen]:
    """The search for ``NEEDLE``, opened and started with the last account's answer held back, once the first
    account's match is shown; the held answer comes when the block ends."""
    screen = await open_search(pilot)
    first = seeded.accounts[0]
    with held_for(sim, seeded.last):
        await search_for(pilot, NEEDLE)
        await until(pilot, lambda: (first, seeded.needles[first]) in matched(screen), "the first match")
        yield screen


def matched(screen: SearchScreen) -> list[tuple[int, int]]:
    """The (account, trunk) of each match shown, in the table's order."""
    return [(found.account.i_account, found.trunk.i_trunk) for found in screen.grid.rows]


def everything(sim: Sim, text: str, field: str = "any") -> set[tuple[int, int]]:
    """What a whole search finds, asked of the engine straight."""
    with sim.client() as client:
        summary = Search(client, Query(text, field)).run()
    assert not summary.failures and not summary.unsearched
    return {(found.account.i_account, found.trunk.i_trunk) for found in summary.found}


@pytest.fixture
def seeded(sim: Sim) -> Seeded:
    return seed(sim)


async def test_a_search_finds_a_destination_in_every_account(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    """Every account is read: the planted trunks are found wherever they are, a neighbouring address is not,
    and the part of the value that matched is highlighted."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        found = set(matched(screen))
        assert found == everything(sim, NEEDLE)
        assert set(seeded.needles.items()) <= found
        assert all(trunk != seeded.neighbour for _, trunk in found)
        assert len(matched(screen)) == len(found)
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts · ")
        assert status_of(app).endswith(f" · {len(found)} matches")
        row = [trunk for _, trunk in matched(screen)].index(seeded.needles[seeded.last])
        cells = screen.grid.get_row_at(row)
        value = cells[screen.grid.keys.index("value")]
        assert value.plain == f"{NEEDLE}:5060"
        assert [(span.start, span.end, str(span.style)) for span in value.spans] == [(0, len(NEEDLE), MATCH_STYLE)]
        assert cells[screen.grid.keys.index("where")].plain == "Destination"
        assert cells[screen.grid.keys.index("account")].plain == f"{seeded.last} extra-{EXTRA - 1:03d}"
        bar = screen.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (len(seeded.accounts), len(seeded.accounts))


def test_news_of_a_flood_of_accounts_asks_the_event_loop_once_until_it_is_taken() -> None:
    tidings = Tidings(1)
    told = [tidings.add(searched) for searched in flood(300)]
    assert told == [True] + [False] * 299
    assert [searched.done for searched in tidings.take()] == list(range(1, 301))
    assert tidings.take() == []
    assert tidings.add(flood(1)[0]) is True


def flood(count: int) -> list[Searched]:
    return [Searched(Account(n), (), None, n, None, 0, 0) for n in range(1, count + 1)]


async def test_matches_show_while_accounts_are_still_read(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    """With the last account's answer held back, the first account's match is shown, the status line and the
    progress bar say how far the search is, and the last match joins once its answer comes."""
    async with app.run_test(size=SMALL) as pilot:
        last = seeded.last
        async with first_match_shown(pilot, sim, seeded) as screen:
            assert (last, seeded.needles[last]) not in matched(screen)
            assert status_of(app).startswith("⧗ Searching… ")
            assert status_of(app).endswith(" · Escape stops")
            bar = screen.query_one(ProgressBar)
            assert bar.progress < len(seeded.accounts)
            assert "Searching…" in await rendered(pilot, NEEDLE)
        await settle(pilot)
        assert (last, seeded.needles[last]) in matched(screen)
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts")


async def test_escape_stops_and_keeps_the_matches_and_r_searches_the_rest(
    sim: Sim, app: TrunkApp, seeded: Seeded
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        first, last = seeded.accounts[0], seeded.last
        async with first_match_shown(pilot, sim, seeded) as screen:
            await pilot.press("escape")
            await settle(pilot)
            kept = matched(screen)
            assert (first, seeded.needles[first]) in kept
            assert isinstance(app.screen, SearchScreen)
            status = status_of(app)
            searched = len(seeded.accounts) - len(screen.progress.unsearched)
            assert status == (f"Stopped: {searched} of {len(seeded.accounts)} accounts searched · "
                              f"{len(kept)} matches · r searches the rest"), status
            assert last in {account.i_account for account in screen.progress.unsearched}
        await pilot.press("r")
        await settle(pilot)
        assert matched(screen)[: len(kept)] == kept
        assert set(matched(screen)) == everything(sim, NEEDLE)
        assert len(matched(screen)) == len(set(matched(screen)))
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts · ")
        await pilot.press("slash", "ctrl+u", "x", "escape")
        assert app.screen is screen and screen.query_box.value == "" and matched(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)


async def test_accounts_that_cannot_be_read_are_listed_and_retried(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    """Two accounts fault: the others are searched, the two are counted under the matches, F lists them with
    the switch's words (markup shown as typed), and r reads just them again, adding their matches."""
    broken = {seeded.accounts[0], seeded.last}
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        with failing_for(sim, broken, "[bold]disk[/bold] on fire\u202e") as mended:
            await search_for(pilot, NEEDLE)
            await settle(pilot)
            assert not {account for account, _ in matched(screen)} & broken
            failures = screen.query_one("#failures", Static)
            assert failures.display
            assert "2 accounts could not be read · F shows them · r retries them" in await rendered(
                pilot, "could not be read")
            total = len(seeded.accounts)
            assert status_of(app).startswith(f"Searched {total - 2} of {total} accounts · ")

            await pilot.press("F")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ChoiceScreen)
            options = dialog.query_one(OptionList)
            listed = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            assert len(listed) == 2 and all("[bold]disk[/bold] on fire<U+202E>" in line for line in listed)
            assert any(line.startswith(f"{seeded.last} extra-") for line in listed)
            shown = await rendered(pilot, "[bold]disk[/bold]")
            assert_safe(shown, "screen")
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen

            mended.set()
            found_before = len(screen.found)
            await pilot.press("r")
            await settle(pilot)
        assert len(screen.found) > found_before
        assert set(matched(screen)) == everything(sim, NEEDLE)
        assert not screen.failures and not screen.query_one("#failures", Static).display
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts · ")
        assert screen.query_one(ProgressBar).progress == len(seeded.accounts)


async def test_only_the_failed_accounts_are_read_again(sim: Sim, app: TrunkApp, seeded: Seeded,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {seeded.accounts[5]}
    asked: list[int] = []
    async with app.run_test(size=SMALL) as pilot:
        await open_search(pilot)
        with failing_for(sim, broken, "busy") as mended:
            await search_for(pilot, NEEDLE)
            await settle(pilot)
            mended.set()
            answer = sim.store.trunk_batches

            def counted(i_account: int, *args: Any, **kwargs: Any) -> Any:
                asked.append(i_account)
                return answer(i_account, *args, **kwargs)

            monkeypatch.setattr(sim.store, "trunk_batches", counted)
            await pilot.press("r")
            await settle(pilot)
    assert asked == list(broken)


async def test_accounts_that_cannot_be_listed_are_said_in_red_and_r_searches_again(
    sim: Sim, app: TrunkApp, seeded: Seeded
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        sim.server.knobs.fail_every = 1
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        assert status_of(app) == ("✖ Could not list the accounts: Fault 500: Injected fault · 0 matches · "
                                  "r searches again")
        assert screen.query_one("#status").has_class("-fault")
        await pilot.press("r")
        await settle(pilot)
        assert set(matched(screen)) == everything(sim, NEEDLE)
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts · ")


async def test_a_refused_password_is_asked_for_and_the_search_starts_again(
    sim: Sim, app: TrunkApp, seeded: Seeded
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.HTTP_401, 1
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        assert isinstance(app.screen, PasswordScreen)
        await pilot.press(*sim.logins["acme"].password, "enter")
        await settle(pilot)
        assert app.screen is screen
        assert set(matched(screen)) == everything(sim, NEEDLE)


async def test_enter_opens_the_trunk_and_the_matches_stay(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        before = matched(screen)
        await pilot.press("ctrl+end", "enter")
        await settle(pilot)
        trunk_screen = app.screen
        assert isinstance(trunk_screen, TrunkScreen)
        assert trunk_screen.trunk is not None and trunk_screen.trunk.i_trunk == before[-1][1]
        assert trunk_screen.i_account == before[-1][0]
        username = screen.grid.rows[-1].account.username
        assert f"account {before[-1][0]} {username}" in screen_text(app).splitlines()[0]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and matched(screen) == before
        assert screen.grid.cursor_row == len(before) - 1


async def test_a_trunk_saved_from_its_screen_is_shown_as_it_is_now(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    """Its row is read again: a description still holding the text is shown with the change; one that no
    longer does takes the row away, and the status line says why."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        before = matched(screen)
        target = seeded.needles[seeded.last]
        row = [trunk for _, trunk in before].index(target)
        screen.grid.move_cursor(row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunkScreen)
        await replace_text(pilot, f"{NEEDLE}:5080", field="destination")
        await ask_to_save(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        value = screen.grid.get_row_at(row)[screen.grid.keys.index("value")]
        assert value.plain == f"{NEEDLE}:5080"

        await pilot.press("enter")
        await settle(pilot)
        await replace_text(pilot, "192.0.2.200", field="destination")
        await ask_to_save(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert target not in [trunk for _, trunk in matched(screen)]
        assert len(matched(screen)) == len(before) - 1
        assert status_of(app) == f"Trunk {target} no longer matches “{NEEDLE}”: it is no longer listed."


async def test_server_text_is_shown_literally(sim: Sim, app: TrunkApp) -> None:
    """Markup and invisible characters in a username, a name and a description are shown as typed, or as
    stand-ins; the highlight is the only style in the value."""
    customer = sim.logins["acme"].i_customer
    hostile = "[bold]ev\u202eil[/bold]\x9b2J"
    i_account = sim.store.add_account(customer, hostile)
    (i_trunk,) = sim.store.insert_trunks([{"i_account": i_account, "name": "[red]name[/red]\u200b",
                                           "destination": "192.0.2.9",
                                           "description": "before [b]needle[/b]\x9b31m after"}])
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, "needle")
        await settle(pilot)
        assert matched(screen) == [(i_account, i_trunk)]
        cells = screen.grid.get_row_at(0)
        assert all(isinstance(cell, Text) for cell in cells)
        account, _, name, value, where = (cell.plain for cell in cells)
        assert account == f"{i_account} [bold]ev<U+202E>il[/bold]<U+009B>2J"
        assert name == "[red]name[/red]<U+200B>"
        assert value == "before [b]needle[/b]<U+009B>31m after"
        assert where == "Description"
        spans = cells[3].spans
        assert [(span.start, span.end) for span in spans] == [(len("before [b]"), len("before [b]needle"))]
        shown = await rendered(pilot, "[red]name[/red]")
        assert_safe(shown, "screen")
        assert "[bold]ev" in shown


async def test_a_query_that_cannot_be_searched_is_refused_next_to_the_box(
    sim: Sim, app: TrunkApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty query, or a name pattern ending in a lone backslash: the hint line says why, in place,
    and nothing is asked of the switch."""
    started: list[Search] = []
    monkeypatch.setattr(Search, "run", lambda self, tell=None: started.append(self))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        hint = screen.query_one("#hint", Static)
        assert "IP" in str(hint.content)
        await pilot.press("enter")
        await pilot.pause()
        assert str(hint.content) == "Type what to look for." and hint.has_class("-error")
        assert app.focused is screen.query_box
        await pilot.press("tab", "enter", "down", "enter")
        await pilot.pause()
        assert screen.query_one("#field", Select).value == "name"
        assert app.focused is screen.query_box
        assert "with %: LIKE on the switch" in str(hint.content) and not hint.has_class("-error")
        await search_for(pilot, "tel%\\")
        await pilot.pause()
        assert "lone \\" in str(hint.content) and hint.has_class("-error")
        await rendered(pilot, "lone \\")
        assert not started


async def test_the_picker_filter_box_still_types_f(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await start(pilot)
        await type_text(pilot, "f")
        await pilot.pause()
        assert app.screen is screen and screen.filter_box.value == "f"


async def test_the_palette_opens_the_search(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Search every account")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_news_told_while_a_trunk_screen_covers_the_search_is_shown_on_return(
    sim: Sim, app: TrunkApp, seeded: Seeded
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        last = seeded.last
        async with first_match_shown(pilot, sim, seeded) as screen:
            await pilot.press("ctrl+home", "enter")
            await until(pilot, lambda: isinstance(app.screen, TrunkScreen), "the trunk screen")
        await until(pilot, lambda: not screen.calls_in_flight("search"), "the search to end")
        await pilot.pause()
        assert isinstance(app.screen, TrunkScreen)
        assert (last, seeded.needles[last]) not in matched(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert (last, seeded.needles[last]) in matched(screen)
        assert set(matched(screen)) == everything(sim, NEEDLE)
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts")


async def test_a_new_search_stops_the_old_one_and_drops_its_late_matches(
    sim: Sim, app: TrunkApp, seeded: Seeded
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        async with first_match_shown(pilot, sim, seeded) as screen:
            old = screen.search
            await pilot.press("slash", "ctrl+u")
            await search_for(pilot, "neighbour")
            assert old is not None and old.stopped
        await settle(pilot)
        assert matched(screen) == [(seeded.accounts[4], seeded.neighbour)]
        assert status_of(app).endswith(" · 1 match")


async def test_a_late_answer_after_leaving_does_nothing(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    """Enter on a match whose trunk is slow to come, Escape (stops waiting) and Escape (back): the trunk,
    when it comes, opens nothing over the picker."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        with answers_held(sim, "get_trunk", lambda *args, **kwargs: True):
            await pilot.press("enter")
            await pilot.pause()
            assert screen.calls_in_flight("open")
            await pilot.press("escape")
            assert status_of(app) == "Stopped opening the trunk."
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, AccountsScreen)
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)


async def test_the_session_says_how_many_calls_go_at_once(sim: Sim, seeded: Seeded,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[int] = []
    run = Search.run

    def counted(self: Search, tell: Any = None) -> Any:
        used.append(self.concurrency)
        return run(self, tell)

    monkeypatch.setattr(Search, "run", counted)
    app = make_app(sim, concurrency=2)
    async with app.run_test(size=SMALL) as pilot:
        await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
    assert used == [2]


async def test_a_destination_in_a_2022_trunks_connections_is_found(sim22: Sim) -> None:
    with sim22.client() as client:
        trunk = client.list_trunks(1)[0]
        connection = client.list_connections(trunk.i_trunk)[1]
        client.update_connection(connection, {"destination": f"{NEEDLE}:5070"}, account=1)
    app = make_app(sim22)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        assert matched(screen) == [(1, trunk.i_trunk)]
        where = screen.grid.get_row_at(0)[screen.grid.keys.index("where")].plain
        assert where == f"Connection {connection.name} · Destination"


async def test_a_login_refused_part_way_is_asked_for_and_the_search_goes_on_with_every_match_once(
    sim: Sim, seeded: Seeded
) -> None:
    """The switch refuses the login once the middle account is read: the matches found stay, the password
    is asked for, and with it the search reads only the accounts it had not, saying it goes on with the new
    password; in the end every match is listed once."""
    middle = seeded.accounts[len(seeded.accounts) // 2]
    answer = sim.store.trunk_batches

    def refusing_after(i_account: int, *args: Any, **kwargs: Any) -> Any:
        if i_account == middle:
            sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.HTTP_401, 1
        return answer(i_account, *args, **kwargs)

    sim.store.trunk_batches = refusing_after  # type: ignore[method-assign]
    app = make_app(sim, concurrency=1)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await until(pilot, lambda: isinstance(app.screen, PasswordScreen), "the password prompt")
        sim.server.knobs.fail_every = 0
        del sim.store.trunk_batches
        before = matched(screen)
        assert (seeded.accounts[0], seeded.needles[seeded.accounts[0]]) in before
        left = {account.i_account for account in screen.progress.unsearched}
        assert seeded.last in left and seeded.accounts[0] not in left
        status = static_text(screen.query_one("#status", Static))
        assert status.startswith("✖ The switch refused the login: ") and status.endswith(" · r searches the rest")
        asked: list[int] = []
        with held_for(sim, seeded.last), answers_counted(sim, asked):
            await pilot.press(*sim.logins["acme"].password, "enter")
            await until(pilot, lambda: app.screen is screen, "the search again")
            await until(pilot, lambda: status_of(app).startswith("⧗ Searching on with the new password… "),
                        "the search going on")
        await settle(pilot)
        assert set(asked) == left
        assert matched(screen)[: len(before)] == before
        assert set(matched(screen)) == everything(sim, NEEDLE)
        assert len(matched(screen)) == len(set(matched(screen)))
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts · ")


@contextmanager
def answers_counted(sim: Sim, asked: list[int]) -> Iterator[None]:
    """Each account whose trunks the switch is asked for is added to ``asked``."""
    answer = sim.store.trunk_batches

    def counting(i_account: int, *args: Any, **kwargs: Any) -> Any:
        asked.append(i_account)
        return answer(i_account, *args, **kwargs)

    sim.store.trunk_batches = counting  # type: ignore[method-assign]
    try:
        yield
    finally:
        sim.store.trunk_batches = answer  # type: ignore[method-assign]


async def test_escape_that_leaves_a_stopped_search_keeps_it_for_f(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    """Escape stops, Escape goes back: f brings the search back as it was left (query, field, matches, marks,
    failures, where it stopped), and r searches the rest, each match once."""
    broken = {seeded.accounts[1]}
    first = seeded.accounts[0]
    held = threading.Event()
    answer = sim.store.trunk_batches

    def faulting_or_held(i_account: int, *args: Any, **kwargs: Any) -> Any:
        if i_account == seeded.last:
            held.wait(10)
        return answer(i_account, *args, **kwargs)

    sim.store.trunk_batches = faulting_or_held  # type: ignore[method-assign]
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        with failing_for(sim, broken, "busy") as mended:
            await search_for(pilot, NEEDLE)
            await until(pilot, lambda: (first, seeded.needles[first]) in matched(screen), "the first match")
            await pilot.press("ctrl+home", "space", "escape")
            await until(pilot, lambda: not screen.running, "the search to stop")
            kept, marked = matched(screen), screen.grid.rows[0].trunk.i_trunk
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, AccountsScreen)
            mended.set()
            held.set()
        await pilot.press("f")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, SearchScreen) and again is not screen
        assert matched(again) == kept
        assert again.query_box.value == NEEDLE and app.focused is again.query_box
        assert again.query_box.selected_text == NEEDLE
        assert [found.account.i_account for found in again.failures] == list(broken)
        assert [trunk.i_trunk for trunk in again.marks.trunks()] == [marked]
        assert status_of(app).startswith("Stopped: ") and status_of(app).endswith(" · F5 searches the rest")
        assert "1 marked" in await rendered(pilot, "1 marked", "1 account could not be read")
        await pilot.press("down", "r")
        await settle(pilot)
        assert matched(again)[: len(kept)] == kept
        assert set(matched(again)) == everything(sim, NEEDLE)
        assert len(matched(again)) == len(set(matched(again)))
        assert not again.failures
        assert status_of(app).startswith(f"Searched {len(seeded.accounts)} accounts · ")


async def test_a_new_search_screen_starts_empty_in_a_new_session(sim: Sim, seeded: Seeded) -> None:
    for _ in range(2):
        app = make_app(sim)
        async with app.run_test(size=SMALL) as pilot:
            screen = await open_search(pilot)
            assert screen.query_box.value == "" and not matched(screen)
            await search_for(pilot, NEEDLE)
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)


async def test_text_typed_after_f_in_one_burst_is_the_query(sim: Sim, app: TrunkApp, seeded: Seeded) -> None:
    """↓ f and text in one burst, from the filter box: the search opens with the text as its query, and the
    filter box types nothing; from the list, the same."""
    async with app.run_test(size=SMALL) as pilot:
        picker = await start(pilot)
        assert app.focused is picker.filter_box
        burst(app, "down", "f", *"198.18")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert picker.filter_box.value == "" and screen.query_box.value == "198.18"
        assert app.focused is screen.query_box
        await pilot.press(*".0.77", "enter")
        await settle(pilot)
        assert set(matched(screen)) == everything(sim, NEEDLE)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is picker and app.focused is picker.grid
        burst(app, "f", *"neigh")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, SearchScreen)
        assert again.query_box.value == "neigh" and picker.filter_box.value == ""


async def test_home_and_end_in_the_filter_box_go_to_the_list_in_a_burst_too(sim: Sim, app: TrunkApp,
                                                                          seeded: Seeded) -> None:
    async with app.run_test(size=SMALL) as pilot:
        picker = await start(pilot)
        burst(app, "end", "r")
        await pilot.pause()
        assert picker.filter_box.value == "" and app.focused is picker.grid
        await settle(pilot)
        assert picker.grid.cursor_row == picker.grid.row_count - 1


async def test_accounts_with_no_id_trunktui_can_send_are_said_so_and_never_retried(foreign: ForeignSwitch) -> None:
    """A switch that sends a text and an array as account ids, and faults once on another account: r retries
    only that one, and the two are said to have no id trunktui can send, with no r offered for them."""
    foreign.add_accounts(2)
    foreign.accounts += [{"i_account": "x-4", "username": "texty"}, {"i_account": [5], "username": "listy"}]
    foreign.add(name="edge", destination=f"{NEEDLE}:5060")
    foreign.trunks[foreign._next - 1]["i_account"] = 2
    mended = threading.Event()

    def trunks_list(params: dict[str, Any]) -> dict[str, Any]:
        if params.get("i_account") == 2 and not mended.is_set():
            raise Fault(500, "busy")
        return foreign._trunks_list(params)

    foreign._server.funcs["getTrunksList"] = foreign._recorded("getTrunksList", trunks_list)
    app = TrunkApp(Session(ConnectionSettings(foreign.url, trusted=True, i_customer=1), label="Elsewhere"))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        assert len(screen.failures) == 3 and not matched(screen)
        said = "3 accounts could not be read (2 have no id trunktui can send) · F shows them · r retries the other 1"
        assert static_text(screen.query_one("#failures", Static)) == said
        await rendered(pilot, "(2 have no id trunktui can send) · F shows them", "r retries the other 1")
        mended.set()
        del foreign.calls[:]
        await pilot.press("r")
        await settle(pilot)
        assert [params["i_account"] for method, params in foreign.calls if method == "getTrunksList"] == [2]
        assert matched(screen) == [(2, foreign._next - 1)]
        await rendered(pilot, "2 accounts could not be read: they have no id trunktui can send · F shows them")
        assert status_of(app).startswith("Searched 3 of 5 accounts · ")
        del foreign.calls[:]
        await pilot.press("r")
        await settle(pilot)
        assert not foreign.calls and len(screen.failures) == 2


def test_the_failures_line_offers_r_only_for_accounts_a_retry_can_read() -> None:
    readable = Failure(Account(7), ApiError("busy"))
    unsendable = Failure(Account("x"), ApiError("no id"))
    assert failures_line([readable], False, "r") == "1 account could not be read · F shows them · r retries them"
    assert failures_line([unsendable], False, "r") == (
        "1 account could not be read: it has no id trunktui can send · F shows them")
    assert failures_line([readable, unsendable], False, "F5") == (
        "2 accounts could not be read (1 has no id trunktui can send) · F shows them · F5 retries the other 1")
    assert failures_line([readable, unsendable], True, "r") == "2 accounts could not be read so far · F shows them"


async def test_the_name_hint_says_a_pattern_goes_to_the_switch_whose_case_rules_apply(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        screen.query_one("#field", Select).value = "name"
        await pilot.pause()
        hint = static_text(screen.query_one("#hint", Static))
        assert "LIKE on the switch, maybe case-sensitive" in hint
        await rendered(pilot, hint)


async def test_the_highlighted_match_is_shown_whole_under_the_table(sim22: Sim) -> None:
    """At 80 columns a 2022+ trunk's Where column is cut; the line under the table names the connection and
    member and shows the value, its match highlighted, for the highlighted row."""
    with sim22.client() as client:
        trunk = client.list_trunks(1)[0]
        connection = client.list_connections(trunk.i_trunk)[1]
        client.update_connection(connection, {"destination": f"{NEEDLE}:5070"}, account=1)
    app = make_app(sim22)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, NEEDLE)
        await settle(pilot)
        line = f"Connection {connection.name} · Destination: {NEEDLE}:5070"
        shown = await rendered(pilot, line)
        assert f"Connection {connection.name} · Destination" not in shown.replace(line, "")
        detail = screen.query_one("#detail", Static).content
        assert isinstance(detail, Text)
        start = len(f"Connection {connection.name} · Destination: ")
        assert [(span.start, span.end) for span in detail.spans if str(span.style) == MATCH_STYLE] == [
            (start, start + len(NEEDLE))]


async def test_a_value_copied_with_its_stand_ins_is_found(sim: Sim, app: TrunkApp) -> None:
    """A description holding a tab is shown with a stand-in for it; that text, pasted as the query, finds it."""
    customer = sim.logins["acme"].i_customer
    i_account = sim.store.add_account(customer, "tabby")
    (i_trunk,) = sim.store.insert_trunks([{"i_account": i_account, "name": "tabbed", "destination": "192.0.2.9",
                                           "description": "a tab\there"}])
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        await paste(pilot, "tab\u2409here")
        await pilot.press("enter")
        await settle(pilot)
        assert matched(screen) == [(i_account, i_trunk)]
        value = screen.grid.get_row_at(0)[screen.grid.keys.index("value")]
        assert value.plain == "a tab\u2409here"
        assert [(span.start, span.end) for span in value.spans] == [(2, len(value.plain))]
