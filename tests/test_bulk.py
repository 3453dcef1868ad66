"""Changing many trunks at once: over real HTTP to the simulator and to a second, independent server."""

from __future__ import annotations

import json
import threading
import time
import xmlrpc.client
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.audit import AuditLog
from trunktui.bulk import Bulk, Plan, Sent, Status, reread
from trunktui.errors import InputError, ReadOnlyError
from trunktui.model import Trunk
from trunktui.simulator.knobs import FailMode


def account_trunks(client: SippyClient, count: int) -> list[Trunk]:
    i_account = client.list_accounts()[0].i_account
    return client.list_trunks(i_account)[:count]


def statuses(results: list[Any]) -> list[str]:
    return [result.status.value for result in results]


def test_only_the_members_chosen_are_sent_and_only_where_they_differ(sim: Sim) -> None:
    recorder = RecordingTransport()
    with SippyClient(sim.settings(), transport=recorder) as client:
        trunks = account_trunks(client, 6)
        client.update_trunk(trunks[0].i_trunk, {"capacity": 4321})
        trunks[0] = client.get_trunk(trunks[0].i_trunk)
        plan = Plan.setting(client.trunks, trunks, {"capacity": 4321})
        assert [change.trunk.i_trunk for change in plan.changes] == [t.i_trunk for t in trunks[1:]]
        assert plan.unchanged == (trunks[0],) and plan.totals() == {"capacity": 5}
        recorder.calls.clear()
        results = Bulk(client, plan).run()
        after = [client.get_trunk(trunk.i_trunk) for trunk in trunks]
    assert statuses(results) == ["done"] * 5
    assert sorted(recorder.of("updateTrunk"), key=lambda p: p["i_trunk"]) == [
        {"i_trunk": trunk.i_trunk, "capacity": 4321} for trunk in sorted(trunks[1:], key=lambda t: t.i_trunk)]
    for before, now in zip(trunks, after, strict=True):
        assert {**before.members, "capacity": 4321} == now.members


def test_a_value_the_form_would_refuse_is_refused_before_anything_is_sent(sim: Sim) -> None:
    with sim.client() as client:
        trunks = account_trunks(client, 3)
        with pytest.raises(InputError) as refused:
            Plan.setting(client.trunks, trunks, {"capacity": -1})
        assert refused.value.field == "capacity"
        with pytest.raises(InputError) as unique:
            Plan.setting(client.trunks, trunks, {"name": "same"})
        assert unique.value.field == "name"
        with pytest.raises(InputError, match="at least one field"):
            Plan.setting(client.trunks, trunks, {})
        assert len(Plan.setting(client.trunks, trunks[:1], {"name": "renamed"}).changes) == 1


def test_a_trunk_changed_or_gone_since_it_was_read_is_skipped(sim: Sim) -> None:
    with sim.client() as client, sim.client() as colleague:
        trunks = account_trunks(client, 4)
        plan = Plan.setting(client.trunks, trunks, {"description": "maintenance"})
        colleague.update_trunk(trunks[1].i_trunk, {"capacity": 7})
        colleague.delete_trunk(trunks[2].i_trunk)
        results = Bulk(client, plan).run()
        assert statuses(results) == ["done", "conflict", "gone", "done"]
        assert "Capacity" in results[1].detail
        untouched = client.get_trunk(trunks[1].i_trunk)
    assert untouched.get("description") == trunks[1].get("description") and untouched.get("capacity") == 7


def test_a_fault_on_one_trunk_is_listed_with_its_text_and_the_others_are_done(sim: Sim) -> None:
    with sim.client() as client:
        trunks = account_trunks(client, 3)
        plan = Plan.setting(client.trunks, trunks, {"description": "x"})
        # With one call at a time: read, update, read, update...; the fourth call is the second update.
        sim.server.knobs.fail_every = sim.server.stats.calls + 4
        results = Bulk(client, plan, concurrency=1).run()
        sim.server.knobs.fail_every = 0
    assert statuses(results) == ["done", "failed", "done"]
    assert "Injected fault" in results[1].detail


@pytest.mark.parametrize("mode", [FailMode.RESET, FailMode.RESET_MID_BODY])
def test_a_lost_answer_is_read_back_and_reported_as_what_happened(sim: Sim, mode: FailMode) -> None:
    with sim.client() as client:
        trunks = account_trunks(client, 2)
        plan = Plan.setting(client.trunks, trunks, {"capacity": 11})
        sim.server.knobs.fail_mode = mode
        sim.server.knobs.fail_every = sim.server.stats.calls + 2
        results = Bulk(client, plan, concurrency=1).run()
        sim.server.knobs.fail_every = 0
        now = client.get_trunk(trunks[0].i_trunk)
    assert statuses(results) == ["done", "done"]
    assert "read back: it was made" in results[0].detail and now.get("capacity") == 11


def test_when_the_link_drops_halfway_nothing_is_claimed_that_is_not_known(sim: Sim) -> None:
    with sim.client() as client:
        trunks = account_trunks(client, 8)
        plan = Plan.setting(client.trunks, trunks, {"capacity": 12})
        sim.server.knobs.latency = 0.05
        told: list[Sent] = []

        def tell(sent: Sent) -> None:
            told.append(sent)
            if sent.done == 3:
                sim.server.stop()

        bulk = Bulk(client, plan, concurrency=1)
        results = bulk.run(tell)
    assert bulk.lost is not None
    ended = statuses(results)
    assert ended.count("done") >= 3 and set(ended) <= {"done", "unknown", "not sent"}
    assert "sending stopped when the switch could not be reached" in [result.detail for result in results]
    assert [sent.result.status.value for sent in told][-1] == "not sent"


def test_a_stop_sends_no_further_trunk_and_says_which_were_not_sent(sim: Sim) -> None:
    recorder = RecordingTransport()
    with SippyClient(sim.settings(), transport=recorder) as client:
        trunks = account_trunks(client, 12)
        plan = Plan.setting(client.trunks, trunks, {"description": "stopped"})
        sim.server.knobs.latency = 0.05
        bulk = Bulk(client, plan, concurrency=2)

        def tell(sent: Sent) -> None:
            if sent.done == 4:
                bulk.stop()

        results = bulk.run(tell)
    done = [result for result in results if result.status is Status.DONE]
    assert 4 <= len(done) < 12
    assert {result.status for result in results} == {Status.DONE, Status.NOT_SENT}
    assert len(recorder.of("updateTrunk")) == len(done)


def test_a_read_only_connection_refuses_before_anything_is_sent(sim: Sim) -> None:
    recorder = RecordingTransport()
    with SippyClient(sim.settings(read_only=True), transport=recorder) as client:
        trunks = account_trunks(client, 3)
        recorder.calls.clear()
        for plan in (Plan.setting(client.trunks, trunks, {"capacity": 1}), Plan.deleting(client.trunks, trunks)):
            with pytest.raises(ReadOnlyError):
                Bulk(client, plan).run()
    assert recorder.calls == []


def test_every_change_is_one_audit_line_and_secrets_are_masked(sim: Sim, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    settings = sim.settings()
    log = AuditLog(profile="lab", server=settings.host, login=settings.username, path=path)
    with SippyClient(settings, audit=log) as client:
        trunks = account_trunks(client, 5)
        results = Bulk(client, Plan.setting(client.trunks, trunks[:3], {"password": "hunter2-bulk"})).run()
        deleted = Bulk(client, Plan.deleting(client.trunks, trunks[3:])).run()
    assert statuses(results + deleted) == ["done"] * 5
    text = path.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert sorted((line["action"], line["trunk"]) for line in lines) == sorted(
        [("update", t.i_trunk) for t in trunks[:3]] + [("delete", t.i_trunk) for t in trunks[3:]])
    assert "hunter2-bulk" not in text


def test_deleting_many_deletes_each_once(sim: Sim) -> None:
    with sim.client() as client:
        trunks = account_trunks(client, 4)
        plan = Plan.deleting(client.trunks, [*trunks, trunks[0]])
        assert len(plan.changes) == 4 and plan.delete
        assert statuses(Bulk(client, plan).run()) == ["done"] * 4
        left = {trunk.i_trunk for trunk in client.list_trunks(trunks[0].get("i_account"))}
    assert not left & {trunk.i_trunk for trunk in trunks}


def test_a_2022_switch_takes_its_trunks_own_members(sim22: Sim) -> None:
    with sim22.client() as client:
        trunks = account_trunks(client, 3)
        plan = Plan.setting(client.trunks, trunks, {"policy": "Round-Robin", "description": "pool"})
        results = Bulk(client, plan).run()
        now = [client.get_trunk(trunk.i_trunk) for trunk in trunks]
        with pytest.raises(InputError):
            Plan.setting(client.trunks, trunks, {"capacity": 3})
    assert statuses(results) == ["done"] * 3
    assert all(t.get("policy") == "Round-Robin" and t.get("description") == "pool" for t in now)
    assert [t.connections for t in now] == [t.connections for t in trunks]


def test_a_switch_with_other_habits_raises_no_false_conflict() -> None:
    switch = ForeignSwitch().start()
    try:
        for n in range(3):
            switch.add(name=f"t{n}", destination="203.0.113.5", random_call_id=bool(n % 2), description="")
        with SippyClient(ConnectionSettings(switch.url, trusted=True, i_customer=1)) as client:
            trunks = client.list_trunks(1)
            plan = Plan.setting(client.trunks, trunks, {"random_call_id": True})
            results = Bulk(client, plan).run()
        sent = [params for method, params in switch.calls if method == "updateTrunk"]
    finally:
        switch.stop()
    assert len(plan.changes) == 2 and len(plan.unchanged) == 1
    assert statuses(results) == ["done", "done"]
    assert sorted(params["i_trunk"] for params in sent) == [1, 3]
    assert all(set(params) == {"i_trunk", "random_call_id", "i_customer"} for params in sent)


def test_results_are_told_as_they_come_from_every_worker(sim: Sim) -> None:
    with sim.client() as client:
        trunks = account_trunks(client, 10)
        told: list[Sent] = []
        lock = threading.Lock()

        def tell(sent: Sent) -> None:
            with lock:
                told.append(sent)

        results = Bulk(client, Plan.setting(client.trunks, trunks, {"capacity": 99}), concurrency=4).run(tell)
    assert [sent.done for sent in told] == list(range(1, 11)) and {sent.total for sent in told} == {10}
    assert sorted(id(sent.result) for sent in told) == sorted(id(result) for result in results)


def test_a_switch_that_stops_answering_costs_one_timeout_per_connection_not_one_per_trunk(sim: Sim) -> None:
    with sim.client(read_timeout=0.5) as client:
        trunks = account_trunks(client, 12)
        plan = Plan.setting(client.trunks, trunks, {"capacity": 5})
        sim.server.knobs.fail_mode, sim.server.knobs.stall = FailMode.SLOW_BODY, 3.0
        sim.server.knobs.fail_every = 1
        asked = sim.server.stats.calls
        bulk = Bulk(client, plan, concurrency=2)
        results = bulk.run()
        reached = sim.server.stats.calls - asked
        sim.server.knobs.fail_every = 0
    assert bulk.lost is not None and reached <= 2
    assert {result.status for result in results} == {Status.NOT_SENT}
    assert sum(result.detail.startswith("it could not be read first") for result in results) == reached


@pytest.mark.parametrize("mode", [FailMode.RESET, FailMode.RESET_MID_BODY])
def test_a_connection_reset_now_and_then_does_not_stop_every_further_trunk(sim: Sim, mode: FailMode) -> None:
    """A single reset while reading a trunk first is not a switch that cannot be reached: the switch
    answers the very next call, so the other trunks must still be sent."""
    with sim.client() as client:
        i_account = client.list_accounts()[0].i_account
        trunks = client.list_trunks(i_account)[:20]
        plan = Plan.setting(client.trunks, trunks, {"description": "after resets"})
        sim.server.knobs.fail_mode = mode
        sim.server.knobs.fail_every = 5
        results = Bulk(client, plan, concurrency=4).run()
        sim.server.knobs.fail_every = 0
    stopped = [r for r in results if "switch could not be reached" in r.detail]
    assert not stopped, [f"{r.status.value}: {r.detail}" for r in results]


def test_trunks_are_read_again_a_few_at_a_time_with_progress(sim: Sim) -> None:
    """The reads overlap, up to the concurrency asked; each is told as it ends, and the trunks come back in
    the order asked, as the switch now holds them."""
    active, most, lock = [0], [0], threading.Lock()
    get = sim.store.get_trunk

    def gauged(*args: Any, **options: Any) -> Any:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            time.sleep(0.02)
            return get(*args, **options)
        finally:
            with lock:
                active[0] -= 1

    with sim.client() as client, sim.client() as colleague:
        trunks = account_trunks(client, 12)
        colleague.update_trunk(trunks[5].i_trunk, {"capacity": 55})
        told: list[tuple[int, int]] = []
        sim.store.get_trunk = gauged  # type: ignore[method-assign]
        try:
            read = reread(client, trunks, 3, lambda done, total: told.append((done, total)))
        finally:
            del sim.store.get_trunk
    assert 2 <= most[0] <= 3
    assert [t.i_trunk for t in read.trunks] == [t.i_trunk for t in trunks]
    assert read.trunks[5].get("capacity") == 55 and not read.gone and not read.unread and read.lost is None
    assert sorted(told) == [(done, 12) for done in range(1, 13)]


class BrokenFor(httpx.HTTPTransport):
    """Real HTTP, but reading trunk ``i_trunk`` meets an HTTP 500 page, as from a proxy in front of the switch."""

    def __init__(self, i_trunk: int) -> None:
        super().__init__()
        self.i_trunk = i_trunk

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        params, method = xmlrpc.client.loads(request.content)
        if method == "getTrunkInfo" and params and params[0].get("i_trunk") == self.i_trunk:
            return httpx.Response(500, html="<html><body>Internal error</body></html>")
        return super().handle_request(request)


def test_a_trunk_that_cannot_be_read_again_spoils_only_its_own_read(sim: Sim) -> None:
    with sim.client() as colleague:
        trunks = account_trunks(colleague, 6)
        colleague.delete_trunk(trunks[2].i_trunk)
    with SippyClient(sim.settings(), transport=BrokenFor(trunks[1].i_trunk)) as client:
        read = reread(client, trunks, 3)
    assert [t.i_trunk for t in read.trunks] == [trunks[0].i_trunk] + [t.i_trunk for t in trunks[3:]]
    assert read.gone == [trunks[2]] and read.lost is None
    assert [(trunk.i_trunk, "500" in why) for trunk, why in read.unread] == [(trunks[1].i_trunk, True)]


def test_reading_again_stops_when_told_or_when_the_switch_is_out_of_reach(sim: Sim) -> None:
    stop = threading.Event()
    with sim.client() as client:
        trunks = account_trunks(client, 8)
        asked = sim.server.stats.calls

        def tell(done: int, total: int) -> None:
            if done == 3:
                stop.set()

        read = reread(client, trunks, 1, tell, stop)
        assert sim.server.stats.calls - asked == 3
        assert len(read.trunks) == 3 and read.lost is None
        assert {why for _, why in read.unread} == {"reading stopped before its turn"}
        sim.server.stop()
        lost = reread(client, trunks, 2)
    assert lost.lost is not None and not lost.trunks and len(lost.unread) == 8
