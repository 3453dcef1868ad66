"""The README shows what works: its two commands (CI runs the second), the profiles sample, its pictures."""

from __future__ import annotations

import re
from pathlib import Path

from trunktui.profiles.config import SAMPLE

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(python3 -m venv [^\n]+)\n```", text)


def test_readme_has_a_start_command_and_a_test_command() -> None:
    start, test = readme_commands()
    assert start.endswith("trunktui --demo")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci


def test_the_readmes_profiles_sample_is_what_config_init_writes() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"```toml\n(.*?)```", text, re.DOTALL) == [SAMPLE]


def test_screenshots_shown_in_the_readme_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in re.findall(r"\((screenshots/[^)]+)\)", text):
        assert (ROOT / name).is_file(), name
