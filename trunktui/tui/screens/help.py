"""The help screen (F1 or ?): keys, pattern syntax and how values are shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
**trunktui help** · Escape or F1 closes it · ↑ ↓ PgUp PgDn scroll

## Everywhere
| Key | Does |
|---|---|
| F1, ? | this help |
| Ctrl+P | command palette: every action by name |
| Escape | back, or close a dialog (Cancel) |
| q, Ctrl+Q | quit (q only where no text box has the focus) |
| Tab, Shift+Tab | move between boxes, tables and buttons |

## Accounts
Type to filter by username, description or id. Type an account id and
press Enter to open it even if it is not loaded yet. ★ marks recently used
accounts; more accounts load as you scroll down.

## Trunks
| Key | Does |
|---|---|
| Enter | open the trunk |
| n / c | new trunk / clone the selected one |
| d, Delete | delete (asks first; Cancel is the default) |
| p | name pattern, sent to the switch |
| / | quick filter over the loaded rows |
| s | sort by a column (again to reverse) |
| y | copy the id, name or destination (works over SSH) |
| x | export the visible rows as CSV or JSON |
| r, F5 | refresh |

**Name patterns** use SQL LIKE: `%` matches any run of characters, `_`
exactly one, and `\\` makes the next character literal (`tel\\_%`).
Matching may be case-sensitive, as the switch decides.

## Trunk form
| Key | Does |
|---|---|
| Ctrl+S | save: shows old → new, then sends only the changed fields |
| Ctrl+R | show or hide passwords |
| Escape | back (asks first if there are unsaved changes) |

A field's label turns orange once you change it, and red marks a value
that cannot be sent, with the reason under it.

**NULL** is shown in dim italics and differs from an empty value: tick the
NULL box of a field to send NULL (for a capacity or CPS limit, NULL means no
limit). Numbers appear exactly as the switch sent them. Characters that
cannot be shown safely appear as visible stand-ins such as `␛`.
"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 100%; height: 90%; border: thick $primary; background: $panel;
    }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("f1", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP)
