"""Changing many trunks at once: where it starts, and the form of the fields to set on all of them.

``open_bulk_edit`` and ``open_bulk_delete`` take the trunks as they were
read (marked in a table, found by a search) and refuse at once on a
read-only connection. The form offers every member a trunk's form offers
(its name only for a single trunk), each with the same input, and a "set"
box: only ticked members are sent, each trunk keeping its other values.
Editing a field ticks it. Ctrl+S validates what is ticked and shows the
preview (``bulk_send``); nothing is sent before it is confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, Static, Switch

from trunktui.api.detection import from_rows
from trunktui.bulk import UNIQUE, Plan
from trunktui.errors import InputError
from trunktui.model import Schema, Trunk, same_on_switch
from trunktui.text import counted
from trunktui.tui.base import AppScreen, Context
from trunktui.tui.form import FieldEditor
from trunktui.tui.screens.bulk_send import confirm_and_send
from trunktui.tui.screens.confirm import discard_dialog
from trunktui.tui.widgets import StatusLine, Tick
from trunktui.versions import POLICIES, Api

Done = Callable[[list[int] | None], None]
"""Told, once the change is over, the ids of the trunks it reached or may have reached (None or empty: none)."""


def schema_of(context: Context, trunks: Sequence[Trunk]) -> Schema:
    """The model of the trunks: the switch's API where known, else the shape of the trunks as read."""
    finding = context.client.finding
    api = finding.api if finding is not None else from_rows(trunk.members for trunk in trunks) or Api.V2020
    return api.trunks


def refused(screen: AppScreen[Any], trunks: Sequence[Trunk], verb: str) -> bool:
    """Whether the change cannot even start; if so, the screen says why."""
    if not trunks:
        screen.notify(f"No trunks to {verb}: mark some first.", severity="warning")
        return True
    if screen.session.read_only:
        screen.notify(f"This connection is read-only: trunks cannot be {verb}d here.", title="Read-only",
                      severity="error")
        return True
    return False


def open_bulk_edit(screen: AppScreen[Any], trunks: Sequence[Trunk], done: Done | None = None) -> bool:
    """Open the form that sets fields on ``trunks`` over ``screen``; say whether it opened."""
    if refused(screen, trunks, "change"):
        return False
    return cleared(screen, screen.open(BulkEditScreen(screen.context, trunks), done))


def open_bulk_delete(screen: AppScreen[Any], trunks: Sequence[Trunk], done: Done | None = None) -> bool:
    """Preview the deletion of ``trunks`` over ``screen``, and delete them once confirmed."""
    if refused(screen, trunks, "delete"):
        return False
    plan = Plan.deleting(schema_of(screen.context, trunks), trunks)
    return cleared(screen, confirm_and_send(screen, plan, done or (lambda ids: None)))


def cleared(screen: AppScreen[Any], opened: bool) -> bool:
    """Once a change to many trunks has opened, the notes about the list (how to mark, what was marked) go:
    they would cover its fields and buttons. A note posted just before, by a key of the same burst, is still
    on its way to the app, so they go once more after it."""
    if opened:
        screen.app.clear_notifications()
        screen.app.call_later(screen.app.clear_notifications)
    return opened


class SetField(Horizontal):
    """A field of the form, and the box that says whether it is set on every trunk."""

    DEFAULT_CSS = """
    SetField { height: auto; }
    SetField > Tick { width: 5; margin-right: 1; }
    SetField > FieldEditor { width: 1fr; }
    """

    def __init__(self, editor: FieldEditor) -> None:
        super().__init__(id=f"set-{editor.spec.name}")
        self.editor = editor
        self.tick = Tick("", False, compact=True, tooltip=f"Set {editor.spec.label} on every trunk")

    def compose(self) -> ComposeResult:
        yield self.tick
        yield self.editor

    @property
    def chosen(self) -> bool:
        return self.tick.value

    def on_key(self, event: events.Key) -> None:
        """A character typed on the row's tick or NULL box is the start of a value: it goes into the box to
        type in (NULL unticked), which takes the focus."""
        if not event.is_printable or event.key == "space" or self.app.focused not in (self.tick, self.editor.null):
            return
        box = self.editor.take_typing()
        if box is None or event.character is None:
            return
        event.stop()
        event.prevent_default()
        box.focus()
        box.insert_text_at_cursor(event.character)

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def edited(self, event: Input.Changed | Switch.Changed | Select.Changed | Checkbox.Changed) -> None:
        """A field the user edits is ticked: what is typed is meant to be set. NULL unticked (Space on its box)
        means a value is to be typed: the box to type it in takes the focus."""
        if event.control is not self.tick and self.editor.touched:
            self.tick.value = True
        null = self.editor.null
        if event.control is null and null is not None and not null.value and null.has_focus:
            self.editor.box.focus()


class BulkEditScreen(AppScreen[list[int] | None]):
    """The fields to set on many trunks; dismissed with the ids the change reached (see ``Done``)."""

    DEFAULT_CSS = """
    BulkEditScreen #heading { padding: 0 1; text-style: bold; height: auto; }
    BulkEditScreen #fields { height: 1fr; padding: 0 1; }
    BulkEditScreen #bar { height: auto; padding: 0 1; dock: bottom; margin-bottom: 1; }
    BulkEditScreen #bar Button { margin-right: 1; }
    BulkEditScreen #bulk-status { width: 1fr; }
    """
    AUTO_FOCUS = "SetField Tick"
    BINDINGS = [
        Binding("ctrl+s", "preview", "Preview", tooltip="Preview the ticked fields on every trunk: nothing is sent "
                                                        "before you confirm"),
        Binding("ctrl+r", "reveal", "Show passwords", tooltip="Show the passwords typed"),
        Binding("ctrl+r", "conceal", "Hide passwords", tooltip="Hide the passwords again"),
        Binding("escape", "back", "Back", tooltip="Back without sending (asks first if fields are ticked)"),
    ]

    def __init__(self, context: Context, trunks: Sequence[Trunk]) -> None:
        super().__init__(context)
        self.trunks = list(trunks)
        self.schema = schema_of(context, self.trunks)
        self.revealed = False
        fields = [spec for spec in self.schema.editable(creating=False)
                  if not (spec.name in UNIQUE and len(self.trunks) > 1)]
        choices = {"policy": POLICIES} if "policy" in self.schema.by_name else {}
        self.rows = [SetField(FieldEditor(spec, False, self.shared(spec.name, spec.default), choices.get(spec.name)))
                     for spec in fields]
        self.resolved: Callable[[], bool] | None = None
        """What puts right the problem the status line names, while it names one."""

    def shared(self, name: str, default: Any) -> Any:
        """The value every trunk holds, where they all hold the same; else ``default``."""
        values = [trunk.get(name, default) for trunk in self.trunks]
        first = values[0]
        return first if all(same_on_switch(first, value) for value in values) else default

    def compose(self) -> ComposeResult:
        yield Header()
        count = counted(len(self.trunks), "trunk")
        heading = f"Set fields on {count} · tick those to send (Space); the rest stay as they are"
        yield Static(Text(heading), id="heading")
        with VerticalScroll(id="fields"):
            yield from self.rows
        with Horizontal(id="bar"):
            yield Button("Preview", id="preview", variant="primary", compact=True)
            yield StatusLine(id="bulk-status")
        yield Footer(compact=True)

    def status(self) -> StatusLine:
        return self.query_one("#bulk-status", StatusLine)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reveal", "conceal"):
            return bool(self.schema.secrets) and self.revealed == (action == "conceal")
        return True

    def chosen(self) -> list[SetField]:
        return [row for row in self.rows if row.chosen]

    def unsaved(self) -> list[str]:
        return [row.editor.spec.label for row in self.chosen()]

    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        """Validate the ticked fields, work out the plan, and show it: the problem, if any, under its field."""
        rows = self.chosen()
        if not rows:
            self.fault("Tick at least one field to set (Space on its box).", lambda: bool(self.chosen()))
            return
        invalid = [row.editor for row in rows if row.editor.insist() is not None or row.editor.unchosen]
        for editor in invalid:
            if editor.problem is None:
                self.mark(editor, editor.choose())
        if invalid:
            invalid[0].query_one("#input").focus()
            self.fault(f"Fix the {counted(len(invalid), 'field')} marked in red first.", self.none_red)
            return
        try:
            plan = Plan.setting(self.schema, self.trunks, {row.editor.spec.name: row.editor.value() for row in rows})
        except InputError as error:
            self.refuse(error)
            return
        self.status().show("")
        confirm_and_send(self, plan, self.sent)

    def fault(self, said: str | InputError, resolved: Callable[[], bool]) -> None:
        """Say what stops the preview until ``resolved`` says it is put right: then the words go."""
        self.resolved = resolved
        self.status().fault(said)

    def none_red(self) -> bool:
        return not any(row.editor.has_class("-invalid") for row in self.rows)

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def put_right(self) -> None:
        """After each edit (each field has checked itself by now): a problem put right is no longer named."""
        if self.resolved is not None and self.resolved():
            self.resolved = None
            self.status().show("")

    def refuse(self, error: InputError) -> None:
        """Say what the plan refused, under its field where it names one."""
        self.fault(error, self.none_red)
        for row in self.rows:
            if row.editor.spec.name == error.field:
                self.mark(row.editor, error)
                row.editor.query_one("#input").focus()

    @staticmethod
    def mark(editor: FieldEditor, error: InputError) -> None:
        """Mark ``editor`` in red, with ``error`` under it, until it is edited."""
        editor.message.update(Text(error.message))
        editor.add_class("-invalid")

    def sent(self, changed: list[int] | None) -> None:
        """Back from sending: done if the change reached a trunk; otherwise the form stays, to try another value."""
        if changed:
            self.dismiss(changed)
        else:
            self.status().show("No trunk was changed.")

    def action_reveal(self) -> None:
        self.reveal(True)

    def action_conceal(self) -> None:
        self.reveal(False)

    def reveal(self, shown: bool) -> None:
        self.revealed = shown
        for row in self.rows:
            row.editor.reveal(shown)
        self.refresh_bindings()

    def action_back(self) -> None:
        ticked = self.unsaved()
        if not ticked:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.open(discard_dialog(ticked), answered)
