"""The export dialog: where to write the visible trunks, which members, in which format.

"All fields" makes a backup: every member the switch returned (on a 2022+
switch each trunk's connections too), passwords as
``***`` unless "Include passwords" is ticked (a separate, deliberate choice,
off every time the dialog opens). The format follows the file name's suffix
and the suffix follows the format, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from trunktui.columns import Table
from trunktui.export import FORMATS, ExportOptions, export, holds_secrets
from trunktui.model import Trunk
from trunktui.text import counted
from trunktui.tui.base import Dialog
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.widgets import Pick, SafeInput, Tick

HINTS = {
    ("csv", False): "CSV: text is always quoted (an empty text is \"\"); NULL and a member the switch left out "
                    "are both an empty cell.",
    ("csv", True): "CSV: text is always quoted (an empty text is \"\"); NULL is the bare word NULL; a member "
                   "the switch left out is an empty cell.",
    ("json", False): "JSON: null, numbers and booleans as the switch sent them; a member it left out is left out.",
}


class Exported(Outcome):
    def __init__(self, path: Path, count: int, private: bool) -> None:
        super().__init__("export")
        self.path = path
        self.count = count
        self.private = private


class ExportScreen(Dialog[str]):
    """Dismissed with a message saying what was written, or None."""

    DEFAULT_CSS = """
    ExportScreen .choice { height: 1; }
    ExportScreen .choice > Label { width: 10; color: $text-muted; }
    ExportScreen .choice RadioSet { layout: horizontal; width: auto; height: 1; }
    ExportScreen .choice RadioButton { width: auto; margin-right: 2; }
    ExportScreen #hint { padding: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, default: Path, table: Table, trunks: Sequence[Trunk]) -> None:
        super().__init__()
        self.default = default
        self.table = table
        self.trunks = trunks

    def compose(self) -> ComposeResult:
        fmt = self.default.suffix.lower().lstrip(".")
        with Vertical(classes="frame"):
            yield Static(Text(f"Export the {counted(len(self.trunks), 'visible trunk')}"), classes="title")
            yield SafeInput(str(self.default), id="path")
            yield Static("", id="error")
            with Horizontal(classes="choice"):
                yield Label("Members")
                with RadioSet(id="members", compact=True):
                    yield Pick(f"the table's {len(self.table.columns)} columns", id="columns", value=True)
                    yield Pick("all fields (a backup)", id="everything")
            with Horizontal(classes="choice"):
                yield Label("Format")
                with RadioSet(id="format", compact=True):
                    for name in FORMATS:
                        yield Pick(name.upper(), id=name, value=name == fmt)
            with Horizontal(classes="choice"):
                yield Label("CSV NULL")
                with RadioSet(id="null", compact=True):
                    yield Pick("empty cell", id="empty", value=True)
                    yield Pick("the word NULL", id="word")
            with Horizontal(classes="choice"):
                yield Label("")
                yield Tick("Include passwords in clear (file readable by you only)", id="secrets",
                               compact=True, disabled=True)
            yield Static("", id="hint", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export", id="export", variant="primary")

    def on_mount(self) -> None:
        self.follow_choices()

    def chosen(self, radios: str) -> str | None:
        pressed = self.query_one(f"#{radios}", RadioSet).pressed_button
        return None if pressed is None else pressed.id

    def options(self) -> ExportOptions:
        everything = self.chosen("members") == "everything"
        return ExportOptions(everything=everything, secrets=everything and self.query_one("#secrets", Checkbox).value,
                             null_word=self.chosen("null") == "word")

    def follow_choices(self) -> None:
        """Only the choices that apply can be made, and the hint says how NULL and left-out members are written."""
        fmt = self.chosen("format") or "csv"
        options = self.options()
        self.query_one("#null", RadioSet).disabled = fmt != "csv"
        self.query_one("#secrets", Checkbox).disabled = not options.everything
        self.query_one("#hint", Static).update(Text(HINTS[fmt, options.null_word and fmt == "csv"]))

    @on(RadioSet.Changed)
    def radios_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "format" and event.pressed.id in FORMATS:
            box = self.query_one("#path", Input)
            path = Path(box.value)
            if path.suffix.lower().lstrip(".") in FORMATS:
                box.value = str(path.with_suffix(f".{event.pressed.id}"))
        self.follow_choices()

    @on(Checkbox.Changed)
    def secrets_changed(self) -> None:
        self.follow_choices()

    @on(Input.Changed, "#path")
    def path_changed(self, event: Input.Changed) -> None:
        """A file name ending in .csv or .json chooses that format."""
        fmt = Path(event.value).suffix.lower().lstrip(".")
        if fmt in FORMATS and self.chosen("format") != fmt:
            self.query_one(f"#{fmt}", RadioButton).value = True

    @on(Button.Pressed, "#cancel")
    def cancelled(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def write(self) -> None:
        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        table, trunks, options = self.table, self.trunks, self.options()
        private = holds_secrets(table.columns, trunks, options, table.api)
        self.query_one("#export", Button).disabled = True
        self.run_call("export", lambda: export(path, table.columns, trunks, options, table.api),
                      lambda count: Exported(path, count, private))

    @on(Exported)
    def written(self, exported: Exported) -> None:
        note = " (with passwords in clear; readable by you only)" if exported.private else ""
        self.dismiss(f"Exported {counted(exported.count, 'trunk')} to {exported.path}{note}")

    @on(CallFailed)
    def failed(self, failed: CallFailed) -> None:
        self.query_one("#export", Button).disabled = False
        self.query_one("#error", Static).update(Text(failed.error.message))
