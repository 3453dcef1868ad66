"""Making server strings safe to put on a terminal.

Anything a switch sends may carry escape sequences, bidi overrides,
megabytes of text or arrays nested thousands deep. ``printable`` keeps every
visible character and replaces the rest with a visible stand-in, so the
operator sees that something odd is there without the terminal acting on
it, and every value becomes a bounded amount of text.

Stand-ins are for the screen only. ``restore`` turns them back into the
characters they stand for, so a form can let the operator edit the text
around them and still send the characters the switch holds.
"""

from __future__ import annotations

import re
from typing import Any

from trunktui.model import format_value

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\U000e0000-\U000e007f]"
)


TEXT_LIMIT = 10_000
"""The most characters ``printable`` makes of any value, whatever limit it is given.

About ten times the longest member the trunk model allows (``max_length``), so
only a hostile value is cut, and a megabyte of text is never copied,
scanned or laid out whole.
"""

STAND_INS = re.compile("[\u2400-\u2421]|<U\\+[0-9A-F]{4,6}>")
"""What ``printable`` puts in place of unsafe characters."""

_MADE = re.compile("[\u2400-\u241f\u2421]|<U\\+([0-9A-F]{4,6})>")


def _stand_in(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def printable(value: Any, limit: int | None = None) -> str:
    """``value`` as text with no control characters, cut to ``limit`` characters (``TEXT_LIMIT`` at most).

    Arrays and structs, however deep or long, become bounded text
    (``format_value``), where ``str`` or ``repr`` would go through every
    level and raise ``RecursionError`` on a value nested thousands deep.
    """
    limit = TEXT_LIMIT if limit is None else min(limit, TEXT_LIMIT)
    text = value if isinstance(value, str) else format_value(value)
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_stand_in, text)


def _original(match: re.Match[str]) -> str:
    if match[1] is None:
        code = ord(match.group())
        return "\x7f" if code == 0x2421 else chr(code - 0x2400)
    code = int(match[1], 16)
    char = chr(code) if code <= 0x10FFFF else ""
    return char if char and _UNSAFE.fullmatch(char) else match.group()


def restore(text: str) -> str:
    """The characters ``printable`` replaced, put back in place of their stand-ins."""
    return _MADE.sub(_original, text) if STAND_INS.search(text) else text


def reversible(value: str) -> bool:
    """Whether ``restore`` undoes ``printable`` for ``value``: false when it holds text that looks like a stand-in."""
    return restore(printable(value)) == value


def hidden(text: str) -> list[str]:
    """The characters of ``text`` that ``printable`` would replace."""
    return _UNSAFE.findall(text)
