"""Read-only connections and the audit trail, against the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Sim
from tests.wire import RecordingTransport
from trunktui.api import SippyClient
from trunktui.audit import AuditLog, audit_path, read_recent
from trunktui.cli import main
from trunktui.errors import FaultError, ReadOnlyError


def audited_client(sim: Sim, path: Path) -> SippyClient:
    settings = sim.settings()
    log = AuditLog(profile="lab", server=settings.host, login=settings.username, path=path)
    return SippyClient(settings, audit=log)


def test_read_only_refuses_every_change_in_the_client(sim: Sim) -> None:
    transport = RecordingTransport()
    with SippyClient(sim.settings(read_only=True), transport=transport) as api:
        i_account = api.list_accounts()[0].i_account
        trunk = api.list_trunks(i_account)[0]
        for attempt in (
            lambda: api.create_trunk({"i_account": i_account, "name": "ro", "destination": "192.0.2.1"}),
            lambda: api.update_trunk(trunk.i_trunk, {"description": "ro"}),
            lambda: api.delete_trunk(trunk.i_trunk),
            lambda: api.call("deleteTrunk", i_trunk=trunk.i_trunk),
        ):
            with pytest.raises(ReadOnlyError, match="read-only"):
                attempt()
    assert {method for method, _ in transport.calls} == {"listAccounts", "getTrunksList"}
    with sim.client() as check:
        assert check.get_trunk(trunk.i_trunk).members == trunk.members


def test_every_change_and_failed_attempt_is_one_redacted_line(sim: Sim, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with audited_client(sim, path) as api:
        i_account = api.list_accounts()[0].i_account
        i_trunk = api.create_trunk({"i_account": i_account, "name": "audited", "destination": "192.0.2.9",
                                    "password": "hunter2"})
        before = api.get_trunk(i_trunk).members
        api.update_trunk(i_trunk, {"capacity": 90, "password": "correct-horse"}, before=before)
        with pytest.raises(FaultError):
            api.create_trunk({"i_account": i_account, "name": "audited", "destination": "192.0.2.9"})
        api.delete_trunk(i_trunk, before=api.get_trunk(i_trunk).members)
    text = path.read_text(encoding="utf-8")
    assert "hunter2" not in text and "correct-horse" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(e["action"], e["result"] == "OK") for e in lines] == [
        ("create", True), ("update", True), ("create", False), ("delete", True)]
    create, update, failed, delete = lines
    assert create["trunk"] == i_trunk and create["account"] == i_account and create["after"]["password"] == "***"
    assert update["before"] == {"capacity": before["capacity"], "password": before["password"] and "***"}
    assert update["after"] == {"capacity": 90, "password": "***"}
    assert failed["result"]["fault_code"] == 409 and "audited" in failed["result"]["fault_string"]
    assert delete["before"]["name"] == "audited" and delete["after"] is None
    for entry in lines:
        assert entry["profile"] == "lab" and entry["login"] == "acme" and entry["server"].startswith("127.0.0.1:")
        assert entry["time"].endswith("Z")


def test_read_only_refusals_are_audited(sim: Sim, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    settings = sim.settings(read_only=True)
    log = AuditLog(profile="prod", server=settings.host, login=settings.username, path=path)
    with SippyClient(settings, audit=log) as api, pytest.raises(ReadOnlyError):
        api.delete_trunk(1)
    (entry,) = read_recent(path)
    assert entry["action"] == "delete" and entry["result"]["error"] == "ReadOnlyError"


def test_trunktui_audit_json_escapes_what_the_terminal_would_act_on(capsys: pytest.CaptureFixture[str]) -> None:
    """A trunk the switch stored with a CSI, a bidi override, DEL and a zero-width space in its name
    is deleted: ``trunktui audit --json`` prints the line escaped, and it reads back as the same JSON."""
    name = "csi\x9b2J rtl\u202e del\x7f zw\u200b"
    log = AuditLog(profile="lab", server="127.0.0.1", login="acme", path=audit_path())
    log.record("delete", account=1, trunk=7, before={"name": name})
    assert main(["audit", "--json"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.isascii() and line.isprintable()
    assert json.loads(line)["before"]["name"] == name


def test_trunktui_audit_prints_recent_entries(sim: Sim, capsys: pytest.CaptureFixture[str]) -> None:
    with audited_client(sim, audit_path()) as api:
        i_account = api.list_accounts()[0].i_account
        api.create_trunk({"i_account": i_account, "name": "printed", "destination": "192.0.2.7"})
    assert main(["audit", "-n", "5"]) == 0
    out = capsys.readouterr().out
    assert "create" in out and "'printed'" in out and "OK" in out
    assert main(["audit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["after"]["name"] == "printed"
