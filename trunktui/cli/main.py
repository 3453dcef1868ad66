"""The ``trunktui`` command: the dashboard, and the ``sim``, ``config`` and ``audit`` subcommands.

Heavy imports (textual, the simulator) happen only once the command knows
it needs them, so ``trunktui --help`` and the subcommands start quickly.
Everything that can be wrong with the command line or the profiles file is
reported here, before any screen opens.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from trunktui import __version__
from trunktui.cli.arguments import refused, whole
from trunktui.cli.completion import asked, complete, profile_names
from trunktui.cli.exits import HELP as EXIT_HELP
from trunktui.errors import TrunkTuiError
from trunktui.model import FIRST_ID, decimal_number
from trunktui.versions import API_CHOICES

_EPILOG = f"""\
With no switch and no profile, trunktui opens on its built-in simulator.
The password comes from $TRUNKTUI_PASSWORD, the profile's password_command,
or a masked prompt (a scripting command never asks without a terminal).

Scripting: the connection options go before the command, e.g.
  trunktui --profile lab trunks list --account acme-wholesale -o json
  trunktui --profile lab trunks find 198.51.100.7 --field destination
  trunktui --profile lab trunks set 1042 capacity=30 --dry-run

Other subcommands:
  trunktui sim       serve the Sippy simulator (trunktui sim --help)
  trunktui config    init | path: the profiles file
  trunktui audit     print the audit trail of changes

{EXIT_HELP}"""


def _customer(text: str) -> int:
    """An i_customer."""
    return whole(text, FIRST_ID)


def _seconds(text: str) -> float:
    """A timeout, written as every number typed is (``model.decimal_number``), that a connection can keep."""
    from trunktui.api.connection import timeout_problem

    try:
        seconds = decimal_number(text)
    except ValueError as problem:
        raise refused(problem, text) from None
    if (unkept := timeout_problem(seconds)) is not None:
        raise refused(unkept, text)
    return seconds


def _concurrency(text: str) -> int:
    """Calls at once to search every account or change many trunks."""
    from trunktui.fanout import MOST_CONCURRENCY

    return whole(text, 1, MOST_CONCURRENCY)


def argument_parser() -> argparse.ArgumentParser:
    """The dashboard's options (the subcommands have their own)."""
    parser = argparse.ArgumentParser(
        prog="trunktui",
        description="Browse and edit SIP trunks on a Sippy Softswitch.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"trunktui {__version__}")
    parser.add_argument("--demo", action="store_true", help="use the built-in simulator with demo data")
    profile = parser.add_argument("--profile", metavar="NAME", help="connect with a profile from the profiles file")
    profile.completer = profile_names  # type: ignore[attr-defined]
    parser.add_argument("--url", help="switch address: host, host:port or a full URL")
    parser.add_argument("--user", help="web login with API access (digest authentication)")
    parser.add_argument("--trusted", action="store_true", help="trusted mode: no login, calls carry --customer")
    parser.add_argument("--customer", type=_customer, metavar="ID", help="i_customer to act for in trusted mode")
    parser.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to verify the switch with")
    parser.add_argument("--insecure", action="store_true", help="do not verify the switch's TLS certificate")
    parser.add_argument("--timeout", type=_seconds, metavar="S", help="seconds to wait for an answer (default 30)")
    parser.add_argument("--read-only", action="store_true", help="refuse every create, edit and delete")
    parser.add_argument("--api", choices=API_CHOICES, metavar="auto|2020|2022",
                        help="the switch's trunks API: auto (the default) works it out; 2022 means 2022 or later")
    parser.add_argument("--concurrency", type=_concurrency, metavar="N",
                        help="calls at once to search every account or change many trunks (1 to 16, default 4)")
    parser.add_argument("--account", metavar="ID|NAME",
                        help="open this account's trunks at once (i_account or username)")
    from trunktui.cli.scripting import add_commands

    add_commands(parser)
    return parser


def _config_main(arguments: list[str]) -> int:
    from trunktui.profiles.config import config_path, write_sample

    parser = argparse.ArgumentParser(prog="trunktui config", description="Manage the profiles file.")
    parser.add_argument("action", choices=("init", "path"), help="init: write a commented sample; path: print where")
    args = parser.parse_args(arguments)
    if args.action == "path":
        print(config_path())
        return 0
    print(f"Wrote a sample to {write_sample()}.\n"
          "Its default profile is the simulator: run 'trunktui sim --trust 127.0.0.1' in another terminal,\n"
          "then 'trunktui'. Edit the other profiles for your switches, then: trunktui --profile NAME")
    return 0


def _count(text: str) -> int:
    """A number of entries; a line count beyond 32 bits is no count."""
    return whole(text, 0)


def _audit_main(arguments: list[str]) -> int:
    from trunktui.audit import audit_path, describe_entry, read_recent
    from trunktui.text import printable

    parser = argparse.ArgumentParser(prog="trunktui audit", description="Print the audit trail, newest last.")
    parser.add_argument("-n", "--lines", type=_count, default=20, metavar="N",
                        help="how many of the latest entries (default 20; 0 prints none)")
    parser.add_argument("--json", action="store_true", help="print the JSON lines as stored")
    args = parser.parse_args(arguments)
    if args.lines == 0:
        return 0
    entries = read_recent(count=args.lines)
    if not entries:
        print(f"No changes recorded yet ({audit_path()}).")
    for entry in entries:
        print(terminal_json(entry) if args.json else printable(describe_entry(entry)))
    return 0


def terminal_json(value: object) -> str:
    """JSON that puts no control, bidi or other non-ASCII character on the terminal: all are escaped."""
    return json.dumps(value).replace("\x7f", "\\u007f")


def _fail(parser: argparse.ArgumentParser, error: TrunkTuiError) -> NoReturn:
    parser.exit(2, f"trunktui: error: {error.message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command, rest = (arguments[0], arguments[1:]) if arguments else ("", [])
    try:
        if command == "sim":
            from trunktui.cli.sim import main as simulator_main

            return simulator_main(rest)
        if command == "config":
            return _config_main(rest)
        if command == "audit":
            return _audit_main(rest)
    except TrunkTuiError as error:
        print(f"trunktui: error: {error.message}", file=sys.stderr)
        return 2
    parser = argument_parser()
    if argv is None and asked():
        complete(parser)
    args = parser.parse_args(arguments)
    if args.noun is not None:
        from trunktui.cli.scripting import run

        return run(args)
    from trunktui.cli.launch import LaunchError, plan

    try:
        launch = plan(args)
    except LaunchError as error:
        parser.error(error.message)
    except TrunkTuiError as error:
        _fail(parser, error)
    try:
        return launch()
    except KeyboardInterrupt:
        return 130
