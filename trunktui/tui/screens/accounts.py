"""The account picker: recent accounts first, then every account, loaded page by page in the background.

Start-up costs one small call before the list can be used; the remaining
pages follow one at a time while the operator types (Escape stops them),
and the filter covers everything loaded so far. An account to open at start
goes first: its trunks are the first call (after looking it up, unless it is
a recent account named by id), and the pages wait until the picker is shown. Text that is exactly a
username or id not loaded yet is looked up with ``getAccountInfo`` after a
short pause in typing; the status line says so until the switch answers,
and Enter takes that answer, an account or a fault, rather than asking
again. A number and Enter opens that ``i_account`` loaded or not. What the
list and its status line say comes from one ``AccountList`` (see
``account_list``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from trunktui.errors import FaultError, TrunkTuiError
from trunktui.model import Account
from trunktui.text import printable, quoted
from trunktui.tui.account_list import AccountList, Phase, PickerRow, Tone, shown_text
from trunktui.tui.base import AppScreen, Context
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import cell, money
from trunktui.tui.grid import Grid
from trunktui.tui.recent import RecentAccount
from trunktui.tui.widgets import SafeInput, StatusLine

if TYPE_CHECKING:
    from trunktui.tui.screens.search import SearchScreen

PAGE_SIZE = 100
LOOKUP_PAUSE = 0.4
"""Seconds of no typing before filter text that names no loaded account is looked up on the switch."""
COLUMNS = (("mark", ""), ("id", "ID"), ("username", "Username"), ("description", "Description"),
           ("status", "Status"), ("balance", "Balance"), ("currency", "Cur."))


class AccountsPage(Outcome):
    """One page of ``listAccounts``, fetched from ``offset`` for list ``generation``."""

    def __init__(self, generation: int, offset: int, accounts: list[Account]) -> None:
        super().__init__("accounts")
        self.generation = generation
        self.offset = offset
        self.accounts = accounts


class AccountFound(Outcome):
    """An account looked up by id or username, to open."""

    def __init__(self, account: Account) -> None:
        super().__init__("open")
        self.account = account


class AccountLookedUp(Outcome):
    """The switch's answer to filter ``text``, looked up for list ``generation`` as an exact id or username:
    the account, to show, or the fault that says it found none."""

    def __init__(self, generation: int, text: str, answer: Account | FaultError) -> None:
        super().__init__("lookup")
        self.generation = generation
        self.text = text
        self.answer = answer


class FilterBox(SafeInput):
    """The picker's filter box: ↓ goes into the list, and Home and End to its first or last row, as the box
    handles the key, and the keys behind it in the same burst are then not typed here.

    The keys of a burst (``Down f``) are all queued at the box before it handles the first; were the focus
    moved only once ↓ had bubbled up to the picker, the box would already have typed ``f``. Keys that find
    the focus gone go on to the picker, which gives them to the list's keys (``keys_of_a_burst``).
    """

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if screen.focused is not self:
            event.prevent_default()
        elif event.key in ("down", "home", "end") and isinstance(screen, AccountsScreen):
            event.prevent_default()
            event.stop()
            screen.into_list(event.key)


def picker_cells(row: PickerRow) -> list[Text]:
    account = row.account
    status = Text()
    if account is not None and account.blocked:
        status.append("blocked ", style="bold red")
    if account is not None and account.expired:
        status.append("expired", style="yellow")
    return [
        Text("★", style="yellow") if row.recent else Text(""),
        cell(row.i_account),
        cell(row.username),
        cell(row.description),
        status,
        money(account.balance) if account else Text(""),
        cell(account.base_currency) if account else Text(""),
    ]


class AccountsScreen(AppScreen[None]):
    """Pick the account whose trunks to browse."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=False, tooltip="Open the highlighted account's trunks"),
        Binding("slash", "focus_filter", "Filter", key_display="/",
                tooltip="Filter the accounts by username, description or id"),
        Binding("f", "search", "Find"),
        Binding("r", "refresh", "Refresh", tooltip="Load the account list again (in the filter box: F5)"),
        # Both shown: the footer shows r, or F5 where r types into the filter box.
        Binding("f5", "refresh", "Refresh", key_display="F5"),
        Binding("escape", "escape", "Clear", show=False,
                tooltip="Stop loading or waiting, or clear the filter"),
        Binding("q", "app.ask_quit", "Quit, after asking (Ctrl+Q quits at once)", show=False),
    ]

    def __init__(self, context: Context, open_first: int | str | None = None) -> None:
        """``open_first``: an i_account or username to open at once, as if picked."""
        super().__init__(context)
        self.open_first = open_first
        self.accounts = AccountList([])
        self.widths: list[int] = []
        self.asked_name = ""
        self.refusal: FaultError | None = None
        """Why the switch could not look up ``asked_name``, which is then searched for in the list."""
        self.lookup_timer: Timer | None = None
        self.pages_asked = False
        self.search_opened: SearchScreen | None = None
        """The search ``f`` opened, while the keys typed after it in the same burst may still arrive here."""

    def compose(self) -> ComposeResult:
        yield Header()
        with_hint = "Filter by username, description or id; a number + Enter opens that i_account"
        yield FilterBox(placeholder=with_hint, id="filter", compact=True, classes="toolbar")
        yield Static("★ recently used · Enter opens · ↓ into the list", classes="hint")
        yield Grid(COLUMNS, picker_cells, sortable=False, fixed=3, id="accounts")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    @property
    def grid(self) -> Grid[PickerRow]:
        return self.query_one("#accounts", Grid)

    @property
    def filter_box(self) -> Input:
        return self.query_one("#filter", Input)

    def on_mount(self) -> None:
        self.accounts = AccountList(self.context.recent.load())
        self.remeasure()
        if self.open_first is None:
            self.load_pages()
        else:
            self.open_at_start(self.open_first)

    def on_screen_resume(self) -> None:
        """Shown, and not waiting to open an account: the pages are wanted now."""
        self.search_opened = None
        if self.is_active and self.accounts.opening is None:
            self.load_pages()

    def open_at_start(self, key: int | str) -> None:
        """Open the account asked for at start, its trunks the first call made if it can be.

        A recent account named by id opens at once, named as remembered:
        the trunk list checks that it still exists. Any other is looked up
        first, for its id and name.
        """
        remembered = next((entry for entry in self.accounts.recent if entry.i_account == key), None)
        if isinstance(key, int) and remembered is not None:
            self.open_account(Account(key, username=remembered.username, description=remembered.description))
        else:
            self.open_by(key)

    def load_pages(self) -> None:
        """Start loading the list's pages, unless they have been asked for already."""
        if not self.pages_asked:
            self.pages_asked = True
            self.load_next()

    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        """Start again from the first page; a page or lookup still on its way is dropped, and the rows
        shown stay until the first page replaces them."""
        self.accounts.restart()
        self.remeasure()
        self.load_next()

    def load_next(self) -> None:
        """Ask for the next page while the list is loading; each page asks for the one after it."""
        accounts = self.accounts
        if accounts.phase is not Phase.LOADING:
            return
        offset, generation, client = accounts.offset, accounts.generation, self.client
        self.run_call("accounts", lambda: client.list_accounts(offset, PAGE_SIZE),
                      lambda page: AccountsPage(generation, offset, page))

    @on(AccountsPage)
    def page_loaded(self, page: AccountsPage) -> None:
        accounts = self.accounts
        if (page.generation, page.offset) != (accounts.generation, accounts.offset) \
                or accounts.phase is not Phase.LOADING:
            return
        replacing = accounts.stale
        added = accounts.add_page(page.accounts, PAGE_SIZE)
        self.seek()
        if replacing:
            self.remeasure()
        else:
            self.widen(added)
        self.load_next()

    @on(AccountLookedUp)
    def looked_up(self, answer: AccountLookedUp) -> None:
        accounts = self.accounts
        if answer.generation != accounts.generation:
            return
        if accounts.looking_up == answer.text:
            accounts.looking_up = None
        if isinstance(answer.answer, FaultError):
            accounts.refused[answer.text] = answer.answer
            self.rebuild()
        else:
            self.widen(accounts.add_found(answer.answer))

    @on(AccountFound)
    def account_found(self, found: AccountFound) -> None:
        self.accounts.opening = None
        self.open_account(found.account)

    @on(CallFailed)
    def call_failed(self, failed: CallFailed) -> None:
        """A failed page stops the loading; a failed lookup says nothing (the account may not exist);
        a username the switch cannot look up is searched for in the list instead."""
        accounts = self.accounts
        if failed.purpose in ("open-id", "open-name"):
            accounts.opening = None
            self.load_pages()
        if failed.purpose == "accounts":
            accounts.fail(failed.error)
        elif failed.purpose == "lookup":
            accounts.looking_up = None
        elif failed.purpose == "open-name" and isinstance(failed.error, FaultError):
            self.search_list(self.asked_name, failed.error)
        else:
            self.cannot_open(failed.error)
        self.rebuild()

    def cannot_open(self, error: TrunkTuiError) -> None:
        self.accounts.trouble = f"Cannot open that account: {error}"
        self.notify(printable(error), title="Cannot open account", severity="error", markup=False)

    def search_list(self, name: str, refusal: FaultError) -> None:
        """The switch could not look ``name`` up: look for it in the list's pages, loading them all."""
        accounts = self.accounts
        accounts.seeking, self.refusal = name, refusal
        if accounts.phase in (Phase.STOPPED, Phase.FAILED):
            self.action_refresh()
        self.seek()

    def seek(self) -> None:
        """Open the username being searched for once a page holds it; say so if the whole list does not."""
        accounts = self.accounts
        name = accounts.seeking
        if name is None:
            return
        account = accounts.find(name)
        if account is not None:
            accounts.seeking = None
            self.open_account(account)
        elif accounts.phase is Phase.COMPLETE:
            accounts.seeking = None
            accounts.trouble = (f"No account named {quoted(name)} in the list "
                                f"(the switch could not look it up: {self.refusal})")

    def remeasure(self) -> None:
        """Measure every row again (after a restart, or a change to the recent ones), then show them."""
        self.widths = self.grid.measure(self.accounts.rows())
        self.rebuild()

    def widen(self, rows: list[PickerRow]) -> None:
        """New rows arrived: widen the columns they need, then show the list.

        Columns are as wide as every row needs, so they do not jump as the
        filter narrows; only the new rows are measured, so a page costs what
        its own rows do.
        """
        self.widths = [max(old, new) for old, new in zip(self.widths, self.grid.measure(rows), strict=True)]
        self.rebuild()

    def current(self) -> PickerRow | None:
        grid = self.grid
        return grid.rows[grid.cursor_row] if grid.cursor_row >= 0 else None

    def rebuild(self) -> None:
        """Show the rows the filter lets through, keeping the highlighted account, and say what they are."""
        typed = self.filter_box.value.strip()
        wanted = typed.casefold()
        rows = self.accounts.rows()
        shown = [row for row in rows if row.matches(wanted)] if wanted else rows
        selected = self.current()
        keep = next((i for i, row in enumerate(shown) if selected and row.i_account == selected.i_account), 0)
        self.grid.show(shown, self.widths, cursor=keep)
        self.describe()

    def describe(self) -> None:
        """Say what the list shows, naming the key that loads it again from where the focus is."""
        message, tone = self.accounts.summary(self.filter_box.value.strip(), self.grid.rows, self.retry_key())
        status = self.query_one(StatusLine)
        if tone is Tone.FAULT:
            status.fault(message)
        elif tone is Tone.BUSY:
            status.busy(message)
        else:
            status.show(message)

    def on_descendant_focus(self) -> None:
        self.describe()

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.accounts.trouble = ""
        self.rebuild()
        if self.lookup_timer is not None:
            self.lookup_timer.stop()
        if self.lookup_text():
            self.lookup_timer = self.set_timer(LOOKUP_PAUSE, self.look_up)

    def lookup_text(self) -> str:
        """The filter's text, if it may be an account's exact username or id that is not loaded yet
        and the switch has not already answered for."""
        text = self.filter_box.value.strip()
        accounts = self.accounts
        if not text or accounts.phase is Phase.COMPLETE or text in accounts.refused or accounts.knows(text):
            return ""
        return text

    def look_up(self) -> None:
        """Ask the switch for the account the filter's text names; a fault is its answer that there is none."""
        text = self.lookup_text()
        if not text:
            return
        client, accounts = self.client, self.accounts
        generation, by_id = accounts.generation, text.isascii() and text.isdigit()

        def ask() -> Account | FaultError:
            try:
                return client.get_account(i_account=int(text)) if by_id else client.get_account(username=text)
            except FaultError as refusal:
                return refusal

        accounts.looking_up = text
        self.describe()
        self.run_call("lookup", ask, lambda answer: AccountLookedUp(generation, text, answer))

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        """A number opens that i_account; other text opens the highlighted row, or, if none is shown,
        the account with exactly that username."""
        text = event.value.strip()
        if text.isascii() and text.isdigit():
            self.open_by(int(text))
        elif self.current() is None and text:
            self.open_by(text)
        else:
            self.action_open()

    @on(Grid.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def on_key(self, event: events.Key) -> None:
        """``/`` and the text typed after it in one burst land in the filter box, not in the list's own
        keys (``r``, ``q``) or nowhere; ``f`` opens the search at once, for the same reason, and the text
        typed after it in the burst lands in the search's query box."""
        search = self.search_opened
        if search is not None and self.app.screen is search and event.character is not None and event.is_printable:
            event.stop()
            event.prevent_default()
            search.type_ahead(event.character)
            return
        self.keys_of_a_burst(event, {"slash": self.action_focus_filter, "f": self.action_search})

    def into_list(self, key: str) -> None:
        """From the filter box, Down goes into the list, and Home and End to its first or last row.

        The picker opens with the filter box focused, where Home and End were
        the box's own keys; on the trunk table, and now here, they move the
        cursor. Ctrl+A and Ctrl+E still move within the box.
        """
        self.set_focus(self.grid)
        if key == "home":
            self.grid.move_cursor(0)
        elif key == "end":
            self.grid.move_cursor(self.grid.row_count - 1)

    def action_focus_filter(self) -> None:
        """Focus the filter box at once (``focus()`` waits its turn), so keys typed in the same burst
        as ``/`` land in it, not in the list."""
        self.set_focus(self.filter_box)

    def action_search(self) -> None:
        from trunktui.tui.screens.search import SearchScreen

        search = SearchScreen(self.context)
        if self.open(search):
            self.search_opened = search

    def action_escape(self) -> None:
        """Stop what is on its way (pages, a lookup, an open); with nothing on its way, clear the filter."""
        stopped = self.stop_waiting()
        if stopped:
            accounts = self.accounts
            if not self.pages_asked:
                self.load_pages()
            elif accounts.phase is Phase.LOADING:
                accounts.phase = Phase.STOPPED
            accounts.seeking = accounts.opening = accounts.looking_up = None
            if stopped & {"open-id", "open-name"}:
                accounts.trouble = "Stopped waiting for the switch to open the account."
            self.describe()
            return
        box = self.filter_box
        if box.value:
            box.value = ""
        self.set_focus(self.grid)

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.open_by(row.i_account)

    def open_by(self, key: int | str) -> None:
        """Open an account by i_account or username: at once if loaded, otherwise looked up on the switch,
        unless the switch has already said it found none by that id or name."""
        accounts = self.accounts
        accounts.trouble = ""
        if self.lookup_timer is not None:
            self.lookup_timer.stop()
        account = accounts.find(key)
        if account is not None:
            self.open_account(account)
            return
        refusal = accounts.refused.get(str(key))
        if refusal is not None:
            if isinstance(key, int):
                self.cannot_open(refusal)
            else:
                self.search_list(key, refusal)
            self.rebuild()
            return
        client = self.client
        accounts.opening = printable(key, 60)
        self.describe()
        if isinstance(key, int):
            self.run_call("open-id", lambda: client.get_account(i_account=key), AccountFound)
        else:
            self.asked_name = key
            self.run_call("open-name", lambda: client.get_account(username=key), AccountFound)

    def open_account(self, account: Account) -> None:
        from trunktui.tui.screens.trunks import TrunksScreen

        if not isinstance(account.i_account, int):
            self.accounts.trouble = f"Account {quoted(account.i_account)} has no usable id."
            self.describe()
            return
        if not self.open(TrunksScreen(self.context, account)):
            return
        recent = self.context.recent
        recent.remember(RecentAccount(account.i_account, shown_text(account.username),
                                      shown_text(account.description, 80)))
        self.accounts.recent = recent.load()
        self.remeasure()
