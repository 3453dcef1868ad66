"""Search every account: which trunks point at this address, carry this name, mention this text?

The engine (``trunktui.search``) does the work in threads of its own and
tells each account's matches as it goes; this screen shows them as they
come. Each search has a number, and what it tells waits in its
``Tidings`` until the event loop takes it, a batch at a time and at most
every ``REDRAW`` seconds, so hundreds of accounts a second never flood the
screen; a newer search's number makes an older one's late news go nowhere.
News that arrives while a trunk's screen covers this one is shown on the
way back. Escape stops a search (what was found stays); ``r`` then
searches what the stop left out and the accounts that could not be read,
adding to the matches shown. A refused login stops it the same way: once
a new password is given, it goes on with the accounts it had not reached.
Escape again goes back, and the search is kept (``LastSearch``, in the
session's ``Context``): the next search screen opened brings it back as it
was left.

Matches can be marked, as in a trunk table, and the marked trunks (of any
account) changed or deleted at once; the rows of the trunks a change
reached are read again. A new search keeps the marks of the trunks it
finds again: the others are held aside while it runs, and unmarked once it
has read every account without finding them.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, ProgressBar, Select, Static

from trunktui.errors import AuthError, InputError, TrunkTuiError
from trunktui.model import Account, Schema, Trunk
from trunktui.search import FIELDS, Failure, Found, Query, ReadAgain, Search, Searched, Summary, read_again
from trunktui.text import counted, printable, quoted, restore
from trunktui.tui.base import Context
from trunktui.tui.calls import CallFailed, Outcome
from trunktui.tui.cells import cell
from trunktui.tui.grid import Grid
from trunktui.tui.marking import MARKED_BINDINGS, MarkingScreen, marking_bindings
from trunktui.tui.marks import Marks
from trunktui.tui.screens.choose import ChoiceScreen
from trunktui.tui.widgets import SafeInput, StatusLine
from trunktui.versions import Api

REDRAW = 0.08
"""Seconds between two redraws of the matches while a search tells of accounts faster than that."""
COLUMNS = (("account", "Account"), ("i_trunk", "Trunk"), ("name", "Name"), ("value", "Value"),
           ("where", "Where"))
BEFORE, MATCH, AFTER = 24, 60, 40
"""How much of a value is shown before, of, and after the part that matched."""
MATCH_STYLE = "bold reverse"
HINTS = {
    "any": "Text in any field, any case · an IP matches a destination's host exactly",
    "name": "Text in the name, any case · with %: LIKE on the switch, maybe case-sensitive",
    "destination": "An IP matches the host exactly, :5060 the port, both IP:port; else any text",
    "description": "Text anywhere in the description, any case",
    "outbound_ip": "Text in the outbound IP (main or backup), any case",
    "username": "Text in the username (main or backup), any case",
}
"""What a query in each field does, under the box."""
MARKING = frozenset({"mark", "mark_shown", "unmark_all", "edit_marked", "delete_marked", "need_marks", "read_only"})
"""The actions of the matches' keys: none while the query box or the field chooser has the focus."""


class SearchTold(Message, bubble=False):
    """Search number ``search`` has news waiting in its ``Tidings``; posted from the engine's threads."""

    def __init__(self, search: int) -> None:
        super().__init__()
        self.search = search


class SearchEnded(Outcome):
    """Search number ``search`` is over: every account searched, or stopped."""

    def __init__(self, search: int, summary: Summary) -> None:
        super().__init__("search")
        self.search = search
        self.summary = summary


class TrunkRead(Outcome):
    """A matching trunk, just read from the switch: to open (``reread`` False) or to refresh its row."""

    def __init__(self, found: Found, trunk: Trunk, reread: bool) -> None:
        super().__init__("reread" if reread else "open")
        self.found = found
        self.trunk = trunk
        self.reread = reread


class TrunksReadAgain(Outcome):
    """The trunks a change to many reached, read again."""

    def __init__(self, results: list[ReadAgain]) -> None:
        super().__init__("refresh")
        self.results = results


class Tidings:
    """What one search has told and the event loop has not yet taken.

    ``add`` (in an engine thread) says whether the loop must be told: only
    when it has taken everything told before, so the loop gets one message
    however many accounts are told meanwhile.
    """

    def __init__(self, search: int) -> None:
        self.search = search
        self._lock = threading.Lock()
        self._waiting: list[Searched] = []
        self._told = False

    def add(self, searched: Searched) -> bool:
        with self._lock:
            self._waiting.append(searched)
            tell, self._told = not self._told, True
        return tell

    def take(self) -> list[Searched]:
        with self._lock:
            taken, self._waiting, self._told = self._waiting, [], False
        return taken


@dataclass
class Progress:
    """Where the results shown stand: accounts searched over every run, of how many."""

    total: int | None = None
    """The login's accounts; None until the list of them is known whole."""
    before: int = 0
    """Accounts searched or failed before the run in flight (or the last one)."""
    reached: int = 0
    """Accounts the run in flight (or the last one) has searched or failed."""
    trunks: int = 0
    unsearched: list[Account] = field(default_factory=list)
    stopped: bool = False
    trouble: TrunkTuiError | None = None
    """Why the last run ended before it could list the accounts."""
    refused: bool = False
    """The last run was stopped by a refused login, after listing the accounts."""
    new_password: bool = False
    """The run in flight goes on after a refused login, with the password given since."""

    @property
    def done(self) -> int:
        return self.before + self.reached

    @property
    def whole(self) -> bool:
        """Whether ``r`` can go on from here: the accounts still to search are known."""
        return self.total is not None and self.trouble is None


def account_text(account: Account) -> str:
    name = f" {printable(account.username, 40)}" if account.username not in (None, "") else ""
    return f"{printable(account.i_account)}{name}"


def match_text(found: Found, scale: int = 1) -> Text:
    """The value that matched with the part that matched highlighted; each part made printable on its own,
    never read as markup. A long value shows the part that matched with a little on either side (``scale``
    times ``BEFORE``, ``MATCH`` and ``AFTER``)."""
    value, (start, end) = found.hit.value, found.hit.span
    before, match, after = value[:start], value[start:end], value[end:]
    lead = "…" + before[-BEFORE * scale:] if len(before) > BEFORE * scale else before
    text = Text(printable(lead))
    text.append(printable(match, MATCH * scale), style=MATCH_STYLE)
    text.append(printable(after, AFTER * scale))
    return text


def detail_text(found: Found, schema: Schema) -> Text:
    """The highlighted match, under the table: where it matched in full (a 2022+ trunk's connection and
    member do not fit the Where column at 80 columns) and its value, twice as much of it as the column's."""
    text = Text(f"{printable(found.hit.where(schema))}: ", style="bold")
    text.append_text(match_text(found, scale=2))
    return text


def searching_line(progress: Progress, matches: int) -> str:
    of = f"of {progress.total:,} accounts" if progress.total is not None else "accounts so far"
    searching = "Searching on with the new password…" if progress.new_password else "Searching…"
    return f"{searching} {progress.done:,} {of} · {counted(matches, 'match', 'matches')} · Escape stops"


def ended_line(progress: Progress, matches: int, failed: int, key: str) -> str:
    """What the status line says once a run is over, naming the key that goes on from there. Accounts that
    could not be read (``failed``) are not counted as searched."""
    found = counted(matches, "match", "matches")
    read = progress.done - failed
    if progress.trouble is not None:
        return f"Could not list the accounts: {progress.trouble} · {found} · {key} searches again"
    if progress.refused and progress.total is not None:
        return (f"The switch refused the login: {read:,} of {progress.total:,} accounts searched · {found} · "
                f"{key} searches the rest")
    if progress.stopped and progress.total is None:
        return f"Stopped while listing the accounts: {read:,} searched · {found} · {key} searches them all again"
    if progress.stopped:
        return f"Stopped: {read:,} of {progress.total:,} accounts searched · {found} · {key} searches the rest"
    accounts = f"{read:,} of {progress.total:,} accounts" if failed else counted(read, "account")
    return f"Searched {accounts} · {counted(progress.trunks, 'trunk')} · {found}"


def failures_line(failures: Sequence[Failure], running: bool, key: str) -> str:
    """The accounts that could not be read, and whether ``key`` retries them: not those the switch gave no id
    trunktui can send (``Failure.retryable``), which no retry can read."""
    if not failures:
        return ""
    could = f"{counted(len(failures), 'account')} could not be read"
    if running:
        return f"{could} so far · F shows them"
    retryable = sum(failure.retryable for failure in failures)
    unsendable = len(failures) - retryable
    if not retryable:
        return f"{could}: {'it has' if unsendable == 1 else 'they have'} no id trunktui can send · F shows them"
    if unsendable:
        have = "has" if unsendable == 1 else "have"
        return (f"{could} ({unsendable:,} {have} no id trunktui can send) · F shows them · "
                f"{key} retries the other {retryable:,}")
    return f"{could} · F shows them · {key} retries them"


def retryable(failures: Sequence[Failure]) -> list[Failure]:
    return [failure for failure in failures if failure.retryable]


@dataclass
class LastSearch:
    """A search as it was when its screen was left, for the next search screen of the session to show."""

    typed: str
    """The query box's text."""
    field: str
    query: Query
    found: list[Found]
    failures: list[Failure]
    progress: Progress
    marks: Marks
    held: Marks
    dropped: int
    schema: Schema
    widths: list[int]
    cursor: int


class SearchScreen(MarkingScreen):
    """Find trunks in every account of the login by name, destination, description, outbound IP or username."""

    DEFAULT_CSS = """
    SearchScreen .toolbar { height: 1; }
    SearchScreen #field { width: 18; margin-left: 1; }
    SearchScreen #hint.-error { color: $text-error; }
    SearchScreen #progress { height: 1; padding: 0 1; display: none; }
    SearchScreen #progress Bar { width: 1fr; }
    SearchScreen #results { height: 1fr; }
    SearchScreen #detail { height: auto; max-height: 2; padding: 0 1; display: none; }
    SearchScreen #failures { color: $text-warning; padding: 0 1; height: auto; display: none; }
    """
    AUTO_FOCUS = "#query"
    BINDINGS = [
        Binding("enter", "open", "Open", show=False, tooltip="Open the highlighted match's trunk"),
        Binding("escape", "stop", "Stop", tooltip="Stop the search; the matches found stay"),
        Binding("escape", "back", "Back", tooltip="Clear the query box, or go back (f brings the search back)"),
        Binding("r", "more", "Search on", tooltip="Search the accounts a stop left out, and those not read"),
        Binding("f5", "more", "Search on", show=False),
        Binding("F", "failures", "Failures", tooltip="Which accounts could not be read, and why"),
        Binding("slash", "focus_query", "Query", key_display="/", tooltip="Type a new query"),
        *MARKED_BINDINGS,
        Binding("e", "need_marks", show=False),
        Binding("d", "need_marks", "Delete"),
        Binding("delete", "need_marks", show=False),
        Binding("e", "read_only('changed')", show=False),
        Binding("d,delete", "read_only('deleted')", show=False),
        *marking_bindings("match"),
        Binding("down", "to_results", show=False),
        Binding("q", "app.ask_quit", "Quit, after asking (Ctrl+Q quits at once)", show=False),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.searches = 0
        """The number of the latest search: news of any other goes nowhere."""
        self.search: Search | None = None
        """The search in flight, if any."""
        self.tidings: Tidings | None = None
        self.query_shown: Query | None = None
        """The query the matches shown answer."""
        self.found: list[Found] = []
        self.failures: list[Failure] = []
        self.progress = Progress()
        self.widths: list[int] = [0] * len(COLUMNS)
        self.schema: Schema = Api.V2020.trunks
        self.drawn_at = 0.0
        self.redraw: Timer | None = None
        self.marks = Marks()
        self.held = Marks()
        """Marks from before the search shown, of trunks it has not found (yet): unmarked once it is whole."""
        self.dropped = 0
        """How many marks the last whole search dropped, their trunks not found again."""
        self.last = context.kept.search
        """The search this screen was left with last time, shown again."""
        self.typed_ahead: str | None = None
        """Text typed in the burst that opened this screen, before its query box was made."""
        if self.last is not None:
            last = self.last
            self.query_shown, self.found, self.failures, self.progress = (last.query, last.found, last.failures,
                                                                         last.progress)
            self.marks, self.held, self.dropped = last.marks, last.held, last.dropped
            self.schema, self.widths = last.schema, last.widths

    def compose(self) -> ComposeResult:
        last = self.last
        yield Header()
        with Horizontal(classes="toolbar"):
            yield SafeInput(last.typed if last else "", placeholder="Find trunks in every account: name, address "
                            "or text", id="query", compact=True)
            yield Select([(label, key) for key, (label, _) in FIELDS.items()], value=last.field if last else "any",
                         allow_blank=False, compact=True, id="field")
        yield Static(HINTS[last.field if last else "any"], id="hint", classes="hint")
        yield ProgressBar(show_eta=False, id="progress")
        yield Grid(COLUMNS, self.cells, sortable=False, fixed=1, marked=self.is_marked, id="results")
        yield Static("", id="detail")
        yield Static("", id="failures")
        yield self.status_bar(StatusLine("Type what to look for, choose where, and press Enter.", id="status"))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """A search left before is shown as it was, its query selected in the box, so that typing starts a new
        one; text typed in the burst that opened the screen is the query."""
        self.sub_title = "every account"
        box = self.query_box
        if self.last is not None:
            self.query_one("#progress").display = True
            self.grid.show(list(self.found), self.widths, cursor=self.last.cursor)
            self.show_marks(tell=False)
            self.describe()
            box.select_all()
        if self.typed_ahead is not None:
            box.value, self.typed_ahead = self.typed_ahead, None
            box.cursor_position = len(box.value)

    def type_ahead(self, text: str) -> None:
        """Text typed in the same burst as the key that opened this screen, and so handled by the screen it
        was opened from: it goes into the query box, as if typed there (replacing a query shown selected)."""
        if not self.is_mounted:
            self.typed_ahead = (self.typed_ahead or "") + text
            return
        box = self.query_box
        selection = box.selection
        if selection.is_empty:
            box.insert_text_at_cursor(text)
        else:
            box.replace(text, *selection)
        self.set_focus(box)

    def on_unmount(self) -> None:
        """Leaving stops the search: nothing would show what it finds."""
        if self.search is not None:
            self.search.stop()

    @property
    def grid(self) -> Grid[Found]:
        return self.query_one("#results", Grid)

    @property
    def query_box(self) -> Input:
        return self.query_one("#query", Input)

    @property
    def running(self) -> bool:
        return self.search is not None

    def is_marked(self, found: Found) -> bool:
        return found.trunk in self.marks

    def cells(self, found: Found) -> list[Text]:
        trunk = found.trunk
        return [Text(account_text(found.account)), cell(trunk.i_trunk), cell(trunk.name),
                match_text(found), Text(printable(found.hit.where(self.schema)))]

    # --- the query ------------------------------------------------------------------

    def query_of(self) -> Query:
        """The query in the box, the stand-ins the box shows (and that a value copied from the matches holds)
        put back as the characters they stand for, as the trunk form does."""
        field_choice = self.query_one("#field", Select).value
        return Query(restore(self.query_box.value), field_choice if isinstance(field_choice, str) else "any")

    def say_hint(self, problem: str | None = None) -> None:
        hint = self.query_one("#hint", Static)
        hint.set_class(problem is not None, "-error")
        hint.update(Text(problem if problem is not None else HINTS.get(self.query_of().field, "")))

    @on(Select.Changed, "#field")
    def field_changed(self) -> None:
        self.say_hint()
        self.set_focus(self.query_box)

    @on(Input.Changed, "#query")
    def query_changed(self) -> None:
        self.say_hint()

    @on(Input.Submitted, "#query")
    def query_submitted(self) -> None:
        query = self.query_of()
        try:
            query.check()
        except InputError as problem:
            self.say_hint(problem.message)
            return
        self.say_hint()
        self.hold_marks()
        self.found, self.failures, self.progress = [], [], Progress()
        self.widths = [0] * len(COLUMNS)
        self.query_shown = query
        self.show_rows()
        self.begin(query)
        self.set_focus(self.grid)

    # --- searching ------------------------------------------------------------------

    def begin(self, query: Query, accounts: list[Account] | None = None) -> None:
        """Start a search (of ``accounts``, or of every account); one in flight is stopped, and its late news
        goes nowhere.

        A search decodes thousands of trunks in its threads, and so sets off the garbage collector's full
        rounds, each of which looks at every object the app holds in one stretch (30 to 40 ms with a trunk
        table open): what the app holds now is set aside from those rounds first (``gc.freeze``, after a
        round of the young generations, as the trunk table does once a list is in).
        """
        if self.search is not None:
            self.search.stop()
        search = Search(self.client, query, concurrency=self.session.concurrency, accounts=accounts)
        self.searches += 1
        number = self.searches
        tidings = self.tidings = Tidings(number)
        self.search = search
        progress = self.progress
        progress.stopped, progress.trouble, progress.reached = False, None, 0
        progress.refused = progress.new_password = False
        progress.unsearched = []

        def tell(searched: Searched) -> None:
            if tidings.add(searched):
                self.post_message(SearchTold(number))

        gc.collect(1)
        gc.freeze()
        self.run_call("search", lambda: search.run(tell), lambda summary: SearchEnded(number, summary))
        self.query_one("#progress").display = True
        self.describe()

    @on(SearchTold)
    def search_told(self, told: SearchTold) -> None:
        """Show the news of the search in flight, only while this screen is shown, at most every ``REDRAW``."""
        if told.search != self.searches or not self.is_active:
            return
        wait = self.drawn_at + REDRAW - time.monotonic()
        if wait > 0:
            if self.redraw is None:
                self.redraw = self.set_timer(wait, self.take_news)
            return
        self.take_news()

    @on(events.ScreenResume)
    def news_while_away(self) -> None:
        """What a search told while another screen covered this one is shown now."""
        self.take_news()

    def take_news(self) -> None:
        self.redraw = None
        tidings = self.tidings
        if tidings is None or tidings.search != self.searches:
            return
        taken = tidings.take()
        if not taken:
            return
        finding = self.client.finding
        if finding is not None:
            self.schema = finding.api.trunks
        added = [found for searched in taken for found in searched.found]
        self.failures.extend(searched.failure for searched in taken if searched.failure is not None)
        last = taken[-1]
        progress = self.progress
        progress.reached = last.done
        if last.total is not None and progress.total is None:
            progress.total = last.total
        self.found.extend(added)
        self.mark_again(added)
        if added:
            self.widths = [max(old, new) for old, new in
                           zip(self.widths, self.grid.measure(added), strict=True)]
            self.show_rows()
        self.drawn_at = time.monotonic()
        self.describe()

    @on(SearchEnded)
    def search_ended(self, ended: SearchEnded) -> None:
        if ended.search != self.searches:
            return
        self.take_news()
        summary, progress = ended.summary, self.progress
        self.search = self.tidings = None
        progress.reached = summary.searched
        progress.trunks += summary.trunks
        progress.stopped = summary.stopped
        progress.unsearched = summary.unsearched
        if not summary.stopped and progress.total is None:
            progress.total = progress.done
        if not summary.stopped and not retryable(self.failures) and progress.whole:
            self.dropped = len(self.held)
            self.held.clear()
        self.describe()

    @on(CallFailed)
    def call_failed(self, failed: CallFailed) -> None:
        """A refused login after the accounts were listed stops the search as Escape does, so that it can go on
        (``AppScreen.login_refused`` asks for the password); any other failure of a search is one to list the
        accounts."""
        if failed.purpose == "search":
            search = self.search
            self.take_news()
            self.search = self.tidings = None
            if isinstance(failed.error, AuthError) and search is not None and search.total is not None:
                self.refused(search)
            else:
                self.progress.trouble = failed.error
            self.describe()
        elif failed.purpose == "open":
            self.query_one(StatusLine).fault(f"Cannot open the trunk: {failed.error}")
        elif failed.purpose == "reread":
            self.query_one(StatusLine).fault(f"Saved, but the trunk could not be read again: {failed.error}")
        elif failed.purpose == "refresh":
            self.query_one(StatusLine).fault(f"The changed trunks could not be read again: {failed.error}")

    def refused(self, search: Search) -> None:
        """The search in flight was stopped by a refused login: what it did not reach is left to search."""
        summary, progress = search.summary, self.progress
        progress.reached = summary.searched
        progress.trunks += summary.trunks
        progress.stopped = progress.refused = True
        progress.unsearched = summary.unsearched
        if progress.total is None:
            progress.total = search.total

    def reload(self) -> None:
        """A new password: a search the refusal stopped goes on, one that could not list the accounts starts
        again; the status line says the new password is in use."""
        progress = self.progress
        if not self.running and (progress.trouble is not None or progress.refused):
            self.action_more()
            self.progress.new_password = self.running
            self.describe()

    def show_rows(self) -> None:
        grid = self.grid
        grid.show(list(self.found), self.widths, cursor=max(grid.cursor_row, 0))

    def describe(self) -> None:
        """Say where the search stands: the progress bar, the status line and the failures under the matches."""
        progress, matches, key = self.progress, len(self.found), self.retry_key()
        bar = self.query_one("#progress", ProgressBar)
        if self.search is not None:
            bar.update(total=progress.total, progress=progress.done)
            stopping = self.search.stopped
            self.query_one(StatusLine).busy("Stopping the search…" if stopping else searching_line(progress, matches))
        elif self.query_shown is not None:
            bar.update(total=progress.total or max(progress.done, 1), progress=progress.done)
            line = ended_line(progress, matches, len(self.failures), key)
            if self.dropped:
                line += f" · {counted(self.dropped, 'marked trunk')} not found again: unmarked"
            status = self.query_one(StatusLine)
            if progress.trouble is not None or progress.refused:
                status.fault(line)
            else:
                status.show(line)
        failures = self.query_one("#failures", Static)
        failures.update(Text(failures_line(self.failures, self.running, key)))
        failures.display = bool(self.failures)
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        """The key that searches on is named for where the focus is (``r``, or F5 in a box)."""
        if self.query_shown is not None:
            self.describe()

    # --- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape stops a search in flight, else goes back; ``r`` is offered only when there is more to search,
        F only when some accounts could not be read."""
        if action in MARKING:
            return self.can_mark(action)
        if action == "stop":
            return self.running
        if action == "back":
            return not self.running
        if action == "more":
            return self.can_go_on()
        if action == "failures":
            return bool(self.failures)
        return True

    def can_go_on(self) -> bool:
        progress = self.progress
        return not self.running and self.query_shown is not None and (
            bool(retryable(self.failures)) or bool(progress.unsearched) or progress.stopped
            or progress.trouble is not None)

    def action_stop(self) -> None:
        """Stop the search (its calls in flight are cut off, and what it found stays shown), and the opening
        of a trunk."""
        self.stop_opening()
        if self.search is not None:
            self.search.stop()
            self.describe()

    def action_back(self) -> None:
        """Escape stops the opening of a trunk; in the query box holding text it clears it; otherwise it goes
        back to where the search was opened from."""
        if self.stop_opening():
            self.query_one(StatusLine).show("Stopped opening the trunk.")
            return
        box = self.query_box
        if self.focused is box and box.value:
            box.value = ""
            return
        self.keep()
        self.dismiss()

    def keep(self) -> None:
        """Leave this search in the session's context, for the next search screen to show as it is."""
        query = self.query_shown
        if query is None:
            return
        field_choice = self.query_one("#field", Select).value
        self.context.kept.search = LastSearch(
            self.query_box.value, field_choice if isinstance(field_choice, str) else query.field, query, self.found,
            self.failures, self.progress, self.marks, self.held, self.dropped, self.schema, self.widths,
            self.grid.cursor_row)

    def stop_opening(self) -> bool:
        """Give up reading a trunk to open (or to show again); say whether one was being read.

        Only those calls: the search's own go on (its connections are its own, so this one is replaced
        under the read, as ``stop_waiting`` does).
        """
        waiting = self.calls_in_flight("open", "reread")
        for worker in waiting:
            worker.cancel()
        if waiting:
            self.client.reconnect()
        return bool(waiting)

    def action_more(self) -> None:
        """Search what is left: the accounts a stop did not reach and those that could not be read, adding to
        the matches. With no whole list of accounts to go on from, the search starts again."""
        query = self.query_shown
        if query is None or not self.can_go_on():
            return
        progress = self.progress
        if not progress.whole:
            self.hold_marks()
            self.found, self.failures, self.progress = [], [], Progress()
            self.widths = [0] * len(COLUMNS)
            self.show_rows()
            self.begin(query)
            return
        retried = retryable(self.failures)
        accounts = [failure.account for failure in retried] + progress.unsearched
        progress.before = progress.done - len(retried)
        self.failures = [failure for failure in self.failures if not failure.retryable]
        self.begin(query, accounts)

    def action_failures(self) -> None:
        options = [(str(place), Text(f"{account_text(failure.account)}: {printable(failure.error, 300)}"))
                   for place, failure in enumerate(self.failures)]
        if options:
            title = f"{counted(len(options), 'account')} could not be read · Escape closes"
            self.open(ChoiceScreen(title, options))

    def action_focus_query(self) -> None:
        self.set_focus(self.query_box)

    def action_to_results(self) -> None:
        self.set_focus(self.grid)

    def on_key(self, event: events.Key) -> None:
        """``/`` and the text typed after it in one burst land in the query box, not in the results' keys."""
        self.keys_of_a_burst(event, {"slash": self.action_focus_query})

    @on(Grid.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    @on(Grid.Highlighted, "#results")
    def show_detail(self) -> None:
        grid = self.grid
        detail = self.query_one("#detail", Static)
        detail.display = grid.cursor_row >= 0
        if detail.display:
            detail.update(detail_text(grid.rows[grid.cursor_row], self.schema))

    def action_open(self) -> None:
        """Read the highlighted match's trunk from the switch, then show it; Enter again meanwhile is ignored."""
        grid = self.grid
        if not self.is_active or grid.cursor_row < 0 or self.calls_in_flight("open"):
            return
        found = grid.rows[grid.cursor_row]
        client, i_trunk = self.client, found.trunk.i_trunk
        self.query_one(StatusLine).busy(
            f"Opening trunk {printable(i_trunk)} {printable(found.trunk.name, 60)}…")
        self.run_call("open", lambda: client.get_trunk(i_trunk), lambda trunk: TrunkRead(found, trunk, False))

    @on(TrunkRead)
    def trunk_read(self, read: TrunkRead) -> None:
        from trunktui.tui.screens.trunk import TrunkScreen

        found = read.found
        if read.reread:
            self.refresh_row(found, read.trunk)
            return
        self.describe()
        screen = TrunkScreen(self.context, found.account.i_account, trunk=read.trunk)
        screen.sub_title = f"account {account_text(found.account)}"

        def returned(saved: int | None) -> None:
            if saved is not None:
                client = self.client
                self.run_call("reread", lambda: client.get_trunk(saved),
                              lambda trunk: TrunkRead(found, trunk, True))

        self.open(screen, returned)

    def refresh_row(self, old: Found, trunk: Trunk) -> None:
        """A trunk saved from its screen: its row shows it as it is now, or goes if it no longer matches."""
        query = self.query_shown
        if query is None:
            return
        unlisted = self.renew([(old, trunk)])
        if unlisted:
            self.query_one(StatusLine).show(f"Trunk {printable(trunk.i_trunk)} no longer matches "
                                            f"{quoted(query.text, 40)}: it is no longer listed.")

    def renew(self, read: Sequence[tuple[Found, Trunk | None]]) -> int:
        """Show each found trunk as read now (None: gone from the switch), its mark holding it so; one that is
        gone or no longer matches loses its row and its mark. How many rows went."""
        query = self.query_shown
        places = {id(found): place for place, found in enumerate(self.found)}
        gone: set[int] = set()
        for old, trunk in read:
            place = places.get(id(old))
            if query is None or place is None:
                continue
            hit = None if trunk is None else query.hit(trunk, self.schema)
            if trunk is None or hit is None:
                gone.add(place)
                self.marks.unmark([old.trunk])
                continue
            self.found[place] = Found(old.account, trunk, hit)
            if old.trunk in self.marks:
                self.marks.mark([trunk])
        if gone:
            self.found = [found for place, found in enumerate(self.found) if place not in gone]
        self.widths = self.grid.measure(self.found)
        self.show_rows()
        self.show_marks()
        self.describe()
        return len(gone)

    # --- marks ----------------------------------------------------------------------

    def can_mark(self, action: str) -> bool:
        """The matches' keys act only from the matches (in a box they type); those that change trunks only on
        a connection that may, and on marked trunks (``need_marks`` says to mark some first)."""
        focused = self.focused
        if focused is not None and any(node.has_class("toolbar") for node in focused.ancestors_with_self):
            return False
        return self.marking_allowed(action)

    def hold_marks(self) -> None:
        """A new search: the marks are held aside, each to come back as its trunk is found again."""
        self.held.mark(self.marks.trunks())
        self.marks.clear()
        self.dropped = 0
        self.show_marks()

    def mark_again(self, added: Sequence[Found]) -> None:
        """Marked trunks found again by the search in flight are marked, as read now."""
        again = [found.trunk for found in added if found.trunk in self.held]
        if again:
            self.held.unmark(again)
            self.marks.mark(again)
            self.show_marks(tell=False)

    NOTHING_SHOWN = "Nothing to mark: no match is shown."
    CANNOT_MARK = "its id or its account's is not a whole number"
    CANNOT_MARK_SOME = ("its id or its account is", "their ids or accounts are")

    def highlighted(self) -> Trunk | None:
        grid = self.grid
        if grid.cursor_row < 0:
            self.notify(self.NOTHING_SHOWN, severity="warning")
            return None
        return grid.rows[grid.cursor_row].trunk

    def shown_trunks(self) -> list[Trunk]:
        return [found.trunk for found in self.grid.rows]

    def clear_marks(self) -> bool:
        """Unmark every trunk, those held aside for a new search to find again too."""
        if not self.marks and not self.held:
            return False
        self.marks.clear()
        self.held.clear()
        return True

    def may_send(self) -> bool:
        return not self.refreshing()

    def refreshing(self) -> bool:
        """Whether the trunks of the last change are still being read again; if so, says to wait: the marks
        would send the trunks as they were before it, and every one would be a conflict."""
        if self.calls_in_flight("refresh"):
            self.notify("The trunks just changed are being read again: a moment.", severity="warning")
            return True
        return False

    def changed_many(self, ids: list[int] | None) -> None:
        """Back from a change to many trunks (or their deletion): the rows of those it reached, or may have,
        are read again."""
        if not ids:
            return
        reached = set(ids)
        found = [found for found in self.found if found.trunk.i_trunk in reached]
        query = self.query_shown
        if not found or query is None:
            return
        client, concurrency = self.client, self.session.concurrency
        connections = query.in_connections(self.schema)
        self.query_one(StatusLine).busy(f"Reading {counted(len(found), 'changed trunk')} again…")
        self.run_call("refresh", lambda: read_again(client, found, connections=connections, concurrency=concurrency),
                      TrunksReadAgain)

    @on(TrunksReadAgain)
    def read_again_done(self, done: TrunksReadAgain) -> None:
        """Each changed trunk's row shows it as it is now; the status line says which went, and why."""
        query = self.query_shown
        if query is None:
            return
        listed = {id(found) for found in self.found}
        results = [result for result in done.results if id(result.found) in listed]
        if not results:
            return
        unread = [result for result in results if result.error is not None]
        gone = sum(result.gone for result in results)
        unmatched = sum(result.trunk is not None and query.hit(result.trunk, self.schema) is None
                        for result in results)
        kept = len(results) - len(unread) - gone - unmatched
        self.renew([(result.found, result.trunk) for result in results if result.error is None])
        parts = [f"{counted(kept, 'changed trunk')} shown as read again"] if kept else []
        if unmatched:
            parts.append(f"{counted(unmatched, 'trunk')} no longer {'matches' if unmatched == 1 else 'match'} "
                         f"{quoted(query.text, 40)}: no longer listed")
        if gone:
            parts.append(f"{counted(gone, 'trunk')} no longer on the switch: no longer listed")
        if unread:
            parts.append(f"{counted(len(unread), 'trunk')} could not be read again: "
                         f"{printable(unread[0].error, 120)}")
        line = " · ".join(parts)
        status = self.query_one(StatusLine)
        if unread:
            status.fault(line)
        else:
            status.show(line)
