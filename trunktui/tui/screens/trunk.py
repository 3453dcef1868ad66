"""One trunk: every member the switch returned, and the form to change it.

The same screen creates (new or cloned) and edits. Saving an edit shows
the change field by field and then sends only what changed. A failed save
leaves the form as the user left it, with the fault beside the Save
button. The screen is dismissed with the id of a trunk it saved, or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Static, Switch

from trunktui.errors import AuthError
from trunktui.model import FIELDS_BY_NAME, Trunk, changed_fields, editable_fields
from trunktui.text import printable
from trunktui.tui.base import AppScreen
from trunktui.tui.calls import Answer, call_in_worker
from trunktui.tui.cells import cell
from trunktui.tui.form import TrunkForm
from trunktui.tui.screens.confirm import discard_dialog, save_dialog
from trunktui.tui.widgets import StatusLine

READ_ONLY_NOTE = "Read-only connection: this trunk can be viewed, not changed."


def clone_name(name: Any, taken: set[Any]) -> str:
    base = f"{printable(name)}-copy"
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
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+r", "reveal", "Show passwords"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, i_account: int, trunk: Trunk | None = None, clone_of: Trunk | None = None,
                 taken: set[Any] | None = None) -> None:
        super().__init__()
        self.i_account = i_account
        self.trunk = trunk
        self.creating = trunk is None
        self.saved: int | None = None
        self.revealed = False
        self.start: dict[str, Any] = {}
        if trunk is not None:
            self.start = dict(trunk.members)
        elif clone_of is not None:
            self.start = {f.name: clone_of.get(f.name, f.default) for f in editable_fields(creating=True)}
            self.start["name"] = clone_name(clone_of.name, taken or set())
        self.clone_of = clone_of

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="heading")
        with VerticalScroll(id="form"):
            yield Static(id="readonly")
            yield TrunkForm(editable_fields(self.creating), self.creating)
        with Horizontal(id="savebar"):
            yield Button("Create" if self.creating else "Save", id="save", variant="primary", compact=True)
            yield Button("Reset" if self.creating else "Revert", id="revert", compact=True)
            yield StatusLine(id="save-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_trunk()
        form = self.query_one(TrunkForm)
        form.load(self.start)
        if self.read_only:
            form.disabled = True
            for button in self.query(Button):
                button.display = False
            self.query_one("#save-status", StatusLine).show(READ_ONLY_NOTE)
        else:
            form.editors()[0].query_one("#input").focus()
        if not self.creating:
            self.reload()

    @property
    def read_only(self) -> bool:
        return self.trunk_app.session.read_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "revert") and self.read_only:
            return None
        return True

    # --- presentation ---------------------------------------------------------------

    def show_trunk(self) -> None:
        heading = self.query_one("#heading", Static)
        if self.creating:
            source = f", cloned from {printable(self.clone_of.name, 60)}" if self.clone_of else ""
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
        for name, value in self.trunk.extra.items():
            grid.add_row(Text(printable(name, 40)), cell(value, 400))
        if self.trunk.extra:
            grid.add_row("", Text("Members above the line are read-only.", style="dim italic"))
        self.query_one("#readonly", Static).update(grid)

    def baseline(self) -> dict[str, Any]:
        """The values the form started from, to tell what the user changed."""
        form = self.query_one(TrunkForm)
        return {f.name: self.start.get(f.name, f.default) for f in form.fields}

    def dirty(self) -> list[str]:
        form = self.query_one(TrunkForm)
        values, invalid = form.collect()
        changed = changed_fields(self.baseline(), values)
        return [f.label for f in form.fields if f.name in changed or any(e.spec is f for e in invalid)]

    # --- calls ------------------------------------------------------------------------

    def reload(self) -> None:
        assert self.trunk is not None
        client, i_trunk = self.client, self.trunk.i_trunk
        self.query_one("#save-status", StatusLine).busy("Loading the trunk from the switch…")
        call_in_worker(self, "load", lambda: client.get_trunk(i_trunk))

    @on(Answer)
    def answered(self, answer: Answer) -> None:
        answer.stop()
        status = self.query_one("#save-status", StatusLine)
        self.query_one("#save", Button).disabled = False
        if answer.error is not None:
            what = {"load": "Loading", "save": "Saving", "create": "Creating"}[answer.purpose]
            status.fault(f"{what} failed: {answer.error}")
            self.notify(printable(answer.error), title=f"{what} failed", severity="error", markup=False)
            if isinstance(answer.error, AuthError):
                self.trunk_app.ask_password_again(answer.error.message)
            return
        if answer.purpose == "load":
            fresh: Trunk = answer.value
            untouched = not self.dirty()
            self.trunk, self.start = fresh, dict(fresh.members)
            self.show_trunk()
            if untouched:
                self.query_one(TrunkForm).load(self.start)
            if self.read_only:
                status.show(READ_ONLY_NOTE)
            else:
                status.show("Up to date with the switch." if untouched else "Reloaded; your edits are kept.")
        elif answer.purpose == "save":
            saved: dict[str, Any] = answer.value
            self.start.update(saved)
            count = len(saved)
            self.notify(f"Saved {count} field{'s' if count != 1 else ''}.")
            self.saved = self.trunk.i_trunk if self.trunk else None
            self.reload()
            status.show("Saved.")
        elif answer.purpose == "create":
            i_trunk: int = answer.value
            self.saved = i_trunk
            self.creating = False
            self.notify(f"Created trunk {i_trunk}.")
            self.dismiss(i_trunk)

    # --- actions --------------------------------------------------------------------------

    def action_save(self) -> None:
        form = self.query_one(TrunkForm)
        status = self.query_one("#save-status", StatusLine)
        values, invalid = form.collect()
        if invalid:
            invalid[0].query_one("#input").focus()
            count = len(invalid)
            status.fault(f"Fix the {count} field{'s' if count != 1 else ''} marked in red first.")
            return
        if self.creating:
            defaults = {f.name: f.default for f in form.fields}
            params = {**changed_fields(defaults, values), "i_account": self.i_account}
            client = self.client
            self.query_one("#save", Button).disabled = True
            status.busy("Creating the trunk…")
            call_in_worker(self, "create", lambda: client.create_trunk(params))
            return
        changes = changed_fields(self.baseline(), values)
        if not changes:
            status.show("Nothing to save: no field has changed.")
            return

        assert self.trunk is not None
        client, i_trunk = self.client, self.trunk.i_trunk

        before = dict(self.trunk.members)

        def save() -> dict[str, Any]:
            client.update_trunk(i_trunk, changes, before=before)
            return changes

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.query_one("#save", Button).disabled = True
                status.busy(f"Saving {len(changes)} changed field(s)…")
                call_in_worker(self, "save", save)

        self.app.push_screen(save_dialog(self.baseline(), changes), confirmed)

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Checkbox.Changed)
    def edited(self) -> None:
        """Say how many fields differ from the switch, once the form is shown."""
        if not self.is_mounted:
            return
        count = len(self.dirty())
        if count:
            self.query_one("#save-status", StatusLine).show(
                f"{count} unsaved change{'s' if count != 1 else ''} · Ctrl+S saves"
            )

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#revert")
    def action_revert(self) -> None:
        self.query_one(TrunkForm).load(self.start)
        self.query_one("#save-status", StatusLine).show("Reverted to the values loaded from the switch.")

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.query_one(TrunkForm).reveal(self.revealed)

    def action_back(self) -> None:
        changed = self.dirty()
        if not changed:
            self.dismiss(self.saved)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss(self.saved)

        self.app.push_screen(discard_dialog(changed), confirmed)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Save trunk", "Send the changed fields to the switch", self.action_save)
        yield SystemCommand("Revert changes", "Back to the values from the switch", self.action_revert)
        yield SystemCommand("Show or hide passwords", "Reveal the masked password fields", self.action_reveal)
