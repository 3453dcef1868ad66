"""Making server strings safe to put on a terminal.

Anything a switch sends may carry escape sequences, bidi overrides,
megabytes of text or arrays nested thousands deep. ``printable`` keeps every
visible character and replaces the rest with a visible stand-in, so the
operator sees that something odd is there without the terminal acting on
it, and every value becomes a bounded amount of text. The rest is:
controls, line and paragraph separators, every format character (Unicode
category Cf: bidi marks, zero-width joiners, tags) and every
default-ignorable code point (soft hyphen, variation selectors, Hangul
fillers and the like), which Unicode asks renderers to draw as nothing, so
that two names that look the same are shown to differ.

Stand-ins are for the screen only. ``restore`` turns them back into the
characters they stand for, so a form can let the operator edit the text
around them and still send the characters the switch holds.
"""

from __future__ import annotations

import re
from typing import Any

from trunktui.model import format_value

_UNSAFE_IN_BMP = (
    "\x00-\x1f\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffb"
)
_UNSAFE_PAST_BMP = re.compile(
    "[\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_SUSPECT = re.compile(f"[{_UNSAFE_IN_BMP}\U000110bd-\U000e0fff]")
"""Every unsafe character of the Basic Multilingual Plane, and every character from U+110BD to U+E0FFF.

``re`` looks a character up in one table for the part of a class in the
BMP, but tries the ranges past it one at a time: with the six unsafe
ranges there in the class, ``printable`` took 2.5 times as long on text
that is not ASCII, and with two, 1.4 times. ``_stand_in`` leaves the safe
characters past the BMP as they are, at the cost of a call for each (an
emoji, say)."""


def _unsafe(char: str) -> bool:
    """Whether ``printable`` replaces the character ``char``."""
    return bool(_UNSAFE_PAST_BMP.match(char) if char > "\uffff" else _SUSPECT.match(char))


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
    if code > 0xFFFF and not _UNSAFE_PAST_BMP.match(char):
        return char
    return f"<U+{code:04X}>"


def printable(value: Any, limit: int | None = None) -> str:
    """``value`` as text with no control or invisible characters, cut to ``limit`` (``TEXT_LIMIT`` at most).

    Arrays and structs, however deep or long, become bounded text
    (``format_value``), where ``str`` or ``repr`` would go through every
    level and raise ``RecursionError`` on a value nested thousands deep.
    """
    limit = TEXT_LIMIT if limit is None else min(limit, TEXT_LIMIT)
    text = _cut(value if isinstance(value, str) else format_value(value), limit)
    if text.isascii() and text.isprintable():
        return text
    return _cut(_SUSPECT.sub(_stand_in, text), limit)


def _cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, the last an ellipsis if any were dropped.

    ``printable`` cuts before replacing, so it never scans more than it
    shows, and again after, since stand-ins are longer than what they
    replace: its result is then within the limit, and so left unchanged by
    a second pass.
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def _original(match: re.Match[str]) -> str:
    if match[1] is None:
        code = ord(match.group())
        return "\x7f" if code == 0x2421 else chr(code - 0x2400)
    code = int(match[1], 16)
    char = chr(code) if code <= 0x10FFFF else ""
    return char if char and _unsafe(char) else match.group()


def restore(text: str) -> str:
    """The characters ``printable`` replaced, put back in place of their stand-ins."""
    return _MADE.sub(_original, text) if STAND_INS.search(text) else text


def reversible(value: str) -> bool:
    """Whether ``restore`` undoes ``printable`` for ``value``: false when it holds text that looks like a stand-in."""
    return restore(printable(value)) == value


def hidden(text: str) -> list[str]:
    """The characters of ``text`` that ``printable`` would replace."""
    return [char for char in _SUSPECT.findall(text) if _unsafe(char)]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and its noun in the right number, with thousands separators: "1 field", "50,000 trunks".

    ``plural`` is for nouns that do not just take an s ("entry", "entries").
    """
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def quoted(value: Any, limit: int | None = None) -> str:
    """Text the user typed (or a switch sent) exactly as it is, between “ and ”.

    ``repr`` would double every backslash and switch quote styles around an
    apostrophe, so a pattern ``x\\_%`` would read as ``'x\\\\_%'``; curly
    quotes are never typed in a pattern, so they cannot be mistaken for part
    of it. Unsafe characters still become stand-ins (``printable``).
    """
    return f"“{printable(value, limit)}”"


def unstopped(sentence: str) -> str:
    """A sentence without the full stop it ends with, to join more to it after a semicolon ("x; y", never
    "x.; y")."""
    return sentence.rstrip().removesuffix(".")
