"""A keyboard that forgives lag and habit: what each key does on the lists, the form and the dialogs.

Typing goes where it was going (Enter in a box keeps the focus there), a
stray ``q`` asks before it quits, an open is said at once and happens
once, F5 reloads from every screen, a typed name confirms a production
delete, every action on nothing says so, and the footer says what Ctrl+R
will do next.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.widgets import Button, Input
from textual.widgets._footer import FooterKey

from tests.conftest import Sim
from tests.tui.driving import (
    WHOLESALE,
    field_input,
    make_app,
    open_account,
    open_trunk,
    replace_text,
    server_trunk,
    server_trunks,
    settle,
    start,
    status_of,
    trunk_table,
    type_text,
    until,
)
from tests.wire import RecordingTransport
from trunktui.api import SippyClient
from trunktui.simulator import FailMode
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.confirm import ConfirmScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen

SMALL = (80, 24)
CLOCK = r"\d\d:\d\d:\d\d"


def told(app: TrunkApp) -> list[str]:
    """Every notification the app shows from now on, in order."""
    said: list[str] = []
    shown = app.notify

    def notify(message: str, **options: Any) -> None:
        said.append(message)
        shown(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return said


def footer_words(app: TrunkApp) -> list[str]:
    return [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]


# --- typing goes on into the box it started in ---------------------------------------


async def test_enter_in_the_pattern_box_keeps_typing_there(app: TrunkApp, client: SippyClient) -> None:
    """p, colt%, Enter, then the next pattern typed: it goes into the box (c clones nothing) and
    applies too; Down goes to the table."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        box = screen.query_one("#pattern", Input)
        await pilot.press("p", *"colt%", "enter")
        await settle(pilot)
        assert app.focused is box
        await pilot.press("ctrl+u", *"colt-m__-%", "enter")
        await settle(pilot)
        assert app.screen is screen and app.focused is box and box.value == "colt-m__-%"
        assert screen.pattern == "colt-m__-%"
        assert [t.name for t in screen.trunks] == [t.name for t in server_trunks(client, 1, "colt-m__-%")]
        await pilot.press("down")
        assert app.focused is trunk_table(app)


async def test_enter_in_the_quick_filter_keeps_typing_there(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        box = screen.query_one("#quick", Input)
        await pilot.press("slash", *"tel", "enter", *"ia")
        await settle(pilot)
        assert app.screen is screen and app.focused is box and box.value == "telia"
        await pilot.press("down")
        assert app.focused is trunk_table(app)
        await pilot.press("slash", "escape")
        assert app.focused is trunk_table(app) and box.value == ""


# --- quitting --------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["picker", "table"])
async def test_q_on_a_list_asks_first_and_staying_is_the_default(app: TrunkApp, where: str) -> None:
    """q on the account picker or the trunk table asks; Enter keeps the app (Stay has the focus);
    q, Tab, Enter quits."""
    async with app.run_test(size=SMALL) as pilot:
        if where == "picker":
            await start(pilot)
            await pilot.press("down")
        else:
            await open_account(pilot, WHOLESALE)
        screen = app.screen
        await pilot.press("q")
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen) and dialog.title_text == "Quit trunktui?"
        assert app.focused is dialog.query_one("#cancel", Button)
        assert str(dialog.query_one("#cancel", Button).label) == "Stay"
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        await pilot.press("q", "tab", "enter")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_ctrl_q_quits_a_list_at_once(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


# --- opening a trunk ---------------------------------------------------------------------


async def test_opening_a_trunk_is_said_at_once_and_a_second_enter_is_ignored(
    app: TrunkApp, sim: Sim, wire: RecordingTransport
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        trunk = screen.current()
        assert trunk is not None
        sim.server.knobs.latency = 0.5
        await pilot.press("enter")
        assert app.screen is screen
        assert status_of(app) == f"⧗ Opening trunk {trunk.i_trunk} {trunk.name}… Escape stops waiting"
        await pilot.press("enter")
        sim.server.knobs.latency = 0.0
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[2:]] == [TrunksScreen, TrunkScreen]
        assert len(wire.of("getTrunkInfo")) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and status_of(app) == f"{len(screen.trunks)} trunks"


async def test_escape_while_opening_opens_nothing_later(app: TrunkApp, sim: Sim) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        sim.server.knobs.latency = 0.5
        await pilot.press("enter", "escape")
        assert status_of(app) == "Stopped opening the trunk."
        await pilot.pause(0.7)
        sim.server.knobs.latency = 0.0
        await settle(pilot)
        assert app.screen is screen and app.is_running


async def test_another_dialog_drops_a_trunk_being_opened(app: TrunkApp, sim: Sim) -> None:
    """Enter, then s before the trunk arrives: the sort list opens, and closing it shows the table,
    not a trunk that arrived meanwhile."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        sim.server.knobs.latency = 0.3
        await pilot.press("enter", "s")
        await pilot.pause(0.5)
        sim.server.knobs.latency = 0.0
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


# --- reloading -----------------------------------------------------------------------------


async def test_f5_refreshes_the_table_from_its_boxes(app: TrunkApp, wire: RecordingTransport) -> None:
    """F5 refreshes while the pattern box has the focus; r there types."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        before = len(wire.of("getTrunksList"))
        await pilot.press("p", "f5")
        await settle(pilot)
        assert len(wire.of("getTrunksList")) == before + 1
        await pilot.press("r")
        assert screen.query_one("#pattern", Input).value == "r"


async def test_f5_reloads_the_form_keeping_edits(app: TrunkApp, client: SippyClient) -> None:
    """The form says when it was read; F5 (from a text box) reads it again: a colleague's change to an
    untouched field shows, the user's edit stays."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        i_trunk = screen.trunks[0].i_trunk
        form = await open_trunk(pilot, i_trunk)
        assert re.fullmatch(f"Read from the switch at {CLOCK}", status_of(app, "#save-status"))
        await replace_text(pilot, "mine", field="description")
        client.update_trunk(i_trunk, {"destination": "192.0.2.99"})
        await pilot.press("f5")
        await settle(pilot)
        assert field_input(app, "destination").value == "192.0.2.99"
        assert field_input(app, "description").value == "mine"
        assert form.unsaved() == ["Description"]
        assert re.fullmatch(re.escape("1 unsaved change · read at ") + CLOCK,
                            status_of(app, "#save-status"))


async def test_a_failed_reload_says_when_the_form_was_last_read(app: TrunkApp, sim: Sim) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await open_trunk(pilot, screen.trunks[0].i_trunk)
        read = re.search(CLOCK, status_of(app, "#save-status"))
        assert read is not None
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, 1
        await pilot.press("f5")
        await settle(pilot)
        status = status_of(app, "#save-status")
        assert status.startswith("✖ Could not reload: ") and status.endswith(f"(last read {read.group()})")


async def test_a_new_trunk_has_nothing_to_reload(app: TrunkApp, wire: RecordingTransport) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert wire.of("getTrunkInfo") == []
        assert "F5 Reload" not in footer_words(app)


# --- deleting on production ----------------------------------------------------------------


async def test_enter_on_the_typed_name_deletes_on_production(sim: Sim, client: SippyClient) -> None:
    app = make_app(sim, label="PROD", production=True)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        trunk = screen.current()
        assert trunk is not None
        await pilot.press("d")
        await type_text(pilot, trunk.name)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert server_trunk(client, trunk.i_trunk) is None


async def test_anything_but_the_name_says_not_deleted(sim: Sim, client: SippyClient) -> None:
    """A wrong name and Enter: the dialog stays and says nothing was deleted; Escape then says it on the table."""
    app = make_app(sim, label="PROD", production=True)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        trunk = screen.current()
        assert trunk is not None
        await pilot.press("d")
        dialog = app.screen
        await type_text(pilot, trunk.name + "x")
        await pilot.press("enter")
        assert app.screen is dialog
        assert status_of(app, "#mismatch").startswith("Not deleted: that is not the trunk's name.")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert status_of(app).startswith(f"Not deleted: trunk {trunk.i_trunk} {trunk.name}")
        assert server_trunk(client, trunk.i_trunk) is not None


# --- nothing selected ------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "verb"), [("c", "clone"), ("d", "delete"), ("y", "copy from"), ("enter", "open")])
async def test_an_action_on_an_empty_table_says_a_trunk_is_needed(sim: Sim, key: str, verb: str) -> None:
    for trunk in sim.store.list_trunks(3):
        sim.store.delete_trunk(1, trunk["i_trunk"])
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, "acme-lab")
        said = told(app)
        screen.set_focus(None)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is screen
        assert said == [f"Select a trunk to {verb} first."]


@pytest.mark.parametrize(("key", "verb"), [("c", "clone"), ("d", "delete"), ("y", "copy from"), ("enter", "open")])
async def test_an_action_on_an_empty_focused_table_says_a_trunk_is_needed(sim: Sim, key: str, verb: str) -> None:
    """As a user gets there: a pattern that matches nothing, Down to the table, then the key."""
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("p", *"zzz%", "enter")
        await settle(pilot)
        await pilot.press("down")
        assert app.focused is trunk_table(app) and not screen.trunks
        said = told(app)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is screen
        assert said == [f"Select a trunk to {verb} first."]


async def test_exporting_an_empty_table_says_there_is_nothing_to_export(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("slash", *"no such trunk", "down")
        await settle(pilot)
        assert not screen.shown
        said = told(app)
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen
        assert said == ["Nothing to export: the table shows no trunks."]


# --- the footer follows the state -------------------------------------------------------------


async def test_ctrl_r_footer_says_what_it_will_do(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await open_trunk(pilot, screen.trunks[0].i_trunk)
        assert "^r Show passwords" in footer_words(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert field_input(app, "password").password is False
        await until(pilot, lambda: "^r Hide passwords" in footer_words(app), "the footer to offer Hide")
        assert "^r Show passwords" not in footer_words(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert field_input(app, "password").password is True
        await until(pilot, lambda: "^r Show passwords" in footer_words(app), "the footer to offer Show")
