"""Driving the app in pilot tests: making it, reading the screen, pressing keys, waiting.

The one copy of these helpers, shared by every pilot test (flows,
snapshots, resilience, profiles, hostile UI) and by ``screenshots/make.py``.
Each helper waits for what it starts (workers, rendering) so tests read as
an operator's steps. Two private Textual names are used, in one place each:
the screen's compositor to read what is rendered (``screen_text``), and the
pilot's idle polling step (``brisk_pilot``).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from xmlrpc.client import Fault

import httpx
import pytest
from rich.text import Text
from textual import events
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static
from textual.worker import WorkerState

import trunktui.tui.app as app_module
from tests.conftest import Sim
from trunktui.api import SippyClient
from trunktui.errors import FaultError
from trunktui.model import Trunk
from trunktui.profiles.config import Config
from trunktui.simulator import DemoLogin, Store
from trunktui.text import printable
from trunktui.tui.app import Session, TrunkApp
from trunktui.tui.form import FieldEditor
from trunktui.tui.grid import Grid
from trunktui.tui.screens.accounts import PAGE_SIZE, AccountsScreen
from trunktui.tui.screens.choose import ChoiceScreen
from trunktui.tui.screens.confirm import ConfirmScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen
from trunktui.versions import Api

SIZE = (100, 44)  # tall enough for the whole trunk form, so its fields can be clicked
WHOLESALE = "acme-wholesale"
PROFILE_OPTIONS = frozenset({"label", "production", "profile"})


def make_app(sim: Sim, *, login: str = "acme", settings: Mapping[str, Any] | None = None,
             config: Config | None = None, **session: Any) -> TrunkApp:
    """The app on the simulator over real HTTP, as ``login``, in Textual's default theme.

    It is ``trunktui --demo`` (titled DEMO, the login shown as
    ``acme@simulator``) unless a profile's ``label``, ``production`` or
    ``profile`` is given, or ``demo=False``. ``settings`` change the
    connection's (``{"password": ""}`` makes the app ask for it).
    """
    session.setdefault("demo", not PROFILE_OPTIONS & session.keys())
    app = TrunkApp(Session(sim.settings(login, **(settings or {})), **session), config)
    app.theme = "textual-dark"  # the default, whatever TEXTUAL_THEME says
    return app


# --- the server's side --------------------------------------------------------------


# ``client`` (tests/conftest.py) is the test's own connection to the simulator,
# separate from the app's.


def route_app_through(monkeypatch: pytest.MonkeyPatch, transport: httpx.BaseTransport) -> None:
    """Every client the app creates sends through ``transport``."""
    monkeypatch.setattr(app_module, "SippyClient",
                        lambda settings, **options: SippyClient(settings, transport=transport, **options))


def server_trunks(client: SippyClient, i_account: int, pattern: str | None = None) -> list[Trunk]:
    return client.list_trunks(i_account, pattern)


def server_trunk(client: SippyClient, i_trunk: int) -> Trunk | None:
    """The trunk as the switch now has it, or None if it is gone."""
    try:
        return client.get_trunk(i_trunk)
    except FaultError as error:
        assert error.code == 404
        return None


def add_accounts(sim: Sim, count: int, prefix: str = "bulk", **details: Any) -> list[int]:
    """Give the acme login ``count`` more accounts, straight into the store."""
    customer = sim.logins["acme"].i_customer
    return [sim.store.add_account(customer, f"{prefix}-{n:03d}", **details) for n in range(count)]


LONG_NAME = ("lumen-ams-03-imported-from-the-old-switch-" * 120)[:5000]


def add_long_named_trunk(store: Store) -> int:
    """Give account 1 (acme-wholesale) a trunk named with 5,000 characters, last in its list; return its id."""
    (i_trunk,) = store.insert_trunks([{"i_account": 1, "name": LONG_NAME, "destination": "192.0.2.1:5060",
                                       "description": "Named at length"}])
    return i_trunk


def failing_account(sim: Sim, i_account: int, words: str) -> None:
    """From now on the switch refuses to list account ``i_account``'s trunks (Fault 503, ``words``), as a
    busy database does: a search over every account leaves that one unread."""
    answer = sim.store.trunk_batches

    def batches(account: int, *args: Any, **kwargs: Any) -> Any:
        if account == i_account:
            raise Fault(503, words)
        return answer(account, *args, **kwargs)

    sim.store.trunk_batches = batches  # type: ignore[method-assign]


def account_id(client: SippyClient, username: str) -> int:
    i_account = client.get_account(username=username).i_account
    assert isinstance(i_account, int)
    return i_account


# --- reading the screen -------------------------------------------------------------


def screen_text(app: TrunkApp) -> str:
    """The current screen as last laid out and rendered: a line of plain text per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def rendered(pilot: Pilot[None], *needles: str, pattern: str | None = None, timeout: float = 5.0) -> str:
    """The rendered screen, once it shows every needle (and matches ``pattern``).

    Rendering trails widget state (a table sizes itself when idle), so this
    polls instead of reading the screen once.
    """
    text = ""
    for _ in range(int(timeout / 0.01)):
        text = screen_text(pilot.app)
        if all(n in text for n in needles) and (pattern is None or re.search(pattern, text)):
            return text
        await pilot.pause(0.01)
    raise AssertionError(f"never rendered {needles or pattern!r}; the screen shows:\n{text}")


def static_text(widget: Static) -> str:
    """The text a Static holds (its state, whatever the layout)."""
    content = widget.content
    return content.plain if isinstance(content, (Text, Content)) else str(content)


def status_of(app: TrunkApp, selector: str = "#status") -> str:
    return static_text(app.screen.query_one(selector, Static))


def plain(value: object) -> str:
    return value.plain if isinstance(value, Text) else str(value)


def column(table: DataTable[Any] | Grid[Any], key: str) -> list[str]:
    if isinstance(table, Grid):
        index = table.keys.index(key)
        return [plain(table.get_row_at(row)[index]) for row in range(table.row_count)]
    return [plain(value) for value in table.get_column(key)]


def header_x(table: Grid[Any], key: str) -> int:
    """Where column ``key`` starts on the table's header line."""
    return sum(table.column_widths[: table.keys.index(key)])


def trunk_table(app: TrunkApp) -> Grid[Any]:
    assert isinstance(app.screen, TrunksScreen)
    return app.screen.query_one("#trunks", Grid)


def editor(app: TrunkApp, name: str) -> FieldEditor:
    return app.screen.query_one(f"#field-{name}", FieldEditor)


def field_input(app: TrunkApp, name: str) -> Input:
    return editor(app, name).query_one("#input", Input)


def shown_in_form(value: Any) -> str:
    """What a form input shows for a value the server sent."""
    return "" if value is None else printable(value)


# --- driving the app ----------------------------------------------------------------


def calls_running(app: TrunkApp) -> bool:
    """Whether a call the app started has yet to answer."""
    return any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in app.workers)


async def settle(pilot: Pilot[None]) -> None:
    """Let every call finish and every answer be handled, however many follow.

    Text cursors then stop blinking, so a screenshot shows the cursor
    whenever it is taken.
    """
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not calls_running(app):
            for screen in app.screen_stack:
                for box in screen.query(Input):
                    box.cursor_blink = False
            return
    raise AssertionError("workers kept starting")


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Poll (without a fixed sleep) until ``condition`` holds."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}")


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste ``text`` as a terminal does (one bracketed-paste event to the focus).

    Typing costs tens of milliseconds a key under the pilot, so long values
    are pasted; short ones, and anything checked per keystroke, are typed.
    """
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def replace_text(pilot: Pilot[None], text: str, *, field: str | None = None, pasted: bool = False) -> None:
    """Empty a text box with End, Ctrl+U, then type (or paste) ``text``.

    The focused box, or form field ``field``'s, focused first without the
    mouse (a click would leave the pointer, and its hover, on the screen).
    """
    if field is not None:
        field_input(pilot.app, field).focus()
        await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if pasted:
        await paste(pilot, text)
    else:
        await type_text(pilot, text)


async def set_value(pilot: Pilot[None], name: str, text: str) -> None:
    """Type ``text`` into field ``name`` (its NULL box unticked first, with Space), as an operator does."""
    field = editor(pilot.app, name)
    if field.is_null:
        assert field.null is not None
        field.null.focus()
        await pilot.press("space")
    await replace_text(pilot, text, field=name)


async def click_field(pilot: Pilot[None], name: str) -> Input:
    """Click a form field's input, as an operator with a mouse would."""
    box = field_input(pilot.app, name)
    await pilot.click(box)
    assert pilot.app.focused is box
    return box


async def choose(pilot: Pilot[None], option_id: str) -> None:
    """In a ChoiceScreen, move the highlight to ``option_id`` with arrows and press Enter."""
    app = pilot.app
    assert isinstance(app.screen, ChoiceScreen)
    options = app.screen.query_one(OptionList)
    assert app.focused is options
    for _ in range(options.option_count + 1):
        if options.highlighted is not None and options.get_option_at_index(options.highlighted).id == option_id:
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"no option {option_id!r}")
    await pilot.press("enter")
    await pilot.pause()


async def start(pilot: Pilot[None]) -> AccountsScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, AccountsScreen)
    return pilot.app.screen


@contextmanager
def answers_held(sim: Sim, method: str, holds: Callable[..., bool]) -> Iterator[Callable[[], None]]:
    """The store's ``method`` does not answer a call that ``holds`` (given its arguments) until the block ends,
    or until the function it gives is called."""
    gate = threading.Event()
    answer = getattr(sim.store, method)

    def held(*args: Any, **kwargs: Any) -> Any:
        if holds(*args, **kwargs):
            gate.wait(10)
        return answer(*args, **kwargs)

    setattr(sim.store, method, held)
    try:
        yield gate.set
    finally:
        gate.set()
        delattr(sim.store, method)


def pages_held(sim: Sim, offset: int) -> AbstractContextManager[Callable[[], None]]:
    """The switch answers no ``listAccounts`` page from ``offset`` on until the block ends."""
    return answers_held(sim, "list_accounts", lambda i_customer, start, limit: start >= offset)


def lookups_held(sim: Sim) -> AbstractContextManager[Callable[[], None]]:
    """The switch answers no ``getAccountInfo`` until the block ends."""
    return answers_held(sim, "get_account", lambda *args, **kwargs: True)


async def stop_after_first_page(pilot: Pilot[None], later_pages: Callable[[], None]) -> AccountsScreen:
    """Let the picker load its first page of accounts, then stop the loading with Escape.

    The pages after the first are held from before the app started (the ``later_pages_held`` fixture,
    whose release is ``later_pages``): held only from here, the second page may already be answered
    when the test first looks, and come in before Escape. Once the loading has stopped, the held
    page is let go, to be dropped.
    """
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    await until(pilot, lambda: screen.accounts.offset == PAGE_SIZE, "the first page of accounts")
    await pilot.press("escape")
    await until(pilot, lambda: not screen.calls_in_flight("accounts"), "the loading to stop")
    later_pages()
    await settle(pilot)
    assert screen.accounts.offset == PAGE_SIZE
    return screen


async def open_account(pilot: Pilot[None], username: str) -> TrunksScreen:
    """From the picker: Down into the list, to the account's row, Enter."""
    app = pilot.app
    screen = await start(pilot)
    table = screen.query_one("#accounts")  # a Grid, or a DataTable: column() and select_row() read either
    await pilot.press("down")
    await select_row(pilot, table, column(table, "username").index(username))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, TrunksScreen)
    return app.screen


async def select_row(pilot: Pilot[None], table: DataTable[Any] | Grid[Any], index: int) -> None:
    """Move the table's cursor to row ``index``: Ctrl+Home and Down, or Ctrl+End and Up."""
    assert pilot.app.focused is table
    from_end = table.row_count - 1 - index
    if index <= from_end:
        await pilot.press("ctrl+home", *["down"] * index)
    else:
        await pilot.press("ctrl+end", *["up"] * from_end)
    assert table.cursor_row == index


def trunk_key(trunk: int | str) -> str:
    """The column a trunk is found by: its i_trunk, or its name."""
    return "name" if isinstance(trunk, str) else "i_trunk"


async def select_trunk(pilot: Pilot[None], trunk: int | str) -> None:
    """Move the table's cursor to the trunk with this i_trunk (or this name)."""
    table = trunk_table(pilot.app)
    await select_row(pilot, table, column(table, trunk_key(trunk)).index(str(trunk)))


async def open_trunk(pilot: Pilot[None], trunk: int | str) -> TrunkScreen:
    """Select the trunk's row (by i_trunk or name), press Enter, and wait for the fresh copy to load."""
    await select_trunk(pilot, trunk)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TrunkScreen)
    assert screen.trunk is not None and screen.trunk.get(trunk_key(trunk)) == trunk
    return screen


async def ask_to_save(pilot: Pilot[None]) -> ConfirmScreen:
    """Ctrl+S on the trunk form; returns the confirmation dialog it opens."""
    await pilot.press("ctrl+s")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmScreen)
    return dialog


# --- screenshots ----------------------------------------------------------------------------


def svg_text(svg: str) -> Iterator[str]:
    """The text of an SVG screenshot: the whole document, then each screen line.

    A line's pieces are joined with nothing between them, so a password
    drawn in two styles (a cursor on one character, say) is still found.
    """
    yield html.unescape(svg)
    lines: dict[str, list[str]] = {}
    for line, text in re.findall(r'<text [^>]*clip-path="url\(#terminal-(?:\d+-)?line-(\d+)\)"[^>]*>(.*?)</text>', svg):
        lines.setdefault(line, []).append(html.unescape(text))
    for pieces in lines.values():
        yield "".join(pieces).replace("\xa0", " ")


def leaks(svg: str, secrets: set[str]) -> set[str]:
    """The secrets an SVG screenshot shows."""
    return {secret for text in svg_text(svg) for secret in secrets if secret in text}


def secrets_of(store: Store, logins: Iterable[DemoLogin], api: Api = Api.V2020) -> set[str]:
    """Every login's password and every trunk's (2020) or trunk connection's (2022+) of their accounts."""
    found: set[str] = set()
    for login in logins:
        found.add(login.password)
        for account in store.list_accounts(login.i_customer, 0, 1000):
            for trunk in store.list_trunks(account["i_account"], api=api):
                if api is Api.V2020:
                    found |= {trunk["password"], trunk["password_backup"]}
                else:
                    found |= {c["password"] for c in store.list_connections(login.i_customer, trunk["i_trunk"]) or ()}
    return {secret for secret in found if secret}
