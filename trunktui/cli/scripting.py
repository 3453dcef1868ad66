"""The scripting commands (``accounts``, ``trunks``, ``connections``): one parser, one way out.

Each noun's module adds its verbs (``register``) with their help, examples,
a ``run`` function and maybe a ``check`` of what is wrong whatever the
switch holds. ``run`` here makes that check before any password is asked
for, connects as the dashboard's options say (``switch.open_switch``), calls
the verb, and turns whatever went wrong into one line on stderr and an exit
code (``exits.exit_for``). Data goes to stdout; messages, progress and
questions to stderr. Building the parsers loads no engine (the client,
search, bulk): the verbs import them when they run, so ``trunktui --help``
and the dashboard start quickly.
"""

from __future__ import annotations

import argparse
import os
import sys

from trunktui.cli.exits import HELP, Exit, exit_for
from trunktui.errors import TrunkTuiError
from trunktui.text import printable


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


def run(args: argparse.Namespace) -> int:
    """Run the scripting command ``args`` names; return its exit code."""
    from trunktui.cli.switch import open_switch

    try:
        if args.check is not None:
            args.check(args)
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
    except Exception as error:  # noqa: BLE001 - one line, never a traceback with what it held
        print(f"trunktui: unexpected {type(error).__name__}: {printable(error, 300)}", file=sys.stderr)
        return Exit.FAULT
