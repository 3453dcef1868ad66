"""Remake the README's screenshots: ``python screenshots/make.py`` (or only some: ``… make.py help``).

Starts the demo simulator in this process (fresh random login passwords, the
usual deterministic demo data), drives trunktui headless with Textual's
pilot, and writes one SVG per screen next to this file. Nothing is saved to
the simulator and the user's recent-accounts file is not touched: the app's
state goes to a temporary directory. The one trunk a picture needs that the
demo data lacks (a 5,000-character name) is added for that picture alone.

Every picture is read back before the script ends; if any shows a password
from the demo data, the script says which and exits with status 1.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402

from tests.conftest import Sim  # noqa: E402
from tests.tui.driving import (  # noqa: E402
    WHOLESALE,
    add_long_named_trunk,
    leaks,
    make_app,
    open_account,
    open_trunk,
    replace_text,
    secrets_of,
    select_trunk,
    set_value,
    settle,
    until,
)
from trunktui.simulator import Store, add_extra_accounts, start_demo  # noqa: E402
from trunktui.tui.screens.accounts import PAGE_SIZE, AccountsScreen  # noqa: E402
from trunktui.tui.screens.connection import ConnectionTable  # noqa: E402
from trunktui.tui.screens.search import SearchScreen  # noqa: E402
from trunktui.versions import Api  # noqa: E402

SIZE = (110, 32)
SMALL = (80, 24)
"""Help and the long-named trunk are shown as an operator on an 80x24 terminal sees them."""
TRUNK = "cogent-fra-tdm"  # has NULLs and a (masked) password
TYPED_SECRET = "an-example-secret"

Steps = Callable[[Pilot], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    """A picture: the steps to it, at ``size``. ``long_name`` adds the trunk with a 5,000-character
    name for the picture; ``many_accounts`` first gives acme 230 more, on a slow switch, and the
    picture is taken with the picker still loading them (not once every call is done). ``api`` is
    the trunks API of the switch pictured."""

    steps: Steps
    size: tuple[int, int] = SIZE
    long_name: bool = False
    many_accounts: bool = False
    searching: bool = False
    """Gives acme 200 more accounts, some with a trunk pointing at ``SEARCHED``, on a slow switch: the
    picture is taken while the search of every account is under way."""
    api: Api = Api.V2020
    """The API the demo switch speaks for the picture."""


# --- the screens ---------------------------------------------------------------------------


async def accounts(pilot: Pilot) -> None:
    """The picker after a visit to account 1, which is now starred as recent."""
    await open_account(pilot, WHOLESALE)
    await pilot.press("escape")


async def trunks(pilot: Pilot) -> None:
    await open_account(pilot, WHOLESALE)
    await select_trunk(pilot, TRUNK)


async def trunk(pilot: Pilot) -> None:
    await open_account(pilot, WHOLESALE)
    await open_trunk(pilot, TRUNK)


async def save(pilot: Pilot) -> None:
    """Capacity from NULL to 240, a new description and password: Ctrl+S shows old -> new."""
    await trunk(pilot)
    pilot.app.screen.query_one("#field-capacity #null").focus()
    await pilot.press("space")
    await replace_text(pilot, "240", field="capacity")
    await replace_text(pilot, "Cogent Frankfurt, TDM gateway", field="description")
    await replace_text(pilot, TYPED_SECRET, field="password")
    await pilot.press("ctrl+s")


async def new(pilot: Pilot) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*"lumen-ams-03", "tab", *"192.0.2.10:5060")


async def delete(pilot: Pilot) -> None:
    await open_account(pilot, WHOLESALE)
    await select_trunk(pilot, "tata-mia-11")
    await pilot.press("d")


async def help_(pilot: Pilot) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("f1")


async def trunks_long_name(pilot: Pilot) -> None:
    """At 80x24, the cursor on a trunk named with 5,000 characters: its name ends in an ellipsis."""
    await open_account(pilot, WHOLESALE)
    await pilot.press("end")


async def accounts_loading(pilot: Pilot) -> None:
    """233 accounts, the first two pages in and the third on its way, in the list."""
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    await until(pilot, lambda: screen.accounts.offset == 2 * PAGE_SIZE, "two pages of accounts")
    await pilot.press("down", *["down"] * 5)


TRUNK_2022 = "telstra-lon-02"  # Round-Robin over three SBCs


async def trunks_2022(pilot: Pilot) -> None:
    await open_account(pilot, WHOLESALE)
    await select_trunk(pilot, TRUNK_2022)


async def trunk_2022(pilot: Pilot) -> None:
    """A trunk and its connections in order, the cursor on the second."""
    await open_account(pilot, WHOLESALE)
    await open_trunk(pilot, TRUNK_2022)
    table = pilot.app.screen.query_one(ConnectionTable)
    table.focus()
    await pilot.pause()
    table.move_cursor(row=1)


async def connection_2022(pilot: Pilot) -> None:
    """One connection's form, opened from the trunk's list."""
    await trunk_2022(pilot)
    await pilot.press("enter")


SEARCHED = "198.51.100.7"


async def search(pilot: Pilot) -> None:
    """Which trunks point at an address? The search of every account, a quarter of the way through."""
    await settle(pilot)
    await pilot.press("down", "f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.press(*SEARCHED, "enter")
    await until(pilot, lambda: screen.progress.done >= 60 and len(screen.found) >= 6, "a quarter of the accounts")


async def bulk_preview(pilot: Pilot) -> None:
    """Four trunks marked, capacity and description set on them: what will be sent, before it is."""
    await open_account(pilot, WHOLESALE)
    await pilot.press("down", "space", "space", "down", "space", "space", "e")
    await settle(pilot)
    await set_value(pilot, "capacity", "60")
    await set_value(pilot, "description", "Maintenance 2026-12-01: capped")
    await pilot.press("ctrl+s")


SHOTS: dict[str, Shot] = {
    "accounts": Shot(accounts),
    "trunks": Shot(trunks),
    "trunk": Shot(trunk),
    "save": Shot(save),
    "new": Shot(new),
    "delete": Shot(delete),
    "help": Shot(help_, SMALL),
    "trunks-long-name": Shot(trunks_long_name, SMALL, long_name=True),
    "trunks-2022": Shot(trunks_2022, api=Api.V2022),
    "trunk-2022": Shot(trunk_2022, api=Api.V2022),
    "trunk-2022-small": Shot(trunk_2022, SMALL, api=Api.V2022),
    "connection-2022": Shot(connection_2022, api=Api.V2022),
    "bulk-preview": Shot(bulk_preview, SMALL),
    "search": Shot(search, SMALL, searching=True),  # these last two add accounts
    "accounts-loading": Shot(accounts_loading, SMALL, many_accounts=True),
}


@contextmanager
def long_named_trunk(store: Store) -> Iterator[None]:
    """The trunk with a long name, in account 1 (customer 1) while the block runs."""
    i_trunk = add_long_named_trunk(store)
    try:
        yield
    finally:
        store.delete_trunk(1, i_trunk)


def searched_accounts(sim: Sim) -> None:
    """200 more accounts for acme, one in seven with a trunk whose destination is ``SEARCHED``."""
    accounts = add_extra_accounts(sim.store, sim.logins["acme"].i_customer, 200)
    for n, i_account in enumerate(accounts[3::7]):
        carrier = ("telia", "lumen", "colt", "tata")[n % 4]
        sim.store.create_trunk({"i_account": i_account, "name": f"{carrier}-edge-{n:02d}",
                                "destination": f"{SEARCHED}:{5060 + n % 2}", "description": "shared SBC"})


async def shoot(sim: Sim, shot: Shot) -> str:
    if shot.searching:
        searched_accounts(sim)
        sim.server.knobs.latency = 0.3
    if shot.many_accounts:
        add_extra_accounts(sim.store, sim.logins["acme"].i_customer, 230)
        sim.server.knobs.latency = 1.0
    app = make_app(sim)
    try:
        async with app.run_test(size=shot.size) as pilot:
            await shot.steps(pilot)
            if not (shot.many_accounts or shot.searching):
                await settle(pilot)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            return app.export_screenshot()
    finally:
        sim.server.knobs.latency = 0.0


def main(names: list[str]) -> int:
    unknown = set(names) - SHOTS.keys()
    if unknown:
        print(f"No such screenshot: {', '.join(sorted(unknown))} (there are {', '.join(SHOTS)})", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="trunktui-screenshots-") as state:
        for variable in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[variable] = str(Path(state) / variable.lower())
        os.environ.pop("NO_COLOR", None)  # the pictures are for the README, in colour
        switches = {api: start_demo(random_passwords=True, api=api) for api in Api}
        try:
            sims = {api: Sim(server, server.store, {login.login: login for login in logins}, api)
                    for api, (server, logins) in switches.items()}
            secrets = {TYPED_SECRET}.union(*(secrets_of(sim.store, sim.logins.values(), sim.api)
                                             for sim in sims.values()))
            leaked: list[str] = []
            for name, shot in SHOTS.items():
                if names and name not in names:
                    continue
                sim = sims[shot.api]
                with long_named_trunk(sim.store) if shot.long_name else nullcontext():
                    svg = asyncio.run(shoot(sim, shot))
                path = HERE / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                print(f"wrote {path.relative_to(HERE.parent)}")
                if leaks(svg, secrets):
                    leaked.append(path.name)
        finally:
            for server, _ in switches.values():
                server.stop()
    if leaked:
        print(f"A password is visible in: {', '.join(leaked)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
