"""Whether a change may be sent: the read-only, confirmation and production rules of the app, for scripts.

The order is the app's: a read-only connection refuses before anything is
sent (before anything is read, even); then the person says yes, with
``--yes`` or at a terminal, where a production profile asks them to type
the count (or, to delete one trunk, its name) as its dialogs do. Without
``--yes`` and without a terminal nothing is asked and nothing is sent: a
script that forgot ``--yes`` is a usage error, not a hang.
"""

from __future__ import annotations

import argparse
import sys

from trunktui.cli.arguments import whole
from trunktui.cli.exits import Refusal, UsageError
from trunktui.cli.switch import Switch, interactive
from trunktui.text import printable, quoted


def writable(switch: Switch, what: str) -> None:
    """Refuse a change on a read-only connection, before any call."""
    if switch.read_only:
        raise Refusal(f"this connection is read-only (--read-only or the profile's read_only): no {what} was "
                      "sent")


def add_options(parser: argparse.ArgumentParser, delete: bool = False) -> None:
    parser.add_argument("--dry-run", action="store_true", help="print old → new and send nothing")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="send without asking (a script must say it; without a terminal nothing is asked)")
    if delete:
        parser.add_argument("--confirm-name", metavar="NAME",
                            help="on a production profile, the name of the one record deleted, as a check")
    parser.add_argument("--confirm-count", type=lambda text: whole(text, 0), metavar="N",
                        help="on a production profile, how many records the change reaches, as a check")


def named(args: argparse.Namespace, switch: Switch, noun: str = "trunk") -> None:
    """On a production profile, refuse to delete one record (a ``noun``) unless its name is given, before any
    call."""
    if switch.production and args.confirm_name is None:
        raise Refusal(f"a production profile deletes only with --confirm-name NAME (the {noun}'s name) and --yes; "
                      "nothing was sent")


def confirm(args: argparse.Namespace, switch: Switch, question: str, count: int, name: object = None,
            noun: str = "trunk") -> None:
    """Go on only if the person agreed. ``name`` is the one record's (a ``noun``'s) name, for a production
    delete."""
    production = switch.production
    if production and name is not None:
        named(args, switch, noun)
        if args.confirm_name != name:
            raise Refusal(f"--confirm-name {quoted(args.confirm_name)} is not the {noun}'s name, {quoted(name)}; "
                          "nothing was sent")
        if not args.yes:
            raise Refusal("a production profile deletes only with --yes as well; nothing was sent")
        return
    if production and args.confirm_count is not None and args.confirm_count != count:
        raise Refusal(f"--confirm-count {args.confirm_count} is not the count, {count}; nothing was sent")
    if args.yes:
        if production and args.confirm_count is None and count > 1:
            raise Refusal(f"a production profile changes many records only with --confirm-count {count} as well; "
                          "nothing was sent")
        return
    if not interactive():
        raise UsageError("give --yes to send this (there is no terminal to ask on), or --dry-run to see it; "
                         "nothing was sent")
    if production:
        answer = _ask(f"{question} This is a PRODUCTION profile: type {count} to go on: ")
        agreed = answer == str(count)
    else:
        agreed = _ask(f"{question} [y/N] ").lower() in ("y", "yes")
    if not agreed:
        raise Refusal("not confirmed: nothing was sent")


def _ask(prompt: str) -> str:
    """The answer typed after ``prompt``; Ctrl-C there ends the line first, so what follows starts on its own."""
    try:
        sys.stderr.write(printable(prompt))
        sys.stderr.flush()
        return sys.stdin.readline().strip()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.stderr.flush()
        raise
