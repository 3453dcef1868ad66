"""The simulator, tested over real HTTP on loopback, as the client will use it."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import time
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

import httpx
import pytest

from tests.wire import logged_line
from trunktui.cli.sim import main as cli_main
from trunktui.model import TRUNK_FIELDS, TRUNKS_2020, Kind, OnCreate
from trunktui.simulator import (
    FailMode,
    SimulatorServer,
    Store,
    add_bulk_trunks,
    add_extra_accounts,
    seed_demo,
    start_demo,
)

REPO = Path(__file__).resolve().parent.parent
ACME = ("acme", "acme-demo")
# httpx loads the CA bundle for every client it builds (about 15 ms); the tests
# talk plain HTTP to loopback, so every client shares one context instead.
TLS = ssl.create_default_context()


def http_client(*credentials: str, **options: Any) -> httpx.Client:
    """A client with Digest credentials when given any."""
    auth = httpx.DigestAuth(*credentials) if credentials else None
    return httpx.Client(auth=auth, timeout=5, verify=TLS, **options)


def rpc(client: httpx.Client, url: str, method: str, *params: Any, **headers: str) -> httpx.Response:
    body = xmlrpc.client.dumps(params, method, allow_none=True)
    return client.post(url, content=body, headers={"Content-Type": "text/xml", **headers})


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (answer,), _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
    assert answer["result"] == "OK"
    return answer


def fault(response: httpx.Response) -> xmlrpc.client.Fault:
    assert response.status_code == 200, response.text
    with pytest.raises(xmlrpc.client.Fault) as caught:
        xmlrpc.client.loads(response.content)
    return caught.value


def accounts_of(store: Store, login: str) -> list[int]:
    customer = store.customer_by_login(login)
    assert customer is not None
    return [a["i_account"] for a in store.list_accounts(customer["i_customer"], 0, 10_000)]


@pytest.fixture
def server(store: Store) -> Iterator[SimulatorServer]:
    with SimulatorServer(store) as server:
        yield server


@pytest.fixture
def trusted(store: Store) -> Iterator[SimulatorServer]:
    with SimulatorServer(store, trusted_hosts=("127.0.0.1",)) as server:
        yield server


@pytest.fixture
def acme() -> Iterator[httpx.Client]:
    with http_client(*ACME) as client:
        yield client


@pytest.fixture
def plain() -> Iterator[httpx.Client]:
    with http_client() as client:
        yield client


def new_trunk(client: httpx.Client, url: str, i_account: int, name: str, **members: Any) -> int:
    params = {"i_account": i_account, "name": name, "destination": "192.0.2.10:5060", **members}
    return int(ok(rpc(client, url, "createTrunk", params))["i_trunk"])


# --- authentication ---------------------------------------------------------


def test_digest_login_sees_only_its_own_accounts(server: SimulatorServer, acme: httpx.Client) -> None:
    accounts = ok(rpc(acme, server.url, "listAccounts", {}))["accounts"]
    assert [a["i_account"] for a in accounts] == accounts_of(server.store, "acme")
    assert all(a["username"].startswith("acme-") for a in accounts)
    assert set(accounts[0]) == {
        "i_account", "username", "description", "blocked", "expired", "balance", "credit_limit", "base_currency",
    }


@pytest.mark.parametrize("login, password", [("acme", "wrong"), ("nobody", "acme-demo")])
def test_wrong_credentials_get_401(server: SimulatorServer, login: str, password: str) -> None:
    with http_client(login, password) as client:
        response = rpc(client, server.url, "listAccounts", {})
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Digest ") and 'qop="auth"' in challenge and "opaque=" in challenge
    assert "stale" not in challenge
    assert server.stats.calls == 0


def test_no_credentials_get_a_challenge(server: SimulatorServer, plain: httpx.Client) -> None:
    response = rpc(plain, server.url, "listAccounts", {})
    assert response.status_code == 401
    assert 'realm="' in response.headers["www-authenticate"]
    assert server.stats.challenges == 1


def test_one_challenge_serves_a_run_of_calls(server: SimulatorServer, acme: httpx.Client) -> None:
    for _ in range(5):
        ok(rpc(acme, server.url, "listAccounts", {}))
    assert server.stats.challenges == 1
    assert server.stats.calls == 5


def test_stale_nonce_is_answered_with_stale_and_retried(store: Store) -> None:
    seen: list[httpx.Response] = []
    with SimulatorServer(store, nonce_ttl=0.3) as server, http_client(
        *ACME, event_hooks={"response": [seen.append]}
    ) as client:
        ok(rpc(client, server.url, "listAccounts", {}))
        time.sleep(0.4)
        ok(rpc(client, server.url, "listAccounts", {}))
        assert [r.status_code for r in seen] == [401, 200, 401, 200]
        assert "stale=true" not in seen[0].headers["www-authenticate"]
        assert "stale=true" in seen[2].headers["www-authenticate"]
        assert server.stats.stale == 1
        assert server.stats.challenges == 2


def test_trusted_host_needs_no_auth_but_an_i_customer(trusted: SimulatorServer, plain: httpx.Client) -> None:
    globex = trusted.store.customer_by_login("globex")
    assert globex is not None
    accounts = ok(rpc(plain, trusted.url, "listAccounts", {"i_customer": globex["i_customer"]}))["accounts"]
    assert [a["i_account"] for a in accounts] == accounts_of(trusted.store, "globex")
    for params in ({"i_customer": 9999}, {"i_customer": str(globex["i_customer"])}, {"i_customer": True}):
        refused = fault(rpc(plain, trusted.url, "listAccounts", params))
        assert refused.faultCode == 401
        assert "i_customer" in refused.faultString
    assert trusted.stats.challenges == 0


def test_trusted_host_naming_no_customer_is_challenged(trusted: SimulatorServer, plain: httpx.Client) -> None:
    """A Digest client's first request carries neither credentials nor i_customer: from a trusted address
    it gets the Digest challenge, as from any other, and its login then works."""
    challenged = rpc(plain, trusted.url, "listAccounts", {})
    assert challenged.status_code == 401
    assert challenged.headers["WWW-Authenticate"].startswith("Digest ")
    assert trusted.stats.challenges == 1
    with http_client(*ACME) as acme:
        accounts = ok(rpc(acme, trusted.url, "listAccounts", {}))["accounts"]
    assert [a["i_account"] for a in accounts] == accounts_of(trusted.store, "acme")


def digest_header(server: SimulatorServer, login: str, password: str) -> str:
    """An Authorization header built by hand from a challenge the server issued."""
    challenge = dict(re.findall(r'(\w+)="?([^",]*)"?', server.digest.challenge()))
    realm, nonce, opaque = challenge["realm"], challenge["nonce"], challenge["opaque"]
    uri, cnonce, nc = "/xmlapi/xmlapi", "0a4f113b", "00000001"
    ha1 = hashlib.md5(f"{login}:{realm}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"POST:{uri}".encode()).hexdigest()
    response = hashlib.md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
    return (f'Digest username="{login}", realm="{realm}", nonce="{nonce}", uri="{uri}", algorithm=MD5, '
            f'qop=auth, nc={nc}, cnonce="{cnonce}", response="{response}", opaque="{opaque}"')


def test_trusted_host_with_authorization_uses_digest(trusted: SimulatorServer, plain: httpx.Client) -> None:
    good = rpc(plain, trusted.url, "listAccounts", {}, Authorization=digest_header(trusted, *ACME))
    assert [a["i_account"] for a in ok(good)["accounts"]] == accounts_of(trusted.store, "acme")
    bad = rpc(plain, trusted.url, "listAccounts", {"i_customer": 1}, Authorization=digest_header(trusted, "acme", "x"))
    assert bad.status_code == 401


def test_untrusted_address_is_challenged(store: Store, plain: httpx.Client) -> None:
    with SimulatorServer(store, trusted_hosts=("192.0.2.1", "198.51.100.0/24")) as server:
        response = rpc(plain, server.url, "listAccounts", {"i_customer": 1})
    assert response.status_code == 401


# --- customer scope -----------------------------------------------------------


def test_other_customers_data_looks_absent(server: SimulatorServer, acme: httpx.Client) -> None:
    theirs = accounts_of(server.store, "globex")[0]
    their_trunk = server.store.list_trunks(theirs)[0]
    missing_account, missing_trunk = 99_999, 99_999

    def same_fault(method: str, mine: dict[str, Any], absent: dict[str, Any], key: int, gone: int) -> None:
        a, b = fault(rpc(acme, server.url, method, mine)), fault(rpc(acme, server.url, method, absent))
        assert a.faultCode == b.faultCode == 404
        assert a.faultString.replace(str(key), "N") == b.faultString.replace(str(gone), "N")

    same_fault("getAccountInfo", {"i_account": theirs}, {"i_account": missing_account}, theirs, missing_account)
    same_fault("getTrunksList", {"i_account": theirs}, {"i_account": missing_account}, theirs, missing_account)
    trunk_id = their_trunk["i_trunk"]
    for method, extra in (("getTrunkInfo", {}), ("updateTrunk", {"name": "hijacked"}), ("deleteTrunk", {})):
        same_fault(method, {"i_trunk": trunk_id, **extra}, {"i_trunk": missing_trunk, **extra}, trunk_id, missing_trunk)
    create = {"name": "sneaky", "destination": "192.0.2.1"}
    same_fault("createTrunk", {"i_account": theirs, **create}, {"i_account": missing_account, **create},
               theirs, missing_account)
    by_name = fault(rpc(acme, server.url, "getAccountInfo", {"username": "globex-transit"}))
    assert by_name.faultCode == 404
    assert server.store.get_trunk(2, trunk_id) == their_trunk
    assert [t["name"] for t in server.store.list_trunks(theirs)].count("sneaky") == 0


def test_get_account_info_by_id_and_username(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = accounts_of(server.store, "acme")[1]
    by_id = ok(rpc(acme, server.url, "getAccountInfo", {"i_account": i_account}))["account"]
    by_name = ok(rpc(acme, server.url, "getAccountInfo", {"username": by_id["username"]}))["account"]
    assert by_id == by_name and by_id["i_account"] == i_account


# --- validation ---------------------------------------------------------------

MINE = -1
GOOD = {"i_account": MINE, "name": "new-trunk", "destination": "192.0.2.7:5060"}

VALIDATION_CASES: list[tuple[str, dict[str, Any], int, str]] = [
    ("createTrunk", {"destination": "192.0.2.1"}, 400, "Missing required member: i_account, name"),
    ("createTrunk", {"i_account": MINE}, 400, "Missing required member: name, destination"),
    ("createTrunk", {**GOOD, "colour": "red"}, 400, "'colour' cannot be set on a new trunk"),
    ("createTrunk", {**GOOD, "i_trunk": 5}, 400, "'i_trunk' cannot be set on a new trunk"),
    ("createTrunk", {**GOOD, "capacity": "10"}, 400, "capacity: Capacity must be a whole number."),
    ("createTrunk", {**GOOD, "capacity": -1}, 400, "capacity: Capacity must be between 0 and 2147483647."),
    ("createTrunk", {**GOOD, "max_cps": "fast"}, 400, "max_cps: Max CPS must be a number."),
    ("createTrunk", {**GOOD, "max_cps": True}, 400, "max_cps: Max CPS must be a number."),
    ("createTrunk", {**GOOD, "random_call_id": 1}, 400, "random_call_id: Random Call-ID must be true or false."),
    ("createTrunk", {**GOOD, "destination": "bad host!"}, 400, "destination: Destination must be a host"),
    ("createTrunk", {**GOOD, "destination_backup": "192.0.2.1:70000"}, 400, "port must be between 1 and 65535"),
    ("createTrunk", {**GOOD, "outbound_ip": "not-an-ip"}, 400, "outbound_ip: Outbound IP must be an IPv4 or IPv6"),
    ("createTrunk", {**GOOD, "name": "  "}, 400, "name: Name may not be empty."),
    ("createTrunk", {**GOOD, "name": "x" * 129}, 400, "name: Name may be at most 128 characters."),
    ("createTrunk", {**GOOD, "description": "a\nb"}, 400, "may not contain control characters"),
    ("createTrunk", {**GOOD, "description": None}, 400, "description: Description may not be NULL."),
    ("createTrunk", {**GOOD, "i_account": 99_999}, 404, "Account 99999 not found"),
    ("createTrunk", {**GOOD, "i_account": "1"}, 400, "i_account: Account must be a whole number."),
    ("updateTrunk", {"name": "x"}, 400, "Missing required member: i_trunk"),
    ("updateTrunk", {"i_trunk": "1"}, 400, "i_trunk: ID must be a whole number."),
    ("updateTrunk", {"i_trunk": 1, "i_account": 2}, 400, "'i_account' cannot be set on an existing trunk"),
    ("updateTrunk", {"i_trunk": 1, "capacity": 1.5}, 400, "capacity: Capacity must be a whole number."),
    ("updateTrunk", {"i_trunk": 99_999, "capacity": 5}, 404, "Trunk 99999 not found"),
    ("getTrunkInfo", {}, 400, "Missing required member: i_trunk"),
    ("getTrunkInfo", {"i_trunk": 99_999}, 404, "Trunk 99999 not found"),
    ("getTrunkInfo", {"i_trunk": 1, "verbose": True}, 400, "Unknown member: verbose"),
    ("deleteTrunk", {"i_trunk": 99_999}, 404, "Trunk 99999 not found"),
    ("getTrunksList", {}, 400, "Missing required member: i_account"),
    ("getTrunksList", {"i_account": 99_999}, 404, "Account 99999 not found"),
    ("getTrunksList", {"i_account": 1, "name_pattern": 5}, 400, "name_pattern: must be a string"),
    ("getTrunksList", {"i_account": 1, "limit": 5}, 400, "Unknown member: limit"),
    ("getAccountInfo", {}, 400, "Give exactly one of i_account or username"),
    ("getAccountInfo", {"i_account": 1, "username": "acme-retail"}, 400, "Give exactly one of i_account or username"),
    ("getAccountInfo", {"username": "nobody"}, 404, "Account 'nobody' not found"),
    ("listAccounts", {"limit": 0}, 400, "limit: may not be less than 1"),
    ("listAccounts", {"offset": -1}, 400, "offset: may not be less than 0"),
    ("listAccounts", {"limit": "10"}, 400, "limit: must be an integer"),
    ("listAccounts", {"offset": 2**31 - 1, "limit": 2**31 - 1}, 200, ""),
]


@pytest.mark.parametrize("method, params, code, text", VALIDATION_CASES)
def test_invalid_calls_fault_cleanly(
    server: SimulatorServer, acme: httpx.Client, method: str, params: dict[str, Any], code: int, text: str
) -> None:
    if params.get("i_account") == MINE:
        params = {**params, "i_account": accounts_of(server.store, "acme")[0]}
    if code == 200:
        ok(rpc(acme, server.url, method, params))
        return
    refused = fault(rpc(acme, server.url, method, params))
    assert refused.faultCode == code
    assert text in refused.faultString


def test_out_of_range_integer_faults(server: SimulatorServer, acme: httpx.Client) -> None:
    body = (
        "<?xml version='1.0'?><methodCall><methodName>updateTrunk</methodName><params><param><value><struct>"
        "<member><name>i_trunk</name><value><int>1</int></value></member>"
        "<member><name>capacity</name><value><i8>4294967296</i8></value></member>"
        "</struct></value></param></params></methodCall>"
    )
    refused = fault(acme.post(server.url, content=body))
    assert refused.faultCode == 400
    assert refused.faultString == "capacity: Capacity must be between 0 and 2147483647."
    huge_offset = body.replace("updateTrunk", "listAccounts").replace("i_trunk", "limit").replace("capacity", "offset")
    refused = fault(acme.post(server.url, content=huge_offset))
    assert (refused.faultCode, refused.faultString) == (400, "offset: may not be more than 2147483647")


@pytest.mark.parametrize("params", [(), ({}, {}), (5,), (["i_trunk", 1],)])
def test_params_must_be_one_struct(server: SimulatorServer, acme: httpx.Client, params: tuple[Any, ...]) -> None:
    refused = fault(rpc(acme, server.url, "getTrunkInfo", *params))
    assert (refused.faultCode, refused.faultString) == (400, "Parameters must be exactly one struct")


@pytest.mark.parametrize("body", [b"this is not xml", b"<methodCall><methodName>x</methodName>",
                                  xmlrpc.client.dumps(({},), methodresponse=True).encode()])
def test_unparsable_request_faults(server: SimulatorServer, acme: httpx.Client, body: bytes) -> None:
    refused = fault(acme.post(server.url, content=body))
    assert refused.faultCode == -32700


def test_unknown_method_faults(server: SimulatorServer, acme: httpx.Client) -> None:
    refused = fault(rpc(acme, server.url, "dropDatabase", {}))
    assert (refused.faultCode, refused.faultString) == (-32601, "we do not have a method with that name")


def test_duplicate_names_fault_on_create_and_rename(server: SimulatorServer, acme: httpx.Client) -> None:
    first, second = accounts_of(server.store, "acme")[:2]
    taken = server.store.list_trunks(first)[0]["name"]
    clash = {"i_account": first, "name": taken, "destination": "192.0.2.1"}
    refused = fault(rpc(acme, server.url, "createTrunk", clash))
    assert refused.faultCode == 409 and taken in refused.faultString
    new_trunk(acme, server.url, second, taken)
    other = server.store.list_trunks(first)[1]["i_trunk"]
    refused = fault(rpc(acme, server.url, "updateTrunk", {"i_trunk": other, "name": taken}))
    assert refused.faultCode == 409
    assert server.store.get_trunk(1, other)["name"] != taken


def test_list_accounts_pages_and_clamps(server: SimulatorServer, acme: httpx.Client) -> None:
    for n in range(1100):
        server.store.add_account(1, f"acme-extra-{n:04d}")
    everything = accounts_of(server.store, "acme")
    page = ok(rpc(acme, server.url, "listAccounts", {}))["accounts"]
    assert [a["i_account"] for a in page] == everything[:100]
    page = ok(rpc(acme, server.url, "listAccounts", {"offset": 50, "limit": 5000}))["accounts"]
    assert [a["i_account"] for a in page] == everything[50:1050]


# --- trunk data -------------------------------------------------------------------


def test_create_fills_defaults_and_keeps_nulls(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = accounts_of(server.store, "acme")[0]
    i_trunk = new_trunk(acme, server.url, i_account, "minimal")
    trunk = ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": i_trunk}))["trunk"]
    assert list(trunk) == [f.name for f in TRUNK_FIELDS]
    for spec in TRUNK_FIELDS:
        if spec.on_create is OnCreate.OPTIONAL:
            expected = None if spec.nullable else {Kind.STRING: "", Kind.BOOLEAN: False}[spec.kind]
            assert trunk[spec.name] == expected and type(trunk[spec.name]) is type(expected), spec.name


def test_null_round_trip(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = accounts_of(server.store, "acme")[0]
    i_trunk = new_trunk(acme, server.url, i_account, "nulls", capacity=None, max_cps=2,
                        destination_backup="", outbound_ip_backup=None, random_call_id=True)
    trunk = ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": i_trunk}))["trunk"]
    assert trunk["capacity"] is None and trunk["outbound_ip_backup"] is None
    assert trunk["destination_backup"] == "" and trunk["max_cps"] == 2.0 and isinstance(trunk["max_cps"], float)
    assert trunk["random_call_id"] is True
    ok(rpc(acme, server.url, "updateTrunk", {"i_trunk": i_trunk, "capacity": 40, "destination_backup": None}))
    trunk = ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": i_trunk}))["trunk"]
    assert trunk["capacity"] == 40 and trunk["destination_backup"] is None
    ok(rpc(acme, server.url, "updateTrunk", {"i_trunk": i_trunk, "capacity": None, "max_cps": None}))
    after = ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": i_trunk}))["trunk"]
    assert after == {**trunk, "capacity": None, "max_cps": None}
    raw = rpc(acme, server.url, "getTrunkInfo", {"i_trunk": i_trunk}, **{"Accept-Encoding": "identity"}).content
    assert raw.count(b"<nil/>") == 4


def test_update_touches_only_given_members_and_delete_removes(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = accounts_of(server.store, "acme")[0]
    before = server.store.list_trunks(i_account)[0]
    ok(rpc(acme, server.url, "updateTrunk", {"i_trunk": before["i_trunk"], "description": "moved", "i_customer": 7}))
    after = ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": before["i_trunk"]}))["trunk"]
    assert after == {**before, "description": "moved"}
    ok(rpc(acme, server.url, "deleteTrunk", {"i_trunk": before["i_trunk"]}))
    assert fault(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": before["i_trunk"]})).faultCode == 404


def test_trunk_list_is_ordered_and_complete(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = accounts_of(server.store, "acme")[0]
    trunks = ok(rpc(acme, server.url, "getTrunksList", {"i_account": i_account}))["trunks"]
    ids = [t["i_trunk"] for t in trunks]
    assert ids == sorted(ids) and len(ids) == len(server.store.list_trunks(i_account)) > 10
    assert all(list(t) == [f.name for f in TRUNK_FIELDS] for t in trunks)


def test_extra_members_imitate_a_newer_server(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = accounts_of(server.store, "acme")[0]
    server.knobs.extra_members = {"codec_policy": "g711-only", "i_media_relay": None, "name": "not-applied"}
    trunk = ok(rpc(acme, server.url, "getTrunksList", {"i_account": i_account}))["trunks"][0]
    assert trunk["codec_policy"] == "g711-only" and trunk["i_media_relay"] is None
    assert trunk["name"] != "not-applied"
    info = ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": trunk["i_trunk"]}))["trunk"]
    assert list(info)[-2:] == ["codec_policy", "i_media_relay"]


# --- LIKE -----------------------------------------------------------------------------

LIKE_NAMES = ["abc", "aBc", "a_c", "a%c", "abcd", "x\\y"]


def like_account(server: SimulatorServer) -> int:
    i_account = server.store.add_account(1, "like-test")
    server.store.insert_trunks([{"i_account": i_account, "name": n, "destination": "192.0.2.1"} for n in LIKE_NAMES])
    return i_account


def names(client: httpx.Client, server: SimulatorServer, i_account: int, pattern: str) -> list[str]:
    trunks = ok(rpc(client, server.url, "getTrunksList", {"i_account": i_account, "name_pattern": pattern}))["trunks"]
    return [t["name"] for t in trunks]


@pytest.mark.parametrize("pattern, expected", [
    ("a%", ["abc", "aBc", "a_c", "a%c", "abcd"]),
    ("a_c", ["abc", "aBc", "a_c", "a%c"]),
    ("a\\_c", ["a_c"]),
    ("a\\%c", ["a%c"]),
    ("abc", ["abc"]),
    ("ABC", []),
    ("%\\\\%", ["x\\y"]),
    ("a\\bc", ["abc"]),
    ("", []),
])
def test_name_pattern_is_case_sensitive_like(
    server: SimulatorServer, acme: httpx.Client, pattern: str, expected: list[str]
) -> None:
    assert names(acme, server, like_account(server), pattern) == expected


def test_name_pattern_ending_in_escape_faults(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = like_account(server)
    refused = fault(rpc(acme, server.url, "getTrunksList", {"i_account": i_account, "name_pattern": "abc\\"}))
    assert (refused.faultCode, refused.faultString) == (400, "LIKE pattern must not end with escape character")
    assert names(acme, server, i_account, "x\\\\") == []


def test_case_insensitive_server(store: Store, acme: httpx.Client) -> None:
    with SimulatorServer(store, case_insensitive_like=True) as server:
        i_account = like_account(server)
        assert names(acme, server, i_account, "ABC") == ["abc", "aBc"]
        assert names(acme, server, i_account, "A\\_C") == ["a_c"]


# --- HTTP -----------------------------------------------------------------------------


def test_gzip_only_when_accepted_and_worth_it(server: SimulatorServer, acme: httpx.Client) -> None:
    i_account = accounts_of(server.store, "acme")[0]
    big = rpc(acme, server.url, "getTrunksList", {"i_account": i_account}, **{"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert big.num_bytes_downloaded < len(big.content) / 5
    assert len(ok(big)["trunks"]) == len(server.store.list_trunks(i_account))
    for refusal in ("identity", "gzip;q=0, deflate", ""):
        plain = rpc(acme, server.url, "getTrunksList", {"i_account": i_account}, **{"Accept-Encoding": refusal})
        assert "content-encoding" not in plain.headers and plain.content == big.content
    small = rpc(acme, server.url, "listAccounts", {"limit": 1}, **{"Accept-Encoding": "gzip"})
    assert len(small.content) < 1024
    assert "content-encoding" not in small.headers


def test_wrong_path_verb_and_size(server: SimulatorServer, plain: httpx.Client) -> None:
    assert plain.post(server.url.replace("/xmlapi/xmlapi", "/xmlapi"), content=b"x").status_code == 404
    for verb in ("GET", "PUT", "DELETE", "HEAD", "BREW"):
        response = plain.request(verb, server.url)
        assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert plain.post(server.url, content=b" " * ((1 << 20) + 1)).status_code == 413


@pytest.mark.parametrize("mode", list(FailMode))
def test_fail_modes_on_the_wire(trusted: SimulatorServer, plain: httpx.Client, mode: FailMode) -> None:
    create = {"i_customer": 1, "i_account": 1, "name": "maybe-created", "destination": "192.0.2.1"}
    listing = {"i_customer": 1, "i_account": 1}
    identity = {"Accept-Encoding": "identity"}
    full = rpc(plain, trusted.url, "getTrunksList", listing, **identity).content
    trusted.knobs.fail_mode, trusted.knobs.fail_every = mode, 1
    trusted.knobs.huge_bytes, trusted.knobs.stall = 3 << 20, 0.3
    started = time.perf_counter()
    if mode in (FailMode.RESET, FailMode.RESET_MID_BODY):
        with pytest.raises(httpx.TransportError):
            rpc(plain, trusted.url, "getTrunksList", listing, **identity)
    else:
        response = rpc(plain, trusted.url, "getTrunksList", listing, **identity)
        if mode is FailMode.FAULT:
            injected = fault(response)
            assert (injected.faultCode, injected.faultString) == (500, "Injected fault")
        elif mode in (FailMode.HTTP_500, FailMode.HTTP_403, FailMode.HTTP_404):
            assert response.status_code == int(mode.value.removeprefix("http-"))
            assert response.headers["content-type"].startswith("text/html")
        elif mode is FailMode.HTTP_401:
            assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Digest ")
        elif mode in (FailMode.HUGE, FailMode.SLOW_BODY):
            assert response.status_code == 200 and int(response.headers["content-length"]) == len(response.content)
            (answer,), _ = xmlrpc.client.loads(response.content)
            if mode is FailMode.HUGE:
                assert len(answer.pop("padding")) == 3 << 20
            else:
                assert time.perf_counter() - started >= 0.3
            assert answer == xmlrpc.client.loads(full)[0][0]
        else:
            assert response.status_code == 200 and response.headers["content-type"] == "text/xml"
            assert int(response.headers["content-length"]) == len(response.content)
            with pytest.raises(ExpatError):
                xmlrpc.client.loads(response.content)
            if mode is FailMode.TRUNCATED:
                assert response.content == full[: len(full) // 2]
    with contextlib.suppress(httpx.TransportError):
        rpc(plain, trusted.url, "createTrunk", create)
    created = "maybe-created" in trusted.store.trunk_names(1)
    assert created == mode.runs_call


def test_fail_every_nth_call(trusted: SimulatorServer, plain: httpx.Client) -> None:
    trusted.knobs.fail_every = 3
    outcomes = []
    for _ in range(7):
        answer = rpc(plain, trusted.url, "listAccounts", {"i_customer": 1})
        outcomes.append(b"<fault>" in answer.content)
    assert outcomes == [False, False, True, False, False, True, False]


def test_latency_knob(server: SimulatorServer, acme: httpx.Client) -> None:
    ok(rpc(acme, server.url, "listAccounts", {}))
    server.knobs.latency = 0.15
    started = time.perf_counter()
    ok(rpc(acme, server.url, "listAccounts", {}))
    assert time.perf_counter() - started >= 0.15
    server.knobs.latency = 0.0
    started = time.perf_counter()
    ok(rpc(acme, server.url, "listAccounts", {}))
    assert time.perf_counter() - started < 0.1


def test_small_calls_are_fast_on_one_keep_alive_connection(server: SimulatorServer, acme: httpx.Client) -> None:
    """Once logged in (the 401 of the first call closes its connection), calls share one connection."""
    connections: set[int] = set()

    def note_connection(response: httpx.Response) -> None:
        stream = response.extensions["network_stream"]
        connections.add(id(stream))

    ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": 1}))
    acme.event_hooks["response"] = [note_connection]
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        ok(rpc(acme, server.url, "getTrunkInfo", {"i_trunk": 1}))
        timings.append(time.perf_counter() - started)
    assert len(connections) == 1
    assert statistics.median(timings) < 0.010


def test_verbose_logs_calls_without_passwords(
    store: Store, acme: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    with SimulatorServer(store, verbose=True) as server:
        new_trunk(acme, server.url, 1, "logged", password="trunk-secret-pw")
        err = logged_line(capfd)
    assert "acme createTrunk OK" in err
    assert "trunk-secret-pw" not in err and "acme-demo" not in err
    with SimulatorServer(store) as server:
        ok(rpc(acme, server.url, "listAccounts", {}))
    assert capfd.readouterr().err == ""


def test_file_store_survives_restart(tmp_path: Path, acme: httpx.Client) -> None:
    path = str(tmp_path / "server.db")
    first = Store(path)
    assert first.is_empty()
    seed_demo(first)
    with SimulatorServer(first) as server:
        i_trunk = new_trunk(acme, server.url, 1, "survivor", capacity=None, max_cps=0.5)
        ok(rpc(acme, server.url, "updateTrunk", {"i_trunk": i_trunk, "description": "edited"}))
    first.close()
    again = Store(path)
    try:
        assert not again.is_empty()
        with SimulatorServer(again) as server, http_client(*ACME) as client:
            trunk = ok(rpc(client, server.url, "getTrunkInfo", {"i_trunk": i_trunk}))["trunk"]
        assert (trunk["name"], trunk["description"], trunk["capacity"], trunk["max_cps"]) == (
            "survivor", "edited", None, 0.5)
    finally:
        again.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https(store: Store, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=cert)
    with SimulatorServer(store, ssl_context=context) as server, httpx.Client(
        auth=httpx.DigestAuth(*ACME), verify=trusting
    ) as client:
        assert server.url.startswith("https://")
        assert ok(rpc(client, server.url, "listAccounts", {}))["accounts"]


# --- demo data and packaging -------------------------------------------------------------


def test_demo_data_is_realistic_valid_and_deterministic() -> None:
    stores = [Store(), Store()]
    logins = [seed_demo(s) for s in stores]
    assert [(d.login, d.password) for d in logins[0]] == [
        ("acme", "acme-demo"), ("globex", "globex-demo"), ("initech", "initech-demo")]
    accounts = [a for d in logins[0] for a in stores[0].list_accounts(d.i_customer, 0, 100)]
    assert len(accounts) == 8
    assert sum(a["blocked"] for a in accounts) == 1 and sum(a["expired"] for a in accounts) == 1
    trunks = [[t for a in accounts for t in s.list_trunks(a["i_account"])] for s in stores]
    assert trunks[0] == trunks[1] and 250 <= len(trunks[0]) <= 350
    for trunk in trunks[0]:
        TRUNKS_2020.create_params({k: v for k, v in trunk.items() if k != "i_trunk"})
    assert any(t["capacity"] is None for t in trunks[0]) and any(t["max_cps"] == 0.5 for t in trunks[0])
    assert any(t["destination_backup"] is None for t in trunks[0])
    assert any(":" in t["destination"] and "example.net" in t["destination"] for t in trunks[0])
    custom = seed_demo(Store(), passwords={"globex": "s3cret"})
    assert [d.password for d in custom] == ["acme-demo", "s3cret", "initech-demo"]


def test_bulk_trunks_are_quick_and_unique(store: Store) -> None:
    i_account = store.add_account(1, "bulk")
    started = time.perf_counter()
    add_bulk_trunks(store, i_account, 10_000)
    add_bulk_trunks(store, i_account, 500)
    assert time.perf_counter() - started < 2.0
    assert len(store.trunk_names(i_account)) == len(store.list_trunks(i_account)) == 10_500


def test_extra_accounts_come_in_pages_some_with_a_null_description(
    store: Store, server: SimulatorServer, acme: httpx.Client
) -> None:
    """``trunktui sim --accounts 230``: 233 accounts for acme, listed a page at a time; a NULL
    description travels as <nil/>. Adding them again adds nothing."""
    customer = store.customer_by_login("acme")
    assert customer is not None
    added = add_extra_accounts(store, customer["i_customer"], 230)
    assert len(added) == 230 and add_extra_accounts(store, customer["i_customer"], 230) == []
    pages = [ok(rpc(acme, server.url, "listAccounts", {"offset": offset, "limit": 100}))["accounts"]
             for offset in (0, 100, 200)]
    assert [len(page) for page in pages] == [100, 100, 33]
    extra = {a["username"]: a for page in pages for a in page if a["username"].startswith("extra-")}
    assert len(extra) == 230 and extra["extra-006"]["description"] is None
    assert ok(rpc(acme, server.url, "getAccountInfo", {"username": "extra-150"}))["account"]["i_account"] == added[150]


def test_start_demo_serves_on_loopback() -> None:
    server, logins = start_demo(random_passwords=True)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert all(d.password != f"{d.login}-demo" for d in logins)
        with http_client(logins[0].login, logins[0].password) as client:
            assert ok(rpc(client, server.url, "listAccounts", {}))["accounts"]
    finally:
        server.stop()


def test_simulator_does_not_import_textual() -> None:
    code = (
        "import sys, trunktui.simulator, trunktui.cli.sim\n"
        "loaded = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# --- command line ---------------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (["--port", "http"], "must be a whole number, not 'http'"),
    (["--port", "70000"], "must be between 0 and 65535, not '70000'"),
    (["--port", "\u0668\u0660\u0668\u0660"], "must be written with the digits 0-9"),
    (["--bulk", "1_0"], "must be a whole number, not '1_0'"),
    (["--latency", "-5"], "may not be negative"),
    (["--latency", "\u0663"], "must be written with the digits 0-9"),
    (["--fail-mode", "explode"], "invalid choice"),
    (["--trust", "my-laptop"], "not an IP address or network"),
    (["--max-connections", "0"], "must be between 1 and 2147483647"),
    (["--tls-key", "key.pem"], "--tls-key needs --tls-cert"),
    (["--tls-cert", "/nonexistent.pem"], "cannot load the TLS certificate"),
])
def test_cli_bad_options_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_serves_until_interrupted(tmp_path: Path) -> None:
    code = "import sys\nfrom trunktui.cli.sim import main\nsys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--port", "0", "--db", str(tmp_path / "cli.db"), "--bulk", "50"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split()[-1]
        banner = [process.stdout.readline() for _ in range(5)]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/xmlapi/xmlapi")
        assert any("acme / acme-demo" in line and "bulk=" in line for line in banner)
        with http_client(*ACME) as client:
            bulk = ok(rpc(client, url, "getAccountInfo", {"username": "bulk"}))["account"]
            listed = ok(rpc(client, url, "getTrunksList", {"i_account": bulk["i_account"]}))["trunks"]
        assert len(listed) == 50
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=5)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err



@pytest.mark.parametrize("existing", [False, True])
def test_a_database_file_holding_passwords_is_private(tmp_path: Path, existing: bool) -> None:
    """--db writes the logins' passwords: the file and its journal are readable by the owner only,
    whether the simulator makes the file or is given one made with the usual 0644."""
    path = tmp_path / "sim.db"
    if existing:
        path.touch(mode=0o644)
        path.chmod(0o644)
    store = Store(str(path))
    try:
        seed_demo(store)
        files = [path, *tmp_path.glob("sim.db-*")]
        assert len(files) > 1, "no journal file to check"
        assert {file.name: file.stat().st_mode & 0o777 for file in files} == {file.name: 0o600 for file in files}
    finally:
        store.close()
