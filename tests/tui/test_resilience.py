"""Conflicting edits, lost answers and abandoned calls: nothing is lost or overwritten unseen."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Button

from tests.conftest import Sim
from tests.tui.driving import (
    SIZE,
    WHOLESALE,
    account_id,
    ask_to_save,
    click_field,
    field_input,
    make_app,
    open_account,
    open_trunk,
    rendered,
    replace_text,
    server_trunk,
    settle,
    status_of,
    trunk_table,
    until,
)
from trunktui.api import SippyClient
from trunktui.audit import audit_path, read_recent
from trunktui.simulator import FailMode
from trunktui.tui.app import TrunkApp
from trunktui.tui.screens.confirm import ConflictScreen
from trunktui.tui.screens.password import PasswordScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen


def a_trunk(client: SippyClient) -> tuple[int, int]:
    i_account = account_id(client, WHOLESALE)
    trunk = next(t for t in client.list_trunks(i_account) if t.get("capacity") is not None)
    return i_account, trunk.i_trunk


async def edit_description(pilot, i_trunk: int, text: str) -> TrunkScreen:  # type: ignore[no-untyped-def]
    await open_account(pilot, WHOLESALE)
    screen = await open_trunk(pilot, i_trunk)
    await click_field(pilot, "description")
    await replace_text(pilot, text, pasted=True)
    return screen


class TestConflicts:
    async def test_a_colleagues_change_is_shown_and_kept_when_saving_mine(
        self, app: TrunkApp, client: SippyClient
    ) -> None:
        """Someone changed capacity meanwhile: the dialog shows both versions;
        'Save mine' sends only my field, so their capacity survives."""
        _, i_trunk = a_trunk(client)
        async with app.run_test(size=SIZE) as pilot:
            await edit_description(pilot, i_trunk, "mine")
            client.update_trunk(i_trunk, {"capacity": 777})
            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ConflictScreen)
            await rendered(pilot, "Changed on the switch", "777", "← changed", "mine")
            assert app.focused is dialog.query_one("#cancel")
            dialog.query_one("#mine", Button).press()
            await settle(pilot)
        after = server_trunk(client, i_trunk)
        assert after is not None and after.get("description") == "mine" and after.get("capacity") == 777

    async def test_take_theirs_loads_their_values_and_keeps_my_other_edits(
        self, app: TrunkApp, client: SippyClient
    ) -> None:
        _, i_trunk = a_trunk(client)
        async with app.run_test(size=SIZE) as pilot:
            await edit_description(pilot, i_trunk, "mine")
            await click_field(pilot, "from_domain")
            await replace_text(pilot, "sip.mine.example.net", pasted=True)
            client.update_trunk(i_trunk, {"description": "theirs"})
            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConflictScreen)
            app.screen.query_one("#theirs", Button).press()
            await settle(pilot)
            assert field_input(app, "description").value == "theirs"
            assert field_input(app, "from_domain").value == "sip.mine.example.net"
            assert server_trunk(client, i_trunk).get("description") == "theirs"  # type: ignore[union-attr]
            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, ConflictScreen)
        after = server_trunk(client, i_trunk)
        assert after is not None and (after.get("description"), after.get("from_domain")) == (
            "theirs", "sip.mine.example.net")

    async def test_cancel_leaves_everything_as_it_was(self, app: TrunkApp, client: SippyClient) -> None:
        _, i_trunk = a_trunk(client)
        async with app.run_test(size=SIZE) as pilot:
            await edit_description(pilot, i_trunk, "mine")
            client.update_trunk(i_trunk, {"description": "theirs"})
            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, TrunkScreen)
            assert field_input(app, "description").value == "mine"
        assert server_trunk(client, i_trunk).get("description") == "theirs"  # type: ignore[union-attr]

    async def test_a_trunk_deleted_meanwhile_keeps_the_edits_for_re_creating(
        self, app: TrunkApp, client: SippyClient
    ) -> None:
        i_account, i_trunk = a_trunk(client)
        original = client.get_trunk(i_trunk)
        async with app.run_test(size=SIZE) as pilot:
            screen = await edit_description(pilot, i_trunk, "rescued")
            client.delete_trunk(i_trunk)
            await ask_to_save(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "may have been deleted" in status_of(app, "#save-status")
            assert field_input(app, "description").value == "rescued"
            screen.action_recreate()
            await settle(pilot)
            assert isinstance(app.screen, TrunkScreen) and app.screen.creating
            assert field_input(app, "name").value == original.name
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TrunksScreen)
        (again,) = [t for t in client.list_trunks(i_account) if t.name == original.name]
        assert again.get("description") == "rescued" and again.get("destination") == original.get("destination")


class TestLostAnswers:
    async def test_a_save_whose_answer_is_lost_is_checked_and_found_applied(
        self, app: TrunkApp, sim: Sim, client: SippyClient
    ) -> None:
        """The switch applies the update but the connection drops before the answer:
        the app reads the trunk back and says the change took effect."""
        _, i_trunk = a_trunk(client)
        async with app.run_test(size=SIZE) as pilot:
            await edit_description(pilot, i_trunk, "applied though unanswered")
            await ask_to_save(pilot)
            sim.server.knobs.fail_mode = FailMode.RESET
            sim.server.knobs.fail_every = sim.server.stats.calls + 2  # the read-back passes, the update drops
            await pilot.press("enter")
            await settle(pilot)
            sim.server.knobs.fail_every = 0
            status = status_of(app, "#save-status")
            assert "broke before the answer" in status and "did apply your change" in status
        assert server_trunk(client, i_trunk).get("description") == "applied though unanswered"  # type: ignore[union-attr]
        attempt, check = read_recent(audit_path())  # the trail says so too: unknown, then applied
        assert attempt["result"]["outcome"] == "unknown"
        assert check["result"]["read_back"] == "applied"
        assert check["after"] == {"description": "applied though unanswered"}

    async def test_a_save_that_was_not_applied_says_so_and_keeps_the_edits(
        self, app: TrunkApp, sim: Sim, client: SippyClient
    ) -> None:
        _, i_trunk = a_trunk(client)
        before = client.get_trunk(i_trunk)
        async with app.run_test(size=SIZE) as pilot:
            await edit_description(pilot, i_trunk, "never arrives")
            await ask_to_save(pilot)
            sim.server.knobs.fail_mode = FailMode.HTTP_500
            sim.server.knobs.fail_every = sim.server.stats.calls + 2
            await pilot.press("enter")
            await settle(pilot)
            sim.server.knobs.fail_every = 0
            status = status_of(app, "#save-status")
            assert "HTTP 500" in status and "did NOT apply" in status
            assert field_input(app, "description").value == "never arrives"
        assert server_trunk(client, i_trunk) == before

    @pytest.mark.parametrize(("purpose", "done"), [("save", "applied"), ("create", "created")])
    async def test_a_change_not_found_that_may_still_come_is_said_in_plain_words(
        self, app: TrunkApp, client: SippyClient, purpose: str, done: str
    ) -> None:
        """The read-back after a lost answer finds no change, but the request may still reach the switch."""
        i_account, i_trunk = a_trunk(client)
        async with app.run_test(size=SIZE) as pilot:
            if purpose == "save":
                screen = await edit_description(pilot, i_trunk, "still on its way")
                screen.pending = {"description": "still on its way"}
            else:
                await open_account(pilot, WHOLESALE)
                await pilot.press("n")
                await until(pilot, lambda: isinstance(app.screen, TrunkScreen), "the new trunk form")
                assert isinstance(app.screen, TrunkScreen)
                screen = app.screen
                screen.pending = {"i_account": i_account, "name": "still-on-its-way"}
            screen.check_after(purpose, "The answer was lost", settled=False)
            await settle(pilot)
            status = status_of(app, "#save-status")
            assert f"The answer was lost · when read back, the switch had not {done} it; it still may" in status


class TestAbandon:
    """Each test ends by stopping the simulator, which cuts the abandoned call's
    connection: the event loop's teardown waits for its worker thread, which
    would otherwise sit out the rest of the latency (seconds)."""

    async def test_escape_stops_waiting_for_a_slow_list(self, app: TrunkApp, sim: Sim) -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_account(pilot, WHOLESALE)
            rows = trunk_table(app).row_count
            sim.server.knobs.latency = 3.0
            await pilot.press("r")
            await until(pilot, lambda: "Escape stops waiting" in status_of(app), "the reload to start")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, TrunksScreen) and "Stopped waiting" in status_of(app)
            assert trunk_table(app).row_count == rows
            sim.server.knobs.latency = 0.0
            await pilot.press("r")
            await settle(pilot)
            assert screen.trunks and "Stopped" not in status_of(app)
        sim.server.stop()

    async def test_escape_during_a_slow_save_checks_what_happened(
        self, app: TrunkApp, sim: Sim, client: SippyClient
    ) -> None:
        """Escape while the save is still reading the trunk back (before the
        update is sent): the app stops waiting, reads back, and says truly that
        the switch did not apply the edit, which stays in the form."""
        _, i_trunk = a_trunk(client)
        before = server_trunk(client, i_trunk)
        async with app.run_test(size=SIZE) as pilot:
            await edit_description(pilot, i_trunk, "slow save")
            await ask_to_save(pilot)
            sim.server.knobs.latency = 1.0
            await pilot.press("enter")
            await until(pilot, lambda: "Escape stops waiting" in status_of(app, "#save-status"), "the save to start")
            await pilot.press("escape")
            sim.server.knobs.latency = 0.0
            await settle(pilot)
            assert isinstance(app.screen, TrunkScreen)
            status = status_of(app, "#save-status")
            assert status.startswith(("Stopped waiting for the save", "✖ Stopped waiting for the save"))
            assert "did NOT apply" in status, status
            assert field_input(app, "description").value == "slow save"
            assert app.screen.query_one("#save", Button).disabled is False
            await pilot.pause(1.2)  # past the abandoned call's latency: nothing is sent late
        assert server_trunk(client, i_trunk) == before
        sim.server.stop()


@pytest.mark.parametrize("mode", [FailMode.RESET, FailMode.TRUNCATED, FailMode.MALFORMED, FailMode.HTTP_500])
async def test_a_failed_list_leaves_the_app_usable(app: TrunkApp, sim: Sim, mode: FailMode) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = mode, 1
        await pilot.press("r")
        await settle(pilot)
        # A truncated list fails after its first trunks arrived, and says how many did.
        assert re.match(r"✖ Loading failed( part way)?:", status_of(app)) and "r retries" in status_of(app)
        assert ("only 29 of the trunks arrived" in status_of(app)) == (mode is FailMode.TRUNCATED)
        sim.server.knobs.fail_every = 0
        await pilot.press("r")
        await settle(pilot)
        assert not status_of(app).startswith("✖")


SAVE_FAULTS = [mode for mode in FailMode if mode is not FailMode.HTTP_401]


@pytest.mark.parametrize("mode", SAVE_FAULTS, ids=[m.value for m in SAVE_FAULTS])
async def test_every_fault_during_a_save_keeps_the_form_and_tells_the_truth(
    sim: Sim, client: SippyClient, mode: FailMode
) -> None:
    """The update itself fails in each way the wire can fail. The app stays on
    the form with the edit in it, says what happened beside Save, and, where
    the switch may have acted, reads back and says whether it did."""
    app = make_app(sim, settings={"read_timeout": 0.5, "max_text_bytes": 1 << 20})
    _, i_trunk = a_trunk(client)
    before = client.get_trunk(i_trunk)
    sim.server.knobs.stall = 1.5
    async with app.run_test(size=SIZE) as pilot:
        await edit_description(pilot, i_trunk, f"through {mode.value}")
        await ask_to_save(pilot)
        sim.server.knobs.fail_mode = mode
        sim.server.knobs.fail_every = sim.server.stats.calls + 2  # the read-back passes, the update fails
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.1)
        sim.server.knobs.fail_every = 0
        assert isinstance(app.screen, TrunkScreen)
        assert field_input(app, "description").value == f"through {mode.value}"
        status = status_of(app, "#save-status")
        assert status.startswith("✖ Saving failed:") or "did apply your change" in status, status
        assert "Traceback" not in status and "<" not in status
        after = server_trunk(client, i_trunk)
        if mode.runs_call:
            assert "did apply your change" in status
            assert after is not None and after.get("description") == f"through {mode.value}"
        else:
            assert after == before
            assert "did apply" not in status


async def test_a_refused_password_asks_again_and_keeps_the_screen(sim: Sim, client: SippyClient) -> None:
    """HTTP 401 mid-session (the API password was changed): the password prompt
    opens over the form, the edits stay, and the new password carries on."""
    app = make_app(sim)
    _, i_trunk = a_trunk(client)
    async with app.run_test(size=SIZE) as pilot:
        await edit_description(pilot, i_trunk, "after a new password")
        await ask_to_save(pilot)
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.HTTP_401, 1
        await pilot.press("enter")
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        assert isinstance(app.screen, PasswordScreen)
        assert isinstance(app.screen_stack[-2], TrunkScreen)
        await pilot.press(*sim.logins["acme"].password, "enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunkScreen)
        assert field_input(app, "description").value == "after a new password"
        await ask_to_save(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert server_trunk(client, i_trunk).get("description") == "after a new password"  # type: ignore[union-attr]
