"""One trunk: every member the switch returned, the form to change it, and on a 2022+ switch its connections.

Everything about editing is ``RecordScreen``'s. On a switch that speaks the
2022+ API the trunk is only a name, a description and a routing policy, and
its destinations are an ordered list of connections, shown under the form:
Enter opens one, and the list's keys add, delete and move them, one call
each, the list read again after. A new trunk is created with its first
connection in the same form, and a clone with copies of the original's
connections: two or more calls, so a failure after the first leaves a
trunk that exists, which the screen says, keeping what is still to send.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Button, DataTable, Static
from textual.worker import Worker, get_current_worker

from trunktui.api import SippyClient
from trunktui.errors import ApiError, TrunkTuiError
from trunktui.model import Kind, Record, Trunk, TrunkConnection
from trunktui.text import counted, printable
from trunktui.tui.base import Context
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.form import FieldEditor, TrunkForm
from trunktui.tui.screens.confirm import delete_dialog
from trunktui.tui.screens.connection import ConnectionScreen, ConnectionTable, connection_name
from trunktui.tui.screens.record import RecordCreated, RecordScreen
from trunktui.tui.widgets import StatusLine
from trunktui.versions import CONNECTIONS, POLICIES, Api

CONNECTION_CALLS = ("connections", "move", "remove")
FIRST_CONNECTION = tuple(f for f in CONNECTIONS.editable(creating=True) if f.name != "order_no")
"""What the form of a new trunk asks of its first connection: it goes first, being the only one."""


class PoliciesRead(Outcome):
    """The routing policies the switch offers (none if it does not say)."""

    def __init__(self, policies: tuple[str, ...]) -> None:
        super().__init__("policies")
        self.policies = policies


class ConnectionsRead(Outcome):
    """The trunk's connections read again, after ``said`` (a move, a delete; a ``fault`` if it did not do what
    was asked), the cursor on ``select``."""

    def __init__(self, purpose: str, connections: tuple[TrunkConnection, ...], select: Any = None,
                 said: str = "", fault: bool = False) -> None:
        super().__init__(purpose)
        self.connections = connections
        self.select = select
        self.said = said
        self.fault = fault


class PartlyCreated(Outcome):
    """The trunk ``i_trunk`` exists with the first ``made`` of its planned connections; the next one failed
    (``error``), or was not sent."""

    def __init__(self, i_trunk: int, made: int, error: TrunkTuiError | None) -> None:
        super().__init__("create")
        self.i_trunk = i_trunk
        self.made = made
        self.error = error


class Progress(Message, bubble=False):
    """How far a create of several calls has got, posted from the thread of its ``worker``."""

    def __init__(self, said: str, worker: Worker[None]) -> None:
        super().__init__()
        self.said = said
        self.worker = worker


def clone_name(name: Any, taken: set[Any]) -> str:
    """The original's name (its real characters, not their stand-ins) with a -copy suffix not yet taken."""
    base = f"{name if isinstance(name, str) else printable(name)}-copy"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate


def copy_of(connection: TrunkConnection) -> dict[str, Any]:
    """What a create sends to copy ``connection`` to the bottom of another trunk's list: every declared member
    the switch returned for it, those seen in one client only among them (a blocked connection stays blocked),
    a 0/1 boolean as true or false.

    Not copied: its id, trunk and place (the copies are made in the original's order), members the model
    does not declare, and a NULL where the member takes none (the new connection has the switch's default).
    """
    values: dict[str, Any] = {"order_no": "last"}
    for spec in CONNECTIONS.editable(creating=False, returned=connection.members):
        value = connection.get(spec.name)
        if spec.name == "order_no" or spec.name not in connection.members or (value is None and not spec.nullable):
            continue
        truth = spec.truth(value) if spec.kind is Kind.BOOLEAN else None
        values[spec.name] = value if truth is None else truth
    return values


class TrunkScreen(RecordScreen):
    """View and edit one trunk (with its connections on a 2022+ switch), or create a new one."""

    DEFAULT_CSS = """
    TrunkScreen #connections-title { padding: 1 0 0 0; text-style: bold; height: auto; }
    TrunkScreen #connections-status { padding: 0; }
    """

    def __init__(self, context: Context, i_account: int, trunk: Trunk | None = None,
                 prefill: dict[str, Any] | None = None, source: str = "", original: Trunk | None = None) -> None:
        """Edit ``trunk``, just read from the switch, or create one (from ``prefill``, described by ``source``);
        a clone of ``original`` on a 2022+ switch copies its connections too."""
        finding = context.client.finding
        shaped = Api.V2022 if trunk is not None and trunk.connections is not None else Api.V2020
        self.api = shaped if finding is None else finding.api
        super().__init__(context, self.api.trunks, trunk, prefill, source)
        self.i_account = i_account
        self.original = original
        self.copies: tuple[TrunkConnection, ...] | None = None
        """The original's connections, as read when cloning."""
        self.made_trunk: int | None = None
        """The trunk a create made before one of its connections failed: only the connections are sent again."""
        self.made = 0
        self.pending_connection: tuple[TrunkConnection, str] | None = None
        """The connection last moved or deleted, and how ("up", "down", "delete"): what a read-back checks."""

    @classmethod
    def clone(cls, context: Context, i_account: int, original: Trunk, taken: set[Any]) -> TrunkScreen:
        finding = context.client.finding
        schema = (Api.V2020 if finding is None else finding.api).trunks
        prefill = {f.name: original.get(f.name, f.default) for f in schema.editable(creating=True)}
        prefill["name"] = clone_name(original.name, taken)
        return cls(context, i_account, prefill=prefill, source=f"cloned from {printable(original.name, 60)}",
                   original=original)

    @property
    def trunk(self) -> Trunk | None:
        assert self.record is None or isinstance(self.record, Trunk)
        return self.record

    @property
    def connected(self) -> bool:
        """Whether the trunk has connections of its own (the 2022+ API)."""
        return self.api.has_connections

    # --- the trunk's calls ------------------------------------------------------------

    def heading(self) -> str:
        if self.made_trunk is not None:
            return (f"Trunk {self.made_trunk} (created) in account {self.i_account} · its connections are still "
                    "to be added")
        if self.creating:
            source = f", {self.source}" if self.source else ""
            return f"New trunk in account {self.i_account}{source} · * is required"
        assert self.trunk is not None
        return f"Trunk {printable(self.trunk.i_trunk)} · {printable(self.trunk.name, 60)}"

    def choices(self) -> dict[str, tuple[str, ...]]:
        return {"policy": POLICIES} if self.connected else {}

    def fetch(self, key: Any) -> Record:
        return self.client.get_trunk(key)

    def listed(self, record: Record) -> bool:
        key = record.get("i_trunk")
        return any(t.i_trunk == key for t in self.client.list_trunks(record.get("i_account", self.i_account)))

    def put(self, now: Record, changes: dict[str, Any]) -> None:
        self.client.update_trunk(now.get("i_trunk"), changes, before=now.members)

    def read_back(self, loaded: Record, wanted: dict[str, Any], reason: str) -> tuple[bool, Record]:
        return self.client.check_update(loaded.get("i_trunk"), wanted, reason, loaded.members)

    def make(self, values: dict[str, Any]) -> int:
        return self.client.create_trunk({**values, "i_account": self.i_account})

    def find_made(self, values: dict[str, Any], reason: str) -> list[Any]:
        return [t.i_trunk for t in self.client.check_create({**values, "i_account": self.i_account}, reason)]

    def anew(self, values: dict[str, Any]) -> RecordScreen:
        return TrunkScreen(self.context, self.i_account, prefill=values, source="re-created from your edits")

    # --- the connections --------------------------------------------------------------

    def compose_more(self) -> ComposeResult:
        if not self.connected:
            return
        if self.creating and self.original is None:
            yield Static(Text("First connection"), id="connections-title")
            yield TrunkForm(FIRST_CONNECTION, True, {}, disabled=self.read_only, prefix="connection-")
            return
        title = "Connections to copy" if self.creating else "Connections"
        yield Static(Text(title), id="connections-title")
        yield ConnectionTable()
        yield StatusLine(id="connections-status")

    def on_mount(self) -> None:
        super().on_mount()
        if not self.connected:
            return
        client = self.client
        if not self.read_only:
            self.run_call("policies", client.trunk_policies, PoliciesRead)
        if self.original is not None:
            i_trunk = self.original.i_trunk
            self.connection_status("Reading the connections to copy…", busy=True)
            self.run_call("connections", lambda: client.list_connections(i_trunk),
                          lambda found: ConnectionsRead("connections", found))

    def connection_status(self, said: str, busy: bool = False, fault: bool = False) -> None:
        """Say ``said`` under the connections, where the user is looking."""
        for line in self.query("#connections-status").results(StatusLine):
            if fault:
                line.fault(said)
            elif busy:
                line.busy(said)
            else:
                line.show(said)

    def show_record(self) -> None:
        super().show_record()
        trunk = self.trunk
        if self.connected and trunk is not None:
            self.show_connections(trunk.connections)

    def show_connections(self, connections: Sequence[TrunkConnection] | None, select: Any = None) -> None:
        for table in self.query(ConnectionTable):
            table.show(connections or (), select)
        if connections is None:
            self.connection_status("The connections could not be read; F5 tries again.", fault=True)
        elif not connections:
            self.connection_status("No connections: calls to this trunk have nowhere to go. "
                                   + ("" if self.read_only else "a adds one."))
        else:
            hint = "" if self.read_only or self.creating else " · ⏎ opens · a adds · d deletes · ⇧↑⇧↓ move"
            how = "taken in turn" if self.start.get("policy") == "Round-Robin" else "tried top to bottom"
            self.connection_status(f"{counted(len(connections), 'connection')}, {how}{hint}")

    @on(PoliciesRead)
    def policies_read(self, read: PoliciesRead) -> None:
        if read.policies:
            self.form.offer("policy", read.policies)

    @on(ConnectionsRead)
    def connections_read(self, read: ConnectionsRead) -> None:
        if self.original is not None and self.creating:
            self.copies = read.connections
            self.show_connections(read.connections)
            names = ", ".join(connection_name(c) for c in read.connections) or "none"
            self.connection_status(f"{counted(len(read.connections), 'connection')} will be copied, in this "
                                   f"order: {names}")
            return
        trunk = self.trunk
        if trunk is None:
            return
        self.record = Trunk(trunk.members, read.connections)
        self.show_connections(read.connections, read.select)
        if read.said:
            self.connection_status(read.said, fault=read.fault)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The list's changing keys only on a trunk that exists, over a connection that may change it; on a
        read-only connection their keys say why they do nothing."""
        if action in ("add_connection", "delete_connection", "move_connection"):
            return self.connected and not self.creating and not self.read_only
        if action == "connections_read_only":
            return self.connected and not self.creating and self.read_only
        return super().check_action(action, parameters)

    def action_connections_read_only(self, done: str) -> None:
        self.connection_status(f"Read-only: connections cannot be {done} here.", fault=True)

    def connections_changed(self) -> None:
        """A connection was (or may have been) added, changed, moved or deleted: going back reloads the trunks."""
        if self.trunk is not None:
            self.saved = self.trunk.i_trunk

    def connections_busy(self) -> bool:
        """Whether a call about the connections is on its way; if so, say so: the key pressed is not acted on."""
        flying = {worker.group for worker in self.calls_in_flight(*CONNECTION_CALLS)}
        if not flying:
            return False
        doing = "reading the connections"
        if flying & {"move", "remove"} and self.pending_connection is not None:
            connection, way = self.pending_connection
            name = connection_name(connection)
            doing = f"deleting {name}" if way == "delete" else f"moving {name} {way}"
        self.connection_status(f"Still {doing}… press the key again once it is done · Escape stops waiting",
                               busy=True)
        return True

    def chosen_connection(self) -> TrunkConnection | None:
        table = next(iter(self.query(ConnectionTable)), None)
        connection = None if table is None else table.current()
        if connection is None:
            self.connection_status("Select a connection first.")
        return connection

    @on(DataTable.RowSelected, "#connections")
    def connection_selected(self) -> None:
        """Enter on a connection opens it."""
        if self.creating or self.trunk is None:
            return
        connection = self.chosen_connection()
        if connection is not None:
            self.open(ConnectionScreen(self.context, self.trunk, connection), self.connection_done)

    def action_add_connection(self) -> None:
        if self.trunk is not None and self.check_action("add_connection", ()):
            self.open(ConnectionScreen(self.context, self.trunk), self.connection_done)

    def connection_done(self, i_connection: int | None) -> None:
        """Back from a connection's screen: read the list again if it saved, the cursor on that connection."""
        if i_connection is not None:
            self.connections_changed()
            self.read_connections(select=i_connection)

    def for_worker(self) -> tuple[SippyClient, Any, Any]:
        """The client, the trunk's id and its account, read now: a worker must not read the screen later."""
        assert self.trunk is not None
        return self.client, self.trunk.i_trunk, self.trunk.get("i_account")

    def read_connections(self, select: Any = None, said: str = "") -> None:
        if self.trunk is None:
            return
        client, i_trunk = self.client, self.trunk.i_trunk
        self.connection_status("Reading the connections…", busy=True)
        self.run_call("connections", lambda: client.list_connections(i_trunk),
                      lambda found: ConnectionsRead("connections", found, select, said))

    def action_move_connection(self, way: str) -> None:
        """Move the highlighted connection one place (one call), then read the list again."""
        if not self.check_action("move_connection", ()) or self.connections_busy():
            return
        connection = self.chosen_connection()
        if connection is None or self.trunk is None:
            return
        shown = self.query_one(ConnectionTable).shown
        edge = shown[0] if way == "up" else shown[-1]
        if edge.i_trunk_connection == connection.i_trunk_connection:
            self.connection_status(f"{connection_name(connection)} is already {'first' if way == 'up' else 'last'}.")
            return
        client, i_trunk, account = self.for_worker()
        key, name = connection.i_trunk_connection, connection_name(connection)
        place = [c.i_trunk_connection for c in shown].index(key)

        def move() -> Outcome:
            """The move, then the list read again: a switch that took the call may still not have moved it."""
            client.update_connection(connection, {"order_no": way}, account)
            found = client.list_connections(i_trunk)
            if [c.i_trunk_connection for c in found][place:place + 1] == [key]:
                return ConnectionsRead("move", found, key, f"{name} did not move: the switch took the call, but "
                                       f"lists it at place {place + 1} still.", fault=True)
            return ConnectionsRead("move", found, key, f"Moved {name} {way}.")

        self.connection_status(f"Moving {name} {way}… Escape stops waiting", busy=True)
        self.pending_connection = (connection, way)
        self.connections_changed()
        self.run_call("move", move, lambda outcome: outcome)

    def action_delete_connection(self) -> None:
        if not self.check_action("delete_connection", ()) or self.connections_busy():
            return
        connection = self.chosen_connection()
        if connection is None or self.trunk is None:
            return
        client, i_trunk, account = self.for_worker()

        def delete() -> Outcome:
            client.delete_connection(connection, account)
            return ConnectionsRead("remove", client.list_connections(i_trunk),
                                   said=f"Deleted connection {connection_name(connection)}.")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.connection_status(f"Deleting {connection_name(connection)}… Escape stops waiting", busy=True)
                self.pending_connection = (connection, "delete")
                self.connections_changed()
                self.run_call("remove", delete, lambda outcome: outcome)
            else:
                self.connection_status(f"Not deleted: connection {connection_name(connection)} is unchanged.")

        self.open(delete_dialog(connection, self.session.production, CONNECTIONS), confirmed)

    @on(CallFailed)
    def connection_call_failed(self, failed: CallFailed) -> None:
        """A connection call failed: say so under the list; if it may have acted, read back where things stand."""
        if failed.purpose not in CONNECTION_CALLS:
            return
        error = failed.error
        what = {"connections": "Reading the connections", "move": "Moving", "remove": "Deleting"}[failed.purpose]
        self.connection_status(f"{what} failed: {error}", fault=True)
        self.notify(printable(error), title=f"{what} failed", severity="error", markup=False)
        if failed.purpose != "connections" and isinstance(error, ApiError) and error.may_have_acted:
            self.check_connection_change(f"{what} failed: {error}")

    def check_connection_change(self, reason: str) -> None:
        """After a move or delete whose answer never came, read the list back and say what the switch did."""
        if self.trunk is None or self.pending_connection is None:
            return
        connection, way = self.pending_connection
        client, i_trunk, account = self.for_worker()
        key = connection.i_trunk_connection

        def check() -> Outcome:
            if way == "delete":
                found = client.list_connections(i_trunk)
                there = any(c.i_trunk_connection == key for c in found)
                said = "it is still there" if there else "the switch did delete it"
                return ConnectionsRead("connections", found, key, f"{reason} · read back: {said}.")
            applied, _ = client.check_connection_update(connection, {"order_no": way}, reason, account)
            said = "the switch did move it" if applied else "it has not moved"
            return ConnectionsRead("connections", client.list_connections(i_trunk), key,
                                   f"{reason} · read back: {said}.")

        self.connection_status(f"{reason} · checking what the switch did…", busy=True)
        self.run_call("connections", check, lambda outcome: outcome)

    def action_back(self) -> None:
        """Escape during a connection's move or delete stops waiting, then reads the list back."""
        if self.calls_in_flight("move", "remove"):
            self.stop_waiting()
            self.check_connection_change("Stopped waiting for the switch")
            return
        super().action_back()

    def action_reload(self) -> None:
        if self.made_trunk is None:
            super().action_reload()

    # --- creating on a 2022+ switch ----------------------------------------------------

    @property
    def first_form(self) -> TrunkForm | None:
        forms = self.query("#connection-form").results(TrunkForm)
        return next(forms, None)

    def insist(self) -> list[Any]:
        invalid: list[FieldEditor] = [] if self.made_trunk is not None else self.form.insist()
        first = self.first_form
        return invalid + ([] if first is None else first.insist())

    def unsaved(self) -> list[str]:
        """The trunk's edits (none once it is created) and the first connection's."""
        trunk = super().unsaved() if self.made_trunk is None else []
        first = self.first_form
        if first is None:
            return trunk
        set_by_user = first.set_by_user()
        return trunk + [f.label for f in first.fields if f.name in set_by_user]

    def planned(self) -> list[dict[str, Any]] | None:
        """The connections a create sends after the trunk, in order; None until the ones to copy are read."""
        first = self.first_form
        if first is not None:
            return [first.set_by_user()]
        if self.original is None:
            return []
        return None if self.copies is None else [copy_of(c) for c in self.copies]

    def create(self, values: dict[str, Any]) -> None:
        """On a 2022+ switch: the trunk (unless made already), then each connection in order; a retry skips
        those the trunk has already (a request left behind by Escape may have added one since)."""
        if not self.connected:
            super().create(values)
            return
        planned = self.planned()
        if planned is None:
            self.status().show("Still reading the connections to copy; Ctrl+S once they are listed.")
            return
        made_trunk, made = self.made_trunk, self.made
        todo = planned[made:] if self.original is not None else planned
        client, account = self.client, self.i_account
        self.pending = values

        def create() -> Outcome:
            """The calls, one after another, until Escape cancels the worker (whose thread this is)."""
            worker = get_current_worker()
            i_trunk = made_trunk if made_trunk is not None else self.make(values)
            there = set() if made_trunk is None else {c.name for c in client.list_connections(made_trunk)}
            done = made if self.original is not None else 0
            for n, connection in enumerate(todo, 1):
                if worker.is_cancelled:
                    return PartlyCreated(i_trunk, done, None)
                if connection.get("name") in there:
                    done += 1
                    continue
                self.post_message(Progress(f"Trunk {i_trunk} created; adding connection {n} of {len(todo)}, "
                                           f"{printable(connection.get('name'), 40)}…", worker))
                try:
                    client.create_connection({**connection, "i_trunk": i_trunk}, account)
                except TrunkTuiError as error:
                    if not (isinstance(error, ApiError) and error.may_have_acted
                            and made_anyway(i_trunk, connection.get("name"))):
                        return PartlyCreated(i_trunk, done, error)
                done += 1
            return RecordCreated(i_trunk)

        def made_anyway(i_trunk: int, name: Any) -> bool:
            try:
                return any(c.name == name for c in client.list_connections(i_trunk))
            except TrunkTuiError:
                return False

        what = "the trunk" if made_trunk is None else "the connections"
        self.status().busy(f"Creating {what}… Escape stops waiting")
        self.run_call("create", create, lambda outcome: outcome)

    @on(Progress)
    def progressed(self, progress: Progress) -> None:
        """Said only while this screen is shown and the create that posted it still runs."""
        if self.is_active and progress.worker in self.calls_in_flight("create"):
            self.status().busy(progress.said + " Escape stops waiting")

    def found_made(self, key: int) -> None:
        """A trunk found after a lost answer or Escape may still need connections: its list tells which of
        those planned it has (by name), and what is left is what Ctrl+S sends now."""
        planned = self.planned()
        if not (self.connected and planned):
            super().found_made(key)
            return
        client, names, known = self.client, [c.get("name") for c in planned], self.made

        def count() -> Outcome:
            try:
                there = {c.name for c in client.list_connections(key)}
            except TrunkTuiError as error:
                return PartlyCreated(key, known, error)
            made = next((n for n, name in enumerate(names) if name not in there), len(names))
            return RecordCreated(key) if made == len(names) else PartlyCreated(key, made, None)

        self.status().busy(f"Trunk {key} exists; reading which of its connections were added…")
        self.run_call("verify", count, lambda outcome: outcome)

    @on(PartlyCreated)
    def partly_created(self, partly: PartlyCreated) -> None:
        """The trunk exists, and not every connection: say so plainly, keep what is still to send."""
        self.made_trunk, self.made, self.saved = partly.i_trunk, partly.made, partly.i_trunk
        self.form.disabled = True
        self.query_one("#save", Button).label = "Add connections" if self.first_form is None else "Add connection"
        self.show_record()
        failed = "" if partly.error is None else f": {str(partly.error).rstrip('.')}"
        copied = "" if self.original is None else f" ({partly.made} of {len(self.copies or ())} copied)"
        text = (f"Trunk {partly.i_trunk} was created, but not all its connections{copied}{failed}. "
                "What is still to add is kept: Ctrl+S adds it to this trunk (the trunk is not created again); "
                "Escape leaves it as it is.")
        self.status().fault(text)
        self.notify(text, title="Trunk created without all its connections", severity="error", markup=False)
