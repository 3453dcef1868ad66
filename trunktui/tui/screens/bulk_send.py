"""Looking at a change to many trunks before it is sent, then sending it and saying how each trunk ended.

``PreviewScreen`` shows a ``Plan`` line by line (each trunk's old and new
value of each member, or that it will be deleted) with totals; Cancel is
what Enter does, and on a production switch the number of trunks must be
typed before it can be confirmed; the line under the table shows the
highlighted change whole. ``SendingScreen`` runs the plan in a worker and
fills a table as each trunk's result comes; Escape stops sending further
trunks, a second Escape stops waiting for those on their way, and only once
every trunk has ended does Escape close it. Leaving it any other way (a
profile switch, quitting) stops sending at once. ``r`` reads the trunks to
try again over the session's connections (``bulk.reread``), then previews. The results arrive
from the engine's threads faster than a screen can be drawn, so they are
gathered (``Tally``) and taken a batch per message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Input, ProgressBar, Static

from trunktui.bulk import Bulk, Change, Plan, Reread, Result, Sent, Status, reread
from trunktui.errors import TrunkTuiError
from trunktui.fanout import DEFAULT_CONCURRENCY
from trunktui.model import Field, Schema, Trunk
from trunktui.text import counted, printable
from trunktui.tui.base import AppScreen, Context
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import NULL_STYLE, cell
from trunktui.tui.grid import Grid
from trunktui.tui.screens.confirm import MASK, Question, value_text
from trunktui.tui.widgets import SafeInput, StatusLine

Cells = Sequence[Text]

PREVIEW_COLUMNS = (("trunk", "ID"), ("name", "Name"), ("field", "Field"), ("change", "Now → after"))
VALUE_LIMIT = 32
"""A value's characters in the preview: the old and the new value of a member share its last column."""
RESULT_COLUMNS = (("trunk", "ID"), ("name", "Name"), ("status", "Result"), ("detail", "Detail"))
ACCOUNT_COLUMN = ("account", "Account")
"""First in the preview and the results when the trunks belong to more than one account (found by a search)."""
STATUS_STYLES = {Status.DONE: "green", Status.FAILED: "bold red", Status.CONFLICT: "bold yellow",
                 Status.GONE: "yellow", Status.UNKNOWN: "bold magenta", Status.NOT_SENT: "dim"}
RETRIED = (Status.FAILED, Status.NOT_SENT, Status.UNKNOWN)
"""The trunks ``r`` tries again: those the change did not reach, or may not have."""
SUMMED = (Status.DONE, Status.CONFLICT, Status.FAILED, Status.GONE, Status.UNKNOWN, Status.NOT_SENT)
"""The order of the summary."""
DETAIL_LIMIT = 300
READING_INTERVAL = 0.2
"""Seconds between updates of the count of trunks read again."""


def as_cells(cells: Cells) -> Cells:
    """A row of a table whose cells are made once, as the row is added."""
    return cells


def member_cells(schema: Schema, name: str, old: Any, new: Any, limit: int = VALUE_LIMIT) -> tuple[Text, Text]:
    """A member's value before and after, as the form shows it, up to ``limit`` characters each; a secret only
    as changed or empty."""
    if name in schema.secrets:
        return Text(MASK if old else "(empty)"), Text("(changed)" if new else "(empty)")
    spec = schema.by_name.get(name)
    return shown(spec, old, limit), shown(spec, new, limit)


def shown(spec: Field | None, value: Any, limit: int = VALUE_LIMIT) -> Text:
    """A value as the form shows it, and an empty one as such: a blank cell would look like nothing is set."""
    return Text("(empty)", style=NULL_STYLE) if value == "" else value_text(spec, value, limit)


def change_detail(plan: Plan, change: Change, name: str, old: Any, new: Any) -> Text:
    """One line of the preview in full, for the line under the table: its cell may be cut."""
    trunk = printable(change.trunk.name, 60)
    if change.delete:
        return Text.assemble(f"{trunk}: ", ("will be deleted", "bold red"))
    before, after = member_cells(plan.schema, name, old, new, DETAIL_LIMIT)
    return Text.assemble(f"{trunk} · {printable(plan.schema.label(name))}: ", before, " → ", after)


def spans_accounts(plan: Plan) -> bool:
    """Whether the plan's trunks belong to more than one account: then each row says which."""
    return len({printable(change.trunk.get("i_account")) for change in plan.changes}) > 1


def with_account(columns: Sequence[tuple[str, str]], accounts: bool) -> tuple[tuple[str, str], ...]:
    return (ACCOUNT_COLUMN, *columns) if accounts else tuple(columns)


def trunk_cells(trunk: Trunk, accounts: bool) -> list[Text]:
    """The cells that say which trunk a row is of: its id and name, after its account's id if ``accounts``."""
    cells = [cell(trunk.i_trunk), cell(trunk.name, 60)]
    return [cell(trunk.get("i_account")), *cells] if accounts else cells


def preview_rows(plan: Plan, accounts: bool = False) -> list[Cells]:
    """A line per member changed on each trunk (its old value → its new one), or one per trunk to delete."""
    rows: list[Cells] = []
    for change, name, old, new in plan.rows():
        trunk = trunk_cells(change.trunk, accounts)
        if change.delete:
            rows.append([*trunk, Text(""), Text("will be deleted", style="bold red")])
            continue
        before, after = member_cells(plan.schema, name, old, new)
        rows.append([*trunk, Text(printable(plan.schema.label(name))), Text.assemble(before, " → ", after)])
    return rows


def totals_text(plan: Plan) -> str:
    """How many trunks each member changes on, and how many are left alone."""
    trunks = len(plan.changes) + len(plan.unchanged)
    if plan.delete:
        return f"{counted(len(plan.changes), 'trunk')} will be deleted."
    if not plan.changes:
        every = "The trunk already holds" if trunks == 1 else f"All {trunks} trunks already hold"
        return f"{every} these values: nothing to send."
    totals = plan.totals()
    parts = [f"{printable(plan.schema.label(name))} on {counted(totals[name], 'trunk')}"
             for name in plan.values if name in totals]
    if plan.unchanged:
        holds = "already holds" if len(plan.unchanged) == 1 else "already hold"
        parts.append(f"{len(plan.unchanged)} {holds} these values and {'is' if len(plan.unchanged) == 1 else 'are'} "
                     "left alone")
    return " · ".join(parts) + "."


class PreviewScreen(Question[bool]):
    """Every change of a plan before anything is sent; dismissed with True only by the confirm button."""

    DEFAULT_CSS = """
    PreviewScreen #detail { height: auto; max-height: 3; color: $text-muted; }
    """
    BINDINGS = [
        Binding("down", "rows('line', 1)", "Lines", key_display="↑↓",
                tooltip="Next line of the preview, shown whole under it"),
        Binding("up", "rows('line', -1)", show=False, tooltip="Previous line of the preview"),
        Binding("pagedown", "rows('page', 1)", show=False, tooltip="Scroll the preview a page down"),
        Binding("pageup", "rows('page', -1)", show=False, tooltip="Scroll the preview a page up"),
    ]

    def __init__(self, plan: Plan, production: bool = False) -> None:
        count = len(plan.changes)
        if not count:
            title = "Nothing to change"
        elif plan.delete:
            title = f"Delete {counted(count, 'trunk')}? Nothing is sent until you confirm."
        else:
            title = f"Change {counted(count, 'trunk')}? Nothing is sent until you confirm."
        super().__init__(title, Text(""), danger=plan.delete)
        self.plan = plan
        self.typed_count = str(count) if production and count else None

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Static(Text(self.title_text), classes="title")
            accounts = spans_accounts(self.plan)
            rows = preview_rows(self.plan, accounts)
            grid: Grid[Cells] = Grid(with_account(PREVIEW_COLUMNS, accounts), as_cells, sortable=False, opens=False,
                                     fixed=3 if accounts else 2, stretch=True)
            grid.show(rows)
            yield grid
            yield Static(id="detail")
            yield Static(Text(totals_text(self.plan)), id="totals")
            yield from self.before_buttons()
            with Horizontal(classes="buttons"):
                yield from self.buttons()

    def before_buttons(self) -> ComposeResult:
        if self.typed_count is not None:
            yield Static(Text(f"This is a production switch. Type {self.typed_count}, the number of trunks, to "
                              f"enable {self.verb}:"))
            yield SafeInput(id="typed", select_on_focus=False)
            yield Static(id="mismatch", classes="hint -empty")

    @property
    def verb(self) -> str:
        return "Delete" if self.plan.delete else "Send"

    def buttons(self) -> ComposeResult:
        empty = not self.plan.changes
        yield Button("Close" if empty else "Cancel", id="cancel")
        if not empty:
            yield Button(f"{self.verb} {counted(len(self.plan.changes), 'trunk')}", id="confirm",
                         variant="error" if self.plan.delete else "primary",
                         disabled=self.typed_count is not None)

    def answer_for(self, button: str | None) -> bool:
        return button == "confirm"

    def on_mount(self) -> None:
        self.query_one("#typed" if self.typed_count is not None else "#cancel").focus()

    def action_rows(self, how: str, step: int) -> None:
        grid = self.query_one(Grid)
        if how == "line":
            grid.action_cursor(step)
        else:
            grid.action_page(step)

    @on(Grid.Highlighted)
    def highlighted(self, highlighted: Grid.Highlighted) -> None:
        """The line under the cursor, whole: the new value must be seen before anything is sent."""
        lines = self.plan.rows()
        row = highlighted.row
        detail = self.query_one("#detail", Static)
        detail.display = 0 <= row < len(lines)
        if detail.display:
            detail.update(change_detail(self.plan, *lines[row]))

    @on(Input.Changed, "#typed")
    def typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value.strip() != self.typed_count
        self.query_one("#mismatch", Static).add_class("-empty")

    @on(Input.Submitted, "#typed")
    def typed_enter(self, event: Input.Submitted) -> None:
        """Enter confirms once the number is typed; otherwise it says so, and nothing is sent."""
        if event.value.strip() == self.typed_count:
            self.dismiss(True)
            return
        mismatch = self.query_one("#mismatch", Static)
        mismatch.update(Text(f"Nothing sent: type {self.typed_count}, the number of trunks, or Escape to cancel."))
        mismatch.remove_class("-empty")


class Tally:
    """Results told by the engine's threads, waiting for the event loop to take them.

    ``add`` posts a message only when the loop has taken everything told
    before, so hundreds of results a second make a few messages, not hundreds.
    """

    def __init__(self, post: Callable[[Tally], object]) -> None:
        self._post = post
        self._lock = threading.Lock()
        self._waiting: list[Sent] = []
        self._told = False

    def add(self, sent: Sent) -> None:
        with self._lock:
            self._waiting.append(sent)
            tell, self._told = not self._told, True
        if tell:
            self._post(self)

    def take(self) -> list[Sent]:
        with self._lock:
            taken, self._waiting, self._told = self._waiting, [], False
        return taken


class ResultsArrived(Message, bubble=False):
    def __init__(self, tally: Tally) -> None:
        super().__init__()
        self.tally = tally


class BulkEnded(Outcome):
    """Every trunk of a round has its result."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__("send")
        self.results = results


class TrunksReread(Outcome):
    """The trunks to try again, read again."""

    def __init__(self, read: Reread) -> None:
        super().__init__("reread")
        self.read = read


class Stage(Enum):
    SENDING = "sending"
    STOPPING = "stopping"
    ABANDONING = "abandoning"
    ENDED = "ended"
    READING = "reading"
    """Every trunk has ended, and those to try again are being read again."""


class SendingScreen(AppScreen[list[int]]):
    """A plan being sent: progress, each trunk's result as it comes, and a summary once all have ended.

    It is dismissed with the ids of the trunks the change reached or may
    have reached (done or unknown), in every round, so the caller reads
    them again.
    """

    DEFAULT_CSS = """
    SendingScreen #heading { padding: 0 1; text-style: bold; height: auto; }
    SendingScreen ProgressBar { padding: 0 1; height: 1; }
    SendingScreen Grid { height: 1fr; }
    SendingScreen #detail { padding: 0 1; height: auto; max-height: 3; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "stop", "Stop", tooltip="Stop sending: no further trunk is sent, those on their way "
                                                  "are awaited"),
        Binding("escape", "abandon", "Abandon", tooltip="While stopping: stop waiting for the changes on their "
                                                        "way (their results become unknown)"),
        Binding("escape", "close", "Close", tooltip="Once every trunk has ended: close, and read them again"),
        Binding("escape", "stop_reading", "Stop reading", tooltip="While the trunks to try again are read again: "
                                                                  "stop, and preview nothing"),
        Binding("r", "retry", "Try again", tooltip="Try again the trunks that failed, were not sent or are "
                                                   "unknown: read again, then previewed"),
    ]

    def __init__(self, context: Context, plan: Plan, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        super().__init__(context)
        self.plan = plan
        self.concurrency = concurrency
        self.bulk = Bulk(context.client, plan, concurrency=concurrency)
        self.tally = Tally(self.tallied)
        self.stage = Stage.SENDING
        self.accounts = spans_accounts(plan)
        self.columns = with_account(RESULT_COLUMNS, self.accounts)
        self.rows: list[Cells] = []
        self.widths = [0] * len(self.columns)
        self.results: list[Result] = []
        self.changed: dict[int, None] = {}
        """Ids of the trunks done or unknown, in every round, in order."""
        self.on_way = 0
        self.ended_at: float | None = None
        """When the last round ended (``Message.time``): an Escape pressed before then closes nothing."""
        self.reading = threading.Event()
        """Set to stop reading the trunks to try again."""
        self.read_so_far = 0
        """How many of them have been read so far: set from the readers' threads."""
        self.read_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="heading")
        yield ProgressBar(show_eta=False)
        yield Grid(self.columns, as_cells, sortable=False, opens=False, fixed=3 if self.accounts else 2,
                   stretch=True)
        yield Static(id="detail")
        yield StatusLine(id="send-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(Grid).focus()
        self.send()

    def on_unmount(self) -> None:
        """Leaving (a profile switch, quitting) stops sending at once: no trunk is changed unseen."""
        self.reading.set()
        if self.stage in (Stage.SENDING, Stage.STOPPING, Stage.ABANDONING):
            self.bulk.abandon()

    def status(self) -> StatusLine:
        return self.query_one("#send-status", StatusLine)

    def heading(self) -> str:
        count = len(self.plan.changes)
        if self.plan.delete:
            return f"Deleting {counted(count, 'trunk')}"
        totals = self.plan.totals()
        names = ", ".join(printable(self.plan.schema.label(name)) for name in self.plan.values if name in totals)
        return f"Setting {names} on {counted(count, 'trunk')}"

    def send(self) -> None:
        """Start sending the plan: a fresh table, progress from nought."""
        self.stage = Stage.SENDING
        self.ended_at = None
        self.rows, self.results, self.widths = [], [], [0] * len(self.columns)
        self.query_one(Grid).show(self.rows)
        self.query_one(ProgressBar).update(total=len(self.plan.changes), progress=0)
        self.query_one("#heading", Static).update(Text(self.heading()))
        self.status().busy(f"Sending, {self.concurrency} at a time… Escape stops sending further trunks")
        bulk, tally = self.bulk, self.tally
        self.run_call("send", lambda: bulk.run(tally.add), BulkEnded)
        self.refresh_bindings()

    def tallied(self, tally: Tally) -> None:
        """Told from an engine thread: results wait in ``tally``."""
        self.post_message(ResultsArrived(tally))

    @on(ResultsArrived)
    def arrived(self, arrived: ResultsArrived) -> None:
        if arrived.tally is self.tally:
            self.take()

    def take(self) -> None:
        """Show what has arrived since last time, in one redraw."""
        taken = self.tally.take()
        if not taken:
            return
        for sent in taken:
            result = sent.result
            self.results.append(result)
            row = result_cells(result, self.accounts)
            self.widths = [max(width, text.cell_len) for width, text in zip(self.widths, row, strict=True)]
            self.rows.append(row)
            if result.status is not Status.NOT_SENT and self.stage is Stage.STOPPING:
                self.on_way = max(self.on_way - 1, 0)
        grid = self.query_one(Grid)
        grid.show(self.rows, self.widths, cursor=grid.cursor_row)
        self.query_one(ProgressBar).update(progress=reached(self.results))
        if self.bulk.lost is not None and self.stage is Stage.SENDING:
            self.stage = Stage.STOPPING
            self.on_way = self.on_their_way()
            self.refresh_bindings()
        if self.stage is Stage.STOPPING:
            self.say_stopping()

    @on(Grid.Highlighted)
    def highlighted(self, highlighted: Grid.Highlighted) -> None:
        """The detail of the trunk under the cursor, whole: its cell may be cut."""
        row = highlighted.row
        result = self.results[row] if 0 <= row < len(self.results) else None
        detail = self.query_one("#detail", Static)
        detail.display = result is not None and bool(result.detail)
        if result is not None:
            trunk = result.change.trunk
            detail.update(Text(f"{printable(trunk.name, 60)}: {printable(result.detail, 1000)}"))

    @on(BulkEnded)
    def ended(self, ended: BulkEnded) -> None:
        """Every trunk has ended: the table shows them in the order of the preview, with the summary under it."""
        self.tally.take()
        self.results = ended.results
        self.rows = [result_cells(result, self.accounts) for result in ended.results]
        self.query_one(Grid).show(self.rows)
        self.finish()
        for result in ended.results:
            if result.status in (Status.DONE, Status.UNKNOWN):
                self.changed[result.change.trunk.i_trunk] = None
        lost = self.bulk.lost
        if lost is None:
            self.status().show(summary(ended.results))
            return
        again = self.retried()
        retry = f" · r tries {counted(len(again), 'trunk')} again" if again and not self.session.read_only else ""
        self.status().fault(f"{unreachable(lost)}: sending stopped{retry} · {summary(ended.results)}")

    @on(CallFailed)
    def failed(self, failed: CallFailed) -> None:
        if failed.purpose == "send":
            self.finish()
        elif failed.purpose == "reread":
            self.end_reading()
        self.status().fault(failed.error)

    def finish(self) -> None:
        """Every trunk has ended: the bar shows the share the switch was asked about, never those not sent."""
        self.stage = Stage.ENDED
        self.ended_at = Message().time
        self.query_one(ProgressBar).update(progress=reached(self.results))
        self.refresh_bindings()

    def retried(self) -> list[Change]:
        return [result.change for result in self.results if result.status in RETRIED]

    def on_their_way(self) -> int:
        """At most how many changes are still on their way once no further trunk is sent."""
        return min(self.concurrency, len(self.plan.changes) - len(self.results))

    def say_stopping(self) -> None:
        lost = self.bulk.lost
        why = "Stopping" if lost is None else f"{unreachable(lost)}: sending stopped"
        self.status().busy(f"{why}: {counted(self.on_way, 'change')} on {'its' if self.on_way == 1 else 'their'} "
                           "way awaited · Escape stops waiting (they become unknown)")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.stage is Stage.SENDING
        if action == "abandon":
            return self.stage is Stage.STOPPING
        if action == "close":
            return self.stage is Stage.ENDED
        if action == "stop_reading":
            return self.stage is Stage.READING
        if action == "retry":
            return self.stage is Stage.ENDED and bool(self.retried()) and not self.session.read_only
        return True

    def on_key(self, event: events.Key) -> None:
        """An Escape pressed before the last trunk ended, and handled only after, closes nothing: a burst of
        Escapes stops and abandons, but never takes the results away unseen."""
        if event.key == "escape" and self.ended_at is not None and event.time < self.ended_at:
            event.stop()
            event.prevent_default()

    def action_stop(self) -> None:
        self.bulk.stop()
        self.stage = Stage.STOPPING
        self.on_way = self.on_their_way()
        self.say_stopping()
        self.refresh_bindings()

    def action_abandon(self) -> None:
        """Stop waiting for the changes on their way; their connections are closed in a thread."""
        self.stage = Stage.ABANDONING
        self.run_worker(self.bulk.abandon, thread=True, group="abandon")
        self.status().busy(f"Abandoned: {counted(self.on_way, 'change')} on {'its' if self.on_way == 1 else 'their'} "
                           "way not awaited; their results are unknown")
        self.refresh_bindings()

    def action_close(self) -> None:
        self.dismiss(list(self.changed))

    def action_retry(self) -> None:
        """Read the trunks to try again over the session's connections, then preview the change on them."""
        trunks = [change.trunk for change in self.retried()]
        self.stage = Stage.READING
        self.reading = stop = threading.Event()
        self.read_so_far = 0

        def tell(read: int, total: int) -> None:
            self.read_so_far = read

        self.say_reading(len(trunks))
        self.read_timer = self.set_interval(READING_INTERVAL, lambda: self.say_reading(len(trunks)))
        client, concurrency = self.client, self.concurrency
        self.run_call("reread", lambda: reread(client, trunks, concurrency, tell, stop), TrunksReread)
        self.refresh_bindings()

    def say_reading(self, total: int) -> None:
        self.status().busy(f"Reading {counted(total, 'trunk')} again, {self.concurrency} at a time: "
                           f"{self.read_so_far:,} read · Escape stops")

    def end_reading(self) -> None:
        self.reading.set()
        if self.read_timer is not None:
            self.read_timer.stop()
            self.read_timer = None
        self.stage = Stage.ENDED
        self.refresh_bindings()

    def action_stop_reading(self) -> None:
        self.end_reading()
        self.status().show("Stopped reading the trunks again: nothing previewed · r tries again")

    @on(TrunksReread)
    def reread_done(self, done: TrunksReread) -> None:
        """The trunks read again are previewed; those gone or not read are said in their rows."""
        if self.stage is not Stage.READING:
            return
        self.end_reading()
        read = done.read
        self.note_unread(read)
        if read.lost is not None:
            self.status().fault(f"{unreachable(read.lost)}: nothing previewed · r tries again")
            return
        left = [f"{counted(len(read.gone), 'trunk')} gone"] if read.gone else []
        if read.unread:
            left.append(f"{counted(len(read.unread), 'trunk')} not read (their rows say why)")
        said = f"Read {counted(len(read.trunks), 'trunk')} again" + (f"; {', '.join(left)}" if left else "") + "."
        if not read.trunks:
            self.status().fault(said)
            return
        try:
            plan = Plan.deleting(self.plan.schema, read.trunks) if self.plan.delete else \
                Plan.setting(self.plan.schema, read.trunks, self.plan.values)
        except TrunkTuiError as error:
            self.status().fault(error)
            return
        self.status().show(said)

        def confirmed(yes: bool | None) -> None:
            if yes and plan.changes:
                self.plan = plan
                self.bulk = Bulk(self.client, plan, concurrency=self.concurrency)
                self.tally = Tally(self.tallied)
                self.send()

        self.open(PreviewScreen(plan, self.session.production), confirmed)

    def note_unread(self, read: Reread) -> None:
        """The rows of the trunks that are gone, or could not be read again, say so."""
        why = {trunk.i_trunk: f"not read again ({reason})" for trunk, reason in read.unread}
        gone = {trunk.i_trunk for trunk in read.gone}
        if not why and not gone:
            return
        for place, result in enumerate(self.results):
            i_trunk = result.change.trunk.i_trunk
            if i_trunk in gone:
                self.results[place] = Result(result.change, Status.GONE, "no longer on the switch")
            elif i_trunk in why:
                self.results[place] = Result(result.change, result.status, why[i_trunk], result.now)
        self.rows = [result_cells(result, self.accounts) for result in self.results]
        grid = self.query_one(Grid)
        grid.show(self.rows, cursor=grid.cursor_row)

    def unsaved(self) -> list[str]:
        if self.stage in (Stage.ENDED, Stage.READING):
            return []
        verb = "deleted" if self.plan.delete else "changed"
        return [f"the change to {counted(len(self.plan.changes), 'trunk')}, still being sent: leaving stops sending "
                f"at once. The trunks {verb} so far stay {verb}; the rest are not sent (any on their way: unknown)"]


def reached(results: Sequence[Result]) -> int:
    """How many trunks the switch was asked about: every ending but not sent."""
    return sum(result.status is not Status.NOT_SENT for result in results)


def unreachable(lost: TrunkTuiError) -> str:
    return f"The switch could not be reached ({printable(str(lost), 200)})"


def summary(results: Sequence[Result]) -> str:
    """How many trunks ended each way ("37 done · 1 conflict · 2 failed · 0 unknown · 0 not sent"); gone
    only if any."""
    counts = dict.fromkeys(SUMMED, 0)
    for result in results:
        counts[result.status] += 1
    return " · ".join(f"{count} {status.value}" for status, count in counts.items()
                      if count or status is not Status.GONE)


def result_cells(result: Result, accounts: bool) -> Cells:
    return [*trunk_cells(result.change.trunk, accounts), Text(result.status.value, style=STATUS_STYLES[result.status]),
            Text(printable(result.detail, DETAIL_LIMIT))]


def confirm_and_send(screen: AppScreen[Any], plan: Plan, done: Callable[[list[int] | None], None]) -> bool:
    """Preview ``plan`` over ``screen``; once confirmed, send it; ``done`` gets what ``SendingScreen`` returns."""

    def confirmed(yes: bool | None) -> None:
        if yes:
            screen.open(SendingScreen(screen.context, plan, screen.session.concurrency), done)

    return screen.open(PreviewScreen(plan, screen.session.production), confirmed)
