"""What trunktui's screen says at the moments the benchmark times, as text to look for.

Read from outside (the pseudo-terminal's screen, ``bench_speed.py``) and
from inside (the status line, ``ui_probe.py``) alike. The wording is
matched loosely so that it holds whether the list comes at once or in
batches: while loading the status line says "Loading trunks… 12,345
arrived · …", once loaded "50,000 trunks", perhaps followed by " · …".
"""

from __future__ import annotations

import re
from collections.abc import Callable

TRUNK_NAME = re.compile(r"\b[a-z]+-[a-z]{3}-\d{6}\b")
"""A generated trunk's name (``telia-ams-000123``): seen on screen, rows have been painted."""

FAILED = ("Loading failed", "could not be loaded")


def loaded(count: int) -> Callable[[str], bool]:
    """Whether a text says the whole list of ``count`` trunks is loaded (and nothing is loading)."""
    final = re.compile(rf"(?<![\d,]){count:,} trunks?\b")
    return lambda said: bool(final.search(said)) and "Loading" not in said and "arrived" not in said


def first_rows(screen: str) -> bool:
    return TRUNK_NAME.search(screen) is not None


def failed(screen: str) -> bool:
    return any(words in screen for words in FAILED)
