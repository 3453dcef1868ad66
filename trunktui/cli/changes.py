"""``trunktui trunks create | set | delete | apply``: changes, by the rules the app keeps."""

from __future__ import annotations

from typing import Any


def register(verbs: Any) -> None:
    """Filled in below."""
