"""Marking trunks on a screen of rows, and changing or deleting the marked ones at once.

The trunk table and the search results mark the same way: Space marks the
highlighted trunk and moves down, ``*`` marks (or unmarks) every one shown,
``u`` unmarks them all, ``e`` and ``d`` act on the marked ones. The keys and
what they do are here; each screen says which trunk is highlighted, which
are shown, the words for its rows, and what follows a change.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from trunktui.model import Trunk
from trunktui.text import counted, printable
from trunktui.tui.base import AppScreen
from trunktui.tui.grid import Grid
from trunktui.tui.marks import Marks
from trunktui.tui.widgets import StatusLine

MARKED_BINDINGS = [
    Binding("e", "edit_marked", "Edit marked", show=False,
            tooltip="Set fields on every marked trunk (shown before it is sent)"),
    Binding("d", "delete_marked", "Delete",
            tooltip="Delete every marked trunk (each listed before; Cancel is the default)"),
    Binding("delete", "delete_marked", "Delete", show=False),
]
"""The keys that act on the marked trunks: each screen's BINDINGS hold them first for ``e``, ``d`` and Delete."""

MARKED_ACTIONS = {"edit_marked": True, "delete_marked": True, "need_marks": False}
"""Actions offered only while trunks are marked (True), or only while none is (False)."""


def marking_bindings(rows: str) -> list[Binding]:
    """The keys that mark, ``rows`` naming what the screen shows (for ``*``'s tooltip)."""
    return [
        Binding("space", "mark", "Mark", show=False, tooltip="Mark or unmark the highlighted trunk, then go down"),
        Binding("asterisk", "mark_shown", "Mark all", key_display="*", show=False,
                tooltip=f"Mark every {rows} shown (if all are marked, unmark them)"),
        Binding("u", "unmark_all", "Unmark all", show=False, tooltip="Unmark every marked trunk"),
    ]


class MarkingScreen(AppScreen[None]):
    """A screen of rows whose trunks can be marked (in ``marks``) and changed or deleted together.

    The screen provides ``grid``, ``highlighted``, ``shown_trunks``, the words below, and what follows a
    change (``changed_many``, ``deleted_many``).
    """

    DEFAULT_CSS = """
    MarkingScreen #status-bar { height: auto; }
    MarkingScreen #status { width: 1fr; }
    MarkingScreen #marked { width: auto; padding: 0 1; color: $text-warning; text-style: bold; display: none; }
    """

    NOTHING_SHOWN = "Nothing to mark: the table shows no trunks."
    CANNOT_MARK = "its id is not a whole number"
    """Why one trunk cannot be marked."""
    CANNOT_MARK_SOME = ("its id is", "their ids are")
    """Why one trunk of those shown cannot be marked, or why several cannot (followed by "not a whole number")."""

    marks: Marks

    @property
    def grid(self) -> Grid[Any]:
        raise NotImplementedError

    def highlighted(self) -> Trunk | None:
        """The highlighted row's trunk, or None after saying there is none to mark."""
        raise NotImplementedError

    def shown_trunks(self) -> list[Trunk]:
        raise NotImplementedError

    def may_send(self) -> bool:
        """Whether the marked trunks may be sent now (or it has said why not)."""
        return True

    def changed_many(self, ids: list[int] | None) -> None:
        """Back from a change to many trunks."""

    def deleted_many(self, ids: list[int] | None) -> None:
        """Back from deleting many trunks."""
        self.changed_many(ids)

    def clear_marks(self) -> bool:
        """Unmark every trunk; whether any was marked."""
        if not self.marks:
            return False
        self.marks.clear()
        return True

    def marking_allowed(self, action: str) -> bool:
        """For ``check_action``: ``e`` and ``d`` on marked trunks only on a connection that may change them,
        ``need_marks`` there while none is marked, ``read_only`` on a connection that may not."""
        read_only = self.session.read_only
        if action == "read_only":
            return read_only
        if action in MARKED_ACTIONS:
            return not read_only and MARKED_ACTIONS[action] == bool(self.marks)
        return True

    def status_bar(self, status: StatusLine) -> Horizontal:
        """The status line with the count of marked trunks beside it (``show_marks`` keeps the count)."""
        return Horizontal(status, Static("", id="marked"), id="status-bar")

    def show_marks(self, tell: bool = True) -> None:
        """Say beside the status line how many trunks are marked, while any is; on the first mark (``tell``,
        not for marks kept from before) the keys that act on the marked trunks follow."""
        count = self.query_one("#marked", Static)
        count.update(Text(f"{len(self.marks):,} marked"))
        if tell and self.marks and not count.display and not self.session.read_only:
            self.notify("e sets fields on the marked trunks, d deletes them (each shown to you first); u unmarks "
                        "them all.", title="Marked")
        count.display = bool(self.marks)
        self.refresh_bindings()

    def action_mark(self) -> None:
        """Space marks the highlighted trunk, or unmarks it, and moves down, so each Space marks the next."""
        trunk = self.highlighted()
        if trunk is None:
            return
        grid = self.grid
        if self.marks.toggle(trunk) is None:
            self.notify(f"Trunk {printable(trunk.i_trunk, 20)} cannot be marked: {self.CANNOT_MARK}.",
                        severity="warning", markup=False)
        grid.refresh_row(grid.cursor_row)
        grid.cursor_row += 1
        self.show_marks()

    def action_mark_shown(self) -> None:
        """Mark every trunk shown; if every one is marked, unmark them."""
        shown = self.shown_trunks()
        if not shown:
            self.notify(self.NOTHING_SHOWN, severity="warning")
            return
        if self.marks.all_marked(shown):
            self.marks.unmark(shown)
        else:
            unmarkable = self.marks.mark(shown)
            if unmarkable:
                one, many = self.CANNOT_MARK_SOME
                self.notify(f"{counted(unmarkable, 'trunk')} could not be marked: "
                            f"{one if unmarkable == 1 else many} not a whole number.", severity="warning")
        self.grid.refresh()
        self.show_marks()

    def action_unmark_all(self) -> None:
        if not self.clear_marks():
            self.notify("No trunk is marked.")
            return
        self.grid.refresh()
        self.show_marks()

    def action_need_marks(self) -> None:
        self.notify("Mark trunks first: Space marks the highlighted one, * every one shown.", severity="warning")

    def action_read_only(self, done: str) -> None:
        self.query_one(StatusLine).fault(f"Read-only: trunks cannot be {done} here.")

    def action_edit_marked(self) -> None:
        from trunktui.tui.screens.bulk import open_bulk_edit

        if self.may_send():
            open_bulk_edit(self, self.marks.trunks(), self.changed_many)

    def action_delete_marked(self) -> None:
        from trunktui.tui.screens.bulk import open_bulk_delete

        if self.may_send():
            open_bulk_delete(self, self.marks.trunks(), self.deleted_many)
