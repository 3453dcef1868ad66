"""Searching every account: over real HTTP to the simulator and to a second, independent server."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch, ForeignSwitch2022
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.errors import AuthError, FaultError, InputError
from trunktui.model import Account
from trunktui.search import Address, Query, Search, Searched
from trunktui.simulator.demo import add_extra_accounts
from trunktui.simulator.knobs import FailMode
from trunktui.versions import Api

TARGET = "198.51.100.7"


def seed(sim: Sim, accounts: int, every: int = 5) -> list[int]:
    """``accounts`` more accounts of acme, each with two trunks; every ``every``-th points one at ``TARGET``,
    and each has one that only looks like it (``TARGET`` + "0"). Returns the accounts pointing at it."""
    customer = sim.logins["acme"].i_customer
    pointing = []
    for n, i_account in enumerate(add_extra_accounts(sim.store, customer, accounts)):
        here = n % every == 0
        if here:
            pointing.append(i_account)
        rows = [(f"near-{n}", f"{TARGET}0:5060"), (f"far-{n}", f"{TARGET}:5060" if here else "203.0.113.9")]
        for name, destination in rows:
            if sim.api is Api.V2020:
                sim.store.create_trunk({"i_account": i_account, "name": name, "destination": destination})
            else:
                sim.store.insert_trunks_with_connections([(
                    {"i_account": i_account, "name": name, "description": "", "policy": "Ordered"},
                    [{"name": "main", "destination": "203.0.113.1"}, {"name": "backup", "destination": destination}],
                )])
    return pointing


def run(client: SippyClient, query: Query, **options: Any) -> tuple[list[Searched], Any]:
    told: list[Searched] = []
    summary = Search(client, query, **options).run(told.append)
    return told, summary


@pytest.mark.parametrize("simulator", ["sim", "sim22"])
def test_an_address_is_found_in_every_account_and_only_where_it_is(simulator: str,
                                                                  request: pytest.FixtureRequest) -> None:
    sim: Sim = request.getfixturevalue(simulator)
    pointing = seed(sim, 30)
    with sim.client() as client:
        told, summary = run(client, Query(TARGET, "destination"))
    assert sorted(found.account.i_account for found in summary.found) == sorted(pointing)
    assert {found.trunk.name for found in summary.found} == {f"far-{n}" for n in range(0, 30, 5)}
    hit = summary.found[0].hit
    assert hit.value[slice(*hit.span)] == TARGET
    if sim.api is Api.V2022:
        assert hit.connection is not None and hit.connection.name == "backup"
    listed = 3 + 30
    assert summary.searched == listed and not summary.failures and not summary.unsearched
    assert [searched.done for searched in told] == list(range(1, listed + 1))
    assert told[-1].total == listed and told[-1].matched == len(pointing)


def test_accounts_are_asked_several_to_a_multicall_and_each_once(sim: Sim) -> None:
    seed(sim, 40)
    recorder = RecordingTransport()
    with SippyClient(sim.settings(), transport=recorder) as client:
        _, summary = run(client, Query("near"))
    asked = [call["params"][0]["i_account"] for batch in recorder.of("system.multicall") for call in batch
             if isinstance(batch, list)]
    singles = [params["i_account"] for params in recorder.of("getTrunksList")]
    assert sorted(asked + singles) == sorted({*asked, *singles}) and len(asked + singles) == 43
    assert len(recorder.of("system.multicall")) < 43 / 2
    assert len(summary.found) == 40


def test_a_name_pattern_goes_to_the_switch_and_other_queries_do_not(sim: Sim) -> None:
    seed(sim, 3)
    recorder = RecordingTransport()
    with SippyClient(sim.settings(), transport=recorder) as client:
        _, by_pattern = run(client, Query("far-%", "name"))
        sent = [call["params"][0].get("name_pattern") for batch in recorder.of("system.multicall")
                for call in batch]
        recorder.calls.clear()
        _, by_text = run(client, Query("far-", "name"))
        plain = [call["params"][0].get("name_pattern") for batch in recorder.of("system.multicall")
                 for call in batch]
    assert set(sent) == {"far-%"} and set(plain) == {None}
    assert sorted(f.trunk.name for f in by_pattern.found) == sorted(f.trunk.name for f in by_text.found) == [
        "far-0", "far-1", "far-2"]


def test_connections_are_read_only_when_the_query_may_match_inside_them(sim22: Sim) -> None:
    seed(sim22, 3)
    recorder = RecordingTransport()
    with SippyClient(sim22.settings(), transport=recorder) as client:
        run(client, Query("far", "name"))
        by_name = [call for call in recorder.calls if "Connections" in str(call)]
        run(client, Query("far", "any"))
        by_any = [call for call in recorder.calls if "Connections" in str(call)]
    assert not by_name and by_any


def test_an_account_that_cannot_be_read_is_listed_and_the_rest_are_searched(sim: Sim) -> None:
    pointing = seed(sim, 10)
    with sim.client() as client:
        accounts = client.list_accounts()
        stranger = Account(i_account=999_999, username="gone")
        _, summary = run(client, Query(TARGET), accounts=[*accounts[:5], stranger, *accounts[5:]])
        assert [failure.account for failure in summary.failures] == [stranger]
        assert isinstance(summary.failures[0].error, FaultError)
        assert sorted(f.account.i_account for f in summary.found) == sorted(pointing)


def test_accounts_that_failed_whole_are_retried_on_their_own(sim: Sim) -> None:
    pointing = seed(sim, 20)
    sim.server.knobs.fail_mode = FailMode.HTTP_500
    with sim.client() as client:
        client.api()
        sim.server.knobs.fail_every = 2
        _, first = run(client, Query(TARGET), concurrency=1)
        sim.server.knobs.fail_every = 0
        assert first.failures and first.searched == 23
        _, again = run(client, Query(TARGET), accounts=[failure.account for failure in first.failures])
    assert not again.failures
    found = {f.account.i_account for f in first.found} | {f.account.i_account for f in again.found}
    assert found == set(pointing)


def test_a_stop_cuts_the_search_short_and_keeps_what_was_found(sim: Sim) -> None:
    seed(sim, 60, every=1)
    sim.server.knobs.latency = 0.05
    with sim.client() as client:
        client.api()
        search = Search(client, Query(TARGET), concurrency=2)
        told: list[Searched] = []
        some = threading.Event()

        def tell(searched: Searched) -> None:
            told.append(searched)
            if searched.done >= 10:
                some.set()

        result: list[Any] = []
        worker = threading.Thread(target=lambda: result.append(search.run(tell)))
        worker.start()
        assert some.wait(10)
        stopped_at = time.monotonic()
        search.stop()
        worker.join(10)
        assert time.monotonic() - stopped_at < 2
    summary = result[0]
    assert summary.stopped and summary.unsearched
    assert summary.searched + len(summary.unsearched) == 63
    extra = [searched for searched in told if str(searched.account.username).startswith("extra-")]
    assert len(summary.found) == sum(len(searched.found) for searched in told) == len(extra) >= 7
    assert not summary.failures


def test_a_switch_that_ignores_paging_and_has_no_multicall_is_searched_once_per_account() -> None:
    switch = ForeignSwitch().start()
    try:
        switch.add_accounts(149)
        for i_account in (1, 77, 150):
            switch.add(name=f"edge-{i_account}", destination=f"{TARGET}:5060", random_call_id=True)
            switch.trunks[switch._next - 1]["i_account"] = i_account
        with SippyClient(ConnectionSettings(switch.url, trusted=True, i_customer=1)) as client:
            _, summary = run(client, Query(f"{TARGET}:5060"))
        asked = [params["i_account"] for method, params in switch.calls if method == "getTrunksList"]
    finally:
        switch.stop()
    assert sorted(asked) == list(range(1, 151))
    assert sorted(f.trunk.name for f in summary.found) == ["edge-1", "edge-150", "edge-77"]


def test_a_foreign_2022_switch_is_searched_inside_connections() -> None:
    switch = ForeignSwitch2022().start()
    try:
        settings = ConnectionSettings(switch.url, trusted=True, i_customer=1, api="2022")
        with SippyClient(settings) as client:
            made = client.create_trunk({"i_account": 1, "name": "far-east", "description": ""})
            client.create_connection({"i_trunk": made, "name": "one", "destination": "203.0.113.1"})
            client.create_connection({"i_trunk": made, "name": "two", "destination": "[2001:db8::7]:5060"})
            _, summary = run(client, Query("2001:db8::7"))
    finally:
        switch.stop()
    [found] = summary.found
    assert found.trunk.name == "far-east" and found.hit.connection is not None
    assert found.hit.value[slice(*found.hit.span)] == "[2001:db8::7]"


@pytest.mark.parametrize(("query", "problem"), [
    (Query("   "), "Type what to look for."),
    (Query("ab%\\", "name"), "A pattern may not end with a lone \\ (write \\\\ for a backslash)."),
    (Query("x", "colour"), "There is no field 'colour' to search in"),
])
def test_a_query_that_cannot_be_searched_for_is_refused_before_any_call(query: Query, problem: str) -> None:
    client = SippyClient(ConnectionSettings("http://127.0.0.1:9/xmlapi/xmlapi", username="u", password="p",
                                            api="2020"))
    with pytest.raises(InputError) as refused:
        Search(client, query)
    assert str(refused.value).startswith(problem)


@pytest.mark.parametrize(("query", "value", "span"), [
    ("198.51.100.7", "198.51.100.7:5060", (0, 12)),
    ("198.51.100.7", "198.51.100.70:5060", None),
    ("198.51.100.7:5080", "198.51.100.7:5060", None),
    (":5060", "sbc.example.net:5060", (15, 20)),
    ("2001:db8::1", "2001:db8::1", (0, 11)),
    ("2001:db8::1", "[2001:db8::1]:5060", (0, 13)),
])
def test_an_address_matches_a_host_and_port_exactly(query: str, value: str, span: tuple[int, int] | None) -> None:
    address = Address.parse(query)
    assert address is not None and address.span(value) == span


def test_text_matches_ignoring_case_and_names_where() -> None:
    from trunktui.model import TRUNKS_2020, Trunk

    trunk = Trunk({"i_trunk": 1, "name": "Telia-STO", "destination": "sbc.example.net",
                   "description": "Maintenance window Friday"})
    hit = Query("sto").hit(trunk, TRUNKS_2020)
    assert hit is not None and (hit.name, hit.value[slice(*hit.span)]) == ("name", "STO")
    hit = Query("friday", "description").hit(trunk, TRUNKS_2020)
    assert hit is not None and hit.where(TRUNKS_2020) == "Description" and hit.span == (19, 25)
    assert Query("sto", "description").hit(trunk, TRUNKS_2020) is None


def test_connections_that_could_not_be_read_make_their_account_not_read(sim22: Sim) -> None:
    pointing = seed(sim22, 20, every=1)
    sim22.server.knobs.fail_mode = FailMode.HTTP_500
    with sim22.client() as client:
        client.api()
        sim22.server.knobs.fail_every = 3
        _, summary = run(client, Query(TARGET, "destination"), concurrency=1)
        sim22.server.knobs.fail_every = 0
        found = {found.account.i_account for found in summary.found}
        failed = {failure.account.i_account for failure in summary.failures}
        assert failed and set(pointing) <= found | failed and not found & failed
        _, again = run(client, Query(TARGET, "destination"), accounts=[f.account for f in summary.failures])
    assert found | {found.account.i_account for found in again.found} == set(pointing)


def test_an_account_listed_twice_in_one_page_is_searched_once() -> None:
    switch = ForeignSwitch().start()
    try:
        switch.add_accounts(4)
        switch.accounts.append({"i_account": 3, "username": "far-003-again"})
        switch.add(name="edge", destination=f"{TARGET}:5060", random_call_id=True)
        switch.trunks[switch._next - 1]["i_account"] = 3
        with SippyClient(ConnectionSettings(switch.url, trusted=True, i_customer=1)) as client:
            told, summary = run(client, Query(TARGET))
    finally:
        switch.stop()
    assert [found.trunk.name for found in summary.found] == ["edge"]
    assert told[-1].total == 5


def test_a_refused_login_stops_the_search_at_once(sim: Sim) -> None:
    seed(sim, 40)
    with sim.client() as client:
        client.api()
        sim.server.knobs.fail_mode = FailMode.HTTP_401
        calls = sim.server.stats.calls
        sim.server.knobs.fail_every = 1
        with pytest.raises(AuthError):
            run(client, Query(TARGET), concurrency=2)
        refused = sim.server.stats.calls - calls
        sim.server.knobs.fail_every = 0
    assert refused <= 2 * 2 + 4, "a few calls in flight at most, not one per account"


def test_a_name_pattern_is_trimmed_as_any_query_is(sim: Sim) -> None:
    seed(sim, 3)
    with sim.client() as client:
        _, padded = run(client, Query("  far-%  ", "name"))
    assert sorted(found.trunk.name for found in padded.found) == ["far-0", "far-1", "far-2"]


def test_a_refused_login_leaves_the_accounts_it_did_not_reach_in_the_summary(sim: Sim) -> None:
    """Refused part way: what was told, what failed and what is left make up every account once, so a search
    of what is left, with the login mended, finds every match exactly once."""
    pointing = seed(sim, 40, every=1)
    told: list[Searched] = []

    def tell(searched: Searched) -> None:
        told.append(searched)
        if searched.done == 10:
            sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.HTTP_401, 1

    with sim.client() as client:
        client.api()
        search = Search(client, Query(TARGET), concurrency=2)
        with pytest.raises(AuthError):
            search.run(tell)
        sim.server.knobs.fail_every = 0
        summary = search.summary
        assert search.total == 43 and summary.stopped and summary.unsearched
        reached = [searched.account.i_account for searched in told]
        left = [account.i_account for account in summary.unsearched]
        assert sorted(reached + left) == sorted(account.i_account for account in client.list_accounts(0, 100))
        rest = Search(client, Query(TARGET), accounts=summary.unsearched).run()
    found = [found.account.i_account for found in [*summary.found, *rest.found]]
    assert sorted(found) == sorted(pointing)


def test_a_stop_between_two_pages_of_accounts_leaves_the_total_unknown(sim: Sim,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The accounts listed before the stop are not all the login's: the search must not say they are."""
    seed(sim, 120)
    with sim.client() as client:
        client.api()
        search = Search(client, Query(TARGET), concurrency=1)
        list_accounts = SippyClient.list_accounts

        def stopped_after(self: SippyClient, offset: int, limit: int) -> list[Account]:
            page = list_accounts(self, offset, limit)
            search.stop()
            return page

        monkeypatch.setattr(SippyClient, "list_accounts", stopped_after)
        summary = search.run()
    assert summary.stopped and search.total is None
