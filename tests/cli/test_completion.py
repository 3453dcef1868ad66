"""Shell completion, asked for as bash asks (argcomplete's protocol): subcommands, options and profile names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from trunktui.profiles.config import write_sample

TRUNKTUI = Path(sys.executable).parent / "trunktui"


def completions(line: str) -> set[str]:
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n", "COMP_LINE": line,
           "COMP_POINT": str(len(line)), "_ARGCOMPLETE_SHELL": "bash"}
    read, write = os.pipe()

    def answer_on_fd_8() -> None:
        """argcomplete answers on file descriptor 8 and writes its debugging to 9, as bash's hook opens them."""
        os.dup2(write, 8)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 9)

    with subprocess.Popen([TRUNKTUI], env=env, close_fds=False, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, preexec_fn=answer_on_fd_8) as child:
        os.close(write)
        with os.fdopen(read) as answer:
            said = answer.read()
    assert child.returncode == 0
    return {word.strip() for word in said.split("\n") if word.strip()}


def test_nouns_verbs_and_options_are_completed() -> None:
    assert {"accounts", "trunks", "connections"} <= completions("trunktui ")
    assert {"list", "get", "find", "create", "set", "delete", "apply"} <= completions("trunktui trunks ")
    assert "--dry-run" in completions("trunktui trunks set --d")


def test_profile_names_come_from_the_profiles_file() -> None:
    write_sample()
    assert completions("trunktui --profile ") == {"lab", "production", "sim", "trusted"}
