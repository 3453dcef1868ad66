"""Remake the README's screenshots: ``python screenshots/make.py``.

Starts the demo simulator in this process (fresh random login passwords, the
usual deterministic demo data), drives trunktui headless with Textual's
pilot, and writes one SVG per screen next to this file. Nothing is saved to
the simulator and the user's recent-accounts file is not touched: the app's
state goes to a temporary directory.

Every picture is read back before the script ends; if any shows a password
from the demo data, the script says which and exits with status 1.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import DataTable, Input  # noqa: E402

from trunktui.api import ConnectionSettings  # noqa: E402
from trunktui.simulator import DemoLogin, SimulatorServer, start_demo  # noqa: E402
from trunktui.tui.app import Session, TrunkApp  # noqa: E402
from trunktui.tui.grid import Grid  # noqa: E402

SIZE = (110, 32)
ACCOUNT_ROW = 0  # acme-wholesale, account 1
TRUNK = "cogent-fra-tdm"  # has NULLs and a (masked) password

Steps = Callable[[Pilot], Awaitable[None]]


# --- driving the app ---------------------------------------------------------------------


async def settle(pilot: Pilot) -> None:
    """Wait for every call to answer, and stop text cursors blinking."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for screen in pilot.app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False


async def open_account(pilot: Pilot) -> None:
    await settle(pilot)
    table = pilot.app.screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=ACCOUNT_ROW, animate=False)
    await pilot.press("enter")
    await settle(pilot)


async def select_trunk(pilot: Pilot, name: str) -> None:
    await open_account(pilot)
    screen = pilot.app.screen
    row = next(i for i, trunk in enumerate(screen.shown) if trunk.name == name)  # type: ignore[attr-defined]
    screen.query_one(Grid).move_cursor(row)
    await pilot.pause()


async def open_trunk(pilot: Pilot) -> None:
    await select_trunk(pilot, TRUNK)
    await pilot.press("enter")
    await settle(pilot)


async def replace_text(pilot: Pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.pause()
    await pilot.press("home", "ctrl+k", *text)


# --- the screens ---------------------------------------------------------------------------


async def accounts(pilot: Pilot) -> None:
    """The picker after a visit to account 1, which is now starred as recent."""
    await open_account(pilot)
    await pilot.press("escape")


async def trunks(pilot: Pilot) -> None:
    await select_trunk(pilot, TRUNK)


async def trunk(pilot: Pilot) -> None:
    await open_trunk(pilot)


async def save(pilot: Pilot) -> None:
    """Capacity from NULL to 240, a new description and password: Ctrl+S shows old -> new."""
    await open_trunk(pilot)
    pilot.app.screen.query_one("#field-capacity #null").focus()
    await pilot.press("space")
    await replace_text(pilot, "#field-capacity #input", "240")
    await replace_text(pilot, "#field-description #input", "Cogent Frankfurt, TDM gateway")
    await replace_text(pilot, "#field-password #input", "an-example-secret")
    await pilot.press("ctrl+s")


async def new(pilot: Pilot) -> None:
    await open_account(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*"lumen-ams-03", "tab", *"192.0.2.10:5060")


async def delete(pilot: Pilot) -> None:
    await select_trunk(pilot, "tata-mia-11")
    await pilot.press("d")


async def help_(pilot: Pilot) -> None:
    await open_account(pilot)
    await pilot.press("f1")


SHOTS: dict[str, Steps] = {
    "accounts": accounts,
    "trunks": trunks,
    "trunk": trunk,
    "save": save,
    "new": new,
    "delete": delete,
    "help": help_,
}


async def shoot(settings: ConnectionSettings, steps: Steps) -> str:
    app = TrunkApp(Session(settings, demo=True))
    app.theme = "textual-dark"  # the default, whatever TEXTUAL_THEME says
    async with app.run_test(size=SIZE) as pilot:
        await steps(pilot)
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        return app.export_screenshot()


# --- no secret in a picture -----------------------------------------------------------------


def secrets_of(server: SimulatorServer, logins: list[DemoLogin]) -> set[str]:
    """The login passwords, every trunk password in the demo data, and the one typed above."""
    store = server.store
    found = {login.password for login in logins} | {"an-example-secret"}
    for login in logins:
        for account in store.list_accounts(login.i_customer, 0, 1000):
            for row in store.list_trunks(account["i_account"]):
                found |= {row["password"], row["password_backup"]}
    return {secret for secret in found if secret}


def shown_text(svg: str) -> list[str]:
    """The document, and each screen line with its styled pieces joined."""
    lines: dict[str, list[str]] = {}
    for line, text in re.findall(r'<text [^>]*clip-path="url\(#terminal-(?:\d+-)?line-(\d+)\)"[^>]*>(.*?)</text>', svg):
        lines.setdefault(line, []).append(html.unescape(text))
    return [html.unescape(svg), *("".join(pieces).replace("\xa0", " ") for pieces in lines.values())]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="trunktui-screenshots-") as state:
        for variable in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[variable] = str(Path(state) / variable.lower())
        os.environ.pop("NO_COLOR", None)  # the pictures are for the README, in colour
        server, logins = start_demo(random_passwords=True)
        try:
            login = logins[0]
            settings = ConnectionSettings(server.url, username=login.login, password=login.password)
            secrets = secrets_of(server, logins)
            leaked: list[str] = []
            for name, steps in SHOTS.items():
                svg = asyncio.run(shoot(settings, steps))
                path = HERE / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                print(f"wrote {path.relative_to(HERE.parent)}")
                if any(secret in text for text in shown_text(svg) for secret in secrets):
                    leaked.append(path.name)
        finally:
            server.stop()
    if leaked:
        print(f"A password is visible in: {', '.join(leaked)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
