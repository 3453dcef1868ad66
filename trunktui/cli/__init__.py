# PYTHON_ARGCOMPLETE_OK
"""The command line: ``trunktui`` and its subcommands, from arguments to a running program.

``main`` parses the arguments and runs the subcommands (``sim``, ``config``,
``audit``); ``launch`` turns the dashboard's options into a session and
starts the app; ``sim`` is the simulator's own command.
"""

from trunktui.cli.main import argument_parser, main

__all__ = ["argument_parser", "main"]
