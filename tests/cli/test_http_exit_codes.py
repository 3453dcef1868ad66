"""HTTP errors exit by what they mean: a refused access is 4, no API at the address 2, a failing server 3,
an answer trunktui cannot read 1; a change refused with an HTTP error and read back as not made is 1, for a
trunk and a connection alike."""
from __future__ import annotations

import pytest

from tests.cli.conftest import Target
from tests.conftest import Sim
from trunktui.audit import read_recent
from trunktui.cli.exits import HELP, Exit, exit_for
from trunktui.errors import HttpError
from trunktui.simulator.knobs import FailMode


@pytest.mark.parametrize(("mode", "code"), [
    (FailMode.HTTP_403, Exit.AUTH), (FailMode.HTTP_404, Exit.USAGE), (FailMode.HTTP_500, Exit.NETWORK),
    (FailMode.MALFORMED, Exit.FAULT), (FailMode.TRUNCATED, Exit.FAULT),
])
def test_a_read_exits_by_what_the_answer_means(login_target: Target, sim: Sim, sim22: Sim, mode: FailMode,
                                               code: Exit) -> None:
    server = (sim if login_target.kind == "sim" else sim22).server
    server.knobs.fail_mode, server.knobs.fail_every = mode, 1
    ran = login_target.run("trunks", "get", str(login_target.i_trunk))
    assert (ran.code, ran.out) == (code, ""), ran.err


def test_the_one_mapping_reads_the_status() -> None:
    assert [exit_for(HttpError("x", status)) for status in (403, 404, 500, 502)] == [
        Exit.AUTH, Exit.USAGE, Exit.NETWORK, Exit.NETWORK]
    assert "HTTP 403" in HELP and "HTTP 404" in HELP and "malformed" in HELP


def test_a_change_refused_with_http_500_and_read_back_not_made_is_1_for_trunks_and_connections(
    sim22: Sim, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli.conftest import run

    monkeypatch.setenv("TRUNKTUI_PASSWORD", sim22.logins["acme"].password)
    login = ["--url", sim22.url, "--user", "acme", "--api", "2022"]
    knobs = sim22.server.knobs
    knobs.fail_mode = FailMode.HTTP_500
    knobs.fail_every = sim22.server.stats.calls + 3
    trunk = run(capsys, *login, "trunks", "set", "1", "description=changed", "--yes", "-o", "json")
    assert trunk.code == Exit.FAULT, trunk.err
    [row] = trunk.json()
    assert row["result"] == "failed" and row["detail"].endswith("instead of XML-RPC; read back: it was not made")
    knobs.fail_every = sim22.server.stats.calls + 3
    connection = run(capsys, *login, "connections", "set", "2", "capacity=31", "--yes")
    assert connection.code == Exit.FAULT, connection.err
    assert "instead of XML-RPC; read back: it was not made" in connection.err
    assert read_recent()[-1]["result"]["read_back"] == "not applied"
