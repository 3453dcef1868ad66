"""Speed at scale, as ratios to floors measured in the same run on the same machine.

Run it from the repository root (pytest does not collect it; CI does not run it):

    python tests/bench/bench_speed.py [--sizes 1000,10000,50000,100000] [--servers simulator,foreign]
                                      [--runs 5] [--with-200k] [--json FILE]

Machines differ, so every target is a ratio to a floor timed in this run:

  A  a bare Textual app mounting one Static, from process start to its first paint;
  B  a fresh process fetching and decoding the same trunk list from the same server with
     the standard library's XML-RPC client, or with httpx and ``xmlrpc.client.loads``
     (the faster of the two each run; its peak RSS, the leaner);
  K  a bare Textual Input and one status line filtering the trunk table's strings per keystroke.

Each size is served by each server in a process of its own (``servers.py``):
trunktui's simulator and an independent ``SimpleXMLRPCServer`` switch, both in
trusted mode, with the same generated trunks; and, asked for with
``--servers simulator22``, the simulator speaking the 2022+ API, whose trunks
come with two to four connections each (floor B fetches the trunk list
alone; trunktui, left to tell the API, also reads each batch's connections
with ``system.multicall`` before showing it). Every run starts trunktui afresh
(``--url … --trusted --customer … --account …``, private XDG directories) in a
120x40 pseudo-terminal this benchmark owns and reads its screen from outside
(``pty_screen.py``): "first rows" is when a trunk's name is first shown, "whole
list" when the status line says the final count and nothing is loading, and the
peak RSS is taken then. A, B and trunktui take turns within each run. The
interaction figures are timed from inside (``ui_probe.py``) at 50,000 trunks, or
at the largest size asked for below that; per call, trunktui's client is
set beside a bare httpx POST (``bench_api.py``).

Every figure is the median of the runs, with min and max, its floor, the ratio
and the target ratio, and says "met" or "missed".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import sights
from tests.bench.pty_screen import watch

HERE = Path(__file__).resolve().parent
SIZE = (120, 40)
INTERACTION_SIZE = 50_000
LOADS_AT_ALL = 200_000
FIRST_ROWS = {1000: ("A", 1.3), 10_000: ("A+B", 0.6), 50_000: ("A+B", 0.3), 100_000: ("A+B", 0.3)}
WHOLE_LIST = {10_000: 0.8, 50_000: 0.8, 100_000: 0.8}
RSS_SIZES = (100_000,)
KEYSTROKE_RATIO = 1.5
PER_CALL_RATIO = 1.2
SORT_SECONDS = 0.100
LOOP_BLOCK_SECONDS = 0.050
FIRST_BYTE_SECONDS = 0.1
SAID_IN_TABLE = 100
"""Characters of a failure's words shown in the table; the JSON has them all."""
LOOP_PHASES = {"gap_startup": "start-up, the first screens opening", "gap_load": "loading the list",
               "gap_filter": "typing in the quick filter", "gap_sort": "the first sort by name",
               "gap_open": "a trunk's screen opening and closing", "gap_call": "a reload from a 1 s switch"}


@dataclass
class Figure:
    """One row of the report: a measured figure beside its floor and target."""

    name: str
    unit: str
    """How it is shown: "s" and "ms" both hold seconds, "MB" megabytes, "count" a number."""
    runs: list[float]
    floor_name: str = ""
    floor: float | None = None
    target: float | None = None
    """The target ratio to the floor, or with no floor the largest value allowed."""
    failed: str = ""
    trunks: int | None = None
    server: str = ""
    median: float = field(init=False)
    ratio: float | None = field(init=False)
    verdict: str = field(init=False)

    def __post_init__(self) -> None:
        self.median = statistics.median(self.runs) if self.runs else float("nan")
        self.ratio = self.median / self.floor if self.floor and self.runs else None
        measure = self.ratio if self.floor is not None else self.median
        if self.failed:
            self.verdict = "missed"
        elif self.target is None or measure is None:
            self.verdict = ""
        else:
            self.verdict = "met" if measure <= self.target else "missed"

    def cells(self) -> tuple[str, ...]:
        show = _shower(self.unit)
        if not self.runs:
            return self.name, self.failed[:SAID_IN_TABLE] or "failed", "", "", "", "", self.verdict
        spread = f"{show(min(self.runs))}–{show(max(self.runs))}"
        floor = f"{self.floor_name} {show(self.floor)}" if self.floor is not None else ""
        ratio = f"{self.ratio:.2f}" if self.ratio is not None else ""
        if self.target is None:
            target = ""
        elif self.floor is not None:
            target = f"≤ {self.target:g} × {self.floor_name}"
        else:
            target = f"≤ {show(self.target)}"
        median = f"{show(self.median)}" + (f" ({self.failed[:SAID_IN_TABLE]})" if self.failed else "")
        return self.name, median, spread, floor, ratio, target, self.verdict


def _shower(unit: str) -> Callable[[float], str]:
    if unit == "s":
        return lambda v: f"{v:.2f} s"
    if unit == "ms":
        return lambda v: f"{v * 1000:.0f} ms" if v * 1000 >= 10 else f"{v * 1000:.1f} ms"
    if unit == "MB":
        return lambda v: f"{v:.0f} MB"
    if unit == "count":
        return lambda v: f"{v:.0f}"
    return lambda v: f"{v:.2f}"


def print_table(figures: Sequence[Figure]) -> None:
    headings = ("figure", "median", "min–max", "floor", "ratio", "target", "")
    rows = [headings, *(figure.cells() for figure in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headings))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


# --- processes ------------------------------------------------------------------------


@dataclass
class Server:
    kind: str
    url: str
    slow_url: str | None
    i_customer: int
    i_account: int


@contextmanager
def serving(kind: str, trunks: int) -> Iterator[Server]:
    """A server of ``kind`` with ``trunks`` generated trunks, in a process of its own, for the block's life."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([sys.executable, str(HERE / "servers.py"), kind, str(trunks)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert process.stdin is not None and process.stdout is not None
        try:
            line = process.stdout.readline()
            if not line:
                process.wait()
                errors.seek(0)
                raise SystemExit(f"the {kind} server did not start:\n{errors.read().decode()[-3000:]}")
            yield Server(kind, **json.loads(line))
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def child_env(home: str) -> dict[str, str]:
    """The environment of a measured program: this one's, less what would change its terminal or its files."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "TEXTUAL", "NO_COLOR") and not k.startswith(("TRUNKTUI_", "TEXTUAL_"))}
    env.update(TERM="xterm-256color", HOME=home, XDG_CONFIG_HOME=f"{home}/config", XDG_STATE_HOME=f"{home}/state",
               XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data")
    return env


def floor_a(timeout: float) -> float:
    with tempfile.TemporaryDirectory() as home:
        watched = watch([sys.executable, str(HERE / "floor_app.py")], env=child_env(home), size=SIZE,
                        sights={"paint": lambda screen: "floor A: painted" in screen}, timeout=timeout)
    if "paint" not in watched.seen:
        raise SystemExit(f"floor A never painted; its screen:\n{watched.screen}")
    return watched.seen["paint"]


def floor_b(server: Server, trunks: int, way: str, timeout: float) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one fresh process fetching and decoding the list ``way``."""
    started = time.time()
    done = subprocess.run([sys.executable, str(HERE / "floor_fetch.py"), way, server.url, str(server.i_customer),
                           str(server.i_account)], capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"floor B ({way}) failed:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    if report["count"] != trunks:
        raise SystemExit(f"floor B ({way}) got {report['count']} trunks, not {trunks}")
    return report["done"] - started, report["rss_mb"]


@dataclass
class TrunktuiRun:
    first_rows: float | None
    whole_list: float | None
    rss_mb: float
    said: str


def trunktui_run(server: Server, trunks: int, timeout: float) -> TrunktuiRun:
    argv = [sys.executable, "-m", "trunktui", "--url", server.url, "--trusted",
            "--customer", str(server.i_customer), "--account", str(server.i_account)]
    with tempfile.TemporaryDirectory() as home:
        watched = watch(argv, env=child_env(home), size=SIZE, timeout=timeout, linger=0.3, stop=sights.failed,
                        sights={"first_rows": sights.first_rows, "whole_list": sights.loaded(trunks)})
    lines = [line.strip() for line in watched.screen.splitlines() if line.strip()]
    status = lines[-2] if len(lines) >= 2 else watched.screen
    said = next((line for words in sights.FAILED for line in lines if words in line), status)
    return TrunktuiRun(watched.seen.get("first_rows"), watched.seen.get("whole_list"), watched.peak_rss_mb, said)


def first_byte(server: Server) -> float:
    """Seconds from sending a ``getTrunksList`` request to the first byte of the answer's body."""
    url = urlsplit(server.url)
    params = {"i_customer": server.i_customer, "i_account": server.i_account}
    body = xmlrpc.client.dumps((params,), "getTrunksList").encode()
    head = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: text/xml\r\n"
            f"Accept-Encoding: gzip, deflate\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    with socket.create_connection((url.hostname, url.port), timeout=600) as connection:
        started = time.perf_counter()
        connection.sendall(head.encode() + body)
        received = b""
        while (end := received.find(b"\r\n\r\n")) < 0 or len(received) <= end + 4:
            chunk = connection.recv(1 << 16)
            if not chunk:
                raise SystemExit(f"the {server.kind} server closed the connection before any answer body")
            received += chunk
        return time.perf_counter() - started


def run_json(argv: Sequence[str], what: str, timeout: float) -> dict[str, Any]:
    done = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the blocks --------------------------------------------------------------------------


def size_block(server: Server, trunks: int, runs: int, timeout: float) -> list[Figure]:
    """A, B and trunktui in turn, ``runs`` times, against one server holding ``trunks`` trunks."""
    a: list[float] = []
    b: list[float] = []
    b_rss: list[float] = []
    b_ways: list[str] = []
    ours: list[TrunktuiRun] = []
    for number in range(1, runs + 1):
        print(f"  {trunks:,} trunks, {server.kind}: run {number} of {runs}", file=sys.stderr, flush=True)
        a.append(floor_a(timeout))
        fetched = {way: floor_b(server, trunks, way, timeout) for way in ("stdlib", "httpx")}
        fastest = min(fetched, key=lambda way: fetched[way][0])
        b.append(fetched[fastest][0])
        b_ways.append(fastest)
        b_rss.append(min(rss for _, rss in fetched.values()))
        ours.append(trunktui_run(server, trunks, timeout))
    a_median = statistics.median(a)
    a_b = statistics.median([x + y for x, y in zip(a, b, strict=True)])
    n, where = f"{trunks:,}", server.kind
    ways = "/".join(sorted(set(b_ways)))
    at: dict[str, Any] = {"trunks": trunks, "server": where}
    figures = [Figure(f"floor A, {n} {where}", "s", a, **at), Figure(f"floor B ({ways}), {n} {where}", "s", b, **at),
               Figure(f"floor B peak RSS, {n} {where}", "MB", b_rss, **at)]
    failures = [run.said for run in ours if run.whole_list is None]
    failed = f"failed {len(failures)} of {runs}: {failures[-1]!r}" if failures else ""
    firsts = [run.first_rows for run in ours if run.first_rows is not None]
    wholes = [run.whole_list for run in ours if run.whole_list is not None]
    first_floor, first_ratio = FIRST_ROWS.get(trunks, ("A+B", None))
    figures.append(Figure(f"first rows painted, {n} {where}", "s", firsts, first_floor,
                          a_median if first_floor == "A" else a_b, first_ratio,
                          failed if len(firsts) < runs else "", **at))
    figures.append(Figure(f"whole list ready, {n} {where}", "s", wholes, "A+B", a_b, WHOLE_LIST.get(trunks), failed,
                          **at))
    if trunks == LOADS_AT_ALL:
        figures.append(Figure(f"loads {n} at all, {where}", "s", wholes, target=timeout, failed=failed, **at))
    rss = [run.rss_mb for run in ours if run.whole_list is not None]
    figures.append(Figure(f"peak RSS, {n} {where}", "MB", rss, "B RSS", statistics.median(b_rss),
                          1.0 if trunks in RSS_SIZES else None, failed, **at))
    return figures


def simulator_block(server: Server, trunks: int, runs: int, timeout: float, interaction: bool,
                    per_call: bool) -> tuple[list[Figure], list[str]]:
    """The figures only the simulator is asked for: its first byte, and at one size the interaction figures."""
    n = f"{trunks:,}"
    at: dict[str, Any] = {"trunks": trunks, "server": server.kind}
    figures = [Figure(f"simulator first answer byte, {n}", "ms", [first_byte(server) for _ in range(runs)],
                      target=FIRST_BYTE_SECONDS, **at)]
    modules: list[str] = []
    if per_call:
        calls = [run_json([str(HERE / "bench_api.py"), server.url, str(server.i_customer), str(server.i_account)],
                          "the per-call benchmark", timeout) for _ in range(runs)]
        bare = statistics.median(call["httpx_ms"] / 1000 for call in calls)
        figures.append(Figure("per call (getAccountInfo), median of 200", "ms",
                              [call["trunktui_ms"] / 1000 for call in calls], "httpx POST", bare, PER_CALL_RATIO,
                              server=server.kind))
    if interaction:
        print(f"  {n} trunks: interaction, {runs} runs", file=sys.stderr, flush=True)
        assert server.slow_url is not None
        k = [statistics.mean(run_json([str(HERE / "floor_filter.py"), str(trunks)], "floor K", timeout)["keystrokes"])
             for _ in range(runs)]
        probes = [run_json([str(HERE / "ui_probe.py"), "--url", server.url, "--slow-url", server.slow_url,
                            "--customer", str(server.i_customer), "--account", str(server.i_account),
                            "--trunks", str(trunks), "--timeout", str(timeout)], "the interaction probe", timeout * 3)
                  for _ in range(runs)]
        failed = next((probe["failed"] for probe in probes if "failed" in probe), "")
        done = [probe for probe in probes if "failed" not in probe]
        figures.append(Figure(f"floor K, {n} strings, per keystroke", "ms", k, **at))
        figures.append(Figure(f"quick filter, {n}, per keystroke", "ms",
                              [statistics.mean(p["keystrokes"]) for p in done], "K", statistics.median(k),
                              KEYSTROKE_RATIO, failed, **at))
        figures.append(Figure(f"first sort by name, {n}", "ms", [p["sort"] for p in done], target=SORT_SECONDS,
                              failed=failed, **at))
        for key, phase in LOOP_PHASES.items():
            figures.append(Figure(f"longest loop block, {phase}, {n}", "ms", [p[key] for p in done if key in p],
                                  target=LOOP_BLOCK_SECONDS, failed=failed, **at))
        modules = done[0]["modules"] if done else []
    return figures, modules


def start_up_imports(modules: list[str]) -> Figure:
    from tests.test_architecture import NOT_AT_START

    unwanted = [m for m in NOT_AT_START if m in modules]
    return Figure("modules of NOT_AT_START loaded once the list shows", "count", [float(len(unwanted))], target=0,
                  failed=", ".join(unwanted))


def versions() -> dict[str, str]:
    return {"python": platform.python_version(), "textual": metadata.version("textual"),
            "httpx": metadata.version("httpx"), "machine": f"{platform.machine()}, {os.cpu_count()} cores"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000,100000", help="trunks per account, comma-separated")
    parser.add_argument("--servers", default="simulator,foreign",
                        help="simulator, foreign, simulator22 (the 2022+ API), comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure, at least 5 for the record (default 5)")
    parser.add_argument("--with-200k", action="store_true", help="also check that 200,000 trunks load at all")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one program may take (default 300)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure and each run's value here")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")] + ([LOADS_AT_ALL] if args.with_200k else [])
    servers = args.servers.split(",")
    if unknown := set(servers) - {"simulator", "foreign", "simulator22"}:
        parser.error(f"unknown server {', '.join(sorted(unknown))}")
    if not Path("/proc").exists():
        print("note: no /proc here, so the peak RSS figures are missing", file=sys.stderr)
    interaction_size = max((s for s in sizes if s <= INTERACTION_SIZE), default=None)

    load_before = os.getloadavg()
    figures: list[Figure] = []
    modules: list[str] = []
    for trunks in sizes:
        for kind in servers:
            with serving(kind, trunks) as server:
                figures += size_block(server, trunks, args.runs, args.timeout)
                if kind == "simulator":
                    more, seen = simulator_block(server, trunks, args.runs, args.timeout,
                                                 interaction=trunks == interaction_size, per_call=trunks == sizes[0])
                    figures += more
                    modules = modules or seen
    if modules:
        figures.append(start_up_imports(modules))
    load_after = os.getloadavg()

    about = versions()
    print(f"Python {about['python']}, Textual {about['textual']}, httpx {about['httpx']}, {about['machine']}; "
          f"medians of {args.runs} runs")
    print("load average (1, 5, 15 min): at start " + ", ".join(f"{v:.2f}" for v in load_before)
          + "; at end " + ", ".join(f"{v:.2f}" for v in load_after))
    print_table(figures)
    missed = [f.name for f in figures if f.verdict == "missed"]
    print(f"{sum(f.verdict == 'met' for f in figures)} targets met, {len(missed)} missed")
    if args.json:
        Path(args.json).write_text(json.dumps({"versions": about, "runs": args.runs, "load_at_start": load_before,
                                               "load_at_end": load_after,
                                               "figures": [asdict(f) for f in figures]}, indent=1))


if __name__ == "__main__":
    main()
