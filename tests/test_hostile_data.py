"""Hostile data through every pure display path, and any text through the model.

Property-based (hypothesis, derandomized so a run is reproducible). The
strategies are in ``tests/hostile.py``: markup, terminal controls and escape
sequences, bidi and zero-width characters, 100 KB strings, values of the
wrong type, missing and extra members.

What each test proves is in its docstring. Bugs these found have their
own tests at the end, each with the smallest case.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.text import Text

from tests.hostile import (
    UNSAFE,
    Depth,
    assert_export_reads_back,
    assert_safe,
    hostile_text,
    jsonable,
    long_runs,
    same,
    strict_json,
    trunk_structs,
    typed_text,
    wire_values,
)
from trunktui.audit import (
    AuditLog,
    describe_change,
    describe_entry,
    failure_message,
    read_recent,
)
from trunktui.columns import COLUMNS_2020 as COLUMNS
from trunktui.errors import InputError
from trunktui.export import FORMATS, render
from trunktui.model import (
    FIELDS_BY_NAME,
    TRUNK_FIELDS,
    TRUNKS_2020,
    Field,
    Kind,
    Trunk,
    format_value,
    redact,
)
from trunktui.text import TEXT_LIMIT, printable, restore
from trunktui.tui.cells import NULL_STYLE, cell, money, sort_key
from trunktui.tui.rows import TrunkRows
from trunktui.tui.screens.confirm import MASK, delete_dialog, save_dialog

# How many examples each property draws: in the default run, and in the full run (the `long` marker).
OPTIONS: dict[str, Any] = {
    "deadline": None, "derandomize": True, "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
}
FAST = Depth(quick=50, full=300, **OPTIONS)
FEW = Depth(quick=20, full=100, **OPTIONS)
MANY = Depth(quick=250, full=1500, **OPTIONS)

limits = st.one_of(st.none(), st.integers(0, 300))
fields = st.sampled_from(TRUNK_FIELDS)


def stand_in(char: str) -> str:
    """The visible stand-in for an unsafe character, written out independently."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def as_text(renderable: RenderableType, width: int = 8000) -> str:
    """What a terminal would be sent for ``renderable``, with no colour: plain text."""
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, force_terminal=False, legacy_windows=False,
                      highlight=False, emoji=False, markup=True)
    console.print(renderable)
    return out.getvalue()


# ===================================================================================
# printable, cell, sort_key
# ===================================================================================


@FAST(value=wire_values(), limit=limits)
@example(value="[b]x[/b]\x1b[2J\x9b31m\u202eevil\u200b\u2028", limit=None)
@example(value="x" * 100_000, limit=80)
def test_printable_keeps_every_visible_character_and_replaces_the_rest(value: Any, limit: int | None) -> None:
    """printable(): no unsafe character comes out; every safe character of the
    (cut) text comes out unchanged, markup included, and each unsafe one as
    its stand-in; a cut (at ``limit``, never past ``TEXT_LIMIT``, of the text
    and again of the result) keeps one character less and adds an ellipsis;
    applying it twice changes nothing."""
    out = printable(value, limit)
    assert_safe(out)
    raw = value if isinstance(value, str) else format_value(value)
    cut = TEXT_LIMIT if limit is None else min(limit, TEXT_LIMIT)
    if len(raw) > cut:
        raw, tail = raw[: max(cut - 1, 0)], "…"
    else:
        tail = ""
    shown = "".join(stand_in(c) if UNSAFE.match(c) else c for c in raw) + tail
    assert out == (shown if len(shown) <= cut else shown[: max(cut - 1, 0)] + "…")
    assert printable(out) == out


@FAST(value=wire_values(), limit=st.integers(1, 400))
def test_a_cell_is_literal_text(value: Any, limit: int) -> None:
    """cell(): a Text with no spans from the value (nothing is parsed as
    markup), NULL styled apart from any text, numbers right-aligned, and the
    characters exactly printable()'s; rendered through Rich, the same
    characters reach the output and nothing unsafe does."""
    text = cell(value, limit)
    assert isinstance(text, Text)
    assert text.spans == []
    if value is None:
        assert (text.plain, text.style) == ("NULL", NULL_STYLE)
        return
    assert text.style == ""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    assert text.plain == (printable(value) if number else printable(value, limit))
    assert text.justify == ("right" if number else None)
    shown = as_text(text, width=max(8 * limit, 40_000 if number else 0) + 10)
    assert_safe(shown)
    assert shown.rstrip("\n").strip() == text.plain.strip()


@FAST(value=wire_values())
@example(value=18533.2)
@example(value=-1234567)
@example(value=10**4000)
def test_money_is_a_sum_with_two_decimals_or_else_shown_as_a_cell(value: Any) -> None:
    """money(): a finite number as a sum, right-aligned (18533.2 is "18,533.20"); anything else
    (NULL, text, NaN, infinity) as cell() shows it."""
    text = money(value)
    assert text.spans == []
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and (isinstance(value, int) or math.isfinite(value)):
        assert text.justify == "right"
        assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", text.plain)
        digits = text.plain.replace(",", "")
        if isinstance(value, int):
            assert digits == f"{value}.00"
        else:
            assert float(digits) == pytest.approx(value, abs=0.005)
    else:
        shown = cell(value)
        assert (text.plain, text.style, text.justify) == (shown.plain, shown.style, shown.justify)


@FAST(values=st.lists(wire_values(huge=False), max_size=30), descending=st.booleans())
def test_sorting_any_mix_of_values_never_raises(values: list[Any], descending: bool) -> None:
    """sort_key() orders any mix of types without raising: numbers, then any
    other value, then NULL (the reverse when descending)."""
    rows = sorted(values, key=sort_key, reverse=descending)
    kinds = [2 if v is None else 0 if isinstance(v, (int, float)) and not isinstance(v, bool) else 1 for v in rows]
    assert kinds == sorted(kinds, reverse=descending)


# ===================================================================================
# The trunk model's view of an answer
# ===================================================================================


@FAST(struct=trunk_structs(ids=wire_values(huge=False)))
def test_a_trunk_keeps_every_member_as_sent(struct: dict[str, Any]) -> None:
    """Trunk.from_wire(): every member kept, in the server's order, values
    untouched whatever their type; members the model does not declare are
    the extras; the struct is copied; redaction masks only non-empty secrets."""
    trunk = Trunk.from_wire(struct)
    assert list(trunk.members) == list(struct)
    assert all(trunk.members[k] is struct[k] for k in struct)
    assert trunk.i_trunk is struct.get("i_trunk")
    assert trunk.name is struct.get("name")
    assert trunk.extra(TRUNKS_2020) == {k: v for k, v in struct.items() if k not in FIELDS_BY_NAME}
    struct["added later"] = 1
    assert "added later" not in trunk.members
    redacted = redact(trunk.members)
    for name, value in trunk.members.items():
        if name in TRUNKS_2020.secrets and value:
            assert redacted[name] == "***"
        else:
            assert redacted[name] is value


# ===================================================================================
# Export
# ===================================================================================

# At least two columns: one column holding NULL is an empty line, which CSV
# readers skip. The app always exports all the table's columns (seven).
column_sets = st.one_of(st.just(list(COLUMNS)), st.lists(fields, min_size=2, unique=True))
trunk_lists = st.lists(trunk_structs(ids=wire_values(huge=False)), max_size=5).map(
    lambda structs: [Trunk.from_wire(s) for s in structs]
)


@FEW(columns=column_sets, trunks=trunk_lists)
@pytest.mark.parametrize("suffix", FORMATS)
def test_an_export_reads_back_as_the_same_table(suffix: str, columns: list[Field], trunks: list[Trunk]) -> None:
    """CSV and JSON hold every trunk as exported, read back strictly (see
    ``assert_export_reads_back``): text character for character (commas,
    quotes, CR, LF, controls, markup, 100 KB), NULL apart from empty text,
    JSON types kept."""
    assert_export_reads_back(render(suffix, columns, trunks), suffix, columns, trunks)


# ===================================================================================
# Dialogs
# ===================================================================================


@FEW(struct=trunk_structs(ids=wire_values(huge=False)), production=st.booleans())
def test_the_delete_dialog_shows_the_trunk_literally(struct: dict[str, Any], production: bool) -> None:
    """The delete dialog, rendered: name, id and destination each appear as
    printable() text (cut at 200), markup literal, NULL as NULL; nothing
    unsafe; on production the name to type holds nothing unsafe either."""
    trunk = Trunk.from_wire(struct)
    dialog = delete_dialog(trunk, production=production)
    shown = as_text(dialog.body)
    assert_safe(shown)
    for name in ("name", "i_trunk", "destination"):
        value = trunk.get(name)
        assert ("NULL" if value is None else printable(value, 200)) in shown
    assert "The switch deletes it at once" in shown
    assert_safe(dialog.title_text)
    if production:
        assert dialog.type_to_confirm == printable(trunk.name)
        assert_safe(dialog.type_to_confirm)
    else:
        assert dialog.type_to_confirm is None


EDITABLE = [f.name for f in TRUNKS_2020.editable(creating=False)]
# Secrets carry a marker, so the test can tell that none is shown.
secrets = st.one_of(st.just(""), hostile_text(huge=False).map(lambda t: "SECRET\u00a7" + t))


@st.composite
def edits(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A trunk as sent (any member hostile) and changes to some of its form fields."""
    before = draw(trunk_structs(ids=wire_values(huge=False)))
    names = draw(st.lists(st.sampled_from(EDITABLE), unique=True, min_size=1))
    changes = {n: draw(secrets if n in TRUNKS_2020.secrets else wire_values()) for n in names}
    for name in TRUNKS_2020.secrets & set(before):
        before[name] = draw(secrets)
    return before, changes


@FEW(case=edits())
def test_the_save_dialog_shows_old_and_new_literally_and_masks_secrets(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The save dialog, rendered: a row per change with the field's label,
    old and new value as printable() text (cut at 200), markup literal;
    secrets never shown, only masked or marked changed; nothing unsafe."""
    before, changes = case
    dialog = save_dialog(before, changes)
    shown = as_text(dialog.body)
    assert_safe(shown)
    assert "SECRET\u00a7" not in shown
    count = len(changes)
    assert dialog.title_text == f"Save {count} changed field{'s' if count != 1 else ''}?"
    for name, new in changes.items():
        assert FIELDS_BY_NAME[name].label in shown
        if name in TRUNKS_2020.secrets:
            assert (MASK if before.get(name) else "(empty)") in shown
            assert ("(changed)" if new else "(empty)") in shown
        else:
            spec = FIELDS_BY_NAME[name]
            for value in (before.get(name), new):
                truth = spec.truth(value) if spec.kind is Kind.BOOLEAN else None
                if truth is not None:
                    assert spec.switch_word(truth) in shown
                else:
                    assert ("NULL" if value is None else printable(value, 200)) in shown


# ===================================================================================
# The audit trail keeps hostile values, and shows them safely
# ===================================================================================


@FEW(struct=trunk_structs(ids=wire_values(huge=False)))
def test_the_audit_trail_records_hostile_values_and_describes_them_safely(struct: dict[str, Any]) -> None:
    """A delete and an update of a hostile trunk are recorded (secrets
    redacted: no secret text reaches the file), read back, and described as
    the audit screen shows them (through printable): nothing unsafe."""
    for name in TRUNKS_2020.secrets & set(struct):
        struct[name] = "SECRET\u00a7" + str(len(str(struct[name])))
    with tempfile.TemporaryDirectory() as directory:
        log = AuditLog(profile="[b]p[/b]\x9b", server="sip.example", login="\u202eacme",
                       path=Path(directory) / "audit.jsonl")
        log.record("delete", account=struct.get("i_account"), trunk=struct.get("i_trunk"), before=struct)
        changes = {k: v for k, v in struct.items() if k in FIELDS_BY_NAME and k != "i_trunk"}
        log.record("update", trunk=struct.get("i_trunk"), before=struct, after=changes,
                   error=InputError("\x9b2J [b]no[/b]"))
        assert "SECRET\u00a7" not in log.path.read_text(encoding="utf-8")
        entries = read_recent(log.path)
    assert [e["action"] for e in entries] == ["delete", "update"]
    for entry in entries:
        for shown in (printable(describe_change(entry), 120), printable(describe_entry(entry)),
                      printable(failure_message(entry) or "", 60)):
            assert_safe(shown)
        for key in ("time", "action", "profile", "account", "trunk"):
            assert_safe(cell(entry.get(key)).plain)


# ===================================================================================
# What a user types: Field.parse and Field.validate
# ===================================================================================


@MANY(spec=fields, text=typed_text())
@example(spec=FIELDS_BY_NAME["capacity"], text="١٢٣")
@example(spec=FIELDS_BY_NAME["capacity"], text=str(2**31))
@example(spec=FIELDS_BY_NAME["max_cps"], text="nan")
@example(spec=FIELDS_BY_NAME["max_cps"], text="1e999")
@example(spec=FIELDS_BY_NAME["destination"], text="sip.example.com:65536")
@example(spec=FIELDS_BY_NAME["name"], text="x" * 129)
@example(spec=FIELDS_BY_NAME["name"], text="a\x1b[2Jb")
def test_parse_gives_a_valid_value_or_an_input_error_for_its_field(spec: Field, text: str) -> None:
    """For every field and any text: parse() returns a value that validate()
    accepts unchanged (same value, same type), or raises InputError naming
    the field. No other exception, whatever the text."""
    try:
        value = spec.parse(text)
    except InputError as error:
        assert error.field == spec.name
        assert error.message.startswith(spec.label + " ")
        return
    assert same(spec.validate(value), value)
    if spec.kind is Kind.STRING:
        assert value == text
    else:
        assert type(value) is {Kind.INTEGER: int, Kind.DOUBLE: float, Kind.BOOLEAN: bool}[spec.kind]
    if spec.kind is Kind.DOUBLE:
        assert math.isfinite(value)


@FAST(spec=fields, value=wire_values())
@example(spec=FIELDS_BY_NAME["max_cps"], value=float("nan"))
@example(spec=FIELDS_BY_NAME["capacity"], value=2**31)
@example(spec=FIELDS_BY_NAME["random_call_id"], value=1)
def test_validate_accepts_or_raises_input_error(spec: Field, value: Any) -> None:
    """For every field and any value an answer can carry (ints to 10**300):
    validate() returns a value that validates to itself, or raises
    InputError naming the field."""
    try:
        valid = spec.validate(value)
    except InputError as error:
        assert error.field == spec.name
        return
    assert same(spec.validate(valid), valid)


# ===================================================================================
# Bugs these found, now fixed: each keeps its smallest case
# ===================================================================================


def test_a_4301_digit_number_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        FIELDS_BY_NAME["capacity"].parse("9" * 4301)
    assert caught.value.field == "capacity"


@pytest.mark.parametrize("text", ["sip.example.com:١٢٣", "192.0.2.1:５０６０"])
def test_a_port_in_non_ascii_digits_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        FIELDS_BY_NAME["destination"].validate(text)


def test_a_huge_integer_for_a_double_is_an_input_error() -> None:
    with pytest.raises(InputError):
        FIELDS_BY_NAME["max_cps"].validate(10**400)


def nested(depth: int) -> list[Any]:
    value: list[Any] = ["[b]x[/b]"]
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("show", [printable, cell, sort_key], ids=["printable", "cell", "sort_key"])
def test_a_deeply_nested_array_is_shown_not_raised(show: Callable[[Any], Any]) -> None:
    show(nested(5000))


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_json_export_is_strict_json(value: float) -> None:
    strict_json(render("json", [FIELDS_BY_NAME["max_cps"]], [Trunk.from_wire({"max_cps": value})]))


@pytest.mark.parametrize("value", [[math.inf], {"k": [math.nan]}])
def test_json_export_of_a_non_finite_double_inside_an_array(value: Any) -> None:
    """Found by the round-trip property once top-level NaN was fixed: a NaN inside
    an array reached json.dumps(allow_nan=False) and the export failed."""
    text = render("json", [FIELDS_BY_NAME["max_cps"]], [Trunk.from_wire({"max_cps": value})])
    assert strict_json(text) == [{"max_cps": jsonable(value)}]


def test_datetime_and_bytes_members_are_shown_as_text() -> None:
    """Smallest cases of two answer types the other tests draw at random."""
    when = datetime.datetime(2024, 1, 2, 3, 4, 5)
    assert printable(when) == "2024-01-02 03:04:05"
    assert printable(b"\x1b[2J") == "b'\\x1b[2J'"


@pytest.mark.parametrize("char", [
    "\u061c", "\u2060", "\u2063", "\U000e0001", "\U000e0041", "\xad", "\u034f", "\u115f", "\u1160", "\u17b4",
    "\u17b5", "\u180b", "\u180e", "\u180f", "\u3164", "\ufe00", "\ufe0f", "\uffa0", "\U000e0100", "\U000e01ef",
    "\u0600", "\u2065", "\ufff0", "\ufff9", "\U000110bd", "\U0001bca0", "\U0001d173", "\U000e0fff",
], ids=lambda char: f"U+{ord(char):04X}")
def test_every_invisible_formatting_character_is_replaced(char: str) -> None:
    shown = printable(f"a{char}b")
    assert shown == f"a{stand_in(char)}b"
    assert restore(shown) == f"a{char}b"


def test_every_format_character_is_replaced_and_visible_ones_are_kept() -> None:
    """Whatever this Python's Unicode tables call a format character (Cf) is replaced; a character
    that takes room on the screen, though it may look blank (braille blank, no-break and ideographic
    spaces, Hangul letters, a Mongolian letter), or is past the BMP and visible (emoji, CJK), is kept."""
    formats = "".join(chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf")
    assert printable(formats) == "".join(map(stand_in, formats))
    visible = "\u2800\xa0\u3000\u1100\u1820\U0001f600\U0001f1f3\U0001f1f1\U00020000\U0001d400\U000f0000"
    assert printable(visible) == visible
    assert restore(printable(visible)) == visible


@FEW(
    structs=st.lists(trunk_structs(huge=False, ids=wire_values(huge=False)), max_size=12),  # size is no matter
    column=st.one_of(st.none(), st.sampled_from(COLUMNS)),
    descending=st.booleans(),
    wanted=st.one_of(st.just(""), st.sampled_from(["a", "null", "1", ".", "<u+", "é"]), hostile_text(huge=False)),
)
def test_the_table_view_is_the_plain_filter_and_sort(
    structs: list[dict[str, Any]], column: Field | None, descending: bool, wanted: str
) -> None:
    """TrunkRows.view(), with its precomputed text and cached orders, shows
    exactly what filtering each row's cells and sorting with sort_key would
    (NULLs last both ways); each width holds its column's widest cell."""
    trunks = [Trunk.from_wire(struct) for struct in structs]
    rows = TrunkRows.build(trunks, COLUMNS)
    wanted = printable(wanted).strip().casefold()
    expected = [t for t in trunks
                if not wanted or any(wanted in cell(t.get(spec.name)).plain.casefold() for spec in COLUMNS)]
    if column is not None:
        expected.sort(key=lambda t: sort_key(t.get(column.name)), reverse=descending)
        expected.sort(key=lambda t: t.get(column.name) is None)
    for _ in range(2):  # the second time from the cached order
        assert [id(t) for t in rows.view(column, descending, wanted)] == [id(t) for t in expected]
    for index, spec in enumerate(COLUMNS):
        assert all(cell_len(cell(t.get(spec.name)).plain) <= rows.widths[index] for t in trunks)
    gone = trunks[0] if trunks else None
    if gone is not None:
        assert [id(t) for t in rows.without(gone).view(None, False, "")] == [id(t) for t in trunks[1:]]


# Each property above runs again in full under the `long` marker, as ``test_..._long`` (see ``Depth``).
globals().update(long_runs(globals()))
