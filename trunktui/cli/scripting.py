"""The scripting commands (``accounts``, ``trunks``, ``connections``): one parser, one way out.

Each noun's module adds its verbs (``register``) with their help, examples
and a ``run`` function; ``run`` here connects as the dashboard's options
say (``switch.open_switch``), calls it, and turns whatever went wrong into
one line on stderr and an exit code (``exits.exit_for``). Data goes to
stdout; messages, progress and questions to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from trunktui.cli.exits import HELP, Exit, exit_for
from trunktui.errors import TrunkTuiError
from trunktui.text import printable

NOUNS = ("accounts", "trunks", "connections")

Run = Callable[[argparse.Namespace, Any], int]


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Add the nouns and their verbs to the dashboard's parser."""
    from trunktui.cli import accounts, changes, connections, trunks

    nouns = parser.add_subparsers(dest="noun", metavar="{accounts,trunks,connections}", title="scripting commands",
                                  description="trunktui NOUN VERB --help shows each one's options and examples")
    for noun, modules, summary in (
        ("accounts", (accounts,), "list the login's accounts"),
        ("trunks", (trunks, changes), "list, show, find, create, change and delete trunks"),
        ("connections", (connections,), "a 2022+ trunk's connections: list, show, create, change, move, delete"),
    ):
        sub = nouns.add_parser(noun, help=summary, description=summary.capitalize() + ".", epilog=HELP,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
        verbs = sub.add_subparsers(dest="verb", metavar="VERB", required=True)
        for module in modules:
            module.register(verbs)


def verb(verbs: Any, name: str, summary: str, examples: str, run: Run) -> argparse.ArgumentParser:
    """A verb's parser, its help ending in ``examples`` and the exit codes."""
    parser: argparse.ArgumentParser = verbs.add_parser(
        name, help=summary, description=summary[0].upper() + summary[1:] + ".",
        epilog=f"examples:\n{examples}\n\n{HELP}", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(run=run)
    return parser


def add_output(parser: argparse.ArgumentParser, formats: tuple[str, ...], secrets: bool = True) -> None:
    from trunktui.cli.output import fields_option

    parser.add_argument("-o", "--output", choices=formats, default="table", metavar="|".join(formats),
                        help="table (the default), wide (every member, whole), json (an array), jsonl (one "
                             "object a line, as they arrive), csv, name or id (one a line)")
    parser.add_argument("--fields", type=fields_option, metavar="A,B,…", help="only these members, in this order")
    parser.add_argument("--no-headers", action="store_true", help="no heading line in table and csv")
    if secrets:
        parser.add_argument("--show-secrets", action="store_true", help="print passwords instead of ***")


def say(message: str) -> None:
    """A message for the person at the terminal (stderr), terminal-safe."""
    print(printable(message), file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Run the scripting command ``args`` names; return its exit code."""
    from trunktui.cli.switch import open_switch

    try:
        with open_switch(args) as switch:
            code: int = args.run(args, switch)
            return code
    except TrunkTuiError as error:
        print(f"trunktui: error: {printable(error.message)}", file=sys.stderr)
        return exit_for(error)
    except KeyboardInterrupt:
        print("trunktui: interrupted", file=sys.stderr)
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to print, and nothing failed here.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return Exit.OK


def output_options(args: argparse.Namespace) -> Any:
    from trunktui.cli.output import Options

    return Options(args.output, args.fields or (), not args.no_headers, getattr(args, "show_secrets", False))
