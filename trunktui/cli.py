"""The ``trunktui`` command: start the dashboard, or the simulator with ``sim``.

Heavy imports (textual, the simulator) happen only once the command knows
it needs them, so ``trunktui --help`` and ``trunktui sim`` start quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from trunktui import __version__
from trunktui.errors import InputError

PASSWORD_VARIABLE = "TRUNKTUI_PASSWORD"

_EPILOG = f"""\
With no switch given, trunktui opens on its built-in simulator (demo data).
The password comes from ${PASSWORD_VARIABLE}, or a masked prompt asks for it.
Run 'trunktui sim --help' to serve the simulator on its own."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trunktui",
        description="Browse and edit SIP trunks on a Sippy Softswitch.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"trunktui {__version__}")
    parser.add_argument("--demo", action="store_true", help="use the built-in simulator with demo data")
    parser.add_argument("--url", help="switch address: host, host:port or a full URL")
    parser.add_argument("--user", help="web login with API access (digest authentication)")
    parser.add_argument("--trusted", action="store_true", help="trusted mode: no login, calls carry --customer")
    parser.add_argument("--customer", type=int, metavar="ID", help="i_customer to act for in trusted mode")
    parser.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to verify the switch with")
    parser.add_argument("--insecure", action="store_true", help="do not verify the switch's TLS certificate")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait for an answer")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sim"]:
        from trunktui.simulator.cli import main as simulator_main

        return simulator_main(arguments[1:])
    parser = _parser()
    args = parser.parse_args(arguments)
    if args.demo and (args.url or args.trusted):
        parser.error("--demo cannot be combined with --url or --trusted")
    if args.customer is not None and not args.trusted:
        parser.error("--customer goes with --trusted")
    if args.trusted and args.user:
        parser.error("--trusted sends no login; drop --user")
    if (args.user or args.trusted) and not args.url:
        parser.error("give the switch with --url")
    if args.url and not (args.user or args.trusted):
        parser.error("give --user NAME, or --trusted --customer ID")
    if args.timeout <= 0:
        parser.error("--timeout must be more than 0 seconds")

    from trunktui.tui.launch import connect_to_switch, run_demo

    try:
        if args.url:
            return connect_to_switch(
                url=args.url,
                username=args.user or "",
                password=os.environ.get(PASSWORD_VARIABLE),
                trusted=args.trusted,
                i_customer=args.customer,
                ca_bundle=args.ca_bundle,
                verify=not args.insecure,
                read_timeout=args.timeout,
            )
        return run_demo(explain=not args.demo)
    except InputError as exc:
        parser.error(exc.message)
    except KeyboardInterrupt:
        return 130
