"""The connection tells a caller how much of an answer has arrived, while it arrives.

The simulator's ``SLOW_BODY`` failure sends the headers and half the
answer, then stalls for ``Knobs.stall`` seconds before the rest.
"""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from tests.conftest import Sim
from trunktui.api.connection import PROGRESS_INTERVAL
from trunktui.errors import TransportError
from trunktui.model import Trunk
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


def test_trunks_are_told_while_the_answer_arrives(sim: Sim) -> None:
    """The trunks of the first half are told while the rest is held back; all are told, once, in order."""
    add_trunks(sim, MANY)
    batches: list[tuple[list[Trunk], float, threading.Thread]] = []
    with sim.client() as api:
        api.list_accounts()
        stall_every_call(sim, 0.5)
        trunks = api.list_trunks(1, arrived=lambda batch: batches.append((batch, time.monotonic(),
                                                                            threading.current_thread())))
        returned = time.monotonic()
    told = [trunk for batch, _, _ in batches for trunk in batch]
    assert len(batches) >= 2 and len(told) == len(trunks) == MANY + 59
    assert all(a is b for a, b in zip(told, trunks, strict=True))
    assert returned - batches[0][1] >= 0.4, "the first trunks were told before the stall, not after it"
    assert 0 < len(batches[0][0]) < len(trunks) // 2 + 1
    assert {thread for _, _, thread in batches} == {threading.current_thread()}


def test_a_list_cut_off_after_trunks_were_told_is_not_asked_for_again(sim: Sim) -> None:
    """Asked again, the same trunks would be told twice; the caller is told of the failure instead."""
    add_trunks(sim, MANY)
    told: list[Trunk] = []
    with sim.client() as api:
        api.list_accounts()
        calls = sim.server.stats.calls
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.RESET_MID_BODY, 1
        with pytest.raises(TransportError):
            api.list_trunks(1, arrived=told.extend)
    assert 0 < len(told) < MANY
    assert sim.server.stats.calls == calls + 1
