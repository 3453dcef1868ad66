"""The simulator's log on standard error: a line per call when verbose, and its own bugs.

Some of what is logged comes from clients (a method name, a value quoted in
an error message), and the log is read on a terminal. So nothing a client
sent is written as it came: a client can neither start a log line of its own
nor send the terminal control sequences or bidi overrides.
"""

from __future__ import annotations

import re
import sys
import traceback

from trunktui.text import printable

FIELD_LIMIT = 100
_WORD = re.compile(rf"[!-~]{{1,{FIELD_LIMIT}}}")


def field(text: str) -> str:
    """``text`` as one field of a log line.

    A short word of printable ASCII, as every real method name is, shows as
    it is; anything else is quoted with Python's escapes, so that spaces
    cannot pass it off as several fields. Long text is cut.
    """
    if _WORD.fullmatch(text):
        return text
    return ascii(text[:FIELD_LIMIT]) + ("..." if len(text) > FIELD_LIMIT else "")


def log_exception(error: BaseException) -> None:
    """Log ``error`` with its traceback, as Python prints it but with the message made printable.

    The frames are the simulator's own code; the message may quote what a
    client sent, so its line breaks and controls are shown, not obeyed.
    """
    frames = "".join(traceback.format_tb(error.__traceback__))
    message = printable("".join(traceback.format_exception_only(error)).rstrip("\n"))
    sys.stderr.write(f"Traceback (most recent call last):\n{frames}{message}\n")
