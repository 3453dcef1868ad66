"""The trunk table fills as the switch's answer arrives.

The first trunks show at once and can be browsed and opened while the rest
arrives; the status line counts them, and says the final count only once
the answer is whole. A stop or a failure part way keeps what arrived and
says plainly that the list is incomplete. A batch of an older load, or one
that comes while another screen covers the table, changes nothing there.

The trunks come from the simulator over HTTP. ``Batches`` hands them on as
the client does (``list_trunks(arrived=…)``), but a batch of ``size`` at a
time, each only when the test lets it through: a load is held part way as
one still being received would be.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import LoadingIndicator, Static

import trunktui.tui.app as app_module
from tests.conftest import Sim
from tests.test_progress import add_trunks, stall_every_call
from tests.tui.driving import (
    WHOLESALE,
    ask_to_save,
    choose,
    column,
    make_app,
    open_trunk,
    replace_text,
    select_row,
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
from trunktui.errors import TransportError
from trunktui.model import Trunk
from trunktui.tui.cells import sort_key
from trunktui.tui.grid import Grid
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen, incomplete_line, loading_line

SIZE = (100, 30)
WHOLESALE_TRUNKS = 59
MORE = 300
ALL = WHOLESALE_TRUNKS + MORE
BROKEN = "The switch closed the connection part way through the answer."


def arrived_line(count: int) -> re.Pattern[str]:
    return re.compile(rf"^⧗ Loading trunks… {count:,} arrived · ([\d.,]+ (of [\d.,]+ )?(kB|MB) · )?"
                      r"Escape stops waiting$")


class Batches(SippyClient):
    """The simulator's trunk list, handed on ``size`` trunks at a time, each batch when ``let`` allows.

    However the connection batches the trunks it hands over, the test sees batches of ``size`` (the
    last one smaller), so it knows what each release brings.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.size = 0
        """0: each answer's trunks are handed on as they come, not held."""
        self.gates: list[threading.Semaphore] = []
        """One for each list asked for while ``size`` is set, in order: released once a batch."""
        self.fail_after: int | None = None

    def list_trunks(self, i_account: int, name_pattern: str | None = None, progress: Progress | None = None,
                    arrived: Callable[[list[Trunk]], None] | None = None) -> list[Trunk]:
        size, fail_after, told = self.size, self.fail_after, arrived
        if not size or told is None:
            return super().list_trunks(i_account, name_pattern, progress, arrived)
        gate = threading.Semaphore(0)
        self.gates.append(gate)
        waiting: list[Trunk] = []
        handed = 0

        def hand() -> None:
            nonlocal handed
            gate.acquire(timeout=10)
            if fail_after is not None and handed >= fail_after:
                raise TransportError(BROKEN)
            handed += 1
            batch = waiting[:size]
            del waiting[:size]
            told(batch)

        def held(batch: list[Trunk]) -> None:
            waiting.extend(batch)
            while len(waiting) >= size:
                hand()

        trunks = super().list_trunks(i_account, name_pattern, progress, held)
        while waiting:
            hand()
        return trunks

    def let(self, batches: int = 1000, load: int = -1) -> None:
        self.gates[load].release(batches)


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Batches]]:
    """Every client the app makes is a ``Batches``; the test reads them here. Held loads are let go at the end."""
    made: list[Batches] = []

    def make(*args: Any, **kwargs: Any) -> Batches:
        made.append(Batches(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(app_module, "SippyClient", make)
    yield made
    for client in made:
        for gate in client.gates:
            gate.release(1000)


async def open_held(pilot: Pilot[None], client: Batches, size: int) -> TrunksScreen:
    """Open the wholesale account with its list held in batches of ``size``, none let through yet."""
    app = pilot.app
    picker = await start(pilot)
    client.size = size
    table = picker.query_one("#accounts", Grid)
    await pilot.press("down")
    await select_row(pilot, table, column(table, "username").index(WHOLESALE))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TrunksScreen) and bool(client.gates), "the trunk table")
    assert isinstance(app.screen, TrunksScreen)
    return app.screen


async def arrived(pilot: Pilot[None], count: int) -> None:
    await until(pilot, lambda: bool(arrived_line(count).match(status_of(pilot.app))), f"{count} arrived")


async def let_batch(pilot: Pilot[None], client: Batches, count: int) -> None:
    """Let the next batch through and wait until the status line says ``count`` trunks have arrived."""
    client.let(1)
    await arrived(pilot, count)


async def test_the_first_rows_show_and_open_while_the_rest_arrives(sim: Sim, clients: list[Batches]) -> None:
    add_trunks(sim, MORE)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, 100)
        assert not screen.query(LoadingIndicator), "no spinner repaints the screen while the list loads"
        assert static_text(screen.query_one("#empty", Static)) == "Loading the trunks…"

        await let_batch(pilot, client, 100)
        table = trunk_table(app)
        assert table.row_count == 100 and table.display
        await pilot.press("end", "up")
        assert table.cursor_row == 98
        chosen = screen.shown[98]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TrunkScreen), "the trunk opened while the list loads")
        assert isinstance(app.screen, TrunkScreen) and app.screen.trunk is not None
        assert app.screen.trunk.i_trunk == chosen.i_trunk

        client.let(1)
        await pilot.pause(0.3)
        assert len(screen.trunks) == 100, "the table does not change under the trunk screen"
        await pilot.press("escape")
        await arrived(pilot, 200)
        assert screen.current() is chosen, "the cursor stays on its trunk as rows are added"

        client.let()
        await until(pilot, lambda: status_of(app) == f"{ALL:,} trunks", "the final count")
        assert table.row_count == ALL and screen.current() is chosen


async def test_a_sort_and_a_filter_chosen_while_loading_stay_right_as_rows_arrive(
    sim: Sim, clients: list[Batches]
) -> None:
    add_trunks(sim, MORE)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, 50)
        await let_batch(pilot, client, 50)
        await pilot.press("s")
        await choose(pilot, "name")
        await pilot.press("down", "down")
        chosen = screen.current()

        def sorted_by_name() -> bool:
            names = [sort_key(trunk.name) for trunk in screen.shown]
            return names == sorted(names)

        assert sorted_by_name()
        client.let(2)
        await arrived(pilot, 150)
        assert sorted_by_name() and len(screen.shown) == 150 and screen.current() is chosen

        await pilot.press("slash")
        await type_text(pilot, "bulk-001")
        assert {t.name for t in screen.shown} == {t.name for t in screen.trunks if "bulk-001" in str(t.name)}
        client.let()
        await until(pilot, lambda: status_of(app).startswith(f"{ALL:,} trunks"), "the final count")
        assert status_of(app) == f"{ALL:,} trunks · filter “bulk-001” shows 100 · sorted by Name ↑"
        assert [t.name for t in screen.shown] == [f"bulk-{n:05d}" for n in range(100, 200)]


async def test_stopping_part_way_keeps_what_arrived_and_says_the_list_is_incomplete(
    sim: Sim, clients: list[Batches]
) -> None:
    add_trunks(sim, MORE)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, 100)
        await let_batch(pilot, client, 100)
        held = list(screen.trunks)
        await pilot.press("escape")
        stopped = "✖ Stopped waiting: only 100 of the trunks arrived · r loads them all"
        assert status_of(app) == stopped
        client.let()
        await pilot.pause(0.3)
        assert screen.trunks == held and status_of(app) == stopped, "a stopped load's later batches do nothing"

        await pilot.press("slash")
        await type_text(pilot, "zzz")
        assert "hides all 100 trunks that arrived before loading stopped" in static_text(
            screen.query_one("#empty", Static))
        assert status_of(app) == stopped.replace(" r ", " F5 ")
        client.size = 0
        await pilot.press("escape", "r")
        await settle(pilot)
        assert status_of(app) == f"{ALL:,} trunks"


async def test_a_failure_part_way_keeps_what_arrived_and_names_the_retry_key(
    sim: Sim, clients: list[Batches]
) -> None:
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        (client,) = clients
        client.fail_after = 1
        await open_held(pilot, client, 20)
        client.let()
        await settle(pilot)
        assert trunk_table(app).row_count == 20
        assert status_of(app) == f"✖ Loading failed part way: {BROKEN} · only 20 of the trunks arrived · r retries"
        await pilot.press("slash")
        assert status_of(app).endswith("· only 20 of the trunks arrived · F5 retries")


async def test_a_reload_keeps_the_rows_until_its_first_trunks_arrive_and_an_older_one_does_nothing(
    sim: Sim, clients: list[Batches]
) -> None:
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, WHOLESALE_TRUNKS)
        client.let()
        await until(pilot, lambda: status_of(app) == f"{WHOLESALE_TRUNKS} trunks", "the list")
        before = list(screen.trunks)

        client.size = 10
        await pilot.press("r")
        await until(pilot, lambda: len(client.gates) == 2, "the reload")
        await pilot.press("r")
        await until(pilot, lambda: len(client.gates) == 3, "the second reload")
        await pilot.pause(0.2)
        assert screen.trunks == before and status_of(app).startswith("⧗ Loading trunks of the account…")

        await let_batch(pilot, client, 10)
        assert len(screen.trunks) == 10 and not set(map(id, screen.trunks)) & set(map(id, before))
        client.let()
        await until(pilot, lambda: status_of(app) == f"{WHOLESALE_TRUNKS} trunks", "the reload's whole list")
        after = list(screen.trunks)

        client.let(load=1)
        await pilot.pause(0.5)
        assert [id(t) for t in screen.trunks] == [id(t) for t in after], "the older load's batches do nothing"
        assert status_of(app) == f"{WHOLESALE_TRUNKS} trunks"


async def test_the_trunk_just_saved_is_selected_once_its_row_arrives(sim: Sim, clients: list[Batches]) -> None:
    """Back from saving the list's last trunk, the reload's first rows do not hold it: the cursor waits
    on the first row, and moves to the saved trunk when its row arrives."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, WHOLESALE_TRUNKS)
        client.let()
        await until(pilot, lambda: status_of(app) == f"{WHOLESALE_TRUNKS} trunks", "the list")
        last = screen.trunks[-1]
        await open_trunk(pilot, last.i_trunk)
        await replace_text(pilot, "Saved while the list arrives", field="description", pasted=True)
        await ask_to_save(pilot)
        await pilot.press("enter")
        await settle(pilot)
        client.size = 10
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and len(client.gates) == 2, "the reload")
        await let_batch(pilot, client, 10)
        assert trunk_table(app).cursor_row == 0
        client.let()
        await until(pilot, lambda: status_of(app) == f"{WHOLESALE_TRUNKS} trunks", "the reloaded list")
        selected = screen.current()
        assert selected is not None and selected.i_trunk == last.i_trunk
        assert selected.get("description") == "Saved while the list arrives"


@pytest.mark.parametrize("moved", [False, True], ids=["left-alone", "moved-meanwhile"])
async def test_a_reload_keeps_the_selected_trunk_once_its_row_arrives_unless_the_cursor_moved(
    sim: Sim, clients: list[Batches], moved: bool
) -> None:
    """r on the list's last trunk: the reload's first rows do not hold it, so the cursor waits on the
    first row and goes back to it when it arrives; moved meanwhile, the cursor stays where it was put."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, WHOLESALE_TRUNKS)
        client.let()
        await until(pilot, lambda: status_of(app) == f"{WHOLESALE_TRUNKS} trunks", "the list")
        await pilot.press("end")
        last = screen.current()
        assert last is not None
        client.size = 10
        await pilot.press("r")
        await until(pilot, lambda: len(client.gates) == 2, "the reload")
        await let_batch(pilot, client, 10)
        assert trunk_table(app).cursor_row == 0
        if moved:
            await pilot.press("down", "down")
        client.let()
        await until(pilot, lambda: status_of(app) == f"{WHOLESALE_TRUNKS} trunks", "the reloaded list")
        selected = screen.current()
        assert selected is not None
        assert selected.i_trunk == (screen.shown[2].i_trunk if moved else last.i_trunk)


async def test_a_reload_does_not_wait_behind_a_list_still_arriving(sim: Sim) -> None:
    """r while the switch is half way through a long answer (it stalls there): the new list is asked
    for over a fresh connection and arrives, instead of queueing behind the rest of the old one."""
    add_trunks(sim, MORE)
    app = make_app(sim, settings={"read_timeout": 30.0})
    async with app.run_test(size=SIZE) as pilot:
        picker = await start(pilot)
        stall_every_call(sim, 30.0)
        table = picker.query_one("#accounts", Grid)
        await pilot.press("down")
        await select_row(pilot, table, column(table, "username").index(WHOLESALE))
        await pilot.press("enter")
        await until(pilot, lambda: " of " in status_of(app), "half the answer")
        sim.server.knobs.fail_every = 0
        await pilot.press("r")
        await until(pilot, lambda: status_of(app) == f"{ALL:,} trunks", "the new list")


def test_the_loading_line_fits_80_columns() -> None:
    """Room for the status line's mark and padding, even at 200,000 trunks and hundreds of megabytes, with
    the quick filter on, and once a list with a long pattern stopped part way."""
    loading = "Loading trunks of the account…"
    lines = [loading_line(loading, 200_000, (171_200_000, 271_200_000)),
             loading_line(loading, 0, (171_200_000, 271_200_000)),
             loading_line(loading, 0, None),
             loading_line(loading, 200_000, (171_200_000, 271_200_000), 199_999),
             incomplete_line("Stopped waiting:", 200_000, "a-very-long-pattern%", "F5 loads them all")]
    assert lines[0] == "Loading trunks… 200,000 arrived · 171.2 of 271.2 MB · Escape stops waiting"
    assert lines[-1] == "Stopped waiting: only 200,000 matching “a-very…” arrived · F5 loads them all"
    assert all(len(line) <= 80 - 4 for line in lines), lines


@pytest.mark.parametrize("ending", ["stopped", "failed"])
@pytest.mark.parametrize("burst", [False, True], ids=["opened-then-closed", "enter-escape-at-once"])
async def test_back_from_a_trunk_the_status_line_still_says_the_list_is_incomplete(
    sim: Sim, clients: list[Batches], ending: str, burst: bool
) -> None:
    add_trunks(sim, MORE)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        (client,) = clients
        if ending == "failed":
            client.fail_after = 1
        screen = await open_held(pilot, client, 100)
        if ending == "stopped":
            await let_batch(pilot, client, 100)
            await pilot.press("escape")
            client.let()
            incomplete = "✖ Stopped waiting: only 100 of the trunks arrived · r loads them all"
        else:
            client.let()
            await settle(pilot)
            incomplete = f"✖ Loading failed part way: {BROKEN} · only 100 of the trunks arrived · r retries"
        assert status_of(app) == incomplete
        if burst:
            await pilot.press("enter", "escape")
            await settle(pilot)
        else:
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, TrunkScreen), "the trunk screen")
            await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the trunk table")
        await settle(pilot)
        assert status_of(app) == incomplete
        await pilot.press("slash")
        assert status_of(app) == incomplete.replace(" r ", " F5 ")


async def test_an_incomplete_list_is_not_exported(sim: Sim, clients: list[Batches]) -> None:
    """x while the list arrives, and after it stopped part way, says why nothing is exported; once the
    list is whole, the export dialog opens."""
    from tests.tui.test_keyboard import told
    from trunktui.tui.screens.export import ExportScreen

    add_trunks(sim, MORE)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, 100)
        said = told(app)
        await let_batch(pilot, client, 100)
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen
        assert said == ["The list is not whole yet (100 of the trunks arrived): export once it has all arrived."]
        await pilot.press("escape", "x")
        await pilot.pause()
        client.let()
        assert app.screen is screen
        assert said[1:] == ["The list is not whole: only 100 of the trunks arrived. r loads them all, then export."]
        client.size = 0
        await pilot.press("r")
        await until(pilot, lambda: status_of(app) == f"{ALL:,} trunks", "the whole list")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")


async def test_escape_in_the_quick_filter_clears_it_and_the_list_goes_on_arriving(
    sim: Sim, clients: list[Batches]
) -> None:
    """While the list arrives, the status line says how many rows the quick filter shows; Escape in the
    filter holding text clears it, as its hint says, and the load goes on. Escape in the empty filter stops
    waiting."""
    add_trunks(sim, MORE)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        (client,) = clients
        screen = await open_held(pilot, client, 100)
        await let_batch(pilot, client, 100)
        await pilot.press("slash")
        await type_text(pilot, "bulk-0000")
        assert status_of(app) == "⧗ Loading trunks… 100 arrived, filter shows 10 · Escape stops waiting"
        await pilot.press("escape")
        assert screen.quick_filter() == "" and screen.arrivals is not None
        await let_batch(pilot, client, 200)

        await pilot.press("slash", "escape")
        assert screen.arrivals is None
        assert status_of(app) == "✖ Stopped waiting: only 200 of the trunks arrived · F5 loads them all"
        client.let()


async def test_a_pattern_list_stopped_part_way_names_its_pattern(sim: Sim, clients: list[Batches]) -> None:
    add_trunks(sim, MORE)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        (client,) = clients
        await open_held(pilot, client, MORE)
        client.let()
        await until(pilot, lambda: status_of(app) == f"{ALL:,} trunks", "the whole list")
        client.size = 100
        await pilot.press("p")
        await type_text(pilot, "bulk%")
        await pilot.press("enter")
        await until(pilot, lambda: len(client.gates) == 2, "the pattern's list")
        await let_batch(pilot, client, 100)
        await pilot.press("escape")
        assert status_of(app) == "✖ Stopped waiting: only 100 matching “bulk%” arrived · F5 loads them all"
        client.let()
