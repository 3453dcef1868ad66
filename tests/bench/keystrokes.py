"""Typing into a Textual ``Input`` from inside the app and timing each keystroke until its result is painted.

Shared by the quick filter's probe (``ui_probe.py``) and floor K
(``floor_filter.py``), so both are timed the same way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.widgets import Input

FILTER_TEXT = "ams-0"
"""Typed a key at a time: each key narrows the rows, from most of them to about a tenth."""


def finish(future: asyncio.Future[float]) -> None:
    """Say when it is called: after a refresh, the moment the screen shows what came before."""
    if not future.done():
        future.set_result(time.perf_counter())


async def type_timed(app: App[Any], box: Input, text: str, result: Callable[[], object]) -> list[float]:
    """Type ``text`` into ``box``; for each key, the seconds until ``result()`` is a new object and it is painted.

    ``result`` returns what the key's handler replaces (the rows shown, the
    matches), so its identity changing says the key has been handled.
    """
    box.focus()
    await asyncio.sleep(0.05)
    seconds = []
    for char in text:
        before = result()
        started = time.perf_counter()
        painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        box.post_message(events.Key(char, char))
        while result() is before and time.perf_counter() - started < 5:
            await asyncio.sleep(0)
        app.call_after_refresh(finish, painted)
        seconds.append(await painted - started)
        await asyncio.sleep(0.05)
    return seconds
