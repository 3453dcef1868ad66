"""Turning values from the server into table cells and plain text.

NULL must look different from an empty string, numbers must look as the
server sent them, and nothing from the server may act as markup or reach
the terminal as a control character.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from trunktui.columns import Column, Derived
from trunktui.model import ABSENT, Trunk
from trunktui.text import TEXT_LIMIT, printable

CELL_LIMIT = 80
NULL_STYLE = "dim italic"


def is_number(value: Any) -> bool:
    """Whether ``value`` is shown and sorted as a number (a bool is not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cell_text(value: Any, limit: int = CELL_LIMIT) -> str:
    """What ``cell`` shows, as plain text: numbers whole, other values cut to ``limit``."""
    if value is None:
        return "NULL"
    return printable(value) if is_number(value) else printable(value, limit)


def _plain(value: Any, limit: int) -> bool:
    """Whether ``value`` is a string that ``printable`` leaves as it is within ``limit``: short, printable ASCII."""
    return value.__class__ is str and len(value) <= limit and value.isascii() and value.isprintable()


def _all_plain(texts: Sequence[str], limit: int) -> bool:
    """Whether every one of these strings is ``_plain``, told in a few passes over them all, each in C."""
    joined = "".join(texts)
    return max(map(len, texts), default=0) <= limit and joined.isascii() and joined.isprintable()


def _text(value: Any) -> str:
    return value if _plain(value, CELL_LIMIT) else cell_text(value)


def width(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    return len(text) if text.isascii() else cell_len(text)


def cell_column(values: Sequence[Any]) -> tuple[list[str], int, bool]:
    """``cell_text`` of each of a column's values, the widest of them, and whether every value is a short
    printable ASCII string (which is then its own text, and sorts as itself folded: ``text_keys``).

    The same texts, made faster: a string that is short printable ASCII,
    the usual kind, is its own text; NULL, a whole number and a float have
    texts of their own. Whether every string was such is told in a few
    passes over the whole column, each in C; only a column that holds
    others goes through ``printable`` a value at a time, which made a table
    of 50,000 trunks slow to build.
    """
    texts = [value if value.__class__ is str else "NULL" if value is None
             else str(value) if value.__class__ is int else repr(value) if value.__class__ is float
             else cell_text(value) for value in values]
    widest = max(map(len, texts), default=0)
    joined = "".join(texts)
    if widest <= CELL_LIMIT and joined.isascii() and joined.isprintable():
        return texts, widest, set(map(type, values)) <= {str}
    texts = list(map(_text, values))
    return texts, max(map(width, texts), default=0), False


def cell(value: Any, limit: int = CELL_LIMIT) -> Text:
    if value is None:
        return Text("NULL", style=NULL_STYLE)
    return Text(cell_text(value, limit), justify="right" if is_number(value) else None)


def column_cell(column: Column, trunk: Trunk, limit: int = CELL_LIMIT) -> Text:
    """A trunk's cell in a table column: a member as ``cell`` shows it (one the trunk lacks as NULL), a
    worked-out value the trunk has not got dim, as unknown or none (``Derived.missing``)."""
    if not isinstance(column, Derived):
        return cell(trunk.members.get(column.name), limit)
    value = column.value(trunk)
    if value is ABSENT:
        return Text(column.missing(trunk), style=NULL_STYLE, justify="center")
    return cell(value, limit)


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
    """Order NULLs last, numbers numerically and anything else as folded text.

    NaN sorts as infinity: compared as itself it is neither less nor more
    than anything, and an order that depends on where the sort met it could
    not be kept up to date as rows arrive (``number_key``).
    """
    if value is None:
        return (True, True, "")
    if is_number(value):
        return (False, False, number_key(value))
    return (False, True, text_key(value))


def number_key(value: int | float) -> int | float:
    """A number as it sorts: itself, NaN as infinity."""
    return value if value == value else math.inf


def text_key(value: Any) -> str:
    """A value that is neither NULL nor a number as it sorts: its text, case-folded."""
    return value.casefold() if _plain(value, TEXT_LIMIT) else printable(value).casefold()


def text_keys(values: Sequence[Any], plain: bool = False) -> list[str]:
    """``text_key`` of each value, a column of short printable ASCII strings folded in one pass.

    ``plain``: the values are known to be such (``cell_column`` said so), and are not looked at again.
    """
    if plain or (set(map(type, values)) == {str} and _all_plain(values, TEXT_LIMIT)):
        joined = "".join(values)
        # ASCII folds a character at a time, so a column that folding leaves as it is folds to itself.
        return list(values) if joined.casefold() == joined else list(map(str.casefold, values))
    return list(map(text_key, values))
