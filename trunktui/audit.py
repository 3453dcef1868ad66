"""The audit trail: one JSON line per create, update or delete, and per failure.

NOC teams need to know afterwards who changed what on which switch. Each
line is self-contained (time, profile, server, login, account, trunk, the
fields before and after, and the outcome), secrets are redacted before
anything is written, and lines are only ever appended.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_log_path

from trunktui.errors import FaultError, TrunkTuiError
from trunktui.model import redact


def audit_path() -> Path:
    return user_log_path("trunktui") / "audit.jsonl"


@dataclass(frozen=True)
class AuditLog:
    """Appends audit lines for one login on one switch."""

    profile: str
    server: str
    login: str
    path: Path

    def record(
        self,
        action: str,
        *,
        account: Any = None,
        trunk: Any = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        error: TrunkTuiError | None = None,
    ) -> None:
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "action": action,
            "profile": self.profile,
            "server": self.server,
            "login": self.login,
            "account": account,
            "trunk": trunk,
            "before": None if before is None else redact(before),
            "after": None if after is None else redact(after),
            "result": "OK" if error is None else _failure(error),
        }
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(line)


def _failure(error: TrunkTuiError) -> dict[str, Any]:
    failure: dict[str, Any] = {"error": type(error).__name__, "message": error.message}
    if isinstance(error, FaultError):
        failure["fault_code"] = error.code
        failure["fault_string"] = error.string
    return failure


def read_recent(path: Path | None = None, count: int = 100) -> list[dict[str, Any]]:
    """The last ``count`` entries, oldest first; unreadable lines are skipped."""
    path = path or audit_path()
    entries: deque[dict[str, Any]] = deque(maxlen=count)
    try:
        with path.open(encoding="utf-8", errors="replace") as source:
            for line in source:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    entries.append(entry)
    except FileNotFoundError:
        return []
    return list(entries)


def describe_change(entry: Mapping[str, Any]) -> str:
    """What an entry changed: old -> new per field, or the trunk's name."""
    before, after = (value if isinstance(value := entry.get(side), dict) else {} for side in ("before", "after"))
    if entry.get("action") == "update":
        return ", ".join(f"{k}: {before.get(k)!r} -> {v!r}" for k, v in after.items())
    source = after or before
    return f"name {source.get('name')!r}" if source else ""


def failure_message(entry: Mapping[str, Any]) -> str | None:
    """Why an entry's attempt failed, or None when it succeeded."""
    result = entry.get("result")
    if result == "OK":
        return None
    return str(result.get("message", "")) if isinstance(result, dict) else str(result)


def describe_entry(entry: Mapping[str, Any]) -> str:
    """One audit entry as one readable line."""
    failure = failure_message(entry)
    return (f"{entry.get('time')}  {entry.get('action')}  {entry.get('login')}@{entry.get('server')}"
            f" [{entry.get('profile')}]  account {entry.get('account')} trunk {entry.get('trunk')}  "
            f"{describe_change(entry)}  {'OK' if failure is None else 'FAILED ' + failure}")
