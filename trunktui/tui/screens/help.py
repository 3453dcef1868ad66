"""The help screen (F1 or ?): every screen's keys, pattern syntax and how values are shown.

The key tables are made from the screens' own bindings, so a key, its
footer text, its help row and its palette entry are declared once.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from trunktui.tui.base import Dialog

KEY_NAMES = {"question_mark": "?", "slash": "/", "ctrl": "Ctrl", "shift": "Shift"}

EVERYWHERE = """\
| Ctrl+P | command palette: every action by name |
| Escape | back, or close a dialog (Cancel) |
| Tab, Shift+Tab | move between boxes, tables and buttons |
"""

ACCOUNTS = """\
Type to filter by username, description or id. Type an account id and
press Enter to open it even if it is not loaded yet. ★ marks recently used
accounts; more accounts load as you scroll down.
"""

PATTERNS = """\
**Name patterns** use SQL LIKE: `%` matches any run of characters, `_`
exactly one, and `\\` makes the next character literal (`tel\\_%`).
Matching may be case-sensitive, as the switch decides.
"""

FORM = """\
A field's label turns orange once you change it, and red marks a value
that cannot be sent, with the reason under it.

**NULL** is shown in dim italics and differs from an empty value: tick the
NULL box of a field to send NULL (for a capacity or CPS limit, NULL means no
limit). Numbers appear exactly as the switch sent them. Characters that
cannot be shown safely appear as visible stand-ins such as `␛`.
"""


def key_name(key: str) -> str:
    """``ctrl+s`` as Ctrl+S, ``f5`` as F5, ``question_mark`` as ?."""
    *modifiers, last = key.split("+")
    names = [KEY_NAMES.get(modifier, modifier.title()) for modifier in modifiers]
    if last in KEY_NAMES:
        names.append(KEY_NAMES[last])
    elif len(last) == 1:
        names.append(last.upper() if modifiers else last)
    else:
        names.append(last.title())
    return "+".join(names)


def key_rows(bindings: Iterable[BindingType]) -> str:
    """A Markdown table row per action: its keys, and what it does (tooltip, else description)."""
    keys: dict[str, list[str]] = {}
    does: dict[str, str] = {}
    for binding in bindings:
        if not isinstance(binding, Binding) or binding.action.startswith("app.focus"):
            continue
        keys.setdefault(binding.action, []).append(binding.key_display or key_name(binding.key))
        if binding.tooltip or binding.action not in does:
            does[binding.action] = binding.tooltip or binding.description
    return "".join(f"| {', '.join(keys[action])} | {does[action]} |\n" for action in keys if does[action])


def help_text() -> str:
    from trunktui.tui.app import TrunkApp
    from trunktui.tui.screens.accounts import AccountsScreen
    from trunktui.tui.screens.trunk import TrunkScreen
    from trunktui.tui.screens.trunks import TrunksScreen

    table = "| Key | Does |\n|---|---|\n"
    return "\n".join([
        "**trunktui help** · Escape or F1 closes it · ↑ ↓ PgUp PgDn scroll\n",
        "## Everywhere", table + key_rows(TrunkApp.BINDINGS) + EVERYWHERE,
        "## Accounts", ACCOUNTS, table + key_rows(AccountsScreen.BINDINGS),
        "## Trunks", table + key_rows(TrunksScreen.BINDINGS), PATTERNS,
        "## Trunk form", table + key_rows(TrunkScreen.BINDINGS), FORM,
    ])


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("f1", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="frame"):
            yield Markdown(help_text())
