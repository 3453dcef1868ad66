"""The export dialog: where to write the visible table, as CSV or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from trunktui.export import export
from trunktui.model import Field, Trunk
from trunktui.tui.calls import Answer, call_in_worker
from trunktui.tui.widgets import SafeInput


class ExportScreen(ModalScreen[str | None]):
    """Dismissed with a message saying what was written, or None."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $primary; background: $panel; padding: 0 1;
    }
    ExportScreen .title { text-style: bold; padding: 0 0 1 0; }
    ExportScreen #error { color: $text-error; height: auto; }
    ExportScreen .hint { color: $text-muted; }
    ExportScreen Horizontal { height: auto; align-horizontal: right; padding: 1 0 0 0; }
    ExportScreen Button { margin: 0 0 0 2; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, default: Path, fields: Sequence[Field], trunks: Sequence[Trunk]) -> None:
        super().__init__()
        self.default = default
        self.fields = fields
        self.trunks = trunks

    def compose(self) -> ComposeResult:
        with Vertical():
            count = len(self.trunks)
            yield Static(Text(f"Export the {count} visible trunk{'s' if count != 1 else ''}"), classes="title")
            yield SafeInput(str(self.default), id="path")
            yield Static("", id="error")
            yield Static("Ends in .csv or .json. In CSV, NULL is an empty cell and text is quoted.", classes="hint")
            with Horizontal():
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
        call_in_worker(self, "export", lambda: (path, export(path, fields, trunks)))

    @on(Answer)
    def written(self, answer: Answer) -> None:
        answer.stop()
        self.query_one("#export", Button).disabled = False
        if answer.error is not None:
            self.query_one("#error", Static).update(Text(answer.error.message))
            return
        path, count = answer.value
        self.dismiss(f"Exported {count} trunks to {path}")
