"""A big trunk list says how much of it has arrived while it arrives, and Escape still stops the wait.

The simulator's ``SLOW_BODY`` failure sends the headers and half the
answer, then stalls: the status line must show the bytes received so far
(and the trunks, once any has arrived) instead of only "Loading trunks…",
and Escape must stop waiting as before.
"""

from __future__ import annotations

import re

from tests.conftest import Sim
from tests.test_progress import MANY, add_trunks, stall_every_call
from tests.tui.driving import make_app, start, status_of, until
from trunktui.api.connection import PROGRESS_INTERVAL
from trunktui.tui.screens.trunks import TrunksScreen, amount_text

PROGRESS = re.compile(r"^⧗ Loading trunks(?: of the account…|… [\d,]+ arrived ·) [\d.,]+ of [\d.,]+ (kB|MB) "
                      r"· Escape stops waiting$")


async def test_a_slow_big_load_shows_what_has_arrived_and_escape_stops_it(sim: Sim) -> None:
    add_trunks(sim, MANY)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        stall_every_call(sim, 30.0)
        await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TrunksScreen), "the trunk table")
        await until(pilot, lambda: bool(PROGRESS.match(status_of(app))), "progress in the status line")

        await pilot.press("escape")
        await pilot.pause(3 * PROGRESS_INTERVAL)
        assert isinstance(app.screen, TrunksScreen)
        assert status_of(app).startswith("✖ Stopped waiting"), status_of(app)

        sim.server.knobs.fail_every = 0
        await pilot.press("r")
        await until(pilot, lambda: status_of(app).startswith(f"{MANY + 59:,} trunks"), "the reloaded list")


def test_the_amount_reads_in_kilobytes_or_megabytes() -> None:
    assert amount_text(12_400_000, None) == "12.4 MB"
    assert amount_text(65_536, 30_100_000) == "0.1 of 30.1 MB"
    assert amount_text(65_536, 131_072) == "65.5 of 131.1 kB"
