"""The simulator speaking the 2022+ API: trunks with a policy, ordered trunk connections, and the
``system.`` methods of either API, over real HTTP on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

from tests.hostile import Depth, long_runs
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.cli.sim import main as cli_main
from trunktui.model import TrunkConnection
from trunktui.simulator import (
    FailMode,
    SimulatorServer,
    Store,
    UnknownMethodAnswer,
    add_bulk_trunks,
    seed_demo,
    start_demo,
)
from trunktui.simulator.store import FIRST_BATCH
from trunktui.versions import CONNECTION_METHODS, CONNECTIONS, POLICIES, TRUNKS_2022, Api

REPO = Path(__file__).resolve().parent.parent
SIPPY_UNKNOWN = (-32601, "we do not have a method with that name")
PROPERTY = Depth(quick=25, full=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Rpc:
    """XML-RPC over HTTP as one login (Digest), or as a trusted host naming ``i_customer``."""

    def __init__(self, url: str, login: str | None = "acme", i_customer: int | None = None) -> None:
        auth = httpx.DigestAuth(login, f"{login}-demo") if login else None
        self.http = httpx.Client(auth=auth, timeout=5)
        self.url = url
        self.i_customer = i_customer

    def post(self, method: str, *params: Any) -> httpx.Response:
        body = xmlrpc.client.dumps(params, method, allow_none=True)
        return self.http.post(self.url, content=body, headers={"Content-Type": "text/xml"})

    def raw(self, method: str, *params: Any) -> Any:
        """The answer's one value; a fault raises ``xmlrpc.client.Fault``."""
        response = self.post(method, *params)
        assert response.status_code == 200, response.text
        (answer,), _ = xmlrpc.client.loads(response.content)
        return answer

    def __call__(self, method: str, **members: Any) -> dict[str, Any]:
        if self.i_customer is not None:
            members.setdefault("i_customer", self.i_customer)
        answer: dict[str, Any] = self.raw(method, members)
        assert answer["result"] == "OK"
        return answer

    def fault(self, method: str, **members: Any) -> tuple[int, str]:
        with pytest.raises(xmlrpc.client.Fault) as caught:
            self(method, **members)
        return caught.value.faultCode, caught.value.faultString


@pytest.fixture
def store22() -> Iterator[Store]:
    store = Store()
    seed_demo(store, api=Api.V2022)
    yield store
    store.close()


@pytest.fixture
def server(store22: Store) -> Iterator[SimulatorServer]:
    with SimulatorServer(store22, api=Api.V2022, trusted_hosts=("127.0.0.1",)) as server:
        yield server


@pytest.fixture
def acme(server: SimulatorServer) -> Iterator[Rpc]:
    rpc = Rpc(server.url)
    yield rpc
    rpc.http.close()


@pytest.fixture
def globex(server: SimulatorServer) -> Iterator[Rpc]:
    rpc = Rpc(server.url, "globex")
    yield rpc
    rpc.http.close()


@pytest.fixture
def trunk(acme: Rpc) -> int:
    """A new, empty trunk of acme's first account."""
    return int(acme("createTrunk", i_account=1, name="order-test")["i_trunk"])


def add(rpc: Rpc, i_trunk: int, name: str, **members: Any) -> int:
    return int(rpc("createTrunkConnection", i_trunk=i_trunk, name=name, destination="192.0.2.10", **members)
               ["i_trunk_connection"])


def order(rpc: Rpc, i_trunk: int) -> list[str]:
    """The trunk's connections' names, top to bottom; their places must be exactly 1..n."""
    listed = rpc("getTrunkConnectionsList", i_trunk=i_trunk)["trunk_connections"]
    assert [c["order_no"] for c in listed] == list(range(1, len(listed) + 1))
    return [c["name"] for c in listed]


def ids(rpc: Rpc, i_trunk: int) -> dict[str, int]:
    return {c["name"]: c["i_trunk_connection"]
            for c in rpc("getTrunkConnectionsList", i_trunk=i_trunk)["trunk_connections"]}


# --- trunks of the 2022+ API ------------------------------------------------------------


def test_trunks_have_the_2022_members_and_a_policy(acme: Rpc) -> None:
    trunks = acme("getTrunksList", i_account=1)["trunks"]
    assert trunks and all(set(t) == {f.name for f in TRUNKS_2022.fields} for t in trunks)
    assert {t["policy"] for t in trunks} == set(POLICIES)
    i_trunk = acme("createTrunk", i_account=1, name="new-2022", description="d")["i_trunk"]
    assert acme("getTrunkInfo", i_trunk=i_trunk)["trunk"] == {
        "i_trunk": i_trunk, "i_account": 1, "name": "new-2022", "description": "d", "policy": "Ordered"}
    assert acme("updateTrunk", i_trunk=i_trunk, policy="Round-Robin")["i_trunk"] == i_trunk
    assert acme("getTrunkInfo", i_trunk=i_trunk)["trunk"]["policy"] == "Round-Robin"


def test_a_policy_the_switch_does_not_offer_is_refused(acme: Rpc) -> None:
    assert acme.fault("createTrunk", i_account=1, name="x", policy="Random") == (
        400, "policy: must be one of Ordered, Round-Robin")
    i_trunk = acme("getTrunksList", i_account=1)["trunks"][0]["i_trunk"]
    assert acme.fault("updateTrunk", i_trunk=i_trunk, policy="ordered")[0] == 400


def test_a_2020_member_is_refused_on_a_2022_trunk(acme: Rpc) -> None:
    code, text = acme.fault("createTrunk", i_account=1, name="x", destination="192.0.2.1")
    assert code == 400 and "destination" in text


def test_a_long_2022_list_is_streamed_whole(store22: Store, server: SimulatorServer, acme: Rpc) -> None:
    i_account = store22.add_account(1, "bulk")
    add_bulk_trunks(store22, i_account, FIRST_BATCH * 5, api=Api.V2022)
    listed = acme("getTrunksList", i_account=i_account)["trunks"]
    assert [t["i_trunk"] for t in listed] == sorted(t["i_trunk"] for t in listed)
    assert len(listed) == FIRST_BATCH * 5
    counts = {len(acme("getTrunkConnectionsList", i_trunk=t["i_trunk"])["trunk_connections"]) for t in listed}
    assert counts == {2, 3, 4}


# --- connection methods -----------------------------------------------------------------


def test_every_connection_method(acme: Rpc, trunk: int) -> None:
    i_connection = add(acme, trunk, "main", capacity=30, max_cps=2.5, password="s3cret", huntstop_scodes="486")
    made = acme("getTrunkConnectionInfo", i_trunk_connection=i_connection)["trunk_connection"]
    defaults = {f.name: f.default for f in CONNECTIONS.fields}
    assert made == {**defaults, "i_trunk_connection": i_connection, "i_trunk": trunk, "order_no": 1, "name": "main",
                    "destination": "192.0.2.10", "capacity": 30, "max_cps": 2.5, "password": "s3cret",
                    "huntstop_scodes": "486"}
    answer = acme("updateTrunkConnection", i_trunk_connection=i_connection, outbound_ip=None, capacity=None,
                  blocked=True, use_asserted_id=True)
    assert answer == {"result": "OK", "i_trunk_connection": i_connection}
    changed = acme("getTrunkConnectionInfo", i_trunk_connection=i_connection)["trunk_connection"]
    assert changed == {**made, "outbound_ip": None, "capacity": None, "blocked": True, "use_asserted_id": True}
    assert acme("getTrunkConnectionsList", i_trunk=trunk)["trunk_connections"] == [changed]
    assert acme("deleteTrunkConnection", i_trunk_connection=i_connection) == {"result": "OK"}
    assert acme("getTrunkConnectionsList", i_trunk=trunk)["trunk_connections"] == []
    assert acme.fault("getTrunkConnectionInfo", i_trunk_connection=i_connection) == (
        404, f"Trunk connection {i_connection} not found")


def test_connections_list_by_name_pattern(acme: Rpc, trunk: int) -> None:
    for name in ("main", "backup", "backup-2", "Backup_3"):
        add(acme, trunk, name)
    found = acme("getTrunkConnectionsList", i_trunk=trunk, name_pattern="backup%")["trunk_connections"]
    assert [c["name"] for c in found] == ["backup", "backup-2"]
    assert acme.fault("getTrunkConnectionsList", i_trunk=trunk, name_pattern="x\\")[0] == 400


@pytest.mark.parametrize("members, field", [
    ({"name": "a"}, "destination"),
    ({"name": "a", "destination": "not a host!"}, "destination"),
    ({"name": "a", "destination": "192.0.2.1", "order_no": "up"}, "order_no"),
    ({"name": "a", "destination": "192.0.2.1", "order_no": 0}, "order_no"),
    ({"name": "a", "destination": "192.0.2.1", "huntstop_scodes": "busy"}, "huntstop_scodes"),
    ({"name": "a", "destination": "192.0.2.1", "i_trunk_connection": 5}, "i_trunk_connection"),
])
def test_connection_members_are_checked_with_the_schema(acme: Rpc, trunk: int, members: dict[str, Any],
                                                        field: str) -> None:
    code, text = acme.fault("createTrunkConnection", i_trunk=trunk, **members)
    assert code == 400 and field in text
    assert order(acme, trunk) == []


def test_names_are_unique_within_a_trunk_only(acme: Rpc, trunk: int) -> None:
    add(acme, trunk, "main")
    backup = add(acme, trunk, "backup")
    assert acme.fault("createTrunkConnection", i_trunk=trunk, name="main", destination="192.0.2.1") == (
        409, f"A trunk connection named 'main' already exists in trunk {trunk}")
    assert acme.fault("updateTrunkConnection", i_trunk_connection=backup, name="main", order_no="first")[0] == 409
    assert order(acme, trunk) == ["main", "backup"]
    other = acme("createTrunk", i_account=1, name="other")["i_trunk"]
    add(acme, other, "main")
    assert order(acme, other) == ["main"]


def test_deleting_a_trunk_deletes_its_connections(acme: Rpc, store22: Store, trunk: int) -> None:
    made = [add(acme, trunk, name) for name in ("a", "b", "c")]
    acme("deleteTrunk", i_trunk=trunk)
    for i_connection in made:
        assert acme.fault("getTrunkConnectionInfo", i_trunk_connection=i_connection)[0] == 404
    assert acme.fault("getTrunkConnectionsList", i_trunk=trunk) == (404, f"Trunk {trunk} not found")
    assert store22.get_connection(1, made[0]) is None


def test_another_customers_connections_are_answered_as_absent(acme: Rpc, globex: Rpc, trunk: int) -> None:
    i_connection = add(acme, trunk, "main")
    absent_trunk, absent = 10**6, 10**6
    for i_trunk, connection in ((trunk, i_connection), (absent_trunk, absent)):
        assert globex.fault("getTrunkConnectionsList", i_trunk=i_trunk) == (404, f"Trunk {i_trunk} not found")
        assert globex.fault("createTrunkConnection", i_trunk=i_trunk, name="x", destination="192.0.2.9") == (
            404, f"Trunk {i_trunk} not found")
        gone = (404, f"Trunk connection {connection} not found")
        assert globex.fault("getTrunkConnectionInfo", i_trunk_connection=connection) == gone
        assert globex.fault("updateTrunkConnection", i_trunk_connection=connection, name="x") == gone
        assert globex.fault("updateTrunkConnection", i_trunk_connection=connection, order_no="up") == gone
        assert globex.fault("deleteTrunkConnection", i_trunk_connection=connection) == gone
    assert order(acme, trunk) == ["main"]


def test_a_trusted_host_names_the_customer(server: SimulatorServer, trunk: int) -> None:
    i_connection = add(Rpc(server.url, None, 1), trunk, "main")
    assert Rpc(server.url, None, 2).fault("getTrunkConnectionInfo", i_trunk_connection=i_connection)[0] == 404


def test_the_trunk_policies_dictionary(acme: Rpc) -> None:
    assert acme("getDictionary", name="trunk_policies")["dictionary"] == [
        {"value": "Ordered", "name": "Ordered"}, {"value": "Round-Robin", "name": "Round-Robin"}]
    assert acme.fault("getDictionary", name="currencies")[0] == 404
    assert acme.fault("getDictionary")[0] == 400


# --- the order of a trunk's connections -------------------------------------------------


def test_create_places_last_first_at_a_place_or_past_the_end(acme: Rpc, trunk: int) -> None:
    add(acme, trunk, "a")
    add(acme, trunk, "b", order_no="last")
    add(acme, trunk, "c", order_no="first")
    assert order(acme, trunk) == ["c", "a", "b"]
    add(acme, trunk, "d", order_no=2)
    assert order(acme, trunk) == ["c", "d", "a", "b"]
    add(acme, trunk, "e", order_no=5)
    add(acme, trunk, "f", order_no=99)
    assert order(acme, trunk) == ["c", "d", "a", "b", "e", "f"]


@pytest.mark.parametrize("name, place, expected", [
    ("c", "up", "acbd"), ("a", "up", "abcd"),
    ("b", "down", "acbd"), ("d", "down", "abcd"),
    ("c", "first", "cabd"), ("a", "first", "abcd"),
    ("b", "last", "acdb"), ("d", "last", "abcd"),
    ("d", 1, "dabc"), ("a", 3, "bcad"), ("b", 2, "abcd"), ("a", 4, "bcda"), ("a", 99, "bcda"),
])
def test_update_moves_a_connection(acme: Rpc, trunk: int, name: str, place: int | str, expected: str) -> None:
    for each in "abcd":
        add(acme, trunk, each)
    answer = acme("updateTrunkConnection", i_trunk_connection=ids(acme, trunk)[name], order_no=place)
    assert answer["result"] == "OK"
    assert "".join(order(acme, trunk)) == expected


def test_a_move_and_a_change_in_one_update(acme: Rpc, trunk: int) -> None:
    for each in "abc":
        add(acme, trunk, each)
    acme("updateTrunkConnection", i_trunk_connection=ids(acme, trunk)["c"], order_no="first", name="z")
    assert order(acme, trunk) == ["z", "a", "b"]


def test_delete_closes_the_gap(acme: Rpc, trunk: int) -> None:
    for each in "abcd":
        add(acme, trunk, each)
    acme("deleteTrunkConnection", i_trunk_connection=ids(acme, trunk)["b"])
    assert order(acme, trunk) == ["a", "c", "d"]
    acme("deleteTrunkConnection", i_trunk_connection=ids(acme, trunk)["a"])
    acme("deleteTrunkConnection", i_trunk_connection=ids(acme, trunk)["d"])
    assert order(acme, trunk) == ["c"]


_PLACES = st.one_of(st.integers(1, 8), st.sampled_from(["first", "last"]))
_OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("create"), _PLACES | st.none()),
    st.tuples(st.just("move"), st.integers(0, 7), _PLACES | st.sampled_from(["up", "down"])),
    st.tuples(st.just("delete"), st.integers(0, 7)),
), max_size=14)


def _expected_place(place: int | str | None, now: int | None, count: int) -> int:
    last = count + 1 if now is None else count
    if place in (None, "last"):
        return last
    if place == "first":
        return 1
    if place == "up":
        return max((now or 1) - 1, 1)
    if place == "down":
        return min((now or 1) + 1, last)
    assert isinstance(place, int)
    return min(place, last)


@PROPERTY(operations=_OPERATIONS)
def test_any_sequence_of_operations_keeps_places_one_to_n(server: SimulatorServer, operations: list[Any]) -> None:
    """After any creates, moves and deletes the places are 1..n with no gap and no duplicate, in the order
    a list that moves items the same way gives."""
    rpc = Rpc(server.url, None, 1)
    i_trunk = rpc("createTrunk", i_account=1, name=f"property-{os.urandom(6).hex()}")["i_trunk"]
    model: list[int] = []
    for operation in operations:
        if operation[0] == "create":
            members = {} if operation[1] is None else {"order_no": operation[1]}
            made = add(rpc, i_trunk, f"c{len(model)}-{os.urandom(3).hex()}", **members)
            model.insert(_expected_place(operation[1], None, len(model)) - 1, made)
        elif model and operation[0] == "move":
            moved = model[operation[1] % len(model)]
            rpc("updateTrunkConnection", i_trunk_connection=moved, order_no=operation[2])
            now = model.index(moved) + 1
            model.remove(moved)
            model.insert(_expected_place(operation[2], now, len(model) + 1) - 1, moved)
        elif model and operation[0] == "delete":
            rpc("deleteTrunkConnection", i_trunk_connection=model.pop(operation[1] % len(model)))
        listed = rpc("getTrunkConnectionsList", i_trunk=i_trunk)["trunk_connections"]
        assert [c["order_no"] for c in listed] == list(range(1, len(model) + 1))
        assert [c["i_trunk_connection"] for c in listed] == model
    rpc("deleteTrunk", i_trunk=i_trunk)


globals().update(long_runs(globals()))


# --- system.listMethods, system.multicall, unknown methods ------------------------------


@pytest.mark.parametrize("api", list(Api))
def test_list_methods_names_what_the_switch_answers(store22: Store, api: Api) -> None:
    with SimulatorServer(store22, api=api) as server:
        names = Rpc(server.url).raw("system.listMethods")
    assert "system.listMethods" in names and "system.multicall" in names and "getTrunksList" in names
    assert all(method in names for method in CONNECTION_METHODS) is (api is Api.V2022)
    assert ("getDictionary" in names) is (api is Api.V2022)


def test_list_methods_from_a_trusted_host_needs_no_customer(server: SimulatorServer) -> None:
    assert "createTrunkConnection" in Rpc(server.url, None).raw("system.listMethods")


def test_with_introspection_off_list_methods_is_unknown(server: SimulatorServer, acme: Rpc) -> None:
    server.knobs.introspection = False
    with pytest.raises(xmlrpc.client.Fault) as caught:
        acme.raw("system.listMethods")
    assert (caught.value.faultCode, caught.value.faultString) == SIPPY_UNKNOWN
    inner = acme.raw("system.multicall", [{"methodName": "system.listMethods", "params": []}])[0]
    assert (inner["faultCode"], inner["faultString"]) == SIPPY_UNKNOWN
    server.knobs.introspection = True
    assert "system.listMethods" in acme.raw("system.listMethods")


def test_multicall_answers_each_call_a_fault_in_its_place(acme: Rpc, trunk: int) -> None:
    add(acme, trunk, "main")
    calls = [
        {"methodName": "getTrunkConnectionsList", "params": [{"i_trunk": trunk}]},
        {"methodName": "getTrunkConnectionsList", "params": [{"i_trunk": 10**6}]},
        {"methodName": "getDictionary", "params": [{"name": "trunk_policies"}]},
        {"methodName": "createTrunk", "params": [{"i_account": 1, "name": "via-multicall"}]},
        {"methodName": "getTrunksList", "params": [{"i_account": 1, "name_pattern": "via-multicall"}]},
        {"methodName": "getTrunkInfo", "params": []},
        {"methodName": "system.multicall", "params": [[]]},
        {"methodName": "system.listMethods", "params": []},
        {"methodName": "updateTrunkAttributes", "params": [{}]},
        "not a call",
    ]
    answers = acme.raw("system.multicall", calls)
    assert len(answers) == len(calls)
    assert [c["name"] for c in answers[0][0]["trunk_connections"]] == ["main"]
    assert answers[1] == {"faultCode": 404, "faultString": "Trunk 1000000 not found"}
    assert answers[2][0]["dictionary"][0]["value"] == "Ordered"
    i_trunk = answers[3][0]["i_trunk"]
    assert [t["i_trunk"] for t in answers[4][0]["trunks"]] == [i_trunk]
    assert answers[5] == {"faultCode": 400, "faultString": "Parameters must be exactly one struct"}
    assert answers[6]["faultCode"] == -32600
    assert "createTrunkConnection" in answers[7][0]
    assert (answers[8]["faultCode"], answers[8]["faultString"]) == SIPPY_UNKNOWN
    assert answers[9]["faultCode"] == -32600


def test_multicall_of_a_trusted_host_acts_for_the_customer_each_call_names(server: SimulatorServer,
                                                                            trunk: int) -> None:
    call = {"methodName": "getTrunkInfo", "params": [{"i_trunk": trunk, "i_customer": 1}]}
    stranger = {"methodName": "getTrunkInfo", "params": [{"i_trunk": trunk, "i_customer": 2}]}
    nobody = {"methodName": "getTrunkInfo", "params": [{"i_trunk": trunk}]}
    answers = Rpc(server.url, None).raw("system.multicall", [call, stranger, nobody])
    assert answers[0][0]["trunk"]["i_trunk"] == trunk
    assert answers[1] == {"faultCode": 404, "faultString": f"Trunk {trunk} not found"}
    assert answers[2]["faultCode"] == 401
    challenged = Rpc(server.url, None).post("system.multicall", [nobody])
    assert challenged.status_code == 401


def test_a_login_cannot_reach_another_customer_through_multicall(store22: Store, trunk: int) -> None:
    """The login's own customer wins over an ``i_customer`` a call names (only a trusted host may name one)."""
    call = {"methodName": "getTrunkInfo", "params": [{"i_trunk": trunk, "i_customer": 1}]}
    with SimulatorServer(store22, api=Api.V2022) as untrusting:
        answers = Rpc(untrusting.url, "globex").raw("system.multicall", [call])
    assert answers == [{"faultCode": 404, "faultString": f"Trunk {trunk} not found"}]


def test_multicall_is_one_call_to_the_fault_knobs(server: SimulatorServer, acme: Rpc, trunk: int) -> None:
    calls = [{"methodName": "getTrunkInfo", "params": [{"i_trunk": trunk}]}] * 5
    acme.raw("system.multicall", calls)
    before = server.stats.calls
    acme.raw("system.multicall", calls)
    assert server.stats.calls == before + 1
    server.knobs.fail_mode, server.knobs.fail_every = FailMode.FAULT, before + 2
    with pytest.raises(xmlrpc.client.Fault) as caught:
        acme.raw("system.multicall", calls)
    assert caught.value.faultString == "Injected fault"


@pytest.mark.parametrize("params", [(), ({},), ([], [])])
def test_multicall_takes_one_array(acme: Rpc, params: tuple[Any, ...]) -> None:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        acme.raw("system.multicall", *params)
    assert caught.value.faultCode == 400


@pytest.mark.parametrize("api, other", [(Api.V2020, "getTrunkConnectionsList"), (Api.V2020, "getDictionary"),
                                        (Api.V2022, "noSuchMethod")])
def test_a_method_of_the_other_api_is_unknown_in_sippys_words(store22: Store, api: Api, other: str) -> None:
    with SimulatorServer(store22, api=api, trusted_hosts=("127.0.0.1",)) as server:
        assert Rpc(server.url).fault(other, i_trunk=1) == SIPPY_UNKNOWN
        assert Rpc(server.url, None).fault(other, i_trunk=1) == SIPPY_UNKNOWN
        with pytest.raises(xmlrpc.client.Fault) as caught:
            Rpc(server.url, None).raw(other)
        assert (caught.value.faultCode, caught.value.faultString) == SIPPY_UNKNOWN


def test_a_2020_switch_answers_no_2022_method(store22: Store) -> None:
    with SimulatorServer(store22, api=Api.V2020) as server:
        acme = Rpc(server.url)
        for method in CONNECTION_METHODS:
            assert acme.fault(method, i_trunk=1) == SIPPY_UNKNOWN


def test_the_html500_knob_answers_an_unknown_method_with_an_html_page(server: SimulatorServer, acme: Rpc) -> None:
    server.knobs.unknown_method = UnknownMethodAnswer.HTML_500
    response = acme.post("getTrunkConnectionz", {"i_trunk": 1})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert b"<html>" in response.content
    server.knobs.introspection = False
    assert acme.post("system.listMethods").status_code == 500
    assert acme("getTrunksList", i_account=1)["trunks"]


# --- a typed client against both APIs ---------------------------------------------------


def _client(server: SimulatorServer, api: str = "auto") -> SippyClient:
    return SippyClient(ConnectionSettings(url=server.url, username="acme", password="acme-demo", read_timeout=5.0,
                                          api=api))


def test_the_client_reads_and_changes_connections(server: SimulatorServer, trunk: int) -> None:
    with _client(server, "2022") as client:
        made = client.create_connection({"i_trunk": trunk, "name": "main", "destination": "192.0.2.1"})
        client.create_connection({"i_trunk": trunk, "name": "backup", "destination": "192.0.2.2",
                                  "order_no": "first"})
        client.update_connection(client.get_connection(made), {"order_no": "up"})
        assert [c.name for c in client.list_connections(trunk)] == ["main", "backup"]
        listed = client.list_trunks(1)
        assert all(t.connections is not None for t in listed)
        assert [c.name for c in next(t for t in listed if t.i_trunk == trunk).connections or ()] == ["main", "backup"]
        client.delete_connection(TrunkConnection({"i_trunk_connection": made, "i_trunk": trunk}))
        assert [c.name for c in client.list_connections(trunk)] == ["backup"]
        assert set(client.trunk_policies()) == set(POLICIES)


@pytest.mark.parametrize("api, introspection, answer", [
    (Api.V2020, True, UnknownMethodAnswer.FAULT), (Api.V2022, True, UnknownMethodAnswer.FAULT),
    (Api.V2020, False, UnknownMethodAnswer.FAULT), (Api.V2022, False, UnknownMethodAnswer.FAULT),
    (Api.V2020, False, UnknownMethodAnswer.HTML_500), (Api.V2022, False, UnknownMethodAnswer.HTML_500),
])
def test_the_client_tells_which_api_the_switch_speaks(store22: Store, api: Api, introspection: bool,
                                                      answer: UnknownMethodAnswer) -> None:
    with SimulatorServer(store22, api=api) as server:
        server.knobs.introspection, server.knobs.unknown_method = introspection, answer
        with _client(server) as client:
            assert client.api() is api


# --- starting it ------------------------------------------------------------------------


def test_start_demo_serves_the_2022_demo() -> None:
    server, logins = start_demo(api=Api.V2022)
    try:
        assert server.api is Api.V2022
        acme = Rpc(server.url, logins[0].login)
        trunks = acme("getTrunksList", i_account=1)["trunks"]
        counts = [len(acme("getTrunkConnectionsList", i_trunk=t["i_trunk"])["trunk_connections"]) for t in trunks]
        assert counts and set(counts) <= {2, 3, 4} and len(set(counts)) > 1
    finally:
        server.stop()


def test_the_2022_demo_looks_like_carriers(store22: Store) -> None:
    trunks = [t for i_account in range(1, 9) for t in store22.list_trunks(i_account, api=Api.V2022)]
    policies = [t["policy"] for t in trunks]
    assert policies.count("Ordered") > policies.count("Round-Robin") > 0
    connections = [c for t in trunks for c in store22.list_connections(1 if t["i_account"] <= 3 else
                                                                        2 if t["i_account"] <= 6 else 3,
                                                                        t["i_trunk"]) or []]
    assert len(connections) >= 2 * len(trunks)
    assert any(c["name"] == "backup" for c in connections) and any(c["name"] == "sbc1" for c in connections)
    assert any(c["password"] for c in connections) and any(c["capacity"] for c in connections)
    assert all(c["destination"] for c in connections)


def test_cli_serves_the_2022_api_and_keeps_a_file_to_its_api(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "sim.db"
    code = "import sys\nfrom trunktui.cli.sim import main\nsys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--port", "0", "--api", "2022", "--db", str(database), "--bulk", "20",
         "--no-introspection", "--unknown-method", "html500"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        assert process.stdout.readline() == "Speaking the 2022 trunks API, with trunk connections\n"
        acme = Rpc(url)
        bulk = acme("getAccountInfo", username="bulk")["account"]["i_account"]
        assert len(acme("getTrunksList", i_account=bulk)["trunks"]) == 20
        assert acme.post("system.listMethods").status_code == 500
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=5)
    finally:
        process.kill()
    assert process.returncode == 0 and "Traceback" not in err
    assert cli_main(["--port", "0", "--db", str(database)]) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert "holds a switch of the 2022 API; open it with --api 2022" in message


def test_a_file_remembers_the_api_it_was_made_for(tmp_path: Path) -> None:
    made_2022, older = str(tmp_path / "new.db"), str(tmp_path / "old.db")
    store = Store(made_2022)
    assert store.made_for(Api.V2022) is Api.V2022
    store.close()
    store = Store(made_2022)
    assert store.made_for(Api.V2020) is Api.V2022
    store.close()
    store = Store(older)
    seed_demo(store)
    assert store.made_for(Api.V2022) is Api.V2020, "data from before the record held 2020 trunks"
    store.close()
