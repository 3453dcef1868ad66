"""API-layer figures: per-call latency and the cost of a large trunk list.

Run it from the repository root (pytest does not collect it):

    python tests/bench/bench_api.py [--calls 200] [--trunks 10000] [--runs 5]

It starts the simulator in-process on a loopback port, with generated
trunks in one account, and prints each figure as the median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from trunktui.api import ConnectionSettings, SippyClient
from trunktui.simulator import SimulatorServer, Store, add_bulk_trunks, seed_demo


def per_call_ms(client: SippyClient, i_account: int, calls: int) -> float:
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        client.get_account(i_account=i_account)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def big_list_s(client: SippyClient, i_account: int) -> tuple[float, int]:
    start = time.perf_counter()
    trunks = client.list_trunks(i_account)
    return time.perf_counter() - start, len(trunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--trunks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    store = Store()
    login = seed_demo(store)[0]
    i_account = store.add_account(login.i_customer, "bench", description="Generated trunks")
    add_bulk_trunks(store, i_account, args.trunks)
    with SimulatorServer(store) as server:
        settings = ConnectionSettings(server.url, username=login.login, password=login.password)
        latencies, lists = [], []
        for _ in range(args.runs):
            with SippyClient(settings) as client:
                client.get_account(i_account=i_account)
                latencies.append(per_call_ms(client, i_account, args.calls))
                seconds, count = big_list_s(client, i_account)
                assert count == args.trunks, count
                lists.append(seconds)
    print(f"per-call latency, median of {args.calls} calls on one connection "
          f"(median of {args.runs} runs): {statistics.median(latencies):.2f} ms  "
          f"[runs: {', '.join(f'{v:.2f}' for v in latencies)}]")
    print(f"fetch and decode {args.trunks} trunks (median of {args.runs} runs): "
          f"{statistics.median(lists):.3f} s  [runs: {', '.join(f'{v:.3f}' for v in lists)}]")


if __name__ == "__main__":
    main()
