"""Writing the visible trunk table to CSV or JSON.

CSV keeps NULL apart from empty text: NULL is an empty cell, text is always
quoted, so an empty string is ``""``. (Python 3.11's csv module cannot make
that distinction; ``QUOTE_NOTNULL`` arrived in 3.12.) JSON keeps the types.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trunktui.errors import InputError
from trunktui.model import Field, Trunk, bounded_nesting, format_value

FORMATS = ("csv", "json")


def _json_leaf(value: Any) -> Any:
    """JSON has no NaN or infinity: such doubles are written as text ("inf", "nan")."""
    return format_value(value) if isinstance(value, float) and not math.isfinite(value) else value


def _json_value(value: Any) -> Any:
    """A member for JSON; arrays and structs deeper than a few levels (only a hostile switch sends
    those) are written as their bounded text form."""
    return bounded_nesting(value, _json_leaf)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return format_value(value)
    text = value if isinstance(value, str) else json.dumps(_json_value(value), default=str)
    return '"' + text.replace('"', '""') + '"'


def render(fmt: str, fields: Sequence[Field], trunks: Sequence[Trunk]) -> str:
    if fmt == "json":
        rows = [{f.name: _json_value(trunk.get(f.name)) for f in fields} for trunk in trunks]
        return json.dumps(rows, indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"
    lines = [",".join(_csv_cell(f.name) for f in fields)]
    lines.extend(",".join(_csv_cell(trunk.get(f.name)) for f in fields) for trunk in trunks)
    return "\r\n".join(lines) + "\r\n"


def export(path: Path, fields: Sequence[Field], trunks: Sequence[Trunk]) -> int:
    """Write ``trunks`` to ``path`` in the format its suffix names; return the count.

    An existing file is never overwritten.
    """
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("The file name must end in .csv or .json.", field="path")
    text = render(fmt, fields, trunks)
    try:
        with path.open("x", encoding="utf-8", newline="") as out:
            out.write(text)
    except FileExistsError:
        raise InputError(f"{path} already exists; choose another name.", field="path") from None
    except OSError as exc:
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.", field="path") from None
    return len(trunks)
