"""From the command line to a running dashboard.

``plan`` checks the options, reads the profiles file, checks the CA
certificates and then obtains the password (all before any screen opens, so
mistakes come back as plain messages, and none after a password was given),
and returns the function that runs the app.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace

from trunktui.api import ConnectionSettings
from trunktui.errors import TrunkTuiError
from trunktui.profiles.config import Config, ConfigError, Profile, config_path, load_config
from trunktui.profiles.credentials import resolve_password
from trunktui.profiles.session import Overrides, Session, check_trust, session_for

DEMO_HINT = (
    "No switch given, so this is the built-in simulator with demo data. "
    "To use a real switch: trunktui --url HOST --user LOGIN, or a profile (trunktui config init)."
)


class LaunchError(TrunkTuiError):
    """The command line asks for something contradictory."""


@dataclass(frozen=True)
class Launch:
    """What to start: a session on a switch, or (``session`` None) the demo."""

    session: Session | None
    config: Config | None = None
    hint: str = ""
    read_only: bool = False
    account: int | str | None = None
    api: str | None = None
    concurrency: int | None = None

    def __call__(self) -> int:
        if self.session is None:
            return run_demo(hint=self.hint, read_only=self.read_only, account=self.account, api=self.api,
                            concurrency=self.concurrency)
        return run_app(replace(self.session, account=self.account), self.config)


def _check(args: argparse.Namespace) -> None:
    if args.demo and (args.url or args.trusted or args.profile):
        raise LaunchError("--demo cannot be combined with --url, --trusted or --profile")
    if args.profile and (args.url or args.user or args.trusted):
        raise LaunchError("--profile already names the switch; drop --url, --user and --trusted")
    if args.customer is not None and not args.trusted:
        raise LaunchError("--customer goes with --trusted")
    if args.trusted and args.user:
        raise LaunchError("--trusted sends no login; drop --user")
    if (args.user or args.trusted) and not args.url:
        raise LaunchError("give the switch with --url")
    if args.url and not (args.user or args.trusted):
        raise LaunchError("give --user NAME, or --trusted --customer ID")
    if args.insecure and args.ca_bundle:
        raise LaunchError("--insecure and --ca-bundle contradict each other")


def plan(args: argparse.Namespace) -> Launch:
    account = _account(args.account)
    return replace(_plan(args), account=account)


def _account(text: str | None) -> int | str | None:
    """``--account``: ASCII digits are an i_account, anything else (``²`` too, which ``int`` refuses) a username."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        raise LaunchError("--account needs an account id or username")
    return int(text) if text.isascii() and text.isdigit() else text


def _plan(args: argparse.Namespace) -> Launch:
    _check(args)
    overrides = Overrides(read_only=args.read_only, verify=False if args.insecure else None,
                          ca_bundle=args.ca_bundle, timeout=args.timeout, api=args.api,
                          concurrency=args.concurrency)
    if args.demo:
        check_trust(None, overrides)
        return Launch(None, read_only=args.read_only, api=args.api, concurrency=args.concurrency)
    if args.url:
        command_line = Profile(name="", url=args.url, mode="trusted" if args.trusted else "digest",
                               username=args.user or "", i_customer=args.customer)
        check_trust(command_line, overrides)
        session = session_for(command_line, resolve_password(None), overrides)
        try:
            config = load_config()
        except ConfigError:
            config = None
        return Launch(session, config)
    config = load_config()
    if config is None and args.profile:
        raise ConfigError(config_path(), "no profiles file here; create one with: trunktui config init")
    if config is None or not (args.profile or config.default or len(config.profiles) == 1):
        check_trust(None, overrides)
        return Launch(None, hint=DEMO_HINT, read_only=args.read_only, api=args.api,
                      concurrency=args.concurrency)
    profile = config.profile(args.profile)
    check_trust(profile, overrides)
    return Launch(session_for(profile, resolve_password(profile), overrides), config)


def run_app(session: Session, config: Config | None) -> int:
    from trunktui.tui import terminal
    from trunktui.tui.app import TrunkApp

    return terminal.run(TrunkApp(session, config))


def run_demo(hint: str, read_only: bool, account: int | str | None = None, api: str | None = None,
             concurrency: int | None = None) -> int:
    """Serve demo data on an ephemeral loopback port with fresh credentials.

    The simulator speaks the 2022+ API when ``api`` is "2022", else the
    2020 one; trunktui then speaks what ``api`` names, or works it out.
    """
    from trunktui.simulator import start_demo
    from trunktui.versions import Api

    server, logins = start_demo(random_passwords=True, api=Api.V2022 if api == Api.V2022.value else Api.V2020)
    try:
        login = logins[0]
        settings = ConnectionSettings(server.url, username=login.login, password=login.password, read_only=read_only,
                                      api=api or "auto")
        session = Session(settings, profile="demo", demo=True, hint=hint, account=account)
        if concurrency is not None:
            session = replace(session, concurrency=concurrency)
        return run_app(session, None)
    finally:
        server.stop()
