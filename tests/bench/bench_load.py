"""Load figures: many clients at once against one simulator, for longer than the test.

Run it from the repository root (pytest does not collect it):

    python tests/bench/bench_load.py [--workers 8] [--rounds 500] [--runs 5]

Each run starts a fresh simulator in-process on a loopback port and runs the
load of ``tests/test_simulator_load.py`` (the same mix of calls, each thread
with its own client), then checks the final state as the test does. It
prints every run's figures and the median of each over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.test_simulator_load import LoadResult, check_final_state, run_load
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.simulator import SimulatorServer, Store, seed_demo


def one_run(workers: int, rounds: int, time_limit: float) -> LoadResult:
    store = Store()
    passwords = {login.login: login.password for login in seed_demo(store)}
    with SimulatorServer(store) as server:

        def client_for(login: str) -> SippyClient:
            return SippyClient(ConnectionSettings(server.url, username=login, password=passwords[login]))

        before = {}
        for login in passwords:
            with client_for(login) as api:
                i_account = api.list_accounts()[0].i_account
                before[i_account] = {t.i_trunk: t.name for t in api.list_trunks(i_account)}
        calls_before = server.stats.calls
        result = run_load(client_for, passwords, workers=workers, rounds=rounds, time_limit=time_limit)
        assert server.stats.calls - calls_before == result.calls, "the server saw a different number of calls"
        check_final_state(server, client_for, result, before)
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--rounds", type=int, default=500, help="rounds per client, about 5.4 calls each (default 500)")
    parser.add_argument("--runs", type=int, default=5, help="runs to take the median of (default 5)")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds one run may take (default 600)")
    args = parser.parse_args()

    results = []
    for number in range(1, args.runs + 1):
        result = one_run(args.workers, args.rounds, args.time_limit)
        results.append(result)
        print(f"run {number}: {result.summary()}", flush=True)

    def median(figure: str, values: list[float], unit: str, digits: int) -> None:
        runs = ", ".join(f"{v:.{digits}f}" for v in values)
        print(f"{figure} (median of {args.runs} runs): {statistics.median(values):.{digits}f}{unit}  [runs: {runs}]")

    print(f"{args.workers} clients x {args.rounds} rounds, {results[0].calls} calls a run")
    median("wall time", [r.wall for r in results], " s", 2)
    median("calls/s", [r.rate for r in results], "", 0)
    median("latency p50", [r.percentile_ms(50) for r in results], " ms", 2)
    median("latency p95", [r.percentile_ms(95) for r in results], " ms", 2)


if __name__ == "__main__":
    main()
