"""The dashboard, started as a user would, reporting what ``bench_ui.py`` measures.

``bench_ui.py`` runs this in a fresh process per measurement (pytest does
not collect it). It starts trunktui through its own command line
(``trunktui --url … --user … --account …``), headless at a given size, and
watches the app from inside:

- when the trunk table first shows rows (wall-clock seconds since the Unix
  epoch, so the parent can subtract the moment it started this process),
  the modules loaded by then, and the peak RSS once the list is loaded;
- with ``--watch-loop``: the longest gap between ticks of a 10 ms timer
  while the list loads, while the quick filter is typed into, and while a
  slow call is in flight, and how long each quick-filter keystroke takes
  to show its rows. The timer itself slows the loading thread (it takes
  the GIL a hundred times a second), so start-up is timed without it.

It prints one JSON object on stdout and exits.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TICK = 0.010
FILTER_TEXT = "ams-0"


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
        longest, self.longest, self.last = self.longest, 0.0, time.perf_counter()
        return longest


def peak_rss_mb() -> float:
    """This process's peak RSS. Linux's ``ru_maxrss`` keeps the parent's peak across exec, so VmHWM is read."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def finish(future: asyncio.Future[float]) -> None:
    """Mark the moment the table has been redrawn."""
    if not future.done():
        future.set_result(time.perf_counter())


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--latency-url", help="a simulator on the same data that answers slowly")
    parser.add_argument("--watch-loop", action="store_true",
                        help="tick a 10 ms timer and measure the loop; otherwise only start-up is timed")
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))

    from dataclasses import replace

    from trunktui.cli import argument_parser
    from trunktui.cli.launch import plan

    launch = plan(argument_parser().parse_args(["--url", args.url, "--user", args.user, "--account", args.account]))
    assert launch.session is not None
    session = replace(launch.session, account=launch.account)

    from trunktui.tui.app import TrunkApp
    from trunktui.tui.screens import trunks

    report: dict[str, Any] = {}
    watch = LoopWatch()

    class ReportingTrunksScreen(trunks.TrunksScreen):
        """Says when its table first holds rows; no polling timer, which would slow the loading thread."""

        def load(self) -> None:
            if "gap_startup" not in report:
                report["gap_startup"] = watch.reset()
            super().load()

        def rebuild(self) -> None:
            super().rebuild()
            if self.shown and "first_rows" not in report:
                report["first_rows"] = "pending"
                self.call_after_refresh(probe.shown_first_rows, self)

    trunks.TrunksScreen = ReportingTrunksScreen  # type: ignore[misc]

    class Probe(TrunkApp):
        def on_mount(self) -> None:
            """Textual runs TrunkApp's own on_mount as well, after this one."""
            if args.watch_loop:
                self.set_interval(TICK, watch.tick)

        def shown_first_rows(self, screen: trunks.TrunksScreen) -> None:
            report["first_rows"] = time.time()
            report["modules"] = sorted(sys.modules)
            report["rows"] = len(screen.trunks)
            report["gap_load"] = watch.reset()
            self.run_worker(self.measure(screen) if args.watch_loop else self.settle(), exclusive=True)

        async def settle(self) -> None:
            await asyncio.sleep(0.5)
            report["peak_rss_mb"] = peak_rss_mb()
            self.exit()

        async def measure(self, screen: trunks.TrunksScreen) -> None:
            await asyncio.sleep(0.3)
            watch.reset()
            report["keystrokes"] = await self.type_filter(screen)
            report["gap_filter"] = watch.reset()
            screen.query_one("#quick", Input).value = ""
            await asyncio.sleep(0.3)
            if args.latency_url:
                report["gap_call"] = await self.slow_call(screen)
            self.exit()

        async def type_filter(self, screen: trunks.TrunksScreen) -> list[dict[str, float]]:
            """Each keystroke's time until the table has been redrawn with its rows."""
            quick = screen.query_one("#quick", Input)
            screen.set_focus(quick)
            await asyncio.sleep(0.05)
            typed = []
            for char in FILTER_TEXT:
                before = screen.shown
                started = time.perf_counter()
                done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
                quick.post_message(events.Key(char, char))
                while screen.shown is before and time.perf_counter() - started < 5:
                    await asyncio.sleep(0)
                self.call_after_refresh(finish, done)
                finished = await done
                typed.append({"char": char, "seconds": finished - started, "rows": len(screen.shown)})
                await asyncio.sleep(0.05)
            return typed

        async def slow_call(self, screen: trunks.TrunksScreen) -> float:
            """Reload from a switch that takes a second to answer; the loop must stay free meanwhile."""
            from trunktui.api import ConnectionSettings

            client = screen.client
            client.reconnect(ConnectionSettings(args.latency_url, username=args.user,
                                                password=client.settings.password))
            status = screen.query_one("#status")
            watch.reset()
            screen.load()
            while not status.has_class("-busy"):
                await asyncio.sleep(0.01)
            while status.has_class("-busy"):
                await asyncio.sleep(0.01)
            return watch.reset()

    probe = Probe(session)
    probe.run(headless=True, size=(width, height))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
