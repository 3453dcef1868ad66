"""Every footer fits 80 columns, in every state of every screen: F1 Help is always seen, no key is cut.

A footer that overflows loses its last keys silently, and F1 Help comes
last; keys that do not fit are hidden from the footer (they stay in help
and the palette). Each state is reached at 80x24 as an operator would,
and the footer line is read as rendered: every key the footer holds must
be there whole, with its words. A dialog shows its own keys, never those
of the screen under it, and Enter is offered as Open only where it opens
a row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.conftest import Sim
from tests.tui.driving import (
    WHOLESALE,
    failing_account,
    make_app,
    open_account,
    open_trunk,
    replace_text,
    screen_text,
    settle,
    start,
    until,
)
from trunktui.simulator import FailMode
from trunktui.tui.app import TrunkApp
from trunktui.tui.base import Dialog
from trunktui.tui.screens.bulk import open_bulk_edit

SMALL = (80, 24)
Steps = Callable[[Pilot[None], Sim], Awaitable[None]]


def footer_of(app: TrunkApp) -> Footer | None:
    """The footer seen now: the top screen's own; a dialog has one too, over the footer of the screen under it."""
    footers = app.screen.query(Footer)
    return footers.first() if footers else None


def footer_line(app: TrunkApp) -> str:
    return screen_text(app).splitlines()[-1]


def whole_keys(app: TrunkApp) -> tuple[list[str], list[str]]:
    """The footer's keys as ``key words``, and those of them the rendered footer line lacks."""
    keys = []
    footer = footer_of(app)
    for key in footer.query(FooterKey) if footer else ():
        words = f"{key.key_display} {key.description}".strip()
        keys.append(words)
    line = footer_line(app)
    return keys, [words for words in keys if words not in line]


# --- the states ----------------------------------------------------------------------


async def picker_list(pilot: Pilot[None], sim: Sim) -> None:
    await start(pilot)
    await pilot.press("down")


async def picker_filter(pilot: Pilot[None], sim: Sim) -> None:
    await start(pilot)
    await pilot.press("slash", "a")


async def picker_loading(pilot: Pilot[None], sim: Sim) -> None:
    await start(pilot)
    sim.server.knobs.latency = 2.0
    await pilot.press("down", "r")


async def picker_failed(pilot: Pilot[None], sim: Sim) -> None:
    await start(pilot)
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, 1
    await pilot.press("down", "r")
    await settle(pilot)


async def table(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)


async def table_pattern(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("p", *"tel")


async def table_quick(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("slash", *"tel")


async def table_empty(pilot: Pilot[None], sim: Sim) -> None:
    for trunk in sim.store.list_trunks(3):
        sim.store.delete_trunk(1, trunk["i_trunk"])
    await open_account(pilot, "acme-lab")


async def table_loading(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    sim.server.knobs.latency = 2.0
    await pilot.press("r")


async def table_opening(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    sim.server.knobs.latency = 2.0
    await pilot.press("enter")


async def form(pilot: Pilot[None], sim: Sim) -> None:
    screen = await open_account(pilot, WHOLESALE)
    await open_trunk(pilot, screen.trunks[0].i_trunk)


async def form_edited(pilot: Pilot[None], sim: Sim) -> None:
    await form(pilot, sim)
    await replace_text(pilot, "edited", field="description", pasted=True)


async def form_revealed(pilot: Pilot[None], sim: Sim) -> None:
    await form(pilot, sim)
    await pilot.press("ctrl+r")


async def form_new(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("n")
    await settle(pilot)


async def form_vanished(pilot: Pilot[None], sim: Sim) -> None:
    screen = await open_account(pilot, WHOLESALE)
    trunk = screen.trunks[0]
    await open_trunk(pilot, trunk.i_trunk)
    sim.store.delete_trunk(screen.i_account, trunk.i_trunk)
    await replace_text(pilot, "edited", field="description", pasted=True)
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.screen.vanished  # type: ignore[attr-defined]


async def dialog_delete(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("d")


async def dialog_save(pilot: Pilot[None], sim: Sim) -> None:
    await form_edited(pilot, sim)
    await pilot.press("ctrl+s")


async def dialog_discard(pilot: Pilot[None], sim: Sim) -> None:
    await form_edited(pilot, sim)
    await pilot.press("escape")


async def dialog_quit(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("q")


async def dialog_sort(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("s")


async def dialog_export(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("x")


async def help_screen(pilot: Pilot[None], sim: Sim) -> None:
    await open_account(pilot, WHOLESALE)
    await pilot.press("f1")


async def search(pilot: Pilot[None], sim: Sim) -> None:
    await start(pilot)
    await pilot.press("down", "f")
    await settle(pilot)


async def search_running(pilot: Pilot[None], sim: Sim) -> None:
    await search(pilot, sim)
    sim.server.knobs.latency = 2.0
    await pilot.press(*"198.51.100", "enter")


async def search_failed(pilot: Pilot[None], sim: Sim) -> None:
    """Done, an account unread: every key of the search is offered."""
    await search(pilot, sim)
    failing_account(sim, 2, "busy")
    await pilot.press(*"198.51.100", "enter")
    await settle(pilot)


async def search_marked(pilot: Pilot[None], sim: Sim) -> None:
    """Matches of three accounts, two marked: d deletes them, e (not in the footer) sets fields on them."""
    await search(pilot, sim)
    await pilot.press(*"tata", "enter")
    await settle(pilot)
    await pilot.press("space", "end", "space")


async def audit_screen(pilot: Pilot[None], sim: Sim) -> None:
    await start(pilot)
    pilot.app.action_audit()  # type: ignore[attr-defined]
    await settle(pilot)


async def bulk_form(pilot: Pilot[None], sim: Sim) -> None:
    screen = await open_account(pilot, WHOLESALE)
    assert open_bulk_edit(screen, screen.trunks[:5])
    await settle(pilot)
    await replace_text(pilot, "77", field="capacity")


async def bulk_preview(pilot: Pilot[None], sim: Sim) -> None:
    await bulk_form(pilot, sim)
    await pilot.press("ctrl+s")


async def bulk_sending(pilot: Pilot[None], sim: Sim) -> None:
    await bulk_preview(pilot, sim)
    sim.server.knobs.latency = 1.0
    await pilot.press("right", "enter")


async def bulk_stopping(pilot: Pilot[None], sim: Sim) -> None:
    await bulk_sending(pilot, sim)
    await pilot.press("escape")


async def bulk_done(pilot: Pilot[None], sim: Sim) -> None:
    """Sent, one trunk refused: Escape closes and r tries it again."""
    await bulk_preview(pilot, sim)
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, sim.server.stats.calls + 2
    await pilot.press("right", "enter")
    await settle(pilot)


READ_ONLY = {"table_read_only": table, "form_read_only": form, "search_read_only": search_marked}
PRODUCTION = {"dialog_delete_production": dialog_delete, "bulk_preview_production": bulk_preview}
"""A production delete asks for the trunk's name, in a box where every letter types."""
OPENS = {"picker_list", "picker_loading", "picker_failed", "table", "table_loading", "table_opening",
         "table_read_only", "search_failed", "search_marked", "search_read_only"}
"""The states with rows in a table that has the focus: there, and only there, Enter opens a row (a picker
that refreshes, or failed to, keeps the rows it had)."""
STATES: dict[str, Steps] = {
    "picker_list": picker_list,
    "picker_filter": picker_filter,
    "picker_loading": picker_loading,
    "picker_failed": picker_failed,
    "table": table,
    "table_pattern": table_pattern,
    "table_quick": table_quick,
    "table_empty": table_empty,
    "table_loading": table_loading,
    "table_opening": table_opening,
    "form": form,
    "form_edited": form_edited,
    "form_revealed": form_revealed,
    "form_new": form_new,
    "form_vanished": form_vanished,
    "dialog_delete": dialog_delete,
    "dialog_save": dialog_save,
    "dialog_discard": dialog_discard,
    "dialog_quit": dialog_quit,
    "dialog_sort": dialog_sort,
    "dialog_export": dialog_export,
    "help": help_screen,
    "search": search,
    "search_running": search_running,
    "search_failed": search_failed,
    "search_marked": search_marked,
    "audit": audit_screen,
    "bulk_form": bulk_form,
    "bulk_preview": bulk_preview,
    "bulk_sending": bulk_sending,
    "bulk_stopping": bulk_stopping,
    "bulk_done": bulk_done,
    **READ_ONLY,
    **PRODUCTION,
}


@pytest.mark.parametrize("state", STATES)
async def test_every_footer_fits_80_columns(sim: Sim, state: str, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    if state in READ_ONLY:
        app = make_app(sim, label="lab", settings={"read_only": True})
    else:
        app = make_app(sim, label="prod", production=True) if state in PRODUCTION else make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await STATES[state](pilot, sim)

        # A dialog has a footer of its own, where F1 does not work, and Escape closes or cancels.
        needed = "esc " if isinstance(app.screen, Dialog) else "F1 Help"

        def fits() -> bool:
            """The footer fits and offers Open as the state calls for (it follows the focus a moment later)."""
            keys, cut = whole_keys(app)
            opens = "⏎ Open" in footer_line(app)
            return bool(keys) and not cut and needed in footer_line(app) and opens == (state in OPENS)

        try:
            await until(pilot, fits, "a footer that fits")
        except AssertionError:
            keys, cut = whole_keys(app)
            raise AssertionError(f"{state}: the footer holds {keys}, and shows only:\n{footer_line(app)!r}\n"
                                 f"so these are cut: {cut}; Open is wanted: {state in OPENS}") from None
        if state.startswith("dialog_"):
            assert footer_line(app).split() == ["esc", "Cancel"], f"{state}: {footer_line(app)!r}"
        sim.server.knobs.latency, sim.server.knobs.fail_every = 0.0, 0
