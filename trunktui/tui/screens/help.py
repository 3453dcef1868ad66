"""The help screen (F1 or ?): every screen's keys, what types into a box, pattern syntax and NULL.

The key rows are made from the screens' own bindings, read when help
opens, so a key, its footer text, its help row and its palette entry are
declared once. Rows are plain two-column lines without rules, so that at
80x24 a page holds several screens' keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from trunktui.tui.base import Dialog

KEY_NAMES = {"question_mark": "?", "slash": "/", "ctrl": "Ctrl", "shift": "Shift", "up": "↑", "down": "↓",
             "left": "←", "right": "→", "pageup": "PgUp", "pagedown": "PgDn", "escape": "Escape",
             "enter": "Enter", "delete": "Del", "left_square_bracket": "[", "right_square_bracket": "]"}
KEY_WIDTH = 16

ACTION_WORDS = {
    "select": "Open the highlighted row",
    "cursor": "Up or down a row",
    "page": "Up or down a page",
    "first": "To the first row",
    "last": "To the last row",
    "step": "To the next button, round and round",
    "read_only": "On a read-only connection: says why nothing changes",
    "to_table": "From a box to the table",
    "search": "Find trunks in every account by name, address or text",
    "to_results": "From the query box to the matches",
    "need_marks": "With no trunk marked: says how to mark some",
}
"""What keys that carry no words, or only a footer's one word, do."""

EVERYWHERE = [
    ("Ctrl+P", "command palette: actions by name; \"Profile: …\" switches"),
    ("Tab, Shift+Tab", "move between boxes, tables and buttons"),
]

PICKER_TYPING = ("In the filter box letters and digits type (q, r and f too); Enter opens, ↓ goes to the list, "
                 "Escape clears the filter, F5 refreshes. Accounts load in the background (Escape stops it); "
                 "the filter covers those loaded, and an exact username or id not loaded yet is looked up. "
                 "★ marks recent accounts.")
TABLE_TYPING = ("In the pattern and filter boxes every letter types (n, c, d, e, q, r, u, Space and * too): Enter "
                "applies the pattern and stays in the box, ↓ or Escape goes to the table, F5 still refreshes.")
MARKING = ("Marks stay with their trunks through filtering, sorting, scrolling and reloading; a reload or a new "
           "pattern unmarks the trunks no longer listed, and the status line says how many. While any trunk is "
           "marked, e and d act on the marked trunks, after a preview.")
PATTERNS = ("Name patterns use SQL LIKE: % matches any run of characters, _ exactly one, and \\ makes the "
            "next character literal (tel\\_%). Matching may be case-sensitive, as the switch decides. "
            "The quick filter narrows the loaded rows without asking the switch.")
SEARCH_TYPING = ("f on the account picker, or Ctrl+P, Search every account…, opens it, showing the last search "
                 "as it was left. In the query box every letter types (r, q, F, e, d, u, Space and * too): Enter "
                 "searches every account, ↓ goes to the matches, F5 searches on. Stand-ins (␉) search for the "
                 "characters they stand for; a name with % is a LIKE pattern the switch matches, maybe "
                 "case-sensitively. "
                 "Matches show as accounts are read; the part that matched is highlighted, and the line under them "
                 "shows the highlighted one whole. Escape stops a search (as a refused login does) and keeps what "
                 "it found; r then searches the accounts left, and those that could not be read (not those with "
                 "no id trunktui can send).")
SEARCH_MARKING = ("Marked matches may be of many accounts; e and d act on all of them, after a preview, and their rows "
                  "are read again after. A new search keeps the marks of the trunks it finds again, and once it has "
                  "read every account unmarks the others and says how many.")
FORM_TYPING = ("In a text box every letter types (r too); Ctrl+S, Ctrl+R, F5 and Escape still work, Space "
               "ticks a switch or NULL box. The Revert button (or Ctrl+P, Revert changes) puts back the "
               "values read from the switch.")
FORM = ("A changed field's label turns orange; red marks a value that cannot be sent, with the reason "
        "under it. NULL is shown in dim italics and differs from an empty value: tick a field's NULL box "
        "to send NULL (for a capacity or CPS limit, NULL means no limit). Characters that cannot be shown "
        "safely appear as stand-ins such as ␛.")
DIALOG_TYPING = ("The focused button is what Enter does; for anything destructive that is Cancel. In a "
                 "dialog's text box (a production delete, an export path) letters type, and Enter there "
                 "confirms.")

CONNECTIONS = ("On a 2022+ switch a trunk's form lists its connections, top to bottom as calls try them; "
               "these keys work in that list. Enter opens a connection in a form of its own, with the trunk "
               "form's keys.")

AUDIT = "Ctrl+P, Audit trail opens it: the latest creates, edits and deletes, failed ones too."
BULK = ("Setting fields on many trunks: tick a field (Space), or edit it, to set it on every trunk; only ticked "
        "fields are sent, and each trunk keeps its other values. The preview shows each trunk's value now → after "
        "and sends nothing until confirmed (Cancel is the default; a production switch asks for the number of "
        "trunks). A trunk changed on the switch since it was read is skipped and listed as a conflict.")


@dataclass(frozen=True)
class Section:
    """One screen's part of help: its key rows and notes."""

    title: str
    rows: Sequence[tuple[str, str]]
    notes: Sequence[str] = ()

    def render(self) -> RenderableType:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, min_width=KEY_WIDTH, style="bold")
        table.add_column(overflow="fold")
        for keys, does in self.rows:
            table.add_row(Text(keys), Text(does))
        parts: list[RenderableType] = [Text(self.title, style="bold reverse"), table]
        parts.extend(Text(note, style="italic") for note in self.notes)
        return Group(*parts, Text(""))


def key_name(key: str) -> str:
    """``ctrl+s`` as Ctrl+S, ``f5`` as F5, ``question_mark`` as ?, ``down`` as ↓."""
    *modifiers, last = key.split("+")
    names = [KEY_NAMES.get(modifier, modifier.title()) for modifier in modifiers]
    if last in KEY_NAMES:
        names.append(KEY_NAMES[last])
    elif len(last) == 1:
        names.append(last.upper() if modifiers else last)
    else:
        names.append(last.title())
    return "+".join(names)


def binding_keys(binding: Binding) -> list[str]:
    """A binding's keys as help names them; a ``key_display`` stands for the first (the footer shows that one)."""
    names = [key_name(key.strip()) for key in binding.key.split(",")]
    return [binding.key_display, *names[1:]] if binding.key_display else names


def key_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """A row per action: its keys, and what it does.

    What it does is the binding's tooltip, else the words ``ACTION_WORDS``
    has for it, else its description, else the action's own name. Without
    a tooltip, one action's variants share a row (``cursor(-1)`` and
    ``cursor(1)``: up or down a row); with one, each has its own.
    """
    keys: dict[str, list[str]] = {}
    does: dict[str, str] = {}
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        shown = binding_keys(binding)
        name = binding.action.split("(")[0]
        row = binding.action if binding.tooltip else name
        listed = keys.setdefault(row, [])
        listed.extend(key for key in shown if key not in listed)
        said = binding.tooltip or ACTION_WORDS.get(name) or binding.description or name.replace("_", " ")
        if binding.tooltip or row not in does:
            does[row] = said
    return [(", ".join(keys[row]), does[row]) for row in keys]


def sections() -> list[Section]:
    from trunktui.tui.app import TrunkApp
    from trunktui.tui.grid import Grid
    from trunktui.tui.screens.accounts import AccountsScreen
    from trunktui.tui.screens.audit import AuditScreen
    from trunktui.tui.screens.bulk import BulkEditScreen
    from trunktui.tui.screens.bulk_send import PreviewScreen, SendingScreen
    from trunktui.tui.screens.choose import ChoiceScreen
    from trunktui.tui.screens.confirm import Question
    from trunktui.tui.screens.connection import ConnectionScreen, ConnectionTable
    from trunktui.tui.screens.export import ExportScreen
    from trunktui.tui.screens.password import PasswordScreen
    from trunktui.tui.screens.search import SearchScreen
    from trunktui.tui.screens.trunk import TrunkScreen
    from trunktui.tui.screens.trunks import TrunksScreen

    return [
        Section("Everywhere", [*key_rows(TrunkApp.BINDINGS), *EVERYWHERE]),
        Section("Account picker", key_rows(AccountsScreen.BINDINGS), [PICKER_TYPING]),
        Section("Trunk table", key_rows(TrunksScreen.BINDINGS), [TABLE_TYPING, PATTERNS, MARKING]),
        Section("Search of every account", key_rows(SearchScreen.BINDINGS), [SEARCH_TYPING, SEARCH_MARKING]),
        Section("Every table (accounts, trunks, search, audit trail)", key_rows(Grid.BINDINGS)),
        Section("Trunk and connection forms", key_rows([*TrunkScreen.BINDINGS, *ConnectionScreen.BINDINGS]),
                [FORM_TYPING, FORM]),
        Section("A trunk's connections (2022+)", key_rows(ConnectionTable.BINDINGS), [CONNECTIONS]),
        Section("Dialogs", key_rows([*Question.BINDINGS, *ChoiceScreen.BINDINGS, *ExportScreen.BINDINGS,
                                     *PasswordScreen.BINDINGS]), [DIALOG_TYPING]),
        Section("Changes to many trunks", key_rows([*BulkEditScreen.BINDINGS, *PreviewScreen.BINDINGS,
                                                    *SendingScreen.BINDINGS]), [BULK]),
        Section("Audit trail", key_rows(AuditScreen.BINDINGS), [AUDIT]),
        Section("Help", key_rows(HelpScreen.BINDINGS)),
    ]


class HelpScreen(Dialog[None]):
    """Every key, over the whole screen."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("f1", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="frame"):
            yield Static(Text("trunktui help · Escape or F1 closes · ↑ ↓ PgUp PgDn scroll\n", style="bold"))
            for section in sections():
                yield Static(section.render())
