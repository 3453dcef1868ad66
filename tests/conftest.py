"""Fixtures shared by the suite: a simulator on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.foreign import ForeignSwitch, ForeignSwitch2022
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.simulator import DemoLogin, SimulatorServer, Store, seed_demo
from trunktui.versions import Api


@dataclass
class Sim:
    """A running simulator with its store and demo logins."""

    server: SimulatorServer
    store: Store
    logins: dict[str, DemoLogin]
    api: Api = Api.V2020

    @property
    def url(self) -> str:
        return self.server.url

    def settings(self, login: str = "acme", **overrides: object) -> ConnectionSettings:
        """Settings for ``login``; they name the API the simulator speaks, so no call goes to working it out."""
        options: dict[str, object] = {
            "url": self.url,
            "username": login,
            "password": self.logins[login].password,
            "read_timeout": 5.0,
            "api": self.api.value,
        }
        options.update(overrides)
        return ConnectionSettings(**options)  # type: ignore[arg-type]

    def client(self, login: str = "acme", **overrides: object) -> SippyClient:
        return SippyClient(self.settings(login, **overrides))


@contextmanager
def running_sim(api: Api = Api.V2020) -> Iterator[Sim]:
    """A simulator speaking ``api`` with its demo data, serving until the block ends."""
    store = Store()
    logins = {login.login: login for login in seed_demo(store, api=api)}
    server = SimulatorServer(store, api=api).start()
    try:
        yield Sim(server, store, logins, api)
    finally:
        server.stop()


@pytest.fixture
def store() -> Iterator[Store]:
    """A simulator's data with the demo customers, accounts and trunks, without a server."""
    store = Store()
    seed_demo(store)
    yield store
    store.close()


@pytest.fixture
def sim() -> Iterator[Sim]:
    with running_sim() as running:
        yield running


@pytest.fixture
def sim22() -> Iterator[Sim]:
    """The simulator speaking the 2022+ API, with its demo data (trunks with two to four connections)."""
    with running_sim(Api.V2022) as running:
        yield running


@pytest.fixture
def client(sim: Sim) -> Iterator[SippyClient]:
    with sim.client() as api:
        yield api


@pytest.fixture(autouse=True)
def private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep each test's remembered accounts and settings out of the user's home."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))


@pytest.fixture
def foreign() -> Iterator[ForeignSwitch]:
    """A second, independent Sippy-like server (see tests/foreign.py), reached in trusted mode."""
    switch = ForeignSwitch().start()
    try:
        yield switch
    finally:
        switch.stop()


@pytest.fixture
def foreign22() -> Iterator[ForeignSwitch2022]:
    """The second server speaking the 2022+ API."""
    switch = ForeignSwitch2022().start()
    try:
        yield switch
    finally:
        switch.stop()
