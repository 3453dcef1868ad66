"""Which trunks API a switch speaks is worked out with reads alone, cheapest first, and a choice the
switch's answers contradict is refused in words an operator can act on.

Over real HTTP: the simulator, and the second server (``tests/foreign.py``) in both its 2020 and its
2022+ form, which lacks ``system.listMethods`` and ``system.multicall`` and words an unknown method
its own way.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch, ForeignSwitch2022
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.api.detection import from_rows, lacks_method
from trunktui.errors import FaultError, HttpError, InputError, VersionError
from trunktui.versions import Api

MUTATING = {"createTrunk", "updateTrunk", "deleteTrunk",
            "createTrunkConnection", "updateTrunkConnection", "deleteTrunkConnection"}


def foreign_client(switch: ForeignSwitch, api: str = "auto") -> SippyClient:
    return SippyClient(ConnectionSettings(switch.url, trusted=True, i_customer=1, api=api))


def test_rows_tell_the_api_by_their_shape() -> None:
    assert from_rows([{"i_trunk": 1, "name": "a", "destination": "192.0.2.1"}]) is Api.V2020
    assert from_rows([{"i_trunk": 1, "i_account": 2, "name": "a", "description": "", "policy": "Ordered"}]) is Api.V2022
    assert from_rows([{"i_trunk": 1, "name": "a"}]) is Api.V2022
    assert from_rows([]) is None
    assert from_rows([{"i_trunk": 1, "name": "a", "media_relay": "auto"}]) is None, "an unknown member tells nothing"
    assert from_rows([{}]) is None


def test_a_fault_or_an_error_page_may_say_the_method_is_unknown() -> None:
    for text in ("we do not have a method with that name", "No such method", "Method not found",
                 "Unknown method: getTrunkConnectionsList", 'method "getTrunkConnectionsList" is not supported'):
        assert lacks_method(FaultError(-32601, text))
    assert lacks_method(HttpError("HTTP 500 Internal Server Error", 500))
    assert not lacks_method(FaultError(404, "Trunk 1 not found"))
    assert not lacks_method(HttpError("HTTP 404", 404))


def test_a_2020_trunk_list_tells_the_api_without_a_call_more(sim: Sim) -> None:
    recorder = RecordingTransport()
    with SippyClient(sim.settings(api="auto"), transport=recorder) as client:
        assert client.finding is None
        trunks = client.list_trunks(1)
        assert trunks and all(trunk.connections is None for trunk in trunks)
        assert client.api() is Api.V2020
        assert client.finding is not None and client.finding.reason == "the shape of the trunk rows"
    assert [method for method, _ in recorder.calls] == ["getTrunksList"]


def test_a_foreign_2020_switch_with_no_introspection_is_told_by_its_unknown_method_fault(
    foreign: ForeignSwitch,
) -> None:
    """No listMethods, no getDictionary, and getTrunkConnectionsList 'is not supported': the 2020 API,
    and no write was sent on the way."""
    with foreign_client(foreign) as client:
        assert client.list_trunks(1) == []
        assert client.api() is Api.V2020
        assert client.finding is not None and "getTrunkConnectionsList is unknown" in client.finding.reason
    assert not {method for method, _ in foreign.calls} & MUTATING


def test_a_foreign_2022_switch_lists_trunks_with_their_connections_one_call_each(
    foreign22: ForeignSwitch2022,
) -> None:
    """Its rows have no destination, so it speaks the 2022+ API; it has no system.multicall, so each
    trunk's connections come with a call of their own, top to bottom by order_no."""
    carrier = foreign22.add(name="carrier-a", description="Main carrier")
    other = foreign22.add(name="carrier-b")
    foreign22.connect(carrier, name="backup", destination="198.51.100.20", order_no=2, random_call_id=1)
    foreign22.connect(carrier, name="main", destination="198.51.100.10:5060", order_no=1)
    with foreign_client(foreign22) as client:
        trunks = client.list_trunks(1)
        assert client.api() is Api.V2022
    by_name = {trunk.name: trunk for trunk in trunks}
    connections = by_name["carrier-a"].connections
    assert connections is not None
    assert [c.name for c in connections] == ["main", "backup"]
    assert connections[1].get("random_call_id") == 1, "the switch's own 0/1 is kept as sent"
    assert by_name["carrier-b"].connections == ()
    reads = [params for method, params in foreign22.calls if method == "getTrunkConnectionsList"]
    assert sorted(params["i_trunk"] for params in reads) == [carrier, other]


def test_a_2022_switch_under_a_2020_choice_is_refused_in_words(foreign22: ForeignSwitch2022) -> None:
    foreign22.add(name="carrier-a", description="Main carrier")
    with foreign_client(foreign22, api="2020") as client, pytest.raises(VersionError) as caught:
        client.list_trunks(1)
    message = str(caught.value)
    assert "2022 API (it has no destination)" in message and "--api 2022" in message


def test_a_2020_switch_under_a_2022_choice_is_refused_before_any_connection_is_asked_for(sim: Sim) -> None:
    recorder = RecordingTransport()
    with SippyClient(sim.settings(api="2022"), transport=recorder) as client, \
            pytest.raises(VersionError) as caught:
        client.list_trunks(1)
    assert "2020 API (it has a destination)" in str(caught.value) and "--api 2020" in str(caught.value)
    assert [method for method, _ in recorder.calls] == ["getTrunksList"]


def test_a_choice_is_taken_without_asking_the_switch(sim: Sim) -> None:
    recorder = RecordingTransport()
    with SippyClient(sim.settings(api="2020"), transport=recorder) as client:
        assert client.api() is Api.V2020
    assert recorder.calls == []


def test_an_api_that_is_no_choice_is_refused() -> None:
    with pytest.raises(InputError, match="auto, 2020, 2022"):
        ConnectionSettings("sw.example.net", username="noc", api="2023")


def a_2020_switch(**methods: Any) -> ForeignSwitch:
    """The second server in its 2020 form, with one trunk, and ``methods`` of its own."""
    switch = ForeignSwitch()
    switch.add(name="old-1", description="x", destination="192.0.2.1")
    for name, method in methods.items():
        switch._server.register_function(method, name)
    return switch.start()


def busy_then_unknown() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A read that meets a passing fault of the switch's own once, and is unknown after that."""
    answers = iter([xmlrpc.client.Fault(503, "Too many requests, slow down")])

    def read(params: dict[str, Any]) -> dict[str, Any]:
        raise next(answers, xmlrpc.client.Fault(-32601, "we do not have a method with that name"))
    return read


@pytest.mark.parametrize("methods", [
    {"getTrunkConnectionsList": busy_then_unknown()},
    {"system.listMethods": lambda: ["createTrunk", "createTrunkConnection"]},
], ids=["a-passing-fault", "a-list-of-methods-it-lacks"])
def test_trunk_rows_settle_what_other_reads_only_suggested(methods: dict[str, Any]) -> None:
    """A 2020 switch that looks like a 2022+ one to the reads made at connect time: its trunk rows,
    which have a destination, win, and the list loads."""
    switch = a_2020_switch(**methods)
    try:
        with foreign_client(switch) as client:
            assert client.api() is Api.V2022
            assert [trunk.name for trunk in client.list_trunks(1)] == ["old-1"]
            assert client.api() is Api.V2020
            assert client.finding is not None and client.finding.reason == "the shape of the trunk rows"
    finally:
        switch.stop()


def test_a_dictionary_answer_without_policies_tells_nothing() -> None:
    switch = a_2020_switch(getDictionary=lambda params: {"result": "OK"})
    try:
        with foreign_client(switch) as client:
            assert client.api() is Api.V2020
    finally:
        switch.stop()


def test_a_list_that_mixes_the_two_apis_is_refused_in_words(foreign22: ForeignSwitch2022) -> None:
    foreign22.add(name="new-1", description="")
    foreign22.add(name="legacy", destination="192.0.2.1", password="old-secret")
    with foreign_client(foreign22) as client, pytest.raises(VersionError, match="both the 2020 API"):
        client.list_trunks(1)


def test_a_trunk_id_no_switch_could_have_costs_only_its_own_connections(
    foreign22: ForeignSwitch2022, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One trunk's i_trunk is beyond 32 bits: it arrives with its connections unknown, the others with
    theirs, and the list is not mistaken for a login the client cannot give."""
    monkeypatch.setattr(xmlrpc.client, "MAXINT", 2**63)
    ok = foreign22.add(name="ok", description="")
    foreign22.connect(ok, name="main", destination="192.0.2.1", order_no=1)
    big = foreign22.add(name="big", description="")
    foreign22.trunks[big]["i_trunk"] = 2**40
    with foreign_client(foreign22, api="2022") as client:
        trunks = client.list_trunks(1)
    assert [(t.name, None if t.connections is None else len(t.connections)) for t in trunks] == [
        ("ok", 1), ("big", None)]
