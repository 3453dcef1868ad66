"""The trunk table of one account: server-side pattern, local filter, sort.

The name pattern goes to the switch (SQL LIKE, debounced, Enter applies at
once); the quick filter narrows what is loaded without a call. Columns follow
the API in use (``trunktui.columns``): on a 2022+ switch a trunk's
connections give two columns of their own. While the API is not known yet
(a switch left to tell), the client learns it with the list's first batch,
and the table takes its columns then, before showing any row. The list
shows as it arrives:
each batch is prepared for the table (``RowBatch``) in the worker that
receives it and added to the rows held (``TrunkRows``), so the first rows
can be read, opened and scrolled while the rest arrives, and the count is
final only once the answer is whole. ``Grid`` draws only the rows in view,
so 50,000 trunks load, filter and sort without freezing the screen. Rows
are positions, not ``i_trunk`` keys, so a server that repeats an id cannot
break the table. Marks, on the other hand, are kept by trunk (``Marks``):
they survive sorting, filtering and reloading, and go only with the trunk.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from trunktui.columns import FIRST_DESTINATION, FIXED, Column, Table, table_for, value_of
from trunktui.model import ABSENT, Account, Trunk
from trunktui.patterns import pattern_problem
from trunktui.text import counted, printable, quoted
from trunktui.tui.base import Context, Shown
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import column_cell
from trunktui.tui.grid import Grid
from trunktui.tui.marking import MARKED_BINDINGS, MarkingScreen, marking_bindings
from trunktui.tui.marks import Marks
from trunktui.tui.rows import Arrivals, RowBatch, TrunkRows, release
from trunktui.tui.screens.choose import ChoiceScreen
from trunktui.tui.screens.confirm import delete_dialog
from trunktui.tui.widgets import SafeInput, StatusLine

SET_ASIDE_GROWTH = 200_000
"""Objects set aside from the garbage collector beyond those of the first list shown, at most (about 30 MB)."""
DEBOUNCE_SECONDS = 0.4
CHANGING_ACTIONS = frozenset({"new", "clone"})
"""Actions hidden on a read-only connection, besides those on marked trunks (``marking_allowed``) and
``delete``, which ``d`` does only while no trunk is marked (else it deletes the marked ones)."""
PATTERN_HINT = "LIKE pattern: % any run · _ one character · \\ escapes · Enter applies now"
QUICK_HINT = "Quick filter: the loaded rows holding this text in any column · Escape clears"


def _with_id(trunks: list[Trunk], i_trunk: int) -> int | None:
    """The position of the first trunk with this whole-number id, or None."""
    return next((i for i, trunk in enumerate(trunks) if trunk.members.get("i_trunk") == i_trunk), None)


class TrunksLoaded(Outcome):
    """The whole answer to load number ``load`` has arrived: the account's trunks matching ``pattern`` ('' for all).

    The trunks themselves came before it, a batch at a time (``RowsArrived``).
    """

    def __init__(self, load: int, pattern: str) -> None:
        super().__init__("trunks")
        self.load = load
        self.pattern = pattern


class RowsArrived(Message, bubble=False):
    """Trunks of load number ``load`` wait to be shown (in its ``Arrivals``); posted from the thread that reads them."""

    def __init__(self, load: int) -> None:
        super().__init__()
        self.load = load


class LoadProgress(Message, bubble=False):
    """How much of the list of load number ``load`` has arrived; posted from the thread that reads it."""

    def __init__(self, load: int, received: int, expected: int | None) -> None:
        super().__init__()
        self.load = load
        self.received = received
        self.expected = expected


def amount_text(received: int, expected: int | None) -> str:
    """``12.4 MB``, or ``12.4 of 30.1 MB`` when the switch said how much it sends."""
    unit, scale = ("MB", 1e6) if max(received, expected or 0) >= 1e6 else ("kB", 1e3)
    done = f"{received / scale:,.1f}"
    return f"{done} of {expected / scale:,.1f} {unit}" if expected else f"{done} {unit}"


def loading_line(loading: str, arrived: int, received: tuple[int, int | None] | None,
                 filtered: int | None = None) -> str:
    """What the status line says while trunks load (``loading``: which): how many have arrived and how much of
    the answer, each as soon as the switch sends any; while the quick filter is on, how many of those it shows
    instead of the amount (the line must fit 80 columns).

    It stands in for a spinner: Textual's loading indicator repainted the
    table sixteen times a second, which took the event loop from a list
    being read and decoded at the same moment.
    """
    amount = "" if received is None else amount_text(*received)
    if arrived and filtered is not None:
        return f"Loading trunks… {arrived:,} arrived, filter shows {filtered:,} · Escape stops waiting"
    if arrived:
        size = f"{amount} · " if amount else ""
        return f"Loading trunks… {arrived:,} arrived · {size}Escape stops waiting"
    return f"{loading} {amount + ' · ' if amount else ''}Escape stops waiting"


def incomplete_line(ended: str, arrived: int, pattern: str, retry: str) -> str:
    """What the status line says while the rows held are the part of a list that arrived before it ended
    (``ended``: how), and what the retry key does (``retry``: the key and its words). A long pattern is cut
    so the line fits 80 columns."""
    which = f"matching {quoted(pattern, 7)}" if pattern else "of the trunks"
    return f"{ended} only {arrived:,} {which} arrived · {retry}"


class TrunkRead(Outcome):
    """The trunk to open, just read from the switch."""

    def __init__(self, trunk: Trunk) -> None:
        super().__init__("open")
        self.trunk = trunk


class TrunkDeleted(Outcome):
    def __init__(self, trunk: Trunk) -> None:
        super().__init__("delete")
        self.trunk = trunk


class TrunksScreen(MarkingScreen):
    """Browse one account's trunks."""

    DEFAULT_CSS = """
    TrunksScreen .toolbar { height: 1; }
    TrunksScreen #pattern { width: 3fr; margin-right: 1; }
    TrunksScreen #quick { width: 2fr; }
    TrunksScreen #pattern-hint.-error { color: $text-error; }
    TrunksScreen #empty { height: 1fr; content-align: center middle; color: $text-muted; display: none; }
    """
    AUTO_FOCUS = "#trunks"
    BINDINGS = [
        Binding("enter", "open", "Open", show=False, tooltip="Open the highlighted trunk"),
        Binding("n", "new", "New", tooltip="New trunk in this account"),
        Binding("c", "clone", "Clone", tooltip="Clone the highlighted trunk into a new one"),
        *MARKED_BINDINGS,
        Binding("d", "delete", "Delete", tooltip="Delete the highlighted trunk (asks first; Cancel is the default)"),
        Binding("delete", "delete", "Delete", show=False),
        Binding("e", "need_marks", show=False),
        Binding("n", "read_only('created')", show=False),
        Binding("c", "read_only('cloned')", show=False),
        Binding("d,delete", "read_only('deleted')", show=False),
        Binding("e", "read_only('changed')", show=False),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Refresh the trunks from the switch"),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("p", "focus_pattern", "Pattern", tooltip="Pattern: a name pattern, sent to the switch"),
        Binding("slash", "focus_quick", "Filter", key_display="/", tooltip="Filter the loaded rows (quick, local)"),
        Binding("s", "sort", "Sort", show=False, tooltip="Sort the trunks by a column (again to reverse)"),
        *marking_bindings("trunk"),
        Binding("y", "copy", "Copy", show=False, tooltip="Copy the id, name or destination (works over SSH)"),
        Binding("x", "export", "Export", show=False,
                tooltip="Export the visible rows, or every field as a backup (CSV or JSON)"),
        Binding("escape", "back", "Back", tooltip="Back to the account picker"),
        Binding("down", "to_table", show=False),
        Binding("q", "app.ask_quit", "Quit, after asking (Ctrl+Q quits at once)", show=False),
    ]

    def __init__(self, context: Context, account: Account) -> None:
        super().__init__(context)
        self.account = account
        self.i_account: int = account.i_account
        self.table = self.table_in_use()
        self.rows = TrunkRows.empty(self.table.columns)
        self.shown: list[Trunk] = []
        self.pattern = ""
        self.answered: str | None = None
        """The pattern the rows held are the switch's whole answer to; None while no whole answer is held
        (nothing held, or only the part of one that has arrived)."""
        self.sort_by: Column | None = None
        self.descending = False
        self.debounce: Timer | None = None
        self.select_after_load: object = None
        self.set_aside_at: int | None = None
        """How many objects were set aside from the garbage collector once the first list was (``set_aside``)."""
        self.placed: Trunk | None = None
        """The trunk the last rebuild put the cursor on."""
        self.loads = 0
        self.arrivals: Arrivals | None = None
        """The trunks of the load in flight, as they arrive; None while no load is in flight."""
        self.replaced = False
        """Whether a load's first trunks have just replaced the rows held, the selected trunk's with them."""
        self.loading_pattern = ""
        """The pattern the load in flight asks for ('' for all)."""
        self.rows_pattern = ""
        """The pattern the rows held were asked for with ('' for all), whole or not."""
        self.cut_short: tuple[str, str] | None = None
        """How the last load that ended part way ended, and what the retry key does then: said again, with
        how many trunks arrived, whenever the status line is redrawn while those rows are held."""
        self.received: tuple[int, int | None] | None = None
        self.retry_words: tuple[Callable[[str], str], Callable[[str], str] | None] | None = None
        """The words of the last fault that says how to retry, given the key that does."""
        self.marks = Marks(self.i_account)
        self.dropped = 0
        """How many marks the last whole list dropped, their trunks gone from it."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="toolbar"):
            yield SafeInput(placeholder="Name pattern (server)", id="pattern", compact=True)
            yield SafeInput(placeholder="Quick filter (local)", id="quick", compact=True)
        yield Static(PATTERN_HINT, id="pattern-hint", classes="hint")
        yield Grid(self.grid_columns(), self.row_cells, fixed=FIXED, marked=self.marks.__contains__, id="trunks")
        yield Static("", id="empty")
        yield self.status_bar(StatusLine(id="status"))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        description = f" {printable(self.account.username, 40)}" if self.account.username else ""
        self.sub_title = f"account {self.i_account}{description}"
        self.load()

    @property
    def trunks(self) -> list[Trunk]:
        return self.rows.trunks

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.table.columns

    def table_in_use(self) -> Table:
        """The table of the API in use, as far as it is known: only ``client.finding`` is read, which never
        waits on the switch."""
        finding = self.client.finding
        return table_for(None if finding is None else finding.api)

    def grid_columns(self) -> list[tuple[str, str]]:
        return [(column.name, column.label) for column in self.columns]

    def row_cells(self, trunk: Trunk) -> list[Text]:
        return [column_cell(column, trunk) for column in self.columns]


    @property
    def grid(self) -> Grid[Trunk]:
        return self.query_one("#trunks", Grid)

    # --- loading ----------------------------------------------------------------

    def load(self) -> None:
        """Ask for the trunks; the rows held stay until the answer's first trunks arrive (or it is whole).

        A list still arriving for an earlier load is given up with the connection lists come over, so the
        new list does not wait behind the rest of the old one.
        """
        if self.calls_in_flight("trunks"):
            self.client.give_up_lists()
        self.placed = self.current()
        client, i_account, pattern = self.client, self.i_account, self.pattern
        self.loads += 1
        load = self.loads
        arrivals = self.arrivals = Arrivals(load)
        self.loading_pattern = pattern
        self.received = None
        self.query_one(StatusLine).busy(self.loading_line())
        if self.answered is None and not self.trunks:
            self.nothing_loaded("Loading the trunks…")

        def progress(received: int, expected: int | None) -> None:
            self.post_message(LoadProgress(load, received, expected))

        def arrived(batch: list[Trunk]) -> None:
            # The API in use is known by now: the client learns it before telling a batch.
            finding = client.finding
            columns = table_for(None if finding is None else finding.api).columns
            if arrivals.add(batch, columns):
                self.post_message(RowsArrived(load))

        def fetch() -> None:
            client.list_trunks(i_account, pattern or None, progress, arrived)

        self.run_call("trunks", fetch, lambda _: TrunksLoaded(load, pattern))

    def loading_line(self) -> str:
        pattern = self.loading_pattern
        what = f"matching {quoted(pattern)}" if pattern else "of the account"
        filtered = len(self.shown) if self.quick_filter() else None
        return loading_line(f"Loading trunks {what}…", 0 if self.arrivals is None else self.arrivals.taken,
                            self.received, filtered)

    @on(LoadProgress)
    def load_progress(self, progress: LoadProgress) -> None:
        """Say how much of the list has arrived: only for the newest load, while it is awaited and shown."""
        if progress.load == self.loads and self.arrivals is not None:
            self.received = (progress.received, progress.expected)
            if self.is_active:
                self.query_one(StatusLine).busy(self.loading_line())

    def reload(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @on(RowsArrived)
    def rows_arrived(self, message: RowsArrived) -> None:
        """Show the trunks of the load in flight that wait, only while this screen is shown; a batch of an
        older load does nothing."""
        arrivals = self.arrivals
        if arrivals is not None and message.load == arrivals.load and self.is_active:
            self.take_rows(arrivals)

    @on(events.ScreenResume)
    def take_waiting_rows(self) -> None:
        """Trunks that arrived while another screen covered this one are shown now."""
        if self.arrivals is not None:
            self.take_rows(self.arrivals)

    def take_rows(self, arrivals: Arrivals) -> None:
        """Add the next of the trunks waiting (``CHUNK`` at most, so the screen never freezes) and come back
        for the rest; once the answer is whole and every trunk is shown, the count is final.

        The first trunks of a load replace the rows held before it.
        """
        first = not arrivals.taken
        batches, more = arrivals.take()
        self.add_rows(batches, first)
        if first and batches:
            self.set_aside(whole=False)
        if more:
            self.post_message(RowsArrived(arrivals.load))
        elif arrivals.whole is not None:
            if first and not batches:
                self.replace_rows()
            self.answered = arrivals.whole
            self.arrivals = None
            self.dropped = self.marks.refresh(self.trunks)
            self.show_marks()
            self.rebuild()
            self.set_aside()
            return
        elif not batches:
            return
        self.rebuild()

    @on(TrunksLoaded)
    def trunks_loaded(self, loaded: TrunksLoaded) -> None:
        arrivals = self.arrivals
        if arrivals is not None and loaded.load == arrivals.load:
            arrivals.whole = loaded.pattern
            self.take_rows(arrivals)

    def stop_loading(self) -> None:
        """The load in flight ends before its answer is whole (stopped, failed): the trunks that arrived
        are all shown, and the rest is not waited for."""
        arrivals = self.arrivals
        if arrivals is None:
            return
        first = not arrivals.taken
        batches: list[RowBatch] = []
        more = True
        while more:
            taken, more = arrivals.take()
            batches += taken
        self.add_rows(batches, first)
        self.arrivals = None
        if batches:
            self.rebuild()
        self.set_aside()

    def set_aside(self, whole: bool = True) -> None:
        """The rows of a load that is over (or has begun: what the program held before it) are set aside from
        the garbage collector's rounds (``gc.freeze``).

        A full round looks at every object the program holds: with 50,000
        trunks that is over 100,000 objects and 40 to 150 ms in one stretch,
        which froze the screen while the list loaded, a trunk opened or the
        table sorted. What is set aside is looked at again once this screen
        goes (``on_unmount``), so nothing that was in use here is kept after.
        Objects held only here are freed as usual when let go of (a reload
        replacing the rows): only a cycle among them would wait for the screen to go, so the young cycles
        are collected first (a round of the young generations only: a few milliseconds). The few that
        outlive it add up over many reloads; past ``SET_ASIDE_GROWTH`` more objects than the first time,
        everything is looked at again in a full round first (one longer pause, every few dozen reloads).
        """
        if self.set_aside_at is not None and gc.get_freeze_count() > self.set_aside_at + SET_ASIDE_GROWTH:
            gc.unfreeze()
            gc.collect()
            self.set_aside_at = None
        else:
            gc.collect(1)
        gc.freeze()
        if whole and self.set_aside_at is None:
            self.set_aside_at = gc.get_freeze_count()

    def add_rows(self, batches: list[RowBatch], first: bool) -> None:
        """Add a load's batches to the rows held; its first replace them, in the columns of the API in use."""
        if batches and first:
            self.replace_rows()
            self.answered = None
            self.replaced = True
            self.rows_pattern = self.loading_pattern
        for batch in batches:
            self.rows.extend(batch)

    def replace_rows(self) -> None:
        """Start again from no rows, in the columns of the API in use; the trunks held before are let go of
        a slice at a time (``release``).

        The API may have been learnt with the first batch of this load: the
        table takes its columns now, before any row is shown in them, and a
        sort on a column that is gone is undone.
        """
        release(*self.rows.held(), self.shown)
        table = self.table_in_use()
        if table != self.table:
            self.table = table
            if self.sort_by is not None and self.sort_by not in table.columns:
                self.sort_by, self.descending = None, False
            self.grid.set_columns(self.grid_columns())
        self.rows = TrunkRows.empty(self.columns)

    def on_unmount(self) -> None:
        """A long list is let go of a slice at a time, so leaving it never freezes the screen left for;
        what was set aside from the garbage collector is looked at again."""
        release(*self.rows.held(), self.shown)
        gc.unfreeze()

    @on(TrunkDeleted)
    def trunk_deleted(self, deleted: TrunkDeleted) -> None:
        trunk = deleted.trunk
        self.rows = self.rows.without(trunk)
        self.marks.unmark([trunk])
        self.show_marks()
        self.rebuild()
        self.notify(f"Deleted trunk {printable(trunk.i_trunk)} {printable(trunk.name, 60)}", markup=False)

    @on(CallFailed)
    def call_failed(self, failed: CallFailed) -> None:
        status, error = self.query_one(StatusLine), failed.error
        if failed.purpose == "trunks":
            title = "Loading trunks failed"
            self.stop_loading()
            if self.incomplete():
                self.say_incomplete((f"Loading failed part way: {error} ·", "retries"))
            else:
                self.trouble(lambda key: f"Loading failed: {error} · {key} retries",
                             lambda key: f"The trunks could not be loaded (the reason is below). {key} tries again.")
        elif failed.purpose == "open":
            title = "Opening the trunk failed"
            status.fault(f"Opening the trunk failed: {error} · Enter tries again")
        else:
            title = "Delete failed"
            status.fault(f"Delete failed: {error}")
        self.notify(printable(failed.error), title=title, severity="error", markup=False)

    def trouble(self, said: Callable[[str], str], middle: Callable[[str], str] | None = None) -> None:
        """Show a fault that names the key to retry with (``said(key)``; ``middle(key)`` in an empty table's
        place); while it is shown, it names the key anew when the focus moves between the table and a box."""
        self.retry_words = (said, middle)
        key = self.retry_key()
        self.query_one(StatusLine).fault(said(key))
        if middle is not None:
            self.nothing_loaded(middle(key))

    def say_incomplete(self, cut_short: tuple[str, str] | None = None) -> None:
        """Say that the rows held are only part of a list, and how it ended (``cut_short``: just now, or else
        as last said), with how many trunks arrived and what the retry key does."""
        self.cut_short = cut_short or self.cut_short
        if self.cut_short is None:
            return
        ended, again = self.cut_short
        count, pattern = len(self.trunks), self.rows_pattern
        self.trouble(lambda key: incomplete_line(ended, count, pattern, f"{key} {again}"))

    def retry_said(self) -> bool:
        """Whether the status line still shows the fault last shown by ``trouble``."""
        if self.retry_words is None:
            return False
        said, _ = self.retry_words
        return self.query_one(StatusLine).said in (said("r"), said("F5"))

    # --- the table ----------------------------------------------------------------

    def current(self) -> Trunk | None:
        row = self.grid.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def rebuild(self) -> None:
        """Apply the sort and the quick filter, show the result, keep the selection (``position``)."""
        selected = self.current()
        wanted = self.quick_filter()
        self.shown = self.rows.view(self.sort_by, self.descending, wanted)
        sorted_by = None if self.sort_by is None else (self.columns.index(self.sort_by), self.descending)
        cursor = self.position(selected)
        self.placed = self.shown[cursor] if 0 <= cursor < len(self.shown) else None
        self.grid.show(self.shown, self.rows.widths, cursor=cursor, sorted_by=sorted_by)
        self.describe(wanted)

    def position(self, selected: Trunk | None) -> int:
        """Where the cursor goes in the rows shown: on the trunk just saved once it has arrived, else on the
        trunk selected before (after a reload, the one with its id), else the first row.

        A trunk not among the rows yet is waited for while the list arrives, as long as the cursor stays
        where it was put meanwhile: once the operator moves it, it is theirs.

        Ids are compared only when whole numbers: a hostile switch's id may be
        an array nested thousands deep, and comparing two of those raises
        ``RecursionError``.
        """
        shown = self.shown
        awaited = self.select_after_load
        if isinstance(awaited, int) and selected is not self.placed:
            awaited = self.select_after_load = None
        if isinstance(awaited, int):
            at = _with_id(shown, awaited)
            if at is not None or self.arrivals is None:
                self.select_after_load = None
            if at is not None:
                return at
        replaced, self.replaced = self.replaced, False
        if selected is None:
            return 0
        if replaced:
            at = _with_id(shown, selected.i_trunk) if isinstance(selected.i_trunk, int) else None
            if at is None and self.arrivals is not None and isinstance(selected.i_trunk, int):
                self.select_after_load = selected.i_trunk
            return at or 0
        return next((i for i, trunk in enumerate(shown) if trunk is selected), 0)

    def quick_filter(self) -> str:
        return self.query_one("#quick", Input).value.strip().casefold()

    def nothing_loaded(self, reason: str) -> None:
        """While no rows are held (the first load waits, or a load failed or was stopped before any trunk
        arrived), the middle of the screen says why.

        It must not go on saying the account has no trunks, nor that none matches a pattern, not even
        after a later sort or filter: no answer is held.
        """
        if not self.trunks:
            self.answered = None
            empty = self.query_one("#empty", Static)
            empty.update(Text(reason, justify="center"))
            self.grid.display, empty.display = False, True

    def incomplete(self) -> bool:
        """Whether the rows held are the part of an answer that arrived before its load stopped or failed."""
        return self.answered is None and self.arrivals is None and bool(self.trunks)

    def describe(self, wanted: str) -> None:
        """Say in the status line and the middle what the rows held are. While trunks load the status line
        says how many have arrived; only a whole answer's count is said as final. While no whole answer is
        held and none loads (stopped, failed), the status line goes on saying so, and the middle says why
        nothing is shown."""
        status = self.query_one(StatusLine)
        empty = self.query_one("#empty", Static)
        table = self.grid
        total, shown = len(self.trunks), len(self.shown)
        if self.arrivals is not None:
            status.busy(self.loading_line())
        elif self.incomplete():
            self.say_incomplete()
        elif self.answered is not None:
            parts = [counted(total, "trunk")]
            if self.answered:
                parts.append(f"pattern {quoted(self.answered)}")
            if wanted:
                parts.append(f"filter {quoted(wanted)} shows {shown:,}")
            if self.sort_by is not None:
                parts.append(f"sorted by {self.sort_by.label} {'↓' if self.descending else '↑'}")
            if self.dropped:
                parts.append(f"{counted(self.dropped, 'marked trunk')} no longer listed: unmarked")
            status.show(" · ".join(parts))
        if shown:
            table.display, empty.display = True, False
            return
        if not total and self.answered is None:
            return
        if total and wanted:
            every = "the" if total == 1 else "all"
            held = counted(total, "trunk")
            if self.answered is None:
                held += " arrived so far" if self.arrivals is not None else " that arrived before loading stopped"
            reason = f"The quick filter {quoted(wanted)} hides {every} {held}. Escape in the filter clears it."
        elif self.answered:
            reason = (f"No trunk of this account matches the pattern {quoted(self.answered)}.\n"
                      "Clear the pattern to see all.")
        else:
            reason = "This account has no trunks yet." + ("" if self.session.read_only else " Press n to create one.")
        empty.update(Text(reason, justify="center"))
        table.display, empty.display = False, True

    # --- inputs ---------------------------------------------------------------------

    @on(Input.Changed, "#pattern")
    def pattern_changed(self, event: Input.Changed) -> None:
        if self.debounce is not None:
            self.debounce.stop()
        if self.check_pattern(event.value):
            self.debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.apply_pattern(event.value))

    @on(Input.Submitted, "#pattern")
    def pattern_submitted(self, event: Input.Submitted) -> None:
        if self.debounce is not None:
            self.debounce.stop()
        if self.check_pattern(event.value):
            self.apply_pattern(event.value, force=True)

    def check_pattern(self, pattern: str) -> bool:
        hint = self.query_one("#pattern-hint", Static)
        problem = pattern_problem(pattern)
        hint.set_class(problem is not None, "-error")
        hint.update(problem or PATTERN_HINT)
        return problem is None

    @on(events.DescendantFocus)
    def hint_for_focus(self) -> None:
        """The hint line describes the box being typed in: the quick filter, or else the name pattern.
        A fault that says how to retry names the key that works where the focus now is."""
        if self.retry_words is not None and self.retry_said():
            self.trouble(*self.retry_words)
        quick = self.query_one("#quick", Input)
        if self.focused is quick:
            hint = self.query_one("#pattern-hint", Static)
            hint.set_class(False, "-error")
            hint.update(QUICK_HINT)
        else:
            self.check_pattern(self.query_one("#pattern", Input).value)

    def apply_pattern(self, pattern: str, force: bool = False) -> None:
        if pattern != self.pattern or force:
            self.pattern = pattern
            self.load()

    @on(Input.Changed, "#quick")
    def quick_changed(self) -> None:
        self.rebuild()

    @on(Grid.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    @on(Grid.HeaderSelected)
    def header_selected(self, event: Grid.HeaderSelected) -> None:
        self.sort_on(self.columns[event.column].name)

    # --- actions --------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape in the quick filter holding text clears it (a list loading goes on); else it stops waiting for
        the switch, or clears the box it is in, or goes back to the account picker."""
        focused = self.focused
        quick = self.query_one("#quick", Input)
        if focused is quick and quick.value:
            quick.value = ""
            self.grid.focus()
            return
        abandoned = self.stop_waiting()
        if "trunks" in abandoned:
            self.stop_loading()
        if abandoned == {"open"}:
            self.query_one(StatusLine).show("Stopped opening the trunk.")
            return
        if abandoned:
            if "delete" in abandoned:
                self.trouble(lambda key: f"Stopped waiting for the delete: {key} reloads to show whether it happened.")
            elif self.incomplete():
                self.say_incomplete(("Stopped waiting:", "loads them all"))
            elif self.trunks:
                self.trouble(lambda key: f"Stopped waiting for the switch; the rows shown are from before. "
                                         f"{key} tries again.")
            else:
                self.trouble(lambda key: f"Stopped waiting for the switch; no trunks are loaded. {key} tries again.",
                             lambda key: f"Nothing loaded: you stopped waiting for the switch. {key} tries again.")
            return
        if isinstance(focused, Input):
            if focused.value:
                focused.value = ""
            self.grid.focus()
            return
        self.dismiss()

    def action_to_table(self) -> None:
        """Down in a box goes to the table; Enter there applies and stays, so typing goes on into the box."""
        self.grid.focus()

    def on_key(self, event: events.Key) -> None:
        """``p`` or ``/`` and the text typed after it in one burst land in the box, not in the table's own
        keys (``c`` clones, ``d`` deletes)."""
        self.keys_of_a_burst(event, {"p": self.action_focus_pattern, "slash": self.action_focus_quick})

    def action_focus_pattern(self) -> None:
        """Focus the box at once (``focus()`` waits its turn), so keys typed in the same burst land in it."""
        self.set_focus(self.query_one("#pattern", Input))

    def action_focus_quick(self) -> None:
        self.set_focus(self.query_one("#quick", Input))

    def action_open(self) -> None:
        """Read the highlighted trunk from the switch, then show it; Enter again meanwhile is ignored.

        An Enter whose row selection is handled after the next key in its burst opened another screen
        (``n``, ``c``, ``s``) opens nothing: the trunk would wait under that screen and show up when it closes.
        """
        if not self.is_active:
            return
        trunk = self.selected("open")
        if trunk is None or self.calls_in_flight("open"):
            return
        client, i_trunk = self.client, trunk.i_trunk
        self.query_one(StatusLine).busy(
            f"Opening trunk {printable(i_trunk)} {printable(trunk.name, 60)}… Escape stops waiting")
        self.run_call("open", lambda: client.get_trunk(i_trunk), TrunkRead)

    @on(TrunkRead)
    def trunk_read(self, read: TrunkRead) -> None:
        from trunktui.tui.screens.trunk import TrunkScreen

        self.describe(self.quick_filter())
        self.open(TrunkScreen(self.context, self.i_account, trunk=read.trunk), self.returned)

    def open(self, screen: Screen[Shown], done: Callable[[Shown | None], None] | None = None) -> bool:
        """Whatever is opened from the table drops a trunk still being opened, which would pop up after it."""
        for worker in self.calls_in_flight("open"):
            worker.cancel()
        return super().open(screen, done)

    def selected(self, verb: str) -> Trunk | None:
        """The highlighted trunk, or None after saying that one must be selected to ``verb`` it."""
        trunk = self.current()
        if trunk is None:
            self.notify(f"Select a trunk to {verb} first.", severity="warning")
        return trunk

    def action_new(self) -> None:
        from trunktui.tui.screens.trunk import TrunkScreen

        self.open(TrunkScreen(self.context, self.i_account), self.returned)

    def action_clone(self) -> None:
        from trunktui.tui.screens.trunk import TrunkScreen

        trunk = self.selected("clone")
        if trunk is None:
            return
        names = {printable(t.name) for t in self.trunks}
        self.open(TrunkScreen.clone(self.context, self.i_account, trunk, names), self.returned)

    def returned(self, i_trunk: int | None) -> None:
        """Back from the trunk screen: reload if anything was saved there."""
        if i_trunk is not None:
            self.select_after_load = i_trunk
            self.load()

    def action_delete(self) -> None:
        trunk = self.selected("delete")
        if trunk is None:
            return

        client = self.client

        def delete() -> Trunk:
            client.delete_trunk(trunk.i_trunk, before=trunk.members)
            return trunk

        def confirmed(yes: bool | None) -> None:
            status = self.query_one(StatusLine)
            if yes:
                status.busy(f"Deleting trunk {printable(trunk.i_trunk)}…")
                self.run_call("delete", delete, TrunkDeleted)
            else:
                status.show(f"Not deleted: trunk {printable(trunk.i_trunk)} {printable(trunk.name, 60)} is unchanged.")

        self.open(delete_dialog(trunk, production=self.session.production), confirmed)

    # --- marks ----------------------------------------------------------------------

    def highlighted(self) -> Trunk | None:
        return self.selected("mark")

    def shown_trunks(self) -> list[Trunk]:
        """The trunks the table shows (the quick filter's rows)."""
        return self.shown

    def changed_many(self, ids: list[int] | None) -> None:
        """Back from a change to many trunks: the list is read again if it reached any (marks kept by trunk)."""
        if ids:
            self.load()

    def deleted_many(self, ids: list[int] | None) -> None:
        """Back from deleting many trunks: those it reached are unmarked, and the list is read again."""
        if ids:
            self.marks.unmark([trunk for trunk in self.marks.trunks() if trunk.i_trunk in ids])
            self.show_marks()
            self.load()

    def action_sort(self) -> None:
        options = []
        for spec in self.columns:
            mark = ""
            if self.sort_by == spec:
                mark = "  (now ↓, choose to flip)" if self.descending else "  (now ↑, choose to flip)"
            options.append((spec.name, Text(spec.label + mark)))
        current = self.sort_by.name if self.sort_by else None
        self.open(ChoiceScreen("Sort by", options, current), self.sort_on)

    def sort_on(self, name: str | None) -> None:
        if name is None:
            return
        spec = next((f for f in self.columns if f.name == name), None)
        if spec is None:
            return
        self.descending = not self.descending if self.sort_by == spec else False
        self.sort_by = spec
        self.rebuild()

    def action_copy(self) -> None:
        trunk = self.selected("copy from")
        if trunk is None:
            return
        by_name = self.table.schema.by_name
        destination = FIRST_DESTINATION if FIRST_DESTINATION in self.columns else by_name["destination"]
        wanted = {column.name: column for column in (by_name["i_trunk"], by_name["name"], destination)}
        options = [(name, Text(f"{column.label}: {column_cell(column, trunk, 50).plain}"))
                   for name, column in wanted.items()]

        def chosen(name: str | None) -> None:
            if name is not None:
                value = value_of(wanted[name], trunk)
                self.app.copy_to_clipboard("" if value is None or value is ABSENT else printable(value))
                self.notify(f"Copied the {wanted[name].label.lower()} to the clipboard.")

        self.open(ChoiceScreen("Copy to the clipboard", options), chosen)

    def action_export(self) -> None:
        """Export the rows shown, only once the list is whole: a file of part of it would pass for all of it."""
        from trunktui.tui.screens.export import ExportScreen

        if not self.shown:
            self.notify("Nothing to export: the table shows no trunks.", severity="warning")
            return
        if self.answered is None:
            arrived = len(self.trunks)
            if self.arrivals is not None:
                self.notify(f"The list is not whole yet ({arrived:,} of the trunks arrived): export once it has "
                            "all arrived.", severity="warning")
            else:
                self.notify(f"The list is not whole: only {arrived:,} of the trunks arrived. {self.retry_key()} "
                            "loads them all, then export.", severity="warning")
            return
        stamp = time.strftime("%Y%m%d-%H%M%S")
        default = Path.cwd() / f"trunks-{self.i_account}-{stamp}.csv"

        def done(message: str | None) -> None:
            if message:
                self.notify(message, markup=False)

        self.open(ExportScreen(default, self.table, list(self.shown)), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On a read-only connection the changing actions are hidden (footer and palette).

        Their keys then reach ``read_only`` instead, which says why nothing happens.
        """
        if action == "delete":
            return not self.session.read_only and not self.marks
        if action in CHANGING_ACTIONS:
            return not self.session.read_only
        return self.marking_allowed(action)
