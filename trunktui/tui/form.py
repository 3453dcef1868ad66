"""The edit form of a record (a trunk, a trunk connection), generated from its model.

Each editable field gets the input its type calls for: text boxes for
strings and numbers, a switch for booleans, a masked box for secrets, a
list for a member whose values the switch names (a trunk's routing policy),
and a NULL checkbox where NULL is allowed, so NULL and an empty string stay
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
from textual.widgets import Checkbox, Input, Label, Select, Static, Switch

from trunktui.errors import InputError
from trunktui.model import Field, Kind, OnCreate, changed_fields
from trunktui.text import STAND_INS, hidden, printable, restore, reversible
from trunktui.tui.cells import NULL_STYLE
from trunktui.tui.screens.confirm import value_text
from trunktui.tui.widgets import StyledOnMount, Tick


class NullBox(Tick, StyledOnMount):
    """The NULL choice."""


class FieldInput(Input, StyledOnMount):
    """A field's text box."""


class FieldEditor(StyledOnMount):
    """One field: label, input, optional NULL box, and a help or error line."""

    DEFAULT_CSS = """
    FieldEditor { height: auto; }
    FieldEditor Horizontal { height: 1; }
    FieldEditor Label { width: 22; color: $text-muted; }
    FieldEditor.-required Label { color: $text; }
    FieldEditor Input, FieldEditor Select { width: 1fr; max-width: 64; }
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

    def __init__(self, spec: Field, creating: bool, value: Any, choices: tuple[str, ...] | None = None,
                 prefix: str = "") -> None:
        """An editor showing ``value`` from the start; ``choices``, if given, are the values it offers in a list.

        Its controls are made here, holding ``value``, and it is checked before it is mounted, so
        opening a form restyles nothing and posts no change messages for values nobody typed.
        """
        super().__init__(id=f"{prefix}field-{spec.name}")
        self.spec = spec
        self.creating = creating
        self.choices = choices
        self.required = creating and spec.on_create is OnCreate.REQUIRED
        self.set_class(self.required, "-required")
        self.original: Any
        self.shown: Any
        self.in_place = True
        self.insisted = False
        self.problem: str | None = None
        self.overtaken: str | None = None
        """What to say under the field while it is edited: that the switch changed it under the edit."""
        self._take(value)
        null = spec.nullable and value is None
        self.set_class(null, "-null")
        self.state: Label | None = None
        self.box: Input | Switch | Select[str]
        if choices is not None:
            with self.prevent(Select.Changed):
                self.box = Select(self.options(), value=self.shown, id="input", compact=True,
                                  prompt="(not set)")
        elif spec.kind is Kind.BOOLEAN:
            self.box = Switch(self.shown, id="input")
            self.state = Label(spec.switch_word(self.shown), id="state")
        else:
            with self.prevent(Input.Changed):
                self.box = FieldInput(self.shown, id="input", compact=True, password=spec.secret,
                                      select_on_focus=False, disabled=null)
        self.null = NullBox("NULL", null, id="null", compact=True) if spec.nullable else None
        self.message = Static(Text(spec.help), classes="message")
        self.check()

    def on_mount(self) -> None:
        """A list holds its value only once mounted: until then it reads as none chosen, so it is checked again."""
        if isinstance(self.box, Select):
            self.check()

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Horizontal():
            yield Label(Text(spec.label + (" *" if self.required else "")))
            yield self.box
            if self.state is not None:
                yield self.state
            if spec.nullable and spec.kind is not Kind.BOOLEAN:
                yield Label(Text("NULL", style=NULL_STYLE), id="null-mark")
            if self.null is not None:
                yield self.null
        yield self.message

    @property
    def is_null(self) -> bool:
        return self.null is not None and self.null.value

    def options(self) -> list[tuple[Text, str]]:
        """The values offered, and the one the switch holds even when it is not among them: shown as it
        is, it stays unless the user picks another."""
        offered = list(self.choices or ())
        if isinstance(self.shown, str) and self.shown not in offered:
            offered.append(self.shown)
        return [(Text(choice), choice) for choice in offered]

    def offer(self, choices: tuple[str, ...]) -> None:
        """Offer ``choices`` (the switch's own, read after the form was made), keeping what is picked."""
        if not isinstance(self.box, Select) or choices == self.choices:
            return
        picked = self.box.value
        self.choices = choices
        options = self.options()
        if isinstance(picked, str) and all(picked != value for _, value in options):
            options.append((Text(picked), picked))
        with self.prevent(Select.Changed):
            self.box.set_options(options)
            self.box.value = picked

    def load(self, value: Any) -> None:
        """Show ``value`` as the field's starting point."""
        self.overtaken = None
        self._take(value)
        if isinstance(self.box, Select):
            self.box.set_options(self.options())
        self.box.value = self.shown
        if self.null is not None:
            self.null.value = value is None
        self.check()

    def rebase(self, value: Any) -> None:
        """Take ``value`` as what the switch holds, leaving what the widget shows alone."""
        self._take(value)
        self.check()

    def _take(self, value: Any) -> None:
        """Hold ``value`` as what the switch holds, and what a control shows for it, without checking."""
        self.original = value
        if self.choices is not None:
            self.shown = printable(value) if value not in (None, "") else Select.NULL
        elif self.spec.kind is Kind.BOOLEAN:
            self.shown = self.spec.truth(value) is True
        else:
            self.shown = "" if value is None else printable(value)
            self.in_place = not isinstance(value, str) or reversible(value)

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
        if value == "":
            return "empty"
        return value_text(self.spec, value, 60).plain

    @property
    def overtaken_shown(self) -> bool:
        """Whether the line under the field says that the switch changed it under the edit."""
        return self.overtaken is not None and self.has_class("-changed")

    @property
    def touched(self) -> bool:
        """Whether the widget shows something other than what ``load`` put there."""
        if isinstance(self.box, Switch):
            return bool(self.box.value != self.shown)
        null_shown = self.spec.nullable and self.original is None
        return self.box.value != self.shown or self.is_null != null_shown

    @property
    def unchosen(self) -> bool:
        """Whether the list of a member that cannot be NULL shows none of its values: the switch would refuse
        a blank one."""
        return isinstance(self.box, Select) and self.box.value is Select.NULL and not self.spec.nullable

    def choose(self) -> InputError:
        return InputError(f"Choose a {self.spec.label} from the list.", field=self.spec.name)

    def value(self) -> Any:
        """The field's value for the wire; raises ``InputError`` if invalid.

        While the widget still shows what ``load`` put there, the value is the
        original object, whatever it is (NaN, a string in a boolean member),
        so an untouched field is never an edit.
        """
        if isinstance(self.box, Switch):
            switched = self.box.value
            return self.original if switched == self.shown and not self.creating else switched
        if isinstance(self.box, Select):
            picked = self.box.value
            if picked == self.shown:
                return self.spec.validate(self.original) if self.creating else self.original
            if self.unchosen:
                raise self.choose()
            return self.spec.validate("" if picked is Select.NULL else picked)
        if self.is_null:
            return None
        text = self.box.value
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
        self.message.update(Text(shown or warning or self.spec.help))
        return self.problem

    def insist(self) -> str | None:
        """Validate and show the problem even on an untouched field: the user asked to save."""
        self.insisted = True
        return self.check()

    def on_descendant_focus(self) -> None:
        """Bring the whole field into view, its help or error line too, not only the control that took focus:
        at 80x24 the line under the last visible field would otherwise stay hidden."""
        self.scroll_visible(animate=False)

    def take_typing(self) -> Input | None:
        """The box to type in, NULL unticked and the box ready at once, for a key pressed beside it; None if
        the field has no such box. Keys typed fast arrive before any message about the NULL box would."""
        if not isinstance(self.box, Input):
            return None
        if self.null is not None:
            self.null.value = False
        self.box.disabled = False
        self.set_class(False, "-null")
        return self.box

    def reveal(self, shown: bool) -> None:
        if isinstance(self.box, Input) and self.spec.secret:
            self.box.password = not shown

    @on(Input.Changed)
    def edited(self, event: Input.Changed) -> None:
        """Typed or pasted control characters are shown as stand-ins and refused."""
        safe = printable(event.value)
        if safe != event.value:
            event.input.value = safe
            return
        self.check()

    @on(Select.Changed)
    def picked(self) -> None:
        self.check()

    @on(Switch.Changed)
    def switched(self, event: Switch.Changed) -> None:
        if self.state is not None:
            self.state.update(self.spec.switch_word(event.value))
        self.check()

    @on(Checkbox.Changed)
    def null_toggled(self, event: Checkbox.Changed) -> None:
        """NULL puts the word in place of the box, styled as the table shows NULL, so it never
        looks like an empty string; unticking brings the box back as it was."""
        self.box.disabled = event.value
        self.set_class(event.value, "-null")
        self.check()


class TrunkForm(Widget):
    """Editors for a set of fields, with whole-form validation.

    The first fields are laid out and drawn with the screen, the others a few
    at a time in the frames after it (``show_more``): laying out and drawing a
    hundred widgets at once held the whole app for the time of several frames.
    Every editor exists, holding its value, from the start, so the form's
    values and checks never depend on what has been drawn.
    """

    DEFAULT_CSS = "TrunkForm { height: auto; }"
    SHOWN_FIRST = 6
    SHOWN_PER_FRAME = 5

    def __init__(self, fields: Iterable[Field], creating: bool, values: Mapping[str, Any],
                 disabled: bool = False, choices: Mapping[str, tuple[str, ...]] | None = None,
                 prefix: str = "") -> None:
        """Editors for ``fields``, each showing its member of ``values`` (or its default); a field named in
        ``choices`` offers those values in a list. ``prefix`` starts the editors' ids, so that two forms
        (a trunk's and its first connection's) can share a screen."""
        super().__init__(disabled=disabled, id=f"{prefix}form" if prefix else None)
        self.fields = tuple(fields)
        self.creating = creating
        offered = choices or {}
        self._editors = [FieldEditor(spec, creating, values.get(spec.name, spec.default), offered.get(spec.name),
                                     prefix) for spec in self.fields]
        for editor in self._editors[self.SHOWN_FIRST:]:
            editor.display = False

    def compose(self) -> ComposeResult:
        yield from self._editors

    def on_mount(self) -> None:
        if len(self._editors) > self.SHOWN_FIRST:
            self.call_after_refresh(self.show_more)

    def show_more(self) -> None:
        """Show the next few fields, and the ones after them once these are drawn."""
        hidden = [editor for editor in self._editors if not editor.display]
        for editor in hidden[:self.SHOWN_PER_FRAME]:
            editor.display = True
        if len(hidden) > self.SHOWN_PER_FRAME:
            self.call_after_refresh(self.show_more)

    def editors(self) -> list[FieldEditor]:
        return list(self._editors)

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

    def set_by_user(self) -> dict[str, Any]:
        """The valid fields whose values differ from their defaults: what creating the record sends."""
        values, _ = self.collect()
        return changed_fields({f.name: f.default for f in self.fields}, values)

    def insist(self) -> list[FieldEditor]:
        """Show every field's problem, blank required fields included; return the invalid editors."""
        return [editor for editor in self.editors() if editor.insist() is not None]

    def reveal(self, shown: bool) -> None:
        for editor in self.editors():
            editor.reveal(shown)

    def offer(self, name: str, choices: tuple[str, ...]) -> None:
        """Offer ``choices`` in field ``name``'s list, if it has one."""
        for editor in self.editors():
            if editor.spec.name == name:
                editor.offer(choices)
