"""Shell completion, asked for as bash asks (argcomplete's protocol): subcommands, options and profile names."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from trunktui.profiles.config import write_sample

TRUNKTUI = Path(sys.executable).parent / "trunktui"


def completions(line: str) -> set[str]:
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n", "COMP_LINE": line,
           "COMP_POINT": str(len(line)), "_ARGCOMPLETE_SHELL": "bash"}
    with tempfile.TemporaryFile() as answer:

        def answer_on_fd_8() -> None:
            """argcomplete answers on file descriptor 8 and writes its debugging to 9, as bash's hook opens them."""
            os.dup2(answer.fileno(), 8)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 9)

        subprocess.run([TRUNKTUI], env=env, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, preexec_fn=answer_on_fd_8, timeout=30, check=True)
        answer.seek(0)
        said = answer.read().decode()
    return {word.strip() for word in said.split("\n") if word.strip()}


def test_nouns_verbs_and_options_are_completed() -> None:
    assert {"accounts", "trunks", "connections"} <= completions("trunktui ")
    assert {"list", "get", "find", "create", "set", "delete", "apply"} <= completions("trunktui trunks ")
    assert "--dry-run" in completions("trunktui trunks set --d")


def test_profile_names_come_from_the_profiles_file() -> None:
    write_sample()
    assert completions("trunktui --profile ") == {"lab", "production", "sim", "trusted"}
