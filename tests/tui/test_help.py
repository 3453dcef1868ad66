"""Help (F1) is complete and compact: every key of every screen, and what types into a box instead.

Its rows come from the bindings themselves, read when help opens; these
tests read help as rendered, so a key left out, or lost in the layout, is
caught. At 80x24 a page shows several screens' keys.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Static

from tests.tui.driving import WHOLESALE, open_account, rendered, settle
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
from trunktui.tui.screens.help import KEY_WIDTH, HelpScreen, binding_keys
from trunktui.tui.screens.password import PasswordScreen
from trunktui.tui.screens.search import SearchScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen

SMALL = (80, 24)
SECTIONS = {
    TrunkApp: "Everywhere",
    AccountsScreen: "Account picker",
    TrunksScreen: "Trunk table",
    SearchScreen: "Search of every account",
    Grid: "Every table",
    TrunkScreen: "Trunk and connection forms",
    ConnectionScreen: "Trunk and connection forms",
    ConnectionTable: "A trunk's connections",
    Question: "Dialogs",
    ChoiceScreen: "Dialogs",
    ExportScreen: "Dialogs",
    PasswordScreen: "Dialogs",
    BulkEditScreen: "Changes to many trunks",
    PreviewScreen: "Changes to many trunks",
    SendingScreen: "Changes to many trunks",
    AuditScreen: "Audit trail",
    HelpScreen: "Help",
}
"""Every class that binds keys, and the part of help that lists them."""


def as_text(widget: Static) -> str:
    console = Console(file=io.StringIO(), width=76, color_system=None)
    console.print(widget.content)
    return console.file.getvalue()  # type: ignore[attr-defined]


async def help_sections(pilot: Pilot[None]) -> dict[str, str]:
    """Help opened from the first screen, each part as rendered text, by its title (the first line)."""
    await settle(pilot)
    await pilot.press("f1")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    texts = [as_text(static) for static in screen.query(Static)]
    return {text.splitlines()[0].strip(): text for text in texts[1:]}


def keys_listed(text: str) -> set[str]:
    """The keys in the key column of a part of help."""
    return {key.strip() for line in text.splitlines()[1:] for key in line[:KEY_WIDTH].split(", ") if key.strip()}


@pytest.mark.parametrize("owner", SECTIONS, ids=lambda owner: owner.__name__)
async def test_every_binding_is_in_help(app: TrunkApp, owner: type) -> None:
    async with app.run_test(size=SMALL) as pilot:
        sections = await help_sections(pilot)
        title = next(title for title in sections if title.startswith(SECTIONS[owner]))
        listed = keys_listed(sections[title])
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            missing = [name for name in binding_keys(binding) if name not in listed]
            assert not missing, f"{owner.__name__}: {binding.action} on {missing} is not in help's {title!r}"


async def test_help_says_what_types_into_a_box_and_how_to_quit(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        sections = await help_sections(pilot)
        flat = {title: " ".join(text.split()) for title, text in sections.items()}
        for title in ("Account picker", "Trunk table", "Search of every account", "Trunk and connection forms",
                      "Dialogs"):
            assert "type" in flat[title], f"{title}: nothing says which keys type into a box"
        assert "Revert" in flat["Trunk and connection forms"]
        assert "Quit, after asking (Ctrl+Q quits at once)" in flat["Trunk table"]
        assert "Quit, after asking (Ctrl+Q quits at once)" in flat["Account picker"]
        assert "Ctrl+Q Quit at once" in flat["Everywhere"]


async def test_a_page_of_help_at_80x24_shows_several_screens(app: TrunkApp) -> None:
    """No ruled border per row: the first page reaches from the keys that work everywhere to the trunk table."""
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        await pilot.press("f1")
        text = await rendered(pilot, "Everywhere", "Account picker", "Trunk table")
        assert "│" not in text and "─" not in text


async def test_help_lists_each_key_of_a_part_once_and_says_how_to_switch_profile(app: TrunkApp) -> None:
    """Dialogs share Escape to cancel: one row says so. How to switch profile and open the audit trail is said."""
    async with app.run_test(size=SMALL) as pilot:
        sections = await help_sections(pilot)
        for title, text in sections.items():
            rows = [" ".join(line.split()) for line in text.splitlines()[1:] if line.strip()]
            repeated = {row for row in rows if rows.count(row) > 1}
            assert not repeated, f"{title}: {repeated} listed more than once"
        everywhere = " ".join(sections["Everywhere"].split())
        assert "Ctrl+P" in everywhere and "\"Profile: …\" switches" in everywhere, everywhere
        assert "Ctrl+P, Audit trail opens it" in " ".join(sections["Audit trail"].split())


async def test_help_lists_the_keys_of_a_trunks_connections(app: TrunkApp) -> None:
    """Add, delete and move (Shift+arrows or the brackets) in a 2022+ trunk's connection list, and what Enter opens."""
    async with app.run_test(size=SMALL) as pilot:
        sections = await help_sections(pilot)
    text = " ".join(sections["A trunk's connections (2022+)"].split())
    for row in ("a Add a connection", "d, Del Delete the highlighted connection",
                "⇧↑, [ Move the highlighted connection one place up",
                "⇧↓, ] Move the highlighted connection one place down", "Enter opens a connection"):
        assert row in text, text
