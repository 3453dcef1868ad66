"""Hostile data in the running app, over real HTTP, property-based.

From the server: hostile trunks reach the app three ways, all over HTTP
from the simulator, through the app's real client and XML-RPC parsing:

* written straight into the simulator's SQLite store (``sim.store``), past
  the model's checks: hostile text, 100 KB values, text or fractions in
  number columns, infinities; plus extra members of any type, names
  included, through ``sim.server.knobs.extra_members``;
* answered by a replaced simulator method (``sim.server.methods.table``),
  for what the store cannot hold: NULL where not allowed, arrays and structs
  in declared members, members missing, repeated ``i_trunk`` ids;
* an answer body rewritten on its way back (``AnswerRewriter``), for XML-RPC
  no encoder writes: duplicate members, 64-bit integers, bare values.

Each is shown on every screen that shows trunks (table, sort, copy,
delete dialog, trunk screen with its read-only members and form, export),
and the test checks the widget state (cells are literal ``Text``, equal to
``printable``), the rendered screen (no unsafe character, markup literal),
the clipboard and the exported file.

From the user: any text typed or pasted into any field of the edit form,
then Ctrl+S; checked against the model and against what went over the wire.

Examples are few (each starts the app): two in the default run, the full
number under the ``long`` marker (``pytest -m long``, which CI runs). They
are derandomized, so CI is reproducible. Bugs found have their own tests
at the end.
"""

from __future__ import annotations

import itertools
import math
import os
import unicodedata
import xmlrpc.client
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.conftest import Sim
from tests.hostile import (
    Depth,
    assert_export_reads_back,
    assert_safe,
    hostile_text,
    long_runs,
    long_text,
    member_names,
    plausible_text,
    same,
    trunk_structs,
    typed_text,
    wire_values,
)
from tests.tui.driving import (
    choose,
    editor,
    field_input,
    header_x,
    make_app,
    open_account,
    paste,
    rendered,
    replace_text,
    route_app_through,
    screen_text,
    settle,
    shown_in_form,
    static_text,
    status_of,
    trunk_table,
)
from tests.wire import RecordingTransport
from trunktui.api import SippyClient
from trunktui.api.decoding import MAX_DEPTH
from trunktui.columns import COLUMNS_2020 as COLUMNS
from trunktui.errors import InputError, ProtocolError
from trunktui.model import (
    FIELDS_BY_NAME,
    TRUNK_FIELDS,
    TRUNKS_2020,
    Field,
    Kind,
)
from trunktui.text import hidden, printable, restore
from trunktui.tui.app import TrunkApp
from trunktui.tui.cells import cell
from trunktui.tui.form import TrunkForm
from trunktui.tui.grid import PADDING
from trunktui.tui.screens.choose import ChoiceScreen
from trunktui.tui.screens.confirm import ConfirmScreen
from trunktui.tui.screens.export import ExportScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen

WIDE = (200, 50)  # wide enough for the start of every column, tall enough for the whole form
FORM = (100, 50)


# Set TRUNKTUI_HOSTILE_SCALE=10 (say) for a longer, deeper run than CI's.
SCALE = float(os.environ.get("TRUNKTUI_HOSTILE_SCALE", "1"))


def pilot_examples(full: int) -> Depth:
    """Two examples in the default run, ``full`` (times the scale) under ``long``;
    the same every run, and no shrinking: each try starts the app, so
    shrinking a failure could take many minutes; the failing example is
    reported as found."""
    return Depth(quick=2, full=max(1, round(full * SCALE)), deadline=None, derandomize=True, database=None,
                 phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.data_too_large, HealthCheck.large_base_example])


_numbers = itertools.count(1)


def fresh_account(sim: Sim) -> tuple[int, str]:
    """A new account of the acme login, so each example sees only its own trunks."""
    username = f"hostile-{next(_numbers):04d}"
    return sim.store.add_account(sim.logins["acme"].i_customer, username), username


# ===================================================================================
# Checking every screen that shows trunks
# ===================================================================================


def check_table(app: TrunkApp) -> None:
    """Every row holds literal cells equal to cell() of what the server sent, and
    the rendered table is safe and shows the start of each name as sent."""
    screen = app.screen
    assert isinstance(screen, TrunksScreen)
    table = trunk_table(app)
    assert table.row_count == len(screen.shown) == len(screen.trunks)
    for index, trunk in enumerate(screen.shown):
        row = table.get_row_at(index)
        assert [c.plain for c in row] == [cell(trunk.get(f.name)).plain for f in COLUMNS]
        assert all(c.spans == [] for c in row), "a cell was styled from its content"
    text = screen_text(app)
    assert_safe(text)
    x = 0
    for key, width in zip(table.keys, table.column_widths, strict=True):  # a column wholly on screen shows values
        x += width  # whole, or their start and an ellipsis where the column is too narrow
        if x > table.size.width:
            break
        for trunk in screen.shown:
            shown = cell(trunk.get(key))
            shown.truncate(width - 2 * PADDING, overflow="ellipsis")
            assert shown.plain in text, f"{key} {shown.plain!r} is not shown literally"


async def check_sort(pilot: Pilot[None], column: str) -> None:
    """Sort on a column of mixed values (a header click, or s and the column when
    the header is off screen): no error, no row lost, the table still literal."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, TrunksScreen)
    before = sorted(id(t) for t in screen.shown)
    table = trunk_table(app)
    x = header_x(table, column)
    if x + 2 < table.size.width:
        await pilot.click(table, offset=(x + 2, 0))
        await pilot.pause()
    else:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await choose(pilot, column)
    assert app.screen is screen
    assert screen.sort_by is not None and screen.sort_by.name == column
    assert sorted(id(t) for t in screen.shown) == before
    check_table(app)


async def check_copy(pilot: Pilot[None], option: str) -> None:
    """y: the choices are shown safely; the clipboard gets printable() text."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, TrunksScreen)
    trunk = screen.current()
    assert trunk is not None
    await pilot.press("y")
    await pilot.pause()
    assert isinstance(app.screen, ChoiceScreen)
    assert_safe(screen_text(app))
    await choose(pilot, option)
    value = trunk.get(option)
    assert app.clipboard == ("" if value is None else printable(value))
    assert_safe(app.clipboard, "clipboard")
    assert app.screen is screen


async def check_delete_dialog(pilot: Pilot[None]) -> None:
    """d: the dialog shows the trunk safely; Escape deletes nothing."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, TrunksScreen)
    trunk = screen.current()
    assert trunk is not None
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)
    text = await rendered(pilot, "Delete this trunk?")
    assert_safe(text)
    words = cell(trunk.name, 200).plain.split()
    if words:  # the dialog wraps at spaces; the first word starts a line
        assert words[0][:16] in text
    await pilot.press("escape")
    await pilot.pause()
    assert app.screen is screen


async def check_trunk_screen(pilot: Pilot[None]) -> None:
    """Enter: heading, read-only members and every form field show what the
    switch sent, through printable(); the screen is safe; an untouched form
    is no edit, so Escape goes straight back."""
    app = pilot.app
    table_screen = app.screen
    assert isinstance(table_screen, TrunksScreen)
    await pilot.press("enter")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, TrunkScreen)
    trunk = screen.trunk
    assert trunk is not None
    heading = static_text(screen.query_one("#heading", Static))
    assert heading.startswith(f"Trunk {printable(trunk.i_trunk)} · {printable(trunk.name, 60)}")
    assert_safe(heading, "heading")
    for spec in TRUNKS_2020.editable(creating=False):  # the fresh copy, or the row if it could not be loaded
        if spec.kind is not Kind.BOOLEAN:
            assert field_input(app, spec.name).value == shown_in_form(trunk.get(spec.name, spec.default))
    text = screen_text(app)
    assert_safe(text)
    for name in list(trunk.extra(TRUNKS_2020))[:3]:
        label = printable(name, 40)
        if cell_len(label) <= 60:
            assert label[:12] in text, f"extra member {label!r} is not shown literally"
    await pilot.press("escape")
    await pilot.pause()
    assert app.screen is table_screen, "an untouched form counted as edited"


async def check_export(pilot: Pilot[None], directory: Path, suffix: str) -> None:
    """x: the visible rows written as CSV or JSON read back as export promises
    (``assert_export_reads_back``)."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, TrunksScreen)
    shown = list(screen.shown)
    stem = f"export-{next(_numbers):04d}"
    await pilot.press("x")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    await replace_text(pilot, f"{stem}.{suffix}", pasted=True)
    await pilot.press("enter")
    await settle(pilot)
    assert app.screen is screen, static_text(app.screen.query_one("#error", Static))
    with (directory / f"{stem}.{suffix}").open(encoding="utf-8", newline="") as written:
        assert_export_reads_back(written.read(), suffix, COLUMNS, shown)


# Which column to sort on, what to copy, which format to export: one of each
# per example, drawn with the data (each costs a few hundred milliseconds).
choices = st.tuples(st.sampled_from([f.name for f in COLUMNS]), st.sampled_from(["name", "destination", "i_trunk"]),
                    st.sampled_from(["csv", "json"]))


async def check_every_screen(pilot: Pilot[None], directory: Path, choice: tuple[str, str, str]) -> None:
    sort_on, copy, suffix = choice
    check_table(pilot.app)
    await check_sort(pilot, sort_on)
    await pilot.press("ctrl+home")
    await check_copy(pilot, copy)
    await check_delete_dialog(pilot)
    await check_trunk_screen(pilot)
    await check_export(pilot, directory, suffix)


@pytest.fixture
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Exports are typed as relative names, so work in tmp_path."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ===================================================================================
# 1. Hostile trunks in the simulator's store, extras through the knob
# ===================================================================================

xml_text = hostile_text(xml_safe=True, huge=False)


def numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def store_value(spec: Field) -> st.SearchStrategy[Any]:
    """What a misbehaving switch's database may hold in the member's column.

    SQLite keeps text in a number column, a fraction in an integer column,
    and infinities; NaN becomes NULL. Booleans are read back with bool(), and
    NOT NULL holds. Text that reads as a number, and whole doubles, become
    integers in an integer column: kept within 32 bits, or the simulator
    could not encode the answer at all.
    """
    null = [st.none()] if spec.nullable else []
    if spec.kind is Kind.STRING:
        return st.one_of(xml_text, st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), *null)
    if spec.kind is Kind.INTEGER:
        fractions = st.floats(allow_nan=False).filter(lambda x: not x.is_integer() or abs(x) < 2**31)
        return st.one_of(st.integers(-(2**31), 2**31 - 1), xml_text.filter(lambda t: not numeric(t)), fractions,
                         *null)
    if spec.kind is Kind.DOUBLE:
        return st.one_of(st.floats(allow_nan=False), xml_text, st.integers(-(2**31), 2**31 - 1), *null)
    return st.one_of(st.booleans(), xml_text)


@st.composite
def store_rows(draw: st.DrawFn) -> dict[str, Any]:
    row = {spec.name: draw(store_value(spec)) for spec in TRUNK_FIELDS if spec.name not in ("i_trunk", "i_account")}
    if draw(st.integers(0, 3)) == 0:  # one member of 50-100 KB
        name = draw(st.sampled_from(sorted(row)))
        row[name] = draw(long_text(hostile_text(xml_safe=True, huge=False, max_pieces=4)))
    return row


extras = st.dictionaries(member_names(xml_safe=True), wire_values(xml_safe=True, huge=False, big_ints=False),
                         max_size=3)


@pilot_examples(6)(
    rows=st.lists(store_rows(), min_size=1, max_size=4, unique_by=lambda row: str(row["name"])),
    extra=extras,
    choice=choices,
)
async def test_hostile_trunks_from_the_store(
    sim: Sim, in_tmp_path: Path, rows: list[dict[str, Any]], extra: dict[str, Any], choice: tuple[str, str, str]
) -> None:
    """Trunks a switch's database may hold, with any extra members: every
    screen shows them literally and safely, copy and export keep them."""
    i_account, username = fresh_account(sim)
    sim.store.insert_trunks([{**row, "i_account": i_account} for row in rows])
    sim.server.knobs.extra_members = extra
    async with make_app(sim).run_test(size=WIDE) as pilot:
        screen = await open_account(pilot, username)
        assert len(screen.trunks) == len(rows), status_of(pilot.app)
        await check_every_screen(pilot, in_tmp_path, choice)


# ===================================================================================
# 2. Wrong types, NULLs, missing members, repeated ids: a replaced method
# ===================================================================================


@pytest.fixture
def answers(sim: Sim) -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    """Make the simulator answer getTrunksList with given structs, and
    getTrunkInfo with the first of them whose i_trunk is the one asked for."""
    table = sim.server.methods.table
    original = dict(table)
    structs: list[dict[str, Any]] = []

    def listing(i_customer: int, params: dict[str, Any]) -> dict[str, Any]:
        return {"result": "OK", "trunks": structs}

    def info(i_customer: int, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("i_trunk")
        for struct in structs:
            if same(xmlrpc.client.loads(xmlrpc.client.dumps(({"v": struct.get("i_trunk")},),
                                                            allow_none=True))[0][0]["v"], wanted):
                return {"result": "OK", "trunk": struct}
        raise xmlrpc.client.Fault(404, f"Trunk {wanted!r} not found")

    def use(new: list[dict[str, Any]]) -> None:
        structs[:] = new

    table["getTrunksList"] = listing
    table["getTrunkInfo"] = info
    yield use
    table.update(original)


ids = st.one_of(st.sampled_from([1, 2, 3]), wire_values(xml_safe=True, huge=False, big_ints=False))


@pilot_examples(5)(
    structs=st.lists(trunk_structs(xml_safe=True, huge=True, big_ints=False, ids=ids), min_size=1, max_size=4),
    choice=choices,
)
async def test_wrong_types_missing_members_and_repeated_ids(
    sim: Sim, in_tmp_path: Path, answers: Callable[[list[dict[str, Any]]], None],
    structs: list[dict[str, Any]], choice: tuple[str, str, str],
) -> None:
    """Trunks whose members are NULL where not allowed, of another type
    (arrays, structs, text for numbers, doubles for booleans), missing or
    extra, with ids repeated or of any type: every screen copes and shows
    them literally and safely."""
    answers(structs)
    _, username = fresh_account(sim)
    async with make_app(sim).run_test(size=WIDE) as pilot:
        screen = await open_account(pilot, username)
        assert len(screen.trunks) == len(structs), status_of(pilot.app)
        await check_every_screen(pilot, in_tmp_path, choice)


# ===================================================================================
# 3. Malformed but parsable XML-RPC: duplicate members and the like
# ===================================================================================


class AnswerRewriter(RecordingTransport):
    """Real HTTP to the simulator; the body of chosen methods' answers replaced."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: dict[str, bytes] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if response.status_code != 200:
            return response
        _, method = xmlrpc.client.loads(request.content)
        body = self.bodies.get(method)
        if body is None:
            return response
        response.read()
        response.close()
        return httpx.Response(200, headers={"Content-Type": "text/xml"}, content=body, request=request)


@pytest.fixture
def rewriter(monkeypatch: pytest.MonkeyPatch) -> AnswerRewriter:
    transport = AnswerRewriter()
    route_app_through(monkeypatch, transport)
    return transport


def xml_value(kind: str, text: str) -> str:
    return f"<value>{text}</value>" if kind == "bare" else f"<value><{kind}>{text}</{kind}></value>"


raw_values = st.one_of(
    xml_text.map(lambda t: xml_value("string", escape(t))),
    xml_text.map(lambda t: xml_value("bare", escape(t))),  # a value with no type is a string
    st.integers(-(2**63), 2**63 - 1).map(lambda n: xml_value("i8", str(n))),
    st.integers(-(10**30), 10**30).map(lambda n: xml_value("int", str(n))),  # past 32 bits
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-0.0", "5e-324"]).map(lambda t: xml_value("double", t)),
    st.sampled_from(["0", "1"]).map(lambda t: xml_value("boolean", t)),
    st.just("<value><nil/></value>"),
    st.just("<value><array><data><value><i4>1</i4></value><value><string>[b]x[/b]</string></value>"
            "</data></array></value>"),
    st.just("<value><struct><member><name>\u202ek</name><value><double>nan</double></value></member>"
            "</struct></value>"),
    st.just("<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>"),
    st.just("<value><base64>G1syShs=</base64></value>"),  # ESC [2J ESC, as bytes
)
member_name = st.one_of(st.sampled_from([f.name for f in TRUNK_FIELDS]), member_names(xml_safe=True))


@st.composite
def raw_structs(draw: st.DrawFn) -> str:
    """One <struct> as text: members in any order, any of them repeated."""
    members = draw(st.lists(st.tuples(member_name, raw_values), max_size=12))
    repeats = draw(st.lists(st.sampled_from(members), max_size=4)) if members else []
    everything = draw(st.permutations(members + repeats))
    inner = "".join(f"<member><name>{escape(name)}</name>{value}</member>" for name, value in everything)
    return f"<value><struct>{inner}</struct></value>"


def answer_xml(member: str, value: str) -> bytes:
    return (
        "<?xml version='1.0'?>\n<methodResponse><params><param><value><struct>"
        f"<member><name>result</name><value><string>OK</string></value></member>"
        f"<member><name>{member}</name>{value}</member>"
        "</struct></value></param></params></methodResponse>\n"
    ).encode()


@pilot_examples(4)(structs=st.lists(raw_structs(), min_size=1, max_size=4), choice=choices)
async def test_duplicate_members_and_odd_xmlrpc(
    sim: Sim, in_tmp_path: Path, rewriter: AnswerRewriter, structs: list[str], choice: tuple[str, str, str]
) -> None:
    """An answer with repeated members (the last one wins, as xmlrpc.client
    decodes), 64-bit and larger integers, NaN, untyped values, members in any
    order: every screen copes and shows it literally and safely."""
    rewriter.bodies["getTrunksList"] = answer_xml("trunks", "<value><array><data>" + "".join(structs)
                                                  + "</data></array></value>")
    rewriter.bodies["getTrunkInfo"] = answer_xml("trunk", structs[0])
    _, username = fresh_account(sim)
    async with make_app(sim).run_test(size=WIDE) as pilot:
        screen = await open_account(pilot, username)
        assert len(screen.trunks) == len(structs), status_of(pilot.app)
        await check_every_screen(pilot, in_tmp_path, choice)


# ===================================================================================
# 4. Any text in any field of the edit form
# ===================================================================================

VALID_TRUNK = {
    "name": "fuzzed", "destination": "192.0.2.10:5060", "destination_backup": "sip.example.com",
    "capacity": 30, "max_cps": 2.5, "outbound_ip": "198.51.100.7", "outbound_ip_backup": "2001:db8::7",
    "description": "a valid trunk", "username": "u", "password": "p", "username_backup": "ub",
    "password_backup": "pb", "translation_rule": "s/^00/+/", "from_domain": "example.com",
    "random_call_id": False,
}
TEXT_FIELDS = [f for f in TRUNKS_2020.editable(creating=False) if f.kind is not Kind.BOOLEAN]


def typeable(text: str) -> bool:
    """Short printable ASCII can be typed key by key; the rest is pasted."""
    return 0 < len(text) <= 12 and all(" " <= c <= "~" for c in text)


# The start of the form's message when a box holds stand-ins for control characters.
CONTROLS = "{} may not contain control characters"


def expected_problem(spec: Field, shown: str, original: Any) -> str | None:
    """What is wrong with what is now in the box: nothing if untouched (it keeps the
    original); else, with stand-ins turned back into the characters they stand for,
    control characters, or hidden characters the switch did not hold; else what the model says."""
    if original is not None and shown == printable(original):
        return None
    meant = restore(shown)
    if any(unicodedata.category(char) == "Cc" for char in meant):
        return CONTROLS.format(spec.label)
    held = Counter(hidden(original)) if isinstance(original, str) else Counter[str]()
    if added := Counter(hidden(meant)) - held:
        return (f"{spec.label} may not gain hidden characters such as {printable(next(iter(added)))}: "
                "only those the switch already holds may stay.")
    try:
        spec.parse(meant)
    except InputError as error:
        return error.message
    return None


def assert_only_valid_values_sent(wire: RecordingTransport) -> None:
    for params in wire.of("updateTrunk") + wire.of("createTrunk"):
        for name, value in params.items():
            if name in ("i_trunk", "i_account"):
                continue
            spec = FIELDS_BY_NAME[name]
            assert same(spec.validate(value), value), f"{name}={value!r} was sent"


# A field, text for it (hostile, or what an operator might mean), and whether to type it.
edits = st.sampled_from(TEXT_FIELDS).flatmap(
    lambda spec: st.tuples(st.just(spec), st.one_of(typed_text(), plausible_text(spec)), st.booleans())
)


@pilot_examples(8)(
    edits=st.lists(edits, min_size=1, max_size=4),
    toggle=st.booleans(),
)
async def test_any_text_in_any_field_then_save(
    sim: Sim, wire: RecordingTransport, edits: list[tuple[Field, str, bool]], toggle: bool
) -> None:
    """Typed or pasted into any field (controls, 100 KB, numbers past 32
    bits, NaN, Unicode digits, odd whitespace), then Ctrl+S: the field is
    marked invalid exactly when the model refuses what is in the box, with the
    model's message under it; an invalid form sends nothing; a valid change
    is confirmed and sent, and every value sent passes Field.validate; the
    app never crashes."""
    i_account, username = fresh_account(sim)
    (i_trunk,) = sim.store.insert_trunks([{**VALID_TRUNK, "i_account": i_account}])
    async with make_app(sim).run_test(size=FORM) as pilot:
        app = pilot.app
        await open_account(pilot, username)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrunkScreen)
        assert screen.trunk is not None and screen.trunk.i_trunk == i_trunk
        original = dict(screen.trunk.members)
        if toggle:
            app.set_focus(editor(app, "random_call_id").query_one("#input"))
            await pilot.press("space")
        for spec, text, typed in edits:
            box = field_input(app, spec.name)
            pasted = not (typed and typeable(text))
            await replace_text(pilot, text, field=spec.name, pasted=pasted)
            if not pasted:
                assert box.value == text
            else:
                entered = text.splitlines()[0] if text else ""  # an Input takes a paste's first line
                assert box.value == printable(entered), "pasted text is shown with stand-ins"
            await pilot.pause()
            assert_safe(screen_text(app))
            problem = expected_problem(spec, box.value, original.get(spec.name))
            field = editor(app, spec.name)
            assert field.has_class("-invalid") == (problem is not None), (spec.name, box.value[:80], problem)
            message = static_text(field.query_one(".message", Static))
            if problem is None:
                spaced = f"{spec.label} starts or ends with spaces; they are saved as typed."
                assert message == spec.help or (message == spaced and restore(box.value) != restore(box.value).strip())
            elif problem == CONTROLS.format(spec.label):
                assert message.startswith(problem)
            else:
                assert message == problem

        invalid = [e for e in screen.query_one(TrunkForm).editors() if e.problem is not None]
        sent_before = len(wire.of("updateTrunk"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        if invalid:
            assert app.screen is screen
            count = len(invalid)
            assert status_of(app, "#save-status") == (
                f"✖ Fix the {count} field{'s' if count != 1 else ''} marked in red first.")
            assert app.focused is invalid[0].query_one("#input", Input)
            assert len(wire.of("updateTrunk")) == sent_before
        elif isinstance(app.screen, ConfirmScreen):
            assert_safe(screen_text(app))
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen
            assert len(wire.of("updateTrunk")) == sent_before + 1
        else:
            assert status_of(app, "#save-status") == "Nothing to save: no field has changed."
        assert_only_valid_values_sent(wire)
        assert app.is_running


# ===================================================================================
# Bugs these found, now fixed: each keeps its smallest case
# ===================================================================================


def nested_xml(depth: int) -> str:
    return "<value><array><data>" * depth + "<value><string>deep</string></value>" + "</data></array></value>" * depth


def test_a_deeply_nested_member_over_http_can_be_shown(sim: Sim) -> None:
    """As deep as the client reads: the answer's struct, the list and the trunk, then the member's arrays."""
    transport = AnswerRewriter()
    struct = ("<value><struct><member><name>i_trunk</name><value><int>1</int></value></member>"
              f"<member><name>description</name>{nested_xml(MAX_DEPTH - 3)}</member></struct></value>")
    transport.bodies["getTrunksList"] = answer_xml("trunks", f"<value><array><data>{struct}</data></array></value>")
    with SippyClient(sim.settings(), transport=transport) as client:
        (trunk,) = client.list_trunks(1)
    cell(trunk.get("description"))


@pytest.mark.parametrize("member", [
    "<member><value><string>no name</string></value></member>",
    "<member><name>no value</name></member>",
])
def test_a_member_without_a_name_is_a_protocol_error(sim: Sim, member: str) -> None:
    transport = AnswerRewriter()
    struct = f"<value><struct><member><name>i_trunk</name><value><int>1</int></value></member>{member}</struct></value>"
    transport.bodies["getTrunksList"] = answer_xml("trunks", f"<value><array><data>{struct}</data></array></value>")
    with SippyClient(sim.settings(), transport=transport) as client, pytest.raises(ProtocolError):
        client.list_trunks(1)


async def test_clone_with_a_name_that_is_an_array(
    sim: Sim, answers: Callable[[list[dict[str, Any]]], None]
) -> None:
    answers([{"i_trunk": 1, "name": ["[b]x[/b]"], "destination": "192.0.2.1"}])
    _, username = fresh_account(sim)
    async with make_app(sim).run_test(size=WIDE) as pilot:
        await open_account(pilot, username)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrunkScreen)


@pytest.mark.parametrize(("name", "value"), [
    ("max_cps", math.nan),  # NaN != NaN
    ("random_call_id", "yes"),  # the Switch reports a bool (likewise 1.0 or NULL)
    ("description", None),  # loaded as "" and parsed
])
async def test_an_untouched_odd_value_is_not_an_edit(
    sim: Sim, answers: Callable[[list[dict[str, Any]]], None], name: str, value: Any
) -> None:
    answers([{**VALID_TRUNK, "i_trunk": 1, "i_account": 1, name: value}])
    _, username = fresh_account(sim)
    async with make_app(sim).run_test(size=FORM) as pilot:
        app = pilot.app
        await open_account(pilot, username)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrunkScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TrunkScreen), \
            f"Ctrl+S on an untouched form: {getattr(dialog, 'title_text', dialog)!r}"
        assert status_of(app, "#save-status") == "Nothing to save: no field has changed."


async def paste_into_a_fresh_trunk(sim: Sim, field: str, text: str) -> tuple[bool, str]:
    """Open a new account's only trunk, paste ``text`` into ``field``; (marked invalid?, screen)."""
    i_account, username = fresh_account(sim)
    sim.store.insert_trunks([{**VALID_TRUNK, "i_account": i_account}])
    async with make_app(sim).run_test(size=FORM) as pilot:
        app = pilot.app
        await open_account(pilot, username)
        await pilot.press("enter")
        await settle(pilot)
        await replace_text(pilot, text, field=field, pasted=True)
        await pilot.pause()
        return editor(app, field).has_class("-invalid"), screen_text(app)


async def test_pasting_a_huge_number_is_an_error_not_a_crash(sim: Sim) -> None:
    invalid, _ = await paste_into_a_fresh_trunk(sim, "capacity", "9" * 4301)
    assert invalid


async def test_pasted_control_characters_are_not_rendered(sim: Sim) -> None:
    invalid, shown = await paste_into_a_fresh_trunk(sim, "description", "A\x1b[2J\x9b31m\u202eB")
    assert invalid
    assert_safe(shown)


@pytest.mark.parametrize("key", ["slash", "p", "x"], ids=["quick filter", "pattern", "export path"])
async def test_pasted_control_characters_are_not_rendered_anywhere(sim: Sim, key: str) -> None:
    i_account, username = fresh_account(sim)
    sim.store.insert_trunks([{"i_account": i_account, "name": "exported"}])  # x exports only a table with rows
    async with make_app(sim).run_test(size=WIDE) as pilot:
        await open_account(pilot, username)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(pilot.app.focused, Input)
        await paste(pilot, "A\x1b[2J\x9b31m\u202eB")
        await pilot.pause()
        assert_safe(screen_text(pilot.app))


# Each property above runs again in full under the `long` marker, as ``test_..._long`` (see ``Depth``).
globals().update(long_runs(globals()))
