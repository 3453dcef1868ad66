"""The switches the scripting commands are run against, and a way to run them and read what they printed.

A ``Target`` is one switch reached over real HTTP: the simulator speaking
either API (Digest login, the password in ``TRUNKTUI_PASSWORD``) or the
independent server (trusted mode), with a trunk of its own to read and
change, a way to look at that trunk in the switch's own store, and the
member a round trip changes (``capacity``; a 2022+ trunk has none, so
``description``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from trunktui.audit import audit_path
from trunktui.cli import main
from trunktui.versions import Api

TARGETS = ("sim", "sim22", "foreign", "foreign22")
SECRET = "s3cret-Pa55"
"""The SIP password of the trunk a target changes (on a 2022+ switch, of its first connection)."""


@dataclass(frozen=True)
class Ran:
    """A finished command: its exit code and what it printed."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Target:
    """One switch, the options that reach it, and a trunk ``i_trunk`` in account ``account`` to work on."""

    kind: str
    api: Api
    options: list[str]
    account: str
    i_trunk: int
    read: Callable[[int], dict[str, Any] | None]
    """The trunk as the switch stores it (None when it has none)."""
    write: Callable[[int, dict[str, Any]], None]
    """Change the trunk in the switch's store, as someone else would."""
    capsys: pytest.CaptureFixture[str]
    changes_on_wire: Callable[[], list[tuple[str, dict[str, Any]]]] | None = None
    """The change calls the switch received (method, params), where it records them."""
    env: dict[str, str] = field(default_factory=dict)
    calls: Callable[[], int] = lambda: 0
    """How many calls (of any kind) have reached the switch."""
    profile: str = ""
    """The profiles file's lines that reach this switch (no name, no production flag)."""

    @property
    def field(self) -> str:
        return "capacity" if self.api is Api.V2020 else "description"

    def sent_nothing(self, before: dict[str, Any] | None) -> None:
        """Assert that no change reached the switch: the trunk is as ``before``, no audit line, no change call."""
        assert self.read(self.i_trunk) == before
        assert audit_lines() == []
        if self.changes_on_wire is not None:
            assert self.changes_on_wire() == []

    def run(self, *argv: str, connect: bool = True) -> Ran:
        """Run ``trunktui [connection options] argv`` in this process."""
        return run(self.capsys, *((*self.options, *argv) if connect else argv))

    def process(self, *argv: str, stdin: Any = subprocess.DEVNULL, password: bool = True,
                text_in: str | None = None) -> Ran:
        """Run it as a process of its own: a real stdin (not a terminal) and a real exit status."""
        env = {**os.environ, **(self.env if password else {})}
        if not password:
            env.pop("TRUNKTUI_PASSWORD", None)
        done = subprocess.run([sys.executable, "-m", "trunktui", *self.options, *argv], env=env, text=True,
                              capture_output=True, timeout=60, input=text_in,
                              stdin=None if text_in is not None else stdin)
        return Ran(done.returncode, done.stdout, done.stderr)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Ran:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exited:
        code = exited.code if isinstance(exited.code, int) else 2
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def audit_lines() -> list[dict[str, Any]]:
    path = audit_path()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _sim_target(sim: Sim, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, kind: str) -> Target:
    password = sim.logins["acme"].password
    monkeypatch.setenv("TRUNKTUI_PASSWORD", password)
    customer = sim.logins["acme"].i_customer
    store, api = sim.store, sim.api
    i_trunk = store.list_trunks(1, api=api)[0]["i_trunk"]
    if api is Api.V2020:
        store.update_trunk(customer, i_trunk, {"capacity": 30, "password": SECRET}, api=api)
    else:
        first = (store.list_connections(customer, i_trunk) or [])[0]
        store.update_connection(customer, first["i_trunk_connection"], {"password": SECRET})

    def write(i_trunk: int, members: dict[str, Any]) -> None:
        assert store.update_trunk(customer, i_trunk, members, api=api)

    return Target(kind, api, ["--url", sim.url, "--user", "acme", "--api", api.value], "acme-wholesale", i_trunk,
                  lambda i_trunk: store.get_trunk(customer, i_trunk, api=api), write, capsys,
                  env={"TRUNKTUI_PASSWORD": password}, calls=lambda: sim.server.stats.calls,
                  profile=f'url = "{sim.url}"\nusername = "acme"\napi = "{api.value}"\n')


def _foreign_target(switch: ForeignSwitch, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                    kind: str, api: Api) -> Target:
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    if api is Api.V2020:
        i_trunk = switch.add(name="far-alpha", destination="192.0.2.10:5060", capacity=30, max_cps=2.5,
                             password=SECRET, random_call_id=True, description="Far away")
        switch.add(name="far-beta", destination="192.0.2.11", capacity=60, random_call_id=False)
    else:
        i_trunk = switch.add(name="far-alpha", description="Far away", policy="Ordered")
        switch.connect(i_trunk, name="main", destination="192.0.2.10", order_no=1, password=SECRET,
                       capacity=30, random_call_id=True)
        beta = switch.add(name="far-beta", description="Far too", policy="Round-Robin")
        switch.connect(beta, name="main", destination="192.0.2.11", order_no=1)
    changing = ("createTrunk", "updateTrunk", "deleteTrunk")

    def write(i_trunk: int, members: dict[str, Any]) -> None:
        switch.trunks[i_trunk].update(members)

    return Target(kind, api, ["--url", switch.url, "--trusted", "--customer", "1", "--api", api.value], "1",
                  i_trunk, lambda i_trunk: switch.trunks.get(i_trunk), write, capsys,
                  lambda: [(name, params) for name, params in switch.calls if name in changing],
                  calls=lambda: len(switch.calls),
                  profile=f'url = "{switch.url}"\nmode = "trusted"\ni_customer = 1\napi = "{api.value}"\n')


def _target(kind: str, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> Target:
    if kind.startswith("sim"):
        return _sim_target(request.getfixturevalue(kind), capsys, monkeypatch, kind)
    return _foreign_target(request.getfixturevalue(kind), capsys, monkeypatch, kind,
                           Api.V2020 if kind == "foreign" else Api.V2022)


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
           monkeypatch: pytest.MonkeyPatch) -> Target:
    """Each switch in turn: the simulator on both APIs and the independent server on both."""
    return _target(request.param, request, capsys, monkeypatch)


@pytest.fixture(params=("sim", "foreign"))
def target2020(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
               monkeypatch: pytest.MonkeyPatch) -> Target:
    """The switches whose trunks hold secrets of their own (2022+ trunks keep theirs in connections)."""
    return _target(request.param, request, capsys, monkeypatch)


@pytest.fixture(params=("foreign", "foreign22"))
def foreign_target(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> Target:
    """The independent switch on both APIs: its trunks can hold members of any name."""
    return _target(request.param, request, capsys, monkeypatch)


@pytest.fixture(params=("sim", "sim22"))
def login_target(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> Target:
    """The simulator on both APIs, reached with a login and a password."""
    return _target(request.param, request, capsys, monkeypatch)
