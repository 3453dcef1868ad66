"""What every scripting verb shares: how its parser is made, its output options, its messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from trunktui.cli.exits import HELP
from trunktui.cli.output import FORMATS, Options, fields_option
from trunktui.text import printable

Run = Callable[[argparse.Namespace, Any], int]
Check = Callable[[argparse.Namespace], None]
"""What is wrong with a command line whatever the switch holds: raises ``UsageError`` before any password is
asked for or any call made."""


def verb(verbs: Any, name: str, summary: str, examples: str, run: Run,
         check: Check | None = None) -> argparse.ArgumentParser:
    """A verb's parser, its help ending in ``examples`` and the exit codes; ``check`` runs before connecting."""
    parser: argparse.ArgumentParser = verbs.add_parser(
        name, help=summary, description=summary[0].upper() + summary[1:] + ".",
        epilog=f"examples:\n{examples}\n\n{HELP}", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(run=run, check=check)
    return parser


def add_output(parser: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS, secrets: bool = True) -> None:
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


def output_options(args: argparse.Namespace) -> Options:
    return Options(args.output, args.fields or (), not args.no_headers, getattr(args, "show_secrets", False))
