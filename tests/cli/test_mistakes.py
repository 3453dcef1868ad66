"""Mistakes in a command or its files: each refused as a usage error (exit 2) that names it, sends nothing, and
never shows a password; and the words of the messages around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import SECRET, Target
from tests.conftest import Sim
from trunktui.cli import main
from trunktui.cli.assignments import expected, parse, version
from trunktui.cli.exits import Exit, UsageError
from trunktui.model import TRUNKS_2020
from trunktui.versions import CONNECTIONS

TOO_LONG = "S3CRETS3CRET" * 11


@pytest.mark.parametrize("password", [TOO_LONG, "S3CRET\x07bell"])
def test_a_rejected_password_is_never_echoed(target2020: Target, password: str) -> None:
    before = target2020.read(target2020.i_trunk)
    ran = target2020.run("trunks", "set", str(target2020.i_trunk), f"password={password}", "--dry-run")
    assert ran.code == Exit.USAGE
    assert "S3CRET" not in ran.err and "(password=***)" in ran.err
    assert target2020.read(target2020.i_trunk) == before


def test_a_rejected_connection_password_is_never_echoed(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRUNKTUI_PASSWORD", sim22.logins["acme"].password)
    code = main(["--url", sim22.url, "--user", "acme", "--api", "2022", "connections", "set", "2",
                 f"password={TOO_LONG}", "--dry-run"])
    err = capsys.readouterr().err
    assert code == Exit.USAGE and "S3CRET" not in err and "password=***" in err
    with pytest.raises(UsageError) as refused:
        parse(CONNECTIONS, ["password:=S3CRET"])
    assert "S3CRET" not in str(refused.value) and "password:=***" in str(refused.value)


def test_the_version_counts_a_password_only_as_set_or_not() -> None:
    trunk = {"i_trunk": 1, "name": "t", "capacity": 30, "password": SECRET}
    assert version(trunk) == version({**trunk, "password": "another"})
    assert version(trunk) != version({**trunk, "password": ""})
    assert version(trunk) != version({**trunk, "capacity": 31})
    assert version.__doc__ and "password" in version.__doc__


def test_if_unchanged_a_member_the_trunk_cannot_have_is_a_usage_error(target: Target) -> None:
    before = target.read(target.i_trunk)
    ran = target.run("trunks", "set", str(target.i_trunk), "description=x", "--if-unchanged", "nosuch=1", "--yes")
    assert ran.code == Exit.USAGE and "nosuch" in ran.err and "is None" not in ran.err
    target.sent_nothing(before)


def test_if_unchanged_a_member_the_switch_sent_but_no_schema_declares_is_checked() -> None:
    wanted = expected(TRUNKS_2020, ["vendor_flag=on"])
    wanted.check(TRUNKS_2020, {"i_trunk": 1, "name": "t", "vendor_flag": "on"})
    with pytest.raises(UsageError, match="nosuch"):
        expected(TRUNKS_2020, ["nosuch=on"]).check(TRUNKS_2020, {"i_trunk": 1, "name": "t"})


def test_null_on_a_member_that_cannot_be_null_is_refused_not_taken_as_text(target: Target) -> None:
    before = target.read(target.i_trunk)
    ran = target.run("trunks", "set", str(target.i_trunk), "description=null", "--yes")
    assert ran.code == Exit.USAGE and "description:='\"null\"'" in ran.err
    target.sent_nothing(before)
    assert parse(TRUNKS_2020, ["max_cps=null", "description:=\"null\""]) == {"max_cps": None, "description": "null"}


def test_json_nested_too_deep_is_not_json(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    ran = target.run("trunks", "apply", "--from-json", str(path), "--yes")
    assert ran.code == Exit.USAGE and "not JSON" in ran.err and "unexpected" not in ran.err


@pytest.mark.parametrize("option", ["--from-json", "--ids-from"])
def test_an_endless_file_is_refused_once_past_the_limit(target: Target, option: str) -> None:
    before = target.read(target.i_trunk)
    verb = ["apply"] if option == "--from-json" else ["set", "description=x"]
    ran = target.run("trunks", *verb, option, "/dev/zero", "--yes")
    assert ran.code == Exit.USAGE and "4 MB" in ran.err
    target.sent_nothing(before)
    helped = target.run("trunks", verb[0], "--help", connect=False)
    assert "4 MB" in helped.out


def test_files_with_a_byte_order_mark_are_read(target: Target, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text(f"\ufeff{target.i_trunk}\n", encoding="utf-8")
    ran = target.run("trunks", "set", "--ids-from", str(ids), f"{target.field}=7", "--dry-run")
    assert ran.code == Exit.OK, ran.err
    changes = tmp_path / "changes.json"
    value = 7 if target.field == "capacity" else "x"
    changes.write_text("\ufeff" + json.dumps([{"i_trunk": target.i_trunk, "set": {target.field: value}}]),
                       encoding="utf-8")
    ran = target.run("trunks", "apply", "--from-json", str(changes), "--dry-run")
    assert ran.code == Exit.OK, ran.err


def test_an_id_given_as_text_is_shown_as_json(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "changes.json"
    path.write_text(json.dumps([{"i_trunk": "8", "set": {"capacity": 7}}]), encoding="utf-8")
    ran = target.run("trunks", "apply", "--from-json", str(path), "--dry-run")
    assert ran.code == Exit.USAGE and 'not "8"' in ran.err


def test_one_trunk_left_alone_is_told_in_the_singular(target: Target) -> None:
    value = target.read(target.i_trunk)[target.field]  # type: ignore[index]
    ran = target.run("trunks", "set", str(target.i_trunk), f"{target.field}={value}", "--dry-run")
    assert ran.code == Exit.OK, ran.err
    assert "1 trunk already holds these values and is left alone." in ran.err


def test_a_file_giving_two_trunks_the_same_name_is_refused_before_anything_is_sent(
    target: Target, tmp_path: Path
) -> None:
    listed = target.run("trunks", "list", "--account", target.account, "-o", "id")
    first, second = (int(i_trunk) for i_trunk in listed.out.split()[:2])
    before = target.read(target.i_trunk)
    path = tmp_path / "changes.json"
    path.write_text(json.dumps([{"i_trunk": first, "set": {"name": "twin"}},
                                {"i_trunk": second, "set": {"name": "twin"}}]), encoding="utf-8")
    ran = target.run("trunks", "apply", "--from-json", str(path), "--yes")
    assert ran.code == Exit.USAGE and "must differ between trunks" in ran.err
    target.sent_nothing(before)
    assert target.read(first)["name"] != "twin"  # type: ignore[index]
