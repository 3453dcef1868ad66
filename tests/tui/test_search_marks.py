"""Marking matches of the search of every account, and changing or deleting the marked trunks at once.

Driven as an operator would at 80x24, over real HTTP with the simulator:
the login has 40 generated accounts on top of the demo's three, and three
of them hold a trunk whose destination is ``NEEDLE`` (see ``test_search``).
Marks belong to trunks of any account; a change reaches them all, and
their rows are read again after it.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select, Static

from tests.conftest import Sim
from tests.tui.driving import (
    ask_to_save,
    column,
    make_app,
    rendered,
    replace_text,
    screen_text,
    settle,
    static_text,
    status_of,
    until,
)
from tests.tui.test_bulk import confirm, preview, set_value, updates
from tests.tui.test_key_bursts import aftermath, burst
from tests.tui.test_search import (
    NEEDLE,
    NEIGHBOUR,
    failing_for,
    first_match_shown,
    held_for,
    matched,
    open_search,
    search_for,
    seed,
)
from tests.wire import RecordingTransport
from trunktui.model import Account, Trunk
from trunktui.search import Found, Query, read_again
from trunktui.tui.app import TrunkApp
from trunktui.tui.grid import Grid
from trunktui.tui.screens.bulk import BulkEditScreen
from trunktui.tui.screens.bulk_send import PreviewScreen, SendingScreen, Stage
from trunktui.tui.screens.search import SearchScreen
from trunktui.tui.screens.trunk import TrunkScreen

SMALL = (80, 24)
CUSTOMER = 1
"""acme's customer id in the demo data."""
MARK_LINE = "✓"


def marked_keys(screen: SearchScreen) -> list[tuple[Any, Any]]:
    """(account, trunk) of each marked trunk, in the order marked."""
    return [(trunk.get("i_account"), trunk.i_trunk) for trunk in screen.marks.trunks()]


def ticked(app: TrunkApp) -> list[str]:
    """The trunk ids of the rows shown with a mark (Account is two words, Trunk the third)."""
    return [line.split()[2] for line in screen_text(app).splitlines() if line.startswith(MARK_LINE)]


def notes(app: TrunkApp) -> str:
    """Every notification shown so far, one a line."""
    return "\n".join(str(note.message) for note in app._notifications)


def marked_count(app: TrunkApp) -> str:
    count = app.screen.query_one("#marked", Static)
    return static_text(count) if count.display else ""


def stored(sim: Sim, i_trunk: int) -> dict[str, Any] | None:
    return sim.store.get_trunk(CUSTOMER, i_trunk, api=sim.api)


async def searched(pilot: Pilot[None], text: str = NEEDLE) -> SearchScreen:
    """The search opened from the picker, ``text`` searched for, every account read."""
    screen = await open_search(pilot)
    await search_for(pilot, text)
    await settle(pilot)
    return screen


async def fresh_search(pilot: Pilot[None], text: str) -> None:
    """``/``, the query box emptied, ``text`` searched for."""
    await pilot.press("slash", "ctrl+u")
    await search_for(pilot, text)


# --- marking ------------------------------------------------------------------------------


async def test_space_marks_matches_of_several_accounts_and_the_count_shows_beside_the_status(
    sim: Sim, app: TrunkApp
) -> None:
    seeded = seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        rows = matched(screen)
        assert set(seeded.needles.items()) == set(rows) and len({account for account, _ in rows}) == 3
        await pilot.press("space")
        assert marked_keys(screen) == rows[:1] and screen.grid.cursor_row == 1
        await pilot.press("space", "space")
        assert marked_keys(screen) == rows and screen.grid.cursor_row == 2, "the last row stays highlighted"
        text = await rendered(pilot, "3 marked")
        (line,) = [line for line in text.splitlines() if "3 marked" in line]
        assert line.startswith(" Searched 43 accounts · ") and line.rstrip().endswith("3 marked") and len(line) <= 80
        assert ticked(app) == [str(trunk) for _, trunk in rows]
        assert "e sets fields on the marked trunks, d deletes them" in notes(app)
        await pilot.press("up", "space")
        assert marked_keys(screen) == rows[::2]
        assert "2 marked" in await rendered(pilot, "2 marked")


async def test_star_marks_every_match_again_unmarks_them_and_u_unmarks_all(sim: Sim, app: TrunkApp) -> None:
    seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        await pilot.press("space", "asterisk")
        assert marked_keys(screen)[1:] == matched(screen)[1:] and len(screen.marks) == 3
        await pilot.press("asterisk")
        assert not screen.marks and marked_count(app) == ""
        await pilot.press("asterisk", "u")
        assert not screen.marks and ticked(app) == []
        await pilot.press("u")
        assert "No trunk is marked." in notes(app)


async def test_keys_typed_in_the_query_box_type_and_the_field_chooser_never_marks(sim: Sim, app: TrunkApp) -> None:
    seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        await pilot.press("slash", "ctrl+u", "space", "asterisk", "u", "e", "d")
        assert screen.query_box.value == " *ued" and not screen.marks
        screen.query_one("#field", Select).focus()
        await pilot.pause()
        await pilot.press("asterisk", "u", "e", "d")
        assert not screen.marks and app.screen is screen
        assert marked_count(app) == ""


async def test_marks_stay_with_their_trunks_while_matches_stream_in(sim: Sim, app: TrunkApp) -> None:
    """The first match is marked while the last account's answer is held; the rest arrive, the mark stays."""
    seeded = seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        first, last = seeded.accounts[0], seeded.last
        async with first_match_shown(pilot, sim, seeded) as screen:
            screen.grid.move_cursor(matched(screen).index((first, seeded.needles[first])))
            await pilot.press("space")
            assert marked_keys(screen) == [(first, seeded.needles[first])]
        await settle(pilot)
        assert (last, seeded.needles[last]) in matched(screen)
        assert marked_keys(screen) == [(first, seeded.needles[first])]
        assert ticked(app) == [str(seeded.needles[first])] and marked_count(app) == "1 marked"


async def test_marks_survive_a_retry_that_adds_rows(sim: Sim, app: TrunkApp) -> None:
    seeded = seed(sim)
    broken = {seeded.last}
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_search(pilot)
        with failing_for(sim, broken, "busy") as mended:
            await search_for(pilot, NEEDLE)
            await settle(pilot)
            await pilot.press("asterisk")
            before = marked_keys(screen)
            assert len(before) == 2
            mended.set()
            await pilot.press("r")
            await settle(pilot)
        assert len(matched(screen)) == 3 and marked_keys(screen) == before
        assert ticked(app) == [str(trunk) for _, trunk in before]
        await pilot.press("asterisk")
        assert len(screen.marks) == 3


async def test_a_new_search_keeps_the_marks_of_trunks_it_finds_again_and_drops_the_others_once_whole(
    sim: Sim, app: TrunkApp
) -> None:
    """Marks of trunks not found yet are held aside while the new search runs (not acted on, not counted),
    come back as their trunks are found, and are dropped, and counted, once every account is read."""
    seeded = seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot, "198.18.0")
        assert len(matched(screen)) == 4
        await pilot.press("asterisk")
        first, last = seeded.accounts[0], seeded.last
        with held_for(sim, last):
            await fresh_search(pilot, "needle")
            await until(pilot, lambda: (first, seeded.needles[first]) in matched(screen), "the first match")
            assert (first, seeded.needles[first]) in marked_keys(screen)
            assert (last, seeded.needles[last]) not in marked_keys(screen)
            assert len(screen.marks) == len(matched(screen)) < 3
        await settle(pilot)
        assert sorted(marked_keys(screen)) == sorted(seeded.needles.items()) == sorted(matched(screen))
        assert status_of(app).endswith("· 3 matches · 1 marked trunk not found again: unmarked")
        assert "3 marked" in await rendered(pilot, "3 marked")


async def test_a_stopped_search_keeps_the_marks_it_did_not_reach_for_r(sim: Sim, app: TrunkApp) -> None:
    seeded = seed(sim)
    last = seeded.last
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        await pilot.press("asterisk")
        with held_for(sim, last):
            await fresh_search(pilot, NEEDLE)
            await until(pilot, lambda: len(matched(screen)) == 2, "two matches")
            await pilot.press("escape")
            await settle(pilot)
            assert len(screen.marks) == 2 and "not found again" not in status_of(app)
        await pilot.press("r")
        await settle(pilot)
        assert sorted(marked_keys(screen)) == sorted(seeded.needles.items())
        assert "not found again" not in status_of(app)


# --- changing the marked trunks -----------------------------------------------------------


async def test_e_sets_a_field_on_trunks_of_three_accounts_and_their_rows_show_it(sim: Sim, app: TrunkApp) -> None:
    seeded = seed(sim)
    moved = f"{NEEDLE}:5080"
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        await pilot.press("asterisk", "e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BulkEditScreen) and len(form.trunks) == 3
        await set_value(pilot, "destination", moved)
        dialog = await preview(pilot)
        grid = dialog.query_one(Grid)
        assert grid.keys[0] == "account"
        assert sorted(map(int, column(grid, "account"))) == sorted(seeded.needles)
        assert "Account" in await rendered(pilot, "Send 3 trunks")
        with updates(sim) as made:
            sending = await confirm(pilot)
        assert sorted(made) == sorted((trunk, {"destination": moved}) for trunk in seeded.needles.values())
        assert sending.query_one(Grid).keys[0] == "account"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert column(screen.grid, "value") == [moved] * 3
        assert all(found.trunk.get("destination") == moved for found in screen.found)
        assert all(trunk.get("destination") == moved for trunk in screen.marks.trunks()), "marks hold them as now"
        assert status_of(app) == "3 changed trunks shown as read again"
        assert "3 marked" in await rendered(pilot, "3 marked")

        await pilot.press("e")  # the marks hold the trunks as read again: no conflict
        await settle(pilot)
        await set_value(pilot, "description", "maintenance")
        await preview(pilot)
        sending = await confirm(pilot)
        assert "3 done · 0 conflict" in await rendered(pilot, "3 done")


async def test_a_change_after_which_trunks_no_longer_match_takes_their_rows_and_marks(sim: Sim, app: TrunkApp) -> None:
    seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        rows = matched(screen)
        await pilot.press("space", "space", "e")
        await settle(pilot)
        await set_value(pilot, "destination", "192.0.2.50")
        await preview(pilot)
        await confirm(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert matched(screen) == rows[2:] and not screen.marks
        assert status_of(app) == f"2 trunks no longer match “{NEEDLE}”: no longer listed"
        assert marked_count(app) == ""


async def test_d_deletes_the_marked_matches_after_the_preview_whose_default_is_cancel(
    sim: Sim, app: TrunkApp
) -> None:
    seeded = seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        rows = matched(screen)
        await pilot.press("space", "space", "d")
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen)
        assert "Delete 2 trunks?" in await rendered(pilot, "will be deleted")
        await pilot.press("enter")  # Cancel
        await settle(pilot)
        assert app.screen is screen and matched(screen) == rows and len(screen.marks) == 2
        assert all(stored(sim, trunk) is not None for trunk in seeded.needles.values())
        await pilot.press("d")
        await settle(pilot)
        sending = await confirm(pilot)
        assert isinstance(sending, SendingScreen) and sending.stage is Stage.ENDED
        await pilot.press("escape")
        await settle(pilot)
        assert matched(screen) == rows[2:] and not screen.marks
        assert [stored(sim, trunk) is None for _, trunk in rows] == [True, True, False]
        assert status_of(app) == "2 trunks no longer on the switch: no longer listed"


async def test_d_and_e_with_nothing_marked_only_say_to_mark_first(sim: Sim, app: TrunkApp) -> None:
    seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        assert "d Delete" in await rendered(pilot, "d Delete")
        await pilot.press("d", "e")
        await settle(pilot)
        assert app.screen is screen
        assert "Mark trunks first" in notes(app)
        await pilot.press("space")
        await rendered(pilot, "1 marked", "d Delete")


async def test_a_read_only_session_may_mark_but_e_and_d_send_nothing(sim: Sim, wire: RecordingTransport) -> None:
    seed(sim)
    app = make_app(sim, label="lab", settings={"read_only": True})
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        await pilot.press("asterisk")
        assert len(screen.marks) == 3
        await pilot.press("e")
        assert status_of(app) == "✖ Read-only: trunks cannot be changed here."
        await pilot.press("d")
        assert status_of(app) == "✖ Read-only: trunks cannot be deleted here."
        await settle(pilot)
        assert app.screen is screen
        assert "d Delete" not in screen_text(app)
    sent = {method for method, _ in wire.calls}
    assert not sent & {"getTrunkInfo", "updateTrunk", "deleteTrunk"}, sent


async def test_space_down_space_e_in_one_read_act_in_order(sim: Sim) -> None:
    seed(sim)
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        rows = [found.trunk for found in screen.grid.rows]
        burst(app, "space", "down", "space", "e")
        await aftermath(pilot)
        form = app.screen
        assert isinstance(form, BulkEditScreen)
        assert [trunk.i_trunk for trunk in form.trunks] == [rows[0].i_trunk, rows[2].i_trunk]


async def test_a_marked_trunk_saved_from_its_screen_stays_marked_as_saved(sim: Sim, app: TrunkApp) -> None:
    """Its mark holds the trunk as read after the save, so a change to the marked trunks is no conflict."""
    seed(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        await pilot.press("space", "up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunkScreen)
        await replace_text(pilot, "saved alone", field="description")
        await ask_to_save(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        (trunk,) = screen.marks.trunks()
        assert trunk.get("description") == "saved alone"
        await pilot.press("e")
        await settle(pilot)
        await set_value(pilot, "capacity", "12")
        await preview(pilot)
        await confirm(pilot)
        assert "1 done · 0 conflict" in await rendered(pilot, "1 done")


async def test_a_trunk_found_in_a_2022_connection_is_changed_and_still_found(sim22: Sim) -> None:
    """The search's trunks carry their connections; the change compares the trunk's own members, and the row
    read again (connections too) still matches in its connection."""
    with sim22.client() as client:
        trunks = client.list_trunks(1)[:2]
        for trunk in trunks:
            connection = client.list_connections(trunk.i_trunk)[0]
            client.update_connection(connection, {"destination": f"{NEEDLE}:5070"}, account=1)
    app = make_app(sim22)
    async with app.run_test(size=SMALL) as pilot:
        screen = await searched(pilot)
        assert sorted(matched(screen)) == sorted((1, trunk.i_trunk) for trunk in trunks)
        assert all(found.trunk.connections for found in screen.found)
        await pilot.press("asterisk", "e")
        await settle(pilot)
        await set_value(pilot, "description", "carrier maintenance")
        await preview(pilot)
        await confirm(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert sorted(matched(screen)) == sorted((1, trunk.i_trunk) for trunk in trunks)
        assert all(found.trunk.get("description") == "carrier maintenance" for found in screen.found)
        assert all(found.hit.connection is not None for found in screen.found)
        assert len(screen.marks) == 2


# --- reading found trunks again -----------------------------------------------------------


def test_found_trunks_read_again_are_as_now_gone_or_unread(sim: Sim) -> None:
    seeded = seed(sim)
    with sim.client() as client:
        found = []
        for i_account, i_trunk in seeded.needles.items():
            (account,) = [account for account in client.list_accounts(0, 1000) if account.i_account == i_account]
            trunk = client.get_trunk(i_trunk)
            hit = Query(NEEDLE).hit(trunk, client.trunks)
            assert hit is not None
            found.append(Found(account, trunk, hit))
        first, second, third = (found_one.trunk.i_trunk for found_one in found)
        client.update_trunk(first, {"destination": NEIGHBOUR})
        client.delete_trunk(second)
        stranger = Found(Account("x"), Trunk({**found[2].trunk.members, "i_trunk": 99999}), found[2].hit)
        again = read_again(client, [*found, stranger], concurrency=2)
    assert [result.found for result in again] == [*found, stranger]
    assert again[0].trunk is not None and again[0].trunk.get("destination") == NEIGHBOUR
    assert again[1].gone
    assert again[2].trunk is not None and again[2].trunk.i_trunk == third
    assert again[3].error is not None and not again[3].gone, "unread: its account cannot be asked for"

