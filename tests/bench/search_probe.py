"""The search screen, driven as a user would, timing how long its event loop is ever blocked.

``bench_search.py`` runs this in a fresh process per run (pytest does not
collect it). It starts the dashboard headless at 120x40 on the switch it is
given (``--url … --trusted --customer …``), opens the search of every
account, types the query, presses Enter and, with a 10 ms timer ticking,
reports the longest gap between ticks (the longest the screen could not
react to a key) from Enter until the last account is searched, and how long
that took. It prints one JSON object on stdout and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.ui_probe import TICK, LoopWatch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--customer", required=True)
    parser.add_argument("--query", required=True)
    parser.add_argument("--concurrency", default="4")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    from trunktui.cli import argument_parser
    from trunktui.cli.launch import plan
    from trunktui.tui.app import TrunkApp
    from trunktui.tui.screens.search import SearchScreen

    launch = plan(argument_parser().parse_args(
        ["--url", args.url, "--trusted", "--customer", args.customer, "--concurrency", args.concurrency]))
    assert launch.session is not None
    report: dict[str, Any] = {}
    watch = LoopWatch()

    class Probe(TrunkApp):
        def on_mount(self) -> None:
            self.set_interval(TICK, watch.tick)
            self.run_worker(self.measure(), group="probe")

        async def measure(self) -> None:
            try:
                await self.phases()
            except TimeoutError as problem:
                report["failed"] = str(problem)
            self.exit()

        async def until(self, condition: Any, what: str) -> None:
            started = time.perf_counter()
            while not condition():
                if time.perf_counter() - started > args.timeout:
                    raise TimeoutError(f"{what} did not happen in {args.timeout:g} s")
                await asyncio.sleep(0.005)

        async def phases(self) -> None:
            await asyncio.sleep(0.5)
            self.action_search()
            await self.until(lambda: isinstance(self.screen, SearchScreen), "the search screen opening")
            screen = self.screen
            assert isinstance(screen, SearchScreen)
            await asyncio.sleep(0.3)
            screen.query_box.value = args.query
            watch.reset()
            started = time.perf_counter()
            await screen.query_box.action_submit()
            await self.until(lambda: screen.running, "the search starting")
            await self.until(lambda: not screen.running, "the search ending")
            report["search_seconds"] = time.perf_counter() - started
            await asyncio.sleep(0.1)
            report["gap_search"] = watch.reset()
            report["found"] = len(screen.found)
            report["failed_accounts"] = len(screen.failures)

    Probe(launch.session).run(headless=True, size=(120, 40))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
