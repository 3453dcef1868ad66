"""A 2022+ trunk's connections: the ordered list shown in the trunk's screen, and the screen of one connection.

The list shows each connection's place, name, destination, limits and
login, never its password; a member the switch left out is blank, as an
empty one is (NULL only where the switch sent nil). Its keys (add, delete,
move) belong to the trunk screen that holds it, which makes the calls.
``ConnectionScreen`` edits or creates one connection with everything a
trunk's form does: the conflict check before a save, old → new, a lost
answer read back, read-only, nothing lost on failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from trunktui.model import Record, Trunk, TrunkConnection
from trunktui.text import printable
from trunktui.tui.base import Context
from trunktui.tui.cells import cell
from trunktui.tui.screens.record import RecordScreen
from trunktui.versions import CONNECTIONS

LISTED = ("name", "destination", "capacity", "max_cps", "username")
"""The members the list shows after a connection's place; the others are in its screen."""


class ConnectionTable(DataTable[Text]):
    """The connections of one trunk, top to bottom as the switch routes calls down them."""

    DEFAULT_CSS = "ConnectionTable { height: auto; max-height: 10; }"
    BINDINGS = [
        Binding("a", "screen.add_connection", "Add", tooltip="Add a connection at the bottom of the list"),
        Binding("d,delete", "screen.delete_connection", "Delete", tooltip="Delete the highlighted connection"),
        Binding("shift+up,left_square_bracket", "screen.move_connection('up')", "Up", key_display="⇧↑",
                tooltip="Move the highlighted connection one place up"),
        Binding("shift+down,right_square_bracket", "screen.move_connection('down')", "Down",
                key_display="⇧↓", tooltip="Move the highlighted connection one place down"),
        Binding("a", "screen.connections_read_only('added')", show=False),
        Binding("d,delete", "screen.connections_read_only('deleted')", show=False),
        Binding("shift+up,left_square_bracket", "screen.connections_read_only('moved')", key_display="⇧↑",
                show=False),
        Binding("shift+down,right_square_bracket", "screen.connections_read_only('moved')", key_display="⇧↓",
                show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="connections", cursor_type="row", zebra_stripes=False)
        self.shown: tuple[TrunkConnection, ...] = ()
        self.add_column("Order", key="order")
        for name in LISTED:
            self.add_column(CONNECTIONS.label(name), key=name)

    def show(self, connections: Sequence[TrunkConnection], select: Any = None) -> None:
        """Show ``connections``, the cursor on the one with id ``select`` (else where it was)."""
        at = self.cursor_row
        self.shown = tuple(connections)
        self.clear()
        for place, connection in enumerate(self.shown, 1):
            self.add_row(Text(str(place)), *(cell(connection.get(name), 40) if name in connection.members
                                             else Text("") for name in LISTED))
        ids = [c.i_trunk_connection for c in self.shown]
        if select is not None and select in ids:
            at = ids.index(select)
        if self.shown:
            self.move_cursor(row=min(max(at, 0), len(self.shown) - 1), animate=False)

    def current(self) -> TrunkConnection | None:
        row = self.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None


def connection_name(connection: Record) -> str:
    """A connection in a sentence: its name as the screen shows it."""
    return printable(connection.name, 60)


class ConnectionScreen(RecordScreen):
    """View and edit one connection of ``trunk``, or add one to it."""

    def __init__(self, context: Context, trunk: Trunk, connection: TrunkConnection | None = None,
                 prefill: dict[str, Any] | None = None, source: str = "") -> None:
        start = {"order_no": "last"} if connection is None and prefill is None else prefill
        super().__init__(context, CONNECTIONS, connection, start, source)
        self.trunk = trunk

    @property
    def i_trunk(self) -> Any:
        return self.trunk.i_trunk

    @property
    def account(self) -> Any:
        """The trunk's account, which the audit lines of its connections' changes name."""
        return self.trunk.get("i_account")

    def heading(self) -> str:
        of = f"trunk {printable(self.i_trunk)} {printable(self.trunk.name, 40)}"
        if self.record is None:
            source = f", {self.source}" if self.source else ""
            return f"New connection of {of}{source} · * is required"
        return f"Connection {printable(self.key)} · {connection_name(self.record)} · of {of}"

    def described(self) -> str:
        return "" if self.record is None else f"connection {connection_name(self.record)}"

    def fetch(self, key: Any) -> Record:
        return self.client.get_connection(key)

    def listed(self, record: Record) -> bool:
        key = record.get(CONNECTIONS.key)
        return any(c.i_trunk_connection == key for c in self.client.list_connections(self.i_trunk))

    def put(self, now: Record, changes: dict[str, Any]) -> None:
        self.client.update_connection(TrunkConnection(now.members), changes, self.account)

    def read_back(self, loaded: Record, wanted: dict[str, Any], reason: str) -> tuple[bool, Record]:
        return self.client.check_connection_update(TrunkConnection(loaded.members), wanted, reason, self.account)

    def make(self, values: dict[str, Any]) -> int:
        return self.client.create_connection({**values, "i_trunk": self.i_trunk}, self.account)

    def find_made(self, values: dict[str, Any], reason: str) -> list[Any]:
        found = self.client.check_connection_create({**values, "i_trunk": self.i_trunk}, reason, self.account)
        return [connection.i_trunk_connection for connection in found]

    def anew(self, values: dict[str, Any]) -> RecordScreen:
        return ConnectionScreen(self.context, self.trunk, prefill={**values, "order_no": "last"},
                                source="re-created from your edits")
