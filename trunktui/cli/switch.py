"""The switch a scripting command talks to: the dashboard's options, profiles and password rules, no screen.

The session is made exactly as the dashboard makes it (``launch.plan``):
the same profiles file, overrides and order of password sources. What
differs is what a script cannot do: with no switch named it never falls
back to the demo unseen (``--demo`` says so), and with no password and no
terminal it stops at once (``NoPassword``) rather than wait on a prompt
nobody sees. Changes are audited as from the app (``Session.audit``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from trunktui.cli.exits import NoPassword, UsageError
from trunktui.text import printable

if TYPE_CHECKING:
    from trunktui.api import SippyClient
    from trunktui.profiles.session import Session


@dataclass(frozen=True)
class Switch:
    """An open client and the session it was made from."""

    client: SippyClient
    session: Session

    @property
    def production(self) -> bool:
        return self.session.production

    @property
    def read_only(self) -> bool:
        return self.session.read_only


def interactive() -> bool:
    """Whether someone is there to answer a question: stdin and stderr are both a terminal."""
    return sys.stdin.isatty() and sys.stderr.isatty()


@contextmanager
def open_switch(args: argparse.Namespace) -> Iterator[Switch]:
    """Connect as the options say; the client (and the demo's simulator) closes on leaving."""
    from trunktui.cli.launch import plan

    launch = plan(args)
    if launch.session is None and not args.demo:
        raise UsageError("no switch given: use --profile NAME (or a default profile), --url with --user, "
                         "or --demo for the built-in simulator")
    with ExitStack() as stack:
        if launch.session is None:
            session = stack.enter_context(_demo(args))
        else:
            session = launch.session
            if session.ask_password:
                session = replace(session, settings=replace(session.settings, password=_ask(session)))
        switch = _switch(session)
        stack.callback(switch.client.close)
        yield switch


def _switch(session: Session) -> Switch:
    from trunktui.api import SippyClient

    return Switch(SippyClient(session.settings, audit=session.audit()), session)


def _ask(session: Session) -> str:
    from trunktui.profiles.credentials import PASSWORD_VARIABLE

    if not interactive():
        raise NoPassword(f"no password for {printable(session.who)}: set {PASSWORD_VARIABLE}, or give the "
                         "profile a password_command; there is no terminal to ask on")
    password = getpass.getpass(f"Password for {printable(session.who)}: ")
    if not password:
        raise NoPassword("no password given")
    return password


@contextmanager
def _demo(args: argparse.Namespace) -> Iterator[Session]:
    """A fresh simulator with demo data on a loopback port, for the length of one command: changes are lost."""
    from trunktui.api import ConnectionSettings
    from trunktui.profiles.session import Session
    from trunktui.simulator import start_demo
    from trunktui.versions import Api

    api = Api.V2022 if args.api == Api.V2022.value else Api.V2020
    server, logins = start_demo(random_passwords=True, api=api)
    try:
        settings = ConnectionSettings(server.url, username=logins[0].login, password=logins[0].password,
                                      read_only=args.read_only, api=args.api or "auto")
        session = Session(settings, profile="demo", demo=True)
        if args.concurrency is not None:
            session = replace(session, concurrency=args.concurrency)
        yield session
    finally:
        server.stop()
