"""Ctrl-C during a change to many trunks: no further trunk is sent, those on their way end and are audited."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import Sim
from trunktui.audit import read_recent

DEADLINE = 30.0


def test_ctrl_c_stops_sending_and_every_sent_change_is_reported_and_audited(sim: Sim) -> None:
    sim.server.knobs.latency = 0.2
    env = {**os.environ, "TRUNKTUI_PASSWORD": sim.logins["acme"].password}
    command = [sys.executable, "-m", "trunktui", "--url", sim.url, "--user", "acme", "--api", "2020",
               "trunks", "set", "--account", "acme-wholesale", "capacity=7", "--yes", "--concurrency", "1",
               "-o", "json"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + DEADLINE
    while not [entry for entry in read_recent() if entry["action"] == "update"]:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "no change was sent"
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=DEADLINE)
    assert child.returncode == 130, err
    results = json.loads(out)
    done = [result for result in results if result["result"] == "done"]
    assert done and len(done) < len(results)
    assert {result["result"] for result in results} <= {"done", "not sent"}
    audited = [entry for entry in read_recent() if entry["action"] == "update"]
    assert sorted(entry["trunk"] for entry in audited) == sorted(result["i_trunk"] for result in done)
    assert "Stopping" in err
