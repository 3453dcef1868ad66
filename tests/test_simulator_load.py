"""Many clients at once against one simulator: nothing lost, nothing doubled.

Eight threads, each with its own ``SippyClient`` (own connection, own Digest
session), make a fixed mix of calls (create, update, get, list by pattern,
list accounts, get account, delete) on trunks of their own, in accounts
shared with other threads, for more than 5,000 calls in all under the
``long`` marker; the default run makes a tenth of the rounds (about 550
calls, every branch of the mix included). Afterwards the switch must hold
exactly the trunks the threads meant to leave, with the values they last
wrote, and the server must have counted exactly the calls the clients made
(so no call was silently retried or lost). The figures are printed; run
with ``-s`` to see them. ``tests/bench/bench_load.py`` runs the same load
for longer.
"""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import Sim
from trunktui.api import SippyClient
from trunktui.simulator import SimulatorServer
from trunktui.simulator.demo import DEMO_LOGINS

WORKERS = 8
ROUNDS = 120
QUICK_ROUNDS = 12  # enough for every branch of the mix (the longest period is 10 rounds)
MIN_CALLS = 5_000  # in ROUNDS rounds
TIME_LIMIT = 60.0
DESTINATION = "192.0.2.10:5060"


@dataclass
class Worker:
    """One thread's client, its account and the trunks it expects to remain."""

    number: int
    login: str
    i_account: int = 0
    latencies: list[float] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"load-w{self.number}-"

    def timed(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            self.latencies.append(time.perf_counter() - started)

    def run(self, api: SippyClient, rounds: int, stop: threading.Event) -> None:
        """The fixed mix, about 5.4 calls a round, checking each answer as it comes."""
        self.i_account = self.timed(api.list_accounts)[0].i_account
        kept: list[str] = []
        for n in range(rounds):
            if stop.is_set():
                return
            name = f"{self.prefix}{n:04d}"
            i_trunk = self.timed(
                api.create_trunk, {"i_account": self.i_account, "name": name, "destination": DESTINATION, "capacity": n}
            )
            self.created.append(i_trunk)
            values = {"i_trunk": i_trunk, "description": f"w{self.number} r{n}", "capacity": n + 1, "max_cps": None}
            self.timed(api.update_trunk, i_trunk, {"description": values["description"], "capacity": n + 1})
            trunk = self.timed(api.get_trunk, i_trunk)
            assert (trunk.name, trunk.get("description"), trunk.get("capacity")) == (
                name, values["description"], n + 1
            )
            listed = self.timed(api.list_trunks, self.i_account, name)
            assert [t.i_trunk for t in listed] == [i_trunk], f"{name}: {listed}"
            if n % 2:
                assert self.timed(api.get_account, i_account=self.i_account).i_account == self.i_account
            else:
                assert self.i_account in {a.i_account for a in self.timed(api.list_accounts)}
            if n % 5 == 4 and kept:
                older = kept[len(kept) // 2]
                self.timed(api.update_trunk, self.expected[older]["i_trunk"], {"max_cps": float(n)})
                self.expected[older]["max_cps"] = float(n)
            if n % 3 == 0:
                self.timed(api.delete_trunk, i_trunk)
            else:
                self.expected[name] = values
                kept.append(name)
            if n % 10 == 9:
                mine = self.timed(api.list_trunks, self.i_account, f"{self.prefix}%")
                assert {t.name: t.i_trunk for t in mine} == {k: v["i_trunk"] for k, v in self.expected.items()}


@dataclass(frozen=True)
class LoadResult:
    workers: list[Worker]
    wall: float

    @property
    def calls(self) -> int:
        return sum(len(w.latencies) for w in self.workers)

    @property
    def rate(self) -> float:
        return self.calls / self.wall

    def percentile_ms(self, percent: int) -> float:
        latencies = [latency for w in self.workers for latency in w.latencies]
        return statistics.quantiles(latencies, n=100, method="inclusive")[percent - 1] * 1000

    def summary(self) -> str:
        return (
            f"{self.calls} calls by {len(self.workers)} clients in {self.wall:.2f} s: "
            f"{self.rate:.0f} calls/s, latency p50 {self.percentile_ms(50):.2f} ms, "
            f"p95 {self.percentile_ms(95):.2f} ms"
        )


def run_load(
    client_for: Callable[[str], SippyClient],
    logins: Iterable[str] = DEMO_LOGINS,
    workers: int = WORKERS,
    rounds: int = ROUNDS,
    time_limit: float = TIME_LIMIT,
) -> LoadResult:
    """Run ``workers`` threads of ``rounds`` rounds each; raise the first failure.

    Thread ``w`` logs in as the ``w``-th login (cycling), so several threads
    share each account. The first failure stops the others.
    """
    names = list(logins)
    crew = [Worker(number, names[number % len(names)]) for number in range(workers)]
    failures: list[BaseException] = []
    stop = threading.Event()
    start = threading.Barrier(workers + 1)

    def work(worker: Worker) -> None:
        try:
            with client_for(worker.login) as api:
                start.wait()
                worker.run(api, rounds, stop)
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            failures.append(error)
            stop.set()
            start.abort()

    threads = [threading.Thread(target=work, args=(w,), name=f"load-{w.number}") for w in crew]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a thread failed before the start; raised below
        start.wait()
    began = time.perf_counter()
    deadline = began + time_limit
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    wall = time.perf_counter() - began
    if any(thread.is_alive() for thread in threads):
        stop.set()
        raise AssertionError(f"the load did not finish within {time_limit:g} s")
    if failures:
        raise failures[0]
    return LoadResult(crew, wall)


def check_final_state(server: SimulatorServer, client_for: Callable[[str], SippyClient],
                      result: LoadResult, before: dict[int, dict[int, str]]) -> None:
    """The switch holds exactly the trunks the workers kept, with their last values."""
    logins = {w.i_account: w.login for w in result.workers}
    for i_account, login in logins.items():
        expected = {
            name: values for w in result.workers if w.i_account == i_account for name, values in w.expected.items()
        }
        with client_for(login) as api:
            trunks = api.list_trunks(i_account)
        ids = [t.i_trunk for t in trunks]
        assert len(ids) == len(set(ids)), "a trunk id appears twice"
        untouched = {t.i_trunk: t.name for t in trunks if not t.name.startswith("load-")}
        assert untouched == before[i_account], "trunks the load did not touch changed"
        loaded = {t.name: t for t in trunks if t.name.startswith("load-")}
        assert sorted(loaded) == sorted(expected), "trunks lost or left behind"
        for name, values in expected.items():
            trunk = loaded[name]
            got = {"i_trunk": trunk.i_trunk, **{member: trunk.get(member) for member in values if member != "i_trunk"}}
            assert got == values, name
        stored = {row["name"]: row["i_trunk"] for row in server.store.list_trunks(i_account)}
        assert {name: stored.get(name) for name in expected} == {n: v["i_trunk"] for n, v in expected.items()}


@pytest.mark.parametrize("rounds", [pytest.param(QUICK_ROUNDS, id="quick"),
                                    pytest.param(ROUNDS, id="5000-calls", marks=pytest.mark.long)])
def test_eight_clients_at_once_lose_and_double_nothing(sim: Sim, rounds: int) -> None:
    stats = sim.server.stats
    before = {}
    for login in DEMO_LOGINS:
        with sim.client(login) as api:
            i_account = api.list_accounts()[0].i_account
            before[i_account] = {t.i_trunk: t.name for t in api.list_trunks(i_account)}
    counted_before = sim.server.stats.calls

    result = run_load(sim.client, rounds=rounds)

    after = sim.server.stats
    print(f"\n    load: {result.summary()}")
    assert result.calls >= MIN_CALLS * rounds // ROUNDS
    assert after.calls - counted_before == result.calls, "the server saw a different number of calls"
    # Each client logs in once on each of its two connections: one for its calls, one for its trunk lists.
    assert after.challenges - stats.challenges == 2 * (len(DEMO_LOGINS) + WORKERS), "a client logged in again"
    assert after.stale == stats.stale
    created = [i_trunk for w in result.workers for i_trunk in w.created]
    assert len(created) == WORKERS * rounds
    check_final_state(sim.server, sim.client, result, before)


def test_a_deleted_trunks_id_is_never_given_to_another(sim: Sim) -> None:
    with sim.client() as api:
        i_account = api.list_accounts()[0].i_account
        first = api.create_trunk({"i_account": i_account, "name": "short-lived", "destination": DESTINATION})
        api.delete_trunk(first)
        second = api.create_trunk({"i_account": i_account, "name": "successor", "destination": DESTINATION})
    assert second != first, "an update sent with the deleted trunk's id would now change 'successor'"
