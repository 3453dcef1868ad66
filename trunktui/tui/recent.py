"""Recently used accounts, remembered per login in the user's state directory.

NOC staff return to the same few accounts all day; the picker lists these
first. A damaged or unreadable file is treated as empty rather than
stopping the app, since losing this list costs nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_state_path

KEEP = 10


@dataclass(frozen=True)
class RecentAccount:
    """An opened account as the picker showed it; a NULL username or description stays None."""

    i_account: int
    username: str | None
    description: str | None = ""


class RecentAccounts:
    """The most recently opened accounts of one login on one switch."""

    def __init__(self, who: str, path: Path | None = None) -> None:
        self.who = who
        self.path = path or user_state_path("trunktui") / "recent-accounts.json"

    def _read_all(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self) -> list[RecentAccount]:
        entries = self._read_all().get(self.who, [])
        recent: list[RecentAccount] = []
        for entry in entries if isinstance(entries, list) else []:
            try:
                recent.append(RecentAccount(int(entry["i_account"]), _text(entry["username"]),
                                            _text(entry.get("description", ""))))
            except (KeyError, TypeError, ValueError):
                continue
        return recent

    def remember(self, account: RecentAccount) -> None:
        """Put ``account`` first; failures to write are ignored (see module doc)."""
        others = [a for a in self.load() if a.i_account != account.i_account]
        data = self._read_all()
        data[self.who] = [asdict(a) for a in [account, *others][:KEEP]]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=self.path.parent, delete=False, encoding="utf-8") as tmp:
                json.dump(data, tmp, indent=1)
            os.replace(tmp.name, self.path)
        except OSError:
            return


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
