"""The trunk edit form, generated from the trunk model.

Each editable field gets the input its type calls for: text boxes for
strings and numbers, a switch for booleans, a masked box for secrets, and a
NULL checkbox where NULL is allowed, so NULL and an empty string stay
different choices. Every keystroke is validated with the model, and the
message sits under the field it belongs to.

A value the server sent with characters that cannot be shown is displayed
with stand-ins; as long as the user leaves it alone, the original value is
what the form reports, so an untouched field never counts as changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static, Switch

from trunktui.errors import InputError
from trunktui.model import Field, Kind, OnCreate, changed_fields
from trunktui.text import STAND_INS, printable


class NullBox(Checkbox):
    """The NULL choice; its mark shows without colour, so it reads in any terminal."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "X" if self.value else " "


class FieldEditor(Widget):
    """One field: label, input, optional NULL box, and a help or error line."""

    DEFAULT_CSS = """
    FieldEditor { height: auto; }
    FieldEditor Horizontal { height: 1; }
    FieldEditor Label { width: 22; color: $text-muted; }
    FieldEditor.-required Label { color: $text; }
    FieldEditor Input { width: 1fr; max-width: 64; }
    FieldEditor #state { width: auto; padding-left: 1; color: $text; }
    FieldEditor Switch { border: none; height: 1; padding: 0; width: auto; }
    FieldEditor Checkbox { width: auto; margin-left: 1; }
    FieldEditor .message { padding-left: 22; color: $text-muted; height: auto; }
    FieldEditor.-invalid .message { color: $text-error; }
    FieldEditor.-invalid Input { background: $error 15%; }
    FieldEditor.-changed Label { color: $text-warning; text-style: bold; }
    """

    def __init__(self, spec: Field, creating: bool) -> None:
        super().__init__(id=f"field-{spec.name}")
        self.spec = spec
        self.required = creating and spec.on_create is OnCreate.REQUIRED
        self.set_class(self.required, "-required")
        self.original: Any = spec.default
        self.shown: Any = None
        self.pasted_controls = False
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Horizontal():
            yield Label(Text(spec.label + (" *" if self.required else "")))
            if spec.kind is Kind.BOOLEAN:
                yield Switch(id="input")
                yield Label("off", id="state")
            else:
                yield Input(id="input", compact=True, password=spec.secret, select_on_focus=False,
                            placeholder="NULL" if spec.nullable else "")
            if spec.nullable:
                yield NullBox("NULL", id="null", compact=True)
        yield Static(Text(spec.help), classes="message")

    @property
    def is_null(self) -> bool:
        return self.spec.nullable and self.query_one("#null", NullBox).value

    def load(self, value: Any) -> None:
        """Show ``value`` as the field's starting point."""
        self.rebase(value)
        if self.spec.kind is Kind.BOOLEAN:
            self.query_one(Switch).value = self.shown
        else:
            self.query_one(Input).value = self.shown
        if self.spec.nullable:
            self.query_one("#null", NullBox).value = value is None
        self.check()

    def rebase(self, value: Any) -> None:
        """Take ``value`` as what the switch holds, leaving what the widget shows alone."""
        self.original = value
        if self.spec.kind is Kind.BOOLEAN:
            self.shown = value is True
        else:
            self.shown = "" if value is None else printable(value)
        self.check()

    @property
    def touched(self) -> bool:
        """Whether the widget shows something other than what ``load`` put there."""
        if self.spec.kind is Kind.BOOLEAN:
            return bool(self.query_one(Switch).value != self.shown)
        null_shown = self.spec.nullable and self.original is None
        return self.query_one(Input).value != self.shown or self.is_null != null_shown

    def value(self) -> Any:
        """The field's value for the wire; raises ``InputError`` if invalid.

        While the widget still shows what ``load`` put there, the value is the
        original object, whatever it is (NaN, a string in a boolean member),
        so an untouched field is never an edit.
        """
        if self.spec.kind is Kind.BOOLEAN:
            switched = self.query_one(Switch).value
            return self.original if switched == self.shown else switched
        if self.is_null:
            return None
        text = self.query_one(Input).value
        untouched = text == self.shown and (self.original is not None or not self.spec.nullable)
        if untouched and not (self.required and not text.strip()):
            return self.original
        return self.spec.parse(text)

    def check(self) -> str | None:
        """Validate now, show the outcome under the field, and return the problem."""
        try:
            value = self.value()
            text = "" if self.spec.kind is Kind.BOOLEAN else self.query_one(Input).value
            if self.pasted_controls and text != self.shown and STAND_INS.search(text):
                raise InputError(f"{self.spec.label} may not contain control characters: remove the marks "
                                 "that stand for them (such as ␛).", field=self.spec.name)
        except InputError as exc:
            self.problem = exc.message
        else:
            self.problem = None
            self.set_class(bool(changed_fields({"v": self.original}, {"v": value})), "-changed")
        self.set_class(self.problem is not None, "-invalid")
        self.query_one(".message", Static).update(Text(self.problem or self.spec.help))
        return self.problem

    def reveal(self, shown: bool) -> None:
        if self.spec.secret:
            self.query_one(Input).password = not shown

    @on(Input.Changed)
    def edited(self, event: Input.Changed) -> None:
        """Typed or pasted control characters are shown as stand-ins and refused."""
        safe = printable(event.value)
        if safe != event.value:
            self.pasted_controls = True
            event.input.value = safe
            return
        self.check()

    @on(Switch.Changed)
    def switched(self, event: Switch.Changed) -> None:
        self.query_one("#state", Label).update("on" if event.value else "off")
        self.check()

    @on(Checkbox.Changed)
    def null_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one(Input).disabled = event.value
        self.check()


class TrunkForm(Widget):
    """Editors for a set of fields, with whole-form validation."""

    DEFAULT_CSS = "TrunkForm { height: auto; }"

    def __init__(self, fields: Iterable[Field], creating: bool) -> None:
        super().__init__()
        self.fields = tuple(fields)
        self.creating = creating

    def compose(self) -> ComposeResult:
        for spec in self.fields:
            yield FieldEditor(spec, self.creating)

    def editors(self) -> list[FieldEditor]:
        return list(self.query(FieldEditor))

    def load(self, values: Mapping[str, Any]) -> None:
        for editor in self.editors():
            editor.load(values.get(editor.spec.name, editor.spec.default))

    def collect(self) -> tuple[dict[str, Any], list[FieldEditor]]:
        """Every field's value, and the editors whose input is invalid."""
        values: dict[str, Any] = {}
        invalid: list[FieldEditor] = []
        for editor in self.editors():
            if editor.check() is None:
                values[editor.spec.name] = editor.value()
            else:
                invalid.append(editor)
        return values, invalid

    def reveal(self, shown: bool) -> None:
        for editor in self.editors():
            editor.reveal(shown)
