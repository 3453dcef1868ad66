"""The audit trail in the app: the most recent changes and failed attempts."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from trunktui.audit import audit_path, describe_change, failure_message, read_recent
from trunktui.text import printable
from trunktui.tui.calls import Answer, call_in_worker
from trunktui.tui.cells import cell
from trunktui.tui.widgets import StatusLine, Table

SHOWN = 200


class AuditScreen(ModalScreen[None]):
    """Newest first; the file itself is the record, this is a window on it."""

    DEFAULT_CSS = """
    AuditScreen { align: center middle; }
    AuditScreen > Vertical { width: 100%; height: 100%; border: thick $primary; background: $panel; }
    AuditScreen .title { text-style: bold; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("q", "dismiss", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Audit trail · {audit_path()} · Escape closes"), classes="title")
            yield Table(cursor_type="row", zebra_stripes=True)
            yield StatusLine()

    def on_mount(self) -> None:
        table = self.query_one(Table)
        for label in ("Time (UTC)", "Action", "Who", "Profile", "Account", "Trunk", "Result", "Change"):
            table.add_column(label)
        self.query_one(StatusLine).busy("Reading the audit trail…")
        call_in_worker(self, "audit", lambda: read_recent(count=SHOWN))

    @on(Answer)
    def loaded(self, answer: Answer) -> None:
        answer.stop()
        status = self.query_one(StatusLine)
        if answer.error is not None:
            status.fault(answer.error)
            return
        table = self.query_one(Table)
        for entry in reversed(answer.value):
            failure = failure_message(entry)
            table.add_row(
                cell(entry.get("time")),
                cell(entry.get("action")),
                cell(f"{entry.get('login')}@{entry.get('server')}"),
                cell(entry.get("profile")),
                cell(entry.get("account")),
                cell(entry.get("trunk")),
                Text("OK", style="green") if failure is None else Text(printable(failure, 60), style="bold red"),
                Text(printable(describe_change(entry), 120)),
            )
        count = len(answer.value)
        status.show(f"{count} most recent entr{'ies' if count != 1 else 'y'}" if count else "No changes recorded yet.")

