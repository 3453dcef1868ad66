"""Demo data that looks like a real carrier's, the same on every run.

The demo mode, screenshots and README examples all need data that is
believable (carrier and city names, documentation-range addresses, NULL
where a real switch has NULL) and stable, so everything is drawn from a
``random.Random`` with a fixed seed. Every generated trunk passes the
model's own validation.

A 2022+ switch gets the same customers and accounts, and trunks in the
2022 shape: a routing policy (mostly Ordered, some Round-Robin) and two to
four connections each, a main and its backups or a pool of equal SBCs.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trunktui.model import TRUNKS_2020
from trunktui.simulator.store import Store
from trunktui.versions import CONNECTIONS, POLICIES, TRUNKS_2022, Api

SEED = 20200
DEMO_TRUNKS = 300

_CARRIERS = {
    "telia": "Telia", "lumen": "Lumen", "bics": "BICS", "tata": "Tata", "orange": "Orange",
    "vodafone": "Vodafone", "zayo": "Zayo", "colt": "Colt", "sparkle": "Sparkle", "telstra": "Telstra",
    "ntt": "NTT", "pccw": "PCCW", "gtt": "GTT", "cogent": "Cogent", "iristel": "Iristel", "sinch": "Sinch",
}
_CITIES = {
    "ams": "Amsterdam", "nyc": "New York", "bru": "Brussels", "fra": "Frankfurt", "lon": "London",
    "par": "Paris", "mad": "Madrid", "sin": "Singapore", "hkg": "Hong Kong", "tyo": "Tokyo",
    "syd": "Sydney", "lax": "Los Angeles", "chi": "Chicago", "mia": "Miami", "sto": "Stockholm",
    "waw": "Warsaw", "mil": "Milan", "zrh": "Zurich", "vie": "Vienna", "dal": "Dallas",
}
_ROLES = ("core", "backup", "lab", "tdm", "mobile")
_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")
_PORTS = (None, None, 5060, 5060, 5080, 5061)
_CAPACITIES = (None, 30, 60, 120, 240, 480, 1000)
_MAX_CPS = (None, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0)
_RULES = ("", "", "s/^00/+/", "s/^\\+//", "s/^0/+31/", "s/^011/+/", "s/^1?([2-9]\\d{9})$/+1\\1/")
_OUTBOUND_IPS = ("", "", "198.51.100.10", "198.51.100.11", "203.0.113.5")
_ORDERED, _ROUND_ROBIN = POLICIES
_IN_ORDER = ("main", "backup", "backup-2", "overflow")
_CONNECTION_COUNTS = (2, 2, 2, 3, 3, 4)
_HUNT_STOPS = ("", "", "", "486,603", "404,486,603")

Connections = Sequence[Mapping[str, Any]]

_CUSTOMERS = (
    ("acme", "ACME Telecom", (
        ("acme-wholesale", "Wholesale termination", False, False, "USD"),
        ("acme-retail", "Retail SIP trunking", False, False, "USD"),
        ("acme-lab", "Interop lab", True, False, "USD"),
    )),
    ("globex", "Globex Carrier Services", (
        ("globex-transit", "International transit", False, False, "EUR"),
        ("globex-emea", "EMEA origination", False, False, "EUR"),
        ("globex-legacy", "Legacy TDM gateways", False, True, "EUR"),
    )),
    ("initech", "Initech Voice", (
        ("initech-main", "Main interconnects", False, False, "GBP"),
        ("initech-dr", "Disaster recovery", False, False, "GBP"),
    )),
)
DEMO_LOGINS: tuple[str, ...] = tuple(login for login, _, _ in _CUSTOMERS)


@dataclass(frozen=True)
class DemoLogin:
    """A web login of a demo customer and the password it authenticates with."""

    login: str
    password: str
    i_customer: int
    name: str


def _address(rng: random.Random) -> str:
    if rng.random() < 0.25:
        host = f"sbc{rng.randint(1, 4)}.{rng.choice(tuple(_CITIES))}.example.net"
    else:
        host = f"{rng.choice(_NETWORKS)}.{rng.randint(1, 254)}"
    port = rng.choice(_PORTS)
    return host if port is None else f"{host}:{port}"


def _trunk(rng: random.Random, i_account: int, name: str, carrier: str, city: str) -> dict[str, Any]:
    with_login = rng.random() < 0.2
    with_backup = rng.random() < 0.5
    return {
        "i_account": i_account,
        "name": name,
        "destination": _address(rng),
        "destination_backup": _address(rng) if with_backup else None,
        "capacity": rng.choice(_CAPACITIES),
        "max_cps": rng.choice(_MAX_CPS),
        "outbound_ip": rng.choice(_OUTBOUND_IPS),
        "outbound_ip_backup": rng.choice(_OUTBOUND_IPS[2:]) if with_backup and rng.random() < 0.5 else None,
        "description": f"{_CARRIERS[carrier]} {_CITIES[city]} interconnect",
        "username": f"{carrier}{rng.randint(100, 999)}" if with_login else "",
        "password": f"pw-{rng.getrandbits(32):08x}" if with_login else "",
        "username_backup": "",
        "password_backup": "",
        "translation_rule": rng.choice(_RULES),
        "from_domain": f"sip.{carrier}.example.net" if rng.random() < 0.3 else "",
        "random_call_id": rng.random() < 0.3,
    }


def _trunk_2022(rng: random.Random, i_account: int, name: str, carrier: str, city: str
                ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A 2022+ trunk and its connections: Ordered, a main with backups that take less, or (one in four)
    Round-Robin over a pool of SBCs that take the same. A login, where the carrier asks for one, is the
    same on every connection."""
    pooled = rng.random() < 0.25
    count = rng.choice(_CONNECTION_COUNTS)
    with_login = rng.random() < 0.25
    username = f"{carrier}{rng.randint(100, 999)}" if with_login else ""
    password = f"pw-{rng.getrandbits(32):08x}" if with_login else ""
    capacity = rng.choice(_CAPACITIES)
    max_cps = rng.choice(_MAX_CPS)
    rule = rng.choice(_RULES)
    from_domain = f"sip.{carrier}.example.net" if rng.random() < 0.3 else ""
    random_call_id = rng.random() < 0.3
    network = rng.choice(_NETWORKS)
    connections = []
    for place in range(count):
        if pooled:
            name_here = f"sbc{place + 1}"
            destination = f"sbc{place + 1}.{city}.{carrier}.example.net"
            share = capacity
        else:
            name_here = _IN_ORDER[place]
            destination = _address(rng) if place == 0 else f"{network}.{rng.randint(1, 254)}:5060"
            share = capacity if place == 0 or capacity is None else max(capacity // (2 * place), 10)
        connections.append({
            "name": name_here,
            "destination": destination,
            "capacity": share,
            "max_cps": max_cps,
            "outbound_ip": rng.choice(_OUTBOUND_IPS) or None,
            "username": username,
            "password": password,
            "outbound_cld": rule,
            "from_domain": from_domain,
            "random_call_id": random_call_id,
            "blocked": place > 0 and rng.random() < 0.05,
            "huntstop_scodes": "" if pooled else rng.choice(_HUNT_STOPS),
            "use_asserted_id": rng.random() < 0.2,
        })
    trunk = {
        "i_account": i_account,
        "name": name,
        "description": f"{_CARRIERS[carrier]} {_CITIES[city]} " + ("SBC pool" if pooled else "interconnect"),
        "policy": _ROUND_ROBIN if pooled else _ORDERED,
    }
    return trunk, connections


def _valid_2022(trunk: dict[str, Any], connections: list[dict[str, Any]]) -> tuple[dict[str, Any], Connections]:
    """The trunk and connections as the schemas pass them (a connection's trunk is not known yet)."""
    checked = [CONNECTIONS.create_params({**c, "i_trunk": 1}) for c in connections]
    return TRUNKS_2022.create_params(trunk), [{k: v for k, v in c.items() if k != "i_trunk"} for c in checked]


def _names(rng: random.Random, taken: set[str]) -> tuple[str, str, str]:
    """A carrier-style name not in ``taken`` (which it joins), with its carrier and city."""
    while True:
        carrier, city = rng.choice(tuple(_CARRIERS)), rng.choice(tuple(_CITIES))
        suffix = rng.choice(_ROLES) if rng.random() < 0.2 else f"{rng.randint(1, 12):02d}"
        name = f"{carrier}-{city}-{suffix}"
        if name not in taken:
            taken.add(name)
            return name, carrier, city


def seed_demo(store: Store, *, passwords: Mapping[str, str] | None = None, api: Api = Api.V2020
              ) -> list[DemoLogin]:
    """Add the demo customers, accounts and trunks (of ``api``, with their connections); return the logins.

    Passwords are ``<login>-demo`` unless ``passwords`` names another.
    """
    rng = random.Random(SEED)
    logins: list[DemoLogin] = []
    accounts: list[int] = []
    for login, name, account_rows in _CUSTOMERS:
        password = (passwords or {}).get(login, f"{login}-demo")
        i_customer = store.add_customer(name, login, password)
        logins.append(DemoLogin(login, password, i_customer, name))
        for username, description, blocked, expired, currency in account_rows:
            accounts.append(store.add_account(
                i_customer, username, description=description, blocked=blocked, expired=expired,
                balance=round(rng.uniform(-500, 25000), 2), credit_limit=rng.choice((None, 1000.0, 5000.0)),
                base_currency=currency,
            ))
    weights = [rng.uniform(0.3, 1.0) for _ in accounts]
    taken: dict[int, set[str]] = {i: set() for i in accounts}
    if api is Api.V2022:
        store.insert_trunks_with_connections(
            _valid_2022(*_trunk_2022(rng, i_account, *_names(rng, taken[i_account])))
            for i_account in rng.choices(accounts, weights, k=DEMO_TRUNKS))
        return logins
    rows: list[dict[str, Any]] = []
    for _ in range(DEMO_TRUNKS):
        i_account = rng.choices(accounts, weights)[0]
        rows.append(TRUNKS_2020.create_params(_trunk(rng, i_account, *_names(rng, taken[i_account]))))
    store.insert_trunks(rows)
    return logins


def add_bulk_trunks(store: Store, i_account: int, count: int, *, api: Api = Api.V2020) -> None:
    """Add ``count`` generated trunks of ``api`` (2022: with two to four connections each) to an account,
    in one transaction.

    Names are numbered (``telia-ams-000123``) so large lists stay unique;
    names the account already has are skipped.
    """
    rng = random.Random(SEED + i_account)
    taken = store.trunk_names(i_account, api=api)
    make = _trunk_2022 if api is Api.V2022 else _trunk
    rows: list[Any] = []
    number = 0
    while len(rows) < count:
        number += 1
        carrier, city = rng.choice(tuple(_CARRIERS)), rng.choice(tuple(_CITIES))
        name = f"{carrier}-{city}-{number:06d}"
        if name not in taken:
            rows.append(make(rng, i_account, name, carrier, city))
    if api is Api.V2022:
        store.insert_trunks_with_connections(rows)
    else:
        store.insert_trunks(rows)


def add_extra_accounts(store: Store, i_customer: int, count: int) -> list[int]:
    """Give a customer ``count`` generated accounts, ``extra-000`` on; return their ids.

    For trying the account picker with more than one page of accounts.
    Every seventh has a NULL description, as some switches hold; usernames
    the store already has are skipped, so a kept database is not filled twice.
    """
    rng = random.Random(SEED + count)
    digits = max(3, len(str(count - 1)))
    added: list[int] = []
    for number in range(count):
        username = f"extra-{number:0{digits}d}"
        city = rng.choice(tuple(_CITIES.values()))
        description = None if number % 7 == 6 else f"Reseller {number} · {city}"
        balance = round(rng.uniform(-500, 25000), 2)
        if store.get_account(i_customer, username=username) is None:
            added.append(store.add_account(i_customer, username, description=description, balance=balance,
                                           blocked=rng.random() < 0.05, base_currency=rng.choice(("USD", "EUR"))))
    return added
