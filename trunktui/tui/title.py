"""What the header says, fit to the width it has.

The header reads ``warnings · name · api — who · place``: the session's
warnings (PRODUCTION, READ-ONLY, TLS NOT VERIFIED, PLAIN HTTP), the
switch's name (a profile's label), the trunks API in use once known (``API
2022``), the login and host, and the place on the switch the screen shows
(``account 1 acme-wholesale``). At 80 columns it has 62 cells. Everything
shows whole when it fits. Warnings are never cut and the place is cut last:
a long name gives way first, down to ``NAME_KEEPS`` cells, then the login
and host, then the API, then the rest of the name.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size

JOIN = " · "
BETWEEN = " — "
SHORTEST = 10
"""Cells a name or a login cut short keeps; any shorter and it is left out."""
NAME_KEEPS = 32
"""Cells a long name is cut to before the login and host give way, so that at 120 columns they still show."""


def _cut(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` cells, ending in an ellipsis if it was cut."""
    return text if cell_len(text) <= cells else set_cell_size(text, max(cells - 1, 0)) + "…"


def _parts(warnings: Sequence[str], name: str, api: str, who: str, place: str) -> tuple[str, str]:
    title = JOIN.join(part for part in (*warnings, name, api) if part)
    return title, JOIN.join(part for part in (who, place) if part)


def _length(title: str, sub_title: str) -> int:
    return cell_len(title) + (cell_len(BETWEEN) + cell_len(sub_title) if sub_title else 0)


def fit_title(warnings: Sequence[str], name: str, who: str, place: str, width: int,
              api: str = "") -> tuple[str, str]:
    """The header's title and sub-title in ``width`` cells, or as near as the warnings and place allow.

    The name is left out only when a warning leads the title, so the
    header always says something before the place.
    """
    def over() -> int:
        return _length(*_parts(warnings, name, api, who, place)) - width

    if over() > 0 and name:
        name = _cut(name, max(cell_len(name) - over(), NAME_KEEPS))
    if over() > 0 and who:
        who = _cut(who, max(cell_len(who) - over(), SHORTEST))
    if over() > 0:
        who = ""
    if over() > 0:
        api = ""
    if over() > 0 and name:
        name = _cut(name, max(cell_len(name) - over(), SHORTEST))
    if over() > 0 and warnings:
        name = ""
    if over() > 0 and place:
        place = _cut(place, max(cell_len(place) - over(), SHORTEST))
    return _parts(warnings, name, api, who, place)
