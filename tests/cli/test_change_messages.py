"""What a change says on stderr reads as the app says it: NULL and members the switch did not send by name,
never Python's None; and a trunk that cannot be read first stops the whole command before anything is sent."""
from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Target


def test_a_null_member_that_was_expected_to_hold_a_value_reads_null(target2020: Target) -> None:
    target = target2020
    target.write(target.i_trunk, {"max_cps": None})
    stored = target.read(target.i_trunk)
    ran = target.run("trunks", "set", str(target.i_trunk), "capacity=31", "--if-unchanged", "max_cps=2.5", "--yes")
    assert ran.code == 5, ran.err
    said = "is NULL" if target.kind == "sim" else "was not sent by the switch"   # XML-RPC has no NULL of its own
    assert f"(max_cps {said})" in ran.err and "None" not in ran.err
    target.sent_nothing(stored)


def test_a_member_the_switch_did_not_send_reads_so(foreign_target: Target) -> None:
    target = foreign_target
    held = target.read(target.i_trunk)
    assert held is not None
    del held["description"]   # the independent switch's own store: it no longer sends the member
    ran = target.run("trunks", "set", str(target.i_trunk), "name=far-gamma", "--if-unchanged", "description=x",
                     "--yes")
    assert ran.code == 5, ran.err
    assert "(description was not sent by the switch)" in ran.err and "None" not in ran.err


def test_one_trunk_that_cannot_be_read_stops_the_whole_command(target: Target, tmp_path: Path) -> None:
    """README: nothing is sent and nothing printed on stdout; exit 1, the trunk named."""
    stored = target.read(target.i_trunk)
    field = target.field
    path = tmp_path / "changes.json"
    path.write_text(json.dumps([{"i_trunk": target.i_trunk, "set": {field: 77 if field == "capacity" else "x"}},
                                {"i_trunk": 987654, "set": {field: 77 if field == "capacity" else "x"}}]))
    for ran in (target.run("trunks", "apply", "--from-json", str(path), "--yes", "-o", "json"),
                target.run("trunks", "set", str(target.i_trunk), "987654", f"{field}=77", "--yes", "-o", "json")):
        assert (ran.code, ran.out) == (1, ""), ran.err
        assert "trunk 987654 could not be read, so nothing was sent" in ran.err
    target.sent_nothing(stored)
