"""A command that is malformed whatever the switch holds exits 2 before a password is asked for.

Run as processes of their own, with no password and a stdin that is not a
terminal: a command reaching the point of connecting would exit 4 (no
password) instead.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Target


def refused_before_a_password(target: Target, *argv: str) -> str:
    ran = target.process(*argv, password=False)
    assert ran.code == 2, (argv, ran.err)
    assert ran.out == "" and "no password" not in ran.err, ran.err
    assert target.calls() == 0
    return ran.err


def test_malformed_apply_file_exits_2_before_a_password(login_target: Target, tmp_path: Path) -> None:
    """README: a command malformed whatever the switch holds exits 2 before a password is asked for."""
    missing = login_target.process("trunks", "apply", "--from-json", str(tmp_path / "nope.json"), password=False)
    assert missing.code == 2, missing.err
    bad = tmp_path / "bad.json"
    bad.write_text('[{"i_trunk": "x"}]')
    ran = login_target.process("trunks", "apply", "--from-json", str(bad), password=False)
    assert ran.code == 2, ran.err


def test_a_bad_move_place_exits_2_before_a_password(login_target: Target) -> None:
    ran = login_target.process("connections", "move", "1", "sideways", password=False)
    assert ran.code == 2, ran.err


@pytest.mark.parametrize("change", [{"no_such_member": 1}, {"name": 5}, {"i_trunk": 3}])
def test_an_apply_file_setting_what_no_trunk_takes_exits_2_before_a_password(
    login_target: Target, tmp_path: Path, change: dict[str, object]
) -> None:
    path = tmp_path / "changes.json"
    path.write_text(json.dumps([{"i_trunk": 1, "set": change}]), encoding="utf-8")
    err = refused_before_a_password(login_target, "trunks", "apply", "--from-json", str(path))
    assert "change 1" in err


def test_an_apply_file_from_stdin_is_read_once(login_target: Target) -> None:
    """The check reads stdin; the command then works from what it read (here it stops at the password)."""
    ran = login_target.process("trunks", "apply", "--from-json", "-", "--yes", password=False,
                               text_in=json.dumps([{"i_trunk": 1, "set": {"name": "x"}}]))
    assert ran.code == 4, ran.err


@pytest.mark.parametrize("argv", [
    ("trunks", "set", "1", "no_such_member=1", "--yes"),
    ("trunks", "set", "abc", "name=x", "--yes"),
    ("trunks", "set", "1", "name=x", "name=y", "--yes"),
    ("trunks", "set", "1", "2", "name=x", "--if-unchanged", "name=y", "--yes"),
    ("trunks", "set", "1", "name=x", "--if-unchanged", "not-a-version", "--yes"),
    ("trunks", "delete", "1", "--if-unchanged", "not-a-version", "--yes"),
    ("trunks", "create", "--account", "1", "no_such_member=1", "--yes"),
    ("trunks", "create", "--account", "1", "description=x", "--yes"),
    ("trunks", "find", " "),
    ("connections", "set", "1", "capacity=abc", "--yes"),
    ("connections", "set", "1", "no_such_member=1", "--yes"),
    ("connections", "set", "1", "capacity=1", "--if-unchanged", "capacity=abc", "--yes"),
    ("connections", "create", "1", "name=x", "--yes"),
    ("connections", "move", "1", "0", "--yes"),
])
def test_other_malformed_commands_exit_2_before_a_password(login_target: Target, argv: tuple[str, ...]) -> None:
    refused_before_a_password(login_target, *argv)


def test_an_empty_ids_file_exits_2_before_a_password(login_target: Target, tmp_path: Path) -> None:
    empty = tmp_path / "ids"
    empty.write_text("# none\n", encoding="utf-8")
    err = refused_before_a_password(login_target, "trunks", "set", "--ids-from", str(empty), "name=x", "--yes")
    assert "holds no trunk ids" in err


def test_a_member_of_either_api_passes_the_check_when_the_api_is_worked_out(target2020: Target) -> None:
    """With ``--api auto`` the check cannot know the API: a member of either is left to the switch's."""
    target2020.options = [option for option in target2020.options if option not in ("--api", "2020")]
    ran = target2020.run("trunks", "set", str(target2020.i_trunk), "capacity=31", "--dry-run")
    assert ran.code == 0, ran.err
    assert "capacity" in ran.out
