"""Snapshot tests: what each screen looks like, one class per screen.

Every test runs the real app against the simulator fixture (``sim``) over
HTTP, drives it with the pilot in ``run_before`` and compares an SVG of the
terminal with the accepted one under ``__snapshots__/test_snapshots/``.
After a deliberate change to the UI, look at the report pytest links to,
then accept the new pictures with::

    python -m pytest tests/tui/test_snapshots.py --snapshot-update

Keeping snapshots stable across runs and machines:

- the header names the login as ``acme@simulator``, never the port;
- the theme is fixed and NO_COLOR is ignored (``plain_environment``);
- faults come from the switch (``Fault 409``, an injected ``Fault 500``),
  never from the transport, whose messages name host and port;
- every call is waited for (``settle``), so no loading spinner is caught,
  and text boxes then stop blinking, so the cursor is always shown;
- the export dialog's default path (working directory and clock) is pinned,
  and so is the time the trunk form says it read the trunk.

The app is made and driven with the helpers every pilot test uses
(``tests/tui/driving.py``).

No snapshot may show a password: ``TestNoSecrets`` reads every SVG back.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from tests.conftest import Sim, running_sim
from tests.tui.driving import (
    WHOLESALE,
    add_long_named_trunk,
    answers_held,
    failing_account,
    field_input,
    leaks,
    make_app,
    open_account,
    open_trunk,
    rendered,
    replace_text,
    route_app_through,
    secrets_of,
    select_trunk,
    settle,
    type_text,
)
from tests.wire import ForwardingTransport
from trunktui import search as search_module
from trunktui.simulator import Store, seed_demo
from trunktui.simulator.demo import add_extra_accounts
from trunktui.tui.screens import record as record_module
from trunktui.tui.screens import trunks as trunks_module
from trunktui.tui.screens.bulk import open_bulk_edit
from trunktui.tui.screens.connection import ConnectionTable
from trunktui.versions import Api

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot], Awaitable[None]]

WIDE = (120, 40)
SMALL = (80, 24)
SIZES = pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x40", "80x24"])

# Trunks of account 1 (acme-wholesale) in the deterministic demo data.
WITH_NULLS = "sinch-vie-10"  # Capacity and the backup members are NULL
WITH_PASSWORD = "tata-mia-11"  # has a username and a password
# Passwords the tests type into the app; none may reach a snapshot.
NEW_PASSWORD = "N3w-pw-42"
TYPED_PASSWORD = "Typed-pw-7"
WRONG_PASSWORD = "Wrong-pw-9"
ASK_PASSWORD = {"password": ""}  # no password in the settings: the app asks for it

TESTS = Path(__file__).parents[1]
SCREENSHOTS = TESTS.parent / "screenshots"


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's NO_COLOR would turn every snapshot grey."""
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def read_at_a_fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The trunk form says when it read the trunk: always 14:02:11 here."""
    clock = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    clock["strftime"] = lambda _format, *_: "14:02:11"
    monkeypatch.setattr(record_module, "time", SimpleNamespace(**clock))


# --- steps before the picture: each a ``run_before`` -------------------------------------


def then(*steps: RunBefore) -> RunBefore:
    """Run several ``run_before`` steps in order."""

    async def run(pilot: Pilot) -> None:
        for step in steps:
            await step(pilot)

    return run


def keys(*pressed: str) -> RunBefore:
    async def run(pilot: Pilot) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    return run


def account(username: str = WHOLESALE) -> RunBefore:
    """From the picker, open an account's trunk table (acme-wholesale's, account 1, unless named)."""

    async def run(pilot: Pilot) -> None:
        await open_account(pilot, username)

    return run


def selected(name: str) -> RunBefore:
    """Account 1's trunk table with the cursor on trunk ``name``."""

    async def run(pilot: Pilot) -> None:
        await open_account(pilot, WHOLESALE)
        await select_trunk(pilot, name)

    return run


def opened(name: str) -> RunBefore:
    """Account 1's trunk ``name``, opened and its fresh copy loaded."""

    async def run(pilot: Pilot) -> None:
        await open_account(pilot, WHOLESALE)
        await open_trunk(pilot, name)

    return run


# --- the screens -----------------------------------------------------------------------------


class TestAccountPicker:
    @SIZES
    def test_initial(self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int]) -> None:
        assert snap_compare(make_app(sim), terminal_size=size, run_before=settle)

    def test_filtered(self, snap_compare: SnapCompare, sim: Sim) -> None:
        async def run_before(pilot: Pilot) -> None:
            await settle(pilot)
            await type_text(pilot, "lab")
            await settle(pilot)

        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_filter_matches_nothing(self, snap_compare: SnapCompare, sim: Sim) -> None:
        async def run_before(pilot: Pilot) -> None:
            await settle(pilot)
            await type_text(pilot, "zzz")
            await settle(pilot)

        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_recent_account_first(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """Back from acme-lab: it is starred and listed first. The cursor stays on
        the third row, which is now another account."""
        run_before = then(account("acme-lab"), keys("escape"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)


class TestTrunkTable:
    @SIZES
    def test_initial(self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int]) -> None:
        assert snap_compare(make_app(sim), terminal_size=size, run_before=account())

    def test_pattern_applied(self, snap_compare: SnapCompare, sim: Sim) -> None:
        run_before = then(account(), keys("p", *"tata%", "enter"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_bad_pattern(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """A lone backslash at the end is refused before anything is sent."""
        run_before = then(account(), keys("p", *"tata\\"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_quick_filter(self, snap_compare: SnapCompare, sim: Sim) -> None:
        run_before = then(account(), keys("slash", *"ams"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_sort_chooser(self, snap_compare: SnapCompare, sim: Sim) -> None:
        run_before = then(account(), keys("s"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_sorted(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """Sorted by Capacity: NULL (no limit) sorts after every number."""
        run_before = then(account(), keys("s", "down", "down", "down", "down", "enter"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_sorted_descending(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """``s`` again on the same column flips it; NULL (no limit) stays last."""
        run_before = then(account(), keys("s", "down", "down", "down", "down", "enter"), keys("s", "enter"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_empty_pattern_result(self, snap_compare: SnapCompare, sim: Sim) -> None:
        run_before = then(account(), keys("p", *"zzz%", "enter"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_quick_filter_hides_everything(self, snap_compare: SnapCompare, sim: Sim) -> None:
        run_before = then(account(), keys("slash", *"zzz"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_account_without_trunks(self, snap_compare: SnapCompare, sim: Sim) -> None:
        for trunk in sim.store.list_trunks(3):
            sim.store.delete_trunk(1, trunk["i_trunk"])
        run_before = account("acme-lab")
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_long_name(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """A 5,000-character name at 80x24, the cursor on it: its column ends in an ellipsis and the others show."""
        add_long_named_trunk(sim.store)
        run_before = then(account(), keys("end"))
        assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)

    def test_marked(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """Three trunks marked at 80x24, the cursor on the second, scrolled a page sideways: the marks stay
        at the left, and the count is beside the status line."""
        run_before = then(account(), keys("space", "space", "down", "space", "up", "up", "up", "shift+right"))
        assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)

    def test_load_fault(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """The switch refuses the trunk list: the fault is in the status line."""

        async def run_before(pilot: Pilot) -> None:
            await settle(pilot)
            sim.server.knobs.fail_every = 1
            await open_account(pilot, WHOLESALE)

        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)


async def form_at_top(pilot: Pilot) -> None:
    """Scroll the form to its top once the scrolls that follow the focus are done, so the form behind
    a dialog looks the same however fast the machine is."""
    form = pilot.app.screen.query_one("#form", VerticalScroll)
    await pilot.wait_for_scheduled_animations()
    await settle(pilot)
    form.scroll_home(animate=False)
    steady = 0
    for _ in range(250):
        await pilot.pause(0.02)
        steady = steady + 1 if form.scroll_y == 0 else 0
        if steady == 3:
            return
        if not steady:
            form.scroll_home(animate=False)
    raise AssertionError("the form kept scrolling away from its top")


class TestTrunkScreen:
    @SIZES
    def test_trunk_with_nulls(self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int]) -> None:
        assert snap_compare(make_app(sim), terminal_size=size, run_before=opened(WITH_NULLS))

    def test_password_is_masked(self, snap_compare: SnapCompare, sim: Sim) -> None:
        async def run_before(pilot: Pilot) -> None:
            await opened(WITH_PASSWORD)(pilot)
            field_input(pilot.app, "password").focus()
            await settle(pilot)

        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_validation_error(self, snap_compare: SnapCompare, sim: Sim) -> None:
        async def run_before(pilot: Pilot) -> None:
            await opened(WITH_NULLS)(pilot)
            await replace_text(pilot, "fast", field="max_cps")
            await pilot.press("ctrl+s")
            await settle(pilot)

        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    @SIZES
    def test_save_dialog_shows_old_and_new(self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot) -> None:
            await opened(WITH_PASSWORD)(pilot)
            await replace_text(pilot, "Primary route", field="description")
            pilot.app.screen.query_one("#field-capacity #null").focus()
            await pilot.press("space")
            await replace_text(pilot, NEW_PASSWORD, field="password")
            await form_at_top(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)

        assert snap_compare(make_app(sim), terminal_size=size, run_before=run_before)

    def test_save_fault_beside_the_button(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """Renaming to a name the account already has: the switch's fault 409."""

        async def run_before(pilot: Pilot) -> None:
            await opened(WITH_NULLS)(pilot)
            await replace_text(pilot, WITH_PASSWORD, field="name")
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    def test_discard_changes_dialog(self, snap_compare: SnapCompare, sim: Sim) -> None:
        async def run_before(pilot: Pilot) -> None:
            await opened(WITH_NULLS)(pilot)
            await replace_text(pilot, "Changed", field="description")
            await pilot.press("escape")
            await settle(pilot)

        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)

    @SIZES
    def test_new_trunk_form(self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int]) -> None:
        assert snap_compare(make_app(sim), terminal_size=size, run_before=then(account(), keys("n")))

    def test_clone_form(self, snap_compare: SnapCompare, sim: Sim) -> None:
        run_before = then(selected(WITH_PASSWORD), keys("c"))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)


@pytest.fixture
def sim22() -> Iterator[Sim]:
    with running_sim(Api.V2022) as running:
        yield running


LOGGED_IN = "zayo-par-02"
"""A 2022 demo trunk of account 1 whose connections have a username and a password."""


def on_connections(row: int) -> RunBefore:
    """The 2022 trunk's list of connections focused, the cursor on ``row``."""

    async def run(pilot: Pilot) -> None:
        table = pilot.app.screen.query_one(ConnectionTable)
        table.focus()
        table.move_cursor(row=row)
        await settle(pilot)

    return run


def app22(sim: Sim, **session: Any) -> Any:
    return make_app(sim, settings={"api": "2022"}, **session)


class TestTrunkScreen2022:
    @SIZES
    def test_trunk_with_connections(self, snap_compare: SnapCompare, sim22: Sim, size: tuple[int, int]) -> None:
        run_before = then(opened(LOGGED_IN), on_connections(1))
        assert snap_compare(app22(sim22), terminal_size=size, run_before=run_before)

    @SIZES
    def test_connection_form(self, snap_compare: SnapCompare, sim22: Sim, size: tuple[int, int]) -> None:
        run_before = then(opened(LOGGED_IN), on_connections(1), keys("enter"))
        assert snap_compare(app22(sim22), terminal_size=size, run_before=run_before)

    @SIZES
    def test_new_trunk_with_its_first_connection(self, snap_compare: SnapCompare, sim22: Sim,
                                                  size: tuple[int, int]) -> None:
        assert snap_compare(app22(sim22), terminal_size=size, run_before=then(account(), keys("n")))

    def test_delete_connection_dialog(self, snap_compare: SnapCompare, sim22: Sim) -> None:
        run_before = then(opened(LOGGED_IN), on_connections(2), keys("d"))
        assert snap_compare(app22(sim22), terminal_size=SMALL, run_before=run_before)


def bulk_form(count: int = 5) -> RunBefore:
    """The form setting fields on account 1's first ``count`` trunks, as marked in its table."""

    async def run(pilot: Pilot) -> None:
        table = await open_account(pilot, WHOLESALE)
        assert open_bulk_edit(table, table.trunks[:count])
        await settle(pilot)

    return run


async def bulk_capacity(pilot: Pilot) -> None:
    """Capacity 120 typed (its NULL box unticked first) and a description: typing ticks each."""
    null = pilot.app.screen.query_one("#field-capacity #null")
    null.focus()
    await pilot.press("space")
    await replace_text(pilot, "120", field="capacity")
    await replace_text(pilot, "Moved to SBC 4", field="description")
    await settle(pilot)


class TestBulk:
    def test_set_fields_form(self, snap_compare: SnapCompare, sim: Sim) -> None:
        assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=then(bulk_form(), bulk_capacity))

    def test_preview(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """Cancel is focused; each trunk's old and new values, and the totals."""
        run_before = then(bulk_form(), bulk_capacity, keys("ctrl+s"))
        assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)

    def test_results(self, snap_compare: SnapCompare, sim: Sim) -> None:
        """Sent: each trunk's result in the order of the preview, and the summary."""
        run_before = then(bulk_form(), bulk_capacity, keys("ctrl+s"), keys("right", "enter"))
        assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


class TestDialogs:
    @SIZES
    def test_delete_confirmation_focuses_cancel(
        self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int]
    ) -> None:
        run_before = then(selected(WITH_PASSWORD), keys("d"))
        assert snap_compare(make_app(sim), terminal_size=size, run_before=run_before)

    def test_export(self, snap_compare: SnapCompare, sim: Sim, monkeypatch: pytest.MonkeyPatch) -> None:
        """The default file name has the time and the working directory in it: both are pinned."""

        class FixedCwd(type(Path())):  # type: ignore[misc]
            @classmethod
            def cwd(cls) -> Path:
                return cls("/home/noc")

        monkeypatch.setattr(trunks_module, "Path", FixedCwd)
        clock = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
        clock["strftime"] = lambda _format, *_: "20250102-030405"
        monkeypatch.setattr(trunks_module, "time", SimpleNamespace(**clock))
        assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=then(account(), keys("x")))


@pytest.fixture
def named_switch(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Settings naming a switch by host name; the calls still reach the simulator."""
    route_app_through(monkeypatch, ForwardingTransport(sim.url))
    return {"url": "https://sippy-ams.example.net"}


class TestProfiles:
    """How a profile's nature shows: production, read-only. The switch is named, not the simulator's port."""

    @SIZES
    def test_production_delete_asks_for_the_name(
        self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int], named_switch: dict[str, Any]
    ) -> None:
        app = make_app(sim, label="PROD Amsterdam", production=True, settings=named_switch)
        assert snap_compare(app, terminal_size=size, run_before=then(selected(WITH_PASSWORD), keys("d")))

    def test_read_only_trunk_screen(self, snap_compare: SnapCompare, sim: Sim, named_switch: dict[str, Any]) -> None:
        app = make_app(sim, label="lab", settings={**named_switch, "read_only": True})
        assert snap_compare(app, terminal_size=WIDE, run_before=opened(WITH_PASSWORD))

    def test_warnings_lead_a_long_label(
        self, snap_compare: SnapCompare, sim: Sim, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Production, read-only, plain HTTP and a long label at 80 columns: every warning, on production red."""
        route_app_through(monkeypatch, ForwardingTransport(sim.url))
        app = make_app(sim, label="PROD Amsterdam core switch cluster A", production=True,
                       settings={"url": "http://10.255.255.1:8080", "read_only": True})
        assert snap_compare(app, terminal_size=SMALL, run_before=settle)


ACROSS = "198.51.100"
"""Text in many demo trunks' destinations and outbound IPs."""


@pytest.fixture
def one_at_a_time(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> Sim:
    """A search reads one account a call, one call at a time, so matches come in the accounts' order; the
    login has nine more accounts (of no trunks), and every answer takes a little while, so the list of
    accounts is whole before the first account's trunks come."""
    monkeypatch.setattr(search_module, "ACCOUNTS_PER_CALL", 1)
    add_extra_accounts(sim.store, sim.logins["acme"].i_customer, 9)
    sim.server.knobs.latency = 0.02
    return sim


CARRIER = "tata"
"""A carrier whose trunks are in each of the three demo accounts."""
MARK_ACROSS = ("space", "space", "down", "down", "down", "space", "down", "down", "down", "space")
"""Rows 1, 2, 6 and 10 marked: trunks of account 1, 2 and 3."""


async def quiet(pilot: Pilot) -> None:
    """The toasts shown so far are gone."""
    pilot.app.clear_notifications()
    await pilot.pause()


def searched(text: str) -> RunBefore:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "f")
        await settle(pilot)
        await type_text(pilot, text)
        await pilot.press("enter")

    return run


class TestSearch:
    """The search of every account at 80x24: part way, and done with an account that could not be read."""

    def test_in_progress(self, snap_compare: SnapCompare, one_at_a_time: Sim) -> None:
        """Account 3's answer is held: the matches of accounts 1 and 2, and the search at 2 of 12 accounts."""
        sim = one_at_a_time
        with answers_held(sim, "trunk_batches", lambda i_account, *args, **kwargs: i_account == 3):

            async def run_before(pilot: Pilot) -> None:
                await searched(ACROSS)(pilot)
                await rendered(pilot, "Searching… 2 of 12 accounts")

            assert snap_compare(make_app(sim, concurrency=1), terminal_size=SMALL, run_before=run_before)

    def test_done_with_a_failure(self, snap_compare: SnapCompare, one_at_a_time: Sim) -> None:
        sim = one_at_a_time
        sim.server.knobs.fail_every = 0
        failing_account(sim, 2, "Database busy, try later")
        run_before = then(searched(ACROSS), settle)
        assert snap_compare(make_app(sim, concurrency=1), terminal_size=SMALL, run_before=run_before)

    def test_marked(self, snap_compare: SnapCompare, one_at_a_time: Sim) -> None:
        """Four matches of three accounts marked (the toast saying which keys act on them gone): the count is
        beside the status line, and d Delete in the footer."""
        run_before = then(searched(CARRIER), settle, keys(*MARK_ACROSS), quiet)
        assert snap_compare(make_app(one_at_a_time, concurrency=1), terminal_size=SMALL, run_before=run_before)

    def test_delete_preview_across_accounts(self, snap_compare: SnapCompare, one_at_a_time: Sim) -> None:
        """d on them: the preview says each trunk's account; Cancel is focused."""
        run_before = then(searched(CARRIER), settle, keys(*MARK_ACROSS), quiet, keys("d"), settle)
        assert snap_compare(make_app(one_at_a_time, concurrency=1), terminal_size=SMALL, run_before=run_before)


class TestHelpScreen:
    @SIZES
    def test_help(self, snap_compare: SnapCompare, sim: Sim, size: tuple[int, int]) -> None:
        assert snap_compare(make_app(sim), terminal_size=size, run_before=then(account(), keys("f1")))


class TestPasswordPrompt:
    def test_prompt(self, snap_compare: SnapCompare, sim: Sim) -> None:
        assert snap_compare(make_app(sim, settings=ASK_PASSWORD), terminal_size=WIDE, run_before=settle)

    def test_typed_password_is_masked(self, snap_compare: SnapCompare, sim: Sim) -> None:
        run_before = then(settle, keys(*TYPED_PASSWORD))
        assert snap_compare(make_app(sim, settings=ASK_PASSWORD), terminal_size=WIDE, run_before=run_before)

    def test_refused_password_asks_again(self, snap_compare: SnapCompare, sim: Sim,
                                         named_switch: dict[str, Any]) -> None:
        """The refusal names the switch, so the switch is named, not the simulator's port."""
        run_before = then(settle, keys(*WRONG_PASSWORD, "enter"))
        app = make_app(sim, settings={**ASK_PASSWORD, **named_switch})
        assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


# --- no secret in any snapshot -----------------------------------------------------------------


def demo_secrets() -> set[str]:
    """Every password the demo data of either API holds, and every one the tests type."""
    store, store22 = Store(), Store()
    return (secrets_of(store, seed_demo(store)) | secrets_of(store22, seed_demo(store22, api=Api.V2022), Api.V2022)
            | {NEW_PASSWORD, TYPED_PASSWORD, WRONG_PASSWORD})


class TestApi2022:
    """The trunk table of a 2022+ switch: its connections give Conns and First destination."""

    def test_table(self, snap_compare: SnapCompare, sim22: Sim) -> None:
        assert snap_compare(make_app(sim22), terminal_size=SMALL, run_before=account())

    def test_table_sorted_by_connections_and_scrolled_sideways(self, snap_compare: SnapCompare, sim22: Sim) -> None:
        """Sorted by Conns, most first, and scrolled sideways to the descriptions and policies."""
        run_before = then(account(), keys("s", "down", "down", "down", "enter", "s", "enter", "shift+right"))
        assert snap_compare(make_app(sim22), terminal_size=SMALL, run_before=run_before)


class TestNoSecrets:
    def test_no_snapshot_shows_a_password(self, request: pytest.FixtureRequest) -> None:
        if request.config.getoption("--snapshot-update"):
            pytest.skip("snapshots are written when the session ends; run again without --snapshot-update")
        svgs = sorted(TESTS.rglob("*.svg"))
        assert any("password_is_masked" in svg.name for svg in svgs), "the snapshots have not been made"
        secrets = demo_secrets()
        found = {svg.name: leaks(svg.read_text(encoding="utf-8"), secrets) for svg in svgs}
        assert {name: shown for name, shown in found.items() if shown} == {}

    def test_no_readme_screenshot_shows_a_password(self) -> None:
        """The pictures ``screenshots/make.py`` writes for the README."""
        svgs = sorted(SCREENSHOTS.glob("*.svg"))
        assert svgs, "no screenshots: python screenshots/make.py makes them"
        secrets = demo_secrets() | {"an-example-secret"}
        found = {svg.name: leaks(svg.read_text(encoding="utf-8"), secrets) for svg in svgs}
        assert {name: shown for name, shown in found.items() if shown} == {}

    async def test_the_check_finds_a_revealed_password(self, sim: Sim) -> None:
        """The check above is not vacuous: Ctrl+R shows the password, and it is found."""
        password = next(t["password"] for t in sim.store.list_trunks(1) if t["name"] == WITH_PASSWORD)
        app = make_app(sim)
        async with app.run_test(size=WIDE) as pilot:
            await opened(WITH_PASSWORD)(pilot)
            field_input(pilot.app, "password").focus()
            await pilot.press("ctrl+r")
            await settle(pilot)
            revealed = app.export_screenshot()
            await pilot.press("ctrl+r")
            await settle(pilot)
            masked = app.export_screenshot()
        assert leaks(revealed, demo_secrets()) == {password}
        assert leaks(masked, demo_secrets()) == set()
