"""The dashboard, started as a user would, timing the interaction figures from inside.

``bench_speed.py`` runs this in a fresh process per run (pytest does not
collect it). It builds trunktui's session from its own command line
(``--url … --trusted --customer … --account …``), runs the app headless at
120x40 and, with a 10 ms timer ticking, reports:

- the longest gap between ticks (the longest the event loop was blocked)
  while the first screens open, while the list loads, while the quick
  filter is typed into, while the table is sorted, while a trunk's screen
  opens and closes, and while a reload from a switch that takes a second
  to answer is in flight;
- each quick-filter keystroke's time until its rows are painted
  (``keystrokes.py``, as floor K is timed), and the first sort by name's;
- the modules loaded once the list is shown.

Where the list is loaded is read from the status line, so this works
whether the rows come at once or while they arrive: loaded means it says
"{N:,} trunks" and neither "Loading" nor "arrived". It prints one JSON
object on stdout and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import sights
from tests.bench.keystrokes import FILTER_TEXT, finish, type_timed

TICK = 0.010


class Unfinished(Exception):
    """A phase did not finish: the list failed to load, or something took longer than ``--timeout``."""


class LoopWatch:
    """The longest gap between ticks of a 10 ms timer, since the last ``reset``."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def reset(self) -> float:
        self.tick()
        longest, self.longest = self.longest, 0.0
        return longest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--slow-url", required=True, help="a switch on the same data that answers in a second")
    parser.add_argument("--customer", required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--trunks", type=int, required=True, help="how many trunks the account holds")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    loaded = sights.loaded(args.trunks)

    from trunktui.api import ConnectionSettings
    from trunktui.cli import argument_parser
    from trunktui.cli.launch import plan
    from trunktui.tui.app import TrunkApp
    from trunktui.tui.screens.trunks import TrunksScreen

    launch = plan(argument_parser().parse_args(
        ["--url", args.url, "--trusted", "--customer", args.customer, "--account", args.account]))
    assert launch.session is not None
    from dataclasses import replace

    session = replace(launch.session, account=launch.account)
    report: dict[str, Any] = {}
    watch = LoopWatch()

    class Probe(TrunkApp):
        def on_mount(self) -> None:
            """Textual runs TrunkApp's own on_mount as well, after this one."""
            watch.reset()
            self.set_interval(TICK, watch.tick)
            self.run_worker(self.measure(), group="probe")

        async def until(self, condition: Callable[[], bool], what: str) -> None:
            started = time.perf_counter()
            while not condition():
                if sights.failed(self.said()):
                    raise Unfinished(f"waiting for {what}, the screen says {self.said()!r}")
                if time.perf_counter() - started > args.timeout:
                    raise Unfinished(f"{what} did not happen in {args.timeout:g} s; the screen says "
                                       f"{self.said()!r}")
                await asyncio.sleep(0.005)

        def said(self) -> str:
            statuses = self.screen.query("#status")
            return str(getattr(statuses.first(), "said", "")) if statuses else ""

        async def painted(self) -> float:
            """The moment the screen has been refreshed with what is done so far."""
            done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            self.call_after_refresh(finish, done)
            return await done

        async def measure(self) -> None:
            try:
                await self.phases()
            except Unfinished as problem:
                report["failed"] = str(problem)
            self.exit()

        async def phases(self) -> None:
            await self.until(lambda: isinstance(self.screen, TrunksScreen), "the trunk table opening")
            screen = self.screen
            assert isinstance(screen, TrunksScreen)
            report["gap_startup"] = watch.reset()
            await self.until(lambda: self.screen is screen and loaded(self.said()), "loading the list")
            await self.painted()
            report["gap_load"] = watch.reset()
            report["modules"] = sorted(sys.modules)

            await asyncio.sleep(0.3)
            quick = screen.query_one("#quick", Input)
            watch.reset()
            report["keystrokes"] = await type_timed(self, quick, FILTER_TEXT, lambda: screen.shown)
            quick.value = ""
            await asyncio.sleep(0.3)
            report["gap_filter"] = watch.reset()

            screen.grid.focus()
            await asyncio.sleep(0.1)
            watch.reset()
            started = time.perf_counter()
            screen.sort_on("name")
            report["sort"] = await self.painted() - started
            await asyncio.sleep(0.1)
            report["gap_sort"] = watch.reset()

            screen.action_open()
            await self.until(lambda: self.screen is not screen, "a trunk's screen opening")
            await asyncio.sleep(0.3)
            self.pop_screen()
            await self.until(lambda: self.screen is screen, "the trunk table coming back")
            await self.painted()
            report["gap_open"] = watch.reset()

            screen.client.reconnect(ConnectionSettings(args.slow_url, trusted=True, i_customer=int(args.customer)))
            screen.load()
            await self.until(lambda: not loaded(self.said()), "a reload starting")
            await self.until(lambda: loaded(self.said()), "the reload finishing")
            await self.painted()
            report["gap_call"] = watch.reset()

    probe = Probe(session)
    probe.run(headless=True, size=(120, 40))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
