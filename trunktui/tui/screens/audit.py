"""The audit trail in the app: the most recent changes and failed attempts."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from trunktui.audit import (
    audit_path,
    describe_change,
    describe_connection,
    describe_result,
    failure_message,
    read_recent,
)
from trunktui.text import counted, printable
from trunktui.tui.base import Dialog
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import cell
from trunktui.tui.grid import Grid
from trunktui.tui.widgets import StatusLine

SHOWN = 200
COLUMNS = (("time", "Time (UTC)"), ("action", "Action"), ("who", "Who"), ("profile", "Profile"),
           ("account", "Account"), ("trunk", "Trunk"), ("connection", "Connection"), ("result", "Result"),
           ("change", "Change"))


class AuditRead(Outcome):
    def __init__(self, entries: list[dict[str, Any]]) -> None:
        super().__init__("audit")
        self.entries = entries


def entry_cells(entry: dict[str, Any]) -> list[Text]:
    failure = failure_message(entry)
    return [
        cell(entry.get("time")),
        cell(entry.get("action")),
        cell(f"{entry.get('login')}@{entry.get('server')}"),
        cell(entry.get("profile")),
        cell(entry.get("account")),
        cell(entry.get("trunk")),
        Text(printable(describe_connection(entry), 60)),
        Text(printable(describe_result(entry), 60), style="green" if failure is None else "bold red"),
        Text(printable(describe_change(entry), 120)),
    ]


class AuditScreen(Dialog[None]):
    """Newest first; the file itself is the record, this is a window on it.

    It covers the whole screen.
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("f5", "reload", "Reload", key_display="F5", tooltip="Read the audit trail again"),
        Binding("r", "reload", "Reload", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Static(Text(f"Audit trail · {audit_path()} · F5 reads again · Escape closes"), classes="title")
            yield Grid(COLUMNS, entry_cells, sortable=False, opens=False)
            yield StatusLine()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one(StatusLine).busy("Reading the audit trail…")
        self.run_call("audit", lambda: read_recent(count=SHOWN), AuditRead)

    @on(AuditRead)
    def loaded(self, read: AuditRead) -> None:
        self.query_one(Grid).show(list(reversed(read.entries)))
        count = len(read.entries)
        self.query_one(StatusLine).show(
            counted(count, 'most recent entry', 'most recent entries') if count else "No changes recorded yet.")

    @on(CallFailed)
    def failed(self, failed: CallFailed) -> None:
        self.query_one(StatusLine).fault(failed.error)
