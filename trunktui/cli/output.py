"""What a scripting command prints: records as a table for people, or JSON, JSON lines or CSV for programs.

Records come as JSON objects with the switch's own member names and types
(``export`` makes a trunk's, so a listing and an export agree); secrets are
already masked there unless the user asked for them. Each format is a
``Writer`` that takes records in batches as they arrive, so JSON lines
stream a large list as it is read, while a table waits to measure its
columns. A table is for a terminal: every value goes through ``printable``
(no control or invisible character from a switch reaches the terminal) and
a long one is cut with ``…``; JSON escapes every character that is not
ASCII, so it is as safe on a terminal as in a pipe. Only JSON lines stream:
a JSON array (and ``name``/``id``) is held, as encoded lines, until the
listing is whole, so a read that fails half way prints nothing rather than
half an array. CSV keeps the text as
sent, except on a terminal, where it is made safe as a table's is. No
records make a header of the ``--fields`` asked for, or (without them) no
CSV at all, not a header of no columns.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from trunktui.cli.exits import UsageError
from trunktui.columns import NONE
from trunktui.model import ABSENT
from trunktui.text import counted, printable

FORMATS = ("table", "wide", "json", "jsonl", "csv", "name", "id")
CELL_LIMIT = 40
NARROWEST = 20
"""A column is not narrowed below this to fit a table on a terminal (an IPv4 address with a port fits);
one that would have to be is left off instead."""
KEPT = 2
"""The columns a table on a terminal always shows, however narrow: the id and the name."""
GAP = 2
"""The most characters a cell of ``table`` shows; ``wide`` shows values whole."""
_BOLD, _PLAIN = "\x1b[1m", "\x1b[0m"


@dataclass(frozen=True)
class Column:
    """A column of a listing: the member it shows and its heading."""

    name: str
    label: str


@dataclass(frozen=True)
class Shape:
    """How one kind of record is listed: the table's columns, ``wide``'s, and the members that name it and
    key it (``-o name``, ``-o id``)."""

    columns: tuple[Column, ...]
    wide: tuple[Column, ...]
    name: str = "name"
    key: str = ""

    def known(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(column.name for column in (*self.columns, *self.wide)))


@dataclass(frozen=True)
class Options:
    """The output options of a command line."""

    fmt: str = "table"
    fields: tuple[str, ...] = ()
    headers: bool = True
    secrets: bool = False


def colour_wanted(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set to anything (no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def fields_option(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise UsageError("--fields needs member names, such as --fields i_trunk,name,capacity")
    return names


def cell(value: Any, limit: int | None) -> str:
    """A value as a table shows it: terminal-safe, NULL and absence as ``—``, cut to ``limit``."""
    if value is None or value is ABSENT:
        return NONE
    return printable(value, limit)


def terminal_json(value: object) -> str:
    """JSON that puts no control, bidi or other non-ASCII character on a terminal: all are escaped."""
    return json.dumps(value, ensure_ascii=True, allow_nan=False, default=str).replace("\x7f", "\\u007f")


@dataclass
class Writer:
    """Records of one ``shape`` to ``stream`` in ``options.fmt``: ``add`` batches as they arrive, then ``end``."""

    shape: Shape
    options: Options
    stream: TextIO
    count: int = 0
    _held: list[dict[str, Any]] = field(default_factory=list)
    _lines: list[str] = field(default_factory=list)
    """Encoded lines of ``json``, ``name`` and ``id``, printed by ``end``: far smaller than the records."""

    def __post_init__(self) -> None:
        if self.options.fmt not in FORMATS:
            raise UsageError(f"-o must be one of {', '.join(FORMATS)}, not {self.options.fmt!r}")
        if self.options.fmt == "id" and not self.shape.key:
            raise UsageError("-o id lists records that have an id; these have none")

    def add(self, items: Iterable[Mapping[str, Any]]) -> None:
        fmt, out = self.options.fmt, self.stream
        for item in items:
            item = self._chosen(item)
            if fmt == "jsonl":
                out.write(terminal_json(item) + "\n")
            elif fmt == "json":
                self._lines.append("  " + terminal_json(item))
            elif fmt in ("name", "id"):
                self._lines.append(cell(item.get(self.shape.name if fmt == "name" else self.shape.key), None))
            else:
                self._held.append(item)
            self.count += 1
        out.flush()

    def _chosen(self, item: Mapping[str, Any]) -> dict[str, Any]:
        fields = self.options.fields
        if not fields:
            return dict(item)
        return {name: item[name] for name in fields if name in item}

    def end(self) -> None:
        fmt, out = self.options.fmt, self.stream
        if fmt == "json":
            out.write("[\n" if self._lines else "[]\n")
            for place, line in enumerate(self._lines):
                out.write((",\n" if place else "") + line)
            out.write("\n]\n" if self._lines else "")
        elif fmt in ("name", "id"):
            out.writelines(line + "\n" for line in self._lines)
        elif fmt == "csv" and (self._held or self.options.fields):
            from trunktui.export import ExportOptions, csv_table

            names = self._names()
            shown = _on_screen if out.isatty() else _flat
            rows = [[shown(item.get(name, ABSENT)) for name in names] for item in self._held]
            text = csv_table(names, rows, ExportOptions())
            out.write(text if self.options.headers else text.split("\r\n", 1)[1])
        elif fmt in ("table", "wide"):
            self._table()
        out.flush()

    def _names(self) -> list[str]:
        """The columns: those asked for; the table's; or (``wide``, ``csv``) every member a record holds, the
        shape's first in its order."""
        if self.options.fields:
            return list(self.options.fields)
        if self.options.fmt == "table":
            return [column.name for column in self.shape.columns]
        held = dict.fromkeys(name for item in self._held for name in item)
        known = [name for name in self.shape.known() if name in held]
        return known + [name for name in held if name not in known]

    def _table(self) -> None:
        from rich.cells import cell_len
        labels = {column.name: column.label for column in (*self.shape.columns, *self.shape.wide)}
        names = self._names()
        limit = CELL_LIMIT if self.options.fmt == "table" else None
        rows = [[cell(_flat(item.get(name)), limit) for name in names] for item in self._held]
        head = [printable(labels.get(name, name)).upper() for name in names]
        widths = [max([cell_len(text) for text in column]) for column in zip(head, *rows, strict=True)]
        if self.options.fmt == "table" and self.stream.isatty():
            widths = fitted(widths, shutil.get_terminal_size().columns)
        left_off = head[len(widths):]
        head, rows = head[:len(widths)], [row[:len(widths)] for row in rows]

        def line(cells: Sequence[str]) -> str:
            cut = [_cut(text, width) for text, width in zip(cells, widths, strict=True)]
            padded = [text + " " * (width - cell_len(text)) for text, width in zip(cut, widths, strict=True)]
            return (" " * GAP).join(padded).rstrip() + "\n"

        if self.options.headers and rows:
            heading = line(head)
            self.stream.write(f"{_BOLD}{heading.rstrip()}{_PLAIN}\n" if colour_wanted(self.stream) else heading)
        for row in rows:
            self.stream.write(line(row))
        if left_off and rows:
            self.stream.flush()
            sys.stderr.write(f"{counted(len(left_off), 'column')} left off to fit; --fields or -o json shows "
                             "them.\n")


def fitted(widths: Sequence[int], room: int) -> list[int]:
    """Column widths for a table on a terminal ``room`` columns wide, so that it never wraps.

    As in the app's table, no column is wider than a third of the terminal
    (a longer value ends in …). Past that, the widest column other than the
    first two (the id and the name) is narrowed, down to ``NARROWEST``, so a
    preview keeps both its "now" and its "after"; only then are the columns
    that still do not fit left off at the right, never the first two.
    """
    widths = [min(width, max(room // 3, NARROWEST)) for width in widths]

    def too_wide() -> bool:
        return sum(widths) + GAP * (len(widths) - 1) > room

    while too_wide():
        place = max(range(KEPT, len(widths)), key=widths.__getitem__, default=None)
        if place is None or widths[place] <= NARROWEST:
            break
        widths[place] -= 1
    while len(widths) > KEPT and too_wide():
        widths.pop()
    return widths


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal cells, ending in … where it was cut."""
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def _on_screen(value: Any) -> Any:
    """A CSV cell bound for a terminal rather than a file or a pipe: text made terminal-safe, as in a table."""
    value = _flat(value)
    return printable(value) if isinstance(value, str) else value


def _flat(value: Any) -> Any:
    """A member as one CSV cell: a list of records (a 2022+ trunk's connections) is their count, as in an export."""
    if isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
        return len(value)
    return value
