"""Marking trunks in the trunk table: Space, `*` and `u`, and marks that stay with their trunks.

First ``Marks`` itself (pure state), then the table driven with the pilot
over real HTTP on the simulator: marks survive filtering, sorting,
scrolling and reloading, go with trunks that are gone, are counted beside
the status line at 80x24, and keys typed in a box never mark.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example
from hypothesis import strategies as st
from textual.widgets import Input, Static

from tests.conftest import Sim, running_sim
from tests.hostile import Depth, long_runs
from tests.tui.driving import (
    WHOLESALE,
    choose,
    make_app,
    open_account,
    rendered,
    screen_text,
    settle,
    static_text,
    status_of,
    trunk_table,
    type_text,
    until,
)
from tests.tui.test_key_bursts import aftermath, burst
from trunktui.model import Trunk
from trunktui.tui.app import TrunkApp
from trunktui.tui.grid import MARK
from trunktui.tui.marks import Marks
from trunktui.tui.screens.bulk import BulkEditScreen
from trunktui.tui.screens.bulk_send import PreviewScreen, SendingScreen, Stage

SMALL = (80, 24)
TALL = (80, 70)
"""Every row of account 1 in view."""


def trunk(i_trunk: Any, name: str = "t", **members: Any) -> Trunk:
    return Trunk({"i_trunk": i_trunk, "name": name, **members})


# --- Marks ------------------------------------------------------------------------------


def test_toggle_marks_then_unmarks() -> None:
    marks = Marks(1)
    one = trunk(7)
    assert marks.toggle(one) is True
    assert one in marks and trunk(7, "same id, read again") in marks and len(marks) == 1
    assert marks.toggle(trunk(7)) is False
    assert one not in marks and not marks and len(marks) == 0


@pytest.mark.parametrize("i_trunk", ["7", 7.0, True, None, [7], {"i": 7}, 2**70 + 0.5])
def test_a_trunk_whose_id_is_not_a_whole_number_cannot_be_marked(i_trunk: Any) -> None:
    marks = Marks(1)
    odd = trunk(i_trunk)
    assert marks.key(odd) is None
    assert marks.toggle(odd) is None
    assert marks.mark([odd, trunk(3)]) == 1
    assert odd not in marks and len(marks) == 1


def test_the_account_is_the_one_given_else_the_trunks_own() -> None:
    """A trunk table marks by the account it lists; search results, by each trunk's ``i_account``."""
    assert Marks(4).key(trunk(9, i_account=5)) == (4, 9)
    assert Marks().key(trunk(9, i_account=5)) == (5, 9)
    assert Marks().key(trunk(9)) is None
    assert Marks().key(trunk(9, i_account="5")) is None
    across = Marks()
    across.mark([trunk(9, i_account=5), trunk(9, i_account=6)])
    assert len(across) == 2 and trunk(9, i_account=6) in across and trunk(9, i_account=7) not in across


def test_trunks_come_in_the_order_marked_and_as_last_read() -> None:
    marks = Marks(1)
    for i_trunk in (5, 2, 9):
        marks.toggle(trunk(i_trunk))
    marks.mark([trunk(2, "read again")])
    assert [(t.i_trunk, t.name) for t in marks.trunks()] == [(5, "t"), (2, "read again"), (9, "t")]


def test_all_marked_unmark_and_clear() -> None:
    marks = Marks(1)
    shown = [trunk(1), trunk(2), trunk("odd")]
    assert not marks.all_marked(shown) and not marks.all_marked([]) and not marks.all_marked([trunk("odd")])
    marks.mark(shown)
    assert marks.all_marked(shown)
    marks.toggle(trunk(8))
    marks.unmark(shown)
    assert [t.i_trunk for t in marks.trunks()] == [8]
    marks.clear()
    assert not marks


def test_refresh_keeps_marks_by_key_on_the_trunks_read_now_and_drops_the_gone() -> None:
    marks = Marks(1)
    marks.mark([trunk(1), trunk(2), trunk(3)])
    fresh = [trunk(3, "new three"), trunk(1, "new one"), trunk(4), trunk("odd")]
    assert marks.refresh(fresh) == 1
    kept = marks.trunks()
    assert [t.i_trunk for t in kept] == [1, 3], "the order marked is kept"
    assert kept[0] is fresh[1] and kept[1] is fresh[0]
    assert marks.refresh([]) == 2 and not marks
    assert marks.refresh([trunk(1)]) == 0


# --- the trunk table ---------------------------------------------------------------------


def ticked(app: TrunkApp) -> list[str]:
    """The names on the rows the table shows with a mark (ID and Name are the first columns)."""
    return [line.split()[2] for line in screen_text(app).splitlines() if line.startswith(MARK)]


def names(trunks: list[Trunk]) -> list[str]:
    return [str(t.name) for t in trunks]


def marked_count(app: TrunkApp) -> str:
    count = app.screen.query_one("#marked", Static)
    return static_text(count) if count.display else ""


async def test_space_marks_the_highlighted_trunk_and_moves_down(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        grid = trunk_table(app)
        first, second, third = screen.shown[:3]
        await pilot.press("space")
        assert screen.marks.trunks() == [first] and grid.cursor_row == 1
        await pilot.press("space", "space")
        assert names(screen.marks.trunks()) == names([first, second, third]) and grid.cursor_row == 3
        await rendered(pilot, "3 marked")
        assert ticked(app) == names([first, second, third])


async def test_space_on_a_marked_trunk_unmarks_it(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        first, second = screen.shown[:2]
        await pilot.press("space", "space", "up", "up", "space")
        assert screen.marks.trunks() == [second] and trunk_table(app).cursor_row == 1
        await rendered(pilot, "1 marked")
        assert ticked(app) == [second.name]
        await pilot.press("up", "space")
        assert names(screen.marks.trunks()) == [second.name, first.name]


async def test_space_on_the_last_row_marks_it_and_stays(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("end", "space")
        assert screen.marks.trunks() == [screen.shown[-1]] and trunk_table(app).cursor_row == len(screen.shown) - 1
        await rendered(pilot, "1 marked")
        assert ticked(app) == [screen.shown[-1].name]


async def test_star_marks_every_trunk_shown_and_again_unmarks_them(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("slash", *"ams", "down")
        filtered = list(screen.shown)
        assert 1 < len(filtered) < len(screen.trunks)
        await pilot.press("asterisk")
        assert names(screen.marks.trunks()) == names(filtered)
        await rendered(pilot, f"{len(filtered)} marked")
        assert ticked(app) == names(filtered)

        await pilot.press("slash", "escape")  # the filter cleared: every trunk shown, some marked
        assert len(screen.shown) == len(screen.trunks)
        await pilot.press("asterisk")
        assert len(screen.marks) == len(screen.trunks)
        await pilot.press("slash", *"ams", "down", "asterisk")  # all shown are marked: unmarks only them
        assert len(screen.marks) == len(screen.trunks) - len(filtered)
        assert not set(names(filtered)) & set(names(screen.marks.trunks()))
        await pilot.press("slash", "escape", "asterisk", "asterisk")
        assert not screen.marks
        await rendered(pilot, "59 trunks")
        assert marked_count(app) == "" and ticked(app) == []


async def test_u_and_the_palette_unmark_every_trunk(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("asterisk", "u")
        assert not screen.marks and marked_count(app) == ""
        await pilot.press("space", "space", "ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Unmark every")
        await rendered(pilot, "Unmark every marked trunk")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and not screen.marks


async def test_marks_survive_filtering_sorting_and_scrolling_sideways(app: TrunkApp) -> None:
    async with app.run_test(size=TALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("space", "down", "space", "down", "down", "space")
        wanted = sorted(names(screen.marks.trunks()))
        assert len(wanted) == 3
        await pilot.press("slash", *wanted[1], "down")
        assert names(screen.shown) == [wanted[1]] and ticked(app) == [wanted[1]]
        await pilot.press("slash", "escape", "s")
        await choose(pilot, "name")
        await pilot.press("s")
        await choose(pilot, "name")  # descending: the marked rows move, their marks with them
        assert sorted(ticked(app)) == wanted and ticked(app) == sorted(wanted, reverse=True)
        assert trunk_table(app).fixed_width
        await pilot.press("shift+right", "shift+right")
        assert trunk_table(app).scroll_x > 0
        assert sorted(ticked(app)) == wanted and "3 marked" in screen_text(app)


async def test_marks_survive_a_reload_and_hold_the_trunks_read_again(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("space", "space")
        before = screen.marks.trunks()
        await pilot.press("r")
        await settle(pilot)
        after = screen.marks.trunks()
        assert names(after) == names(before)
        assert all(any(t is fresh for fresh in screen.trunks) for t in after), "the marks hold the trunks read now"
        assert status_of(app) == "59 trunks" and ticked(app) == names(before)


async def test_a_reload_without_a_marked_trunk_drops_its_mark_and_says_so(app: TrunkApp, sim: Sim) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("space", "space", "space")
        gone = screen.marks.trunks()[1]
        assert sim.store.delete_trunk(sim.logins["acme"].i_customer, gone.i_trunk)
        await pilot.press("r")
        await settle(pilot)
        assert len(screen.marks) == 2 and gone.name not in names(screen.marks.trunks())
        assert status_of(app) == "58 trunks · 1 marked trunk no longer listed: unmarked"
        await rendered(pilot, "2 marked")


async def test_a_new_pattern_keeps_the_marks_of_the_trunks_it_lists(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("asterisk")
        tata = [t.name for t in screen.trunks if str(t.name).startswith("tata")]
        await pilot.press("p", *"tata%", "enter")
        await settle(pilot)
        assert sorted(names(screen.marks.trunks())) == sorted(tata) == sorted(names(screen.trunks))
        dropped = 59 - len(tata)
        assert status_of(app) == (f"{len(tata)} trunks · pattern “tata%” · "
                                  f"{dropped} marked trunks no longer listed: unmarked")


async def test_a_trunk_deleted_alone_is_unmarked(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("space", "space", "u", "d")
        await settle(pilot)
        await pilot.press("tab", "enter")  # from Cancel to Delete
        await settle(pilot)
        assert len(screen.trunks) == 58 and not screen.marks


async def test_d_while_trunks_are_marked_deletes_them_after_a_preview_and_unmarks_them(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("space", "down", "space", "up", "d")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        await pilot.press("enter")  # Cancel is the default
        await settle(pilot)
        assert app.screen is screen and len(screen.trunks) == 59 and len(screen.marks) == 2
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("right", "enter")
        sending = app.screen
        assert isinstance(sending, SendingScreen)
        await until(pilot, lambda: sending.stage is Stage.ENDED, "every trunk to end")
        await pilot.press("escape")
        await until(pilot, lambda: len(screen.trunks) == 57 and screen.answered is not None, "the list read again")
        assert not screen.marks
        assert "no longer listed" not in status_of(app)


async def test_e_sets_fields_on_the_marked_trunks_and_they_stay_marked(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is screen, "nothing is marked: e only says so"
        await pilot.press("space", "space", "e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BulkEditScreen) and len(form.trunks) == 2


async def test_the_count_shows_beside_the_status_line_at_80x24(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        await pilot.press("space", "space", "space", "slash", *"a", "down", "s")
        await choose(pilot, "name")
        text = await rendered(pilot, "3 marked")
        (line,) = [line for line in text.splitlines() if "3 marked" in line]
        assert line.startswith(" 59 trunks · filter “a” shows ") and "sorted by Name ↑" in line
        assert line.rstrip().endswith("3 marked") and len(line) <= 80


async def test_keys_typed_in_the_boxes_type_and_never_mark(app: TrunkApp) -> None:
    """Space, `*` and `u` in the quick filter and the name pattern type into the box."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("slash", "a", "space", "asterisk", "u")
        assert screen.query_one("#quick", Input).value == "a *u" and not screen.marks
        await pilot.press("escape", "p", "space", "asterisk", "u")
        assert screen.query_one("#pattern", Input).value == " *u" and not screen.marks
        assert marked_count(app) == ""


async def test_space_and_star_in_one_read_with_the_key_into_the_box_type(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        burst(app, "slash", "space", "asterisk", "space")
        await aftermath(pilot)
        assert screen.query_one("#quick", Input).value == " * " and not screen.marks


async def test_a_read_only_session_may_mark(sim: Sim) -> None:
    app = make_app(sim, label="lab", settings={"read_only": True})
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("space", "asterisk")
        assert len(screen.marks) == len(screen.trunks)


@pytest.fixture
def odd_ids(sim: Sim) -> Iterator[None]:
    """The switch lists two trunks of account 1, the first with an id that is text."""
    table = sim.server.methods.table
    original = dict(table)
    structs = [{"i_trunk": "x7", "i_account": 1, "name": "odd-id", "destination": "192.0.2.1"},
               {"i_trunk": 2, "i_account": 1, "name": "fine", "destination": "192.0.2.2"}]
    table["getTrunksList"] = lambda i_customer, params: {"result": "OK", "trunks": structs}
    yield
    table.update(original)


@pytest.mark.usefixtures("odd_ids")
async def test_a_trunk_whose_id_is_not_a_number_is_not_marked_and_the_table_says_so(
    app: TrunkApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        said: list[str] = []
        monkeypatch.setattr(screen, "notify", lambda message, **_: said.append(message))
        await pilot.press("space")
        assert not screen.marks and trunk_table(app).cursor_row == 1
        assert said == ["Trunk x7 cannot be marked: its id is not a whole number."]
        await pilot.press("asterisk")
        assert names(screen.marks.trunks()) == ["fine"]
        assert "1 trunk could not be marked: its id is not a whole number." in said[1:]
        await pilot.press("asterisk")
        assert not screen.marks


# --- bursts -----------------------------------------------------------------------------


MARKING_KEYS = ["space", "down", "up", "home", "end", "asterisk", "u"]


def expected_after(keys: list[str], rows: int) -> tuple[set[int], int]:
    """The rows marked and the cursor's row after ``keys``, from the first row of ``rows`` with none marked."""
    marked: set[int] = set()
    cursor = 0
    for key in keys:
        if key == "space":
            marked ^= {cursor}
        if key in ("space", "down"):
            cursor = min(cursor + 1, rows - 1)
        elif key == "up":
            cursor = max(cursor - 1, 0)
        elif key == "home":
            cursor = 0
        elif key == "end":
            cursor = rows - 1
        elif key == "asterisk":
            marked = set() if len(marked) == rows else set(range(rows))
        elif key == "u":
            marked = set()
    return marked, cursor


@Depth(quick=1, full=25, deadline=None, derandomize=True, database=None)(
    keys=st.lists(st.sampled_from(MARKING_KEYS), min_size=1, max_size=16))
@example(keys=["space", "down", "space", "space"])
@example(keys=["space", "space", "up", "space", "end", "space", "space"])
async def test_marking_keys_in_one_read_act_in_the_order_typed(keys: list[str]) -> None:
    """Over SSH several keys arrive in one read: each Space marks the row it was typed on."""
    with running_sim() as sim:
        app = make_app(sim)
        async with app.run_test(size=SMALL) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            shown = list(screen.shown)
            burst(app, *keys)
            await aftermath(pilot)
            marked, cursor = expected_after(keys, len(shown))
            assert sorted(names(screen.marks.trunks())) == sorted(names([shown[row] for row in marked]))
            assert trunk_table(app).cursor_row == cursor
            assert marked_count(app) == (f"{len(marked)} marked" if marked else "")


globals().update(long_runs(globals()))
