"""``trunktui connections …`` over real HTTP: against the 2022+ simulator, a 2020 one, and a second server."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch, ForeignSwitch2022
from tests.hostile import UNSAFE
from trunktui.audit import read_recent
from trunktui.cli import main
from trunktui.cli.assignments import version
from trunktui.cli.exits import Exit
from trunktui.simulator.knobs import FailMode

ACME = 1
"""The demo's first customer, whose trunk 1 (telstra-lon-02, account 1) has connections 1, 2 and 3."""
TRUNK = 1


def login(sim: Sim, monkeypatch: pytest.MonkeyPatch, api: str = "2022") -> list[str]:
    monkeypatch.setenv("TRUNKTUI_PASSWORD", sim.logins["acme"].password)
    return ["--url", sim.url, "--user", "acme", "--api", api]


def trusted(switch: ForeignSwitch, api: str = "2022") -> list[str]:
    return ["--url", switch.url, "--trusted", "--customer", "1", "--api", api]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def stored(sim: Sim, i_trunk_connection: int) -> dict[str, object] | None:
    return sim.store.get_connection(ACME, i_trunk_connection)


def capacity(sim: Sim, i_trunk_connection: int) -> object:
    members = stored(sim, i_trunk_connection)
    return None if members is None else members["capacity"]


def places(sim: Sim) -> list[tuple[int, str]]:
    return [(c["order_no"], c["name"]) for c in sim.store.list_connections(ACME, TRUNK) or []]


def production_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sim: Sim) -> list[str]:
    path = tmp_path / "profiles.toml"
    path.write_text(f'[profiles.prod]\nurl = "{sim.url}"\nusername = "acme"\napi = "2022"\nproduction = true\n',
                    encoding="utf-8")
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(path))
    monkeypatch.setenv("TRUNKTUI_PASSWORD", sim.logins["acme"].password)
    return ["--profile", "prod"]


# Reading


def test_list_prints_the_connections_top_to_bottom_as_the_switch_orders_them(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sim22.store.update_connection(ACME, 1, {"order_no": "last"})
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "list", str(TRUNK))
    assert code == Exit.OK
    head, *rows = out.splitlines()
    assert head.split() == ["ID", "ORDER", "NAME", "DESTINATION", "CAPACITY", "MAX", "CPS"]
    assert [row.split()[:3] for row in rows] == [["2", "1", "sbc2"], ["3", "2", "sbc3"], ["1", "3", "sbc1"]]
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "list", str(TRUNK), "-o", "id")
    assert out.split() == ["2", "3", "1"]


def test_list_as_json_and_csv_parses_to_the_switchs_members(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "list", str(TRUNK), "-o", "json")
    assert code == Exit.OK
    items = json.loads(out)
    assert items == [stored(sim22, i) for i in (1, 2, 3)]
    assert items[0]["random_call_id"] is True and isinstance(items[0]["max_cps"], float)

    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "list", str(TRUNK), "-o", "jsonl")
    assert [json.loads(line) for line in out.splitlines()] == items

    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "list", str(TRUNK), "-o", "csv",
                       "--fields", "i_trunk_connection,name,capacity")
    assert code == Exit.OK
    assert list(csv.DictReader(io.StringIO(out))) == [
        {"i_trunk_connection": str(i), "name": f"sbc{i}", "capacity": "120"} for i in (1, 2, 3)]


def test_a_trunk_without_connections_lists_as_an_empty_array(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for i_trunk_connection in (1, 2, 3):
        sim22.store.delete_connection(ACME, i_trunk_connection)
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "list", str(TRUNK), "-o", "json")
    assert (code, json.loads(out)) == (Exit.OK, [])
    assert "no connections" in err


def test_secrets_are_masked_unless_asked_for(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sim22.store.update_connection(ACME, 2, {"username": "carrier", "password": "hunter2-secret"})
    for command in (["list", str(TRUNK), "-o", "json"], ["list", str(TRUNK), "-o", "wide"], ["get", "2"],
                    ["get", "2", "-o", "json"], ["list", str(TRUNK), "-o", "csv"]):
        code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", *command)
        assert code == Exit.OK
        assert "hunter2-secret" not in out + err and "***" in out, command
        code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", *command, "--show-secrets")
        assert "hunter2-secret" in out, command
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "list", str(TRUNK), "-o", "json")
    assert [item["password"] for item in json.loads(out)] == ["", "***", ""]


def test_get_shows_every_member_and_the_version_set_checks(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "get", "2")
    assert code == Exit.OK
    *lines, last = out.splitlines()
    shown = {line.split(")", 1)[0].rsplit("(", 1)[1]: line.split(")", 1)[1].strip() for line in lines}
    members = stored(sim22, 2)
    assert members is not None and list(shown) == list(members)
    assert shown["name"] == "sbc2" and shown["destination"] == "sbc2.lon.telstra.example.net"
    assert last.split() == ["Version", version(members)]
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "get", "2", "-o", "json")
    assert json.loads(out) == members


def test_a_connection_that_is_not_there_is_a_fault(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "get", "999")
    assert (code, out) == (Exit.FAULT, "")
    assert err.startswith("trunktui: error: ")


# Creating


def test_create_adds_a_connection_where_asked_prints_its_id_and_audits_it(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "create", str(TRUNK), "name=backup",
                         "destination=192.0.2.9:5060", "capacity=40", "order_no=first", "--yes")
    assert code == Exit.OK, err
    i_trunk_connection = int(out)
    made = stored(sim22, i_trunk_connection)
    assert made is not None
    assert (made["name"], made["destination"], made["capacity"], made["order_no"]) == ("backup", "192.0.2.9:5060",
                                                                                       40, 1)
    assert places(sim22) == [(1, "backup"), (2, "sbc1"), (3, "sbc2"), (4, "sbc3")]
    (entry,) = read_recent()
    assert (entry["action"], entry["account"], entry["trunk"], entry["connection"], entry["result"]) == (
        "create connection", 1, TRUNK, i_trunk_connection, "OK")
    assert entry["after"]["name"] == "backup"


def test_create_takes_a_place_number_and_refuses_a_move_word(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "create", str(TRUNK), "name=x",
                         "destination=192.0.2.1", "order_no=up", "--yes")
    assert (code, out) == (Exit.USAGE, "")
    assert "'first' or 'last'" in err
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "create", str(TRUNK), "name=x",
                         "destination=not a host", "--yes")
    assert code == Exit.USAGE and "Destination" in err
    assert places(sim22) == [(1, "sbc1"), (2, "sbc2"), (3, "sbc3")]
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "create", str(TRUNK), "name=x",
                       "destination=192.0.2.1", "order_no=2", "--yes")
    assert code == Exit.OK
    assert places(sim22) == [(1, "sbc1"), (2, "x"), (3, "sbc2"), (4, "sbc3")]


def test_a_create_dry_run_sends_nothing(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "create", str(TRUNK), "name=x",
                         "destination=192.0.2.1", "password=s3cret-value", "--dry-run", "-o", "json")
    assert code == Exit.OK
    rows = {row["member"]: row["new"] for row in json.loads(out)}
    assert rows == {"i_trunk": TRUNK, "name": "x", "destination": "192.0.2.1", "password": "***"}
    assert "Dry run" in err
    assert places(sim22) == [(1, "sbc1"), (2, "sbc2"), (3, "sbc3")] and read_recent() == []


def test_a_create_whose_answer_was_lost_is_looked_for_in_the_trunk(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The trunk is read, then the create runs but its answer is dropped: the connection is found by name."""
    sim22.server.knobs.fail_mode = FailMode.RESET
    sim22.server.knobs.fail_every = sim22.server.stats.calls + 2
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "create", str(TRUNK), "name=lost",
                         "destination=192.0.2.7", "--yes")
    assert code == Exit.OK, err
    made = [c for c in sim22.store.list_connections(ACME, TRUNK) or [] if c["name"] == "lost"]
    assert [int(out)] == [c["i_trunk_connection"] for c in made]
    assert "answer was lost" in err
    attempt, check = read_recent()
    assert attempt["result"]["outcome"] == "unknown"
    assert (check["action"], check["account"], check["connection"], check["result"]["read_back"]) == (
        "create connection", 1, int(out), "applied")


# Changing


def test_set_sends_only_the_members_that_differ_and_audits_them(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=120",
                         "max_cps=null", "destination=198.51.100.2", "--yes")
    assert (code, out) == (Exit.OK, "")
    now = stored(sim22, 2)
    assert now is not None and (now["capacity"], now["max_cps"], now["destination"]) == (120, None, "198.51.100.2")
    (entry,) = read_recent()
    assert (entry["action"], entry["account"], entry["trunk"], entry["connection"], entry["connection_name"]) == (
        "update connection", 1, TRUNK, 2, "sbc2")
    assert entry["before"] == {"max_cps": 1.0, "destination": "sbc2.lon.telstra.example.net"}
    assert entry["after"] == {"max_cps": None, "destination": "198.51.100.2"}
    assert "Changed connection 2 (sbc2)" in err


def test_set_with_nothing_different_sends_nothing(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sim22.server.stats.calls
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=120", "--yes")
    assert (code, out) == (Exit.OK, "")
    assert "nothing to send" in err and read_recent() == []
    assert sim22.server.stats.calls == before + 1


def test_a_set_dry_run_prints_old_and_new_and_sends_nothing(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sim22.store.update_connection(ACME, 2, {"password": "old-secret"})
    before = stored(sim22, 2)
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=30",
                         "password=new-secret", "--dry-run")
    assert code == Exit.OK
    head, *rows = out.splitlines()
    assert head.split() == ["ID", "NAME", "FIELD", "NOW", "AFTER"]
    assert [row.split() for row in rows] == [["2", "sbc2", "capacity", "120", "30"],
                                             ["2", "sbc2", "password", "***", "(changed)"]]
    assert "secret" not in out + err and "Dry run" in err
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=30", "--dry-run",
                       "-o", "csv")
    assert list(csv.DictReader(io.StringIO(out))) == [{"i_trunk_connection": "2", "name": "sbc2", "member": "capacity",
                                                       "old": "120", "new": "30", "i_trunk": "1"}]
    assert stored(sim22, 2) == before and read_recent() == []


def test_set_refuses_a_value_the_model_refuses(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored(sim22, 2)
    for token in ("capacity=-1", "huntstop_scodes=999", "i_trunk=2", "colour=red", "random_call_id=maybe"):
        code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", token, "--yes")
        assert (code, out) == (Exit.USAGE, "") and err.startswith("trunktui: error: "), token
    assert stored(sim22, 2) == before and read_recent() == []


def test_if_unchanged_refuses_once_the_connection_changed_on_the_switch(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "get", "2")
    read = next(line.split()[-1] for line in out.splitlines() if line.startswith("Version"))
    sim22.store.update_connection(ACME, 2, {"capacity": 99})
    for condition in (read, "capacity=120"):
        code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=30",
                             "--if-unchanged", condition, "--yes")
        assert (code, out) == (Exit.REFUSED, ""), condition
        assert "changed on the switch" in err
    assert capacity(sim22, 2) == 99
    code, _, _ = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=30",
                     "--if-unchanged", "capacity=99", "--yes")
    assert code == Exit.OK and capacity(sim22, 2) == 30


def test_a_set_whose_answer_was_lost_is_read_back(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The connection and its trunk are read, then the update runs but its answer is dropped."""
    sim22.server.knobs.fail_mode = FailMode.RESET
    sim22.server.knobs.fail_every = sim22.server.stats.calls + 3
    code, _, err = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=31", "--yes")
    assert code == Exit.OK, err
    assert capacity(sim22, 2) == 31
    attempt, check = read_recent()
    assert attempt["result"]["outcome"] == "unknown"
    assert (check["action"], check["account"], check["result"]["read_back"]) == ("update connection", 1, "applied")


def test_a_refused_update_is_a_fault(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sim22.server.knobs.fail_mode = FailMode.FAULT
    sim22.server.knobs.fail_every = sim22.server.stats.calls + 3
    code, _, err = run(capsys, *login(sim22, monkeypatch), "connections", "set", "2", "capacity=31", "--yes")
    assert code == Exit.FAULT and "Injected fault" in err
    assert capacity(sim22, 2) == 120


def test_move_changes_the_place_alone_and_is_audited_as_a_move(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "move", "3", "up", "--yes")
    assert (code, out) == (Exit.OK, ""), err
    assert places(sim22) == [(1, "sbc1"), (2, "sbc3"), (3, "sbc2")]
    code, _, _ = run(capsys, *login(sim22, monkeypatch), "connections", "move", "2", "first", "--yes")
    assert places(sim22) == [(1, "sbc2"), (2, "sbc1"), (3, "sbc3")]
    code, _, _ = run(capsys, *login(sim22, monkeypatch), "connections", "move", "2", "3", "--yes")
    assert places(sim22) == [(1, "sbc1"), (2, "sbc3"), (3, "sbc2")]
    entries = read_recent()
    assert [(e["action"], e["connection"], e["account"], e["after"]) for e in entries] == [
        ("move connection", 3, 1, {"order_no": "up"}), ("move connection", 2, 1, {"order_no": "first"}),
        ("move connection", 2, 1, {"order_no": 3})]


def test_a_move_nowhere_or_nonsense_sends_nothing(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *login(sim22, monkeypatch), "connections", "move", "1", "up", "--yes")
    assert code == Exit.OK and "already" in err
    code, _, err = run(capsys, *login(sim22, monkeypatch), "connections", "move", "1", "sideways", "--yes")
    assert code == Exit.USAGE and "'up'" in err
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "move", "1", "last", "--dry-run", "-o",
                       "json")
    assert code == Exit.OK
    assert [(row["member"], row["old"], row["new"]) for row in json.loads(out)] == [("order_no", 1, "last")]
    assert places(sim22) == [(1, "sbc1"), (2, "sbc2"), (3, "sbc3")] and read_recent() == []


def test_a_move_down_from_the_bottom_sends_nothing(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for place in ("down", "last"):
        code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "move", "3", place, "--yes")
        assert (code, out) == (Exit.OK, ""), err
        assert "already" in err and "nothing to send" in err
    assert places(sim22) == [(1, "sbc1"), (2, "sbc2"), (3, "sbc3")] and read_recent() == []


def test_delete_removes_the_connection_and_audits_it(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", "delete", "1", "--yes")
    assert (code, out) == (Exit.OK, ""), err
    assert stored(sim22, 1) is None and places(sim22) == [(1, "sbc2"), (2, "sbc3")]
    (entry,) = read_recent()
    assert (entry["action"], entry["account"], entry["trunk"], entry["connection"]) == ("delete connection", 1,
                                                                                        TRUNK, 1)
    assert entry["before"]["name"] == "sbc1"


def test_a_delete_whose_answer_was_lost_is_looked_for_in_the_trunk(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The connection and its trunk are read, then the delete runs but its answer is dropped."""
    sim22.server.knobs.fail_mode = FailMode.RESET
    sim22.server.knobs.fail_every = sim22.server.stats.calls + 3
    code, _, err = run(capsys, *login(sim22, monkeypatch), "connections", "delete", "1", "--yes")
    assert code == Exit.OK, err
    assert "no longer in the trunk" in err and stored(sim22, 1) is None
    attempt, check = read_recent()
    assert (attempt["action"], attempt["result"]["outcome"]) == ("delete connection", "unknown")
    assert (check["action"], check["account"], check["trunk"], check["connection"]) == ("delete connection", 1,
                                                                                        TRUNK, 1)
    assert check["result"]["read_back"] == "applied" and check["before"]["name"] == "sbc1"


# Safety


@pytest.mark.parametrize("command", [
    ["create", str(TRUNK), "name=x", "destination=192.0.2.1", "--yes"],
    ["set", "2", "capacity=30", "--yes"],
    ["move", "2", "up", "--yes"],
    ["delete", "2", "--yes"],
])
def test_read_only_refuses_every_change_before_any_call(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    before, calls = places(sim22), sim22.server.stats.calls
    code, out, err = run(capsys, *login(sim22, monkeypatch), "--read-only", "connections", *command)
    assert (code, out) == (Exit.REFUSED, "")
    assert "read-only" in err
    assert sim22.server.stats.calls == calls and places(sim22) == before and read_recent() == []


@pytest.mark.parametrize("command", [
    ["create", str(TRUNK), "name=x", "destination=192.0.2.1"],
    ["set", "2", "capacity=30"],
    ["move", "2", "up"],
    ["delete", "2"],
])
def test_without_yes_and_without_a_terminal_nothing_is_sent(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """A real process whose stdin is not a terminal: a usage error, and the switch unchanged."""
    before = [stored(sim22, i) for i in (1, 2, 3)]
    env = {**os.environ, "TRUNKTUI_PASSWORD": sim22.logins["acme"].password}
    done = subprocess.run([sys.executable, "-m", "trunktui", "--url", sim22.url, "--user", "acme", "--api", "2022",
                           "connections", *command], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=env, timeout=60)
    assert (done.returncode, done.stdout) == (Exit.USAGE, "")
    assert "--yes" in done.stderr and "nothing was sent" in done.stderr
    assert [stored(sim22, i) for i in (1, 2, 3)] == before and places(sim22) == [(1, "sbc1"), (2, "sbc2"),
                                                                               (3, "sbc3")]
    assert read_recent() == []


def test_production_deletes_only_with_the_connections_name_and_yes(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = production_profile(tmp_path, monkeypatch, sim22)
    calls = sim22.server.stats.calls
    code, _, err = run(capsys, *profile, "connections", "delete", "2", "--yes")
    assert code == Exit.REFUSED and "--confirm-name" in err and "connection's name" in err
    assert sim22.server.stats.calls == calls
    for name, yes in (("sbc1", ["--yes"]), ("sbc2", [])):
        code, _, err = run(capsys, *profile, "connections", "delete", "2", "--confirm-name", name, *yes)
        assert code == Exit.REFUSED and "nothing was sent" in err, name
    assert stored(sim22, 2) is not None and read_recent() == []
    code, _, err = run(capsys, *profile, "connections", "delete", "2", "--confirm-name", "sbc2", "--yes")
    assert code == Exit.OK, err
    assert stored(sim22, 2) is None
    (entry,) = read_recent()
    assert (entry["action"], entry["profile"], entry["connection"]) == ("delete connection", "prod", 2)


# The 2020 API


@pytest.mark.parametrize("command", [
    ["list", "1"], ["get", "1"], ["create", "1", "name=x", "destination=192.0.2.1", "--yes"],
    ["set", "1", "capacity=30", "--yes"], ["move", "1", "up", "--yes"], ["delete", "1", "--yes"],
])
def test_a_2020_switch_is_told_it_has_no_connections(
    sim: Sim, foreign: ForeignSwitch, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: list[str]
) -> None:
    calls = sim.server.stats.calls
    code, out, err = run(capsys, *login(sim, monkeypatch, "2020"), "connections", *command)
    assert (code, out) == (Exit.USAGE, "")
    assert "2020 trunks API" in err and "destination themselves" in err
    assert sim.server.stats.calls == calls
    foreign.add(name="carrier", destination="192.0.2.1")
    code, out, err = run(capsys, *trusted(foreign, "auto"), "connections", *command)
    assert (code, out) == (Exit.USAGE, "") and "2020 trunks API" in err
    # That switch records only calls of methods it has: working out the API asks for others, and once the
    # API is known nothing at all is sent.
    assert foreign.calls == []
    assert foreign.trunks[1] == {"i_trunk": 1, "i_account": 1, "name": "carrier", "destination": "192.0.2.1"}
    assert read_recent() == []


# A second, independent server


def test_a_second_server_lists_shows_and_changes_connections(
    foreign22: ForeignSwitch2022, capsys: pytest.CaptureFixture[str]
) -> None:
    """That server leaves out empty members, sends booleans as 0/1 and keeps no order of its own."""
    i_trunk = foreign22.add(name="carrier", description="")
    main_one = foreign22.connect(i_trunk, name="main", destination="198.51.100.10:5060", order_no=1,
                                 random_call_id=True, password="far-secret")
    backup = foreign22.connect(i_trunk, name="backup", destination="198.51.100.20", order_no=2)
    code, out, _ = run(capsys, *trusted(foreign22), "connections", "list", str(i_trunk), "-o", "json")
    assert code == Exit.OK
    items = json.loads(out)
    assert [(item["i_trunk_connection"], item["name"]) for item in items] == [(main_one, "main"), (backup, "backup")]
    assert items[0]["random_call_id"] == 1 and items[0]["password"] == "***" and "capacity" not in items[1]

    code, out, _ = run(capsys, *trusted(foreign22), "connections", "get", str(backup))
    assert code == Exit.OK and "198.51.100.20" in out and "Version" in out

    foreign22.calls.clear()
    code, out, err = run(capsys, *trusted(foreign22), "connections", "set", str(backup), "capacity=25",
                         "destination=198.51.100.20", "--yes")
    assert code == Exit.OK, err
    (update,) = [params for method, params in foreign22.calls if method == "updateTrunkConnection"]
    assert {k: v for k, v in update.items() if k != "i_customer"} == {"i_trunk_connection": backup, "capacity": 25}
    assert foreign22.connections[backup]["capacity"] == 25
    (entry,) = read_recent()
    assert (entry["action"], entry["account"], entry["connection"]) == ("update connection", 1, backup)

    code, out, _ = run(capsys, *trusted(foreign22), "connections", "delete", str(main_one), "--yes")
    assert code == Exit.OK and main_one not in foreign22.connections


# Hostile data


def test_hostile_connection_names_never_reach_the_terminal_raw(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Names that cross XML: a one-byte CSI, a bidi override, DEL, a line separator, zero-width and tab."""
    hostile = "\x9b2J\u202eevil\x7f\u2028\u200b\tname\x85[bold]x"
    sim22.store.update_connection(ACME, 2, {"name": hostile})
    for command in (["list", str(TRUNK)], ["list", str(TRUNK), "-o", "wide"], ["list", str(TRUNK), "-o", "name"],
                    ["get", "2"], ["set", "2", "capacity=5", "--dry-run"], ["move", "2", "up", "--yes"],
                    ["set", "2", "capacity=5", "--yes"]):
        code, out, err = run(capsys, *login(sim22, monkeypatch), "connections", *command)
        assert code == Exit.OK, command
        assert "evil" in out + err, command
        for line in (out + err).splitlines():
            assert not UNSAFE.search(line), (command, line)
    code, out, _ = run(capsys, *login(sim22, monkeypatch), "connections", "get", "2", "-o", "json")
    assert json.loads(out)["name"] == hostile and not UNSAFE.search(out.rstrip("\n"))


# Help


@pytest.mark.parametrize("name", ["list", "get", "create", "set", "delete", "move"])
def test_every_verb_has_help_with_examples_and_exit_codes(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["connections", name, "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    examples = out.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(f"connections {name}" in line for line in examples if line.startswith("  trunktui"))
    assert "exit codes:" in out and "5    refused" in out
