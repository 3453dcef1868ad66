"""The account picker: recent accounts first, the rest page by page.

Accounts are fetched a page at a time as the cursor nears the end of what
is loaded, so a customer with thousands of accounts costs one small call at
start-up. Typing filters what is loaded; typing a number and Enter opens
that ``i_account`` directly, loaded or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Static

from trunktui.model import Account
from trunktui.text import counted, printable, quoted
from trunktui.tui.base import AppScreen, Context
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import cell
from trunktui.tui.grid import Grid
from trunktui.tui.recent import RecentAccount
from trunktui.tui.widgets import SafeInput, StatusLine

PAGE_SIZE = 100
PREFETCH_ROWS = 5
COLUMNS = (("mark", ""), ("id", "ID"), ("username", "Username"), ("description", "Description"),
           ("status", "Status"), ("balance", "Balance"), ("currency", "Currency"))


class AccountsPage(Outcome):
    """One page of ``listAccounts``, fetched from ``offset``."""

    def __init__(self, offset: int, accounts: list[Account]) -> None:
        super().__init__("accounts")
        self.offset = offset
        self.accounts = accounts


class AccountFound(Outcome):
    """An account looked up by id or username, to open."""

    def __init__(self, account: Account) -> None:
        super().__init__("open-id")
        self.account = account


@dataclass(frozen=True)
class PickerRow:
    """One row of the picker: a recent entry (``account`` None until its page loads) or a loaded account."""

    recent: bool
    i_account: int
    username: str
    description: str
    account: Account | None

    def matches(self, wanted: str) -> bool:
        return any(wanted in text.casefold() for text in (str(self.i_account), self.username, self.description))


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
        cell(account.balance) if account else Text(""),
        cell(account.base_currency) if account else Text(""),
    ]


class AccountsScreen(AppScreen[None]):
    """Pick the account whose trunks to browse."""

    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Open the highlighted account's trunks"),
        Binding("slash", "focus_filter", "Filter", key_display="/",
                tooltip="Filter the accounts by username, description or id"),
        Binding("r", "refresh", "Refresh", tooltip="Refresh the account list from the switch"),
        Binding("escape", "escape", "Clear", show=False, tooltip="Stop waiting, or clear the filter"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, context: Context, open_first: int | str | None = None) -> None:
        """``open_first``: an i_account or username to open at once, as if picked."""
        super().__init__(context)
        self.open_first = open_first
        self.trouble = ""
        self.page_fault = ""
        self.loaded: list[Account] = []
        self.picker_rows: list[PickerRow] = []
        self.widths: list[int] = []
        self.more = True
        self.recent: list[RecentAccount] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with_hint = "Filter by username, description or id; a number + Enter opens that i_account"
        yield SafeInput(placeholder=with_hint, id="filter", compact=True, classes="toolbar")
        yield Static("★ recently used · Enter opens · ↓ into the list", classes="hint")
        yield Grid(COLUMNS, picker_cells, sortable=False, id="accounts")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    @property
    def grid(self) -> Grid[PickerRow]:
        return self.query_one("#accounts", Grid)

    def on_mount(self) -> None:
        self.sub_title = self.session.who
        self.recent = self.context.recent.load()
        self.rows_changed()
        if self.open_first is not None:
            self.open_by(self.open_first)
        self.load_page()

    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        """Start again from the first page; a page still on its way is dropped."""
        self.loaded, self.more, self.page_fault = [], True, ""
        self.load_page(restart=True)

    def load_page(self, restart: bool = False) -> None:
        if not self.more or (self.calls_in_flight("accounts") and not restart):
            return
        offset = len(self.loaded)
        client = self.client
        self.query_one(StatusLine).busy("Loading accounts…" if not offset else f"Loading accounts from {offset + 1:,}…")
        self.run_call("accounts", lambda: client.list_accounts(offset, PAGE_SIZE),
                      lambda page: AccountsPage(offset, page))

    @on(AccountsPage)
    def page_loaded(self, page: AccountsPage) -> None:
        if page.offset != len(self.loaded):
            return
        self.loaded.extend(page.accounts)
        self.more = len(page.accounts) == PAGE_SIZE
        self.page_fault = ""
        self.rows_changed()

    @on(AccountFound)
    def account_found(self, found: AccountFound) -> None:
        self.open_account(found.account)

    @on(CallFailed)
    def call_failed(self, failed: CallFailed) -> None:
        if failed.purpose == "accounts":
            self.more = False
            self.page_fault = f"Loading accounts failed: {failed.error} · r tries again"
        else:
            self.trouble = f"Cannot open that account: {failed.error}"
            self.notify(printable(failed.error), title="Cannot open account", severity="error", markup=False)
        self.describe(self.query_one("#filter", Input).value.strip().casefold())

    def rows(self) -> Iterator[PickerRow]:
        """Recent accounts first, then the loaded ones, each once."""
        by_id = {a.i_account: a for a in self.loaded if isinstance(a.i_account, int)}
        seen: set[int] = set()
        for entry in self.recent:
            seen.add(entry.i_account)
            yield PickerRow(True, entry.i_account, entry.username, entry.description, by_id.get(entry.i_account))
        for account in self.loaded:
            if isinstance(account.i_account, int) and account.i_account not in seen:
                seen.add(account.i_account)
                yield PickerRow(False, account.i_account, printable(account.username),
                                printable(account.description), account)

    def current(self) -> PickerRow | None:
        grid = self.grid
        return grid.rows[grid.cursor_row] if grid.cursor_row >= 0 else None

    def rows_changed(self) -> None:
        """The loaded or recent accounts changed: list and measure the rows once, then show them.

        Columns are as wide as every row needs, so they do not jump as the filter narrows.
        """
        self.picker_rows = list(self.rows())
        self.widths = self.grid.measure(self.picker_rows)
        self.rebuild()

    def rebuild(self) -> None:
        """Show the rows the filter lets through, keeping the highlighted account."""
        wanted = self.query_one("#filter", Input).value.strip().casefold()
        selected = self.current()
        shown = [row for row in self.picker_rows if not wanted or row.matches(wanted)]
        keep = next((i for i, row in enumerate(shown) if selected and row.i_account == selected.i_account), 0)
        self.grid.show(shown, self.widths, cursor=keep)
        self.describe(wanted)

    def describe(self, wanted: str) -> None:
        """Say what the list shows; a failed open stays said until the next thing is typed or opened,
        a failed page until the list loads again."""
        status = self.query_one(StatusLine)
        count, shown = len(self.loaded), self.grid.row_count
        if self.trouble or self.page_fault:
            loaded = f"{counted(count, 'account')} loaded · " if count and not self.trouble else ""
            status.fault(loaded + (self.trouble or self.page_fault))
            return
        more = "; scroll down for more" if self.more else ""
        if not shown and wanted:
            status.show(f"No loaded account matches {quoted(wanted)}{more}. Type an account id and Enter to open it.")
        elif not shown:
            status.show("This login has no accounts." if not self.more else "Loading accounts…")
        elif wanted:
            status.show(f"{shown:,} of {counted(count, 'loaded account')} match{more}")
        else:
            status.show(f"{counted(count, 'account')} loaded{more}")

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.trouble = ""
        self.rebuild()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text.isascii() and text.isdigit():
            self.open_by(int(text))
        else:
            self.action_open()

    @on(Grid.Highlighted)
    def near_the_end(self, event: Grid.Highlighted) -> None:
        """Fetch the next page as the cursor nears the end of the full list.

        While a filter is typed the rows shown are few by design, so nearing
        their end says nothing about wanting more accounts.
        """
        if self.query_one("#filter", Input).value.strip():
            return
        if event.row >= self.grid.row_count - PREFETCH_ROWS:
            self.load_page()

    @on(Grid.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def key_down(self, event: events.Key) -> None:
        if self.focused is self.query_one("#filter"):
            event.prevent_default()
            event.stop()
            self.grid.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter").focus()

    def action_escape(self) -> None:
        if self.stop_waiting():
            self.query_one(StatusLine).fault("Stopped waiting for the switch. r tries again.")
            return
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
        self.grid.focus()

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.open_by(row.i_account)

    def open_by(self, key: int | str) -> None:
        """Open an account by i_account (looked up unless loaded) or by username (always looked up)."""
        self.trouble = ""
        for account in self.loaded:
            if account.i_account == key:
                self.open_account(account)
                return
        client = self.client
        self.query_one(StatusLine).busy(f"Looking up account {printable(key, 60)}…")
        if isinstance(key, int):
            self.run_call("open-id", lambda: client.get_account(i_account=key), AccountFound)
        else:
            self.run_call("open-id", lambda: client.get_account(username=key), AccountFound)

    def open_account(self, account: Account) -> None:
        from trunktui.tui.screens.trunks import TrunksScreen

        if not isinstance(account.i_account, int):
            self.query_one(StatusLine).fault(f"Account {quoted(account.i_account)} has no usable id.")
            return
        if not self.open(TrunksScreen(self.context, account)):
            return
        recent = self.context.recent
        recent.remember(RecentAccount(account.i_account, printable(account.username),
                                      printable(account.description, 80)))
        self.recent = recent.load()
        self.rows_changed()
