"""``trunktui --demo`` in a real terminal, 80x24.

The pilot tests drive the app headless; these run the real command in a
real pseudo-terminal: the terminal driver, key decoding, the start-up of
the built-in simulator and the exit status are what they cover. The smoke
test runs it under tmux, types keys as a user would and reads the screen
back with ``capture-pane``; the input tests write raw bytes to a pty of
their own and read what the app draws.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import struct
import subprocess
import sys
import termios
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 15.0
EXITED = re.compile(r"trunktui exited with status (\d+)")



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


def private_variables(tmp_path: Path) -> dict[str, str]:
    """State, settings and exports go to tmp_path; the checkout is importable even without an installed package."""
    variables = {name: str(tmp_path / name.lower()) for name in (
        "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")}
    variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return variables


@pytest.mark.skipif(shutil.which("tmux") is None,
                    reason="tmux is not on PATH; this test needs it to run the app in a real terminal")
def test_demo_in_a_real_terminal(tmp_path: Path) -> None:
    variables = private_variables(tmp_path)
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
        assert re.search(r"trunktui · DEMO · API 2020 — account \d+", screen), "the API, worked out, and the place"
        assert "Name" in screen and "Destination" in screen

        terminal.keys("Enter")
        screen = terminal.wait_for(
            "the trunk form", lambda s: re.search(r"Trunk \d+ · ", s) and "Read from the switch at" in s
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


class Pty:
    """A command on a pseudo-terminal of its own, 80x24, with everything it writes collected."""

    def __init__(self, argv: list[str], tmp_path: Path) -> None:
        self.output = bytearray()
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        environment = {**os.environ, **private_variables(tmp_path), "TERM": "xterm-256color"}
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path,
                                        env=environment, start_new_session=True)
        os.close(slave)

    def _read(self, until: bytes | None) -> bool:
        """Collect output until ``until`` is in it (True) or the command closes the terminal (False)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if until is not None and until in self.output:
                return True
            if select.select([self.master], [], [], 0.05)[0]:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:  # EIO: every end of the terminal is closed
                    return False
                if not chunk:
                    return False
                self.output += chunk
        pytest.fail(f"waited {TIMEOUT:g} s for {until!r}; the terminal got:\n{self.output[-2000:]!r}")

    def wait_for(self, shown: str) -> None:
        if not self._read(shown.encode()):
            pytest.fail(f"the app ended before showing {shown!r}:\n{self.output.decode(errors='replace')}")

    def type(self, data: bytes) -> None:
        os.write(self.master, data)

    def exit_status(self) -> int:
        self._read(None)
        return self.process.wait(TIMEOUT)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def test_bytes_that_are_not_utf8_are_typed_as_replacement_characters(tmp_path: Path) -> None:
    """An invalid byte from the terminal (a Latin-1 é) reaches the filter as U+FFFD; the app goes on,
    and Ctrl+Q ends it with status 0."""
    terminal = Pty([sys.executable, "-m", "trunktui", "--demo"], tmp_path)
    try:
        terminal.wait_for("3 accounts loaded")
        terminal.type(b"\xe9a")
        terminal.wait_for("No account matches “\ufffda”")
        terminal.type(b"\x11")
        assert terminal.exit_status() == 0
        assert b"Traceback" not in terminal.output
    finally:
        terminal.close()


BROKEN_INPUT = """
import sys
from textual.drivers.linux_driver import LinuxDriver
def broken(driver):
    raise RuntimeError("the terminal is unreadable")
LinuxDriver.run_input_thread = broken
from trunktui.cli import main
sys.exit(main(["--demo"]))
"""


def test_when_the_input_thread_dies_the_exit_status_says_so(tmp_path: Path) -> None:
    """Textual closes the app with the traceback but no return code; trunktui ends with status 1."""
    terminal = Pty([sys.executable, "-c", BROKEN_INPUT], tmp_path)
    try:
        assert terminal.exit_status() == 1
        assert b"the terminal is unreadable" in terminal.output
    finally:
        terminal.close()
