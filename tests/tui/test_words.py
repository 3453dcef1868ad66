"""What the screens say, at 80x24: text as typed, counts in words, messages that match the screen,
the hint for the box in use, numbers typed one way, and a boolean as the form says it."""

from __future__ import annotations

from rich.console import Console
from textual.widgets import Static, Switch

from tests.conftest import Sim
from tests.tui.driving import (
    WHOLESALE,
    add_accounts,
    ask_to_save,
    column,
    editor,
    field_input,
    make_app,
    open_account,
    open_trunk,
    rendered,
    replace_text,
    screen_text,
    select_row,
    server_trunks,
    settle,
    start,
    static_text,
    status_of,
    until,
)
from trunktui.api import SippyClient
from trunktui.simulator import FailMode, add_bulk_trunks
from trunktui.tui.app import TrunkApp
from trunktui.tui.grid import Grid
from trunktui.tui.screens.confirm import save_dialog
from trunktui.tui.screens.trunks import PATTERN_HINT, QUICK_HINT, TrunksScreen

SMALL = (80, 24)


def empty_text(app: TrunkApp) -> str:
    """The line in the middle of the trunk screen when it shows no rows ('' while the table is shown)."""
    empty = app.screen.query_one("#empty", Static)
    return static_text(empty) if empty.display else ""


def hint(app: TrunkApp) -> str:
    return static_text(app.screen.query_one("#pattern-hint", Static))


def message(app: TrunkApp, field: str) -> str:
    return static_text(editor(app, field).query_one(".message", Static))


async def test_a_pattern_is_shown_exactly_as_typed(app: TrunkApp) -> None:
    """`x\\_%` and `it's%` appear as typed, between curly quotes: not as Python would write them."""
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        for typed in ("x\\_%", "it's%"):
            await pilot.press("p")
            await replace_text(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert status_of(app) == f"0 trunks · pattern “{typed}”"
            assert empty_text(app) == f"No trunk of this account matches the pattern “{typed}”.\n" \
                "Clear the pattern to see all."
            assert f"“{typed}”" in screen_text(app)
        await pilot.press("p", "end", "ctrl+u", "enter", "down", "slash", *"it's")
        await settle(pilot)
        assert "filter “it's” shows 0" in status_of(app)


async def test_counts_have_thousands_separators_and_the_right_number(sim: Sim) -> None:
    i_account = add_accounts(sim, 1, "many")[0]
    add_bulk_trunks(sim.store, i_account, 1_234)
    one = add_accounts(sim, 1, "single")[0]
    sim.store.insert_trunks([{"i_account": one, "name": "only", "destination": "192.0.2.1"}])
    async with make_app(sim).run_test(size=SMALL) as pilot:
        app = pilot.app
        await open_account(pilot, "many-000")
        assert status_of(app) == "1,234 trunks"
        await pilot.press("slash", *"zzz", "enter")
        await settle(pilot)
        assert empty_text(app).startswith("The quick filter “zzz” hides all 1,234 trunks.")
        await pilot.press("slash", "escape", "escape")
        await settle(pilot)
        await open_account(pilot, "single-000")
        assert status_of(app) == "1 trunk"
        await pilot.press("slash", *"zzz", "enter")
        await settle(pilot)
        assert empty_text(app).startswith("The quick filter “zzz” hides the 1 trunk.")


async def test_saving_one_field_says_one_changed_field(app: TrunkApp, sim: Sim, client: SippyClient) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await open_trunk(pilot, server_trunks(client, screen.i_account)[0].i_trunk)
        await replace_text(pilot, "one change", field="description")
        dialog = await ask_to_save(pilot)
        assert dialog.title_text == "Save 1 changed field?"
        sim.server.knobs.latency = 1.0
        await pilot.press("enter")
        await until(pilot, lambda: "Saving" in status_of(app, "#save-status"), "the save to start")
        assert status_of(app, "#save-status") == "⧗ Saving 1 changed field… Escape stops waiting"
        sim.server.knobs.latency = 0.0
        await settle(pilot)
    sim.server.stop()


async def test_stopping_the_first_load_does_not_speak_of_rows_shown(app: TrunkApp, sim: Sim) -> None:
    """Escape before any trunk arrived: nothing is 'shown from before', and the middle says nothing is loaded."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await start(pilot)
        table = screen.query_one("#accounts", Grid)
        await pilot.press("down")
        await select_row(pilot, table, column(table, "username").index(WHOLESALE))
        sim.server.knobs.latency = 3.0
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TrunksScreen) and "Escape stops waiting" in status_of(app),
                    "the trunks to be asked for")
        await pilot.press("escape")
        await pilot.pause()
        assert status_of(app) == "✖ Stopped waiting for the switch; no trunks are loaded. r tries again."
        assert empty_text(app) == "Nothing loaded: you stopped waiting for the switch. r tries again."
        assert "no trunks yet" not in screen_text(app) and "from before" not in screen_text(app)
        sim.server.knobs.latency = 0.0
    sim.server.stop()


async def test_clearing_a_pattern_then_stopping_the_load_never_says_the_account_has_no_trunks(
    app: TrunkApp, sim: Sim
) -> None:
    """A pattern matching none, Escape in the box (the pattern is cleared and all are asked for), Escape again
    before they arrive: nothing is loaded, and the quick filter typed or cleared afterwards does not make the
    screen claim the account has no trunks."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await pilot.press("p", *"zzz", "enter")
        await settle(pilot)
        assert empty_text(app).startswith("No trunk of this account matches the pattern “zzz”.")
        sim.server.knobs.latency = 3.0
        await pilot.press("escape")
        await until(pilot, lambda: bool(screen.calls_in_flight("trunks")), "all the trunks to be asked for")
        await pilot.press("escape")
        await pilot.pause()
        stopped = "✖ Stopped waiting for the switch; no trunks are loaded. F5 tries again."
        nothing = "Nothing loaded: you stopped waiting for the switch. F5 tries again."
        for keys in (("slash",), ("x",), ("escape",)):
            await pilot.press(*keys)
            await pilot.pause()
            assert (status_of(app), empty_text(app)) == (stopped.replace("F5", screen.retry_key()),
                                                         nothing.replace("F5", screen.retry_key()))
            assert "no trunks yet" not in screen_text(app)
        sim.server.knobs.latency = 0.0
    sim.server.stop()


async def test_rows_from_before_a_stopped_pattern_are_not_said_to_match_it(app: TrunkApp, sim: Sim) -> None:
    """Escape while a pattern's trunks are on their way: the rows shown are all the account's, and a filter
    typed afterwards counts them without naming the pattern they were never the answer to."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        total = len(screen.trunks)
        sim.server.knobs.latency = 3.0
        await pilot.press("p", *"zzz", "enter")
        await until(pilot, lambda: bool(screen.calls_in_flight("trunks")), "the pattern's trunks to be asked for")
        await pilot.press("escape", "down", "slash", "a")
        await pilot.pause()
        assert status_of(app).startswith(f"{total} trunks · filter “a” shows "), status_of(app)
        assert "No trunk" not in screen_text(app)
        sim.server.knobs.latency = 0.0
    sim.server.stop()


async def test_a_failed_load_never_says_the_account_has_no_trunks(app: TrunkApp, sim: Sim) -> None:
    add_accounts(sim, 1, "hollow")
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, "hollow-000")
        assert empty_text(app).startswith("This account has no trunks yet.")
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.HTTP_500, 1
        await pilot.press("r")
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        assert status_of(app).startswith("✖ Loading failed:")
        assert empty_text(app) == "The trunks could not be loaded (the reason is below). r tries again."
        assert "no trunks yet" not in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert empty_text(app).startswith("This account has no trunks yet.")


async def test_a_failed_load_names_the_key_that_retries_where_the_focus_is(app: TrunkApp, sim: Sim) -> None:
    """In the pattern box r types, so the fault says F5 there, and r again once the focus is back on the table."""
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.HTTP_500, 1
        await pilot.press("p", "f5")
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        assert status_of(app).startswith("✖ Loading failed:") and status_of(app).endswith(" · F5 retries")
        await pilot.press("down")
        await pilot.pause()
        assert status_of(app).endswith(" · r retries")
        await pilot.press("slash")
        await pilot.pause()
        assert status_of(app).endswith(" · F5 retries")


async def test_stopping_a_load_from_a_box_names_f5(app: TrunkApp, sim: Sim) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        sim.server.knobs.latency = 3.0
        await pilot.press("p", "f5")
        await until(pilot, lambda: bool(screen.calls_in_flight("trunks")), "the trunks to be asked for")
        await pilot.press("escape")
        await pilot.pause()
        assert status_of(app) == "✖ Stopped waiting for the switch; the rows shown are from before. F5 tries again."
        sim.server.knobs.latency = 0.0
    sim.server.stop()


async def test_the_hint_line_describes_the_box_that_has_focus(app: TrunkApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_account(pilot, WHOLESALE)
        assert hint(app) == PATTERN_HINT
        await pilot.press("slash")
        await pilot.pause()
        assert hint(app) == QUICK_HINT
        await rendered(pilot, QUICK_HINT)
        await pilot.press("escape", "p")
        await pilot.pause()
        assert hint(app) == PATTERN_HINT
        await pilot.press("\\", "escape", "slash")
        await pilot.pause()
        assert hint(app) == QUICK_HINT and not app.screen.query_one("#pattern-hint").has_class("-error")


async def test_numbers_in_other_scripts_are_refused_by_every_numeric_field(
    app: TrunkApp, client: SippyClient
) -> None:
    """`٣.5` in Max CPS and `٣` in Capacity: both refused, with the same words, under the field."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await open_trunk(pilot, next(t for t in server_trunks(client, screen.i_account)
                                     if t.get("capacity") is not None and t.get("max_cps") is not None).i_trunk)
        for field, typed, label in (("max_cps", "٣.5", "Max CPS"), ("capacity", "٣", "Capacity")):
            await replace_text(pilot, typed, field=field, pasted=True)
            await pilot.pause()
            assert field_input(app, field).value == typed
            assert editor(app, field).has_class("-invalid")
            assert message(app, field) == f"{label} must be written with the digits 0-9."


async def test_the_focused_switch_is_one_clean_line(app: TrunkApp, client: SippyClient) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        await open_trunk(pilot, server_trunks(client, screen.i_account)[0].i_trunk)
        editor(app, "random_call_id").query_one(Switch).focus()
        lines = (await rendered(pilot, "Random Call-ID")).splitlines()
        (row,) = [n for n, line in enumerate(lines) if "Random Call-ID" in line]
        switch_line = lines[row].rstrip().rstrip("▁▂▃▄▅▆▇█")  # the form's scrollbar, at the right edge
        assert switch_line.split() in (["Random", "Call-ID", "off"], ["Random", "Call-ID", "on"])
        assert "Send a fresh Call-ID" in lines[row + 1]


async def test_the_save_preview_says_on_and_off_as_the_form_does(app: TrunkApp, client: SippyClient) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        trunk = next(t for t in server_trunks(client, screen.i_account) if t.get("random_call_id") is False)
        await open_trunk(pilot, trunk.i_trunk)
        editor(app, "random_call_id").query_one(Switch).focus()
        await pilot.press("space")
        await ask_to_save(pilot)
        text = await rendered(pilot, "Random Call-ID")
        (line,) = [line for line in text.splitlines() if "Random Call-ID" in line and "→" in line]
        assert line.split("Random Call-ID")[1].split()[:3] == ["off", "→", "on"]
        assert "true" not in text and "false" not in text


def test_the_save_preview_aligns_every_value_left_as_the_form_does() -> None:
    """A capacity the switch sent as the string 25 and the int 26 typed over it start in the same column,
    as in the form's box, and the boolean sent as 0 reads off."""
    dialog = save_dialog({"capacity": "25", "random_call_id": 0, "description": "d"},
                         {"capacity": 26, "random_call_id": True, "description": "e"})
    console = Console(width=70, record=True, color_system=None)
    console.print(dialog.body)
    lines = {line.split()[0]: line for line in console.export_text().splitlines() if line.strip()}
    for name, old, new in (("Capacity", "25", "26"), ("Random", "off", "on"), ("Description", "d", "e")):
        line = lines[name]
        assert line.index(old) == lines["Description"].index("d"), line
        assert line.index(new, line.index("→")) == lines["Description"].index("e", lines["Description"].index("→"))


def test_the_save_preview_shows_a_change_of_edge_spaces() -> None:
    """A trailing space added to a value: the two sides of the preview differ on screen, as they do on the switch."""
    dialog = save_dialog({"cld_translation": "s/^0/+31/"}, {"cld_translation": "s/^0/+31/ "})
    console = Console(width=70, record=True, color_system=None)
    console.print(dialog.body)
    (line,) = [line for line in console.export_text().splitlines() if "→" in line]
    assert line.split("→")[1].strip() == "“s/^0/+31/ ”", line
    assert line.split("→")[0].split()[-1] == "s/^0/+31/", line
