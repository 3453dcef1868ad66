"""The account picker: recent accounts first, the rest page by page.

Accounts are fetched a page at a time as the cursor nears the end of what
is loaded, so a customer with thousands of accounts costs one small call at
start-up. Typing filters what is loaded; typing a number and Enter opens
that ``i_account`` directly, loaded or not.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static

from trunktui.errors import AuthError
from trunktui.model import Account
from trunktui.text import printable
from trunktui.tui.base import AppScreen
from trunktui.tui.calls import Answer, call_in_worker
from trunktui.tui.cells import cell
from trunktui.tui.recent import RecentAccount
from trunktui.tui.widgets import SafeInput, StatusLine, Table

PAGE_SIZE = 100
PREFETCH_ROWS = 5


class AccountsScreen(AppScreen[None]):
    """Pick the account whose trunks to browse."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("slash", "focus_filter", "Filter", key_display="/"),
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "escape", "Clear", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, open_first: int | str | None = None) -> None:
        """``open_first``: an i_account or username to open at once, as if picked."""
        super().__init__()
        self.open_first = open_first
        self.trouble = ""
        self.loaded: list[Account] = []
        self.more = True
        self.fetching = False
        self.recent: list[RecentAccount] = []
        self.keys: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with_hint = "Filter by username, description or id; a number + Enter opens that i_account"
        yield SafeInput(placeholder=with_hint, id="filter", compact=True, classes="toolbar")
        yield Static("★ recently used · Enter opens · ↓ into the list", classes="hint")
        table = Table(id="accounts", cursor_type="row", zebra_stripes=True)
        yield table
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in (("", "mark"), ("ID", "id"), ("Username", "username"), ("Description", "description"),
                           ("Status", "status"), ("Balance", "balance"), ("Currency", "currency")):
            table.add_column(label, key=key)
        self.recent = self.trunk_app.recent.load()
        self.rebuild()
        if self.open_first is not None:
            self.open_by(self.open_first)
        self.load_page()

    def on_screen_resume(self) -> None:
        self.app.sub_title = self.trunk_app.session.who

    def action_refresh(self) -> None:
        self.loaded, self.more = [], True
        self.load_page()

    def load_page(self) -> None:
        if self.fetching or not self.more:
            return
        self.fetching = True
        offset = len(self.loaded)
        client = self.client
        self.query_one(StatusLine).busy("Loading accounts…" if not offset else f"Loading accounts from {offset + 1}…")
        call_in_worker(self, "accounts", lambda: (offset, client.list_accounts(offset, PAGE_SIZE)))

    @on(Answer)
    def answered(self, answer: Answer) -> None:
        answer.stop()
        status = self.query_one(StatusLine)
        if answer.purpose == "accounts":
            self.fetching = False
            if answer.error is not None:
                self.more = False
                status.fault(answer.error)
                if isinstance(answer.error, AuthError):
                    self.more = True
                    self.trunk_app.ask_password_again(answer.error.message)
                return
            offset, page = answer.value
            if offset != len(self.loaded):
                return
            self.loaded.extend(page)
            self.more = len(page) == PAGE_SIZE
            self.rebuild()
        elif answer.purpose == "open-id":
            if answer.error is not None:
                self.trouble = f"Cannot open that account: {answer.error}"
                status.fault(self.trouble)
                self.notify(printable(answer.error), title="Cannot open account", severity="error", markup=False)
                return
            self.open_account(answer.value)

    def rows(self) -> Iterable[tuple[bool, int, str, str, Account | None]]:
        """(recent?, id, username, description, account if loaded), recent first."""
        by_id = {a.i_account: a for a in self.loaded if isinstance(a.i_account, int)}
        seen: set[int] = set()
        for entry in self.recent:
            account = by_id.get(entry.i_account)
            seen.add(entry.i_account)
            yield True, entry.i_account, entry.username, entry.description, account
        for account in self.loaded:
            if isinstance(account.i_account, int) and account.i_account not in seen:
                seen.add(account.i_account)
                yield False, account.i_account, str(account.username), str(account.description), account

    def rebuild(self) -> None:
        table = self.query_one(DataTable)
        wanted = self.query_one("#filter", Input).value.strip().casefold()
        keep = self.keys[table.cursor_row] if 0 <= table.cursor_row < len(self.keys) else None
        table.clear()
        self.keys = []
        for recent, i_account, username, description, account in self.rows():
            if wanted and not any(wanted in text.casefold() for text in (str(i_account), username, description)):
                continue
            status = Text()
            if account is not None and account.blocked:
                status.append("blocked ", style="bold red")
            if account is not None and account.expired:
                status.append("expired", style="yellow")
            table.add_row(
                Text("★", style="yellow") if recent else Text(""),
                cell(i_account),
                cell(username),
                cell(description),
                status,
                cell(account.balance) if account else Text(""),
                cell(account.base_currency) if account else Text(""),
                key=str(i_account),
            )
            self.keys.append(i_account)
        if self.keys:
            table.move_cursor(row=self.keys.index(keep) if keep in self.keys else 0)
        self.describe(wanted)

    def describe(self, wanted: str) -> None:
        """Say what the list shows; a failed open stays said until the next thing is typed or opened."""
        status = self.query_one(StatusLine)
        if self.trouble:
            status.fault(self.trouble)
            return
        count = len(self.loaded)
        more = "; scroll down for more" if self.more else ""
        if not self.keys and wanted:
            status.show(f"No loaded account matches {wanted!r}{more}. Type an account id and Enter to open it.")
        elif not self.keys:
            status.show("This login has no accounts." if not self.more else "Loading accounts…")
        elif wanted:
            status.show(f"{len(self.keys)} of {count} loaded accounts match{more}")
        else:
            status.show(f"{count} accounts loaded{more}")

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.trouble = ""
        self.rebuild()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text.isdigit():
            self.open_by(int(text))
        else:
            self.action_open()

    @on(DataTable.RowHighlighted)
    def near_the_end(self, event: DataTable.RowHighlighted) -> None:
        """Fetch the next page as the cursor nears the end of the full list.

        While a filter is typed the rows shown are few by design, so nearing
        their end says nothing about wanting more accounts.
        """
        if self.query_one("#filter", Input).value.strip():
            return
        if event.cursor_row >= len(self.keys) - PREFETCH_ROWS:
            self.load_page()

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def key_down(self, event: events.Key) -> None:
        if self.focused is self.query_one("#filter"):
            event.prevent_default()
            event.stop()
            self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter").focus()

    def action_escape(self) -> None:
        if self.trunk_app.abandon(self):
            self.fetching = False
            self.query_one(StatusLine).fault("Stopped waiting for the switch. r tries again.")
            return
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
        self.query_one(DataTable).focus()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.keys or table.cursor_row < 0:
            return
        self.open_by(self.keys[min(table.cursor_row, len(self.keys) - 1)])

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
            call_in_worker(self, "open-id", lambda: client.get_account(i_account=key))
        else:
            call_in_worker(self, "open-id", lambda: client.get_account(username=key))

    def open_account(self, account: Account) -> None:
        from trunktui.tui.screens.trunks import TrunksScreen

        if not isinstance(account.i_account, int):
            self.query_one(StatusLine).fault(f"Account {printable(account.i_account)!r} has no usable id.")
            return
        self.trunk_app.recent.remember(
            RecentAccount(account.i_account, printable(account.username), printable(account.description, 80))
        )
        self.recent = self.trunk_app.recent.load()
        self.app.push_screen(TrunksScreen(account))
        self.rebuild()

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Refresh accounts", "Reload the account list from the switch", self.action_refresh)
