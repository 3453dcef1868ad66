"""Speed at scale: each figure of the dashboard beside its target.

Run it from the repository root (pytest does not collect it; CI does not run it):

    python tests/bench/bench_ui.py [--runs 5] [--sizes 1000,10000,50000]

For each size it starts the simulator in-process on a loopback port, with an
account ``bench`` holding that many generated trunks, plus a second
simulator on the same data that takes a second to answer. Each run starts
``tests/bench/ui_probe.py`` in a fresh process: trunktui's own command line
with ``--account bench``, headless at 120x40, in private XDG directories.
Every figure is the median over the runs, with each run's value shown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_api import per_call_ms as median_call_ms
from tests.test_architecture import NOT_AT_START
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.simulator import Knobs, SimulatorServer, Store, add_bulk_trunks, seed_demo

PROBE = Path(__file__).with_name("ui_probe.py")
def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


class Figures:
    """Collected figures, printed as a table: name, target, median, runs, verdict."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, name: str, values: Sequence[float], unit: str, target: float | None,
            show: Callable[[float], str] = lambda v: f"{v:.2f}") -> None:
        median = statistics.median(values)
        verdict = "" if target is None else ("ok" if median <= target else "MISSED")
        self.rows.append((name, "-" if target is None else f"<= {show(target)} {unit}", f"{show(median)} {unit}",
                          ", ".join(show(v) for v in values), verdict))

    def note(self, name: str, value: str, verdict: str = "") -> None:
        self.rows.append((name, "", value, "", verdict))

    def print(self) -> None:
        headings = ("figure", "target", "median", "runs", "")
        widths = [max(len(row[i]) for row in [headings, *self.rows]) for i in range(5)]
        for row in [headings, *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def probe_runs(url: str, slow_url: str, runs: int, watch_loop: bool) -> list[dict[str, Any]]:
    reports = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TRUNKTUI_PASSWORD": "acme-demo", "XDG_STATE_HOME": home, "XDG_CONFIG_HOME": home,
               "XDG_CACHE_HOME": home, "XDG_DATA_HOME": home, "HOME": home}
        for _ in range(runs):
            started = time.time()
            done = subprocess.run(
                [sys.executable, str(PROBE), "--url", url, "--user", "acme", "--account", "bench",
                 "--latency-url", slow_url, *(["--watch-loop"] if watch_loop else [])],
                env=env, capture_output=True, text=True, timeout=300, check=False,
            )
            if done.returncode != 0 or not done.stdout.strip():
                raise SystemExit(f"the probe failed ({done.returncode}):\n{done.stderr[-3000:]}")
            report = json.loads(done.stdout.strip().splitlines()[-1])
            report["start_s"] = report["first_rows"] - started
            reports.append(report)
    return reports


def per_call_ms(url: str, runs: int, calls: int = 200) -> list[float]:
    """Each run's median, over one connection, as ``bench_api.py`` measures it."""
    medians = []
    for _ in range(runs):
        with SippyClient(ConnectionSettings(url, username="acme", password="acme-demo")) as client:
            client.get_account(i_account=1)
            medians.append(median_call_ms(client, 1, calls))
    return medians


def wire_size(url: str, i_account: int) -> tuple[int, int, str]:
    """(bytes on the wire, bytes of XML, Content-Encoding) of one getTrunksList answer."""
    body = xmlrpc.client.dumps(({"i_account": i_account},), "getTrunksList")
    with httpx.Client(auth=httpx.DigestAuth("acme", "acme-demo")) as client:
        response = client.post(url, content=body, headers={"Content-Type": "text/xml"})
        return response.num_bytes_downloaded, len(response.content), response.headers.get("content-encoding", "none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    figures = Figures()
    start_targets = {1000: 0.8, 10_000: 1.6}
    filter_targets = {10_000: 0.100, 50_000: 0.250}
    for size in sizes:
        store = Store()
        seed_demo(store)
        i_account = store.add_account(1, "bench", description="Generated trunks")
        add_bulk_trunks(store, i_account, size)
        with SimulatorServer(store) as server, SimulatorServer(store, knobs=Knobs(latency=1.0)) as slow:
            print(f"{size} trunks: {args.runs} runs…", file=sys.stderr)
            starts = probe_runs(server.url, slow.url, args.runs, watch_loop=False)
            reports = probe_runs(server.url, slow.url, args.runs, watch_loop=True)
            assert all(report["rows"] == size for report in starts + reports)
            n = f"{size:,}"
            figures.add(f"start to first rows, {n} trunks", [r["start_s"] for r in starts], "s",
                        start_targets.get(size))
            figures.add(f"longest loop block while {n} load", [r["gap_load"] for r in reports], "ms", 0.100, ms)
            if size == sizes[0]:
                figures.add("longest loop block while the screens open", [r["gap_startup"] for r in reports], "ms",
                            None, ms)
            figures.add(f"longest loop block while filtering {n}", [r["gap_filter"] for r in reports], "ms",
                        0.100, ms)
            figures.add(f"slowest filter keystroke to rows shown, {n}",
                        [max(k["seconds"] for k in r["keystrokes"]) for r in reports], "ms",
                        filter_targets.get(size, 0.100 if size < 10_000 else None), ms)
            figures.add(f"longest loop block during a 1 s call, {n}", [r["gap_call"] for r in reports], "ms",
                        0.100, ms)
            if size >= 50_000:
                figures.add(f"peak RSS with {n} loaded", [r["peak_rss_mb"] for r in starts], "MB", 200,
                            lambda v: f"{v:.0f}")
            if size == sizes[0]:
                figures.add("per-call overhead (median of 200 calls)", per_call_ms(server.url, args.runs), "ms", 2.0)
                loaded = set(starts[0]["modules"])
                unwanted = [m for m in NOT_AT_START if m in loaded]
                figures.note("modules loaded at first rows", f"{len(loaded)}, none of NOT_AT_START" if not unwanted
                             else f"also {', '.join(unwanted)}", "ok" if not unwanted else "MISSED")
            if size == 10_000 or size == sizes[-1]:
                wire, xml, encoding = wire_size(server.url, i_account)
                figures.note(f"getTrunksList answer, {n} trunks",
                             f"{wire / 1e6:.2f} MB on the wire ({encoding}), {xml / 1e6:.1f} MB of XML",
                             "ok" if encoding == "gzip" else "MISSED")
    figures.print()


if __name__ == "__main__":
    main()
