from __future__ import annotations

from tests.tui.driving import trunk_table
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.trunks import TrunksScreen


async def test_browse(app: TrunkApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TrunksScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert trunk_table(app).row_count > 5
