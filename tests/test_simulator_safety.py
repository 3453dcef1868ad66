"""The simulator left running where others can reach it: replayed Digest answers.

Everything but the bound on remembered nonces goes over real HTTP on loopback.
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.request
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from trunktui.simulator import SimulatorServer, Store, seed_demo
from trunktui.simulator.digest import DigestAuthenticator
from trunktui.simulator.dispatch import REALM
from trunktui.simulator.framing import XMLAPI_PATH

ACME = ("acme", "acme-demo")
LIST_ACCOUNTS = xmlrpc.client.dumps(({"i_customer": 1},), "listAccounts").encode()


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store()
    seed_demo(store)
    yield store
    store.close()


@pytest.fixture
def server(store: Store) -> Iterator[SimulatorServer]:
    with SimulatorServer(store) as server:
        yield server


def rpc(client: httpx.Client, url: str, method: str, params: dict[str, Any], **headers: str) -> httpx.Response:
    body = xmlrpc.client.dumps((params,), method)
    return client.post(url, content=body, headers={"Content-Type": "text/xml", **headers})


def answered(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (answer,), _ = xmlrpc.client.loads(response.content)
    assert answer["result"] == "OK"
    return dict(answer)


# --- Digest replay --------------------------------------------------------------------


def acme_trunks(store: Store) -> list[int]:
    customer = store.customer_by_login("acme")
    assert customer is not None
    i_account = store.list_accounts(customer["i_customer"], 0, 1)[0]["i_account"]
    return [trunk["i_trunk"] for trunk in store.list_trunks(i_account)]


def test_a_captured_authorization_header_cannot_be_replayed(server: SimulatorServer) -> None:
    sent: list[httpx.Request] = []
    with httpx.Client(auth=httpx.DigestAuth(*ACME), event_hooks={"request": [sent.append]}) as acme:
        answered(rpc(acme, server.url, "listAccounts", {}))
    captured = sent[-1].headers["authorization"]
    victim = acme_trunks(server.store)[0]

    with httpx.Client() as eavesdropper:
        replayed = rpc(eavesdropper, server.url, "deleteTrunk", {"i_trunk": victim}, Authorization=captured)

    assert replayed.status_code == 401
    assert replayed.headers["www-authenticate"].startswith("Digest ")
    assert victim in acme_trunks(server.store)


def answer_to(challenge: str, nc: int, login: str = "acme", password: str = "acme-demo") -> str:
    """An Authorization header for ``challenge`` with nonce count ``nc``, built as RFC 7616 says."""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    nonce, count, cnonce = params["nonce"], f"{nc:08x}", f"c{nc}"
    ha1 = hashlib.md5(f"{login}:{params['realm']}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"POST:{XMLAPI_PATH}".encode()).hexdigest()
    response = hashlib.md5(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}".encode()).hexdigest()
    return (f'Digest username="{login}", realm="{params["realm"]}", nonce="{nonce}", uri="{XMLAPI_PATH}", '
            f'qop=auth, nc={count}, cnonce="{cnonce}", response="{response}", opaque="{params["opaque"]}"')


def test_a_nonce_is_accepted_only_with_a_higher_count_each_time(server: SimulatorServer) -> None:
    with httpx.Client() as client:
        challenge = rpc(client, server.url, "listAccounts", {}).headers["www-authenticate"]
        statuses = [
            rpc(client, server.url, "listAccounts", {}, Authorization=answer_to(challenge, nc)).status_code
            for nc in (1, 1, 3, 2, 3, 4)
        ]
    assert statuses == [200, 401, 200, 401, 401, 200]
    assert server.stats.calls == 3


def test_the_standard_librarys_digest_client_keeps_working(server: SimulatorServer) -> None:
    handler = urllib.request.HTTPDigestAuthHandler()
    handler.add_password(REALM, server.url, *ACME)
    opener = urllib.request.build_opener(handler)
    for _ in range(3):
        request = urllib.request.Request(server.url, data=LIST_ACCOUNTS, headers={"Content-Type": "text/xml"})
        with opener.open(request, timeout=5) as response:
            (answer,), _ = xmlrpc.client.loads(response.read())
        assert answer["result"] == "OK"
    assert server.stats.calls == 3


def test_nonce_counts_are_bounded_and_a_forgotten_nonce_is_stale() -> None:
    digest = DigestAuthenticator(REALM, {"acme": "acme-demo"}.get, max_nonces=2)
    challenges = []
    for _ in range(3):
        challenges.append(digest.challenge())
        time.sleep(0.002)  # each nonce issued at a later microsecond than the one before

    first_uses = [digest.verify(answer_to(challenge, 1), "POST", XMLAPI_PATH) for challenge in challenges]
    assert [verdict.login for verdict in first_uses] == ["acme"] * 3

    forgotten = digest.verify(answer_to(challenges[0], 2), "POST", XMLAPI_PATH)
    assert (forgotten.login, forgotten.stale) == (None, True)
    assert digest.verify(answer_to(challenges[2], 2), "POST", XMLAPI_PATH).login == "acme"
