"""Smoke test in a real terminal: ``trunktui --demo`` under tmux at 80x24.

The pilot tests drive the app headless; this one runs the real command in a
real pseudo-terminal (tmux), types keys as a user would and reads the screen
back with ``capture-pane``: the terminal driver, key decoding, the start-up
of the built-in simulator and a clean exit are what it covers.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 15.0
EXITED = re.compile(r"trunktui exited with status (\d+)")

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not on PATH; this test needs it to run the app in a real terminal"
)


class Terminal:
    """One tmux server on its own socket, with one 80x24 window."""

    def __init__(self, socket: str) -> None:
        self.tmux = ["tmux", "-L", socket, "-f", os.devnull]
        self.socket_path = ""

    def run(self, *args: str) -> str:
        done = subprocess.run([*self.tmux, *args], capture_output=True, text=True, timeout=10, check=True)
        return done.stdout

    def start(self, command: str, cwd: Path) -> None:
        self.run("new-session", "-d", "-x", "80", "-y", "24", "-s", "trunktui", "-c", str(cwd), command)
        self.socket_path = self.run("display-message", "-p", "-t", "trunktui", "#{socket_path}").strip()

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "trunktui")

    def history(self) -> str:
        """The screen and everything scrolled off it."""
        return self.run("capture-pane", "-p", "-S", "-", "-t", "trunktui")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "trunktui", *keys)

    def wait_for(self, what: str, found: Callable[[str], object]) -> str:
        """Poll the screen until ``found(screen)`` is true; fail after TIMEOUT seconds."""
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if found(screen):
                return screen
            time.sleep(0.1)
        pytest.fail(f"waited {TIMEOUT:g} s for {what}; the screen shows:\n{screen}")

    def kill(self) -> None:
        """Stop the server and everything in it, and remove its socket (tmux leaves it behind)."""
        subprocess.run([*self.tmux, "kill-server"], capture_output=True, timeout=10, check=False)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


def test_demo_in_a_real_terminal(tmp_path: Path) -> None:
    # State, settings and exports go to tmp_path; the checkout is importable
    # even without an installed package.
    variables = {name: str(tmp_path / name.lower()) for name in (
        "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")}
    variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    app = shlex.join(["env", *(f"{k}={v}" for k, v in variables.items()), sys.executable, "-m", "trunktui", "--demo"])
    # The shell stays after the app so that its last words and exit status can be read.
    command = f'{app}; echo "trunktui exited with status $?"; sleep 600'

    terminal = Terminal(f"trunktui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        terminal.start(command, tmp_path)

        terminal.wait_for("the account list", lambda s: "acme-wholesale" in s and "3 accounts loaded" in s)
        terminal.keys("Down")
        terminal.keys("Enter")

        screen = terminal.wait_for("the trunk table", lambda s: re.search(r"^ \d+ trunks?\b", s, re.MULTILINE))
        count = int(re.search(r"^ (\d+) trunks?\b", screen, re.MULTILINE).group(1))  # type: ignore[union-attr]
        assert count > 0
        assert re.search(r"acme@simulator · account \d+", screen)
        assert "Name" in screen and "Destination" in screen

        terminal.keys("Enter")
        screen = terminal.wait_for(
            "the trunk form", lambda s: re.search(r"Trunk \d+ · ", s) and "Up to date with the switch." in s
        )
        assert "Destination" in screen and "Save" in screen and "Revert" in screen

        terminal.keys("Escape")
        terminal.wait_for("the trunk table again", lambda s: re.search(r"^ \d+ trunks?\b", s, re.MULTILINE))
        terminal.keys("Escape")
        terminal.wait_for("the account list again", lambda s: "accounts loaded" in s)

        terminal.keys("C-q")
        terminal.wait_for("the app to exit", EXITED.search)
        everything = terminal.history()
        assert "Traceback" not in everything, everything
        assert EXITED.search(everything).group(1) == "0", everything  # type: ignore[union-attr]
    finally:
        terminal.kill()
