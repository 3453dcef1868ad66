"""Shell completion of subcommands, options and profile names, for bash, zsh and fish.

argcomplete reads the very parser the command runs with, so completion
never disagrees with what the command accepts; the shell asks by running
``trunktui`` with ``_ARGCOMPLETE`` set, and nothing else is done on such a
run. It is imported only then, so a normal run does not pay for it.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

ASKED = "_ARGCOMPLETE"


def asked() -> bool:
    """Whether the shell is asking for completions (argcomplete's protocol), not running a command."""
    return ASKED in os.environ


def complete(parser: argparse.ArgumentParser) -> None:
    """Print the completions the shell asked for, and exit."""
    import argcomplete

    argcomplete.autocomplete(parser)


def profile_names(**_: Any) -> list[str]:
    """The profiles file's names, or none while it cannot be read."""
    from trunktui.profiles.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError:
        return []
    return [] if config is None else sorted(config.profiles)
