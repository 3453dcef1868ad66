"""Turning values from the server into table cells and plain text.

NULL must look different from an empty string, numbers must look as the
server sent them, and nothing from the server may act as markup or reach
the terminal as a control character.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from trunktui.text import printable

CELL_LIMIT = 80
NULL_STYLE = "dim italic"


def cell(value: Any, limit: int = CELL_LIMIT) -> Text:
    if value is None:
        return Text("NULL", style=NULL_STYLE)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Text(printable(value), justify="right")
    return Text(printable(value, limit))


def sort_key(value: Any) -> tuple[bool, bool, Any]:
    """Order NULLs last, numbers numerically and anything else as folded text."""
    if value is None:
        return (True, True, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (False, False, value)
    return (False, True, printable(value).casefold())
