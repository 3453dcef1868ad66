"""Values nested 100,000 deep or megabytes long become bounded text on every path that shows them.

The values are built in Python, without recursion: the API layer may cap
what it decodes, but whatever reaches these paths must be safe on its own.
Before they were bounded, the audit and CSV paths raised ``RecursionError``
on such values and ``printable`` returned megabytes whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import DEPTH, deep_list, deep_struct
from trunktui.audit import describe_change, describe_entry, failure_message, read_recent
from trunktui.export import render
from trunktui.model import FIELDS_BY_NAME, Trunk, changed_fields
from trunktui.text import TEXT_LIMIT, printable
from trunktui.tui.cells import cell, sort_key

HOSTILE = {
    "deep array": deep_list,
    "deep struct": deep_struct,
    "huge text": lambda: "x\x1b" * 5_000_000,
    "long array": lambda: ["item"] * 1_000_000,
    "huge bytes": lambda: b"\x00" * 5_000_000,
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE)
def test_printable_makes_bounded_text_of_any_value(make: Any) -> None:
    value = make()
    assert len(printable(value)) <= TEXT_LIMIT
    assert len(printable(value, 10 * TEXT_LIMIT)) <= TEXT_LIMIT
    assert len(cell(value).plain) <= TEXT_LIMIT
    assert len(sort_key(value)[2]) <= TEXT_LIMIT


def test_a_long_value_is_cut_at_the_text_limit_and_marked() -> None:
    shown = printable("y" * (2 * TEXT_LIMIT))
    assert shown == "y" * (TEXT_LIMIT - 1) + "…"


def test_csv_export_writes_a_deep_array_as_json_bounded_below_a_few_levels() -> None:
    trunk = Trunk.from_wire({"i_trunk": 1, "description": deep_list()})
    text = render("csv", [FIELDS_BY_NAME["i_trunk"], FIELDS_BY_NAME["description"]], [trunk])
    cell_text = text.splitlines()[1].removeprefix("1,")
    value = json.loads(cell_text[1:-1].replace('""', '"'))
    for _ in range(8):
        (value,) = value
    assert value == "[[[[...]]]]"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_of_a_deep_struct(fmt: str) -> None:
    trunk = Trunk.from_wire({"description": deep_struct()})
    assert "{'inner': {'inner': {'inner': {...}}}}" in render(fmt, [FIELDS_BY_NAME["description"]], [trunk])


def test_the_audit_description_of_deep_values_is_bounded() -> None:
    entry = {
        "time": deep_list(), "action": "update", "login": deep_struct(), "server": "sip.example",
        "before": {"description": deep_list()}, "after": {"description": deep_struct(), "name": "n"},
        "result": {"message": deep_list()},
    }
    change = "description: [[[[...]]]] -> {'inner': {'inner': {'inner': {...}}}}, name: NULL -> “n”"
    assert describe_change(entry) == change
    assert failure_message(entry) == "[[[[...]]]]"
    assert describe_entry(entry) == ("[[[[...]]]]  update  {'inner': {'inner': {'inner': {...}}}}@sip.example [-]"
                                     f"  account - trunk -  {change}  FAILED [[[[...]]]]")
    assert describe_change({"action": "delete", "before": {"name": deep_list()}}) == "name [[[[...]]]]"


def test_an_audit_line_nested_too_deep_to_read_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    deep = '{"action": "delete", "before": {"name": ' + "[" * DEPTH + "]" * DEPTH + "}}\n"
    path.write_text(deep + json.dumps({"action": "create", "after": {"name": "kept"}}) + "\n", encoding="utf-8")
    assert [entry["after"]["name"] for entry in read_recent(path)] == ["kept"]


def test_two_deep_values_from_two_answers_compare() -> None:
    assert changed_fields({"description": deep_list(), "name": "a"}, {"description": deep_list(), "name": "b"}) == {
        "name": "b"}
    deeper = [deep_list()]
    assert changed_fields({"description": deep_list()}, {"description": deeper}) == {"description": deeper}
