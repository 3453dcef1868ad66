"""Read-only connections and the audit trail, against the simulator."""

from __future__ import annotations

import json
import os
import stat
import xmlrpc.client
from pathlib import Path

import pytest

from tests.conftest import Sim
from tests.foreign import ForeignSwitch, ForeignSwitch2022
from tests.wire import RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.audit import (
    AuditLog,
    audit_path,
    describe_entry,
    describe_result,
    failure_message,
    read_recent,
)
from trunktui.cli import main
from trunktui.errors import ApiError, FaultError, InputError, ReadOnlyError
from trunktui.model import NESTING_LIMIT
from trunktui.simulator import FailMode
from trunktui.text import quoted


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


def test_only_what_reaches_for_the_wire_is_audited(sim: Sim, tmp_path: Path) -> None:
    """A change refused before sending (read-only, invalid input) changed nothing, so it leaves no line."""
    path = tmp_path / "audit.jsonl"
    settings = sim.settings(read_only=True)
    log = AuditLog(profile="prod", server=settings.host, login=settings.username, path=path)
    with SippyClient(settings, audit=log) as api, pytest.raises(ReadOnlyError):
        api.delete_trunk(1)
    with audited_client(sim, path) as api, pytest.raises(InputError):
        api.create_trunk({"i_account": 1, "name": "", "destination": "192.0.2.1"})
    assert read_recent(path) == []


def lost_answer(sim: Sim, mode: FailMode) -> None:
    """The next call fails as ``mode`` says; the ones after it go through."""
    sim.server.knobs.fail_mode = mode
    sim.server.knobs.fail_every = sim.server.stats.calls + 1


@pytest.mark.parametrize(("mode", "applied"), [(FailMode.RESET, True), (FailMode.HTTP_500, False)])
def test_a_lost_answer_is_unknown_until_reading_back_tells(
    sim: Sim, tmp_path: Path, mode: FailMode, applied: bool
) -> None:
    """The update's own line says the outcome is unknown, not failed; the read-back's line says what happened."""
    path = tmp_path / "audit.jsonl"
    with audited_client(sim, path) as api:
        trunk = api.list_trunks(api.list_accounts()[0].i_account)[0]
        lost_answer(sim, mode)
        with pytest.raises(ApiError) as lost:
            api.update_trunk(trunk.i_trunk, {"capacity": 77}, before=trunk.members)
        sim.server.knobs.fail_every = 0
        assert lost.value.may_have_acted
        assert api.check_update(trunk.i_trunk, {"capacity": 77}, "Stopped waiting for the save")[0] is applied
    attempt, check = read_recent(path)
    assert attempt["result"]["outcome"] == "unknown"
    assert describe_result(attempt).startswith("UNKNOWN ")
    assert check["action"] == "update" and check["trunk"] == trunk.i_trunk and check["after"] == {"capacity": 77}
    assert check["result"] == {"read_back": "applied" if applied else "not applied",
                               "note": "Stopped waiting for the save"}
    assert (failure_message(check) is None) is applied
    assert "READ BACK: " + ("APPLIED" if applied else "NOT APPLIED") in describe_entry(check)


def test_a_create_whose_answer_was_lost_is_looked_up_and_audited(sim: Sim, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with audited_client(sim, path) as api:
        values = {"i_account": api.list_accounts()[0].i_account, "name": "lost-create", "destination": "192.0.2.4"}
        lost_answer(sim, FailMode.RESET)
        with pytest.raises(ApiError):
            api.create_trunk(values)
        sim.server.knobs.fail_every = 0
        (found,) = api.check_create(values, "Creating failed: the connection broke")
    attempt, check = read_recent(path)
    assert attempt["result"]["outcome"] == "unknown"
    assert check["trunk"] == found.i_trunk and check["result"]["read_back"] == "applied"


def test_a_refused_change_is_recorded_as_not_applied(sim: Sim, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with audited_client(sim, path) as api, pytest.raises(FaultError):
        api.update_trunk(10**6, {"capacity": 1})
    (entry,) = read_recent(path)
    assert entry["result"]["outcome"] == "not applied" and describe_result(entry).startswith("FAILED ")


def test_a_member_nested_thousands_deep_is_recorded_bounded(sim: Sim, tmp_path: Path) -> None:
    """Encoding the line must not fail (RecursionError) and so turn a done delete into a reported failure."""
    path = tmp_path / "audit.jsonl"
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    with audited_client(sim, path) as api:
        trunk = api.list_trunks(api.list_accounts()[0].i_account)[0]
        api.delete_trunk(trunk.i_trunk, before={**trunk.members, "odd": deep})
        assert all(t.i_trunk != trunk.i_trunk for t in api.list_trunks(trunk.get("i_account")))
    (entry,) = read_recent(path)
    assert entry["result"] == "OK" and entry["before"]["name"] == trunk.name
    kept, levels = entry["before"]["odd"], 0
    while isinstance(kept, list):
        kept, levels = kept[0], levels + 1
    assert levels < NESTING_LIMIT and isinstance(kept, str) and kept.startswith("[[[")


def test_an_audit_file_that_cannot_be_written_is_said_apart_from_the_change(sim: Sim, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.mkdir()
    problems: list[str] = []
    settings = sim.settings()
    log = AuditLog(profile="lab", server=settings.host, login=settings.username, path=path, on_failure=problems.append)
    with SippyClient(settings, audit=log) as api:
        i_trunk = api.create_trunk({"i_account": api.list_accounts()[0].i_account, "name": "unaudited",
                                    "destination": "192.0.2.5"})
        assert api.get_trunk(i_trunk).name == "unaudited"
    (problem,) = problems
    assert str(path) in problem and "The create itself is not affected." in problem


def test_the_audit_file_is_never_written_through_a_link_and_is_kept_private(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    link = tmp_path / "audit.jsonl"
    link.symlink_to(target)
    problems: list[str] = []
    AuditLog(profile="lab", server="s", login="l", path=link, on_failure=problems.append).record("delete", trunk=1)
    assert target.read_text() == "" and len(problems) == 1
    loose = tmp_path / "loose.jsonl"
    loose.write_text("")
    loose.chmod(0o644)
    AuditLog(profile="lab", server="s", login="l", path=loose).record("delete", trunk=1)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600 and read_recent(loose)[0]["trunk"] == 1


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
    assert "create" in out and "“printed”" in out and "OK" in out
    assert main(["audit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["after"]["name"] == "printed"


def test_an_audit_file_replaced_by_a_fifo_never_blocks_the_change(tmp_path: Path) -> None:
    """Opening a FIFO to write waits for a reader; the trail refuses it at once and says so instead."""
    fifo = tmp_path / "audit.jsonl"
    os.mkfifo(fifo)
    problems: list[str] = []
    AuditLog(profile="lab", server="s", login="l", path=fifo, on_failure=problems.append).record("delete", trunk=1)
    assert len(problems) == 1 and read_recent(fifo) == []


def test_a_read_back_allows_for_a_switchs_habits(foreign: ForeignSwitch, tmp_path: Path) -> None:
    """A switch that sends false as 0 and leaves out an emptied member did apply the save."""
    i_trunk = foreign.add(name="habits", destination="192.0.2.3", random_call_id=True, description="old")
    path = tmp_path / "audit.jsonl"
    settings = ConnectionSettings(foreign.url, trusted=True, i_customer=1)
    log = AuditLog(profile="elsewhere", server=settings.host, login="trusted:1", path=path)
    with SippyClient(settings, audit=log) as api:
        wanted = {"random_call_id": False, "description": ""}
        api.update_trunk(i_trunk, wanted)
        applied, now = api.check_update(i_trunk, wanted, "answer lost")
    assert applied and now.get("random_call_id") == 0 and "description" not in now.members
    assert read_recent(path)[-1]["result"]["read_back"] == "applied"


def test_trunktui_audit_n_counts_entries(capsys: pytest.CaptureFixture[str]) -> None:
    """-n 0 prints nothing at all, -n 2 the last two; a negative count is refused with exit code 2."""
    log = AuditLog(profile="lab", server="127.0.0.1", login="acme", path=audit_path())
    for i_trunk in (1, 2, 3):
        log.record("delete", account=1, trunk=i_trunk, before={"name": f"t{i_trunk}"})
    assert main(["audit", "-n", "0"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["audit", "-n", "2"]) == 0
    assert [line.split("trunk ")[1].split()[0] for line in capsys.readouterr().out.splitlines()] == ["2", "3"]
    for wrong, problem in (("-1", "must be between 0 and 2147483647"), ("٣", "must be written with the digits 0-9"),
                           ("1_0", "must be a whole number")):
        with pytest.raises(SystemExit) as exit_:
            main(["audit", "-n", wrong])
        assert exit_.value.code == 2
        assert f"argument -n/--lines: {problem}, not {wrong!r}" in capsys.readouterr().err


def test_trunktui_audit_with_a_huge_line_count_is_a_usage_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["audit", "-n", "99999999999999999999"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "must be between 0 and 2147483647" in err and "Traceback" not in err


def test_trunktui_audit_says_dash_for_no_trunk_and_null_for_null(capsys: pytest.CaptureFixture[str]) -> None:
    """A create that failed names no trunk: '-', never 'None'; a member set to NULL reads NULL, and text is shown
    exactly as typed, between curly quotes."""
    log = AuditLog(profile="lab", server="127.0.0.1", login="acme", path=audit_path())
    log.record("create", account=1, after={"name": "it's"}, error=InputError("refused"))
    log.record("update", account=1, trunk=7, before={"capacity": 5, "name": "x\\_%"},
               after={"capacity": None, "name": 'a"b'})
    assert main(["audit"]) == 0
    created, updated = capsys.readouterr().out.splitlines()
    assert "account 1 trunk -  name “it's”" in created
    assert "capacity: 5 -> NULL, name: “x\\_%” -> “a\"b”" in updated
    assert "None" not in created + updated


def test_a_fault_that_quotes_the_password_sent_is_written_masked(tmp_path: Path, foreign22: ForeignSwitch2022
                                                                 ) -> None:
    """A switch whose fault repeats the values it was sent: the line's message and fault string hold
    *** where the password was, as its before and after do."""
    i_trunk = foreign22.add(name="carrier", description="")

    def echo(params: dict[str, object]) -> dict[str, object]:
        raise xmlrpc.client.Fault(400, f"password {params.get('password')!r} is too weak")

    foreign22._server.register_function(echo, "createTrunkConnection")
    path = tmp_path / "audit.jsonl"
    audit = AuditLog("p", "sw", "trusted:1", path)
    with (SippyClient(ConnectionSettings(foreign22.url, trusted=True, i_customer=1), audit=audit) as client,
          pytest.raises(FaultError, match="Sup3rSecretNew")):
        client.create_connection({"i_trunk": i_trunk, "name": "main", "destination": "192.0.2.9",
                                  "password": "Sup3rSecretNew"}, account=1)
    written = path.read_text(encoding="utf-8")
    assert "Sup3rSecretNew" not in written
    result = json.loads(written)["result"]
    assert result["fault_string"] == "password '***' is too weak" and "'***'" in result["message"]


def test_trunktui_audit_says_which_connection_changed_and_how(sim22: Sim, capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    """Each change of a connection, on a 2022+ switch, prints as a trunk's does: the connection by id and
    name, its trunk, old -> new (a secret only as changed), where a move took it, and the result."""
    with audited_client(sim22, audit_path()) as api:
        trunk = api.list_trunks(api.list_accounts()[0].i_account)[0]
        top = api.list_connections(trunk.i_trunk)[0]
        i_connection = api.create_connection({"i_trunk": trunk.i_trunk, "name": "sbc-backup",
                                              "destination": "192.0.2.44", "password": "Sup3r"}, account=1)
        made = api.get_connection(i_connection)
        api.update_connection(made, {"capacity": 480, "password": "N3wer"}, account=1)
        api.update_connection(top, {"order_no": "down"}, account=1)
        api.delete_connection(api.get_connection(i_connection), account=1)
    assert main(["audit"]) == 0
    created, updated, moved, deleted = capsys.readouterr().out.splitlines()
    of = f"account 1 trunk {trunk.i_trunk} connection"
    assert "create connection  acme@" in created
    assert f"{of} {i_connection} “sbc-backup”  destination “192.0.2.44”  OK" in created
    assert f"{of} {i_connection} “sbc-backup”  capacity: NULL -> 480, password: (changed)  OK" in updated
    assert (f"{of} {top.i_trunk_connection} {quoted(top.name)}  moved down from place {top.get('order_no')}  OK"
            in moved)
    assert f"{of} {i_connection} “sbc-backup”  destination “192.0.2.44”  OK" in deleted
    assert "Sup3r" not in created + updated + deleted and "N3wer" not in updated


def test_the_audit_line_of_a_connection_names_what_it_can() -> None:
    """Lines written before connections were named, a failed create (no id yet) and a move to a place."""
    base = {"time": "t", "profile": "-", "server": "sw", "login": "acme", "account": 1, "trunk": 2, "result": "OK"}
    update = {**base, "action": "update connection", "connection": 6, "before": {"capacity": 480},
              "after": {"capacity": 4812}}
    assert "trunk 2 connection 6  capacity: 480 -> 4812  OK" in describe_entry(update)
    failed = {**base, "action": "create connection", "after": {"name": "sbc", "destination": "192.0.2.1"},
              "result": {"error": "FaultError", "message": "refused", "outcome": "not applied"}}
    assert "trunk 2 connection - “sbc”  destination “192.0.2.1”  FAILED refused" in describe_entry(failed)
    moved = {**base, "action": "move connection", "connection": 1, "connection_name": "main",
             "before": {"order_no": 3}, "after": {"order_no": 1}}
    assert "connection 1 “main”  moved to place 1 from place 3  OK" in describe_entry(moved)
    top = {**moved, "before": {}, "after": {"order_no": "first"}}
    assert "connection 1 “main”  moved to the top  OK" in describe_entry(top)
    cleared = {**update, "before": {"password": "***"}, "after": {"password": ""}}
    assert "password: *** -> “”" in describe_entry(cleared)
    assert "connection" not in describe_entry({**base, "action": "delete", "before": {"name": "t"}})
