"""Export as a backup: every member a switch returned, over real HTTP, from the simulator and from a
switch with other habits (tests/foreign.py), in CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.columns import COLUMNS_2020 as COLUMNS
from trunktui.errors import InputError
from trunktui.export import ExportOptions, export, render
from trunktui.model import TRUNK_FIELDS, Trunk

EVERYTHING = ExportOptions(everything=True)


def sim_trunks(sim: Sim) -> list[Trunk]:
    with sim.client() as api:
        i_account = api.get_account(username="acme-wholesale").i_account
        return api.list_trunks(i_account)


def usual_mode() -> int:
    """The mode a new file gets under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def test_all_fields_in_json_are_every_member_the_simulator_sent_with_its_types(sim: Sim) -> None:
    """Null stays null, numbers and booleans keep their type, and a password that is set reads ***."""
    sim.server.knobs.extra_members = {"codec_list": ["PCMA", "G729"], "auth_secret": "s3cret"}
    trunks = sim_trunks(sim)
    rows = json.loads(render("json", COLUMNS, trunks, EVERYTHING))
    known = [spec.name for spec in TRUNK_FIELDS]
    assert len(rows) == len(trunks)
    for trunk, row in zip(trunks, rows, strict=True):
        assert list(row) == [name for name in known if name in trunk.members] + ["codec_list", "auth_secret"]
        for name, value in trunk.members.items():
            wanted = "***" if name in ("password", "password_backup", "auth_secret") and value else value
            assert row[name] == wanted and type(row[name]) is type(wanted), name
    assert any(row["destination_backup"] is None for row in rows)
    assert any(row["password"] == "***" for row in rows) and any(row["password_backup"] == "" for row in rows)


def test_passwords_are_written_only_when_asked_and_the_file_is_then_private(sim: Sim, tmp_path: Path) -> None:
    trunks = sim_trunks(sim)
    masked, clear = tmp_path / "masked.json", tmp_path / "clear.json"
    assert export(masked, COLUMNS, trunks, EVERYTHING) == len(trunks)
    assert export(clear, COLUMNS, trunks, ExportOptions(everything=True, secrets=True)) == len(trunks)
    passwords = {trunk.get("password") for trunk in trunks} - {""}
    assert passwords and not any(password in masked.read_text(encoding="utf-8") for password in passwords)
    assert [row["password"] for row in json.loads(clear.read_text(encoding="utf-8"))] == [
        trunk.get("password") for trunk in trunks]
    assert stat.S_IMODE(clear.stat().st_mode) == 0o600
    assert stat.S_IMODE(masked.stat().st_mode) == usual_mode()


def test_visible_columns_never_hold_a_password_even_when_asked(sim: Sim, tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    export(path, COLUMNS, sim_trunks(sim), ExportOptions(secrets=True))
    assert csv_rows(path.read_text(encoding="utf-8"))[0] == [spec.name for spec in COLUMNS]
    assert stat.S_IMODE(path.stat().st_mode) == usual_mode()


def test_csv_can_write_null_as_a_word_apart_from_empty_text(sim: Sim) -> None:
    """With NULL as the word, NULL, "" and a left-out member are three different cells."""
    trunks = sim_trunks(sim)
    text = render("csv", COLUMNS, trunks, ExportOptions(everything=True, null_word=True))
    lines = text.split("\r\n")
    header = csv_rows(text)[0]
    assert header == [spec.name for spec in TRUNK_FIELDS if spec.name in trunks[0].members]
    for trunk, line in zip(trunks, lines[1:-1], strict=True):
        cells = line.split(",")  # no demo value holds a comma
        for name, cell in zip(header, cells, strict=True):
            value = trunk.get(name)
            if value is None:
                assert cell == "NULL"
            elif value == "":
                assert cell == '""'
    assert any("NULL" in line.split(",") for line in lines[1:])
    assert "NULL" not in render("csv", COLUMNS, trunks, EVERYTHING).replace('"', "")


def foreign_trunks(switch: ForeignSwitch) -> list[Trunk]:
    with SippyClient(ConnectionSettings(switch.url, trusted=True, i_customer=1)) as api:
        return api.list_trunks(1)


def test_a_switch_that_leaves_members_out_gets_them_left_out_never_invented(foreign: ForeignSwitch) -> None:
    """This switch omits NULL and empty members and sends booleans as 0/1: the JSON has no key it did not
    send, 1 stays 1, a member the model does not know is kept, and in CSV a left-out member is an empty
    cell even when NULL is written as a word."""
    foreign.add(name="sparse", destination="192.0.2.7", random_call_id=True, capacity=None, description="",
                sip_profile="carrier-b", password="pw-foreign")
    foreign.add(name="full", destination="192.0.2.8", capacity=30, max_cps=2.5, random_call_id=False)
    trunks = foreign_trunks(foreign)
    sparse, full = json.loads(render("json", COLUMNS, trunks, EVERYTHING))
    assert sparse == {"i_trunk": 1, "i_account": 1, "name": "sparse", "destination": "192.0.2.7",
                      "password": "***", "random_call_id": 1, "sip_profile": "carrier-b"}
    assert full == {"i_trunk": 2, "i_account": 1, "name": "full", "destination": "192.0.2.8", "capacity": 30,
                    "max_cps": 2.5, "random_call_id": 0}
    assert type(sparse["random_call_id"]) is int

    rows = csv_rows(render("csv", COLUMNS, trunks, ExportOptions(everything=True, null_word=True)))
    assert rows[0] == ["i_trunk", "i_account", "name", "destination", "capacity", "max_cps", "password",
                       "random_call_id", "sip_profile"]
    assert rows[1] == ["1", "1", "sparse", "192.0.2.7", "", "", "***", "1", "carrier-b"]
    assert rows[2] == ["2", "1", "full", "192.0.2.8", "30", "2.5", "", "0", ""]
    table = json.loads(render("json", COLUMNS, trunks))
    assert "destination_backup" not in table[0] and table[0]["name"] == "sparse"


def test_a_file_or_folder_already_there_is_named_as_what_it_is(sim: Sim, tmp_path: Path) -> None:
    """Nothing is overwritten; the message says whether the name is taken by a file or by a folder."""
    trunks = sim_trunks(sim)
    (tmp_path / "taken.csv").write_text("keep me", encoding="utf-8")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(InputError, match=r"taken\.csv already exists; choose another name\."):
        export(tmp_path / "taken.csv", COLUMNS, trunks, ExportOptions())
    with pytest.raises(InputError, match=r"folder\.csv is a folder; choose another name\."):
        export(tmp_path / "folder.csv", COLUMNS, trunks, ExportOptions())
    assert (tmp_path / "taken.csv").read_text(encoding="utf-8") == "keep me"
