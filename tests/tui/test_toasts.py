"""Notifications stay clear of the status line, where the same fault is written at 80x24, and of the box
being typed in: they sit at the bottom right, above the status line, over rows of a table or a form."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._toast import Toast

from tests.conftest import Sim
from tests.tui.driving import WHOLESALE, make_app, open_account, open_trunk, settle, start, until
from trunktui.simulator import FailMode
from trunktui.tui.widgets import StatusLine

SMALL = (80, 24)


async def failed_on_table(pilot: Pilot[None], sim: Sim) -> str:
    await open_account(pilot, WHOLESALE)
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, 1
    await pilot.press("r")
    return "#status"


async def failed_on_form(pilot: Pilot[None], sim: Sim) -> str:
    screen = await open_account(pilot, WHOLESALE)
    await open_trunk(pilot, screen.trunks[0].i_trunk)
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, 1
    await pilot.press("f5")
    return "#save-status"


@pytest.mark.parametrize("fail", [failed_on_table, failed_on_form], ids=["table", "form"])
async def test_a_toast_does_not_cover_the_status_line(sim: Sim, fail: object) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        where = await fail(pilot, sim)  # type: ignore[operator]
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        status = app.screen.query_one(where, StatusLine)
        assert str(status.render()).startswith("✖")
        await until(pilot, lambda: any(toast.region for toast in app.screen.query(Toast)), "a toast on screen")
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(status.region), (toast.region, status.region)
            assert toast.region.y >= 1, "the toast covers the header"


async def typing_after_a_refused_clone(pilot: Pilot[None], sim: Sim, box: str) -> None:
    """An account without trunks: c says to select a trunk first; then the user types in a box at the top."""
    for trunk in sim.store.list_trunks(3):
        sim.store.delete_trunk(1, trunk["i_trunk"])
    await open_account(pilot, "acme-lab")
    await pilot.press("c", box, *"telia")


async def quick_filter(pilot: Pilot[None], sim: Sim) -> None:
    await typing_after_a_refused_clone(pilot, sim, "slash")


async def pattern(pilot: Pilot[None], sim: Sim) -> None:
    await typing_after_a_refused_clone(pilot, sim, "p")


async def picker_filter(pilot: Pilot[None], sim: Sim) -> None:
    await start(pilot)
    await pilot.press(*"acme")


async def form_name(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*"telia")


async def clone_name(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("end", *"-telia")


@pytest.mark.parametrize("typing", [quick_filter, pattern, picker_filter, form_name, clone_name],
                         ids=["quick-filter", "pattern", "picker-filter", "new-form-name", "clone-form-name"])
async def test_a_toast_does_not_cover_the_box_being_typed_in(sim: Sim, typing: object) -> None:
    """The box keeps showing what is typed, whatever the toast: one the keys caused, or a long one of the app's."""
    app = make_app(sim)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await typing(pilot, sim)  # type: ignore[operator]
        await settle(pilot)
        app.notify("A notification long enough to take two lines of a toast at 80 columns, and a title.",
                   title="Audit trail", severity="error")
        box = app.focused
        assert isinstance(box, Input) and box.value.endswith(("telia", "acme")), box
        await until(pilot, lambda: any(toast.region for toast in app.screen.query(Toast)), "a toast on screen")
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(box.region), (toast.region, box.region)
