"""The client on a 2022+ switch, over real HTTP to the simulator in its 2022 mode: trunks arrive with
their connections (read with system.multicall in bounded batches), every connection call is typed, a
change sends only what changed and leaves one audit line, and read-only refuses before sending."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch2022
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.api.client import MULTICALL_BATCH
from trunktui.errors import FaultError, InputError, ProtocolError, ReadOnlyError
from trunktui.model import TrunkConnection
from trunktui.simulator import add_bulk_trunks
from trunktui.versions import POLICIES, Api

DESTINATION = "198.51.100.77:5060"


class Trail:
    """An audit sink that keeps what it is told."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def record(self, action: str, **details: Any) -> None:
        self.lines.append({"action": action, **details})


@pytest.fixture
def wired(sim22: Sim) -> Iterator[tuple[SippyClient, RecordingTransport, Trail]]:
    recorder, trail = RecordingTransport(), Trail()
    with SippyClient(sim22.settings(api="auto"), transport=recorder, audit=trail) as client:
        yield client, recorder, trail


def first_trunk(client: SippyClient) -> int:
    i_trunk = client.list_trunks(1)[0].i_trunk
    assert isinstance(i_trunk, int)
    return i_trunk


def test_a_list_arrives_with_connections_read_in_bounded_multicalls(sim22: Sim) -> None:
    i_account = sim22.store.add_account(1, "bulk22")
    add_bulk_trunks(sim22.store, i_account, 250, api=Api.V2022)
    recorder = RecordingTransport()
    told: list[Any] = []
    with SippyClient(sim22.settings(api="auto"), transport=recorder) as client:
        trunks = client.list_trunks(i_account, arrived=told.extend)
        assert client.api() is Api.V2022
    assert len(trunks) == len(told) == 250 and all(a is b for a, b in zip(trunks, told, strict=True))
    assert all(trunk.connections is not None and 2 <= len(trunk.connections) <= 4 for trunk in trunks)
    for trunk in trunks[:20]:
        assert trunk.connections is not None
        places = [c.get("order_no") for c in trunk.connections]
        assert places == list(range(1, len(places) + 1)), "top to bottom"
    methods = [method for method, _ in recorder.calls]
    assert methods[0] == "getTrunksList" and set(methods[1:]) == {"system.multicall"}
    batches = len(methods) - 1
    assert math.ceil(250 / MULTICALL_BATCH) <= batches <= 250 // 64 + math.ceil(250 / MULTICALL_BATCH), (
        "one multicall per batch of the list, none larger than MULTICALL_BATCH")


def test_a_fault_inside_a_multicall_spoils_only_its_own_trunk(wired: tuple[SippyClient, RecordingTransport, Trail]
                                                              ) -> None:
    client, recorder, _ = wired
    i_trunk = first_trunk(client)
    found = client.connections_of([i_trunk, 987654, 2**40, [i_trunk]])
    assert isinstance(found[0], tuple) and found[0]
    assert isinstance(found[1], FaultError) and "not found" in str(found[1])
    assert all(isinstance(error, ProtocolError) and "no id trunktui can send" in str(error) for error in found[2:])
    assert recorder.calls[-1][0] == "system.multicall"


def test_a_trunk_is_read_with_its_connections(wired: tuple[SippyClient, RecordingTransport, Trail]) -> None:
    client, recorder, _ = wired
    i_trunk = first_trunk(client)
    trunk = client.get_trunk(i_trunk)
    assert "destination" not in trunk.members and trunk.get("policy") in POLICIES
    assert trunk.connections is not None and len(trunk.connections) >= 2
    assert [method for method, _ in recorder.calls][-2:] == ["getTrunkInfo", "getTrunkConnectionsList"]
    assert client.trunk_policies() == POLICIES


def test_every_connection_call_is_typed_sends_only_changes_and_is_audited_once(
    wired: tuple[SippyClient, RecordingTransport, Trail],
) -> None:
    client, recorder, trail = wired
    i_trunk = first_trunk(client)
    made = client.create_connection({"i_trunk": i_trunk, "name": "overflow", "destination": DESTINATION,
                                     "order_no": "first", "capacity": None}, account=1)
    connection = client.get_connection(made)
    assert (connection.get("order_no"), connection.get("capacity")) == (1, None)
    assert client.list_connections(i_trunk)[0].i_trunk_connection == made

    client.update_connection(connection, {"capacity": 30, "password": "n3w-secret"}, account=1)
    assert recorder.calls[-1] == ("updateTrunkConnection",
                                  {"i_trunk_connection": made, "capacity": 30, "password": "n3w-secret"})
    client.update_connection(connection, {"order_no": "down"}, account=1)
    assert client.get_connection(made).get("order_no") == 2
    client.delete_connection(client.get_connection(made), account=1)
    assert made not in [c.i_trunk_connection for c in client.list_connections(i_trunk)]

    assert [line["action"] for line in trail.lines] == [
        "create connection", "update connection", "move connection", "delete connection"]
    assert all(line["trunk"] == i_trunk and line["account"] == 1 for line in trail.lines)
    assert [line.get("connection") for line in trail.lines] == [made] * 4
    assert trail.lines[1]["after"] == {"capacity": 30, "password": "n3w-secret"}, "the sink redacts, not the client"


def test_a_connection_is_checked_before_anything_is_sent(wired: tuple[SippyClient, RecordingTransport, Trail]
                                                         ) -> None:
    client, recorder, trail = wired
    i_trunk = first_trunk(client)
    sent = len(recorder.calls)
    with pytest.raises(InputError, match="Destination"):
        client.create_connection({"i_trunk": i_trunk, "name": "no-destination"})
    with pytest.raises(InputError, match="'first' or 'last' on a new connection"):
        client.create_connection({"i_trunk": i_trunk, "name": "x", "destination": DESTINATION, "order_no": "up"})
    with pytest.raises(InputError) as caught:
        client.update_connection(TrunkConnection({"i_trunk_connection": 1}), {"max_cps": -1.0})
    assert caught.value.field == "max_cps"
    with pytest.raises(InputError, match="destination"):
        client.create_trunk({"i_account": 1, "name": "a-2020-trunk", "destination": DESTINATION})
    assert len(recorder.calls) == sent and trail.lines == []


def test_a_failed_change_is_audited_with_its_fault(wired: tuple[SippyClient, RecordingTransport, Trail]) -> None:
    client, _, trail = wired
    gone = TrunkConnection({"i_trunk_connection": 987654, "i_trunk": 1})
    with pytest.raises(FaultError):
        client.update_connection(gone, {"capacity": 5})
    assert trail.lines[-1]["action"] == "update connection" and isinstance(trail.lines[-1]["error"], FaultError)


def test_read_only_refuses_every_connection_change_before_sending(sim22: Sim) -> None:
    recorder = RecordingTransport()
    with SippyClient(sim22.settings(read_only=True), transport=recorder) as client:
        i_trunk = first_trunk(client)
        connection = client.list_connections(i_trunk)[0]
        sent = len(recorder.calls)
        with pytest.raises(ReadOnlyError):
            client.create_connection({"i_trunk": i_trunk, "name": "x", "destination": DESTINATION})
        with pytest.raises(ReadOnlyError):
            client.update_connection(connection, {"order_no": "down"})
        with pytest.raises(ReadOnlyError):
            client.delete_connection(connection)
        with pytest.raises(ReadOnlyError):
            client._connection.multicall([("getTrunkInfo", {"i_trunk": i_trunk}),
                                          ("deleteTrunkConnection", {"i_trunk_connection": 1})])
        assert len(recorder.calls) == sent


def test_a_lost_answer_to_a_move_is_read_back(wired: tuple[SippyClient, RecordingTransport, Trail]) -> None:
    """A move's word cannot be compared with the place read back: it took if the place changed."""
    client, _, trail = wired
    i_trunk = first_trunk(client)
    top = client.list_connections(i_trunk)[0]
    applied, now = client.check_connection_update(top, {"order_no": "down"}, "the answer was lost", account=1)
    assert (applied, now.get("order_no")) == (False, 1)
    client.update_connection(top, {"order_no": "down"})
    applied, now = client.check_connection_update(top, {"order_no": "down"}, "the answer was lost", account=1)
    assert (applied, now.get("order_no")) == (True, 2)
    assert trail.lines[-1]["read_back"] is True and trail.lines[-1]["action"] == "move connection"


def test_an_id_no_switch_could_have_is_refused_before_sending(
    wired: tuple[SippyClient, RecordingTransport, Trail],
) -> None:
    """A connection whose id is no id (a switch's answer is not to be trusted) is refused here; nothing is
    sent or audited."""
    client, recorder, trail = wired
    i_trunk = first_trunk(client)
    sent = len(recorder.calls)
    for odd in ("5; drop", None, 2**33):
        with pytest.raises(InputError):
            client.delete_connection(TrunkConnection({"i_trunk_connection": odd, "i_trunk": i_trunk}))
        with pytest.raises(InputError):
            client.update_connection(TrunkConnection({"i_trunk_connection": odd}), {"capacity": 3})
    assert len(recorder.calls) == sent and trail.lines == []


def test_one_unreadable_connection_spoils_only_its_own_trunk(foreign22: ForeignSwitch2022) -> None:
    """A switch that sends a connection's name with a control character XML forbids makes its whole
    multicall unreadable: the batch is asked again a trunk at a time, and only that trunk goes without."""
    foreign22._server.register_multicall_functions()
    good, bad, other = (foreign22.add(name=name, description="") for name in ("good", "bad", "other"))
    foreign22.connect(good, name="main", destination="192.0.2.1")
    foreign22.connect(bad, name="broken\x01name", destination="192.0.2.2")
    foreign22.connect(other, name="backup", destination="192.0.2.3")
    recorder = RecordingTransport()
    with SippyClient(ConnectionSettings(foreign22.url, trusted=True, i_customer=1), transport=recorder) as client:
        trunks = client.list_trunks(1)
    assert [trunk.connections is None for trunk in trunks] == [False, True, False]
    assert [[c.name for c in trunk.connections or ()] for trunk in trunks] == [["main"], [], ["backup"]]
    assert [method for method, _ in recorder.calls] == [
        "getTrunksList", "system.multicall", *["getTrunkConnectionsList"] * 3]


def test_a_trunk_can_be_read_without_its_connections(wired: tuple[SippyClient, RecordingTransport, Trail]
                                                     ) -> None:
    """A check of a trunk's own members reads the trunk alone: one call, not two."""
    client, recorder, _ = wired
    i_trunk = first_trunk(client)
    sent = len(recorder.calls)
    trunk = client.get_trunk(i_trunk, connections=False)
    assert trunk.connections is None and trunk.get("policy") in POLICIES
    assert [method for method, _ in recorder.calls[sent:]] == ["getTrunkInfo"]


def test_a_connection_create_whose_answer_was_lost_is_looked_up_and_audited(
    wired: tuple[SippyClient, RecordingTransport, Trail],
) -> None:
    """Looked up by name in its trunk; the audit trail gets the read-back line, as for a trunk."""
    client, _, trail = wired
    i_trunk = first_trunk(client)
    values = {"i_trunk": i_trunk, "name": "lost-answer", "destination": DESTINATION, "password": "Sup3r"}
    assert client.check_connection_create(values, "the answer was lost", account=1) == []
    i_connection = client.create_connection(values, account=1)
    (found,) = client.check_connection_create(values, "the answer was lost", account=1)
    assert found.i_trunk_connection == i_connection and found.get("destination") == DESTINATION
    missing, _, check = trail.lines
    assert (missing["connection"], missing["read_back"]) == (None, False)
    assert check == {"action": "create connection", "account": 1, "trunk": i_trunk, "connection": i_connection,
                     "after": values, "read_back": True, "note": "the answer was lost"}
    with pytest.raises(InputError):
        client.check_connection_create({"name": "no trunk"}, "lost")
