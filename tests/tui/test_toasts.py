"""Notifications stay clear of the status line, where the same fault is written at 80x24."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets._toast import Toast

from tests.conftest import Sim
from tests.tui.driving import WHOLESALE, make_app, open_account, open_trunk, settle, until
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
