"""A change asked about at a terminal: the preview and the question on stderr, then y, n, a production profile's
count, or Ctrl-C. The command runs as a process whose stdin and stderr are a pseudo-terminal."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Sim
from trunktui.audit import read_recent

DEADLINE = 30.0
ACME = 1


class Terminal:
    """A command run with a pseudo-terminal as its stdin and stderr; stdout is a pipe."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.main, side = os.openpty()
        self.child = subprocess.Popen([sys.executable, "-m", "trunktui", *argv], env=env, stdin=side, stderr=side,
                                      stdout=subprocess.PIPE)
        os.close(side)
        self.shown = ""

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + DEADLINE
        while text not in self.shown:
            assert time.monotonic() < deadline, self.shown
            if select.select([self.main], [], [], 0.1)[0]:
                self.shown += os.read(self.main, 65536).decode(errors="replace")

    def type(self, text: str) -> None:
        os.write(self.main, text.encode())

    def end(self) -> int:
        self.child.communicate(timeout=DEADLINE)
        while select.select([self.main], [], [], 0.2)[0]:
            try:
                chunk = os.read(self.main, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.shown += chunk.decode(errors="replace")
        os.close(self.main)
        return self.child.returncode


def environment(sim: Sim) -> dict[str, str]:
    return {**os.environ, "TRUNKTUI_PASSWORD": sim.logins["acme"].password}


def login(sim: Sim) -> list[str]:
    return ["--url", sim.url, "--user", "acme", "--api", sim.api.value]


def production(sim: Sim, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    path = tmp_path / "profiles.toml"
    path.write_text(f'[profiles.prod]\nurl = "{sim.url}"\nusername = "acme"\napi = "{sim.api.value}"\n'
                    "production = true\n", encoding="utf-8")
    return ["--profile", "prod"], {**environment(sim), "TRUNKTUI_CONFIG": str(path)}


def capacity(sim: Sim, i_trunk: int) -> object:
    trunk = sim.store.get_trunk(ACME, i_trunk, api=sim.api)
    assert trunk is not None
    return trunk["capacity"]


@pytest.mark.parametrize(("answer", "code", "sent"), [("y", 0, True), ("n", 5, False)])
def test_a_trunk_change_shows_its_preview_and_asks(sim: Sim, answer: str, code: int, sent: bool) -> None:
    before = capacity(sim, 1)
    terminal = Terminal([*login(sim), "trunks", "set", "1", "capacity=77"], environment(sim))
    terminal.wait_for("[y/N]")
    assert "capacity" in terminal.shown and "77" in terminal.shown and "Change 1 trunk?" in terminal.shown
    terminal.type(f"{answer}\n")
    assert terminal.end() == code, terminal.shown
    assert capacity(sim, 1) == (77 if sent else before)
    assert [entry["action"] for entry in read_recent()] == (["update"] if sent else [])


def test_a_production_profile_asks_for_the_count_of_trunks(sim: Sim, tmp_path: Path) -> None:
    options, env = production(sim, tmp_path)
    terminal = Terminal([*options, "trunks", "set", "1", "2", "capacity=77"], env)
    terminal.wait_for("type 2 to go on")
    terminal.type("y\n")
    assert terminal.end() == 5 and "not confirmed" in terminal.shown
    assert read_recent() == []
    terminal = Terminal([*options, "trunks", "set", "1", "2", "capacity=77"], env)
    terminal.wait_for("type 2 to go on")
    terminal.type("2\n")
    assert terminal.end() == 0, terminal.shown
    assert capacity(sim, 1) == capacity(sim, 2) == 77


@pytest.mark.parametrize(("answer", "code", "sent"), [("y", 0, True), ("n", 5, False)])
def test_a_connection_change_shows_its_preview_and_asks(sim22: Sim, answer: str, code: int, sent: bool) -> None:
    terminal = Terminal([*login(sim22), "connections", "set", "2", "capacity=77"], environment(sim22))
    terminal.wait_for("[y/N]")
    assert "capacity" in terminal.shown and "Change connection 2" in terminal.shown
    terminal.type(f"{answer}\n")
    assert terminal.end() == code, terminal.shown
    stored = sim22.store.get_connection(ACME, 2)
    assert stored is not None and (stored["capacity"] == 77) is sent
    assert [entry["action"] for entry in read_recent()] == (["update connection"] if sent else [])


def test_a_production_profile_asks_for_the_count_of_a_connection_change(sim22: Sim, tmp_path: Path) -> None:
    options, env = production(sim22, tmp_path)
    terminal = Terminal([*options, "connections", "set", "2", "capacity=77"], env)
    terminal.wait_for("type 1 to go on")
    terminal.type("1\n")
    assert terminal.end() == 0, terminal.shown
    stored = sim22.store.get_connection(ACME, 2)
    assert stored is not None and stored["capacity"] == 77


def test_ctrl_c_at_the_question_ends_the_line_before_saying_so(sim: Sim) -> None:
    terminal = Terminal([*login(sim), "trunks", "set", "1", "capacity=77"], environment(sim))
    terminal.wait_for("[y/N] ")
    terminal.child.send_signal(signal.SIGINT)
    assert terminal.end() == 130
    assert "[y/N] \r\ntrunktui: interrupted" in terminal.shown
    assert read_recent() == []
