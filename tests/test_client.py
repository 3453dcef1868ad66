"""The API client against the simulator, over real HTTP on loopback."""

from __future__ import annotations

import importlib.util
import math
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient, check_connection_settings, normalize_url
from trunktui.errors import (
    AuthError,
    CallTimeout,
    ConnectError,
    FaultError,
    HttpError,
    InputError,
    ProtocolError,
    ResponseTooLarge,
    TlsError,
    TransportError,
)
from trunktui.model import TRUNK_FIELDS, TRUNKS_2020, Trunk
from trunktui.simulator import FailMode, SimulatorServer, add_bulk_trunks


@pytest.fixture
def recorder(sim: Sim) -> Iterator[tuple[SippyClient, RecordingTransport]]:
    transport = RecordingTransport()
    with SippyClient(sim.settings(), transport=transport) as api:
        yield api, transport


def first_account(api: SippyClient) -> int:
    return api.list_accounts()[0].i_account


def new_trunk(api: SippyClient, i_account: int, name: str, **values: Any) -> int:
    return api.create_trunk({"i_account": i_account, "name": name, "destination": "192.0.2.10:5060", **values})


# --- URLs and settings -------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("switch.example.net", "https://switch.example.net/xmlapi/xmlapi"),
        ("switch.example.net:8443", "https://switch.example.net:8443/xmlapi/xmlapi"),
        ("http://10.0.0.5:8080", "http://10.0.0.5:8080/xmlapi/xmlapi"),
        ("https://sw.example.net/custom/path", "https://sw.example.net/custom/path"),
        ("[2001:db8::1]:8443", "https://[2001:db8::1]:8443/xmlapi/xmlapi"),
    ],
)
def test_url_forms_are_normalised(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


@pytest.mark.parametrize("bad", ["", "ftp://switch", "http://", "https://exa mple.net"])
def test_bad_urls_are_refused_with_a_message(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_url(bad)
    assert caught.value.field == "url"


@pytest.mark.parametrize("given", ["http://alice:s3cret-pw@sw.example.net", "alice:s3cret-pw@sw.example.net:8443",
                                   "https://s3cret-pw@sw.example.net/xmlapi/xmlapi"])
def test_an_address_carrying_credentials_is_refused_without_repeating_them(given: str) -> None:
    """Credentials in a URL would travel as Basic auth in trusted mode and end up in messages and the audit."""
    with pytest.raises(InputError) as caught:
        normalize_url(given)
    assert caught.value.field == "url"
    assert "s3cret-pw" not in str(caught.value) and "--user" in str(caught.value)


def test_settings_never_show_the_password() -> None:
    settings = ConnectionSettings("sw.example.net", username="noc", password="s3cret-pw")
    assert "s3cret-pw" not in repr(settings)


def test_trusted_mode_needs_a_customer() -> None:
    with pytest.raises(InputError, match="i_customer"):
        ConnectionSettings("sw.example.net", trusted=True)


@pytest.mark.parametrize("i_customer", [0, -1, 2**31])
def test_trusted_mode_needs_a_customer_id_a_switch_could_have(i_customer: int) -> None:
    """Ids start at 1: a call for customer 0 or -1 would only come back as a fault, after the app started."""
    with pytest.raises(InputError, match=r"customer id \(i_customer\) must be between 1 and 2147483647") as caught:
        ConnectionSettings("sw.example.net", trusted=True, i_customer=i_customer)
    assert caught.value.field == "i_customer"


@pytest.mark.parametrize("seconds", [0, -1, 1e-9, 0.09, math.nan, math.inf, 1e10])
@pytest.mark.parametrize("which", ["read_timeout", "connect_timeout"])
def test_a_timeout_no_wait_can_honour_is_refused(which: str, seconds: float) -> None:
    with pytest.raises(InputError, match=r"A timeout must be at least 0\.1 and at most 86,400 seconds") as caught:
        ConnectionSettings("sw.example.net", username="noc", **{which: seconds})
    assert caught.value.field == "timeout"


# --- Settings checked before connecting ----------------------------------------

CA_FILES = {
    "missing": (None, "CA bundle {path}: no such file."),
    "empty": ("", "CA bundle {path} holds no certificates."),
    "garbage": ("not a certificate\n", "CA bundle {path} holds no certificates."),
    "broken-pem": ("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                   "CA bundle {path} is not a file of PEM certificates."),
    "directory": (None, "CA bundle {path} is a directory, not a file of certificates."),
}


def ca_file(tmp_path: Path, kind: str) -> str:
    path = tmp_path / f"{kind}.pem"
    content, _ = CA_FILES[kind]
    if kind == "directory":
        path.mkdir()
    elif content is not None:
        path.write_text(content)
    return str(path)


@pytest.mark.parametrize("kind", CA_FILES)
def test_a_ca_bundle_that_cannot_be_used_is_refused_before_connecting(tmp_path: Path, kind: str) -> None:
    path = ca_file(tmp_path, kind)
    settings = ConnectionSettings("https://sw.example.net", username="noc", ca_bundle=path)
    for attempt in (check_connection_settings, SippyClient):
        with pytest.raises(InputError) as caught:
            attempt(settings)
        assert (str(caught.value), caught.value.field) == (CA_FILES[kind][1].format(path=path), "ca_bundle")


@pytest.mark.parametrize("kind", ["missing", "empty", "directory"])
def test_an_ssl_cert_file_that_cannot_be_used_is_refused_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    path = ca_file(tmp_path, kind)
    monkeypatch.setenv("SSL_CERT_FILE", path)
    settings = ConnectionSettings("https://sw.example.net", username="noc")
    expected = CA_FILES[kind][1].format(path=f"{path} (SSL_CERT_FILE)")
    for attempt in (check_connection_settings, SippyClient):
        with pytest.raises(InputError, match=re.escape(expected)):
            attempt(settings)
    check_connection_settings(replace(settings, verify=False))


def test_a_usable_ca_bundle_passes_the_check(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(bundle))
    check_connection_settings(ConnectionSettings("https://sw.example.net", username="noc", ca_bundle=str(bundle)))


@pytest.mark.parametrize(("proxy", "words"), [
    ("ftp://proxy.example.net", "The proxy the environment names cannot be used"),
    ("http://proxy.example.net:port", "The proxy the environment names cannot be used"),
    ("socks5://proxy.example.net:1080", "SOCKS support (the socksio package) is not installed"),
], ids=["unknown-scheme", "bad-port", "socks-unsupported"])
def test_a_proxy_that_cannot_be_used_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, proxy: str, words: str
) -> None:
    if proxy.startswith("socks5") and importlib.util.find_spec("socksio"):
        pytest.skip("SOCKS support is installed")
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    settings = ConnectionSettings("https://sw.example.net", username="noc")
    for attempt in (check_connection_settings, SippyClient):
        with pytest.raises(InputError, match=re.escape(words)):
            attempt(settings)


# --- Methods -----------------------------------------------------------------


def test_accounts_come_page_by_page(client: SippyClient) -> None:
    everything = client.list_accounts(limit=1000)
    first, second = client.list_accounts(0, 1), client.list_accounts(1, 2)
    assert len(everything) == 3
    assert [a.i_account for a in first + second] == [a.i_account for a in everything]
    assert client.list_accounts(3, 10) == []
    assert all(isinstance(a.username, str) and a.username for a in everything)


def test_account_by_id_and_by_username_agree(client: SippyClient) -> None:
    account = client.list_accounts()[1]
    assert client.get_account(i_account=account.i_account) == account
    assert client.get_account(username=account.username) == account


def test_account_lookup_needs_exactly_one_key(client: SippyClient) -> None:
    with pytest.raises(InputError):
        client.get_account()
    with pytest.raises(InputError):
        client.get_account(i_account=1, username="x")


def test_trunk_list_and_info_agree(client: SippyClient) -> None:
    i_account = first_account(client)
    trunks = client.list_trunks(i_account)
    assert trunks, "the demo account should have trunks"
    info = client.get_trunk(trunks[0].i_trunk)
    assert info.members == trunks[0].members
    assert set(info.members) >= {f.name for f in TRUNK_FIELDS}


def test_create_get_update_delete(client: SippyClient) -> None:
    i_account = first_account(client)
    i_trunk = new_trunk(client, i_account, "cycle-test", capacity=30, max_cps=0.0015, random_call_id=True)
    trunk = client.get_trunk(i_trunk)
    assert (trunk.name, trunk.get("capacity"), trunk.get("max_cps"), trunk.get("random_call_id")) == (
        "cycle-test",
        30,
        0.0015,
        True,
    )
    client.update_trunk(i_trunk, {"description": "moved to rack 4", "capacity": 45})
    trunk = client.get_trunk(i_trunk)
    assert (trunk.get("description"), trunk.get("capacity")) == ("moved to rack 4", 45)
    client.delete_trunk(i_trunk)
    with pytest.raises(FaultError) as caught:
        client.get_trunk(i_trunk)
    assert caught.value.method == "getTrunkInfo"
    assert str(i_trunk) in str(caught.value.string)


def test_null_survives_the_round_trip(client: SippyClient) -> None:
    i_trunk = new_trunk(client, first_account(client), "null-test", capacity=None, max_cps=None,
                        destination_backup=None, outbound_ip_backup=None)
    trunk = client.get_trunk(i_trunk)
    for name in ("capacity", "max_cps", "destination_backup", "outbound_ip_backup"):
        assert trunk.get(name) is None, name
    client.update_trunk(i_trunk, {"capacity": 0, "destination_backup": ""})
    trunk = client.get_trunk(i_trunk)
    assert trunk.get("capacity") == 0 and trunk.get("destination_backup") == ""
    client.update_trunk(i_trunk, {"capacity": None, "destination_backup": None})
    trunk = client.get_trunk(i_trunk)
    assert trunk.get("capacity") is None and trunk.get("destination_backup") is None


def test_update_sends_only_the_given_fields(recorder: tuple[SippyClient, RecordingTransport]) -> None:
    api, transport = recorder
    i_trunk = new_trunk(api, first_account(api), "partial-update")
    transport.calls.clear()
    api.update_trunk(i_trunk, {"description": "only this"})
    assert transport.calls == [("updateTrunk", {"i_trunk": i_trunk, "description": "only this"})]
    api.update_trunk(i_trunk, {})
    assert len(transport.calls) == 1, "an empty change must send nothing"


def test_invalid_input_is_refused_before_sending(recorder: tuple[SippyClient, RecordingTransport]) -> None:
    api, transport = recorder
    with pytest.raises(InputError) as caught:
        api.create_trunk({"i_account": 1, "name": "no-destination"})
    assert "Destination" in str(caught.value)
    with pytest.raises(InputError) as caught:
        api.update_trunk(1, {"capacity": -1})
    assert caught.value.field == "capacity"
    with pytest.raises(InputError) as caught:
        api.update_trunk(1, {"i_account": 2})
    assert caught.value.field == "i_account"
    with pytest.raises(InputError, match="32-bit"):
        api.get_trunk(2**31)
    assert transport.calls == []


def test_members_unknown_to_the_model_are_kept(sim: Sim, client: SippyClient) -> None:
    sim.server.knobs.extra_members = {"i_connection": 7, "media_relay": "auto"}
    trunk = client.list_trunks(first_account(client))[0]
    assert trunk.extra(TRUNKS_2020) == {"i_connection": 7, "media_relay": "auto"}
    assert client.get_trunk(trunk.i_trunk).extra(TRUNKS_2020) == trunk.extra(TRUNKS_2020)


def test_name_pattern_uses_like_semantics(client: SippyClient) -> None:
    i_account = first_account(client)
    for name in ("like_a1", "likeXa1", "LIKE_a1", "like_a12"):
        new_trunk(client, i_account, name)

    def names(pattern: str) -> set[str]:
        return {t.name for t in client.list_trunks(i_account, pattern)}

    assert names("like_a1") == {"like_a1", "likeXa1"}
    assert names(r"like\_a1") == {"like_a1"}
    assert names("like%") == {"like_a1", "likeXa1", "like_a12"}
    assert names("LIKE%") == {"LIKE_a1"}


def test_duplicate_name_is_a_fault_with_code_and_string(client: SippyClient) -> None:
    i_account = first_account(client)
    new_trunk(client, i_account, "dup-name")
    with pytest.raises(FaultError) as caught:
        new_trunk(client, i_account, "dup-name")
    fault = caught.value
    assert fault.method == "createTrunk"
    assert isinstance(fault.code, int) and "dup-name" in str(fault.string)
    assert str(fault.code) in fault.message


# --- Authentication and scope ---------------------------------------------------


def test_a_run_of_calls_pays_one_digest_challenge_per_connection(sim: Sim, client: SippyClient) -> None:
    """Trunk lists come over a connection of their own: it pays one challenge too, once."""
    i_account = first_account(client)
    for _ in range(20):
        client.get_account(i_account)
    assert sim.server.stats.challenges == 1
    for _ in range(20):
        client.list_trunks(i_account, "zzz%")
        client.get_account(i_account)
    assert sim.server.stats.challenges == 2


def test_a_trunk_opens_while_a_long_list_is_still_arriving(sim: Sim, client: SippyClient) -> None:
    """The list holds its connection until its last byte; a single call does not wait behind it."""
    i_account = first_account(client)
    sim.store.insert_trunks([{"i_account": i_account, "name": f"bulk-{n:05d}", "destination": "192.0.2.1:5060"}
                             for n in range(3000)])
    sim.server.knobs.stall = 3.0
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.SLOW_BODY, sim.server.stats.calls + 1
    opened: list[float] = []
    openers: list[threading.Thread] = []

    def open_trunk(i_trunk: int) -> None:
        client.get_trunk(i_trunk)
        opened.append(time.monotonic())

    def arrived(batch: list[Trunk]) -> None:
        if not openers:
            openers.append(threading.Thread(target=open_trunk, args=(batch[0].i_trunk,)))
            openers[0].start()

    client.list_trunks(i_account, arrived=arrived)
    whole = time.monotonic()
    openers[0].join()
    assert opened and opened[0] < whole - 2, "the trunk opened only after the whole list had come"


def test_wrong_password_is_an_auth_error(sim: Sim) -> None:
    with sim.client(password="wrong") as api, pytest.raises(AuthError) as caught:
        api.list_accounts()
    assert caught.value.status == 401 and "acme" in caught.value.message


def test_stale_nonce_is_renewed_transparently(sim: Sim) -> None:
    server = SimulatorServer(sim.store, nonce_ttl=0.2).start()
    try:
        with sim.client(url=server.url) as api:
            api.list_accounts()
            time.sleep(0.3)
            api.list_accounts()
        assert server.stats.stale >= 1
    finally:
        server.stop()


def test_a_digest_login_works_from_an_address_the_switch_trusts(sim: Sim) -> None:
    """``trunktui sim --trust 127.0.0.1`` (what config init advises) serves a Digest login from this
    machine as well as trusted calls: each sees its own customer's accounts."""
    server = SimulatorServer(sim.store, trusted_hosts=("127.0.0.1",)).start()
    try:
        trusted = ConnectionSettings(server.url, trusted=True, i_customer=sim.logins["acme"].i_customer)
        with sim.client(url=server.url) as login, SippyClient(trusted) as trusting, sim.client() as elsewhere:
            assert login.list_accounts() == trusting.list_accounts() == elsewhere.list_accounts()
        assert server.stats.challenges >= 1
    finally:
        server.stop()


def test_trusted_mode_sends_i_customer_instead_of_credentials(sim: Sim) -> None:
    server = SimulatorServer(sim.store, trusted_hosts=("127.0.0.1",)).start()
    try:
        for login in ("acme", "globex"):
            settings = ConnectionSettings(server.url, trusted=True, i_customer=sim.logins[login].i_customer)
            with SippyClient(settings) as trusted, sim.client(login) as normal:
                assert trusted.list_accounts() == normal.list_accounts()
        assert server.stats.challenges == 0
    finally:
        server.stop()


def test_a_login_is_refused_another_customers_objects(sim: Sim, client: SippyClient) -> None:
    i_account = first_account(client)
    i_trunk = client.list_trunks(i_account)[0].i_trunk
    with sim.client("globex") as other:
        assert i_account not in {a.i_account for a in other.list_accounts(limit=1000)}
        for attempt in (
            lambda: other.get_trunk(i_trunk),
            lambda: other.list_trunks(i_account),
            lambda: other.update_trunk(i_trunk, {"description": "hijacked"}),
            lambda: other.delete_trunk(i_trunk),
            lambda: other.get_account(i_account=i_account),
        ):
            with pytest.raises(FaultError):
                attempt()
    assert client.get_trunk(i_trunk).get("description") != "hijacked"


# --- Every error case -------------------------------------------------------------


def test_connection_refused(sim: Sim) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with sim.client(url=f"http://127.0.0.1:{port}") as api, pytest.raises(ConnectError, match="refused"):
        api.list_accounts()


def test_dns_failure(sim: Sim) -> None:
    with sim.client(url="http://no-such-switch.invalid") as api, pytest.raises(ConnectError, match="resolve"):
        api.list_accounts()


def test_read_timeout(sim: Sim) -> None:
    sim.server.knobs.latency = 1.0
    with sim.client(read_timeout=0.2) as api, pytest.raises(CallTimeout, match="did not answer"):
        api.list_accounts()


def test_connect_timeout_maps_to_call_timeout() -> None:
    """A connect timeout needs an unreachable network, which loopback cannot be."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    settings = ConnectionSettings("sw.example.net", username="noc", password="pw", connect_timeout=3)
    with (SippyClient(settings, transport=httpx.MockTransport(refuse)) as api,
          pytest.raises(CallTimeout, match=re.escape("connecting to sw.example.net after 3 s"))):
        api.list_accounts()


def test_http_500_with_an_html_page(sim: Sim, client: SippyClient) -> None:
    sim.server.knobs.fail_every, sim.server.knobs.fail_mode = 1, FailMode.HTTP_500
    with pytest.raises(HttpError) as caught:
        client.list_accounts()
    assert caught.value.status == 500 and "<" not in caught.value.message


def test_wrong_path_is_a_404(sim: Sim) -> None:
    with sim.client(url=sim.url.replace("/xmlapi/xmlapi", "/api")) as api, pytest.raises(HttpError) as caught:
        api.list_accounts()
    assert caught.value.status == 404 and "URL path" in caught.value.message


@pytest.mark.parametrize(
    ("mode", "error", "words"),
    [
        (FailMode.MALFORMED, ProtocolError, "not well-formed"),
        (FailMode.TRUNCATED, ProtocolError, "truncated"),
        (FailMode.RESET, TransportError, "broke"),
        (FailMode.FAULT, FaultError, "Injected"),
    ],
)
def test_broken_answers(sim: Sim, client: SippyClient, mode: FailMode, error: type[Exception], words: str) -> None:
    client.list_accounts()
    sim.server.knobs.fail_every, sim.server.knobs.fail_mode = 1, mode
    with pytest.raises(error, match=words) as caught:
        client.list_accounts()
    assert caught.value.method == "listAccounts"


@pytest.mark.parametrize("trunks", [None, "x", [1], [{"i_trunk": 1}, 2]], ids=["missing", "text", "int", "mixed"])
def test_a_trunk_list_that_is_not_an_array_of_structs_is_refused(foreign: ForeignSwitch, trunks: Any) -> None:
    """Whether the fault is in the list itself or in one of its items, the list is refused in one sentence."""
    answer = {"result": "OK"} if trunks is None else {"result": "OK", "trunks": trunks}
    foreign._server.register_function(lambda params: answer, "getTrunksList")
    told: list[Trunk] = []
    with (SippyClient(ConnectionSettings(foreign.url, trusted=True, i_customer=1)) as api,
          pytest.raises(ProtocolError, match=r"^getTrunksList returned no 'trunks' array of structs\.$")):
        api.list_trunks(1, arrived=told.extend)


def test_response_over_the_text_limit(sim: Sim, client: SippyClient) -> None:
    i_account = first_account(client)
    with sim.client(max_text_bytes=1024) as api:
        assert api.list_trunks(i_account, "zzz%") == []
        with pytest.raises(ResponseTooLarge, match="holds more than 1 KiB of text"):
            api.list_trunks(i_account)


def test_tls_verification(sim: Sim, tmp_path: Path) -> None:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    server = SimulatorServer(sim.store, ssl_context=context).start()
    try:
        assert server.url.startswith("https://")
        with sim.client(url=server.url) as api, pytest.raises(TlsError, match="could not be verified"):
            api.list_accounts()
        with sim.client(url=server.url, ca_bundle=str(bundle)) as api:
            assert api.list_accounts()
        with sim.client(url=server.url, verify=False) as api:
            assert api.list_accounts()
    finally:
        server.stop()


# --- Concurrency ------------------------------------------------------------------


def test_eight_threads_of_mixed_calls_lose_and_duplicate_nothing(sim: Sim) -> None:
    with sim.client() as api:
        i_account = first_account(api)
        before = {t.name for t in api.list_trunks(i_account)}
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            with sim.client() as api:
                for n in range(20):
                    i_trunk = new_trunk(api, i_account, f"thread{worker}-{n}", capacity=n)
                    api.update_trunk(i_trunk, {"description": f"w{worker} n{n}"})
                    assert api.get_trunk(i_trunk).get("description") == f"w{worker} n{n}"
                    if n % 2:
                        api.delete_trunk(i_trunk)
                    api.list_trunks(i_account, f"thread{worker}-%")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sim.client() as api:
        trunks = api.list_trunks(i_account)
    names = [t.name for t in trunks]
    expected = before | {f"thread{w}-{n}" for w in range(8) for n in range(0, 20, 2)}
    assert sorted(names) == sorted(expected)
    assert len({t.i_trunk for t in trunks}) == len(trunks)


# --- Retries ----------------------------------------------------------------------


def test_a_read_is_retried_once_after_a_dropped_connection(sim: Sim, client: SippyClient) -> None:
    client.list_accounts()
    sim.server.knobs.fail_mode = FailMode.RESET
    sim.server.knobs.fail_every = sim.server.stats.calls + 1
    before = sim.server.stats.calls
    assert client.list_accounts()
    assert sim.server.stats.calls == before + 2, "one dropped answer, one retry"


def test_a_change_is_never_retried(sim: Sim, client: SippyClient) -> None:
    i_account = first_account(client)
    i_trunk = new_trunk(client, i_account, "not-twice")
    sim.server.knobs.fail_mode = FailMode.RESET
    sim.server.knobs.fail_every = sim.server.stats.calls + 1
    before = sim.server.stats.calls
    with pytest.raises(TransportError) as caught:
        client.update_trunk(i_trunk, {"description": "once"})
    assert caught.value.may_have_acted
    assert sim.server.stats.calls == before + 1
    assert client.get_trunk(i_trunk).get("description") == "once"


def test_a_timeout_is_not_retried(sim: Sim) -> None:
    """The switch counts a call once it has answered it; a retried read would be counted twice."""
    with sim.client(read_timeout=0.2) as api:
        api.list_accounts()
        before = sim.server.stats.calls
        sim.server.knobs.latency = 0.5
        with pytest.raises(CallTimeout):
            api.list_accounts()
        time.sleep(1.2)  # past two latencies: a retry sent after the timeout would have been answered
    assert sim.server.stats.calls == before + 1


def test_a_large_list_comes_compressed_and_shares_its_member_names(
    sim: Sim, recorder: tuple[SippyClient, RecordingTransport]
) -> None:
    """The client accepts gzip, so a 2,000-trunk list comes compressed; decoded
    as it arrives, every trunk holds the same name objects rather than copies."""
    api, transport = recorder
    i_account = sim.store.add_account(1, "many", description="Generated trunks")
    add_bulk_trunks(sim.store, i_account, 2000)
    trunks = api.list_trunks(i_account)
    assert transport.encodings[-1] == "gzip"
    assert len(trunks) == 2000 and len({t.i_trunk for t in trunks}) == 2000
    first, last = (list(t.members) for t in (trunks[0], trunks[-1]))
    assert first == last
    assert all(a is b for a, b in zip(first, last, strict=True))


def test_trunks_named_matches_the_name_literally(client: SippyClient) -> None:
    """LIKE's wildcards and escape in a name match only themselves, so a lookalike is not found."""
    i_account = client.list_accounts()[0].i_account
    for name in ("odd%_\\name", "oddXY\\name", "odd%_\\nameX"):
        client.create_trunk({"i_account": i_account, "name": name, "destination": "192.0.2.1"})
    (found,) = client.trunks_named(i_account, "odd%_\\name")
    assert found.name == "odd%_\\name"
    assert client.trunks_named(i_account, "odd%") == []


def test_a_call_on_a_connection_closed_under_it_is_a_transport_error(sim: Sim) -> None:
    """Stopping waiting closes the connection under a call in another thread: that call fails as
    a lost answer (never a RuntimeError from the closed HTTP client), and the next call works."""
    sim.server.knobs.latency = 0.5
    outcome: list[BaseException] = []
    with sim.client() as api:
        def slow() -> None:
            try:
                api.list_accounts()
            except BaseException as error:  # noqa: BLE001 - the test inspects whatever it was
                outcome.append(error)

        worker = threading.Thread(target=slow)
        worker.start()
        time.sleep(0.2)
        api.reconnect()
        worker.join(5)
        sim.server.knobs.latency = 0.0
        assert [type(error) for error in outcome if not isinstance(error, TransportError)] == []
        assert len(outcome) == 1
        assert api.list_accounts()
