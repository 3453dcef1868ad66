"""Writing trunks to CSV or JSON: the table's columns, or every member as a backup.

An export of all fields is meant to serve as a backup, so it holds every
member the switch returned, those the model does not know included, and
never one it did not return: a left-out member stays out of a JSON object
and is an empty cell in CSV. Secrets are written as ``***`` unless the user
asks for them, and a file that holds them is made private (0600).

JSON keeps the switch's types: null, numbers and booleans as it sent them
(a switch that sends booleans as 0 and 1 gets 0 and 1 back). CSV quotes
every piece of text, so an empty string is ``""``; NULL is an empty cell, or
the bare word ``NULL`` when asked, so that it stays apart from a member left
out. (Python 3.11's csv module cannot write this; ``QUOTE_NOTNULL`` arrived
in 3.12.)
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trunktui.errors import InputError
from trunktui.model import (
    ABSENT,
    FIELDS_BY_NAME,
    TRUNK_FIELDS,
    Field,
    Trunk,
    bounded_nesting,
    format_value,
    is_secret,
)

FORMATS = ("csv", "json")
MASKED = "***"


@dataclass(frozen=True)
class ExportOptions:
    """What goes into the file besides the trunks' rows.

    ``everything``: every member the switch returned, not only the table's
    columns. ``secrets``: passwords as they are, not ``***``. ``null_word``:
    in CSV, NULL is written ``NULL``, not as an empty cell.
    """

    everything: bool = False
    secrets: bool = False
    null_word: bool = False


def member_names(columns: Sequence[Field], trunks: Sequence[Trunk], everything: bool) -> list[str]:
    """The members to write: the table's columns, or every member any trunk holds, the model's first
    in its order, then those it does not know in the order the switch sent them."""
    if not everything:
        return [spec.name for spec in columns]
    held = {name for trunk in trunks for name in trunk.members}
    unknown = dict.fromkeys(name for trunk in trunks for name in trunk.members if name not in FIELDS_BY_NAME)
    return [spec.name for spec in TRUNK_FIELDS if spec.name in held] + list(unknown)


def holds_secrets(names: Sequence[str], trunks: Sequence[Trunk], options: ExportOptions) -> bool:
    """Whether the file would hold a password in clear."""
    return options.secrets and any(is_secret(name) and trunk.get(name) for trunk in trunks for name in names)


def _json_leaf(value: Any) -> Any:
    """JSON has no NaN or infinity: such doubles are written as text ("inf", "nan")."""
    return format_value(value) if isinstance(value, float) and not math.isfinite(value) else value


def _json_value(value: Any) -> Any:
    """A member for JSON; arrays and structs deeper than a few levels (only a hostile switch sends
    those) are written as their bounded text form."""
    return bounded_nesting(value, _json_leaf)


def _csv_cell(value: Any, null: str = "") -> str:
    if value is ABSENT:
        return ""
    if value is None:
        return null
    if isinstance(value, (bool, int, float)):
        return format_value(value)
    text = value if isinstance(value, str) else json.dumps(_json_value(value), default=str)
    return '"' + text.replace('"', '""') + '"'


def _member(trunk: Trunk, name: str, options: ExportOptions) -> Any:
    """The member as written: absent stays absent, a secret is masked unless asked for."""
    value = trunk.members.get(name, ABSENT)
    if is_secret(name) and not options.secrets and value is not ABSENT and value:
        return MASKED
    return value


def render(fmt: str, columns: Sequence[Field], trunks: Sequence[Trunk],
           options: ExportOptions = ExportOptions()) -> str:
    return _render(fmt, member_names(columns, trunks, options.everything), trunks, options)


def _render(fmt: str, names: Sequence[str], trunks: Sequence[Trunk], options: ExportOptions) -> str:
    if fmt == "json":
        rows = []
        for trunk in trunks:
            members = ((name, _member(trunk, name, options)) for name in names)
            rows.append({name: _json_value(value) for name, value in members if value is not ABSENT})
        return json.dumps(rows, indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"
    null = "NULL" if options.null_word else ""
    lines = [",".join(_csv_cell(name) for name in names)]
    lines.extend(",".join(_csv_cell(_member(trunk, name, options), null) for name in names) for trunk in trunks)
    return "\r\n".join(lines) + "\r\n"


def file_format(path: Path) -> str:
    """The format a file name asks for, by its suffix."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("The file name must end in .csv or .json.", field="path")
    return fmt


def export(path: Path, columns: Sequence[Field], trunks: Sequence[Trunk],
           options: ExportOptions = ExportOptions()) -> int:
    """Write ``trunks`` to ``path`` in the format its suffix names; return the count.

    An existing file is never overwritten. A file holding passwords in clear
    is created readable by its owner only.
    """
    names = member_names(columns, trunks, options.everything)
    text = _render(file_format(path), names, trunks, options)
    private = holds_secrets(names, trunks, options)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except FileExistsError:
        kind = "is a folder" if path.is_dir() else "already exists"
        raise InputError(f"{path} {kind}; choose another name.", field="path") from None
    except OSError as exc:
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.", field="path") from None
    return len(trunks)
