"""The scripting command listing 10,000 trunks as JSON, timed against a plain ``xmlrpc.client`` script.

Run it from the repository root (pytest does not collect it; CI does not run it):

    python tests/bench/bench_cli.py [--trunks 10000] [--runs 5] [--api 2020|2022]

A simulator in a process of its own (``servers.py simulator``, trusting
127.0.0.1) holds an account of ``--trunks`` generated trunks. Each run
times, in turns, each as a fresh process from start to exit, its output
read whole from a pipe:

  F  the floor: ``floor_json.py``, the standard library's ``xmlrpc.client``
     fetching the list (on a 2022+ switch with each trunk's connections,
     by ``system.multicall``) and ``json.dump``-ing it;
  J  ``trunktui --url … --trusted --customer 1 trunks list --account ID -o json``;
  L  the same with ``-o jsonl``.

Each output is parsed and counted, so a run that printed less is caught. It
prints the median (min to max) of the runs for each, and J's and L's ratio to F.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRUNKTUI = Path(sys.executable).parent / "trunktui"


def timed(command: list[str], count: Callable[[str], int], expected: int) -> float:
    started = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - started
    if count(out) != expected:
        raise SystemExit(f"{command[:3]} printed {count(out)} trunks, not {expected}")
    return elapsed


def summary(name: str, times: list[float]) -> str:
    return f"{name}: median {statistics.median(times):.2f} s ({min(times):.2f}–{max(times):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trunks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--api", choices=("2020", "2022"), default="2020")
    options = parser.parse_args()
    kind = "simulator22" if options.api == "2022" else "simulator"
    server = subprocess.Popen([sys.executable, str(HERE / "servers.py"), kind, str(options.trunks)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        serving = json.loads(server.stdout.readline())
        url, customer, account = serving["url"], str(serving["i_customer"]), str(serving["i_account"])
        floor = [sys.executable, str(HERE / "floor_json.py"), url, customer, account, options.api]
        listing = [str(TRUNKTUI), "--url", url, "--trusted", "--customer", customer, "--api", options.api,
                   "trunks", "list", "--account", account]
        expected = options.trunks

        def as_json(out: str) -> int:
            return len(json.loads(out))

        def as_lines(out: str) -> int:
            return sum(1 for line in out.splitlines() if json.loads(line))

        times: dict[str, list[float]] = {"F": [], "J": [], "L": []}
        for _ in range(options.runs):
            times["F"].append(timed(floor, as_json, expected))
            times["J"].append(timed([*listing, "-o", "json"], as_json, expected))
            times["L"].append(timed([*listing, "-o", "jsonl"], as_lines, expected))
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(30)
    print(f"{options.trunks:,} trunks, {options.api} API, {options.runs} runs (fresh process each, start to exit)")
    print(summary("F  plain xmlrpc.client script (floor)", times["F"]))
    print(summary("J  trunktui trunks list -o json", times["J"]))
    print(summary("L  trunktui trunks list -o jsonl", times["L"]))
    floor_median = statistics.median(times["F"])
    for name in ("J", "L"):
        print(f"{name} / F = {statistics.median(times[name]) / floor_median:.2f}")


if __name__ == "__main__":
    main()
