"""``trunktui sim``: run the simulator in the foreground.

For trying trunktui without a switch, for curl experiments and for
reproducing a client bug with latency or failures turned on. ``--api``
picks the trunks API it speaks (2020, or 2022 with trunk connections). With
``--db`` the data lives in a file, so edits survive a restart; a file keeps
the API it was made for, and opening it as the other is refused.
"""

from __future__ import annotations

import argparse
import ipaddress
import sqlite3
import ssl
import sys

from trunktui.cli.arguments import refused, whole
from trunktui.model import decimal_number
from trunktui.simulator.demo import add_bulk_trunks, add_extra_accounts, seed_demo
from trunktui.simulator.framing import MAX_CONNECTIONS
from trunktui.simulator.knobs import FailMode, Knobs, UnknownMethodAnswer
from trunktui.simulator.server import SimulatorServer
from trunktui.simulator.store import Store
from trunktui.versions import Api

BULK_ACCOUNT = "bulk"
BANNER_ACCOUNTS = 5
"""Accounts listed per login at start; with ``--accounts`` the rest are only said to exist."""


def _non_negative_int(text: str) -> int:
    return whole(text, 0)


def _positive_int(text: str) -> int:
    return whole(text, 1)


def _port(text: str) -> int:
    return whole(text, 0, 65535)


def _milliseconds(text: str) -> float:
    try:
        value = decimal_number(text)
    except ValueError as problem:
        raise refused(problem, text) from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"may not be negative: {text}")
    return value


def _address(text: str) -> str:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IP address or network: {text!r}") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trunktui sim",
        description="Serve a Sippy-compatible XML-RPC API with demo data.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8080, help="TCP port (default 8080; 0 picks a free one)")
    parser.add_argument("--api", choices=[a.value for a in Api], default=Api.V2020.value,
                        help="the trunks API to speak: 2020, or 2022 with trunk connections (default 2020)")
    parser.add_argument("--db", metavar="FILE", help="keep data in this SQLite file (demo data is added if empty)")
    parser.add_argument("--bulk", type=_non_negative_int, default=0, metavar="N",
                        help=f"add an account {BULK_ACCOUNT!r} with N generated trunks to the first customer")
    parser.add_argument("--accounts", type=_non_negative_int, default=0, metavar="N",
                        help="add N generated accounts (extra-000 on) to the first customer")
    parser.add_argument("--latency", type=_milliseconds, default=0.0, metavar="MS",
                        help="delay every answer by MS milliseconds")
    parser.add_argument("--fail-every", type=_non_negative_int, default=0, metavar="N",
                        help="make every Nth authenticated call fail (0: never)")
    parser.add_argument("--fail-mode", choices=[m.value for m in FailMode], default=FailMode.FAULT.value,
                        help="how injected failures look (default fault)")
    parser.add_argument("--no-introspection", action="store_true",
                        help="do not offer system.listMethods, as some switches do not")
    parser.add_argument("--unknown-method", choices=[a.value for a in UnknownMethodAnswer],
                        default=UnknownMethodAnswer.FAULT.value,
                        help="answer a method the switch lacks with an XML-RPC fault (default) "
                             "or with HTTP 500 and an HTML page")
    parser.add_argument("--trust", type=_address, action="append", default=[], metavar="ADDR",
                        help="accept unauthenticated calls with i_customer from ADDR (repeatable; networks allowed)")
    parser.add_argument("--case-insensitive", action="store_true",
                        help="match name_pattern like ILIKE instead of LIKE")
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", metavar="FILE", help="private key for --tls-cert, if not in the same file")
    parser.add_argument("--max-connections", type=_positive_int, default=MAX_CONNECTIONS, metavar="N",
                        help="serve at most N connections at once; an idle one makes room, "
                             f"or more wait their turn (default {MAX_CONNECTIONS})")
    parser.add_argument("--verbose", action="store_true", help="print one line per call (never passwords)")
    return parser


def _tls_context(cert: str, key: str | None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class WrongApi(Exception):
    """A ``--db`` file made for the other API; the message says what to do."""


def _open_store(path: str | None, api: Api, bulk: int, accounts: int) -> Store:
    """Open the store, seeding demo data of ``api`` only into an empty one; a file made for the other API
    is refused (``WrongApi``), since its trunks are not the ones this API serves."""
    store = Store(path)
    made_for = store.made_for(api)
    if made_for is not api:
        store.close()
        shape = "an unknown API" if made_for is None else f"the {made_for.value} API"
        raise WrongApi(f"{path} holds a switch of {shape}; open it with --api "
                       f"{made_for.value if made_for else api.value}, or give another --db file")
    if store.is_empty():
        seed_demo(store, api=api)
    first = store.customers()[0]["i_customer"]
    add_extra_accounts(store, first, accounts)
    if bulk and store.get_account(first, username=BULK_ACCOUNT) is None:
        i_account = store.add_account(first, BULK_ACCOUNT, description="Generated trunks")
        add_bulk_trunks(store, i_account, bulk, api=api)
    return store


def _print_banner(server: SimulatorServer) -> None:
    print(f"Sippy simulator listening on {server.url}")
    print(f"Speaking the {server.api.value} trunks API" + (", with trunk connections" if server.api.has_connections
                                                          else ""))
    print("Logins (login / password: customer, accounts):")
    for customer in server.store.customers():
        accounts = server.store.list_accounts(customer["i_customer"], 0, BANNER_ACCOUNTS + 1)
        listed = ", ".join(f"{a['username']}={a['i_account']}" for a in accounts[:BANNER_ACCOUNTS])
        if len(accounts) > BANNER_ACCOUNTS:
            listed += " and more"
        print(f"  {customer['login']} / {customer['password']}: {customer['name']} "
              f"(i_customer {customer['i_customer']}), accounts {listed}")
    print("Press Ctrl-C to stop.", flush=True)


def main(argv: list[str]) -> int:
    """Run ``trunktui sim``; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.tls_key and not args.tls_cert:
        parser.print_usage(sys.stderr)
        print("trunktui sim: error: --tls-key needs --tls-cert", file=sys.stderr)
        return 2
    try:
        context = _tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    except (OSError, ssl.SSLError) as error:
        print(f"trunktui sim: error: cannot load the TLS certificate: {error}", file=sys.stderr)
        return 2
    api = Api(args.api)
    try:
        store = _open_store(args.db, api, args.bulk, args.accounts)
    except sqlite3.Error as error:
        print(f"trunktui sim: error: cannot use {args.db}: {error}", file=sys.stderr)
        return 2
    except WrongApi as error:
        print(f"trunktui sim: error: {error}", file=sys.stderr)
        return 2
    knobs = Knobs(latency=args.latency / 1000, fail_every=args.fail_every, fail_mode=FailMode(args.fail_mode),
                  introspection=not args.no_introspection, unknown_method=UnknownMethodAnswer(args.unknown_method))
    try:
        server = SimulatorServer(
            store, api=api, host=args.host, port=args.port, knobs=knobs, trusted_hosts=args.trust,
            ssl_context=context, case_insensitive_like=args.case_insensitive, verbose=args.verbose,
            max_connections=args.max_connections,
        )
    except OSError as error:
        print(f"trunktui sim: error: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        store.close()
        return 1
    _print_banner(server)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        server.stop()
        store.close()
    return 0
