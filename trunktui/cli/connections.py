"""``trunktui connections …``: a 2022+ trunk's connections."""

from __future__ import annotations

from typing import Any


def register(verbs: Any) -> None:
    """Filled in below."""
