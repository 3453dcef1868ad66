"""Exit codes are an API: each kind of failure has its own, and a refusal leaves nothing on the wire."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import SECRET, Ran, Target, audit_lines, run
from trunktui.api import SippyClient
from trunktui.versions import Api


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def production(target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profiles file in the private config directory whose only profile is this switch, as production."""
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "trunktui" / "profiles.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[profiles.prod]\n{target.profile}production = true\n', encoding="utf-8")
    target.options = ["--profile", "prod"]


def refused_on_the_spot(target: Target, ran: Ran) -> None:
    """Exit 5, and not a call reached the switch."""
    assert ran.code == 5, ran.err
    assert re.search(r"(nothing|no \w+) was sent", ran.err)
    assert target.calls() == 0
    assert audit_lines() == []


def test_a_trunk_that_does_not_exist_is_a_fault(target: Target) -> None:
    ran = target.run("trunks", "get", "987654")
    assert ran.code == 1 and ran.out == "" and ran.err.startswith("trunktui: error:")
    assert target.run("trunks", "set", "987654", f"{target.field}=1", "--yes").code == 1
    assert target.run("trunks", "delete", "987654", "--yes").code == 1
    assert audit_lines() == []


def test_a_value_the_model_refuses_is_a_usage_error_with_its_words(target2020: Target) -> None:
    target = target2020
    stored = target.read(target.i_trunk)
    ran = target.run("trunks", "set", str(target.i_trunk), "capacity=abc", "--yes")
    assert ran.code == 2 and "Capacity must be a whole number." in ran.err
    made = target.run("trunks", "create", "--account", target.account, "name=x", "destination=192.0.2.1",
                      "capacity=abc", "--yes")
    assert made.code == 2 and "Capacity must be a whole number." in made.err
    target.sent_nothing(stored)


def test_an_unknown_field_and_a_missing_switch_are_usage_errors(target: Target,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    stored = target.read(target.i_trunk)
    ran = target.run("trunks", "set", str(target.i_trunk), "colour=red", "--yes")
    assert ran.code == 2 and "'colour' is not a member" in ran.err
    target.sent_nothing(stored)
    bad = target.run("trunks", "list", "--account", target.account, "-o", "yaml")
    assert bad.code == 2 and "invalid choice" in bad.err
    monkeypatch.setenv("TRUNKTUI_CONFIG", os.devnull + ".none")
    nowhere = target.run("trunks", "list", "--account", "1", connect=False)
    assert nowhere.code == 2 and "no switch given" in nowhere.err


def test_a_switch_that_cannot_be_reached_is_a_network_failure(capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUNKTUI_PASSWORD", "whatever")
    url = f"http://127.0.0.1:{closed_port()}/xmlapi/xmlapi"
    for command in (["accounts", "list"], ["trunks", "get", "1"], ["trunks", "set", "1", "capacity=3", "--yes"]):
        ran = run(capsys, "--url", url, "--user", "acme", "--api", "2020", *command)
        assert ran.code == 3, (command, ran.err)
        assert ran.err.startswith("trunktui: error:") and "Traceback" not in ran.err
    trusted = run(capsys, "--url", url, "--trusted", "--customer", "1", "trunks", "list", "--account", "1")
    assert trusted.code == 3


def test_a_refused_login_exits_4(login_target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    target = login_target
    monkeypatch.setenv("TRUNKTUI_PASSWORD", "not-the-password")
    stored = target.read(target.i_trunk)
    for command in (["accounts", "list"], ["trunks", "set", str(target.i_trunk), "description=x", "--yes"]):
        ran = target.run(*command)
        assert ran.code == 4, ran.err
    target.sent_nothing(stored)


def test_no_password_and_no_terminal_exits_4_at_once(login_target: Target) -> None:
    target = login_target
    ran = target.process("accounts", "list", password=False)
    assert ran.code == 4, ran.err
    assert "TRUNKTUI_PASSWORD" in ran.err and "Password for" not in ran.err and ran.out == ""
    assert target.calls() == 0


def test_read_only_refuses_every_change_before_any_call(target: Target, tmp_path: Path) -> None:
    stored = target.read(target.i_trunk)
    changes = tmp_path / "changes.json"
    value = 7 if target.api is Api.V2020 else "seven"
    changes.write_text(json.dumps([{"i_trunk": target.i_trunk, "set": {target.field: value}}]), encoding="utf-8")
    where = ["destination=192.0.2.1"] if target.api is Api.V2020 else []
    for command in (
        ["trunks", "set", str(target.i_trunk), f"{target.field}={value}", "--yes"],
        ["trunks", "set", "--account", target.account, "--pattern", "%", f"{target.field}={value}", "--yes"],
        ["trunks", "delete", str(target.i_trunk), "--yes"],
        ["trunks", "create", "--account", target.account, "name=read-only", *where, "--yes"],
        ["trunks", "apply", "--from-json", str(changes), "--yes"],
    ):
        refused_on_the_spot(target, target.run("--read-only", *command))
    target.sent_nothing(stored)


def test_a_production_profile_refuses_what_lacks_its_confirmations(target: Target,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    stored = target.read(target.i_trunk)
    assert stored is not None
    production(target, monkeypatch)
    i_trunk = str(target.i_trunk)
    refused_on_the_spot(target, target.run("trunks", "delete", i_trunk, "--yes"))
    wrong_name = target.run("trunks", "delete", i_trunk, "--confirm-name", "not-its-name", "--yes")
    assert wrong_name.code == 5 and "is not the trunk's name" in wrong_name.err
    no_yes = target.run("trunks", "delete", i_trunk, "--confirm-name", stored["name"])
    assert no_yes.code == 5
    many = ("trunks", "set", "--account", target.account, "--pattern", "%", f"{target.field}=7", "--yes")
    assert target.run(*many).code == 5
    assert target.run(*many, "--confirm-count", "1").code == 5
    target.sent_nothing(stored)
    gone = target.run("trunks", "delete", i_trunk, "--confirm-name", stored["name"], "--yes")
    assert gone.code == 0, gone.err
    assert target.read(target.i_trunk) is None
    [line] = audit_lines()
    assert line["profile"] == "prod" and line["action"] == "delete" and line["result"] == "OK"


def test_the_process_exit_status_is_the_code(target: Target) -> None:
    assert target.process("trunks", "get", "987654").code == 1
    assert target.process("trunks", "set", str(target.i_trunk), "colour=red", "--yes").code == 2
    assert target.process("--read-only", "trunks", "delete", str(target.i_trunk), "--yes").code == 5


def test_an_interrupt_exits_130(target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(SippyClient, "list_trunks", interrupted)
    ran = target.run("trunks", "list", "--account", target.account, "-o", "json")
    assert ran.code == 130 and "interrupted" in ran.err


def test_help_lists_the_exit_codes() -> None:
    done = subprocess.run([sys.executable, "-m", "trunktui", "trunks", "set", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0
    assert "exit codes:" in done.stdout and "130" in done.stdout and "examples:" in done.stdout


def test_a_conflict_on_a_secret_does_not_print_it(target2020: Target, tmp_path: Path) -> None:
    target = target2020
    target.write(target.i_trunk, {"password": "rotated-by-someone"})
    stored = target.read(target.i_trunk)
    ran = target.run("trunks", "set", str(target.i_trunk), "password=mine", "--if-unchanged", f"password={SECRET}",
                     "--yes")
    assert ran.code == 5 and "changed on the switch" in ran.err
    assert "rotated-by-someone" not in ran.err + ran.out and "password is ***" in ran.err
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"i_trunk": target.i_trunk, "set": {"password": "mine"},
                                    "if_unchanged": {"password": SECRET}}]), encoding="utf-8")
    applied = target.run("trunks", "apply", "--from-json", str(changes), "--yes")
    assert applied.code == 5 and "rotated-by-someone" not in applied.err + applied.out
    target.sent_nothing(stored)
