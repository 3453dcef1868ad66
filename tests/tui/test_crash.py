"""A crash says what failed and exits non-zero, and never shows the values of local variables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CRASHING_APP = """
import sys
from trunktui.api import ConnectionSettings
from trunktui.tui.app import Session, TrunkApp

class Crashing(TrunkApp):
    def on_mount(self) -> None:
        password = "s3cret-in-a-local"
        raise RuntimeError(f"boom after {len(password)} characters")

app = Crashing(Session(ConnectionSettings("http://127.0.0.1:9/", username="noc", password="pw-in-settings")))
app.run(headless=True, size=(100, 30))
sys.exit(app.return_code)
"""


def test_a_crash_report_names_the_error_and_shows_no_locals(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CRASHING_APP], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parents[2], env={"PATH": "", "HOME": str(tmp_path),
                                                              "XDG_STATE_HOME": str(tmp_path)})
    report = done.stdout + done.stderr
    assert done.returncode != 0
    assert "RuntimeError" in report and "boom after 17 characters" in report
    assert "s3cret-in-a-local" not in report and "pw-in-settings" not in report
    assert "locals" not in report
