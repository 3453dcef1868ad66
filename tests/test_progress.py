"""The connection tells a caller how much of an answer has arrived, while it arrives.

The simulator's ``SLOW_BODY`` failure sends the headers and half the
answer, then stalls for ``Knobs.stall`` seconds before the rest.
"""

from __future__ import annotations

import itertools
import threading
import time

from tests.conftest import Sim
from trunktui.api.connection import PROGRESS_INTERVAL
from trunktui.simulator import FailMode

MANY = 3000


def add_trunks(sim: Sim, count: int) -> None:
    """Give account 1 ``count`` more trunks, straight into the store."""
    sim.store.insert_trunks([{"i_account": 1, "name": f"bulk-{n:05d}", "destination": "192.0.2.1:5060",
                              "description": "One of many"} for n in range(count)])


def stall_every_call(sim: Sim, seconds: float) -> None:
    sim.server.knobs.stall = seconds
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.SLOW_BODY, 1


def test_progress_is_told_in_the_thread_that_reads_while_the_answer_arrives(sim: Sim) -> None:
    """The connection tells a plain callable how much has come, no faster than PROGRESS_INTERVAL allows."""
    add_trunks(sim, MANY)
    reports: list[tuple[int, int | None, float, threading.Thread]] = []

    def progress(received: int, expected: int | None) -> None:
        reports.append((received, expected, time.monotonic(), threading.current_thread()))

    with sim.client() as api:
        api.list_accounts()
        stall_every_call(sim, 0.5)
        trunks = api.list_trunks(1, progress=progress)
    assert len(trunks) == MANY + 59
    assert reports, "no progress was told"
    (expected,) = {report[1] for report in reports}
    assert expected is not None and 0 < reports[0][0] < expected
    received = [report[0] for report in reports]
    assert received == sorted(received) and received[-1] <= expected
    times = [report[2] for report in reports]
    assert all(later - earlier >= PROGRESS_INTERVAL * 0.9 for earlier, later in itertools.pairwise(times))
    assert {report[3] for report in reports} == {threading.current_thread()}
