"""The trunk edit form, generated from the trunk model.

Each editable field gets the input its type calls for: text boxes for
strings and numbers, a switch for booleans, a masked box for secrets, and a
NULL checkbox where NULL is allowed, so NULL and an empty string stay
different choices. Every keystroke is validated with the model, and the
message sits under the field it belongs to.

A value the server sent with characters that cannot be shown is displayed
with stand-ins (``␉``, ``<U+202E>``). As long as the user leaves it alone,
the original value is what the form reports, so an untouched field never
counts as changed; once edited, the stand-ins are turned back into the
characters they stand for, so the text around them can be changed without
touching them. A value that holds text which merely looks like a stand-in
cannot be told apart from one, so it can only be replaced whole.

A required field's problem is shown once the user has edited it or tried to
save, not while the form is still blank.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
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
from trunktui.text import STAND_INS, hidden, printable, quoted, restore, reversible
from trunktui.tui.cells import NULL_STYLE, cell_text
from trunktui.tui.widgets import Tick


class NullBox(Tick):
    """The NULL choice."""


class FieldEditor(Widget):
    """One field: label, input, optional NULL box, and a help or error line."""

    DEFAULT_CSS = """
    FieldEditor { height: auto; }
    FieldEditor Horizontal { height: 1; }
    FieldEditor Label { width: 22; color: $text-muted; }
    FieldEditor.-required Label { color: $text; }
    FieldEditor Input { width: 1fr; max-width: 64; }
    FieldEditor #state { width: auto; padding-left: 1; color: $text; }
    FieldEditor Switch, FieldEditor Switch:focus { border: none; height: 1; padding: 0; width: auto; }
    FieldEditor Switch:focus { background-tint: $foreground 25%; }
    FieldEditor Checkbox { width: auto; margin-left: 1; }
    FieldEditor .message { padding-left: 22; color: $text-muted; height: auto; }
    FieldEditor.-invalid .message { color: $text-error; }
    FieldEditor.-warned .message { color: $text-warning; }
    FieldEditor #null-mark { width: 1fr; max-width: 64; display: none; }
    FieldEditor.-null #null-mark { display: block; }
    FieldEditor.-null Input { display: none; }
    FieldEditor.-invalid Input { background: $error 15%; }
    FieldEditor.-changed Label { color: $text-warning; text-style: bold; }
    """

    def __init__(self, spec: Field, creating: bool) -> None:
        super().__init__(id=f"field-{spec.name}")
        self.spec = spec
        self.creating = creating
        self.required = creating and spec.on_create is OnCreate.REQUIRED
        self.set_class(self.required, "-required")
        self.original: Any = spec.default
        self.shown: Any = None
        self.in_place = True
        self.insisted = False
        self.problem: str | None = None
        self.overtaken: str | None = None
        """What to say under the field while it is edited: that the switch changed it under the edit."""

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Horizontal():
            yield Label(Text(spec.label + (" *" if self.required else "")))
            if spec.kind is Kind.BOOLEAN:
                yield Switch(id="input")
                yield Label(spec.switch_word(False), id="state")
            else:
                yield Input(id="input", compact=True, password=spec.secret, select_on_focus=False)
                if spec.nullable:
                    yield Label(Text("NULL", style=NULL_STYLE), id="null-mark")
            if spec.nullable:
                yield NullBox("NULL", id="null", compact=True)
        yield Static(Text(spec.help), classes="message")

    @property
    def is_null(self) -> bool:
        return self.spec.nullable and self.query_one("#null", NullBox).value

    def load(self, value: Any) -> None:
        """Show ``value`` as the field's starting point."""
        self.overtaken = None
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
            self.shown = self.spec.truth(value) is True
        else:
            self.shown = "" if value is None else printable(value)
            self.in_place = not isinstance(value, str) or reversible(value)
        self.check()

    def overtake(self, value: Any) -> None:
        """The switch changed this field to ``value`` while the user was editing it: ``value`` becomes
        what the edit replaces, the edit stays, and the line under the field says so while the edit does."""
        self.overtaken = (f"The switch changed {self.spec.label} since you started editing: "
                          f"now {self.described(value)}; your edit is kept.")
        self.rebase(value)

    def described(self, value: Any) -> str:
        """``value`` in a sentence, as the field shows it; never a password."""
        if self.spec.secret:
            return "a new value (hidden)" if value else "empty"
        truth = self.spec.truth(value) if self.spec.kind is Kind.BOOLEAN else None
        if truth is not None:
            return self.spec.switch_word(truth)
        if value == "":
            return "empty"
        return quoted(value, 60) if isinstance(value, str) and value != value.strip() else cell_text(value, 60)

    @property
    def overtaken_shown(self) -> bool:
        """Whether the line under the field says that the switch changed it under the edit."""
        return self.overtaken is not None and self.has_class("-changed")

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
            return self.original if switched == self.shown and not self.creating else switched
        if self.is_null:
            return None
        text = self.query_one(Input).value
        untouched = text == self.shown and (self.original is not None or not self.spec.nullable)
        if untouched and not (self.required and not text.strip()):
            return self.spec.validate(self.original) if self.creating else self.original
        return self.spec.parse(self._meant(text))

    def _meant(self, text: str) -> str:
        """What the user means by ``text``: the stand-ins it shows turned back into their characters.

        Hidden characters the switch already holds may stay; the user may not add any (a pasted
        control character, or ``<U+202E>`` typed out), since nobody could see them afterwards.
        """
        if not STAND_INS.search(text):
            return text
        label, name = self.spec.label, self.spec.name
        if not self.in_place:
            raise InputError(f"{label} held text that looks like the marks for hidden characters, so it cannot "
                             "be edited in place: clear it and type the whole value, with no such marks.", field=name)
        meant = restore(text)
        control = next((char for char in meant if unicodedata.category(char) == "Cc"), None)
        if control is not None:
            raise InputError(f"{label} may not contain control characters: remove the marks that stand for "
                             f"them (such as {printable(control)}).", field=name)
        held = Counter(hidden(self.original)) if isinstance(self.original, str) else Counter[str]()
        added = Counter(hidden(meant)) - held
        if added:
            raise InputError(f"{label} may not gain hidden characters such as {printable(next(iter(added)))}: "
                             "only those the switch already holds may stay.", field=name)
        return meant

    def check(self) -> str | None:
        """Validate now, show the outcome under the field, and return the problem."""
        warning = None
        try:
            value = self.value()
        except InputError as exc:
            self.problem = exc.message
        else:
            self.problem = None
            changed = bool(changed_fields({"v": self.original}, {"v": value}))
            self.set_class(changed, "-changed")
            if changed and self.overtaken is not None:
                warning = self.overtaken
            elif changed and isinstance(value, str) and value != value.strip():
                warning = f"{self.spec.label} starts or ends with spaces; they are saved as typed."
            elif not changed and self.spec.kind is Kind.BOOLEAN and self.spec.truth(value) is None:
                warning = (f"The switch holds {printable(value, 40)} here, not true or false; "
                           "it stays unless you switch it.")
        shown = self.problem if self.problem is not None and (self.touched or self.insisted) else None
        self.set_class(shown is not None, "-invalid")
        self.set_class(shown is None and warning is not None, "-warned")
        self.query_one(".message", Static).update(Text(shown or warning or self.spec.help))
        return self.problem

    def insist(self) -> str | None:
        """Validate and show the problem even on an untouched field: the user asked to save."""
        self.insisted = True
        return self.check()

    def on_descendant_focus(self) -> None:
        """Bring the whole field into view, its help or error line too, not only the control that took focus:
        at 80x24 the line under the last visible field would otherwise stay hidden."""
        self.scroll_visible(animate=False)

    def reveal(self, shown: bool) -> None:
        if self.spec.secret:
            self.query_one(Input).password = not shown

    @on(Input.Changed)
    def edited(self, event: Input.Changed) -> None:
        """Typed or pasted control characters are shown as stand-ins and refused."""
        safe = printable(event.value)
        if safe != event.value:
            event.input.value = safe
            return
        self.check()

    @on(Switch.Changed)
    def switched(self, event: Switch.Changed) -> None:
        self.query_one("#state", Label).update(self.spec.switch_word(event.value))
        self.check()

    @on(Checkbox.Changed)
    def null_toggled(self, event: Checkbox.Changed) -> None:
        """NULL puts the word in place of the box, styled as the table shows NULL, so it never
        looks like an empty string; unticking brings the box back as it was."""
        self.query_one(Input).disabled = event.value
        self.set_class(event.value, "-null")
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

    def insist(self) -> list[FieldEditor]:
        """Show every field's problem, blank required fields included; return the invalid editors."""
        return [editor for editor in self.editors() if editor.insist() is not None]

    def reveal(self, shown: bool) -> None:
        for editor in self.editors():
            editor.reveal(shown)
