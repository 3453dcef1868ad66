"""Memory over a session: RSS while a large account is opened and closed again and again.

Run it from the repository root (pytest does not collect it; CI does not run it):

    python tests/bench/bench_memory.py [--trunks 10000] [--cycles 4] [--runs 5]

Each run is a fresh process that drives the app headless (Textual's pilot)
against an in-process simulator: open the account ``bench`` with that many
trunks, wait for its rows, go back to the picker, and again. After each
cycle it collects garbage and records the resident set size and how many
trunk lists are still alive. A closed list should be freed, so RSS after
the last cycle should stay near RSS after the first.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def cycles(trunks: int, count: int) -> dict[str, list[float]]:
    from tests.tui.driving import settle
    from trunktui.api import ConnectionSettings
    from trunktui.simulator import SimulatorServer, Store, add_bulk_trunks, seed_demo
    from trunktui.tui.app import Session, TrunkApp
    from trunktui.tui.screens.accounts import AccountsScreen
    from trunktui.tui.screens.trunks import TrunksScreen

    store = Store()
    seed_demo(store)
    add_bulk_trunks(store, store.add_account(1, "bench"), trunks)
    rss: list[float] = []
    alive: list[float] = []
    with SimulatorServer(store) as server:
        settings = ConnectionSettings(server.url, username="acme", password="acme-demo")
        app = TrunkApp(Session(settings))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            opened: list[weakref.ref[TrunksScreen]] = []
            for _ in range(count):
                picker = app.screen
                assert isinstance(picker, AccountsScreen)
                picker.open_by("bench")
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, TrunksScreen) and len(screen.trunks) == trunks
                opened.append(weakref.ref(screen))
                del screen
                await pilot.press("escape")
                await settle(pilot)
                gc.collect()
                rss.append(rss_mib())
                alive.append(sum(ref() is not None for ref in opened))
    return {"rss": rss, "alive": alive}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trunks", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(cycles(args.trunks, args.cycles))))
        return
    reports = []
    with tempfile.TemporaryDirectory() as home:
        env = {"XDG_STATE_HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home, "XDG_DATA_HOME": home}
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--one", "--trunks", str(args.trunks), "--cycles", str(args.cycles)],
                env={**os.environ, **env}, capture_output=True, text=True, check=True, timeout=600,
            )
            reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{args.trunks:,} trunks, opened and closed {args.cycles} times; medians of {args.runs} runs")
    for cycle in range(args.cycles):
        rss = [report["rss"][cycle] for report in reports]
        alive = [report["alive"][cycle] for report in reports]
        print(f"  after cycle {cycle + 1}: RSS {statistics.median(rss):.0f} MiB "
              f"(runs {', '.join(f'{v:.0f}' for v in rss)}), closed lists still alive {statistics.median(alive):.0f}")


if __name__ == "__main__":
    main()
