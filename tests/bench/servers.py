"""The two switches the benchmark measures against, each served by a process of its own.

    python tests/bench/servers.py simulator|simulator22|foreign TRUNKS
    python tests/bench/servers.py search|search22 ACCOUNTS TRUNKS LATENCY

``simulator`` is trunktui's own simulator, trusting 127.0.0.1, plus a second
simulator on the same data that takes a second to answer (for timing a
slow call). ``simulator22`` is the simulator speaking the 2022+ API (as
``trunktui sim --api 2022 --bulk TRUNKS``): each trunk with two to four
connections, which trunktui reads with ``system.multicall`` as the list
arrives. ``foreign`` is ``tests/foreign.py``'s switch, built only on the
standard library's ``SimpleXMLRPCServer``, reached in trusted mode too. Both
hold the same generated trunks (``add_bulk_trunks`` into an account
``bench``). A server of its own process never competes with the measuring
process for the GIL.

``search`` (``search22``: speaking the 2022+ API) is the simulator holding
ACCOUNTS generated accounts of TRUNKS generated trunks each, answering every
call LATENCY seconds late, as a switch across a network does: what a search
of every account meets.

It prints one JSON line (urls, i_customer, i_account) once it serves, and
serves until its standard input closes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.foreign import ForeignSwitch
from trunktui.simulator import Knobs, SimulatorServer, Store, add_bulk_trunks, add_extra_accounts, seed_demo
from trunktui.versions import Api

I_CUSTOMER = 1
SLOW_SECONDS = 1.0


def generated(count: int, api: Api = Api.V2020) -> tuple[Store, int]:
    """A demo store of ``api`` with an account ``bench`` of ``count`` generated trunks: the same trunks every
    time."""
    store = Store()
    seed_demo(store, api=api)
    i_account = store.add_account(I_CUSTOMER, "bench", description="Generated trunks")
    add_bulk_trunks(store, i_account, count, api=api)
    return store, i_account


def serve_simulator(count: int, api: Api = Api.V2020) -> dict[str, Any]:
    store, i_account = generated(count, api)
    trusted = ["127.0.0.1"]
    server = SimulatorServer(store, trusted_hosts=trusted, api=api).start()
    slow = SimulatorServer(store, trusted_hosts=trusted, knobs=Knobs(latency=SLOW_SECONDS), api=api).start()
    return {"url": server.url, "slow_url": slow.url, "i_customer": I_CUSTOMER, "i_account": i_account}


def serve_simulator_2022(count: int) -> dict[str, Any]:
    return serve_simulator(count, Api.V2022)


def serve_foreign(count: int) -> dict[str, Any]:
    store, i_account = generated(count)
    switch = ForeignSwitch()
    for trunk in store.list_trunks(i_account):
        switch.add(**{**trunk, "i_account": 1})
    store.close()
    switch.start()
    return {"url": switch.url, "slow_url": None, "i_customer": I_CUSTOMER, "i_account": 1}


def serve_search(accounts: int, trunks: int, latency: float, api: Api = Api.V2020) -> dict[str, Any]:
    store = Store()
    seed_demo(store, api=api)
    for i_account in add_extra_accounts(store, I_CUSTOMER, accounts):
        add_bulk_trunks(store, i_account, trunks, api=api)
    server = SimulatorServer(store, trusted_hosts=["127.0.0.1"], knobs=Knobs(latency=latency), api=api).start()
    return {"url": server.url, "slow_url": None, "i_customer": I_CUSTOMER, "i_account": None}


def main() -> None:
    kind, count = sys.argv[1], int(sys.argv[2])
    if kind.startswith("search"):
        api = Api.V2022 if kind == "search22" else Api.V2020
        serving = serve_search(count, int(sys.argv[3]), float(sys.argv[4]), api)
    else:
        serve = {"simulator": serve_simulator, "simulator22": serve_simulator_2022, "foreign": serve_foreign}[kind]
        serving = serve(count)
    print(json.dumps(serving), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
