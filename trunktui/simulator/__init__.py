"""A Sippy Softswitch XML-RPC simulator for demos and tests.

It answers the trunk and account methods trunktui uses, in the 2020 API or
the 2022+ one with trunk connections, with Digest authentication, trusted
mode and failure injection, over real HTTP. It uses
only the standard library and never imports the UI.
"""

from __future__ import annotations

import secrets

from trunktui.simulator.demo import DEMO_LOGINS, DemoLogin, add_bulk_trunks, add_extra_accounts, seed_demo
from trunktui.simulator.dispatch import Stats
from trunktui.simulator.knobs import FailMode, Knobs, UnknownMethodAnswer
from trunktui.simulator.server import SimulatorServer
from trunktui.simulator.store import Store
from trunktui.versions import Api

__all__ = [
    "DemoLogin",
    "FailMode",
    "Knobs",
    "SimulatorServer",
    "Stats",
    "Store",
    "UnknownMethodAnswer",
    "add_bulk_trunks",
    "add_extra_accounts",
    "seed_demo",
    "start_demo",
]


def start_demo(
    *, random_passwords: bool = False, knobs: Knobs | None = None, api: Api = Api.V2020
) -> tuple[SimulatorServer, list[DemoLogin]]:
    """Seed an in-memory store with the demo data of ``api`` and serve it on an ephemeral loopback port.

    With ``random_passwords`` each login gets a fresh password, for a demo
    reachable by other local users. Call ``server.stop()`` when done.
    """
    store = Store()
    passwords = None
    if random_passwords:
        passwords = {login: secrets.token_urlsafe(12) for login in DEMO_LOGINS}
    logins = seed_demo(store, passwords=passwords, api=api)
    return SimulatorServer(store, api=api, knobs=knobs).start(), logins
