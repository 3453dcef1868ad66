"""Where a search may look: plain data, so a command line can offer the choices without loading the search."""

from __future__ import annotations

from collections.abc import Mapping

FIELDS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "any": ("Any field", ()),
    "name": ("Name", ("name",)),
    "destination": ("Destination", ("destination", "destination_backup")),
    "description": ("Description", ("description",)),
    "outbound_ip": ("Outbound IP", ("outbound_ip", "outbound_ip_backup")),
    "username": ("Username", ("username", "username_backup")),
}
"""What a query may look in: a label and the members it covers (every one of them for "any")."""
