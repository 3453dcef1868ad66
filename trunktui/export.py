"""Writing trunks to CSV or JSON: the table's columns, or every member as a backup.

The table's columns are written as the table holds them, a value worked out
from a 2022+ trunk's connections included (how many, the first
destination); one the trunk has not got (its connections could not be
read) is left out, as a member the switch left out is. All fields of a
2022+ trunk include its connections (``_with_connections``).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trunktui.columns import Column, Derived
from trunktui.errors import InputError
from trunktui.model import (
    ABSENT,
    TRUNKS_2020,
    Schema,
    Trunk,
    TrunkConnection,
    bounded_nesting,
    format_value,
    is_secret,
)
from trunktui.versions import CONNECTIONS, Api

FORMATS = ("csv", "json")
MASKED = "***"
CONNECTIONS_MEMBER = "connections"
"""Where a 2022+ trunk's connections go in an export of all fields: the array in JSON, their count in CSV."""
CONNECTION_PREFIX = "connection."
"""Names a connection's member in the header of a CSV export of all fields."""


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


def member_names(columns: Sequence[Column], trunks: Sequence[Trunk], everything: bool,
                 schema: Schema = TRUNKS_2020) -> list[str]:
    """The members to write: the table's columns, or every member any trunk holds, the model's first
    in its order, then those it does not know in the order the switch sent them."""
    if not everything:
        return [column.name for column in columns]
    return held_names(schema, [trunk.members for trunk in trunks])


def held_names(schema: Schema, records: Sequence[Mapping[str, Any]]) -> list[str]:
    held = {name for members in records for name in members}
    unknown = dict.fromkeys(name for members in records for name in members if name not in schema.by_name)
    return [spec.name for spec in schema.fields if spec.name in held] + list(unknown)


def _connections(trunks: Sequence[Trunk]) -> list[Mapping[str, Any]]:
    return [connection.members for trunk in trunks for connection in trunk.connections or ()]


def holds_secrets(columns: Sequence[Column], trunks: Sequence[Trunk], options: ExportOptions,
                  api: Api = Api.V2020) -> bool:
    """Whether the file would hold a password in clear (a trunk's, or on a 2022+ switch a connection's)."""
    if not options.secrets:
        return False
    records = [trunk.members for trunk in trunks]
    names = member_names(columns, trunks, options.everything, api.trunks)
    if options.everything and api.has_connections:
        records += _connections(trunks)
        names += held_names(CONNECTIONS, _connections(trunks))
    return any(is_secret(name) and members.get(name) for members in records for name in names)


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


def masked_member(members: Mapping[str, Any], name: str, options: ExportOptions) -> Any:
    """The member as written: absent stays absent, a secret is masked unless asked for."""
    value = members.get(name, ABSENT)
    if is_secret(name) and not options.secrets and value is not ABSENT and value:
        return MASKED
    return value


def _values(columns: Sequence[Column], trunk: Trunk, options: ExportOptions) -> list[Any]:
    """A trunk's row of the table: members as ``_member`` writes them, worked-out values as they are."""
    return [column.value(trunk) if isinstance(column, Derived) else masked_member(trunk.members, column.name, options)
            for column in columns]


def render(fmt: str, columns: Sequence[Column], trunks: Sequence[Trunk],
           options: ExportOptions = ExportOptions(), api: Api = Api.V2020) -> str:
    """The file's text: the table's ``columns``, or with ``options.everything`` every member of the trunks of
    ``api``, with their connections on a 2022+ switch (``_with_connections``)."""
    if fmt == "json":
        chosen = None if options.everything else columns
        return _dump([json_object(trunk, options, api, chosen) for trunk in trunks])
    if options.everything and api.has_connections:
        return _with_connections(trunks, options, api.trunks)
    if options.everything:
        names = member_names(columns, trunks, True, api.trunks)
        rows = [[masked_member(trunk.members, name, options) for name in names] for trunk in trunks]
    else:
        names = [column.name for column in columns]
        rows = [_values(columns, trunk, options) for trunk in trunks]
    return csv_table(names, rows, options)


def json_object(trunk: Trunk, options: ExportOptions = ExportOptions(), api: Api = Api.V2020,
                columns: Sequence[Column] | None = None) -> dict[str, Any]:
    """One trunk as JSON: the ``columns`` it has, or (None) every member it holds, the model's first, and on
    a 2022+ switch ``connections``, an array of each connection's members in the trunk's order (null where
    they could not be read)."""
    if columns is not None:
        return _json_object([column.name for column in columns], _values(columns, trunk, options))
    names = held_names(api.trunks, [trunk.members])
    item = _json_object(names, [masked_member(trunk.members, name, options) for name in names])
    if api.has_connections:
        item[CONNECTIONS_MEMBER] = None if trunk.connections is None else [
            connection_object(connection, options) for connection in trunk.connections]
    return item


def connection_object(connection: TrunkConnection, options: ExportOptions = ExportOptions()) -> dict[str, Any]:
    """One connection as JSON: every member it holds, the model's first."""
    names = held_names(CONNECTIONS, [connection.members])
    return _json_object(names, [masked_member(connection.members, name, options) for name in names])


def _with_connections(trunks: Sequence[Trunk], options: ExportOptions, schema: Schema) -> str:
    """Every member of 2022+ trunks and of their connections, as CSV, which is flat: a row per connection,
    the trunk's members, then ``connections`` (how many it has; empty where they could not be read), then
    the connection's members named ``connection.`` and the member; a trunk without connections is one row
    whose connection cells are empty."""
    names = member_names((), trunks, True, schema)
    connection_names = held_names(CONNECTIONS, _connections(trunks))
    rows = []
    for trunk in trunks:
        head = [*(masked_member(trunk.members, name, options) for name in names),
                ABSENT if trunk.connections is None else len(trunk.connections)]
        rows += [head + [masked_member(c.members, name, options) for name in connection_names]
                 for c in trunk.connections or ()] or [head + [ABSENT] * len(connection_names)]
    header = [*names, CONNECTIONS_MEMBER, *(CONNECTION_PREFIX + name for name in connection_names)]
    return csv_table(header, rows, options)


def _json_object(names: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    return {name: _json_value(value) for name, value in zip(names, values, strict=True) if value is not ABSENT}


def _dump(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"


def csv_table(names: Sequence[str], rows: Sequence[Sequence[Any]], options: ExportOptions) -> str:
    null = "NULL" if options.null_word else ""
    lines = [",".join(_csv_cell(name) for name in names)]
    lines.extend(",".join(_csv_cell(value, null) for value in row) for row in rows)
    return "\r\n".join(lines) + "\r\n"


def file_format(path: Path) -> str:
    """The format a file name asks for, by its suffix."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("The file name must end in .csv or .json.", field="path")
    return fmt


def export(path: Path, columns: Sequence[Column], trunks: Sequence[Trunk],
           options: ExportOptions = ExportOptions(), api: Api = Api.V2020) -> int:
    """Write ``trunks`` to ``path`` in the format its suffix names; return the count.

    An existing file is never overwritten. A file holding passwords in clear
    is created readable by its owner only.
    """
    text = render(file_format(path), columns, trunks, options, api)
    private = holds_secrets(columns, trunks, options, api)
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
