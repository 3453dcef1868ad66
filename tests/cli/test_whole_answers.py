"""What a script can count on: stdout is whole JSON or nothing, results even when nothing is sent, a malformed
command refused before any password or call, each column once, and many trunks read in few calls."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from tests.cli.conftest import Target, run
from tests.conftest import Sim
from tests.foreign import ForeignSwitch
from trunktui.bulk import Change, Result, Sent, Status
from trunktui.cli import changes
from trunktui.cli.exits import Exit
from trunktui.cli.output import Column, Options, Shape, Writer
from trunktui.errors import ApiError, FaultError
from trunktui.model import Trunk
from trunktui.simulator.demo import add_bulk_trunks
from trunktui.simulator.knobs import FailMode
from trunktui.versions import Api

SHAPE = Shape((Column("i_trunk", "ID"),), (), key="i_trunk")


def values(target: Target) -> tuple[Any, Any]:
    """A value the target's field may take, and one the trunk does not hold."""
    return (77, 1) if target.api is Api.V2020 else ("x77", "not-so")


def login(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("TRUNKTUI_PASSWORD", sim.logins["acme"].password)
    return ["--url", sim.url, "--user", "acme", "--api", sim.api.value]


@pytest.mark.parametrize("fmt", ["json", "id", "name"])
def test_a_listing_is_printed_only_once_it_is_whole(fmt: str) -> None:
    stream = io.StringIO()
    out = Writer(SHAPE, Options(fmt), stream)
    out.add([{"i_trunk": 1, "name": "a"}, {"i_trunk": 2, "name": "b"}])
    assert stream.getvalue() == ""
    out.end()
    assert stream.getvalue().split() != []


def test_a_list_broken_off_prints_no_half_array(sim: Sim, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    add_bulk_trunks(sim.store, 1, 3000)
    sim.server.knobs.fail_mode = FailMode.RESET_MID_BODY
    sim.server.knobs.fail_every = sim.server.stats.calls + 2  # the account is read, then its list breaks off
    ran = run(capsys, *login(sim, monkeypatch), "trunks", "list", "--account", "1", "-o", "json")
    assert (ran.code, ran.out) == (Exit.NETWORK, "")


def test_every_account_but_one_broken_off_is_printed_whole(sim: Sim, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    add_bulk_trunks(sim.store, 1, 3000)
    sim.server.knobs.fail_mode = FailMode.RESET_MID_BODY
    sim.server.knobs.fail_every = sim.server.stats.calls + 2  # the accounts are listed, then account 1's list breaks
    ran = run(capsys, *login(sim, monkeypatch), "trunks", "list", "--all-accounts", "-o", "json")
    assert ran.code == Exit.NETWORK
    accounts = {item["i_account"] for item in ran.json()}
    assert 1 not in accounts and 2 in accounts
    assert "acme-wholesale (1) could not be read" in ran.err


def test_a_conflict_prints_its_result(target: Target) -> None:
    stored = target.read(target.i_trunk)
    assert stored is not None
    new, other = values(target)
    ran = target.run("trunks", "set", str(target.i_trunk), f"{target.field}={new}", "--if-unchanged",
                     f"{target.field}={other}", "--yes", "-o", "json")
    assert ran.code == Exit.REFUSED, ran.err
    [row] = ran.json()
    assert (row["i_trunk"], row["result"]) == (target.i_trunk, "conflict")
    target.sent_nothing(stored)


def test_trunks_that_hold_the_values_already_are_printed_unchanged(target: Target) -> None:
    stored = target.read(target.i_trunk)
    assert stored is not None
    ran = target.run("trunks", "set", str(target.i_trunk), f"{target.field}={stored[target.field]}", "--yes",
                     "-o", "json")
    assert ran.code == Exit.OK, ran.err
    assert [(row["i_trunk"], row["result"]) for row in ran.json()] == [(target.i_trunk, "unchanged")]


def test_a_file_of_conflicts_prints_them(target: Target, tmp_path: Any) -> None:
    stored = target.read(target.i_trunk)
    assert stored is not None
    path = tmp_path / "changes.json"
    new, other = values(target)
    path.write_text(json.dumps([{"i_trunk": target.i_trunk, "set": {target.field: new},
                                 "if_unchanged": {target.field: other}}]), encoding="utf-8")
    ran = target.run("trunks", "apply", "--from-json", str(path), "--yes", "-o", "json")
    assert ran.code == Exit.REFUSED, ran.err
    assert [(row["i_trunk"], row["result"]) for row in ran.json()] == [(target.i_trunk, "conflict")]


@pytest.mark.parametrize("argv", [
    ("trunks", "list"),
    ("trunks", "list", "--account", "1", "--pattern", "abc\\"),
    ("trunks", "create", "name=x", "destination=192.0.2.1"),
    ("trunks", "set", "capacity=3"),
    ("trunks", "set", "5"),
    ("trunks", "set", "--pattern", "a%", "capacity=3"),
    ("trunks", "delete"),
])
def test_a_malformed_command_is_refused_before_a_password(login_target: Target, argv: tuple[str, ...]) -> None:
    before = login_target.calls()
    ran = login_target.process(*argv, password=False)
    assert ran.code == Exit.USAGE, ran.err
    assert "password" not in ran.err and login_target.calls() == before


def headings(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


@pytest.mark.parametrize("every", [False, True])
def test_wide_shows_each_column_once(sim22: Sim, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str], every: bool) -> None:
    which = ["--all-accounts"] if every else ["--account", "1"]
    ran = run(capsys, *login(sim22, monkeypatch), "trunks", "list", *which, "-o", "wide")
    assert ran.code == Exit.OK, ran.err
    heads = headings(ran.out.splitlines()[0])
    assert len(heads) == len(set(heads)), heads
    assert "CONNECTIONS" not in heads and "CONNS" in heads
    assert ("ACCOUNT NAME" in heads) is every


def test_many_trunks_are_read_by_id(sim: Sim) -> None:
    ids = [row["i_trunk"] for row in sim.store.list_trunks(1, api=sim.api)]
    with sim.client() as client:
        read = client.get_trunks([*ids, 999_999, ids[0]])
    assert [trunk.i_trunk for trunk in read[:len(ids)] if isinstance(trunk, Trunk)] == ids
    assert isinstance(read[-2], FaultError) and isinstance(read[-1], Trunk)


def test_many_trunks_are_read_one_at_a_time_without_multicall(foreign: ForeignSwitch) -> None:
    from trunktui.api import ConnectionSettings, SippyClient

    ids = [foreign.add(name=f"t{n}", destination="192.0.2.1") for n in range(3)]
    settings = ConnectionSettings(foreign.url, trusted=True, i_customer=1, api=Api.V2020.value)
    with SippyClient(settings) as client:
        read = client.get_trunks([ids[0], 999_999, *ids[1:]])
    assert [trunk.i_trunk for trunk in read if isinstance(trunk, Trunk)] == ids
    assert isinstance(read[1], ApiError)
    assert [name for name, _ in foreign.calls].count("getTrunkInfo") == 4


def test_a_trunk_that_cannot_be_read_stops_the_change(target: Target) -> None:
    stored = target.read(target.i_trunk)
    ran = target.run("trunks", "set", str(target.i_trunk), "999999", f"{target.field}={values(target)[0]}", "--yes")
    assert ran.code != Exit.OK
    assert "trunk 999999 could not be read, so nothing was sent" in ran.err
    target.sent_nothing(stored)


def test_progress_counts_only_trunks_sent(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(changes, "colour_wanted", lambda stream: True)
    tell = changes._progress(5)
    change = Change(Trunk({"i_trunk": 1, "name": "a"}), {"capacity": 1})
    for done, status in enumerate([Status.DONE, Status.DONE, *[Status.NOT_SENT] * 3], 1):
        tell(Sent(Result(change, status, ""), done, 5))
    assert capsys.readouterr().err.rsplit("\r", 1)[-1] == "Sent 2 of 5…\n"
