"""Reading from the command line: accounts list, trunks list, get and find, in every output format, on each
switch over real HTTP."""

from __future__ import annotations

import csv
import io
import json
import re

from tests.cli.conftest import SECRET, Target
from trunktui.versions import Api


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_accounts_list_in_every_format(target: Target) -> None:
    listed = target.run("accounts", "list", "-o", "json")
    assert listed.code == 0, listed.err
    accounts = listed.json()
    assert isinstance(accounts, list) and accounts
    ids = [account["i_account"] for account in accounts]
    names = [account["username"] for account in accounts]
    assert all(type(i) is int for i in ids)

    lines = target.run("accounts", "list", "-o", "jsonl").out.splitlines()
    assert [json.loads(line) for line in lines] == accounts

    rows = csv_rows(target.run("accounts", "list", "-o", "csv").out)
    assert [row["i_account"] for row in rows] == [str(i) for i in ids]
    assert [row["username"] for row in rows] == names

    assert target.run("accounts", "list", "-o", "name").out.splitlines() == names
    assert target.run("accounts", "list", "-o", "id").out.splitlines() == [str(i) for i in ids]

    table = target.run("accounts", "list").out.splitlines()
    assert table[0].split()[:2] == ["ID", "USERNAME"]
    assert [line.split()[1] for line in table[1:]] == names
    bare = target.run("accounts", "list", "--fields", "username,i_account", "--no-headers").out.splitlines()
    assert [line.split() for line in bare] == [[name, str(i)] for name, i in zip(names, ids, strict=True)]


def test_trunks_list_json_holds_the_switchs_members_and_types(target: Target) -> None:
    listed = target.run("trunks", "list", "--account", target.account, "-o", "json")
    assert listed.code == 0, listed.err
    trunks = listed.json()
    assert isinstance(trunks, list) and trunks
    mine = next(trunk for trunk in trunks if trunk["i_trunk"] == target.i_trunk)
    stored = target.read(target.i_trunk)
    assert stored is not None
    for name, value in stored.items():
        if value is None and target.kind.startswith("foreign"):
            continue
        if "password" in name or (isinstance(value, bool) and target.kind.startswith("foreign")):
            continue
        assert mine[name] == value and type(mine[name]) is type(value), name
    if target.api is Api.V2020:
        assert mine["password"] == "***"
        assert type(mine["capacity"]) is int
        if target.kind == "foreign":
            # This switch sends booleans as <int> 0 or 1: they are printed as sent.
            assert type(mine["random_call_id"]) is int and mine["random_call_id"] == 1 and mine["max_cps"] == 2.5
        else:
            assert type(mine["random_call_id"]) is bool
    else:
        connection = mine["connections"][0]
        assert connection["password"] == "***"
        assert type(connection["i_trunk_connection"]) is int
    if target.kind == "sim":
        assert any(trunk["destination_backup"] is None for trunk in trunks)
        assert '"destination_backup": null' in listed.out


def test_an_empty_listing_is_an_empty_array(target: Target) -> None:
    empty = target.run("trunks", "list", "--account", target.account, "--pattern", "no-such-trunk%", "-o", "json")
    assert (empty.code, empty.json()) == (0, [])
    assert "No trunks" in empty.err
    assert target.run("trunks", "list", "--account", target.account, "--pattern", "zz%", "-o", "jsonl").out == ""
    assert target.run("trunks", "list", "--account", target.account, "--pattern", "zz%", "-o", "name").out == ""


def test_trunks_list_jsonl_csv_name_id_and_fields_agree(target: Target) -> None:
    base = ("trunks", "list", "--account", target.account)
    trunks = target.run(*base, "-o", "json").json()
    lines = target.run(*base, "-o", "jsonl").out.splitlines()
    assert [json.loads(line) for line in lines] == trunks
    assert target.run(*base, "-o", "name").out.splitlines() == [trunk["name"] for trunk in trunks]
    assert target.run(*base, "-o", "id").out.splitlines() == [str(trunk["i_trunk"]) for trunk in trunks]

    rows = csv_rows(target.run(*base, "-o", "csv").out)
    assert [int(row["i_trunk"]) for row in rows] == [trunk["i_trunk"] for trunk in trunks]
    for row, trunk in zip(rows, trunks, strict=True):
        for name, value in trunk.items():
            if value is None:
                assert row[name] == "", name
    if target.api is Api.V2020:
        assert all(row["password"] in ("", "***") for row in rows)

    chosen = target.run(*base, "-o", "json", "--fields", "name,i_trunk").json()
    assert chosen == [{"name": trunk["name"], "i_trunk": trunk["i_trunk"]} for trunk in trunks]
    bare = target.run(*base, "-o", "csv", "--fields", "i_trunk,name", "--no-headers").out
    assert list(csv.reader(io.StringIO(bare))) == [[str(trunk["i_trunk"]), trunk["name"]] for trunk in trunks]


def test_trunks_list_as_a_table(target: Target) -> None:
    base = ("trunks", "list", "--account", target.account)
    trunks = target.run(*base, "-o", "json").json()
    table = target.run(*base)
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split()[:2] == ["ID", "NAME"]
    assert [line.split()[:2] for line in lines[1:]] == [[str(t["i_trunk"]), t["name"]] for t in trunks]
    assert "\x1b" not in table.out
    wide = target.run(*base, "-o", "wide").out
    assert SECRET not in wide and SECRET not in table.out
    if target.api is Api.V2020:
        assert "***" in wide
        assert SECRET in target.run(*base, "-o", "wide", "--show-secrets").out
    bare = target.run(*base, "--no-headers", "--fields", "i_trunk").out.split()
    assert bare == [str(t["i_trunk"]) for t in trunks]


def test_secrets_show_only_when_asked(target: Target) -> None:
    base = ("trunks", "list", "--account", target.account, "-o", "json")
    masked, shown = target.run(*base).out, target.run(*base, "--show-secrets").out
    assert SECRET not in masked and SECRET in shown
    got = ("trunks", "get", str(target.i_trunk))
    assert SECRET not in target.run(*got).out and SECRET not in target.run(*got, "-o", "json").out
    if target.api is Api.V2020:
        assert SECRET in target.run(*got, "--show-secrets").out
    assert SECRET in target.run(*got, "-o", "json", "--show-secrets").out


def test_trunks_get_shows_every_member_and_its_version(target: Target) -> None:
    item = target.run("trunks", "get", str(target.i_trunk), "-o", "json")
    assert item.code == 0, item.err
    trunk = item.json()
    assert isinstance(trunk, dict) and trunk["i_trunk"] == target.i_trunk and trunk["name"] == "far-alpha" \
        if target.kind.startswith("foreign") else trunk["i_trunk"] == target.i_trunk
    if target.api is Api.V2022:
        assert trunk["connections"] and trunk["connections"][0]["password"] == "***"
    table = target.run("trunks", "get", str(target.i_trunk))
    assert table.code == 0
    lines = dict(line.split(None, 1) if " " in line else (line, "") for line in table.out.splitlines()
                 if line and not line.startswith(" "))
    assert "Version" in lines and len(lines["Version"].strip()) == 12
    assert any(line.startswith("Name (name)") and trunk["name"] in line for line in table.out.splitlines())
    fields = target.run("trunks", "get", str(target.i_trunk), "-o", "json", "--fields", "name,i_trunk").json()
    assert fields == {"name": trunk["name"], "i_trunk": target.i_trunk}


def test_trunks_find_searches_every_account(target: Target) -> None:
    name = target.run("trunks", "get", str(target.i_trunk), "-o", "json").json()["name"]
    found = target.run("trunks", "find", name, "--field", "name", "-o", "json")
    assert found.code == 0, found.err
    items = found.json()
    assert target.i_trunk in [item["i_trunk"] for item in items]
    assert "match" in found.err
    assert str(target.i_trunk) in target.run("trunks", "find", name, "--field", "name", "-o", "id").out.split()
    table = target.run("trunks", "find", name, "--field", "name")
    assert re.split(r"\s{2,}", table.out.splitlines()[0])[:3] == ["ACCOUNT NAME", "ID", "NAME"]
    nothing = target.run("trunks", "find", "nothing-is-called-this", "--field", "name", "-o", "json")
    assert (nothing.code, nothing.json()) == (0, [])
