"""Watching a program's screen from outside: a pseudo-terminal and a tiny terminal model.

The benchmark times what a user sees, so it owns the terminal: the program
writes to a pseudo-terminal of a fixed size, and ``Screen`` replays what it
wrote (cursor moves, erasing, text; colours and modes are skipped) so the
benchmark can ask what the screen shows now, not what was ever written.
Standard library only.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_TOKEN = re.compile(
    r"\x1b\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~])"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC, to BEL or ST
    r"|\x1b[P_^X][\s\S]*?\x1b\\"  # DCS, APC, PM, SOS, to ST
    r"|\x1b[ -/]+[0-~]"  # character set and similar
    r"|\x1b(?![\[\]P_^X])[0-~]"  # two-byte escapes
    r"|(?P<text>[^\x00-\x1f\x7f\x1b]+)"
    r"|(?P<control>[\x00-\x1a\x1c-\x1f\x7f])"
)
_LONGEST_ESCAPE = 4096
"""An escape this long that still does not end is not one this model knows: it is skipped."""


class Screen:
    """What a terminal of ``columns`` x ``rows`` shows after the bytes fed to it."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        self.lines = [[" "] * columns for _ in range(rows)]
        self.row = self.column = 0
        self._pending = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                if text[position] == "\x1b" and len(text) - position < _LONGEST_ESCAPE:
                    break  # an escape sequence cut off at the end of this chunk
                position += 1
                continue
            position = match.end()
            if match["text"] is not None:
                self._write(match["text"])
            elif match["control"] is not None:
                self._control(match["control"])
            elif match["final"] is not None:
                self._csi(match["params"], match["final"])
        self._pending = text[position:]

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.lines)

    def _write(self, text: str) -> None:
        for char in text:
            width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
            if self.column + width > self.columns:
                self.column = 0
                self.row = min(self.row + 1, self.rows - 1)
            line = self.lines[self.row]
            line[self.column] = char
            if width == 2 and self.column + 1 < self.columns:
                line[self.column + 1] = ""
            self.column += width

    def _control(self, char: str) -> None:
        if char == "\r":
            self.column = 0
        elif char == "\n":
            self.row = min(self.row + 1, self.rows - 1)
        elif char == "\b":
            self.column = max(self.column - 1, 0)

    def _csi(self, params: str, final: str) -> None:
        private = params.startswith("?")
        numbers = [int(n) if n.isdigit() else 0 for n in params.lstrip("?<=>").split(";")]
        first = numbers[0] or 1
        if private:
            if final in "hl" and 1049 in numbers:
                self._erase(0, self.rows)
            return
        if final in "Hf":
            row = numbers[0] or 1
            column = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.row, self.column = min(row, self.rows) - 1, min(column, self.columns) - 1
        elif final == "A":
            self.row = max(self.row - first, 0)
        elif final == "B":
            self.row = min(self.row + first, self.rows - 1)
        elif final == "C":
            self.column = min(self.column + first, self.columns - 1)
        elif final == "D":
            self.column = max(self.column - first, 0)
        elif final == "G":
            self.column = min(first, self.columns) - 1
        elif final == "d":
            self.row = min(first, self.rows) - 1
        elif final == "K":
            line, mode = self.lines[self.row], numbers[0]
            start, end = {0: (self.column, self.columns), 1: (0, self.column + 1)}.get(mode, (0, self.columns))
            line[start:end] = [" "] * (end - start)
        elif final == "J":
            mode = numbers[0]
            if mode == 0:
                self.lines[self.row][self.column:] = [" "] * (self.columns - self.column)
                self._erase(self.row + 1, self.rows)
            elif mode == 1:
                self._erase(0, self.row)
            else:
                self._erase(0, self.rows)
        elif final == "X":
            end = min(self.column + first, self.columns)
            self.lines[self.row][self.column:end] = [" "] * (end - self.column)

    def _erase(self, start: int, end: int) -> None:
        for row in range(start, end):
            self.lines[row] = [" "] * self.columns


@dataclass
class Watched:
    """What one program run showed: when each awaited sight first appeared (seconds since the spawn)."""

    seen: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = float("nan")
    screen: str = ""
    exited: int | None = None


def peak_rss_mb(pid: int) -> float:
    """A live process's peak RSS (VmHWM), which a fresh exec starts anew.

    ``ru_maxrss`` from ``wait4`` would also count the parent's RSS at the
    fork, so it is used only where /proc is missing.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def watch(argv: Sequence[str], *, env: Mapping[str, str], size: tuple[int, int],
          sights: Mapping[str, Callable[[str], bool]], stop: Callable[[str], bool] = lambda _: False,
          timeout: float = 120.0, linger: float = 0.0) -> Watched:
    """Run ``argv`` in a fresh pseudo-terminal of ``size`` (columns, rows) until every sight has been seen.

    Each sight is asked of the whole screen's text after every read; the
    first time it holds is recorded. The run also ends when ``stop`` holds
    (a failure shown), the program exits, or ``timeout`` passes. The peak
    RSS is taken ``linger`` seconds after the last sight, then the program
    is ended.
    """
    columns, rows = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    screen = Screen(columns, rows)
    watched = Watched()
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=dict(env),
                               start_new_session=True, close_fds=True)
    os.close(slave)
    try:
        deadline = started + timeout
        while len(watched.seen) < len(sights) and time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # the program has closed the terminal
                break
            now = time.perf_counter() - started
            screen.feed(data)
            shown = screen.text()
            for name, sight in sights.items():
                if name not in watched.seen and sight(shown):
                    watched.seen[name] = now
            if stop(shown):
                break
        if linger and len(watched.seen) == len(sights):
            _drain(master, screen, linger)
        watched.peak_rss_mb = peak_rss_mb(process.pid)
        watched.screen = screen.text()
    finally:
        watched.exited = process.poll()
        _end(process)
        os.close(master)
    return watched


def _drain(master: int, screen: Screen, seconds: float) -> None:
    """Keep reading for ``seconds`` so the program never blocks on a full terminal."""
    until = time.perf_counter() + seconds
    while (left := until - time.perf_counter()) > 0:
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                screen.feed(os.read(master, 1 << 16))
            except OSError:
                return


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
