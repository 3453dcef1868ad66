"""Starting the dashboard: against a switch, or on the built-in simulator."""

from __future__ import annotations

from trunktui.api import ConnectionSettings
from trunktui.tui.app import Session, TrunkApp

DEMO_HINT = (
    "No switch given, so this is the built-in simulator with demo data. "
    "To use a real switch: trunktui --url HOST --user LOGIN (see trunktui --help)."
)


def run_demo(explain: bool) -> int:
    """Serve demo data on an ephemeral loopback port with fresh credentials."""
    from trunktui.simulator import start_demo

    server, logins = start_demo(random_passwords=True)
    try:
        login = logins[0]
        settings = ConnectionSettings(server.url, username=login.login, password=login.password)
        TrunkApp(Session(settings, demo=True, hint=DEMO_HINT if explain else "")).run()
    finally:
        server.stop()
    return 0


def connect_to_switch(
    *,
    url: str,
    username: str,
    password: str | None,
    trusted: bool,
    i_customer: int | None,
    ca_bundle: str | None,
    verify: bool,
    read_timeout: float,
) -> int:
    settings = ConnectionSettings(
        url,
        username=username,
        password=password or "",
        trusted=trusted,
        i_customer=i_customer,
        ca_bundle=ca_bundle,
        verify=verify,
        read_timeout=read_timeout,
    )
    TrunkApp(Session(settings, ask_password=not trusted and not password)).run()
    return 0
