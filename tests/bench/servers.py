"""The two switches the benchmark measures against, each served by a process of its own.

    python tests/bench/servers.py simulator|foreign TRUNKS

``simulator`` is trunktui's own simulator, trusting 127.0.0.1, plus a second
simulator on the same data that takes a second to answer (for timing a
slow call). ``foreign`` is ``tests/foreign.py``'s switch, built only on the
standard library's ``SimpleXMLRPCServer``, reached in trusted mode too. Both
hold the same generated trunks (``add_bulk_trunks`` into an account
``bench``). A server of its own process never competes with the measuring
process for the GIL.

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
from trunktui.simulator import Knobs, SimulatorServer, Store, add_bulk_trunks, seed_demo

I_CUSTOMER = 1
SLOW_SECONDS = 1.0


def generated(count: int) -> tuple[Store, int]:
    """A demo store with an account ``bench`` of ``count`` generated trunks: the same trunks every time."""
    store = Store()
    seed_demo(store)
    i_account = store.add_account(I_CUSTOMER, "bench", description="Generated trunks")
    add_bulk_trunks(store, i_account, count)
    return store, i_account


def serve_simulator(count: int) -> dict[str, Any]:
    store, i_account = generated(count)
    trusted = ["127.0.0.1"]
    server = SimulatorServer(store, trusted_hosts=trusted).start()
    slow = SimulatorServer(store, trusted_hosts=trusted, knobs=Knobs(latency=SLOW_SECONDS)).start()
    return {"url": server.url, "slow_url": slow.url, "i_customer": I_CUSTOMER, "i_account": i_account}


def serve_foreign(count: int) -> dict[str, Any]:
    store, i_account = generated(count)
    switch = ForeignSwitch()
    for trunk in store.list_trunks(i_account):
        switch.add(**{**trunk, "i_account": 1})
    store.close()
    switch.start()
    return {"url": switch.url, "slow_url": None, "i_customer": I_CUSTOMER, "i_account": 1}


def main() -> None:
    kind, count = sys.argv[1], int(sys.argv[2])
    serving = {"simulator": serve_simulator, "foreign": serve_foreign}[kind](count)
    print(json.dumps(serving), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
