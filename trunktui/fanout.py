"""Work spread over a few connections to one switch at once, that any thread can stop.

A connection sends one call at a time, so the search of every account and
the change of many trunks each make their calls through several forks of
the client (``SippyClient.fork``). How many at once is bounded: enough to
hide a distant switch's latency, few enough not to load it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from trunktui.errors import InputError

if TYPE_CHECKING:
    from trunktui.api import SippyClient

DEFAULT_CONCURRENCY = 4
MOST_CONCURRENCY = 16


def concurrency_problem(value: int) -> str | None:
    """What is wrong with a number of calls at once, or None."""
    if not 1 <= value <= MOST_CONCURRENCY:
        return f"Calls at once must be 1 to {MOST_CONCURRENCY}, not {value}."
    return None


class FanOut:
    """The forks one piece of work makes its calls through, and whether it was told to stop."""

    def __init__(self, client: SippyClient, concurrency: int) -> None:
        problem = concurrency_problem(concurrency)
        if problem is not None:
            raise InputError(problem, field="concurrency")
        self.client = client
        self.concurrency = concurrency
        self._stopped = threading.Event()
        self._forks: list[SippyClient] = []
        self._cut = False
        self._forking = threading.Lock()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def fork(self) -> SippyClient:
        """A fork of the client for one worker; one made after ``cut`` is closed already."""
        fork = self.client.fork()
        with self._forking:
            self._forks.append(fork)
            if self._cut:
                fork.close()
        return fork

    def spread(self, work: Callable[[SippyClient], None], items: int, name: str) -> None:
        """Run ``work`` in as many threads as there are ``items`` (at most ``concurrency``), each over a fork
        of its own; return once every one has ended, with the forks closed."""
        threads = [threading.Thread(target=work, args=(self.fork(),), daemon=True, name=name)
                   for _ in range(min(self.concurrency, items))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.close()

    def cut(self) -> None:
        """Close every fork: a call in flight fails at once, and none is sent after."""
        with self._forking:
            self._cut = True
            forks = list(self._forks)
        for fork in forks:
            fork.close()

    def close(self) -> None:
        with self._forking:
            forks = list(self._forks)
        for fork in forks:
            fork.close()
