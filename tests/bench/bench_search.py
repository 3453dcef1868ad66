"""The search of every account, timed against a plain fetch of the same lists, in the same run.

Run it from the repository root (pytest does not collect it; CI does not run it):

    python tests/bench/bench_search.py [--accounts 200] [--trunks 50] [--latency 0.02] [--runs 5]
                                       [--api 2020|2022] [--concurrency 4]

A simulator in a process of its own holds ``--accounts`` generated accounts of
``--trunks`` trunks each and answers every call ``--latency`` seconds late
(``servers.py search``). Each run times, in turns:

  F  the floor: the standard library's ``xmlrpc.client`` asking for each
     account's trunk list in turn over one connection, and nothing more
     (on a 2022+ switch, without the trunks' connections);
  S  trunktui's ``Search`` of every account for an address (``--concurrency``
     calls at once, ``system.multicall``), from listing the accounts to the
     last account searched, connections read where the query needs them;
  U  the same search from the dashboard's search screen, started afresh in
     a process of its own (``search_probe.py``): from Enter until the last
     account is searched, and the longest the event loop was blocked
     meanwhile (a 10 ms timer's longest gap), against the same timer's in a
     bare Textual app doing nothing (``floor_app.py``'s kind of floor: the
     timer alone).

It prints the median of the runs, with min and max, for each, S's ratio to
F, and the issue's targets: S at most 2 s for 200 accounts of 50 trunks at
20 ms a call with 4 calls at once, and the screen never blocked for more
than 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from trunktui.api import ConnectionSettings, SippyClient
from trunktui.search import Query, Search

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 2.0
TARGET_BLOCK = 0.100


def floor(url: str, i_customer: int, accounts: list[int]) -> float:
    started = time.perf_counter()
    proxy = xmlrpc.client.ServerProxy(url)
    for i_account in accounts:
        proxy.getTrunksList({"i_customer": i_customer, "i_account": i_account})
    return time.perf_counter() - started


def search(url: str, i_customer: int, api: str, concurrency: int, query: Query) -> tuple[float, int, int]:
    started = time.perf_counter()
    with SippyClient(ConnectionSettings(url, trusted=True, i_customer=i_customer, api=api)) as client:
        summary = Search(client, query, concurrency=concurrency).run()
    elapsed = time.perf_counter() - started
    if summary.failures:
        raise SystemExit(f"{len(summary.failures)} accounts failed: {summary.failures[0].error}")
    return elapsed, summary.searched, len(summary.found)


def probe(url: str, i_customer: int, concurrency: int, query: str) -> dict[str, float]:
    """One run of the search screen in a fresh process (``search_probe.py``)."""
    out = subprocess.run(
        [sys.executable, str(HERE / "search_probe.py"), "--url", url, "--customer", str(i_customer),
         "--query", query, "--concurrency", str(concurrency)],
        check=True, capture_output=True, text=True).stdout
    report: dict[str, float] = json.loads(out.splitlines()[-1])
    if "failed" in report:
        raise SystemExit(f"the search screen did not finish: {report['failed']}")
    return report


def bare_gap() -> float:
    """The longest gap of a 10 ms timer in a bare Textual app over a second, in a fresh process."""
    code = (
        "import time, json\n"
        "from textual.app import App\n"
        "from textual.widgets import Static\n"
        "longest = [0.0]; last = [0.0]\n"
        "class Bare(App):\n"
        "    def compose(self):\n"
        "        yield Static('floor')\n"
        "    def on_mount(self):\n"
        "        last[0] = time.perf_counter()\n"
        "        self.set_interval(0.01, self.tick)\n"
        "        self.set_timer(1.5, self.exit)\n"
        "    def tick(self):\n"
        "        now = time.perf_counter()\n"
        "        if now - self.started > 0.5: longest[0] = max(longest[0], now - last[0])\n"
        "        last[0] = now\n"
        "    started = time.perf_counter()\n"
        "Bare().run(headless=True, size=(120, 40))\n"
        "print(json.dumps(longest[0]))\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return float(json.loads(out.splitlines()[-1]))


def figure(name: str, values: list[float]) -> str:
    return (f"{name}: {statistics.median(values):.3f} s (median of {len(values)}) "
            f"[{min(values):.3f}–{max(values):.3f}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--trunks", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--api", choices=("2020", "2022"), default="2020")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--query", default="203.0.113.7")
    parser.add_argument("--no-screen", action="store_true", help="time the engine only, not the search screen")
    args = parser.parse_args()
    kind = "search22" if args.api == "2022" else "search"
    server = subprocess.Popen(
        [sys.executable, str(HERE / "servers.py"), kind, str(args.accounts), str(args.trunks), str(args.latency)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        serving = json.loads(server.stdout.readline())
        url, i_customer = serving["url"], serving["i_customer"]
        with SippyClient(ConnectionSettings(url, trusted=True, i_customer=i_customer, api=args.api)) as client:
            accounts = [account.i_account for account in client.list_accounts(0, 1000)]
        floors, searches, screens, gaps, bare = [], [], [], [], []
        counts = (0, 0)
        for _ in range(args.runs):
            floors.append(floor(url, i_customer, accounts))
            elapsed, searched, found = search(url, i_customer, args.api, args.concurrency,
                                              Query(args.query, "destination"))
            searches.append(elapsed)
            counts = (searched, found)
            if not args.no_screen:
                report = probe(url, i_customer, args.concurrency, args.query)
                screens.append(report["search_seconds"])
                gaps.append(report["gap_search"])
                bare.append(bare_gap())
    finally:
        server.kill()
    print(f"{len(accounts)} accounts of about {args.trunks} trunks, {args.latency * 1000:.0f} ms a call, "
          f"API {args.api}, {args.concurrency} calls at once; {counts[0]} accounts searched, {counts[1]} found")
    print(figure("F  plain xmlrpc.client fetch of every account's list, one at a time", floors))
    print(figure("S  trunktui search of every account", searches))
    ratio = statistics.median(searches) / statistics.median(floors)
    met = "met" if statistics.median(searches) <= TARGET_SECONDS else "missed"
    print(f"S / F = {ratio:.2f}; target S ≤ {TARGET_SECONDS:.0f} s: {met}")
    if screens:
        print(figure("U  the search screen, Enter to the last account", screens))
        print(figure("   longest the screen was blocked meanwhile", gaps))
        print(figure("   longest a bare Textual app's timer waited", bare))
        blocked = statistics.median(gaps)
        print(f"blocked {blocked * 1000:.0f} ms, {blocked / statistics.median(bare):.1f} × the bare app's; "
              f"target ≤ {TARGET_BLOCK * 1000:.0f} ms: {'met' if blocked <= TARGET_BLOCK else 'missed'}")


if __name__ == "__main__":
    main()
