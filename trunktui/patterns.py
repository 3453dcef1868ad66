"""Name patterns in the switch's syntax (SQL LIKE), checked and matched the switch's way.

The trunk table and the search send a pattern to the switch; the search
also marks where in a name the pattern matched, so it reads the pattern
here as the switch does: ``%`` any run, ``_`` one character, ``\\`` makes
the next character literal.
"""

from __future__ import annotations

import re

_LONE_ESCAPE = re.compile(r"(?<!\\)(\\\\)*\\$")


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a LIKE pattern, or None; checked before it is sent."""
    if _LONE_ESCAPE.search(pattern):
        return "A pattern may not end with a lone \\ (write \\\\ for a backslash)."
    return None


def like_regex(pattern: str) -> re.Pattern[str]:
    """A regular expression matching what the LIKE ``pattern`` matches, whole."""
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def has_wildcard(text: str) -> bool:
    """Whether ``text`` holds a ``%`` that is not escaped: a pattern, not a plain name."""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            return True
    return False
