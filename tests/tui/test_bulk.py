"""Changing many trunks at once, as an operator does it: the form, the preview, sending, and how each trunk ended.

The screens are opened with the entry helpers on trunks the app read
(``TrunksScreen.trunks``), over real HTTP to the simulator. What reached the
switch is read from the simulator's store: each ``update_trunk`` it was
asked to make is recorded, and the trunks are read back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, ProgressBar, Select, Static

from tests.conftest import Sim
from tests.tui.driving import (
    WHOLESALE,
    column,
    editor,
    make_app,
    open_account,
    rendered,
    replace_text,
    screen_text,
    set_value,
    settle,
    static_text,
    status_of,
    type_text,
    until,
)
from tests.wire import RecordingTransport
from trunktui.audit import read_recent
from trunktui.bulk import Plan, Reread, Result, Sent, Status
from trunktui.model import TRUNKS_2020, Trunk
from trunktui.profiles.config import Config, load_config
from trunktui.simulator import FailMode
from trunktui.tui.form import FieldEditor
from trunktui.tui.grid import Grid
from trunktui.tui.screens.accounts import AccountsScreen
from trunktui.tui.screens.bulk import BulkEditScreen, SetField, open_bulk_delete, open_bulk_edit, schema_of
from trunktui.tui.screens.bulk_send import MASK, PreviewScreen, SendingScreen, Stage, Tally, summary
from trunktui.tui.screens.confirm import ConfirmScreen
from trunktui.tui.screens.help import HelpScreen
from trunktui.tui.screens.trunks import TrunksScreen

SMALL = (80, 24)
CUSTOMER = 1
"""acme's customer id in the demo data."""


# --- what reached the switch --------------------------------------------------------------


@contextmanager
def updates(sim: Sim) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """Each change the switch was asked to make while the block runs: (i_trunk, changes)."""
    made: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()
    update = sim.store.update_trunk

    def recorded(i_customer: int, i_trunk: int, changes: dict[str, Any], **options: Any) -> bool:
        with lock:
            made.append((i_trunk, dict(changes)))
        return update(i_customer, i_trunk, changes, **options)

    sim.store.update_trunk = recorded  # type: ignore[method-assign]
    try:
        yield made
    finally:
        del sim.store.update_trunk


def stored(sim: Sim, i_trunk: int) -> dict[str, Any]:
    trunk = sim.store.get_trunk(CUSTOMER, i_trunk, api=sim.api)
    assert trunk is not None
    return trunk


def fail_call(sim: Sim, mode: FailMode, after: int) -> None:
    """The ``after``-th call from now fails as ``mode`` says; none before it, none for long after."""
    sim.server.knobs.fail_mode = mode
    sim.server.knobs.fail_every = sim.server.stats.calls + after


# --- driving the screens --------------------------------------------------------------------


async def marked(pilot: Pilot[None], count: int) -> tuple[TrunksScreen, list[Trunk]]:
    """The wholesale account's table and its first ``count`` trunks as the app read them."""
    table = await open_account(pilot, WHOLESALE)
    return table, list(table.trunks[:count])


async def bulk_form(pilot: Pilot[None], count: int) -> tuple[list[Trunk], list[list[int] | None]]:
    """The set-fields form over the first ``count`` trunks; what it returns lands in the list."""
    table, trunks = await marked(pilot, count)
    returned: list[list[int] | None] = []
    assert open_bulk_edit(table, trunks, returned.append)
    await settle(pilot)
    assert isinstance(pilot.app.screen, BulkEditScreen)
    return trunks, returned


async def preview(pilot: Pilot[None]) -> PreviewScreen:
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PreviewScreen), screen_text(pilot.app)
    return screen


async def send(pilot: Pilot[None]) -> SendingScreen:
    """Right to the confirm button and Enter: the screen that sends the change."""
    await pilot.press("right", "enter")
    screen = pilot.app.screen
    assert isinstance(screen, SendingScreen)
    return screen


async def confirm(pilot: Pilot[None]) -> SendingScreen:
    """Right to the confirm button, Enter, and wait for every trunk to end."""
    screen = await send(pilot)
    await until(pilot, lambda: screen.stage is Stage.ENDED, "every trunk to end")
    await settle(pilot)
    return screen


def results(screen: SendingScreen) -> dict[int, tuple[str, str]]:
    """Each trunk's shown result and detail, by id."""
    grid = screen.query_one(Grid)
    return {int(i): (status, detail) for i, status, detail in
            zip(column(grid, "trunk"), column(grid, "status"), column(grid, "detail"), strict=True)}


def capacity_of_others(sim: Sim, trunks: list[Trunk]) -> dict[int, Any]:
    chosen = {trunk.i_trunk for trunk in trunks}
    return {t["i_trunk"]: t["capacity"] for t in sim.store.list_trunks(1) if t["i_trunk"] not in chosen}


# --- the flow -------------------------------------------------------------------------------


async def test_capacity_set_on_five_trunks_is_previewed_then_sent_alone(sim: Sim) -> None:
    """Only the ticked member is sent, to each trunk of the five; every change is one audit line; the caller
    gets the ids back."""
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        trunks, returned = await bulk_form(pilot, 5)
        others = capacity_of_others(sim, trunks)
        await set_value(pilot, "capacity", "777")
        assert pilot.app.screen.query_one("#set-capacity", SetField).chosen, "editing a field ticks it"
        dialog = await preview(pilot)
        grid = dialog.query_one(Grid)
        assert column(grid, "trunk") == [str(t.i_trunk) for t in trunks]
        assert set(column(grid, "field")) == {"Capacity"}
        assert column(grid, "change") == [f"{'NULL' if t.get('capacity') is None else t.get('capacity')} → 777"
                                          for t in trunks]
        assert "Capacity on 5 trunks." in await rendered(pilot, "Send 5 trunks")
        with updates(sim) as made:
            sending = await confirm(pilot)
        assert sorted(made) == sorted((t.i_trunk, {"capacity": 777}) for t in trunks)
        assert all(status == "done" for status, _ in results(sending).values())
        assert "5 done · 0 conflict · 0 failed · 0 unknown · 0 not sent" in screen_text(app)
        assert all(stored(sim, t.i_trunk)["capacity"] == 777 for t in trunks)
        assert all(stored(sim, t.i_trunk)["description"] == t.get("description") for t in trunks)
        assert capacity_of_others(sim, trunks) == others
        audited = [entry for entry in read_recent() if entry["action"] == "update"]
        assert sorted(entry["trunk"] for entry in audited) == sorted(t.i_trunk for t in trunks)
        assert all(entry["after"] == {"capacity": 777} for entry in audited)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TrunksScreen)
        assert returned and sorted(returned[0] or []) == sorted(t.i_trunk for t in trunks)


async def test_enter_on_the_preview_cancels_and_sends_nothing(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 5)
        await set_value(pilot, "description", "maintenance window")
        dialog = await preview(pilot)
        assert app.focused is dialog.query_one("#cancel", Button)
        with updates(sim) as made:
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, BulkEditScreen)
        assert made == []
        assert all(stored(sim, t.i_trunk)["description"] == t.get("description") for t in trunks)


async def test_a_production_switch_wants_the_number_of_trunks_typed(sim: Sim) -> None:
    app = make_app(sim, label="prod", production=True)
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 5)
        await set_value(pilot, "capacity", "31")
        dialog = await preview(pilot)
        send = dialog.query_one("#confirm", Button)
        assert app.focused is dialog.query_one("#typed", Input) and send.disabled
        with updates(sim) as made:
            await pilot.press("enter")
            await type_text(pilot, "4")
            await pilot.press("enter")
            await settle(pilot)
            assert "Nothing sent: type 5" in screen_text(app)
            assert app.screen is dialog and send.disabled and made == []
            await pilot.press("backspace", "5")
            assert not send.disabled
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, SendingScreen)
            await until(pilot, lambda: screen.stage is Stage.ENDED, "every trunk to end")
        assert sorted(i for i, _ in made) == sorted(t.i_trunk for t in trunks)


async def test_a_trunk_changed_by_someone_else_since_it_was_read_is_skipped_and_listed(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 5)
        await set_value(pilot, "capacity", "55")
        await preview(pilot)
        theirs = trunks[2]
        with sim.client() as colleague:
            colleague.update_trunk(theirs.i_trunk, {"description": "changed by a colleague"})
        sending = await confirm(pilot)
        shown = results(sending)
        assert shown[theirs.i_trunk][0] == "conflict" and "Description" in shown[theirs.i_trunk][1]
        assert stored(sim, theirs.i_trunk)["capacity"] == theirs.get("capacity")
        assert all(shown[t.i_trunk][0] == "done" for t in trunks if t is not theirs)
        assert "4 done · 1 conflict · 0 failed" in screen_text(app)


async def send_one_at_a_time(pilot: Pilot[None], sim: Sim, count: int, values: dict[str, Any],
                             mode: FailMode) -> SendingScreen:
    """Send ``values`` to the first ``count`` trunks a trunk at a time, so that the calls come in a known order
    (each trunk is read, then changed), and the second trunk's change fails as ``mode`` says."""
    table, trunks = await marked(pilot, count)
    plan = Plan.setting(schema_of(table.context, trunks), trunks, values)
    screen = SendingScreen(table.context, plan, concurrency=1)
    fail_call(sim, mode, after=4)
    assert table.open(screen)
    await until(pilot, lambda: screen.stage is Stage.ENDED, "every trunk to end")
    await settle(pilot)
    return screen


async def test_a_fault_on_one_trunk_is_listed_with_its_text_and_r_tries_it_again(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        sending = await send_one_at_a_time(pilot, sim, 4, {"capacity": 12}, FailMode.FAULT)
        sim.server.knobs.fail_every = 0
        trunks = [result.change.trunk for result in sending.results]
        refused = trunks[1]
        shown = results(sending)
        assert shown[refused.i_trunk][0] == "failed" and "Injected fault" in shown[refused.i_trunk][1]
        assert [shown[t.i_trunk][0] for t in trunks if t is not refused] == ["done"] * 3
        assert stored(sim, refused.i_trunk)["capacity"] == refused.get("capacity")
        assert "3 done · 0 conflict · 1 failed" in screen_text(app)

        await pilot.press("r")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, PreviewScreen)
        assert column(again.query_one(Grid), "trunk") == [str(refused.i_trunk)]
        await pilot.press("right", "enter")
        await until(pilot, lambda: sending.stage is Stage.ENDED and app.screen is sending, "the second round")
        await settle(pilot)
        assert results(sending) == {refused.i_trunk: ("done", "")}
        assert stored(sim, refused.i_trunk)["capacity"] == 12
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TrunksScreen)


async def test_a_connection_reset_mid_answer_is_read_back_and_told_as_it_is(sim: Sim) -> None:
    """The switch made the change but its answer broke off: the trunk is read back, and said done."""
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        sending = await send_one_at_a_time(pilot, sim, 3, {"capacity": 13}, FailMode.RESET_MID_BODY)
        sim.server.knobs.fail_every = 0
        lost = sending.results[1].change.trunk
        status, detail = results(sending)[lost.i_trunk]
        assert status == "done" and "read back: it was made" in detail
        assert all(stored(sim, result.change.trunk.i_trunk)["capacity"] == 13 for result in sending.results)
        assert "3 done · 0 conflict · 0 failed · 0 unknown · 0 not sent" in screen_text(app)


async def test_escape_halfway_stops_sending_and_the_rest_is_not_sent(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 24)
        await set_value(pilot, "description", "halfway")
        await preview(pilot)
        sim.server.knobs.latency = 0.05
        with updates(sim) as made:
            sending = await send(pilot)
            await until(pilot, lambda: len(sending.results) >= 4, "a few trunks to end")
            await pilot.press("escape")
            assert "Stopping:" in screen_text(app) or sending.stage is Stage.ENDED
            await until(pilot, lambda: sending.stage is Stage.ENDED, "the trunks on their way")
            await settle(pilot)
        sim.server.knobs.latency = 0.0
        shown = results(sending)
        done = {i for i, (status, _) in shown.items() if status == "done"}
        not_sent = {i for i, (status, _) in shown.items() if status == "not sent"}
        assert done and not_sent and done | not_sent == {t.i_trunk for t in trunks}
        assert {i for i, _ in made} == done
        assert all(stored(sim, i)["description"] != "halfway" for i in not_sent)
        assert all(shown[i][1] == "sending stopped before its turn" for i in not_sent)
        assert f"{len(not_sent)} not sent" in screen_text(app)


async def test_a_burst_of_escapes_stops_and_abandons_but_never_closes_before_every_trunk_ended(sim: Sim) -> None:
    """Escape stops, the second abandons the changes on their way (unknown, or failed if they had not got past
    reading their trunk), and Escapes typed before the end close nothing, even when handled after it: the
    results stay on screen until an Escape pressed once they are all in."""
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await bulk_form(pilot, 8)
        await set_value(pilot, "description", "abandoned")
        await preview(pilot)
        sim.server.knobs.latency = 1.0
        sending = await send(pilot)
        typed_early = [events.Key("escape", None) for _ in range(3)]
        for _ in range(2):  # in one read, as a terminal delivers keys typed fast
            app.post_message(events.Key("escape", None))
        await until(pilot, lambda: sending.stage is Stage.ENDED, "the abandoned changes to end")
        for key in typed_early:
            app.post_message(key)
        await settle(pilot)
        sim.server.knobs.latency = 0.0
        assert app.screen is sending
        statuses = [status for status, _ in results(sending).values()]
        assert len(statuses) == 8 and "done" not in statuses
        assert statuses.count("not sent") >= 4
        assert set(statuses) - {"not sent"} <= {"unknown", "failed"}
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not sending


async def test_the_end_of_a_change_behind_help_waits_for_help_to_close(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await bulk_form(pilot, 4)
        await set_value(pilot, "description", "behind help")
        await preview(pilot)
        sim.server.knobs.latency = 0.2
        sending = await send(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await settle(pilot)
        sim.server.knobs.latency = 0.0
        assert sending.stage is Stage.SENDING, "the end is held while help covers the screen"
        await pilot.press("escape")
        await until(pilot, lambda: sending.stage is Stage.ENDED, "the held end")
        assert "4 done" in await rendered(pilot, "4 done")


async def test_read_only_refuses_before_anything_reaches_the_wire(sim: Sim, wire: RecordingTransport) -> None:
    app = make_app(sim, label="lab", settings={"read_only": True})
    async with app.run_test(size=SMALL) as pilot:
        table, trunks = await marked(pilot, 3)
        assert not open_bulk_edit(table, trunks)
        assert not open_bulk_delete(table, trunks)
        await pilot.pause()
        assert app.screen is table
        assert any("read-only" in str(note.message) for note in app._notifications)
        plan = Plan.deleting(schema_of(table.context, trunks), trunks)
        sending = SendingScreen(table.context, plan)
        assert table.open(sending)
        await until(pilot, lambda: sending.stage is Stage.ENDED, "the refusal")
        assert "read-only: no trunk was deleted" in await rendered(pilot, "read-only")
    sent = {method for method, _ in wire.calls}
    assert not sent & {"getTrunkInfo", "updateTrunk", "deleteTrunk"}, sent
    assert all(sim.store.get_trunk(CUSTOMER, t.i_trunk) is not None for t in trunks)


async def test_passwords_are_masked_in_the_form_and_the_preview(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await bulk_form(pilot, 3)
        await set_value(pilot, "password", "S3cret-bulk")
        assert "S3cret-bulk" not in screen_text(app)
        dialog = await preview(pilot)
        grid = dialog.query_one(Grid)
        assert set(column(grid, "change")) <= {f"{MASK} → (changed)", "(empty) → (changed)"}
        assert "S3cret-bulk" not in screen_text(app)


async def test_a_value_the_form_would_refuse_is_said_under_its_field_and_nothing_is_previewed(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await bulk_form(pilot, 3)
        assert not app.screen.query("#set-name"), "a name must differ between trunks"
        await pilot.press("ctrl+s")
        assert "Tick at least one field" in screen_text(app)
        await set_value(pilot, "capacity", "lots")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BulkEditScreen)
        assert editor(app, "capacity").has_class("-invalid")
        assert "Capacity must be a whole number" in await rendered(pilot, "Capacity must be")


async def test_a_trunk_that_already_holds_the_values_is_left_alone_and_says_so(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        table, trunks = await marked(pilot, 1)
        assert open_bulk_edit(table, trunks)
        await settle(pilot)
        assert app.screen.query("#set-name"), "a single trunk's name can be set"
        app.screen.query_one("#set-description", SetField).tick.value = True
        await preview(pilot)
        assert "The trunk already holds these values: nothing to send." in screen_text(app)
        assert not app.screen.query("#confirm")


async def test_marked_trunks_are_deleted_after_the_preview(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        table, trunks = await marked(pilot, 3)
        returned: list[list[int] | None] = []
        assert open_bulk_delete(table, trunks, returned.append)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PreviewScreen)
        assert column(dialog.query_one(Grid), "change") == ["will be deleted"] * 3
        assert "3 trunks will be deleted." in screen_text(app)
        await confirm(pilot)
        assert all(sim.store.get_trunk(CUSTOMER, t.i_trunk) is None for t in trunks)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is table and sorted(returned[0] or []) == sorted(t.i_trunk for t in trunks)


async def test_on_a_2022_switch_description_and_policy_are_set(sim22: Sim) -> None:
    app = make_app(sim22)
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 4)
        assert [row.editor.spec.name for row in app.screen.query(SetField)] == ["description", "policy"]
        await set_value(pilot, "description", "moved to the new SBC")
        with updates(sim22) as made:
            await preview(pilot)
            await confirm(pilot)
        assert sorted(made) == sorted((t.i_trunk, {"description": "moved to the new SBC"}) for t in trunks)
        assert all(stored(sim22, t.i_trunk)["description"] == "moved to the new SBC" for t in trunks)


def plain_plan(count: int) -> Plan:
    trunks = [Trunk({"i_trunk": i, "i_account": 1, "name": f"t{i}"}) for i in range(1, count + 1)]
    return Plan.deleting(TRUNKS_2020, trunks)


def test_results_told_faster_than_they_are_taken_make_one_message() -> None:
    """Hundreds of results from the engine's threads wait together: the screen is told once until it takes them."""
    told: list[Tally] = []
    tally = Tally(told.append)
    plan = plain_plan(300)
    threads = [threading.Thread(target=tally.add, args=(Sent(Result(change, Status.DONE), 1, 300),))
               for change in plan.changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(told) == 1 and len(tally.take()) == 300
    tally.add(Sent(Result(plan.changes[0], Status.DONE), 1, 300))
    assert len(told) == 2


def test_the_summary_counts_every_way_a_trunk_ends() -> None:
    changes = plain_plan(4).changes
    ended = [Result(changes[0], Status.DONE), Result(changes[1], Status.DONE),
             Result(changes[2], Status.CONFLICT), Result(changes[3], Status.FAILED)]
    assert summary(ended) == "2 done · 1 conflict · 1 failed · 0 unknown · 0 not sent"
    assert "1 gone" in summary([Result(changes[0], Status.GONE)])


# --- leaving, a switch out of reach, trying again ----------------------------------------------


def profiles(sim: Sim, tmp_path: Path) -> Config:
    """Two profiles on the simulator, each with its password: a switch between them asks nothing."""
    password = json.dumps(sim.logins["acme"].password)
    path = tmp_path / "profiles.toml"
    path.write_text("".join(f'[profiles.{name}]\nurl = "{sim.url}"\nusername = "acme"\npassword = {password}\n\n'
                            for name in ("acme", "lab")), encoding="utf-8")
    path.chmod(0o600)
    return load_config(path)


@pytest.mark.parametrize("leave", ["quit", "switch profile"])
async def test_leaving_while_sending_stops_it_at_once(sim: Sim, wire: RecordingTransport, tmp_path: Path,
                                                     leave: str) -> None:
    """Discard in the dialog that asks before leaving stops sending there and then: no further trunk reaches
    the switch, the dialog said so, and the engine's threads are gone by the time the app has."""
    app = make_app(sim, profile="acme", config=profiles(sim, tmp_path))
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 24)
        await set_value(pilot, "description", "left behind")
        await preview(pilot)
        sim.server.knobs.latency = 0.3
        sending = await send(pilot)
        await until(pilot, lambda: len(sending.results) >= 4, "a few trunks to end")
        left: list[int] = []
        abandon = sending.bulk.abandon

        def abandoned() -> None:
            left.append(len(wire.sent))
            abandon()

        sending.bulk.abandon = abandoned  # type: ignore[method-assign]
        if leave == "quit":
            await pilot.press("ctrl+q")
        else:
            app.switch_profile("lab")

        def asked() -> str:
            return " ".join(screen_text(app).replace("█", " ").split()) if isinstance(app.screen, ConfirmScreen) else ""

        await until(pilot, lambda: "Leave and lose them?" in asked(), "the question before leaving")
        await until(pilot, lambda: "leaving stops sending at once" in asked()
                    and "trunks changed so far stay changed" in asked(), "the question saying sending stops")
        await pilot.press("right", "enter")
        if leave == "switch profile":
            await until(pilot, lambda: isinstance(app.screen, AccountsScreen), "the other profile")
    for thread in threading.enumerate():
        if thread.name == "trunktui-bulk":
            thread.join(timeout=5)
            assert not thread.is_alive(), "the engine's threads outlive the screen that started them"
    sim.server.knobs.latency = 0.0
    assert left, "leaving did not stop sending"
    assert "updateTrunk" not in wire.sent[left[0]:]
    changed = [t.i_trunk for t in trunks if stored(sim, t.i_trunk)["description"] == "left behind"]
    assert len(changed) <= wire.sent[:left[0]].count("updateTrunk") < len(trunks)


async def test_a_switch_out_of_reach_is_named_as_why_sending_stopped(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        table, trunks = await marked(pilot, 8)
        plan = Plan.setting(schema_of(table.context, trunks), trunks, {"capacity": 21})
        screen = SendingScreen(table.context, plan, concurrency=1)
        sim.server.knobs.latency = 0.05
        assert table.open(screen)
        await until(pilot, lambda: len(screen.results) >= 2, "a few trunks to end")
        sim.server.stop()
        await until(pilot, lambda: screen.stage is Stage.ENDED, "every trunk to end")
        await settle(pilot)
        said = " ".join(status_of(app, "#send-status").split())
        assert said.startswith("✖ The switch could not be reached (")
        retried = sum(status != "done" for status, _ in results(screen).values())
        assert f"): sending stopped · r tries {retried} trunks again · " in said and "not sent" in said


async def policy_form(pilot: Pilot[None], *policies: str) -> FieldEditor:
    """The set-fields form over trunks holding ``policies``, one each, on a 2022 switch: its policy field."""
    table = await open_account(pilot, WHOLESALE)
    trunks: list[Trunk] = []
    for policy in policies:
        trunks.append(next(t for t in table.trunks if t.get("policy") == policy and t not in trunks))
    assert open_bulk_edit(table, trunks)
    await settle(pilot)
    return editor(pilot.app, "policy")


async def test_on_a_2022_switch_a_blank_policy_is_refused_under_its_field(sim22: Sim) -> None:
    """The switch takes no blank policy: picking the list's blank is refused under the field, and nothing is
    previewed or sent."""
    app = make_app(sim22)
    async with app.run_test(size=SMALL) as pilot:
        policy = await policy_form(pilot, "Ordered", "Ordered")
        box = policy.query_one(Select)
        assert box.value == "Ordered"
        box.focus()
        await pilot.press("enter", "home", "enter")
        await pilot.pause()
        assert box.value is Select.NULL and app.screen.query_one("#set-policy", SetField).chosen
        assert policy.has_class("-invalid")
        with updates(sim22) as made:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, BulkEditScreen) and made == []
        assert "Choose a Policy from the list." in await rendered(pilot, "Choose a Policy")


async def test_a_policy_the_trunks_do_not_share_must_be_chosen_before_it_is_set(sim22: Sim) -> None:
    """Trunks of both policies: the list shows none, and ticking it alone asks for one."""
    app = make_app(sim22)
    async with app.run_test(size=SMALL) as pilot:
        policy = await policy_form(pilot, "Ordered", "Round-Robin")
        assert policy.query_one(Select).value is Select.NULL
        app.screen.query_one("#set-policy", SetField).tick.value = True
        with updates(sim22) as made:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, BulkEditScreen) and made == []
        assert policy.has_class("-invalid")
        assert "Fix the 1 field marked in red first." in screen_text(app)
        assert "Choose a Policy from the list." in screen_text(app)


async def failed_everywhere(pilot: Pilot[None], sim: Sim, count: int) -> SendingScreen:
    """A change to ``count`` trunks that the switch refused on every one."""
    table, trunks = await marked(pilot, count)
    plan = Plan.setting(schema_of(table.context, trunks), trunks, {"capacity": 33})
    screen = SendingScreen(table.context, plan)
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, 1
    assert table.open(screen)
    await until(pilot, lambda: screen.stage is Stage.ENDED, "every trunk to end")
    sim.server.knobs.fail_every = 0
    await settle(pilot)
    assert {status for status, _ in results(screen).values()} <= {"failed", "not sent"}
    return screen


async def test_trying_again_reads_the_trunks_with_progress_and_escape_stops_it(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        sending = await failed_everywhere(pilot, sim, 12)
        sim.server.knobs.latency = 0.1
        reads = sim.server.stats.calls
        await pilot.press("r")
        said = await rendered(pilot, "read · Escape stops")
        assert "Reading 12 trunks again, 4 at a time: " in said
        await pilot.press("escape")
        assert sending.stage is Stage.ENDED and app.screen is sending
        await settle(pilot)
        sim.server.knobs.latency = 0.0
        assert app.screen is sending, "a stopped read previews nothing"
        assert "Stopped reading the trunks again: nothing previewed" in screen_text(app)
        assert sim.server.stats.calls - reads < 12


async def test_a_trunk_that_cannot_be_read_again_is_said_in_its_row_and_the_rest_are_previewed(sim: Sim) -> None:
    """One broken answer while reading again spoils only its trunk's read; one deleted since is gone."""
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        sending = await failed_everywhere(pilot, sim, 6)
        trunks = [result.change.trunk for result in sending.results]
        with sim.client() as colleague:
            colleague.delete_trunk(trunks[0].i_trunk)
        sending.concurrency = 1
        fail_call(sim, FailMode.HTTP_500, after=3)
        await pilot.press("r")
        await settle(pilot)
        sim.server.knobs.fail_every = 0
        dialog = app.screen
        assert isinstance(dialog, PreviewScreen), screen_text(app)
        previewed = column(dialog.query_one(Grid), "trunk")
        assert len(previewed) == 4 and str(trunks[0].i_trunk) not in previewed
        await pilot.press("escape")
        await settle(pilot)
        shown = results(sending)
        assert shown[trunks[0].i_trunk] == ("gone", "no longer on the switch")
        unread = [i for i, (_, detail) in shown.items() if detail.startswith("not read again (")]
        assert len(unread) == 1 and unread[0] not in map(int, previewed)
        assert "Read 4 trunks again; 1 trunk gone, 1 trunk not read (their rows say why)." in screen_text(app)


async def test_the_preview_shows_the_highlighted_change_whole_under_the_table(sim: Sim) -> None:
    """At 80x24 a long new value is cut in its cell; the line under the table shows it whole, and ↓ moves it."""
    new = "Orange Stockholm interconnect, moved to the new SBC in rack 4"
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 3)
        await set_value(pilot, "description", new)
        dialog = await preview(pilot)
        assert new not in screen_text(app).replace("█", " "), "the cell is cut: the line below is needed"

        def detail() -> str:
            return " ".join(static_text(dialog.query_one("#detail", Static)).split())

        assert detail() == f"{trunks[0].name} · Description: {trunks[0].get('description')} → {new}"
        assert new.split()[-1] in screen_text(app)
        await pilot.press("down")
        assert detail().startswith(f"{trunks[1].name} · Description: ")
        assert app.focused is dialog.query_one("#cancel", Button), "↓ moves the line, not the focus"


async def test_the_first_mark_note_goes_when_the_marked_trunks_are_changed(sim: Sim) -> None:
    """A note that says which keys act on marks would cover the preview's buttons: * and d in one read (as a
    terminal delivers keys typed fast) open the preview with no note over it."""
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        table = await open_account(pilot, WHOLESALE)
        for key in ("asterisk", "d"):
            app.post_message(events.Key(key, "*" if key == "asterisk" else key))
        await until(pilot, lambda: isinstance(app.screen, PreviewScreen), "the preview")
        await settle(pilot)
        assert table.marks and not list(app._notifications)


async def test_a_stopped_change_shows_how_much_the_switch_was_asked_not_all_of_it(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await bulk_form(pilot, 24)
        await set_value(pilot, "description", "partly")
        await preview(pilot)
        sim.server.knobs.latency = 0.05
        sending = await send(pilot)
        await until(pilot, lambda: len(sending.results) >= 4, "a few trunks to end")
        await pilot.press("escape")
        await until(pilot, lambda: sending.stage is Stage.ENDED, "the trunks on their way")
        await settle(pilot)
        sim.server.knobs.latency = 0.0
        asked = sum(status != "not sent" for status, _ in results(sending).values())
        bar = sending.query_one(ProgressBar)
        assert 4 <= asked < 24 and bar.total == 24 and bar.progress == asked
        assert "100%" not in screen_text(app)


async def test_the_fault_named_under_the_button_goes_once_the_field_is_put_right(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await bulk_form(pilot, 3)
        await replace_text(pilot, "foo bar:99999", field="destination")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Fix the 1 field marked in red first." in status_of(app, "#bulk-status")
        await replace_text(pilot, "192.0.2.7:5060", field="destination")
        await settle(pilot)
        assert not editor(app, "destination").has_class("-invalid")
        assert status_of(app, "#bulk-status") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen)


async def test_the_sending_heading_names_only_the_fields_that_change(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        table, trunks = await marked(pilot, 1)
        values = {"capacity": 778, "description": trunks[0].get("description")}
        plan = Plan.setting(schema_of(table.context, trunks), trunks, values)
        screen = SendingScreen(table.context, plan)
        assert table.open(screen)
        await until(pilot, lambda: screen.stage is Stage.ENDED, "the trunk to end")
        assert static_text(screen.query_one("#heading", Static)) == "Setting Capacity on 1 trunk"


async def test_a_value_is_typed_into_a_null_field_with_keys_alone(sim: Sim) -> None:
    """From a field's tick, Tab reaches its NULL box (the box to type in is hidden while NULL); Space unticks
    NULL and puts the typing there, so the digits typed next are the value. Typed on a tick, even in one
    burst, a value goes into its field."""
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        await bulk_form(pilot, 3)
        row = app.screen.query_one("#set-capacity", SetField)
        field = editor(app, "capacity")
        assert field.is_null
        row.tick.focus()
        await pilot.press("tab")
        assert app.focused is field.null
        await pilot.press("space", "1", "2", "0")
        await settle(pilot)
        assert app.focused is field.query_one("#input", Input)
        assert not field.is_null and field.value() == 120 and row.chosen
        await pilot.press("shift+tab")
        assert app.focused is row.tick
        await pilot.press("tab", "tab")
        assert app.focused is field.null

        cps = editor(app, "max_cps")
        app.screen.query_one("#set-max_cps", SetField).tick.focus()
        for key in ("2", "full_stop", "5"):  # in one read, before any of them is handled
            app.post_message(events.Key(key, "." if key == "full_stop" else key))
        await settle(pilot)
        assert not cps.is_null and cps.value() == 2.5 and app.screen.query_one("#set-max_cps", SetField).chosen


async def test_a_policy_the_trunks_share_is_shown_without_a_fault(sim22: Sim) -> None:
    app = make_app(sim22)
    async with app.run_test(size=SMALL) as pilot:
        trunks, _ = await bulk_form(pilot, 3)
        assert len({trunk.get("policy") for trunk in trunks}) == 1
        policy = editor(app, "policy")
        assert policy.problem is None and not policy.has_class("-invalid")
        assert "Choose a Policy" not in screen_text(app)


async def test_rows_said_again_after_a_read_keep_their_account_when_the_trunks_span_accounts(sim: Sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=SMALL) as pilot:
        table, trunks = await marked(pilot, 2)
        with sim.client() as client:
            other = client.list_trunks(client.list_accounts()[1].i_account)[:2]
        plan = Plan.setting(schema_of(table.context, trunks), [*trunks, *other], {"capacity": 33})
        screen = SendingScreen(table.context, plan)
        sim.server.knobs.fail_mode, sim.server.knobs.fail_every = FailMode.FAULT, 1
        assert table.open(screen)
        await until(pilot, lambda: screen.stage is Stage.ENDED, "every trunk to end")
        sim.server.knobs.fail_every = 0
        screen.note_unread(Reread([], gone=[other[0]], unread=[]))
        await settle(pilot)
        width = len(screen.columns)
        assert all(len(row) == width for row in screen.rows)
        assert column(screen.query_one(Grid), "account") == [str(t.get("i_account")) for t in [*trunks, *other]]
