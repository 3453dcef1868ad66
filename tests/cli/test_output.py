"""What reaches a terminal: hostile strings from a switch only as stand-ins in tables, escaped in JSON."""

from __future__ import annotations

import io
import json
import os
import select

import pytest

from tests.cli.conftest import Target
from tests.hostile import assert_safe
from trunktui.cli.output import Column, Options, Shape, Writer, terminal_json

HOSTILE = "evil\x7f\x9b31m\x9d0;owned\x9c\u202egnp.exe\nsecond line\u2028x\x85y\u2066z"
"""A name a switch may send: DEL, a one-byte CSI, an OSC and its end, a bidi override and isolate, a newline,
line separator and NEL. (ESC and the other C0 controls cannot cross XML 1.0; ``Writer`` is tried with them
below.)"""
ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b[31mred\x08\x00\r"


def test_hostile_strings_reach_tables_only_as_stand_ins(target: Target) -> None:
    target.write(target.i_trunk, {"name": HOSTILE, "description": HOSTILE})
    i_trunk = str(target.i_trunk)
    outputs = [
        target.run("trunks", "list", "--account", target.account),
        target.run("trunks", "list", "--account", target.account, "-o", "wide"),
        target.run("trunks", "list", "--account", target.account, "-o", "name"),
        target.run("trunks", "get", i_trunk),
        target.run("trunks", "find", "evil", "--field", "name"),
        target.run("trunks", "set", i_trunk, "description=calm", "--dry-run"),
        target.run("trunks", "delete", i_trunk, "--dry-run"),
    ]
    for ran in outputs:
        assert ran.code == 0, ran.err
        assert_safe(ran.out, "table")
        assert_safe(ran.err, "messages")
        assert "evil" in ran.out and "owned" in ran.out and "<U+009B>" in ran.out


def test_json_is_ascii_and_gives_hostile_strings_back_exactly(target: Target) -> None:
    target.write(target.i_trunk, {"name": HOSTILE, "description": HOSTILE})
    for fmt in ("json", "jsonl"):
        ran = target.run("trunks", "list", "--account", target.account, "-o", fmt, "--pattern", "evil%")
        assert ran.code == 0 and ran.out.isascii() and "\x7f" not in ran.out
        [line] = [line for line in ran.out.splitlines() if "evil" in line]
        item = json.loads(line.strip().rstrip(","))
        assert item["name"] == item["description"] == HOSTILE
    got = target.run("trunks", "get", str(target.i_trunk), "-o", "json")
    assert got.out.isascii() and json.loads(got.out)["name"] == HOSTILE
    found = target.run("trunks", "find", "evil", "--field", "name", "-o", "json")
    assert found.out.isascii() and [item["name"] for item in found.json()] == [HOSTILE]


def test_a_hostile_member_name_reaches_headings_only_as_stand_ins(foreign_target: Target) -> None:
    target = foreign_target
    member = "x\x9b31m\u202eevil"
    target.write(target.i_trunk, {member: "value"})
    for ran in (target.run("trunks", "list", "--account", target.account, "-o", "wide"),
                target.run("trunks", "list", "--account", target.account, "--fields", f"name,{member}"),
                target.run("trunks", "get", str(target.i_trunk))):
        assert ran.code == 0, ran.err
        assert_safe(ran.out, "heading")
        assert "<U+009B>" in ran.out.upper()
    listed = target.run("trunks", "list", "--account", target.account, "-o", "json")
    assert listed.out.isascii() and member in one_of(listed.json(), target.i_trunk)


def one_of(items: list[dict[str, object]], i_trunk: int) -> dict[str, object]:
    return next(item for item in items if item["i_trunk"] == i_trunk)


SHAPE = Shape(columns=(Column("i_trunk", "ID"), Column("name", "Name")), wide=(), key="i_trunk")


def written(fmt: str, items: list[dict[str, object]], **options: object) -> str:
    out = io.StringIO()
    writer = Writer(SHAPE, Options(fmt, **options), out)  # type: ignore[arg-type]
    writer.add(items)
    writer.end()
    return out.getvalue()


def test_escape_sequences_are_never_written_to_a_table() -> None:
    items: list[dict[str, object]] = [{"i_trunk": 1, "name": ESCAPES, ESCAPES: ESCAPES}]
    for fmt in ("table", "wide", "name"):
        assert_safe(written(fmt, items), fmt)
    assert_safe(written("table", items, fields=("name", ESCAPES)), "table heading")
    text = written("json", items)
    assert text.isascii() and json.loads(text) == items
    assert terminal_json(ESCAPES).isascii() and "\x1b" not in terminal_json(ESCAPES)


def test_formats_of_an_empty_listing() -> None:
    assert json.loads(written("json", [])) == []
    assert written("jsonl", []) == written("name", []) == written("id", []) == written("table", []) == ""
    assert written("csv", [], fields=("i_trunk", "name")) == '"i_trunk","name"\r\n'


SHAPE = Shape(columns=(Column("name", "Name"),), wide=(), key="i")


def test_csv_keeps_text_as_sent_in_a_pipe_and_makes_it_safe_on_a_terminal() -> None:
    piped = io.StringIO()
    writer = Writer(SHAPE, Options("csv"), piped)
    writer.add([{"name": HOSTILE}])
    writer.end()
    assert HOSTILE in piped.getvalue()
    main, side = os.openpty()
    try:
        with open(side, "w", encoding="utf-8", closefd=False) as terminal:
            on_screen = Writer(SHAPE, Options("csv"), terminal)
            on_screen.add([{"name": HOSTILE}])
            on_screen.end()
        shown = os.read(main, 65536).decode()
    finally:
        os.close(main)
        os.close(side)
    assert "evil" in shown and "<U+009B>" in shown
    assert_safe(shown.replace("\r", ""), "csv on a terminal")


def test_no_records_make_no_csv() -> None:
    out = io.StringIO()
    Writer(SHAPE, Options("csv"), out).end()
    assert out.getvalue() == ""


def on_a_terminal(shape: Shape, rows: list[dict[str, object]]) -> list[str]:
    """The lines a table writes to a real pseudo-terminal."""
    main, side = os.openpty()
    try:
        with open(side, "w", encoding="utf-8", closefd=False) as terminal:
            writer = Writer(shape, Options(), terminal)
            writer.add(rows)
            writer.end()
        shown = b""
        while select.select([main], [], [], 0.5)[0]:
            shown += os.read(main, 65536)
        return shown.decode().replace("\r", "").splitlines()
    finally:
        os.close(main)
        os.close(side)


def test_a_table_on_a_terminal_fits_it_as_the_apps_table_does(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """No column wider than a third of the terminal; then the widest columns but the id and the name are
    narrowed, so every column stays while it can; only columns that still do not fit are left off at the right
    and stderr says so. In a pipe the same table keeps every column whole."""
    monkeypatch.setenv("NO_COLOR", "1")
    shape = Shape(columns=tuple(Column(name, name.title()) for name in ("i", "name", "where", "note", "more")),
                  wide=(), key="i")
    rows: list[dict[str, object]] = [{"i": 7, "name": "n" * 40, "where": "w" * 40, "note": "x" * 40, "more": "m"}]
    monkeypatch.setenv("COLUMNS", "80")
    lines = on_a_terminal(shape, rows)
    assert lines[0].split() == ["I", "NAME", "WHERE", "NOTE", "MORE"]
    assert all(len(line) <= 80 for line in lines)
    assert "n" * 25 + "…" in lines[1] and "x" * 19 + "…" in lines[1] and "x" * 24 not in lines[1]
    assert "left off" not in capsys.readouterr().err
    monkeypatch.setenv("COLUMNS", "60")
    lines = on_a_terminal(shape, rows)
    assert lines[0].split()[:2] == ["I", "NAME"] and "MORE" not in lines[0]
    assert all(len(line) <= 60 for line in lines)
    assert "left off to fit" in capsys.readouterr().err
    piped = io.StringIO()
    writer = Writer(shape, Options(), piped)
    writer.add(rows)
    writer.end()
    assert piped.getvalue().splitlines()[0].split() == ["I", "NAME", "WHERE", "NOTE", "MORE"]
