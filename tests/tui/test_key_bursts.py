"""Keys that arrive in one burst: the app never crashes, whatever they are and wherever they land.

Over SSH, or from a fast typist, several keys come in one terminal read,
and Textual queues them all before it handles the first: a key meant for
one screen is handled after the key before it opened a dialog, closed a
screen or quit. ``burst`` delivers keys that way, posted to the app at
once with no pause between them (``Pilot.press`` waits for the app to go
idle after each key, so it never reproduces such a race).

The property draws bursts from the keys bound by the app, its screens and
dialogs, its table and the command palette, plus typing and navigation
keys, and starts from each screen in turn, each example on a simulator of
its own.
One example per screen runs by default; the ``long`` marker (``pytest -m
long``) draws many more. Crashes it found keep their smallest case at the end.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example
from hypothesis import strategies as st
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tests.conftest import Sim, running_sim
from tests.hostile import Depth, long_runs
from tests.tui.driving import (
    SIZE,
    WHOLESALE,
    calls_running,
    make_app,
    open_account,
    open_trunk,
    replace_text,
    settle,
    start,
    status_of,
)
from trunktui.tui.app import TrunkApp
from trunktui.tui.grid import Grid
from trunktui.tui.screens.accounts import AccountsScreen
from trunktui.tui.screens.audit import AuditScreen
from trunktui.tui.screens.choose import ChoiceScreen
from trunktui.tui.screens.confirm import ConfirmScreen, Question
from trunktui.tui.screens.export import ExportScreen
from trunktui.tui.screens.help import HelpScreen
from trunktui.tui.screens.password import PasswordScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen

BOUND = (App, TrunkApp, CommandPalette, AccountsScreen, TrunksScreen, TrunkScreen, Grid, ChoiceScreen, Question,
         HelpScreen, ExportScreen, PasswordScreen, AuditScreen)
"""The app, its screens and dialogs, its table and the command palette: their bound keys are drawn."""
CHARACTERS = {"space": " ", "slash": "/", "question_mark": "?", "percent_sign": "%", "backslash": "\\",
              "asterisk": "*"}
"""The character a named key types; other keys with names longer than one character type none."""
TYPING = ["enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "home", "end", "pageup", "pagedown",
          "backspace", "delete", "ctrl+u", "ctrl+p", "ctrl+s", "ctrl+r", "f1", "f5", "space",
          "q", "y", "s", "n", "c", "d", "x", "r", "p", "a", "7", "é", "percent_sign", "backslash"]
SCREEN_KEYS = ["enter", "escape", "q", "ctrl+q", "s", "y", "d", "delete", "n", "c", "x", "f1", "question_mark",
               "ctrl+p", "ctrl+s", "pagedown", "pageup"]
"""The keys that open, close or page a screen, where bursts race: drawn as often as all the others together."""
QUITS = {"q", "ctrl+q"}
SCREENSHOT_DELAY = 0.15


def bound_keys(owners: Iterable[type]) -> set[str]:
    return {key.strip() for owner in owners for binding in getattr(owner, "BINDINGS", ())
            if isinstance(binding, Binding) for key in binding.key.split(",")}


KEYS = sorted(bound_keys(BOUND) | set(TYPING))


def burst(app: TrunkApp, *keys: str) -> None:
    """Deliver ``keys`` as one terminal read does: all queued before the first is handled."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else CHARACTERS.get(key)))


async def aftermath(pilot: Pilot[None]) -> None:
    """Let the burst, and the calls and screens it started, play out, or the app end.

    Textual's Screenshot command (in the palette) takes its picture 0.1 s
    after it is chosen, and fails if the app has ended by then: the test
    ends the app, so it waits that long first.
    """
    app = pilot.app
    assert isinstance(app, TrunkApp)
    for _ in range(50):
        if not app.is_running:
            return
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not calls_running(app):
            await pilot.pause(SCREENSHOT_DELAY)
            return
    raise AssertionError("workers kept starting")


# --- where a burst starts -------------------------------------------------------------


async def at_picker(pilot: Pilot[None]) -> None:
    await start(pilot)


async def at_table(pilot: Pilot[None]) -> None:
    await open_account(pilot, WHOLESALE)


async def at_form(pilot: Pilot[None]) -> None:
    table = await open_account(pilot, WHOLESALE)
    await open_trunk(pilot, table.trunks[0].i_trunk)


async def after(pilot: Pilot[None], key: str, screen: type) -> None:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, screen)


async def at_new_form(pilot: Pilot[None]) -> None:
    await at_table(pilot)
    await after(pilot, "n", TrunkScreen)


async def at_help(pilot: Pilot[None]) -> None:
    await at_table(pilot)
    await after(pilot, "f1", HelpScreen)


async def at_sort_choice(pilot: Pilot[None]) -> None:
    await at_table(pilot)
    await after(pilot, "s", ChoiceScreen)


async def at_delete_dialog(pilot: Pilot[None]) -> None:
    await at_table(pilot)
    await after(pilot, "d", ConfirmScreen)


async def at_save_dialog(pilot: Pilot[None]) -> None:
    await at_form(pilot)
    await replace_text(pilot, "edited", field="description", pasted=True)
    await after(pilot, "ctrl+s", ConfirmScreen)


async def at_discard_dialog(pilot: Pilot[None]) -> None:
    await at_form(pilot)
    await replace_text(pilot, "edited", field="description", pasted=True)
    await after(pilot, "escape", ConfirmScreen)


async def at_quit_dialog(pilot: Pilot[None]) -> None:
    await at_table(pilot)
    await after(pilot, "q", ConfirmScreen)


STARTS: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    "picker": at_picker,
    "table": at_table,
    "form": at_form,
    "new-form": at_new_form,
    "help": at_help,
    "sort-choice": at_sort_choice,
    "delete-dialog": at_delete_dialog,
    "save-dialog": at_save_dialog,
    "discard-dialog": at_discard_dialog,
    "quit-dialog": at_quit_dialog,
}


# --- the property -----------------------------------------------------------------------


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports land in the working directory and screenshots in ~/Downloads: both in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))


async def survives(where: str, keys: list[str]) -> None:
    """From ``where``, a burst of ``keys``: the app raises nothing, and ends only if told to quit.

    A crash ends the app with its exception, which ``run_test`` raises here.
    """
    with running_sim() as sim:
        app = make_app(sim)
        async with app.run_test(size=SIZE) as pilot:
            await STARTS[where](pilot)
            burst(app, *keys)
            await aftermath(pilot)
            running = app.is_running
    assert app.return_code in (None, 0)
    assert running or QUITS & set(keys), f"the app ended after {keys}"


bursts = st.lists(st.sampled_from(SCREEN_KEYS) | st.sampled_from(KEYS), min_size=2, max_size=12)
fuzzed = Depth(quick=1, full=30, deadline=None, derandomize=True, database=None,
               phases=[Phase.explicit, Phase.generate],
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@fuzzed(keys=bursts)
@pytest.mark.usefixtures("elsewhere")
@pytest.mark.parametrize("where", STARTS)
async def test_a_burst_of_keys_never_crashes(where: str, keys: list[str]) -> None:
    await survives(where, keys)


# --- typing right after the key that moves into a box -----------------------------------


PRINTABLE = sorted(key for key in KEYS if len(key) == 1 or key in CHARACTERS)
"""Every drawn key that types a character, the table's own letters (c clones, d deletes) among them."""
BOXES = {"p": "#pattern", "slash": "#quick"}


def typed_text(keys: Iterable[str]) -> str:
    return "".join(key if len(key) == 1 else CHARACTERS[key] for key in keys)


@fuzzed(into=st.sampled_from(sorted(BOXES)), keys=st.lists(st.sampled_from(PRINTABLE), min_size=1, max_size=10))
@example(into="p", keys=list("abc"))
@example(into="slash", keys=list("dcx"))
@pytest.mark.usefixtures("elsewhere")
async def test_typing_in_one_read_with_the_key_into_a_box_all_lands_in_the_box(into: str, keys: list[str]) -> None:
    """Over SSH `p` (or `/`) and what is typed after it arrive in one read: every character lands in the
    box, none runs a table key (`c` would clone, `d` delete), and the table stays on top."""
    with running_sim() as sim:
        app = make_app(sim)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            burst(app, into, *keys)
            await aftermath(pilot)
            box = screen.query_one(BOXES[into], Input)
            assert app.screen is screen, f"{into} and {keys} opened {type(app.screen).__name__}"
            assert app.focused is box and box.value == typed_text(keys)


@pytest.mark.parametrize("key", ["n", "c", "s"])
async def test_enter_then_a_key_that_opens_a_screen_in_one_read_opens_no_trunk_under_it(sim: Sim, key: str) -> None:
    """Enter, then n (or c, or s) before the trunk arrives: closing what the key opened leads back to
    the table, not to a trunk screen that was opened underneath meanwhile."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, WHOLESALE)
        sim.server.knobs.latency = 0.3
        burst(app, "enter", key)
        await aftermath(pilot)
        sim.server.knobs.latency = 0.0
        assert app.screen_stack[-2] is screen, f"a trunk screen opened under the {key} screen"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen, f"after Enter, {key} and Escape: {[type(s).__name__ for s in app.screen_stack]}"


# --- crashes the bursts found, each with its smallest case ------------------------------


@pytest.mark.parametrize(("key", "opens"), [("s", "the sort list"), ("y", "the copy list"),
                                            ("d", "the delete question")])
async def test_quit_then_a_key_that_opens_a_screen_in_one_read(sim: Sim, key: str, opens: str) -> None:
    """Ctrl+Q and then ``s``, ``y`` or ``d`` in one read on the trunk table: the app quits with status 0.

    It crashed (NoMatches: OptionList on ChoiceScreen, #cancel on
    ConfirmScreen): the key after the quit still ran, and the dialog it
    opened, pushed while the app was closing, never got its widgets, so
    its on_mount found none.
    """
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await at_table(pilot)
        burst(app, "ctrl+q", key)
        await aftermath(pilot)
        assert not app.is_running, f"Ctrl+Q did not quit with {opens} opened behind it"
    assert app.return_code == 0


@pytest.mark.parametrize("latency", [0.0, 0.3])
async def test_enter_bursts_on_the_table_open_one_trunk(sim: Sim, latency: float) -> None:
    """Enter two, three or four times in one read on the trunk table: one trunk screen opens, whether
    the switch answers at once or slowly; the Enters after it reach the form, which they leave as it is."""
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await at_table(pilot)
        sim.server.knobs.latency = latency
        for count in (2, 3, 4):
            burst(app, *["enter"] * count)
            await aftermath(pilot)
            assert [type(screen) for screen in app.screen_stack[2:]] == [TrunksScreen, TrunkScreen], count
            assert isinstance(app.screen, TrunkScreen) and app.screen.unsaved() == []
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, TrunksScreen)


async def test_palette_then_page_down_in_one_read(sim: Sim) -> None:
    """Ctrl+P and PageDown in one read: the palette opens, its highlight moved down.

    It crashed (KeyError 0 in OptionList._move_page): Textual pages by the
    lines it has laid out, and the results were not laid out yet.
    """
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await at_table(pilot)
        burst(app, "ctrl+p", "pagedown")
        await aftermath(pilot)
        assert isinstance(app.screen, CommandPalette)
        highlighted = app.screen.query_one(OptionList).highlighted
        assert highlighted is not None and highlighted > 0


async def test_back_palette_and_a_letter_in_one_read(sim: Sim) -> None:
    """Escape, Ctrl+P and a letter in one read on the trunk table: the app carries on.

    It crashed (NoMatches, CommandList on the palette): Ctrl+P, a priority
    binding, ran first; the Escape meant for the table then closed the
    palette, and the letter reached its search box after it closed.
    """
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await at_table(pilot)
        burst(app, "escape", "ctrl+p", "r")
        await aftermath(pilot)
        assert app.is_running
        assert not isinstance(app.screen, CommandPalette)


async def test_a_palette_choice_twice_in_one_read(sim: Sim) -> None:
    """On the form, Ctrl+P, d, Enter, d, Enter in one read: the first choice (Save) runs on the
    form, and the second, reaching the palette after it closed, does nothing.

    It crashed (NoMatches, TrunkForm on TrunkScreen): the palette acted on
    the second choice as if it were open, closed itself again, which popped
    the form, and ran Save on the popped form.
    """
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await at_form(pilot)
        burst(app, "ctrl+p", "d", "enter", "d", "enter")
        await aftermath(pilot)
        assert isinstance(app.screen, TrunkScreen)
        assert status_of(app, "#save-status") == "Nothing to save: no field has changed."


async def test_palette_again_over_the_discard_question(sim: Sim) -> None:
    """Ctrl+P, Ctrl+Q and Ctrl+P on a form with an edit: the discard question opens over
    the palette, and the second Ctrl+P opens no second palette.

    It crashed (DuplicateIds, --command-palette): Textual looks only at the
    top screen for an open palette. Found in a burst, it needs none.
    """
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await at_form(pilot)
        await replace_text(pilot, "edited", field="description", pasted=True)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert sum(isinstance(screen, CommandPalette) for screen in app.screen_stack) == 1


globals().update(long_runs(globals()))
