"""The export dialog: where to write the visible table, as CSV or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from trunktui.export import export
from trunktui.model import Field, Trunk
from trunktui.tui.base import Dialog
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.widgets import SafeInput


class Exported(Outcome):
    def __init__(self, path: Path, count: int) -> None:
        super().__init__("export")
        self.path = path
        self.count = count


class ExportScreen(Dialog[str]):
    """Dismissed with a message saying what was written, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, default: Path, fields: Sequence[Field], trunks: Sequence[Trunk]) -> None:
        super().__init__()
        self.default = default
        self.fields = fields
        self.trunks = trunks

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            count = len(self.trunks)
            yield Static(Text(f"Export the {count} visible trunk{'s' if count != 1 else ''}"), classes="title")
            yield SafeInput(str(self.default), id="path")
            yield Static("", id="error")
            yield Static("Ends in .csv or .json. In CSV, NULL is an empty cell and text is quoted.", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export", id="export", variant="primary")

    @on(Button.Pressed, "#cancel")
    def cancelled(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def write(self) -> None:
        path = Path(self.query_one(Input).value.strip()).expanduser()
        fields, trunks = self.fields, self.trunks
        self.query_one("#export", Button).disabled = True
        self.run_call("export", lambda: export(path, fields, trunks), lambda count: Exported(path, count))

    @on(Exported)
    def written(self, exported: Exported) -> None:
        self.dismiss(f"Exported {exported.count} trunks to {exported.path}")

    @on(CallFailed)
    def failed(self, failed: CallFailed) -> None:
        self.query_one("#export", Button).disabled = False
        self.query_one("#error", Static).update(Text(failed.error.message))
