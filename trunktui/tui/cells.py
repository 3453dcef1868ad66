"""Turning values from the server into table cells and plain text.

NULL must look different from an empty string, numbers must look as the
server sent them, and nothing from the server may act as markup or reach
the terminal as a control character.
"""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text

from trunktui.text import printable

CELL_LIMIT = 80
NULL_STYLE = "dim italic"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cell_text(value: Any, limit: int = CELL_LIMIT) -> str:
    """What ``cell`` shows, as plain text: numbers whole, other values cut to ``limit``."""
    if value is None:
        return "NULL"
    return printable(value) if _is_number(value) else printable(value, limit)


def cell(value: Any, limit: int = CELL_LIMIT) -> Text:
    if value is None:
        return Text("NULL", style=NULL_STYLE)
    return Text(cell_text(value, limit), justify="right" if _is_number(value) else None)


def money(value: Any) -> Text:
    """A sum as the screen shows it: two decimals and thousands separators, right-aligned.

    Only the cell changes; the value itself is kept as the switch sent it.
    Anything that is not a finite number is shown as ``cell`` shows it.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return Text(f"{value:,}.00", justify="right")
    if isinstance(value, float) and math.isfinite(value):
        return Text(f"{value:,.2f}", justify="right")
    return cell(value)


def sort_key(value: Any) -> tuple[bool, bool, Any]:
    """Order NULLs last, numbers numerically and anything else as folded text."""
    if value is None:
        return (True, True, "")
    if _is_number(value):
        return (False, False, value)
    return (False, True, printable(value).casefold())
