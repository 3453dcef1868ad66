"""The questions asked before something is changed: delete, save, discard, and a conflict.

``Question`` lays out a title, a body and a row of buttons; ``ConfirmScreen``
(yes or no) and ``ConflictScreen`` (mine, theirs or cancel) each have their
own result type. The focused button is what Enter does. For anything
destructive the focused button is Cancel, so a stray Enter never deletes or
discards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import TypeVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from trunktui.model import TRUNKS_2020, Field, Kind, Record, Schema, differing, is_secret
from trunktui.text import counted, printable, quoted
from trunktui.tui.base import Dialog
from trunktui.tui.cells import NULL_STYLE, cell
from trunktui.tui.widgets import SafeInput

MASK = "••••••"


Answer = TypeVar("Answer")


class Question(Dialog[Answer]):
    """A title, a body that scrolls, and buttons; Escape cancels (dismissed with None)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
    ]

    def __init__(self, title: str, body: RenderableType, *, danger: bool) -> None:
        super().__init__(classes="-danger" if danger else "")
        self.title_text = title
        self.body = body
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Static(Text(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(self.body)
            yield from self.before_buttons()
            with Horizontal(classes="buttons"):
                yield from self.buttons()

    def before_buttons(self) -> ComposeResult:
        yield from ()

    def buttons(self) -> ComposeResult:
        raise NotImplementedError

    def answer_for(self, button: str | None) -> Answer | None:
        raise NotImplementedError

    def action_step(self, delta: int) -> None:
        """Left and Right move among the buttons only, round and round, so Enter always has one to press."""
        buttons = [button for button in self.query(Button) if not button.disabled]
        if not buttons:
            return
        at = buttons.index(self.focused) if self.focused in buttons else (-1 if delta > 0 else 0)
        buttons[(at + delta) % len(buttons)].focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.answer_for(event.button.id))


class ConfirmScreen(Question[bool]):
    """Ask a yes/no question; dismissed with True only by the confirm button."""

    def __init__(
        self,
        title: str,
        body: RenderableType,
        confirm: str,
        *,
        danger: bool,
        cancel: str = "Cancel",
        type_to_confirm: str | None = None,
        noun: str = "trunk",
    ) -> None:
        """``type_to_confirm``: the name of the ``noun`` to type before the confirm button works."""
        super().__init__(title, body, danger=danger)
        self.confirm = confirm
        self.cancel = cancel
        self.type_to_confirm = type_to_confirm
        self.noun = noun

    def before_buttons(self) -> ComposeResult:
        if self.type_to_confirm is not None:
            yield Static(Text(f"This is a production switch. Type the {self.noun}'s name to enable Delete:"))
            yield SafeInput(id="typed", select_on_focus=False)
            yield Static(id="mismatch", classes="hint -empty")

    def buttons(self) -> ComposeResult:
        yield Button(self.cancel, id="cancel")
        yield Button(self.confirm, id="confirm", variant="error" if self.danger else "primary",
                     disabled=self.type_to_confirm is not None)

    def answer_for(self, button: str | None) -> bool:
        return button == "confirm"

    def on_mount(self) -> None:
        first = "#typed" if self.type_to_confirm is not None else "#cancel" if self.danger else "#confirm"
        self.query_one(first).focus()

    @on(Input.Changed, "#typed")
    def typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != self.type_to_confirm
        self.query_one("#mismatch", Static).add_class("-empty")

    @on(Input.Submitted, "#typed")
    def typed_enter(self, event: Input.Submitted) -> None:
        """Enter confirms once the exact name is typed; otherwise it says so, and the dialog stays."""
        if event.value == self.type_to_confirm:
            self.dismiss(True)
        else:
            mismatch = self.query_one("#mismatch", Static)
            mismatch.update(Text(f"Not deleted: that is not the {self.noun}'s name. Type it exactly, or Escape "
                                 "to cancel."))
            mismatch.remove_class("-empty")


def delete_dialog(record: Record, production: bool = False, schema: Schema = TRUNKS_2020) -> ConfirmScreen:
    """Ask before deleting a trunk or a connection; on a production switch its name must be typed first."""
    details = Table.grid(padding=(0, 2))
    details.add_column(style="bold", no_wrap=True)
    details.add_column(overflow="fold")
    for label, name in (("Name", "name"), ("ID", schema.key), ("Destination", "destination")):
        if name in schema.by_name:
            value = cell(record.get(name), limit=200)
            value.justify = "left"
            details.add_row(label, value)
    typed = printable(record.name) if production else None
    body = Group(details, Text(""), Text("The switch deletes it at once; this cannot be undone.", style="italic"))
    return ConfirmScreen(f"Delete this {schema.noun}?", body, "Delete", danger=True, type_to_confirm=typed,
                         noun=schema.noun)


def save_dialog(before: Mapping[str, object], changes: dict[str, object], schema: Schema = TRUNKS_2020,
                what: str = "") -> ConfirmScreen:
    """Each changed field, now and after saving (a secret only as changed or empty); ``what`` names the record."""
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
    table.add_column("Field", style="bold", no_wrap=True)
    table.add_column("Now", overflow="fold")
    table.add_column("", no_wrap=True)
    table.add_column("After saving", overflow="fold")
    for name, new in changes.items():
        old, label = before.get(name), _label(schema, name)
        if is_secret(name):
            table.add_row(label, Text(MASK if old else "(empty)"), "→", Text("(changed)" if new else "(empty)"))
        else:
            table.add_row(label, _value(schema, name, old), "→", _value(schema, name, new))
    of = f" of {what}" if what else ""
    return ConfirmScreen(f"Save {counted(len(changes), 'changed field')}{of}?", table, "Save", danger=False)


def discard_dialog(labels: list[str]) -> ConfirmScreen:
    body = Text("Unsaved changes to: " + ", ".join(labels) + ".\nLeave and lose them?")
    return ConfirmScreen("Discard your changes?", body, "Discard", danger=True, cancel="Keep editing")


def quit_dialog() -> ConfirmScreen:
    body = Text("Ctrl+Q quits at once from anywhere.")
    return ConfirmScreen("Quit trunktui?", body, "Quit", danger=True, cancel="Stay")


class ConflictChoice(Enum):
    MINE = "mine"
    THEIRS = "theirs"


class ConflictScreen(Question[ConflictChoice]):
    """Both versions side by side; dismissed with the choice, or None to cancel."""

    def buttons(self) -> ComposeResult:
        yield Button("Cancel", id="cancel")
        yield Button("Take theirs", id=ConflictChoice.THEIRS.value, variant="primary")
        yield Button("Save mine", id=ConflictChoice.MINE.value, variant="error")

    def answer_for(self, button: str | None) -> ConflictChoice | None:
        return None if button == "cancel" else ConflictChoice(button)

    def on_mount(self) -> None:
        self.query_one("#cancel").focus()


def value_text(spec: Field | None, value: object, limit: int) -> Text:
    """A member's value as the form shows it: a boolean member as on or off, however the switch sent
    it, and text that starts or ends with white space between quotes, so that a change of a trailing
    space alone is visible; anything else as a table cell shows it."""
    truth = spec.truth(value) if spec is not None and spec.kind is Kind.BOOLEAN else None
    if truth is not None:
        return Text(Field.switch_word(truth))
    if isinstance(value, str) and value != value.strip():
        return Text(quoted(value, limit))
    return cell(value, limit)


def _label(schema: Schema, name: str) -> Text:
    """A member's label as plain text: a wire name the model does not declare is the switch's, never markup."""
    return Text(printable(schema.label(name)))


def _value(schema: Schema, name: str, value: object) -> Text:
    """A member's value as the form shows it (``value_text``), aligned left, as in the form's boxes,
    whether the switch sent a number or text."""
    shown = value_text(schema.by_name.get(name), value, 200)
    shown.justify = "left"
    return shown


def _member(schema: Schema, members: Mapping[str, object], name: str) -> Text:
    """A member as a cell, or a note that the switch left it out."""
    return _value(schema, name, members[name]) if name in members else Text("(not sent)", style=NULL_STYLE)


def conflict_dialog(loaded: Mapping[str, object], now: Mapping[str, object], mine: dict[str, object],
                    names: Sequence[str], schema: Schema = TRUNKS_2020) -> ConflictScreen:
    """Every field of ``names`` that changed on either side: as last read, on the switch now, and the user's edit."""
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
    for heading in ("Field", "When you read it", "On the switch now", "Your edit"):
        table.add_column(heading, overflow="fold")
    theirs = differing(loaded, now, names)
    for name in names:
        theirs_changed = name in theirs
        if not theirs_changed and name not in mine:
            continue
        if is_secret(name):
            row = [Text("(changed)" if theirs_changed else MASK), Text("(changed)" if name in mine else "")]
            table.add_row(_label(schema, name), Text(MASK), *row)
            continue
        changed = (" ← changed" if theirs_changed else "", "bold yellow")
        table.add_row(_label(schema, name), _member(schema, loaded, name),
                      Text.assemble(_member(schema, now, name), changed),
                      _value(schema, name, mine[name]) if name in mine else Text(""))
    note = Text("Save mine: send your edits as they are (where both changed a field, yours wins). "
                "Take theirs: load the switch's values for what they changed and keep your other edits.",
                style="italic")
    return ConflictScreen("Changed on the switch while you were editing", Group(table, Text(""), note), danger=True)
