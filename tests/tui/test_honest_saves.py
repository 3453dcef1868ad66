"""A save writes exactly what the operator meant, on our simulator and on a switch with other habits.

Stand-ins for hidden characters are for the screen only; a member a switch
leaves out equals itself; 0/1 booleans read as booleans; the form counts
only real differences; NULL and an empty string look different; edge spaces
are pointed out; Re-create is offered only for a trunk known to be gone.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label, Static, Switch

from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from tests.tui.driving import (
    SIZE,
    answers_held,
    ask_to_save,
    editor,
    field_input,
    make_app,
    open_account,
    open_trunk,
    replace_text,
    screen_text,
    settle,
    static_text,
    status_of,
    until,
)
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.audit import audit_path, read_recent
from trunktui.simulator import FailMode
from trunktui.tui.app import Session, TrunkApp
from trunktui.tui.screens.confirm import ConflictScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen


def fresh_account(sim: Sim, **trunk: Any) -> tuple[str, int]:
    """A new account of the demo login holding one trunk; (username, i_trunk)."""
    username = "honest"
    i_account = sim.store.add_account(sim.logins["acme"].i_customer, username)
    (i_trunk,) = sim.store.insert_trunks([{"i_account": i_account, "destination": "192.0.2.1", **trunk}])
    return username, i_trunk


def foreign_app(switch: ForeignSwitch) -> TrunkApp:
    app = TrunkApp(Session(ConnectionSettings(switch.url, trusted=True, i_customer=1), label="Elsewhere"))
    app.theme = "textual-dark"
    return app


def message(pilot: Pilot[None], field: str) -> str:
    """The line under a form field: its help, a warning or its problem."""
    return static_text(editor(pilot.app, field).query_one(".message", Static))


async def opened(pilot: Pilot[None], username: str, i_trunk: int) -> None:
    await open_account(pilot, username)
    await open_trunk(pilot, i_trunk)


async def append(pilot: Pilot[None], field: str, text: str) -> None:
    field_input(pilot.app, field).focus()
    await pilot.press("end", *text)
    await pilot.pause()


async def set_capacity(pilot: Pilot[None], text: str) -> None:
    """Untick NULL (a left-out capacity is NULL), then type ``text``."""
    editor(pilot.app, "capacity").query_one("#null").focus()
    await pilot.press("space")
    await replace_text(pilot, text, field="capacity")


async def save(pilot: Pilot[None]) -> None:
    await ask_to_save(pilot)
    await pilot.press("enter")
    await settle(pilot)


# --- stand-ins ----------------------------------------------------------------------------


async def test_text_around_a_hidden_character_is_edited_and_the_character_kept(sim: Sim, client: SippyClient) -> None:
    """`rtl-<U+202E>gnp.exe` plus `2` is stored as the same characters plus 2, never as the stand-in text."""
    username, i_trunk = fresh_account(sim, name="rtl-\u202egnp.exe")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await opened(pilot, username, i_trunk)
        assert field_input(pilot.app, "name").value == "rtl-<U+202E>gnp.exe"
        await append(pilot, "name", "2")
        await save(pilot)
    assert client.get_trunk(i_trunk).name == "rtl-\u202egnp.exe2"
    (line,) = read_recent(audit_path())
    assert line["after"] == {"name": "rtl-\u202egnp.exe2"} and line["result"] == "OK"


async def test_control_characters_cannot_be_sent_and_the_message_says_which_marks(
    sim: Sim, client: SippyClient
) -> None:
    """`tab\\tand\\nnewline` plus `!` is refused next to the field (never stored as `tab␉and␊newline!`);
    removing the marks saves the text without them."""
    username, i_trunk = fresh_account(sim, name="ctl", description="tab\tand\nnewline")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        await append(pilot, "description", "!")
        field = editor(app, "description")
        assert field.has_class("-invalid")
        assert "remove the marks that stand for them (such as ␉)" in message(pilot, "description")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.__class__ is TrunkScreen, "an invalid form asked to save"
        await replace_text(pilot, "tab and newline!", field="description")
        await save(pilot)
    assert client.get_trunk(i_trunk).get("description") == "tab and newline!"


async def test_a_value_with_text_that_looks_like_a_mark_is_only_replaced_whole(
    sim: Sim, client: SippyClient
) -> None:
    """A description holding a real ␉ glyph and a real tab cannot be told apart once shown:
    editing in place is refused with a message; clearing it and typing a new value saves that."""
    username, i_trunk = fresh_account(sim, name="glyph", description="glyph \u2409 and tab\t")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        await append(pilot, "description", "x")
        assert "cannot be edited in place: clear it and type the whole value" in message(pilot, "description")
        await replace_text(pilot, "fresh", field="description")
        assert not editor(app, "description").has_class("-invalid")
        await save(pilot)
    assert client.get_trunk(i_trunk).get("description") == "fresh"


# --- a switch that leaves members out and sends 0/1 --------------------------------------------


async def test_members_a_switch_leaves_out_are_no_conflict(foreign: ForeignSwitch) -> None:
    """Only name and destination come back; changing the capacity saves at once, sending only it."""
    i_trunk = foreign.add(name="sparse", destination="192.0.2.7")
    async with foreign_app(foreign).run_test(size=SIZE) as pilot:
        await open_account(pilot, "foreign-main")
        await open_trunk(pilot, i_trunk)
        await set_capacity(pilot, "40")
        await save(pilot)
        assert isinstance(pilot.app.screen, TrunkScreen), "a conflict was raised"
    updates = [params for method, params in foreign.calls if method == "updateTrunk"]
    assert updates == [{"i_trunk": i_trunk, "capacity": 40, "i_customer": 1}]


async def test_a_real_change_on_a_sparse_switch_is_a_conflict_once(foreign: ForeignSwitch) -> None:
    """Someone sets the description meanwhile: the dialog lists just that; Take theirs, then Ctrl+S saves."""
    i_trunk = foreign.add(name="sparse", destination="192.0.2.7")
    async with foreign_app(foreign).run_test(size=SIZE) as pilot:
        app = pilot.app
        await open_account(pilot, "foreign-main")
        await open_trunk(pilot, i_trunk)
        await set_capacity(pilot, "40")
        foreign.trunks[i_trunk]["description"] = "set by a colleague"
        await save(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        table = dialog.body.renderables[0]
        assert [str(label) for label in table.columns[0].cells] == ["Capacity", "Description"]
        assert "set by a colleague" in screen_text(app)
        dialog.query_one("#theirs").focus()
        await pilot.press("enter")
        await settle(pilot)
        await save(pilot)
        assert isinstance(app.screen, TrunkScreen)
    assert foreign.trunks[i_trunk]["capacity"] == 40 and foreign.trunks[i_trunk]["description"] == "set by a colleague"


async def test_booleans_sent_as_integers_read_as_booleans(foreign: ForeignSwitch) -> None:
    i_trunk = foreign.add(name="ints", destination="192.0.2.8", random_call_id=True)
    async with foreign_app(foreign).run_test(size=SIZE) as pilot:
        app = pilot.app
        await open_account(pilot, "foreign-main")
        screen = await open_trunk(pilot, i_trunk)
        assert screen.trunk is not None and screen.trunk.get("random_call_id") == 1
        field = editor(app, "random_call_id")
        assert field.query_one(Switch).value is True
        assert static_text(field.query_one("#state", Label)) == "on"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status_of(app, "#save-status") == "Nothing to save: no field has changed."
        field.query_one(Switch).focus()
        await pilot.press("space")
        await save(pilot)
    assert [p for m, p in foreign.calls if m == "updateTrunk"] == [
        {"i_trunk": i_trunk, "random_call_id": False, "i_customer": 1}]


# --- the form's state ------------------------------------------------------------------------------


async def test_a_blank_new_form_is_quiet_until_edited_or_saved(sim: Sim) -> None:
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await open_account(pilot, "acme-wholesale")
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrunkScreen) and screen.creating
        assert not screen.query(".-invalid"), "errors shown before anything was typed"
        assert "unsaved" not in status_of(app, "#save-status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert {e.spec.name for e in screen.query_one("TrunkForm").editors() if e.has_class("-invalid")} == {
            "name", "destination"}
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TrunksScreen), "a blank form asked before leaving"


async def test_an_edit_undone_is_no_change(sim: Sim) -> None:
    """x then Backspace, or NULL ticked then unticked: no unsaved change, and Escape leaves at once."""
    username, i_trunk = fresh_account(sim, name="undo", destination_backup="192.0.2.9")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await open_account(pilot, username)
        screen = await open_trunk(pilot, i_trunk)
        await append(pilot, "description", "x")
        assert "1 unsaved change" in status_of(app, "#save-status")
        await pilot.press("backspace")
        editor(app, "destination_backup").query_one("#null").focus()
        await pilot.press("space", "space")
        await pilot.pause()
        assert screen.unsaved() == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TrunksScreen)


async def test_null_and_an_empty_string_look_different(sim: Sim) -> None:
    username, i_trunk = fresh_account(sim, name="nulls", destination_backup="192.0.2.9")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        field = editor(app, "destination_backup")
        await replace_text(pilot, "", field="destination_backup")
        await pilot.pause()
        box = field.query_one(Input)
        assert box.display and box.value == "" and not box.placeholder
        assert not field.query_one("#null-mark").display
        field.query_one("#null").focus()
        await pilot.press("space")
        await pilot.pause()
        assert not box.display and field.query_one("#null-mark").display
        assert "NULL" in screen_text(app)


async def test_spaces_at_the_ends_of_a_name_are_pointed_out(sim: Sim) -> None:
    username, i_trunk = fresh_account(sim, name="plain")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        await replace_text(pilot, "  spaced  ", field="name")
        field = editor(app, "name")
        assert field.has_class("-warned") and not field.has_class("-invalid")
        assert message(pilot, "name") == (
            "Name starts or ends with spaces; they are saved as typed.")


# --- Re-create ---------------------------------------------------------------------------------------


def palette_titles(screen: TrunkScreen) -> list[str]:
    return [command.title for command in screen.commands()]


async def test_recreate_is_offered_only_once_the_trunk_is_known_gone(sim: Sim, client: SippyClient) -> None:
    username, i_trunk = fresh_account(sim, name="vanishing")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await open_account(pilot, username)
        screen = await open_trunk(pilot, i_trunk)
        assert "Re-create trunk" not in palette_titles(screen)
        screen.action_recreate()
        await pilot.pause()
        assert pilot.app.screen is screen
        await append(pilot, "description", "rescued")
        client.delete_trunk(i_trunk)
        await save(pilot)
        assert "may have been deleted" in status_of(pilot.app, "#save-status")
        assert "Re-create trunk" in palette_titles(screen)


# --- found by trying to break it ---------------------------------------------------------------------


async def test_a_reload_landing_after_an_edit_keeps_a_colleagues_change(sim: Sim, client: SippyClient) -> None:
    """F5 on the form, and the user types before the fresh copy lands: untouched fields take
    the switch's values, so saving sends only the edit."""
    username, i_trunk = fresh_account(sim, name="busy", description="before")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await opened(pilot, username, i_trunk)
        client.update_trunk(i_trunk, {"description": "by a colleague"})
        sim.server.knobs.latency = 0.5
        await pilot.press("f5")
        await append(pilot, "name", "K")
        sim.server.knobs.latency = 0.0
        await settle(pilot)
        assert field_input(pilot.app, "description").value == "by a colleague"
        dialog = await ask_to_save(pilot)
        assert dialog.title_text == "Save 1 changed field?"
        await pilot.press("enter")
        await settle(pilot)
    now = client.get_trunk(i_trunk)
    assert now.name == "busyK" and now.get("description") == "by a colleague"


async def test_ctrl_s_while_a_save_is_on_its_way_sends_nothing_more(sim: Sim, client: SippyClient) -> None:
    username, i_trunk = fresh_account(sim, name="twice")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        await append(pilot, "description", "once")
        await ask_to_save(pilot)
        sim.server.knobs.latency = 0.5
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TrunkScreen)
        assert status_of(app, "#save-status").startswith("A change is on its way")
        sim.server.knobs.latency = 0.0
        await settle(pilot)
    assert [line["action"] for line in read_recent(audit_path())] == ["update"]


async def test_a_clone_keeps_the_real_characters_of_the_name(sim: Sim, client: SippyClient) -> None:
    username, _ = fresh_account(sim, name="rlo\u202eevil")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        table = await open_account(pilot, username)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        names = {trunk.name for trunk in client.list_trunks(table.i_account)}
    assert names == {"rlo\u202eevil", "rlo\u202eevil-copy"}


async def test_a_clone_of_a_value_the_switch_may_not_take_is_marked_at_its_field(sim: Sim) -> None:
    username, _ = fresh_account(sim, name="ctl", description="tab\there")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await open_account(pilot, username)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TrunkScreen) and app.screen.creating
        field = editor(app, "description")
        assert field.has_class("-invalid")
        assert "control characters" in message(pilot, "description")


async def test_a_hidden_character_cannot_be_added_by_typing_its_mark(sim: Sim, client: SippyClient) -> None:
    """`<U+202E>` typed into a clean name is refused, not sent as an invisible override."""
    username, i_trunk = fresh_account(sim, name="plain")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        await append(pilot, "name", "<U+202E>x")
        field = editor(app, "name")
        assert field.has_class("-invalid")
        assert "may not gain hidden characters such as <U+202E>" in message(pilot, "name")
    assert client.get_trunk(i_trunk).name == "plain"


async def test_undoing_the_last_edit_says_so(sim: Sim) -> None:
    username, i_trunk = fresh_account(sim, name="undo")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await opened(pilot, username, i_trunk)
        await append(pilot, "description", "x")
        assert status_of(pilot.app, "#save-status").startswith("1 unsaved change · read at ")
        await pilot.press("backspace")
        await pilot.pause()
        assert status_of(pilot.app, "#save-status").startswith("No unsaved changes · read at ")


async def test_left_and_right_stay_on_the_dialogs_buttons(sim: Sim) -> None:
    username, i_trunk = fresh_account(sim, name="arrows")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await opened(pilot, username, i_trunk)
        await append(pilot, "description", "x")
        dialog = await ask_to_save(pilot)
        seen = []
        for key in ("right", "right", "right", "left"):
            await pilot.press(key)
            seen.append(getattr(pilot.app.focused, "id", None))
        assert seen == ["cancel", "confirm", "cancel", "confirm"]
        assert pilot.app.screen is dialog


async def test_the_save_dialog_shows_a_0_1_boolean_as_on_or_off(foreign: ForeignSwitch) -> None:
    i_trunk = foreign.add(name="ints", destination="192.0.2.8", random_call_id=True)
    async with foreign_app(foreign).run_test(size=SIZE) as pilot:
        await open_account(pilot, "foreign-main")
        await open_trunk(pilot, i_trunk)
        editor(pilot.app, "random_call_id").query_one(Switch).focus()
        await pilot.press("space")
        dialog = await ask_to_save(pilot)
        table = dialog.body
        assert [str(c) for c in table.columns[1].cells] == ["on"]
        assert [str(c) for c in table.columns[3].cells] == ["off"]


async def test_escape_while_an_update_answer_is_on_its_way_is_audited_in_order(
    sim: Sim, client: SippyClient
) -> None:
    """The switch applies the update but its answer stalls; Escape stops waiting. The trail says
    first that the outcome was unknown (the user stopped waiting), then that reading back found it applied."""
    username, i_trunk = fresh_account(sim, name="stall")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await opened(pilot, username, i_trunk)
        await append(pilot, "description", "stalled")
        await ask_to_save(pilot)
        calls = sim.server.stats.calls
        sim.server.knobs.fail_mode, sim.server.knobs.stall = FailMode.SLOW_BODY, 5.0
        sim.server.knobs.fail_every = calls + 2  # the read-back before saving passes; the update's answer stalls
        await pilot.press("enter")
        await until(pilot, lambda: sim.server.stats.calls >= calls + 2, "the update to run on the switch")
        # fail_every stays: the switch counts a call before it reads the knob, and the read-back
        # (call calls + 3) is no multiple of calls + 2.
        await pilot.press("escape")
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        assert "did apply your change" in status_of(pilot.app, "#save-status")
    attempt, check = read_recent(audit_path())
    assert attempt["result"]["outcome"] == "unknown" and "Stopped waiting" in attempt["result"]["message"]
    assert check["result"] == {"read_back": "applied", "note": "Stopped waiting for the save"}


async def test_typing_while_a_slow_save_is_on_its_way_does_not_make_escape_say_it_failed(
    sim: Sim, client: SippyClient
) -> None:
    """The update reached a slow switch; the user types, then Escape: the read-back finds it not applied
    yet, and says it still may be, as it then is."""
    username, i_trunk = fresh_account(sim, name="slow", description="before")
    arrived = threading.Event()

    def reached(*args: Any, **kwargs: Any) -> bool:
        arrived.set()
        return True

    async with make_app(sim).run_test(size=SIZE) as pilot:
        await opened(pilot, username, i_trunk)
        await append(pilot, "description", " edited")
        await ask_to_save(pilot)
        with answers_held(sim, "update_trunk", reached):
            await pilot.press("enter")
            await until(pilot, arrived.is_set, "the update to reach the switch")
            await append(pilot, "name", "X")
            await pilot.press("escape")
            await settle(pilot)
            said = status_of(pilot.app, "#save-status")
            assert "the switch had not applied it; it still may" in said and "did NOT" not in said, said
        await until(pilot, lambda: client.get_trunk(i_trunk).get("description") == "before edited",
                    "the slow update to land")


# --- a reload sets what the save measures against ---------------------------------------------


async def edited_then_changed_on_the_switch(pilot: Pilot[None], client: SippyClient, i_trunk: int) -> None:
    """The user edits Destination; a colleague sets it, and the description, on the switch; F5."""
    await replace_text(pilot, "192.0.2.77", field="destination")
    client.update_trunk(i_trunk, {"destination": "203.0.113.99:5060", "description": "by a colleague"})
    await pilot.press("f5")
    await settle(pilot)


async def test_after_a_reload_the_save_preview_shows_what_the_switch_holds_now(sim: Sim, client: SippyClient) -> None:
    """The edit is kept, the field and the state line say the switch changed it, and the preview's
    "Now" is the colleague's value, so saving over it is a choice made knowingly."""
    username, i_trunk = fresh_account(sim, name="moved", destination="192.0.2.1")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        await edited_then_changed_on_the_switch(pilot, client, i_trunk)
        assert field_input(app, "destination").value == "192.0.2.77"
        assert field_input(app, "description").value == "by a colleague"
        assert message(pilot, "destination") == ("The switch changed Destination since you started editing: "
                                                  "now 203.0.113.99:5060; your edit is kept.")
        assert status_of(app, "#save-status").startswith("The switch changed Destination; your edit is kept · "
                                                         "1 unsaved change · read at ")
        dialog = await ask_to_save(pilot)
        table = dialog.body
        assert [str(c) for c in table.columns[1].cells] == ["203.0.113.99:5060"]
        assert [str(c) for c in table.columns[3].cells] == ["192.0.2.77"]
        await pilot.press("enter")
        await settle(pilot)
        assert message(pilot, "destination") == "Where calls go: host or IP, optionally :port."
    now = client.get_trunk(i_trunk)
    assert now.get("destination") == "192.0.2.77" and now.get("description") == "by a colleague"
    (line,) = read_recent(audit_path())
    assert line["before"] == {"destination": "203.0.113.99:5060"}


async def test_a_change_on_the_switch_after_the_reload_is_still_a_conflict(sim: Sim, client: SippyClient) -> None:
    """The save compares with what the user last read: the value F5 brought, not the first read."""
    username, i_trunk = fresh_account(sim, name="moved", destination="192.0.2.1")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        app = pilot.app
        await opened(pilot, username, i_trunk)
        await edited_then_changed_on_the_switch(pilot, client, i_trunk)
        client.update_trunk(i_trunk, {"destination": "198.51.100.5"})
        await save(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        table = dialog.body.renderables[0]
        assert [str(c) for c in table.columns[0].cells] == ["Destination"]
        assert [str(c) for c in table.columns[1].cells] == ["203.0.113.99:5060"]
        assert [str(c) for c in table.columns[2].cells] == ["198.51.100.5 ← changed"]
        said = static_text(app.screen_stack[-2].query_one("#save-status", Static))
        assert said.startswith("✖ Not saved: the trunk was changed on the switch since you read it at ")
        await pilot.press("escape")
        await settle(pilot)
    assert client.get_trunk(i_trunk).get("destination") == "198.51.100.5"


async def test_a_reload_that_changed_nothing_under_an_edit_says_nothing_of_it(sim: Sim, client: SippyClient) -> None:
    username, i_trunk = fresh_account(sim, name="quiet", destination="192.0.2.1")
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await opened(pilot, username, i_trunk)
        await replace_text(pilot, "192.0.2.77", field="destination")
        client.update_trunk(i_trunk, {"description": "by a colleague"})
        await pilot.press("f5")
        await settle(pilot)
        assert message(pilot, "destination") == "Where calls go: host or IP, optionally :port."
        assert status_of(pilot.app, "#save-status").startswith("1 unsaved change · read at ")
