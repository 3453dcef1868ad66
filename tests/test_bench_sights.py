"""The speed benchmark reads trunktui's screen from outside; what it reads must be what is shown.

``tests/bench/`` is not collected, so its screen model and the words it
waits for are checked here (nothing is timed).
"""

from __future__ import annotations

import sys

import pytest

from tests.bench import sights
from tests.bench.pty_screen import Screen, watch

LOADING = "\x1b[?1049h\x1b[1;1H\x1b[38;5;247m⧗ Loading trunks… 12,345 arrived · Escape stops waiting\x1b[0m"
LOADED = "\x1b[1;1H\x1b[2K50,000 trunks · sorted by Name ↑"
ROW = "\x1b[3;7H\x1b[1mtelia-ams-000123\x1b[0m\x1b]0;title\x07\x1b[4;1H ID   Name"


def fed(*chunks: bytes) -> Screen:
    screen = Screen(60, 5)
    for chunk in chunks:
        screen.feed(chunk)
    return screen


def test_the_screen_is_the_same_whichever_byte_a_read_ends_at() -> None:
    stream = (LOADING + ROW).encode()
    whole = fed(stream).text()
    assert whole.splitlines()[2] == "      telia-ams-000123"
    for cut in range(len(stream)):
        assert fed(stream[:cut], stream[cut:]).text() == whole, cut


def test_only_what_the_screen_shows_now_counts() -> None:
    loading = fed(LOADING.encode())
    loaded = fed(LOADING.encode(), LOADED.encode())
    assert not sights.loaded(50_000)(loading.text())
    assert loaded.text().splitlines()[0] == "50,000 trunks · sorted by Name ↑"
    assert sights.loaded(50_000)(loaded.text())


@pytest.mark.parametrize(("said", "count", "done"), [
    ("50,000 trunks", 50_000, True),
    ("50,000 trunks · filter “ams” shows 5,012", 50_000, True),
    ("1 trunk", 1, True),
    ("150,000 trunks", 50_000, False),
    ("50,000 trunks arrived", 50_000, False),
    ("Loading trunks of the account… 50,000 trunks", 50_000, False),
    ("5,000 trunks", 50_000, False),
])
def test_the_whole_list_is_loaded_only_when_the_final_count_shows_and_nothing_loads(
        said: str, count: int, done: bool) -> None:
    assert sights.loaded(count)(said) is done


def test_a_programs_screen_is_read_through_a_pseudo_terminal_of_the_size_asked() -> None:
    program = ("import os, sys, time; columns, rows = os.get_terminal_size(); time.sleep(0.2); "
               "sys.stdout.write(f'\\x1b[2;5H{columns}x{rows} telia-ams-000001'); sys.stdout.flush(); time.sleep(30)")
    watched = watch([sys.executable, "-c", program], env={}, size=(90, 20), timeout=20,
                    sights={"rows": sights.first_rows, "size": lambda screen: "90x20" in screen})
    assert set(watched.seen) == {"rows", "size"}
    assert watched.screen.splitlines()[1] == "    90x20 telia-ams-000001"
    assert watched.exited is None
