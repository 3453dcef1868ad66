"""A 2022+ trunk's connections on its screen: the ordered list, add, edit, move, delete, and the create
and clone of a trunk with its connections, over real HTTP against the 2022 simulator (and the foreign
2022 switch, with habits of its own)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import Button, Select

from tests.conftest import Sim, running_sim
from tests.foreign import ForeignSwitch2022
from tests.tui.driving import (
    answers_held,
    ask_to_save,
    column,
    editor,
    field_input,
    make_app,
    open_account,
    open_trunk,
    replace_text,
    screen_text,
    select_trunk,
    settle,
    status_of,
    trunk_table,
    type_text,
    until,
)
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings
from trunktui.audit import audit_path, read_recent
from trunktui.simulator import FailMode, Store
from trunktui.tui.app import Session, TrunkApp
from trunktui.tui.form import TrunkForm
from trunktui.tui.screens.confirm import ConfirmScreen, ConflictScreen
from trunktui.tui.screens.connection import ConnectionScreen, ConnectionTable
from trunktui.tui.screens.help import HelpScreen
from trunktui.tui.screens.trunk import Progress, TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen
from trunktui.versions import Api

SMALL = (80, 24)
ACCOUNT = "carriers"
SECRETS = ("s3cret-main", "s3cret-backup", "s3cret-overflow")


@pytest.fixture
def sim22() -> Iterator[Sim]:
    """The simulator speaking the 2022+ API, with the demo data and an account of one trunk of three connections."""
    with running_sim(Api.V2022) as sim:
        add_carrier(sim.store, sim.logins["acme"].i_customer)
        yield sim


def add_carrier(store: Store, i_customer: int) -> None:
    """An account of one trunk, carrier-a, with three connections: main, backup, overflow."""
    i_account = store.add_account(i_customer, ACCOUNT)
    store.insert_trunks_with_connections([(
        {"i_account": i_account, "name": "carrier-a", "description": "Carrier A", "policy": "Ordered"},
        [{"name": "main", "destination": "192.0.2.1:5060", "capacity": 120, "username": "a1",
          "password": SECRETS[0]},
         {"name": "backup", "destination": "192.0.2.2:5060", "capacity": 60, "password": SECRETS[1]},
         {"name": "overflow", "destination": "192.0.2.3", "password": SECRETS[2]}],
    )])


def app22(sim: Sim, **session: Any) -> TrunkApp:
    return make_app(sim, settings={"api": "2022", **session.pop("settings", {})}, **session)


def names_on_switch(sim: Sim, trunk: str = "carrier-a") -> list[str]:
    i_trunk = trunk_id(sim, trunk)
    found = sim.store.list_connections(sim.logins["acme"].i_customer, i_trunk)
    assert found is not None
    return [c["name"] for c in found]


def trunk_id(sim: Sim, name: str) -> int:
    i_customer = sim.logins["acme"].i_customer
    (account,) = (a for a in sim.store.list_accounts(i_customer, 0, 100) if a["username"] == ACCOUNT)
    (trunk,) = (t for t in sim.store.list_trunks(account["i_account"], api=Api.V2022) if t["name"] == name)
    return int(trunk["i_trunk"])


def connection_id(sim: Sim, name: str) -> int:
    found = sim.store.list_connections(sim.logins["acme"].i_customer, trunk_id(sim, "carrier-a"))
    assert found is not None
    return int(next(c["i_trunk_connection"] for c in found if c["name"] == name))


def listed(pilot: Pilot[None]) -> list[str]:
    """The names in the trunk screen's list of connections, top to bottom."""
    return [str(c.name) for c in pilot.app.screen.query_one(ConnectionTable).shown]


def highlighted(pilot: Pilot[None]) -> str:
    connection = pilot.app.screen.query_one(ConnectionTable).current()
    assert connection is not None
    return str(connection.name)


async def opened(pilot: Pilot[None]) -> TrunkScreen:
    await open_account(pilot, ACCOUNT)
    return await open_trunk(pilot, "carrier-a")


async def on_list(pilot: Pilot[None], row: int = 0) -> ConnectionTable:
    """Focus the list of connections, the cursor on ``row``."""
    table = pilot.app.screen.query_one(ConnectionTable)
    table.focus()
    await pilot.pause()
    table.move_cursor(row=row)
    await pilot.pause()
    return table


async def open_connection(pilot: Pilot[None], row: int) -> ConnectionScreen:
    await on_list(pilot, row)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConnectionScreen)
    return screen


# --- the list ----------------------------------------------------------------------------------------


async def test_the_trunk_screen_shows_its_own_fields_and_its_connections_in_order(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        screen = await opened(pilot)
        assert [e.spec.name for e in screen.form.editors()] == ["name", "description", "policy"]
        assert editor(pilot.app, "policy").query_one(Select).value == "Ordered"
        assert listed(pilot) == ["main", "backup", "overflow"]
        await on_list(pilot)
        text = await screen_text_with(pilot, "main", "overflow")
        assert "Destination" in text and "192.0.2.1:5060" in text
        assert not any(secret in text for secret in SECRETS)


async def screen_text_with(pilot: Pilot[None], *needles: str) -> str:
    await until(pilot, lambda: all(n in screen_text(pilot.app) for n in needles), f"{needles} on the screen")
    return screen_text(pilot.app)


async def test_a_policy_the_switch_sent_that_is_not_offered_stays_unless_changed(
    sim22: Sim, wire: RecordingTransport
) -> None:
    """The switch holds a policy it does not list: it is shown, and a save of another field leaves it alone."""
    sim22.store.update_trunk(sim22.logins["acme"].i_customer, trunk_id(sim22, "carrier-a"),
                             {"policy": "Weighted"}, api=Api.V2022)
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        assert editor(pilot.app, "policy").query_one(Select).value == "Weighted"
        await replace_text(pilot, "Carrier A, London", field="description")
        dialog = await ask_to_save(pilot)
        await pilot.click(dialog.query_one("#confirm"))
        await settle(pilot)
    assert wire.of("updateTrunk") == [{"i_trunk": trunk_id(sim22, "carrier-a"), "description": "Carrier A, London"}]


# --- add, edit -----------------------------------------------------------------------------------------


async def add_reserve(pilot: Pilot[None]) -> None:
    """From the list, add a connection named reserve."""
    await on_list(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConnectionScreen) and screen.creating
    await replace_text(pilot, "reserve", field="name")
    await replace_text(pilot, "192.0.2.4:5060", field="destination")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_add_a_connection_puts_it_last_with_the_cursor_on_it(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await add_reserve(pilot)
        assert isinstance(pilot.app.screen, TrunkScreen)
        assert listed(pilot) == ["main", "backup", "overflow", "reserve"]
        assert highlighted(pilot) == "reserve"
    assert names_on_switch(sim22) == ["main", "backup", "overflow", "reserve"]


async def test_edit_a_connection_shows_old_and_new_and_sends_only_the_change(
    sim22: Sim, wire: RecordingTransport
) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        screen = await open_connection(pilot, 1)
        assert screen.record is not None and screen.record.name == "backup"
        assert field_input(pilot.app, "password").password
        await replace_text(pilot, "90", field="capacity")
        dialog = await ask_to_save(pilot)
        assert dialog.title_text == "Save 1 changed field of connection backup?"
        shown = screen_text(pilot.app)
        assert "60" in shown and "90" in shown and SECRETS[1] not in shown
        await pilot.click(dialog.query_one("#confirm"))
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunkScreen)
        assert highlighted(pilot) == "backup"
    assert wire.of("updateTrunkConnection") == [{"i_trunk_connection": connection_id(sim22, "backup"),
                                                 "capacity": 90}]


async def test_a_connection_changed_on_the_switch_meanwhile_is_a_conflict(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await open_connection(pilot, 0)
        sim22.store.update_connection(sim22.logins["acme"].i_customer, connection_id(sim22, "main"),
                                      {"capacity": 5})
        await replace_text(pilot, "200", field="capacity")
        dialog = await ask_to_save(pilot)
        await pilot.click(dialog.query_one("#confirm"))
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConflictScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert "Not saved" in status_of(pilot.app, "#save-status")
        assert field_input(pilot.app, "capacity").value == "200"
    found = sim22.store.get_connection(sim22.logins["acme"].i_customer, connection_id(sim22, "main"))
    assert found is not None and found["capacity"] == 5


async def test_a_fault_during_a_connection_save_keeps_the_edits(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await open_connection(pilot, 2)
        await replace_text(pilot, "198.51.100.7", field="destination")
        dialog = await ask_to_save(pilot)
        calls = sim22.server.stats.calls
        sim22.server.knobs.fail_mode = FailMode.FAULT
        sim22.server.knobs.fail_every = calls + 2  # the read-back before saving passes; the update faults
        await pilot.click(dialog.query_one("#confirm"))
        await settle(pilot)
        sim22.server.knobs.fail_every = 0
        assert status_of(pilot.app, "#save-status").startswith("✖ Saving failed")
        assert field_input(pilot.app, "destination").value == "198.51.100.7"
        assert isinstance(pilot.app.screen, ConnectionScreen)
    found = sim22.store.get_connection(sim22.logins["acme"].i_customer, connection_id(sim22, "overflow"))
    assert found is not None and found["destination"] == "192.0.2.3"


# --- move, delete ---------------------------------------------------------------------------------------


async def test_moves_make_one_call_each_then_read_the_list_again_keeping_the_cursor(
    sim22: Sim, wire: RecordingTransport
) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 1)
        lists = len(wire.of("getTrunkConnectionsList"))
        await pilot.press("shift+up")
        await settle(pilot)
        assert listed(pilot) == ["backup", "main", "overflow"] and highlighted(pilot) == "backup"
        await pilot.press("shift+down")
        await settle(pilot)
        await pilot.press("shift+down")
        await settle(pilot)
        assert listed(pilot) == ["main", "overflow", "backup"] and highlighted(pilot) == "backup"
        await pilot.press("shift+down")
        await settle(pilot)
        assert "already last" in status_of(pilot.app, "#connections-status")
    backup = connection_id(sim22, "backup")
    assert wire.of("updateTrunkConnection") == [{"i_trunk_connection": backup, "order_no": way}
                                                for way in ("up", "down", "down")]
    assert len(wire.of("getTrunkConnectionsList")) == lists + 3
    assert names_on_switch(sim22) == ["main", "overflow", "backup"]


async def test_a_key_burst_on_the_list_moves_the_connection_the_cursor_reached(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 0)
        await pilot.press("down", "down", "shift+up")
        await settle(pilot)
        assert listed(pilot) == ["main", "overflow", "backup"] and highlighted(pilot) == "overflow"
    assert names_on_switch(sim22) == ["main", "overflow", "backup"]


async def test_delete_then_enter_at_once_cancels_and_deletes_nothing(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 1)
        await pilot.press("d", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunkScreen)
        assert "Not deleted" in status_of(pilot.app, "#connections-status")
    assert names_on_switch(sim22) == ["main", "backup", "overflow"]


async def test_delete_a_connection_after_confirming(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 1)
        await pilot.press("d")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmScreen) and dialog.focused is dialog.query_one("#cancel")
        assert "Delete this connection?" in screen_text(pilot.app)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert listed(pilot) == ["main", "overflow"]
        assert "Deleted connection backup" in status_of(pilot.app, "#connections-status")
    assert names_on_switch(sim22) == ["main", "overflow"]


async def back_to_the_table(pilot: Pilot[None]) -> tuple[str, str]:
    """Escape from the trunk's screen; carrier-a's First destination and Conns in the table behind."""
    await pilot.press("escape")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TrunksScreen)
    trunk = screen.current()
    assert trunk is not None and trunk.name == "carrier-a"
    table = trunk_table(pilot.app)
    return column(table, "first_destination")[table.cursor_row], column(table, "connection_count")[table.cursor_row]


async def test_going_back_after_a_move_a_delete_or_an_add_reloads_the_table(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 1)
        await pilot.press("shift+up")
        await settle(pilot)
        assert await back_to_the_table(pilot) == ("192.0.2.2:5060", "3")
        await open_trunk(pilot, "carrier-a")
        await on_list(pilot, 0)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("right", "enter")  # Delete, not the Cancel that has the focus
        await settle(pilot)
        assert await back_to_the_table(pilot) == ("192.0.2.1:5060", "2")
        await open_trunk(pilot, "carrier-a")
        await add_reserve(pilot)
        assert await back_to_the_table(pilot) == ("192.0.2.1:5060", "3")


async def test_a_move_pressed_while_one_is_on_its_way_is_said_not_dropped(sim22: Sim) -> None:
    """The second Shift+Down is not sent (main moves once), and the screen says why."""
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 0)
        with answers_held(sim22, "update_connection", lambda *args: True):
            await pilot.press("shift+down")
            await pilot.pause()
            await pilot.press("shift+down")
            await pilot.pause()
            said = status_of(pilot.app, "#connections-status")
            assert said.startswith("⧗ Still moving main down") and "press the key again" in said, said
        await settle(pilot)
        assert listed(pilot) == ["backup", "main", "overflow"]
    assert names_on_switch(sim22) == ["backup", "main", "overflow"]


async def test_on_a_production_switch_the_connections_name_is_typed_to_delete(sim22: Sim) -> None:
    async with app22(sim22, label="live", production=True).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 2)
        await pilot.press("d")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "Type the connection's name" in screen_text(pilot.app)
        assert dialog.query_one("#confirm", Button).disabled
        await type_text(pilot, "overflow")
        await pilot.press("enter")
        await settle(pilot)
        assert listed(pilot) == ["main", "backup"]
    assert names_on_switch(sim22) == ["main", "backup"]


async def test_read_only_shows_the_connections_and_changes_none(
    sim22: Sim, wire: RecordingTransport
) -> None:
    async with app22(sim22, label="lab", settings={"read_only": True}).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 1)
        for key, done in (("a", "added"), ("d", "deleted"), ("shift+up", "moved"), ("shift+down", "moved")):
            await pilot.press(key)
            await settle(pilot)
            said = status_of(pilot.app, "#connections-status")
            assert said == f"✖ Read-only: connections cannot be {done} here.", (key, said)
        footer = screen_text(pilot.app).splitlines()[-1]
        assert "Add" not in footer and "Up" not in footer and "Delete" not in footer
        assert listed(pilot) == ["main", "backup", "overflow"]
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ConnectionScreen)
        assert screen.query_one(TrunkForm).disabled and not screen.query_one("#save").display
    assert not [m for m, _ in wire.calls if m.startswith(("create", "update", "delete"))]


# --- create and clone -------------------------------------------------------------------------------------


async def new_trunk(pilot: Pilot[None]) -> TrunkScreen:
    await open_account(pilot, ACCOUNT)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TrunkScreen) and screen.creating
    await replace_text(pilot, "carrier-b", field="name")
    pilot.app.screen.query_one("#connection-field-name #input").focus()
    await pilot.press("end", "ctrl+u", *"main")
    pilot.app.screen.query_one("#connection-field-destination #input").focus()
    await pilot.press("end", "ctrl+u", *"192.0.2.9:5060")
    return screen


async def test_a_new_trunk_is_created_with_its_first_connection(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await new_trunk(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunksScreen), screen_text(pilot.app)
    assert names_on_switch(sim22, "carrier-b") == ["main"]


async def test_when_the_first_connection_fails_the_trunk_exists_and_a_retry_sends_only_the_connection(
    sim22: Sim, wire: RecordingTransport
) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        screen = await new_trunk(pilot)
        calls = sim22.server.stats.calls
        sim22.server.knobs.fail_mode = FailMode.FAULT
        sim22.server.knobs.fail_every = calls + 2  # createTrunk passes, createTrunkConnection faults
        await pilot.press("ctrl+s")
        await settle(pilot)
        sim22.server.knobs.fail_every = 0
        assert pilot.app.screen is screen
        i_trunk = trunk_id(sim22, "carrier-b")
        said = status_of(pilot.app, "#save-status")
        assert f"Trunk {i_trunk} was created, but not all its connections" in said
        assert screen.query_one("#connection-field-destination #input").value == "192.0.2.9:5060"
        assert names_on_switch(sim22, "carrier-b") == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunksScreen)
    assert len(wire.of("createTrunk")) == 1
    assert [p["name"] for p in wire.of("createTrunkConnection")] == ["main", "main"]
    assert names_on_switch(sim22, "carrier-b") == ["main"]


async def cloning(pilot: Pilot[None]) -> TrunkScreen:
    """The form of a clone of carrier-a, its connections read."""
    await open_account(pilot, ACCOUNT)
    await select_trunk(pilot, "carrier-a")
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TrunkScreen) and screen.creating
    return screen


async def test_clone_copies_the_trunk_and_its_connections_in_order(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await cloning(pilot)
        assert field_input(pilot.app, "name").value == "carrier-a-copy"
        assert listed(pilot) == ["main", "backup", "overflow"]
        assert "3 connections will be copied" in status_of(pilot.app, "#connections-status")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunksScreen)
    assert names_on_switch(sim22, "carrier-a-copy") == ["main", "backup", "overflow"]
    copied = sim22.store.list_connections(sim22.logins["acme"].i_customer, trunk_id(sim22, "carrier-a-copy"))
    assert copied is not None and [c["password"] for c in copied] == list(SECRETS)


async def test_a_clone_copies_the_members_a_switch_returns_that_few_switches_have(sim22: Sim) -> None:
    """A blocked backup is copied blocked, with its hunt-stop codes and asserted identity."""
    rare = {"blocked": True, "huntstop_scodes": "486,603", "use_asserted_id": True, "asserted_id_translation": "s/a/b/"}
    sim22.store.update_connection(sim22.logins["acme"].i_customer, connection_id(sim22, "backup"), rare)
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await cloning(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunksScreen)
    copied = sim22.store.list_connections(sim22.logins["acme"].i_customer, trunk_id(sim22, "carrier-a-copy"))
    assert copied is not None
    main, backup, _ = copied
    assert {name: backup[name] for name in rare} == rare
    assert not main["blocked"] and main["huntstop_scodes"] == ""


class SlowBackup:
    """The switch takes a clone's main at once and holds the create of backup until ``go``; once ``late``,
    it answers no list of connections until backup is made (so a read-back after Escape finds it).
    ``created`` names the connections it was asked to create, in order."""

    def __init__(self, sim: Sim) -> None:
        self.arrived, self.go, self.late, self.made = (threading.Event() for _ in range(4))
        self.created: list[str] = []
        create, listing = sim.store.create_connection, sim.store.list_connections

        def held_create(i_customer: int, values: Any) -> Any:
            self.created.append(values["name"])
            if values["name"] != "backup":
                return create(i_customer, values)
            self.arrived.set()
            self.go.wait(10)
            made = create(i_customer, values)
            self.made.set()
            return made

        def held_listing(*args: Any, **kwargs: Any) -> Any:
            if self.late.is_set():
                self.made.wait(10)
            return listing(*args, **kwargs)

        sim.store.create_connection = held_create  # type: ignore[method-assign]
        sim.store.list_connections = held_listing  # type: ignore[method-assign]

    async def clone(self, pilot: Pilot[None]) -> TrunkScreen:
        """Clone carrier-a until its create of backup is held."""
        screen = await cloning(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, self.arrived.is_set, "the create of backup reaching the switch")
        return screen


async def test_escape_stops_a_clone_and_a_retry_adds_only_what_is_missing(sim22: Sim) -> None:
    """Escape while backup is being made: overflow is not sent after it, the read-back counts what the trunk
    has, and Ctrl+S adds the rest."""
    slow = SlowBackup(sim22)
    try:
        async with app22(sim22).run_test(size=SMALL) as pilot:
            screen = await slow.clone(pilot)
            slow.late.set()
            await pilot.press("escape")
            slow.go.set()
            await settle(pilot)
            await pilot.pause(0.3)  # the abandoned call's thread goes on after its worker: time to send overflow
            assert "not all its connections (2 of 3 copied)" in status_of(pilot.app, "#save-status")
            assert names_on_switch(sim22, "carrier-a-copy") == ["main", "backup"]
            assert pilot.app.screen is screen and slow.created == ["main", "backup"]
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(pilot.app.screen, TrunksScreen)
    finally:
        slow.go.set()
    assert names_on_switch(sim22, "carrier-a-copy") == ["main", "backup", "overflow"]
    assert slow.created == ["main", "backup", "overflow"]


async def test_a_create_s_progress_is_said_only_on_its_screen_while_shown(sim22: Sim) -> None:
    slow = SlowBackup(sim22)
    try:
        async with app22(sim22).run_test(size=SMALL) as pilot:
            screen = await slow.clone(pilot)
            (worker,) = screen.calls_in_flight("create")
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(pilot.app.screen, HelpScreen)
            screen.post_message(Progress("Trunk 9 created; adding connection 3 of 3, overflow…", worker))
            await pilot.pause()
            assert "adding connection 3 of 3" not in screen.status().said
            slow.go.set()
            await settle(pilot)
    finally:
        slow.go.set()


# --- a switch with other habits -----------------------------------------------------------------------------


async def test_on_a_sparse_2022_switch_a_connection_edit_sends_only_the_change(foreign22: ForeignSwitch2022) -> None:
    """The foreign switch leaves out empty members and sends booleans as 0/1: none of that is an edit."""
    i_trunk = foreign22.add(name="sparse", description="Sparse")
    i_connection = foreign22.connect(i_trunk, name="only", destination="192.0.2.7", random_call_id=True)
    async with foreign_app(foreign22).run_test(size=SMALL) as pilot:
        await open_account(pilot, "foreign-main")
        await open_trunk(pilot, i_trunk)
        assert listed(pilot) == ["only"]
        await open_connection(pilot, 0)
        await replace_text(pilot, "elsewhere", field="username")
        dialog = await ask_to_save(pilot)
        await pilot.click(dialog.query_one("#confirm"))
        await settle(pilot)
    assert [p for m, p in foreign22.calls if m == "updateTrunkConnection"] == [
        {"i_trunk_connection": i_connection, "username": "elsewhere", "i_customer": 1}]


def foreign_app(switch: ForeignSwitch2022) -> TrunkApp:
    return TrunkApp(Session(ConnectionSettings(switch.url, trusted=True, i_customer=1, api="2022"),
                            label="Elsewhere"))


async def test_a_move_the_switch_took_but_did_not_make_is_said(foreign22: ForeignSwitch2022) -> None:
    """This switch stores "up" as the place itself and keeps its list as added: nothing moved, and the
    screen says so rather than "Moved"."""
    i_trunk = foreign22.add(name="unordered", description="Keeps no order")
    for place, name in enumerate(("c-first", "c-second", "c-third"), 1):
        foreign22.connect(i_trunk, name=name, destination=f"192.0.2.{place}", order_no=place)
    async with foreign_app(foreign22).run_test(size=SMALL) as pilot:
        await open_account(pilot, "foreign-main")
        await open_trunk(pilot, i_trunk)
        await on_list(pilot, 2)
        await pilot.press("shift+up")
        await settle(pilot)
        assert listed(pilot) == ["c-first", "c-second", "c-third"]
        said = status_of(pilot.app, "#connections-status")
        assert said == "✖ c-third did not move: the switch took the call, but lists it at place 3 still.", said


async def test_a_member_the_switch_left_out_is_blank_in_the_list_as_in_the_form(
    foreign22: ForeignSwitch2022
) -> None:
    i_trunk = foreign22.add(name="sparse", description="Sparse")
    foreign22.connect(i_trunk, name="only", destination="192.0.2.7")
    async with foreign_app(foreign22).run_test(size=SMALL) as pilot:
        await open_account(pilot, "foreign-main")
        await open_trunk(pilot, i_trunk)
        table = pilot.app.screen.query_one(ConnectionTable)
        assert str(table.get_cell_at(Coordinate(0, 5))) == ""
        assert "NULL" not in screen_text(pilot.app)


# --- lost answers ---------------------------------------------------------------------------------------


async def test_a_connection_save_whose_answer_is_lost_is_read_back_and_said(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await open_connection(pilot, 1)
        await replace_text(pilot, "75", field="capacity")
        dialog = await ask_to_save(pilot)
        calls = sim22.server.stats.calls
        sim22.server.knobs.fail_mode = FailMode.TRUNCATED
        sim22.server.knobs.fail_every = calls + 2  # the read-back before saving passes; the update's answer breaks
        await pilot.click(dialog.query_one("#confirm"))
        await settle(pilot)
        sim22.server.knobs.fail_every = 0
        assert "but the switch did apply your change" in status_of(pilot.app, "#save-status")
    found = sim22.store.get_connection(sim22.logins["acme"].i_customer, connection_id(sim22, "backup"))
    assert found is not None and found["capacity"] == 75
    attempt, check = read_recent(audit_path())
    assert attempt["action"] == check["action"] == "update connection"
    assert check["result"]["read_back"] == "applied"


async def test_a_connection_create_whose_answer_is_lost_is_looked_up_and_audited(sim22: Sim) -> None:
    """The create took, its answer broke: the connection is found by name in its trunk, the screen goes on
    to it, and the audit trail holds the failed attempt and what the read-back found."""
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        calls = sim22.server.stats.calls
        sim22.server.knobs.fail_mode = FailMode.TRUNCATED
        sim22.server.knobs.fail_every = calls + 1  # the create's answer breaks
        await add_reserve(pilot)
        sim22.server.knobs.fail_every = 0
        await settle(pilot)
    assert names_on_switch(sim22).count("reserve") == 1
    attempt, check = read_recent(audit_path())
    assert attempt["action"] == check["action"] == "create connection"
    assert check["result"]["read_back"] == "applied" and check["connection"] == connection_id(sim22, "reserve")


async def test_a_move_whose_answer_is_lost_is_read_back_and_said(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        await opened(pilot)
        await on_list(pilot, 0)
        calls = sim22.server.stats.calls
        sim22.server.knobs.fail_mode = FailMode.TRUNCATED
        sim22.server.knobs.fail_every = calls + 1
        await pilot.press("shift+down")
        await settle(pilot)
        sim22.server.knobs.fail_every = 0
        assert "read back: the switch did move it" in status_of(pilot.app, "#connections-status")
        assert listed(pilot) == ["backup", "main", "overflow"] and highlighted(pilot) == "main"


async def clone_failing_at_the_second_connection(pilot: Pilot[None], sim: Sim, mode: FailMode) -> str:
    """Clone carrier-a, the trunk and its first connection passing and the second failing as ``mode``;
    return what the screen says."""
    await cloning(pilot)
    calls = sim.server.stats.calls
    sim.server.knobs.fail_mode, sim.server.knobs.fail_every = mode, calls + 3
    await pilot.press("ctrl+s")
    await settle(pilot)
    sim.server.knobs.fail_every = 0
    return status_of(pilot.app, "#save-status")


async def test_a_clone_that_fails_part_way_says_so_and_a_retry_copies_only_the_rest(
    sim22: Sim, wire: RecordingTransport
) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        said = await clone_failing_at_the_second_connection(pilot, sim22, FailMode.FAULT)
        assert "was created, but not all its connections (1 of 3 copied): Fault 500" in said
        assert names_on_switch(sim22, "carrier-a-copy") == ["main"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunksScreen)
    assert len(wire.of("createTrunk")) == 1
    assert [p["name"] for p in wire.of("createTrunkConnection")] == ["main", "backup", "backup", "overflow"]
    assert names_on_switch(sim22, "carrier-a-copy") == ["main", "backup", "overflow"]


async def test_a_clone_failure_ending_in_a_full_stop_is_one_sentence(sim22: Sim) -> None:
    async with app22(sim22).run_test(size=SMALL) as pilot:
        said = await clone_failing_at_the_second_connection(pilot, sim22, FailMode.HTTP_500)
        assert "(1 of 3 copied): 127.0.0.1" in said and "instead of XML-RPC. What is still" in said, said
        assert ".." not in said
