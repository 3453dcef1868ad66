"""One record a switch keeps (a trunk, a trunk connection): every member it returned, and the form to change it.

The same screen creates (new, cloned, re-created) and edits. Saving an edit
first reads the record back and compares it with what the form was loaded
from, so a colleague's change is never overwritten unseen; then it shows the
change field by field and sends only what changed. A failed save leaves the
form as the user left it, with the fault beside the Save button; a save or
create whose answer never came is read back and said as it is. The screen is
dismissed with the id of a record it saved, or None.

``RecordScreen`` holds all of that for any ``Schema``; a subclass names the
few calls that differ (``fetch``, ``listed``, ``put``, ``read_back``,
``make``, ``find_made``) and what the heading says. Those calls run in
worker threads: they may use the client and the values handed to them,
never the screen's widgets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, Static, Switch
from textual.worker import Worker

from trunktui.errors import ApiError, FaultError, HttpError, TrunkTuiError
from trunktui.model import Record, Schema, changed_fields, differing, is_secret
from trunktui.text import counted, printable
from trunktui.tui.base import AppScreen, Context
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import cell
from trunktui.tui.form import TrunkForm
from trunktui.tui.screens.confirm import MASK, ConflictChoice, conflict_dialog, discard_dialog, save_dialog
from trunktui.tui.widgets import StatusLine

CHANGING_CALLS = ("save", "create", "verify")
WHAT = {"load": "Loading", "save": "Saving", "create": "Creating", "verify": "Checking"}


class RecordLoaded(Outcome):
    """A fresh copy of the record from the switch."""

    def __init__(self, record: Record) -> None:
        super().__init__("load")
        self.record = record


class RecordSaved(Outcome):
    """The switch took ``changes``."""

    def __init__(self, changes: dict[str, Any]) -> None:
        super().__init__("save")
        self.changes = changes


class SaveConflicted(Outcome):
    """Not saved: the record on the switch differs from the version the form was loaded from."""

    def __init__(self, now: Record, theirs: dict[str, Any]) -> None:
        super().__init__("save")
        self.now = now
        self.theirs = theirs


class RecordGone(Outcome):
    """Not saved: the record could not be read back before saving, and is no longer listed."""

    def __init__(self, error: FaultError) -> None:
        super().__init__("save")
        self.error = error


class SaveVerified(Outcome):
    """The record read back after a save whose answer was lost (``reason``): ``applied`` or not."""

    def __init__(self, reason: str, applied: bool, now: Record) -> None:
        super().__init__("verify")
        self.reason = reason
        self.applied = applied
        self.now = now


class RecordCreated(Outcome):
    def __init__(self, key: int) -> None:
        super().__init__("create")
        self.key = key


class CreateVerified(Outcome):
    """The ids of records with the new record's name, looked up after a create whose answer was lost."""

    def __init__(self, reason: str, found: list[Any]) -> None:
        super().__init__("verify")
        self.reason = reason
        self.found = found


class RecordScreen(AppScreen[int | None]):
    """View and edit one record, or create a new one."""

    DEFAULT_CSS = """
    RecordScreen #heading { padding: 0 1; text-style: bold; height: auto; }
    RecordScreen #form { height: 1fr; padding: 0 1; }
    RecordScreen #readonly { height: auto; padding: 0 0 1 0; }
    RecordScreen #savebar { height: auto; padding: 0 1; dock: bottom; margin-bottom: 1; }
    RecordScreen #savebar Button { margin-right: 1; }
    RecordScreen #save-status { width: 1fr; }
    """
    AUTO_FOCUS = "FieldEditor #input"
    """The first field takes the focus as the screen is made: focusing anything else first would
    restyle the whole form twice (the form's scroller takes focus, then gives it up)."""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the changes: shows old → new, then sends only those"),
        Binding("ctrl+r", "reveal", "Show passwords", tooltip="Show the passwords"),
        Binding("ctrl+r", "conceal", "Hide passwords", tooltip="Hide the passwords again"),
        Binding("f5", "reload", "Reload", key_display="F5",
                tooltip="Read it again from the switch, keeping your edits"),
        Binding("r", "reload", "Reload", show=False),
        Binding("escape", "back", "Back", tooltip="Back to where you came from (asks first if there are unsaved "
                                                  "changes)"),
    ]

    def __init__(self, context: Context, schema: Schema, record: Record | None = None,
                 prefill: dict[str, Any] | None = None, source: str = "") -> None:
        """Edit ``record``, just read from the switch, or create one (from ``prefill``, described by ``source``)."""
        super().__init__(context)
        self.schema = schema
        self.record = record
        self.read_at = time.strftime("%H:%M:%S")
        self.creating = record is None
        self.saved: int | None = None
        self.revealed = False
        self.source = source
        self.pending: dict[str, Any] = {}
        self.vanished = False
        self.counting = False
        self.settled = False
        self.sending = threading.Event()
        self.start: dict[str, Any] = dict(record.members) if record is not None else dict(prefill or {})

    # --- what a kind of record says and does --------------------------------------------

    def heading(self) -> str:
        """The line at the top: which record this is, or where a new one goes."""
        raise NotImplementedError

    def choices(self) -> dict[str, tuple[str, ...]]:
        """Fields that offer a list of values, with the values offered when the form is made."""
        return {}

    def fetch(self, key: Any) -> Record:
        """Read the record (in a worker)."""
        raise NotImplementedError

    def listed(self, record: Record) -> bool:
        """Whether the switch still lists the record (in a worker)."""
        raise NotImplementedError

    def put(self, now: Record, changes: dict[str, Any]) -> None:
        """Send ``changes`` to the record as just read (in a worker)."""
        raise NotImplementedError

    def read_back(self, loaded: Record, wanted: dict[str, Any], reason: str) -> tuple[bool, Record]:
        """After a save whose answer was lost: did the record take ``wanted``? (in a worker)."""
        raise NotImplementedError

    def make(self, values: dict[str, Any]) -> int:
        """Create the record from the members the user set (in a worker); return its id."""
        raise NotImplementedError

    def find_made(self, values: dict[str, Any], reason: str) -> list[Any]:
        """After a create whose answer was lost: the ids of records named as the new one (in a worker)."""
        raise NotImplementedError

    def anew(self, values: dict[str, Any]) -> RecordScreen:
        """A screen creating the record again from ``values`` (after it vanished)."""
        raise NotImplementedError

    @property
    def key(self) -> Any:
        return None if self.record is None else self.record.get(self.schema.key)

    # --- the screen -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="heading")
        with VerticalScroll(id="form"):
            yield Static(id="readonly")
            self._form = TrunkForm(
                self.schema.editable(self.creating, None if self.record is None else self.record.members),
                self.creating, self.start, disabled=self.read_only, choices=self.choices())
            yield self._form
            yield from self.compose_more()
        with Horizontal(id="savebar"):
            yield Button("Create" if self.creating else "Save", id="save", variant="primary", compact=True)
            yield Button("Reset" if self.creating else "Revert", id="revert", compact=True)
            yield StatusLine(id="save-status")
        yield Footer(compact=True)

    def compose_more(self) -> ComposeResult:
        """What a kind of record shows under its form."""
        yield from ()

    def on_mount(self) -> None:
        self.show_record()
        if self.read_only:
            for button in self.query(Button):
                button.display = False
            self.query_one("#form").focus()
        self.show_state()

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    @property
    def form(self) -> TrunkForm:
        """The record's own form (a trunk screen may hold its first connection's too)."""
        return self._form

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only hides saving; Ctrl+R shows or hides passwords, where the form has any, as the footer says; a
        new record has nothing to reload."""
        if action in ("save", "revert"):
            return not self.read_only
        if action in ("reveal", "conceal"):
            secret = any(spec.secret for form in self.query(TrunkForm) for spec in form.fields)
            return secret and self.revealed == (action == "conceal")
        if action == "reload":
            return not self.creating
        return True

    # --- presentation ---------------------------------------------------------------

    def show_record(self) -> None:
        heading = self.query_one("#heading", Static)
        mark = " · read-only" if self.read_only and not self.creating else ""
        heading.update(Text(self.heading() + mark))
        readonly = self.query_one("#readonly", Static)
        if self.record is None:
            readonly.display = False
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for spec in self.schema.fields:
            if not spec.updatable:
                grid.add_row(spec.label, cell(self.record.get(spec.name)))
        extra = self.record.extra(self.schema)
        for name, value in extra.items():
            shown = Text(MASK if value else "(empty)", style="dim") if is_secret(name) else cell(value, 400)
            grid.add_row(Text(printable(name, 40)), shown)
        if extra:
            grid.add_row("", Text("Members above the line are read-only.", style="dim italic"))
        readonly.update(grid)

    def baseline(self) -> dict[str, Any]:
        """The values the form started from, to tell what the user changed."""
        return {f.name: self.start.get(f.name, f.default) for f in self.form.fields}

    def unsaved(self) -> list[str]:
        form = self.form
        values, invalid = form.collect()
        changed = changed_fields(self.baseline(), values)
        return [f.label for f in form.fields
                if f.name in changed or any(e.spec is f and e.touched for e in invalid)]

    def status(self) -> StatusLine:
        return self.query_one("#save-status", StatusLine)

    # --- calls ------------------------------------------------------------------------

    def show_state(self, undone: bool = False) -> None:
        """Say where the form stands: which edited fields the switch changed meanwhile, how many edits
        are unsaved (or that the last was ``undone``), and when the record was last read."""
        count = len(self.unsaved())
        overtaken = [e.spec.label for e in self.form.editors() if e.overtaken_shown]
        parts = []
        if overtaken:
            edits = "your edit is" if len(overtaken) == 1 else "your edits are"
            parts.append(f"The switch changed {', '.join(overtaken)}; {edits} kept")
        if count:
            parts.append(counted(count, "unsaved change"))
        if undone and not count:
            parts.append("No unsaved changes")
        if self.read_only:
            parts.append(f"Read-only connection: this {self.schema.noun} can be viewed, not changed")
        if not self.creating:
            parts.append(f"read at {self.read_at}" if parts else f"Read from the switch at {self.read_at}")
        self.status().show(" · ".join(parts))

    def reload(self) -> None:
        if self.record is None:
            return
        key = self.key
        self.status().busy(f"Reading the {self.schema.noun} from the switch… Escape stops waiting")
        self.run_call("load", lambda: self.fetch(key), RecordLoaded)

    def action_reload(self) -> None:
        """Read the record again: untouched fields take the switch's values, edited ones stay as typed."""
        if not self.change_on_its_way():
            self.reload()

    def change_on_its_way(self) -> bool:
        """Whether a change is on its way to the switch; if so, the status line says to wait for its answer."""
        if not self.calls_in_flight(*CHANGING_CALLS):
            return False
        self.status().show("A change is on its way to the switch; wait for its answer (Escape stops waiting).")
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Save waits while a change is on its way."""
        self.query_one("#save", Button).disabled = bool(self.calls_in_flight(*CHANGING_CALLS))

    @on(RecordLoaded)
    def loaded(self, loaded: RecordLoaded) -> None:
        """Show the fresh copy, which is from now on what the form's changes are measured against.

        Fields the user has not touched take the switch's values. An edited field keeps the user's
        text, and the switch's value becomes what the edit replaces: the save preview shows it as
        the field's value now, and a save stops only for changes made on the switch after this read.
        Where the switch changed an edited field since the last read, the field says so.
        """
        fresh = dict(loaded.record.members)
        for editor in self.form.editors():
            name = editor.spec.name
            now = fresh.get(name, editor.spec.default)
            if not editor.touched:
                editor.load(now)
            elif differing(self.start, fresh, [name]):
                editor.overtake(now)
            else:
                editor.rebase(now)
        self.record, self.start = loaded.record, fresh
        self.read_at = time.strftime("%H:%M:%S")
        self.show_record()
        self.show_state()

    @on(RecordSaved)
    def saved_changes(self, saved: RecordSaved) -> None:
        self.start.update(saved.changes)
        for editor in self.form.editors():
            if editor.spec.name in saved.changes:
                editor.rebase(saved.changes[editor.spec.name])
        self.notify(f"Saved {counted(len(saved.changes), 'field')}.")
        self.saved = self.key
        self.reload()
        self.status().show("Saved.")

    @on(RecordCreated)
    def created(self, created: RecordCreated) -> None:
        self.notify(f"Created {self.schema.noun} {created.key}.")
        self.done_creating(created.key)

    def done_creating(self, key: int) -> None:
        self.saved = key
        self.creating = False
        self.dismiss(key)

    def found_made(self, key: int) -> None:
        """The record a create's lost answer was about turned out to exist."""
        self.done_creating(key)

    # --- actions --------------------------------------------------------------------------

    def action_save(self) -> None:
        form = self.form
        if self.change_on_its_way():
            return
        invalid = self.insist()
        if invalid:
            invalid[0].query_one("#input").focus()
            self.status().fault(f"Fix the {counted(len(invalid), 'field')} marked in red first.")
            return
        if self.creating:
            self.create(form.set_by_user())
            return
        values, _ = form.collect()
        changes = changed_fields(self.baseline(), values)
        if not changes:
            self.status().show("Nothing to save: no field has changed.")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.send(changes, overwrite=False)

        self.open(save_dialog(self.baseline(), changes, self.schema, self.described()), confirmed)

    def described(self) -> str:
        """The record in a save's question ("connection main"), or nothing where the screen says it already."""
        return ""

    def insist(self) -> list[Any]:
        """Show every field's problem, blank required fields included; return the invalid editors."""
        return self.form.insist()

    def create(self, values: dict[str, Any]) -> None:
        """Send a create of the members the user set (``values``)."""
        self.pending = values
        self.status().busy(f"Creating the {self.schema.noun}… Escape stops waiting")
        self.run_call("create", lambda: self.make(values), RecordCreated)

    def send(self, changes: dict[str, Any], overwrite: bool) -> None:
        """Save ``changes``, first checking that nobody changed the record meanwhile.

        The record is read back and compared with the version the user last
        read (opening the form, or F5); a difference stops the save (unless ``overwrite``) so
        that a colleague's change is never overwritten unseen.
        """
        assert self.record is not None
        key, record, loaded = self.key, self.record, dict(self.start)
        names = [spec.name for spec in self.form.fields]

        def save() -> Outcome:
            try:
                now = self.fetch(key)
            except FaultError as error:
                # Fault codes are not documented, so "deleted" is concluded
                # only from the list, not from the fault itself.
                try:
                    still_there = self.listed(record)
                except TrunkTuiError:
                    raise error from None
                if still_there:
                    raise
                return RecordGone(error)
            theirs = differing(loaded, now.members, names)
            if theirs and not overwrite:
                return SaveConflicted(now, theirs)
            sending.set()
            self.put(now, changes)
            return RecordSaved(changes)

        sending = self.sending = threading.Event()
        self.pending = changes
        self.status().busy(f"Saving {counted(len(changes), 'changed field')}… Escape stops waiting")
        self.run_call("save", save, lambda outcome: outcome)

    @on(CallFailed)
    def failed(self, failed: CallFailed) -> None:
        """Show a failed call beside Save; after a change whose outcome is unknown, read back."""
        if failed.purpose not in WHAT:
            return
        what, error = WHAT[failed.purpose], failed.error
        if failed.purpose == "load":
            self.status().fault(f"Could not reload: {error} (last read {self.read_at})")
        else:
            self.status().fault(f"{what} failed: {error}")
        self.notify(printable(error), title=f"{what} failed", severity="error", markup=False)
        if isinstance(error, ApiError) and error.may_have_acted:
            self.check_after(failed.purpose, f"{what} failed: {error}", settled=isinstance(error, HttpError))

    def check_after(self, purpose: str, reason: str, settled: bool) -> None:
        """After a save or create whose answer never came, find out whether the switch acted on it.

        ``settled`` says the switch has finished with the request (it answered, with an error page);
        otherwise the request may still be on its way or running, and a "not yet" is not a "no".
        """
        self.settled = settled
        if purpose == "save":
            self.verify(reason)
        elif purpose == "create":
            self.verify_create(reason)

    def not_done(self, reason: str, what: tuple[str, str], keep: str) -> None:
        """Say that the read-back did not find the change, as surely as the failure allows (``what``: the verb,
        and the form after "had")."""
        verb, done = what
        if self.settled:
            text = f"{reason} · the switch did NOT {verb} it. {keep}; Ctrl+S tries again."
        else:
            text = (f"{reason} · when read back, the switch had not {done} it; it still may, if the request "
                    f"reached it. {keep}: reopen the {self.schema.noun} list to see where it stands before "
                    "trying again.")
        self.status().fault(text)

    def verify(self, reason: str) -> None:
        """Read the record back to tell whether an unanswered save took effect."""
        assert self.record is not None
        record, wanted = self.record, dict(self.pending)
        self.status().busy(f"{reason} · checking whether the switch applied it…")
        self.run_call("verify", lambda: self.read_back(record, wanted, reason),
                      lambda checked: SaveVerified(reason, *checked))

    def verify_create(self, reason: str) -> None:
        """Look for the record by name to tell whether an unanswered create took effect."""
        wanted = dict(self.pending)
        self.status().busy(f"{reason} · checking whether the switch created it…")
        self.run_call("verify", lambda: self.find_made(wanted, reason), lambda found: CreateVerified(reason, found))

    @on(CreateVerified)
    def create_verified(self, verified: CreateVerified) -> None:
        if verified.found:
            key = verified.found[0]
            self.notify(f"{verified.reason}, but the switch did create it: {self.schema.noun} {printable(key)}.",
                        markup=False)
            self.found_made(key)
        else:
            self.not_done(verified.reason, ("create", "created"), "Your form is still here")

    @on(SaveVerified)
    def verified(self, verified: SaveVerified) -> None:
        reason, now = verified.reason, verified.now
        if verified.applied:
            self.record, self.start = now, dict(now.members)
            self.saved = self.key
            self.show_record()
            self.form.load(self.start)
            self.status().show(f"{reason} · but the switch did apply your change: the {self.schema.noun} now has "
                               "your values.")
        else:
            self.not_done(reason, ("apply", "applied"), "Your edits are still here")

    @on(SaveConflicted)
    def conflicted(self, conflict: SaveConflicted) -> None:
        """Someone changed the record since it was loaded: show both versions, let the user choose."""
        status = self.status()
        status.fault(f"Not saved: the {self.schema.noun} was changed on the switch since you read it at "
                     f"{self.read_at}.")
        mine = self.pending

        def chosen(choice: ConflictChoice | None) -> None:
            if choice is ConflictChoice.MINE:
                self.send(mine, overwrite=True)
            elif choice is ConflictChoice.THEIRS:
                self.take_theirs(conflict)
            else:
                status.show("Not saved. Your edits are still here.")

        names = [spec.name for spec in self.form.fields]
        self.open(conflict_dialog(self.start, conflict.now.members, mine, names, self.schema), chosen)

    def take_theirs(self, conflict: SaveConflicted) -> None:
        """Load the switch's version, keeping the user's edits to fields nobody else changed."""
        form = self.form
        values, _ = form.collect()
        self.record, self.start = conflict.now, dict(conflict.now.members)
        self.show_record()
        by_name = self.schema.by_name
        form.load({**values, **{name: self.start.get(name, by_name[name].default) for name in conflict.theirs}})
        for editor in form.editors():
            editor.rebase(self.start.get(editor.spec.name, editor.spec.default))
        self.status().show("Their changes are loaded; your other edits are kept. Review, then Ctrl+S.")

    @on(RecordGone)
    def gone(self, gone: RecordGone) -> None:
        self.vanished = True
        noun = self.schema.noun
        self.status().fault(f"Not saved: the {noun} could not be read back ({gone.error}). It may have been "
                            f"deleted. Your edits are kept; Ctrl+P, 'Re-create {noun}' makes a new one from them.")
        self.notify(f"The {noun} seems to have been deleted meanwhile.", severity="error")

    def action_recreate(self) -> None:
        """Open a create form holding this form's values (after the record vanished)."""
        if not self.vanished or self.read_only:
            return
        values, _ = self.form.collect()
        self.open(self.anew(values), self.recreated)

    def recreated(self, key: int | None) -> None:
        if key is not None:
            self.dismiss(key)

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def edited(self) -> None:
        """Say how many fields differ from the switch, once the form is shown, and again when none do."""
        if not self.is_mounted:
            return
        counting = bool(self.unsaved())
        if counting or self.counting:
            self.show_state(undone=self.counting)
        self.counting = counting
        self.settled = False

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#revert")
    def action_revert(self) -> None:
        self.form.load(self.start)
        self.status().show("Reverted to the values loaded from the switch.")

    def action_reveal(self) -> None:
        self.show_passwords(True)

    def action_conceal(self) -> None:
        self.show_passwords(False)

    def show_passwords(self, shown: bool) -> None:
        self.revealed = shown
        for form in self.query(TrunkForm):
            form.reveal(shown)
        self.refresh_bindings()

    def action_back(self) -> None:
        abandoned = self.stop_waiting()
        if abandoned:
            changing = next((purpose for purpose in ("save", "create") if purpose in abandoned), None)
            if changing is not None:
                sent = changing == "create" or self.sending.is_set()
                self.check_after(changing, f"Stopped waiting for the {changing}", settled=not sent)
            else:
                self.status().show(f"Stopped waiting for the switch; the form is as read at {self.read_at}.")
            return
        changed = self.unsaved()
        if not changed:
            self.dismiss(self.saved)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss(self.saved)

        self.open(discard_dialog(changed), confirmed)

    def commands(self) -> Iterable[SystemCommand]:
        """The bindings' entries, and the actions that have a button or no key."""
        yield from super().commands()
        noun = self.schema.noun
        if not self.read_only:
            yield SystemCommand("Revert changes", "Back to the values from the switch", self.action_revert)
        if self.vanished and not self.read_only:
            yield SystemCommand(f"Re-create {noun}", f"A new {noun} from this form's values, if this one was deleted",
                                self.action_recreate)
