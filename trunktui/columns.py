"""The trunk table's columns on each API, declared once for the screen and export.

On a 2020 switch the columns are the trunk's ``in_table`` members. On a
2022+ switch a trunk holds no destination of its own, so two columns are
worked out from its connections: how many it has, and the destination of
the first (the top of the order, where calls go first). A worked-out value
is for showing and exporting only; nothing sends it anywhere.

A trunk whose connections could not be read has no such values: they are
``ABSENT``, shown as unknown (never 0) and sorted as NULL. The quick filter
also finds a trunk by any of its connections' ``SEARCHED_IN_CONNECTIONS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trunktui.model import ABSENT, TRUNKS_2020, Field, Schema, Trunk
from trunktui.versions import TRUNKS_2022, Api

UNKNOWN = "?"
"""Shown for a worked-out value of a trunk whose connections could not be read."""
NONE = "—"
"""Shown for a worked-out value a trunk has not got: the first destination of a trunk with no connections."""


@dataclass(frozen=True)
class Derived:
    """A column worked out from a trunk rather than read from one member; ``value`` gives ``ABSENT`` for none."""

    name: str
    label: str
    value: Callable[[Trunk], Any]

    def missing(self, trunk: Trunk) -> str:
        """What the table shows for a trunk that has no value here: whether its connections are unknown or none."""
        return UNKNOWN if trunk.connections is None else NONE


Column = Field | Derived
"""A column of the trunk table: a member as the switch sent it, or a value worked out from the trunk."""


def value_of(column: Column, trunk: Trunk) -> Any:
    """The column's value for ``trunk``: a member it lacks, or a worked-out value it has not got, is ``ABSENT``."""
    if isinstance(column, Derived):
        return column.value(trunk)
    return trunk.members.get(column.name, ABSENT)


def _connection_count(trunk: Trunk) -> Any:
    return ABSENT if trunk.connections is None else len(trunk.connections)


def _first_destination(trunk: Trunk) -> Any:
    if not trunk.connections:
        return ABSENT
    return trunk.connections[0].get("destination")


SEARCHED_IN_CONNECTIONS = ("name", "destination")
"""The members of every connection of a 2022+ trunk the quick filter finds it by, though no column shows them:
a backup SBC is found by its address."""

CONNECTION_COUNT = Derived("connection_count", "Conns", _connection_count)
FIRST_DESTINATION = Derived("first_destination", "First destination", _first_destination)


@dataclass(frozen=True)
class Table:
    """What the trunk table shows on one API."""

    api: Api
    columns: tuple[Column, ...]

    @property
    def schema(self) -> Schema:
        return self.api.trunks


def _members(schema: Schema) -> tuple[Field, ...]:
    return tuple(f for f in schema.fields if f.in_table)


TABLE_2020 = Table(Api.V2020, _members(TRUNKS_2020))
FIXED = 2
"""The columns that stay put when the table scrolls sideways: ID and Name."""
# Where calls go comes right after the name, as the destination does on a 2020 switch, so that it shows at 80 columns.
_MEMBERS_2022 = _members(TRUNKS_2022)
TABLE_2022 = Table(Api.V2022, (*_MEMBERS_2022[:FIXED], FIRST_DESTINATION, CONNECTION_COUNT, *_MEMBERS_2022[FIXED:]))
COLUMNS_2020 = TABLE_2020.columns


def table_for(api: Api | None) -> Table:
    """The table of the API in use; while it is not known yet, the 2020 one (nothing is shown meanwhile)."""
    return TABLE_2022 if api is Api.V2022 else TABLE_2020
