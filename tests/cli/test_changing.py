"""Changing trunks from the command line: create, set, delete and apply on each switch, what reaches the
switch, and the audit trail they leave."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import SECRET, Target, audit_lines
from trunktui.versions import Api

AUDIT_MEMBERS = {"time", "action", "profile", "server", "login", "account", "trunk", "before", "after", "result"}


def new_value(target: Target, old: Any) -> Any:
    return (old or 0) + 7 if target.field == "capacity" else f"{old} (changed)"


def listing(target: Target) -> list[dict[str, Any]]:
    listed = target.run("trunks", "list", "--account", target.account, "-o", "json")
    assert listed.code == 0, listed.err
    trunks: list[dict[str, Any]] = listed.json()
    return trunks


def one(trunks: list[dict[str, Any]], i_trunk: int) -> dict[str, Any]:
    return next(trunk for trunk in trunks if trunk["i_trunk"] == i_trunk)


def assert_audited(target: Target, line: dict[str, Any], action: str) -> None:
    """An audit line as the app writes it, naming this switch and login."""
    assert set(line) == AUDIT_MEMBERS
    assert line["action"] == action and line["result"] == "OK"
    assert line["server"].startswith("127.0.0.1")
    assert line["login"] == ("acme" if target.kind.startswith("sim") else "trusted:1")
    assert line["profile"] == "-"


def test_a_listing_round_trips_through_set(target: Target) -> None:
    field, i_trunk = target.field, target.i_trunk
    read = one(listing(target), i_trunk)[field]
    stored = target.read(i_trunk)
    assert stored is not None
    new = new_value(target, read)
    ran = target.run("trunks", "set", str(i_trunk), f"{field}={new}", "--if-unchanged", f"{field}={read}", "--yes")
    assert ran.code == 0, ran.err
    assert one(listing(target), i_trunk)[field] == new
    assert target.read(i_trunk) == {**stored, field: new}
    [line] = audit_lines()
    assert_audited(target, line, "update")
    assert (line["account"], line["trunk"]) == (stored["i_account"], i_trunk)
    assert (line["before"], line["after"]) == ({field: read}, {field: new})
    if target.changes_on_wire is not None:
        [(method, params)] = target.changes_on_wire()
        assert method == "updateTrunk" and params == {"i_trunk": i_trunk, field: new, "i_customer": 1}


def test_a_file_built_from_a_listing_is_applied(target: Target, tmp_path: Path) -> None:
    field = target.field
    trunks = listing(target)[:3]
    changes = [{"i_trunk": trunk["i_trunk"], "set": {field: new_value(target, trunk[field]) if at else trunk[field]},
                "if_unchanged": {field: trunk[field]}} for at, trunk in enumerate(trunks)]
    path = tmp_path / "changes.json"
    path.write_text(json.dumps(changes), encoding="utf-8")
    dry = target.run("trunks", "apply", "--from-json", str(path), "--dry-run")
    assert dry.code == 0, dry.err
    assert audit_lines() == [] and listing(target)[:3] == trunks
    ran = target.run("trunks", "apply", "--from-json", str(path), "--yes", "-o", "json")
    assert ran.code == 0, ran.err
    rows = {row["i_trunk"]: row["result"] for row in ran.json()}
    assert rows == {trunk["i_trunk"]: "done" if at else "unchanged" for at, trunk in enumerate(trunks)}
    after = listing(target)[:3]
    assert [trunk[field] for trunk in after] == [change["set"][field] for change in changes]
    assert sorted(line["trunk"] for line in audit_lines()) == sorted(trunk["i_trunk"] for trunk in trunks[1:])
    assert all(line["after"] == {field: new_value(target, one(trunks, line["trunk"])[field])}
               for line in audit_lines())
    if target.changes_on_wire is not None:
        assert sorted(params[field] for _, params in target.changes_on_wire()) == sorted(
            change["set"][field] for change in changes[1:])


def test_a_dry_run_sends_nothing(target: Target) -> None:
    stored = target.read(target.i_trunk)
    assert stored is not None
    new = new_value(target, stored[target.field])
    ran = target.run("trunks", "set", str(target.i_trunk), f"{target.field}={new}", "--dry-run")
    assert ran.code == 0, ran.err
    assert str(new) in ran.out and "Dry run" in ran.err
    target.sent_nothing(stored)
    if target.api is Api.V2020:
        secret = target.run("trunks", "set", str(target.i_trunk), "password=brand-new-secret", "--dry-run")
        assert "brand-new-secret" not in secret.out and SECRET not in secret.out and "***" in secret.out
        shown = target.run("trunks", "set", str(target.i_trunk), "password=brand-new-secret", "--dry-run",
                           "--show-secrets")
        assert "brand-new-secret" in shown.out and SECRET in shown.out
        target.sent_nothing(stored)


def test_a_trunk_changed_meanwhile_is_refused(target: Target) -> None:
    field, i_trunk = target.field, target.i_trunk
    read = one(listing(target), i_trunk)[field]
    target.write(i_trunk, {field: new_value(target, new_value(target, read))})
    stored = target.read(i_trunk)
    ran = target.run("trunks", "set", str(i_trunk), f"{field}={new_value(target, read)}",
                     "--if-unchanged", f"{field}={read}", "--yes")
    assert ran.code == 5 and "changed on the switch" in ran.err
    target.sent_nothing(stored)
    version = target.run("trunks", "get", str(i_trunk)).out.split("Version")[1].split()[0]
    target.write(i_trunk, {field: read})
    stored = target.read(i_trunk)
    ran = target.run("trunks", "set", str(i_trunk), f"{field}={new_value(target, read)}",
                     "--if-unchanged", version, "--yes")
    assert ran.code == 5 and version in ran.err
    target.sent_nothing(stored)


def test_many_trunks_by_account_and_pattern(target: Target) -> None:
    field = target.field
    trunks = listing(target)
    prefix = trunks[0]["name"][:3]
    matching = [trunk for trunk in trunks if trunk["name"].startswith(prefix)]
    value = 777 if field == "capacity" else "Set for many"
    ran = target.run("trunks", "set", "--account", target.account, "--pattern", prefix + "%", f"{field}={value}",
                     "--yes")
    assert ran.code == 0, ran.err
    after = listing(target)
    assert {t["i_trunk"] for t in after if t[field] == value} == {t["i_trunk"] for t in matching}
    assert sorted(line["trunk"] for line in audit_lines()) == sorted(t["i_trunk"] for t in matching
                                                                     if t[field] != value)


def test_many_trunks_by_ids_on_stdin(target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    field = target.field
    ids = [trunk["i_trunk"] for trunk in listing(target)[:2]]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{i}\n" for i in ids)))
    value = 555 if field == "capacity" else "From a list of ids"
    ran = target.run("trunks", "set", "--ids-from", "-", f"{field}={value}", "--yes")
    assert ran.code == 0, ran.err
    assert [one(listing(target), i)[field] for i in ids] == [value, value]
    assert sorted(line["trunk"] for line in audit_lines()) == sorted(ids)


def test_create_then_delete(target: Target) -> None:
    values = ["name=cli-made", "description=Made by a script"]
    if target.api is Api.V2020:
        values += ["destination=192.0.2.200:5060", "capacity=12", "password=made-secret"]
    made = target.run("trunks", "create", "--account", target.account, *values, "--yes")
    assert made.code == 0, made.err
    i_trunk = int(made.out.strip())
    assert target.read(i_trunk) is not None
    assert one(listing(target), i_trunk)["name"] == "cli-made"
    gone = target.run("trunks", "delete", str(i_trunk), "--yes")
    assert gone.code == 0, gone.err
    assert target.read(i_trunk) is None
    created, deleted = audit_lines()
    assert_audited(target, created, "create")
    assert_audited(target, deleted, "delete")
    assert created["trunk"] == deleted["trunk"] == i_trunk
    assert created["after"]["name"] == deleted["before"]["name"] == "cli-made"
    if target.api is Api.V2020:
        assert created["after"]["password"] == deleted["before"]["password"] == "***"
        assert "made-secret" not in json.dumps(audit_lines())


def test_a_changed_secret_is_audited_redacted(target2020: Target) -> None:
    target = target2020
    ran = target.run("trunks", "set", str(target.i_trunk), "password=another-secret", "--yes")
    assert ran.code == 0, ran.err
    [line] = audit_lines()
    assert line["before"] == {"password": "***"} and line["after"] == {"password": "***"}
    stored = target.read(target.i_trunk)
    assert stored is not None and stored["password"] == "another-secret"


def test_without_a_terminal_nothing_is_asked_and_nothing_sent(target: Target) -> None:
    stored = target.read(target.i_trunk)
    assert stored is not None
    new = new_value(target, stored[target.field])
    ran = target.process("trunks", "set", str(target.i_trunk), f"{target.field}={new}")
    assert ran.code == 2, ran.err
    assert "--yes" in ran.err and "?" not in ran.err.split("\n")[0][-3:]
    target.sent_nothing(stored)
    deleting = target.process("trunks", "delete", str(target.i_trunk))
    assert deleting.code == 2
    creating = target.process("trunks", "create", "--account", target.account, "name=unasked")
    assert creating.code == 2
    applying = target.process("trunks", "apply", "--from-json", "-",
                              text_in=json.dumps([{"i_trunk": target.i_trunk, "set": {target.field: new}}]))
    assert applying.code == 2
    target.sent_nothing(stored)


def test_ids_piped_from_a_listing_into_set(target: Target) -> None:
    ids = target.process("trunks", "list", "--account", target.account, "-o", "id").out
    value = 321 if target.field == "capacity" else "Piped"
    ran = target.process("trunks", "set", "--ids-from", "-", f"{target.field}={value}", "--yes", "-o", "json",
                         text_in=ids)
    assert ran.code == 0, ran.err
    assert [row["i_trunk"] for row in json.loads(ran.out)] == [int(i) for i in ids.split()]
    assert {trunk[target.field] for trunk in listing(target)} == {value}


def test_a_create_dry_run_masks_the_password(target2020: Target) -> None:
    target = target2020
    ran = target.run("trunks", "create", "--account", target.account, "name=dry", "destination=192.0.2.5",
                     "password=never-shown", "--dry-run")
    assert ran.code == 0 and "never-shown" not in ran.out and "***" in ran.out
    assert "never-shown" in target.run("trunks", "create", "--account", target.account, "name=dry",
                                       "destination=192.0.2.5", "password=never-shown", "--dry-run",
                                       "--show-secrets").out
    assert audit_lines() == [] and "dry" not in [t["name"] for t in listing(target)]
