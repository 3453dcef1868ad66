"""One trunk: every member the switch returned, and the form to change it.

The same screen creates (new or cloned) and edits. Saving an edit shows
the change field by field and then sends only what changed. A failed save
leaves the form as the user left it, with the fault beside the Save
button. The screen is dismissed with the id of a trunk it saved, or None.
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
from textual.widgets import Button, Checkbox, Footer, Header, Input, Static, Switch
from textual.worker import Worker

from trunktui.errors import ApiError, FaultError, HttpError, TrunkTuiError
from trunktui.model import FIELDS_BY_NAME, TRUNKS_2020, Trunk, changed_fields, differing, is_secret
from trunktui.text import counted, printable
from trunktui.tui.base import AppScreen, Context
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import cell
from trunktui.tui.form import TrunkForm
from trunktui.tui.screens.confirm import MASK, ConflictChoice, conflict_dialog, discard_dialog, save_dialog
from trunktui.tui.widgets import StatusLine

READ_ONLY_NOTE = "Read-only connection: this trunk can be viewed, not changed"


CHANGING_CALLS = ("save", "create", "verify")
WHAT = {"load": "Loading", "save": "Saving", "create": "Creating", "verify": "Checking"}


class TrunkLoaded(Outcome):
    """A fresh copy of the trunk from the switch."""

    def __init__(self, trunk: Trunk) -> None:
        super().__init__("load")
        self.trunk = trunk


class TrunkSaved(Outcome):
    """The switch took ``changes``."""

    def __init__(self, changes: dict[str, Any]) -> None:
        super().__init__("save")
        self.changes = changes


class SaveConflicted(Outcome):
    """Not saved: the trunk on the switch differs from the version the form was loaded from."""

    def __init__(self, now: Trunk, theirs: dict[str, Any]) -> None:
        super().__init__("save")
        self.now = now
        self.theirs = theirs


class TrunkGone(Outcome):
    """Not saved: the trunk could not be read back before saving, and is no longer listed."""

    def __init__(self, error: FaultError) -> None:
        super().__init__("save")
        self.error = error


class SaveVerified(Outcome):
    """The trunk read back after a save whose answer was lost (``reason``): ``applied`` or not."""

    def __init__(self, reason: str, applied: bool, now: Trunk) -> None:
        super().__init__("verify")
        self.reason = reason
        self.applied = applied
        self.now = now


class TrunkCreated(Outcome):
    def __init__(self, i_trunk: int) -> None:
        super().__init__("create")
        self.i_trunk = i_trunk


class CreateVerified(Outcome):
    """The account's trunks with the new trunk's name, looked up after a create whose answer was lost."""

    def __init__(self, reason: str, found: list[Trunk]) -> None:
        super().__init__("verify")
        self.reason = reason
        self.found = found


def clone_name(name: Any, taken: set[Any]) -> str:
    """The original's name (its real characters, not their stand-ins) with a -copy suffix not yet taken."""
    base = f"{name if isinstance(name, str) else printable(name)}-copy"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate


class TrunkScreen(AppScreen[int | None]):
    """View and edit one trunk, or create a new one."""

    DEFAULT_CSS = """
    TrunkScreen #heading { padding: 0 1; text-style: bold; height: auto; }
    TrunkScreen #form { height: 1fr; padding: 0 1; }
    TrunkScreen #readonly { height: auto; padding: 0 0 1 0; }
    TrunkScreen #savebar { height: auto; padding: 0 1; dock: bottom; margin-bottom: 1; }
    TrunkScreen #savebar Button { margin-right: 1; }
    TrunkScreen #save-status { width: 1fr; }
    """
    AUTO_FOCUS = "FieldEditor #input"
    """The first field takes the focus as the screen is made: focusing anything else first would
    restyle the whole form twice (the form's scroller takes focus, then gives it up)."""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the changes: shows old → new, then sends only those"),
        Binding("ctrl+r", "reveal", "Show passwords", tooltip="Show the passwords"),
        Binding("ctrl+r", "conceal", "Hide passwords", tooltip="Hide the passwords again"),
        Binding("f5", "reload", "Reload", key_display="F5",
                tooltip="Read the trunk again from the switch, keeping your edits"),
        Binding("r", "reload", "Reload", show=False),
        Binding("escape", "back", "Back", tooltip="Back to the table (asks first if there are unsaved changes)"),
    ]

    def __init__(self, context: Context, i_account: int, trunk: Trunk | None = None,
                 prefill: dict[str, Any] | None = None, source: str = "") -> None:
        """Edit ``trunk``, just read from the switch, or create one (from ``prefill``, described by ``source``)."""
        super().__init__(context)
        self.i_account = i_account
        self.trunk = trunk
        self.read_at = time.strftime("%H:%M:%S")
        self.creating = trunk is None
        self.saved: int | None = None
        self.revealed = False
        self.source = source
        self.pending: dict[str, Any] = {}
        self.vanished = False
        self.counting = False
        self.settled = False
        self.sending = threading.Event()
        self.start: dict[str, Any] = dict(trunk.members) if trunk is not None else dict(prefill or {})

    @classmethod
    def clone(cls, context: Context, i_account: int, original: Trunk, taken: set[Any]) -> TrunkScreen:
        prefill = {f.name: original.get(f.name, f.default) for f in TRUNKS_2020.editable(creating=True)}
        prefill["name"] = clone_name(original.name, taken)
        return cls(context, i_account, prefill=prefill, source=f"cloned from {printable(original.name, 60)}")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="heading")
        with VerticalScroll(id="form"):
            yield Static(id="readonly")
            yield TrunkForm(TRUNKS_2020.editable(self.creating), self.creating, self.start, disabled=self.read_only)
        with Horizontal(id="savebar"):
            yield Button("Create" if self.creating else "Save", id="save", variant="primary", compact=True)
            yield Button("Reset" if self.creating else "Revert", id="revert", compact=True)
            yield StatusLine(id="save-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_trunk()
        if self.read_only:
            for button in self.query(Button):
                button.display = False
            self.query_one("#form").focus()
        self.show_state()

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only hides saving; Ctrl+R shows or hides, as the footer says; a new trunk has nothing to reload."""
        if action in ("save", "revert"):
            return not self.read_only
        if action in ("reveal", "conceal"):
            return self.revealed == (action == "conceal")
        if action == "reload":
            return not self.creating
        return True

    # --- presentation ---------------------------------------------------------------

    def show_trunk(self) -> None:
        heading = self.query_one("#heading", Static)
        if self.creating:
            source = f", {self.source}" if self.source else ""
            heading.update(Text(f"New trunk in account {self.i_account}{source} · * is required"))
            self.query_one("#readonly", Static).display = False
            return
        assert self.trunk is not None
        mark = " · read-only" if self.read_only else ""
        heading.update(Text(f"Trunk {printable(self.trunk.i_trunk)} · {printable(self.trunk.name, 60)}{mark}"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for name in ("i_trunk", "i_account"):
            grid.add_row(FIELDS_BY_NAME[name].label, cell(self.trunk.get(name)))
        for name, value in self.trunk.extra(TRUNKS_2020).items():
            shown = Text(MASK if value else "(empty)", style="dim") if is_secret(name) else cell(value, 400)
            grid.add_row(Text(printable(name, 40)), shown)
        if self.trunk.extra(TRUNKS_2020):
            grid.add_row("", Text("Members above the line are read-only.", style="dim italic"))
        self.query_one("#readonly", Static).update(grid)

    def baseline(self) -> dict[str, Any]:
        """The values the form started from, to tell what the user changed."""
        form = self.query_one(TrunkForm)
        return {f.name: self.start.get(f.name, f.default) for f in form.fields}

    def unsaved(self) -> list[str]:
        form = self.query_one(TrunkForm)
        values, invalid = form.collect()
        changed = changed_fields(self.baseline(), values)
        return [f.label for f in form.fields
                if f.name in changed or any(e.spec is f and e.touched for e in invalid)]

    # --- calls ------------------------------------------------------------------------

    def show_state(self, undone: bool = False) -> None:
        """Say where the form stands: which edited fields the switch changed meanwhile, how many edits
        are unsaved (or that the last was ``undone``), and when the trunk was last read."""
        count = len(self.unsaved())
        overtaken = [e.spec.label for e in self.query_one(TrunkForm).editors() if e.overtaken_shown]
        parts = []
        if overtaken:
            edits = "your edit is" if len(overtaken) == 1 else "your edits are"
            parts.append(f"The switch changed {', '.join(overtaken)}; {edits} kept")
        if count:
            parts.append(counted(count, "unsaved change"))
        if undone and not count:
            parts.append("No unsaved changes")
        if self.read_only:
            parts.append(READ_ONLY_NOTE)
        if not self.creating:
            parts.append(f"read at {self.read_at}" if parts else f"Read from the switch at {self.read_at}")
        self.query_one("#save-status", StatusLine).show(" · ".join(parts))

    def reload(self) -> None:
        if self.trunk is None:
            return
        client, i_trunk = self.client, self.trunk.i_trunk
        self.query_one("#save-status", StatusLine).busy("Reading the trunk from the switch… Escape stops waiting")
        self.run_call("load", lambda: client.get_trunk(i_trunk), TrunkLoaded)

    def action_reload(self) -> None:
        """Read the trunk again: untouched fields take the switch's values, edited ones stay as typed."""
        if not self.change_on_its_way():
            self.reload()

    def change_on_its_way(self) -> bool:
        """Whether a change is on its way to the switch; if so, the status line says to wait for its answer."""
        if not self.calls_in_flight(*CHANGING_CALLS):
            return False
        self.query_one("#save-status", StatusLine).show(
            "A change is on its way to the switch; wait for its answer (Escape stops waiting).")
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Save waits while a change is on its way."""
        self.query_one("#save", Button).disabled = bool(self.calls_in_flight(*CHANGING_CALLS))

    @on(TrunkLoaded)
    def loaded(self, loaded: TrunkLoaded) -> None:
        """Show the fresh copy, which is from now on what the form's changes are measured against.

        Fields the user has not touched take the switch's values. An edited field keeps the user's
        text, and the switch's value becomes what the edit replaces: the save preview shows it as
        the field's value now, and a save stops only for changes made on the switch after this read.
        Where the switch changed an edited field since the last read, the field says so.
        """
        fresh = dict(loaded.trunk.members)
        for editor in self.query_one(TrunkForm).editors():
            name = editor.spec.name
            now = fresh.get(name, editor.spec.default)
            if not editor.touched:
                editor.load(now)
            elif differing(self.start, fresh, [name]):
                editor.overtake(now)
            else:
                editor.rebase(now)
        self.trunk, self.start = loaded.trunk, fresh
        self.read_at = time.strftime("%H:%M:%S")
        self.show_trunk()
        self.show_state()

    @on(TrunkSaved)
    def saved_changes(self, saved: TrunkSaved) -> None:
        self.start.update(saved.changes)
        for editor in self.query_one(TrunkForm).editors():
            if editor.spec.name in saved.changes:
                editor.rebase(saved.changes[editor.spec.name])
        self.notify(f"Saved {counted(len(saved.changes), 'field')}.")
        self.saved = self.trunk.i_trunk if self.trunk else None
        self.reload()
        self.query_one("#save-status", StatusLine).show("Saved.")

    @on(TrunkCreated)
    def created(self, created: TrunkCreated) -> None:
        self.notify(f"Created trunk {created.i_trunk}.")
        self.done_creating(created.i_trunk)

    def done_creating(self, i_trunk: int) -> None:
        self.saved = i_trunk
        self.creating = False
        self.dismiss(i_trunk)

    # --- actions --------------------------------------------------------------------------

    def action_save(self) -> None:
        form = self.query_one(TrunkForm)
        status = self.query_one("#save-status", StatusLine)
        if self.change_on_its_way():
            return
        invalid = form.insist()
        values, _ = form.collect()
        if invalid:
            invalid[0].query_one("#input").focus()
            status.fault(f"Fix the {counted(len(invalid), 'field')} marked in red first.")
            return
        if self.creating:
            defaults = {f.name: f.default for f in form.fields}
            params = {**changed_fields(defaults, values), "i_account": self.i_account}
            client = self.client
            self.pending = params
            status.busy("Creating the trunk… Escape stops waiting")
            self.run_call("create", lambda: client.create_trunk(params), TrunkCreated)
            return
        changes = changed_fields(self.baseline(), values)
        if not changes:
            status.show("Nothing to save: no field has changed.")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.send(changes, overwrite=False)

        self.open(save_dialog(self.baseline(), changes), confirmed)

    def send(self, changes: dict[str, Any], overwrite: bool) -> None:
        """Save ``changes``, first checking that nobody changed the trunk meanwhile.

        The trunk is read back and compared with the version the user last
        read (opening the form, or F5); a difference stops the save (unless ``overwrite``) so
        that a colleague's change is never overwritten unseen.
        """
        assert self.trunk is not None
        client, i_trunk, loaded = self.client, self.trunk.i_trunk, dict(self.start)
        names = [spec.name for spec in self.query_one(TrunkForm).fields]
        i_account = self.trunk.get("i_account", self.i_account)

        def save() -> Outcome:
            try:
                now = client.get_trunk(i_trunk)
            except FaultError as error:
                # Fault codes are not documented, so "deleted" is concluded
                # only from the account's list, not from the fault itself.
                try:
                    still_there = any(t.i_trunk == i_trunk for t in client.list_trunks(i_account))
                except TrunkTuiError:
                    raise error from None
                if still_there:
                    raise
                return TrunkGone(error)
            theirs = differing(loaded, now.members, names)
            if theirs and not overwrite:
                return SaveConflicted(now, theirs)
            sending.set()
            client.update_trunk(i_trunk, changes, before=now.members)
            return TrunkSaved(changes)

        sending = self.sending = threading.Event()
        self.pending = changes
        self.query_one("#save-status", StatusLine).busy(
            f"Saving {counted(len(changes), 'changed field')}… Escape stops waiting")
        self.run_call("save", save, lambda outcome: outcome)

    @on(CallFailed)
    def failed(self, failed: CallFailed) -> None:
        """Show a failed call beside Save; after a change whose outcome is unknown, read back."""
        what, error = WHAT[failed.purpose], failed.error
        status = self.query_one("#save-status", StatusLine)
        if failed.purpose == "load":
            status.fault(f"Could not reload: {error} (last read {self.read_at})")
        else:
            status.fault(f"{what} failed: {error}")
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
                    f"reached it. {keep}: reopen the trunk list to see where it stands before trying again.")
        self.query_one("#save-status", StatusLine).fault(text)

    def verify(self, reason: str) -> None:
        """Read the trunk back to tell whether an unanswered save took effect."""
        assert self.trunk is not None
        client, i_trunk, wanted, before = self.client, self.trunk.i_trunk, dict(self.pending), dict(self.start)
        self.query_one("#save-status", StatusLine).busy(f"{reason} · checking whether the switch applied it…")
        self.run_call("verify", lambda: client.check_update(i_trunk, wanted, reason, before),
                      lambda checked: SaveVerified(reason, *checked))

    def verify_create(self, reason: str) -> None:
        """Look for the trunk by name to tell whether an unanswered create took effect."""
        client, wanted = self.client, dict(self.pending)
        self.query_one("#save-status", StatusLine).busy(f"{reason} · checking whether the switch created it…")
        self.run_call("verify", lambda: client.check_create(wanted, reason),
                      lambda found: CreateVerified(reason, found))

    @on(CreateVerified)
    def create_verified(self, verified: CreateVerified) -> None:
        if verified.found:
            i_trunk = verified.found[0].i_trunk
            self.notify(f"{verified.reason}, but the switch did create it: trunk {printable(i_trunk)}.",
                        markup=False)
            self.done_creating(i_trunk)
        else:
            self.not_done(verified.reason, ("create", "created"), "Your form is still here")

    @on(SaveVerified)
    def verified(self, verified: SaveVerified) -> None:
        status = self.query_one("#save-status", StatusLine)
        reason, now = verified.reason, verified.now
        if verified.applied:
            self.trunk, self.start = now, dict(now.members)
            self.saved = now.i_trunk
            self.show_trunk()
            self.query_one(TrunkForm).load(self.start)
            status.show(f"{reason} · but the switch did apply your change: the trunk now has your values.")
        else:
            self.not_done(reason, ("apply", "applied"), "Your edits are still here")

    @on(SaveConflicted)
    def conflicted(self, conflict: SaveConflicted) -> None:
        """Someone changed the trunk since it was loaded: show both versions, let the user choose."""
        status = self.query_one("#save-status", StatusLine)
        status.fault(f"Not saved: the trunk was changed on the switch since you read it at {self.read_at}.")
        mine = self.pending

        def chosen(choice: ConflictChoice | None) -> None:
            if choice is ConflictChoice.MINE:
                self.send(mine, overwrite=True)
            elif choice is ConflictChoice.THEIRS:
                self.take_theirs(conflict)
            else:
                status.show("Not saved. Your edits are still here.")

        names = [spec.name for spec in self.query_one(TrunkForm).fields]
        self.open(conflict_dialog(self.start, conflict.now.members, mine, names), chosen)

    def take_theirs(self, conflict: SaveConflicted) -> None:
        """Load the switch's version, keeping the user's edits to fields nobody else changed."""
        form = self.query_one(TrunkForm)
        values, _ = form.collect()
        self.trunk, self.start = conflict.now, dict(conflict.now.members)
        self.show_trunk()
        form.load({**values, **{name: self.start.get(name, FIELDS_BY_NAME[name].default) for name in conflict.theirs}})
        for editor in form.editors():
            editor.rebase(self.start.get(editor.spec.name, editor.spec.default))
        self.query_one("#save-status", StatusLine).show(
            "Their changes are loaded; your other edits are kept. Review, then Ctrl+S.")

    @on(TrunkGone)
    def gone(self, gone: TrunkGone) -> None:
        self.vanished = True
        status = self.query_one("#save-status", StatusLine)
        status.fault(f"Not saved: the trunk could not be read back ({gone.error}). It may have been deleted. "
                     "Your edits are kept; Ctrl+P, 'Re-create trunk' makes a new one from them.")
        self.notify("The trunk seems to have been deleted meanwhile.", severity="error")

    def action_recreate(self) -> None:
        """Open a new-trunk form holding this form's values (after the trunk vanished)."""
        if not self.vanished or self.read_only:
            return
        values, _ = self.query_one(TrunkForm).collect()
        self.open(TrunkScreen(self.context, self.i_account, prefill=values,
                                         source="re-created from your edits"), self.recreated)

    def recreated(self, i_trunk: int | None) -> None:
        if i_trunk is not None:
            self.dismiss(i_trunk)

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Checkbox.Changed)
    def edited(self) -> None:
        """Say how many fields differ from the switch, once the form is shown, and again when none do."""
        if not self.is_mounted:
            return
        counting = bool(self.unsaved())
        if counting or self.counting:
            self.show_state(undone=self.counting)
        self.counting = counting
        self.settled = False
        self.sending = threading.Event()

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#revert")
    def action_revert(self) -> None:
        self.query_one(TrunkForm).load(self.start)
        self.query_one("#save-status", StatusLine).show("Reverted to the values loaded from the switch.")

    def action_reveal(self) -> None:
        self.show_passwords(True)

    def action_conceal(self) -> None:
        self.show_passwords(False)

    def show_passwords(self, shown: bool) -> None:
        self.revealed = shown
        self.query_one(TrunkForm).reveal(shown)
        self.refresh_bindings()

    def action_back(self) -> None:
        abandoned = self.stop_waiting()
        if abandoned:
            changing = next((purpose for purpose in ("save", "create") if purpose in abandoned), None)
            if changing is not None:
                sent = changing == "create" or self.sending.is_set()
                self.check_after(changing, f"Stopped waiting for the {changing}", settled=not sent)
            else:
                self.query_one("#save-status", StatusLine).show(
                    f"Stopped waiting for the switch; the form is as read at {self.read_at}.")
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
        if not self.read_only:
            yield SystemCommand("Revert changes", "Back to the values from the switch", self.action_revert)
        if self.vanished and not self.read_only:
            yield SystemCommand("Re-create trunk", "A new trunk from this form's values, if this one was deleted",
                                self.action_recreate)
