"""The audit trail: one JSON line per create, update or delete, and per failure.

NOC teams need to know afterwards who changed what on which switch. Each
line is self-contained (time, profile, server, login, account, trunk, the
fields before and after, and the outcome), secrets are redacted before
anything is written, and lines are only ever appended.

The outcome is what is known: ``OK``; a failure the switch reported (the
change was not made); a failure after which it is unknown whether the switch
acted (the answer was lost, or the user stopped waiting); and, after such a
failure, a second line saying what reading the trunk back showed.

Recording never changes the outcome of the change it records: values are
bounded before they are encoded, the file is opened without following a
symbolic link and kept private, and when a line cannot be written the
problem goes to ``on_failure`` so the user hears of it separately.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_log_path

from trunktui.errors import ApiError, FaultError, TrunkTuiError
from trunktui.model import bounded_nesting, format_value, is_secret, redact
from trunktui.text import TEXT_LIMIT, printable, quoted


def audit_path() -> Path:
    return user_log_path("trunktui") / "audit.jsonl"


def _to_stderr(problem: str) -> None:
    print(printable(problem), file=sys.stderr)


@dataclass(frozen=True)
class AuditLog:
    """Appends audit lines for one login on one switch."""

    profile: str
    server: str
    login: str
    path: Path
    on_failure: Callable[[str], None] = field(default=_to_stderr, compare=False)

    def record(
        self,
        action: str,
        *,
        account: Any = None,
        trunk: Any = None,
        connection: Any = None,
        connection_name: Any = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        error: TrunkTuiError | None = None,
        read_back: bool | None = None,
        note: str = "",
    ) -> None:
        """Append one line; ``read_back`` records what a read-back after a lost answer showed.

        ``connection`` is the trunk connection a change on a 2022+ switch
        acted on, and ``connection_name`` its name as last read, so that a
        line of an update or a move names it; lines of other changes carry
        no such members.
        """
        secrets = _secrets(before, after)
        if read_back is not None:
            result: Any = {"read_back": "applied" if read_back else "not applied", "note": _masked(note, secrets)}
        else:
            result = "OK" if error is None else _failure(error, secrets)
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "action": action,
            "profile": self.profile,
            "server": self.server,
            "login": self.login,
            "account": _bounded(account),
            "trunk": _bounded(trunk),
            **({} if connection is None else {"connection": _bounded(connection)}),
            **({} if connection_name is None else {"connection_name": _bounded(connection_name)}),
            "before": None if before is None else _bounded(redact(before)),
            "after": None if after is None else _bounded(redact(after)),
            "result": result,
        }
        try:
            self._append(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        except (OSError, ValueError) as problem:
            self.on_failure(f"The audit trail could not be written to {self.path}: {problem}. "
                            f"The {action} itself is not affected.")

    def _append(self, line: str) -> None:
        """Append to a private regular file; opening never blocks (a FIFO put in its place) nor follows a link."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
        descriptor = os.open(self.path, flags, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            mode = os.fstat(descriptor).st_mode
            if not stat.S_ISREG(mode):
                raise OSError(f"{self.path} is not a regular file")
            if mode & 0o077:
                os.fchmod(descriptor, 0o600)
            out.write(line)


def _cut(value: Any) -> Any:
    return value[:TEXT_LIMIT] + "…" if isinstance(value, str) and len(value) > TEXT_LIMIT else value


def _bounded(value: Any) -> Any:
    """``value`` with nesting and text cut to what a line can sensibly hold; deeper levels become text."""
    return bounded_nesting(value, _cut)


def _failure(error: TrunkTuiError, secrets: list[str]) -> dict[str, Any]:
    unknown = isinstance(error, ApiError) and error.may_have_acted
    failure: dict[str, Any] = {"error": type(error).__name__, "message": _masked(error.message, secrets),
                               "outcome": "unknown" if unknown else "not applied"}
    if isinstance(error, FaultError):
        failure["fault_code"] = error.code
        failure["fault_string"] = _masked(error.string, secrets) if isinstance(error.string, str) else error.string
    return failure


def _secrets(*records: Mapping[str, Any] | None) -> list[str]:
    """The secrets a change held, longest first: a switch's fault may quote what it was sent."""
    found = {value for members in records if members is not None
             for name, value in members.items() if is_secret(name) and isinstance(value, str) and value}
    return sorted(found, key=len, reverse=True)


def _masked(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def read_recent(path: Path | None = None, count: int = 100) -> list[dict[str, Any]]:
    """The last ``count`` entries, oldest first; unreadable lines, and lines nested too deep to read, are skipped."""
    path = path or audit_path()
    entries: deque[dict[str, Any]] = deque(maxlen=count)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return []
        with path.open(encoding="utf-8", errors="replace") as source:
            for line in source:
                try:
                    entry = json.loads(line)
                except (ValueError, RecursionError):
                    continue
                if isinstance(entry, dict):
                    entries.append(entry)
    except FileNotFoundError:
        return []
    return list(entries)


def _shown(value: Any) -> str:
    """A recorded value as written: text between “ and ” exactly as it is, NULL for null, numbers plain."""
    if value is None:
        return "NULL"
    return quoted(value) if isinstance(value, str) else format_value(value)


_MASKED = "***"
"""What ``redact`` wrote in place of a secret."""

_MOVES = {"up": "up", "down": "down", "first": "to the top", "last": "to the bottom"}
"""How a move's word reads in a line."""


def _sides(entry: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = (value if isinstance(value := entry.get(side), dict) else {} for side in ("before", "after"))
    return before, after


def _secret_shown(value: Any) -> str:
    return _MASKED if value == _MASKED else _shown(value)


def _changed(name: str, old: Any, new: Any) -> str:
    """One member's old -> new; a secret that was set and is set anew only as changed, its text never known."""
    if not is_secret(name):
        return f"{name}: {_shown(old)} -> {_shown(new)}"
    if old == _MASKED and new == _MASKED:
        return f"{name}: (changed)"
    return f"{name}: {_secret_shown(old)} -> {_secret_shown(new)}"


def _moved(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """A move of a connection: where to (a word or a place), and from which place."""
    to, was = after.get("order_no"), before.get("order_no")
    where = _MOVES.get(to) if isinstance(to, str) else None
    said = f"moved {where or f'to place {_shown(to)}'}"
    return said if was is None else f"{said} from place {_shown(was)}"


def describe_change(entry: Mapping[str, Any]) -> str:
    """What an entry changed: old -> new per field, where a connection moved, or what was created or deleted
    (a trunk by its name, a connection by its destination: its name is said by ``describe_connection``)."""
    before, after = _sides(entry)
    action = entry.get("action")
    if action in ("update", "update connection"):
        return ", ".join(_changed(k, before.get(k), v) for k, v in after.items())
    if action == "move connection":
        return _moved(before, after)
    source = after or before
    if action in ("create connection", "delete connection"):
        return f"destination {_shown(source.get('destination'))}" if "destination" in source else ""
    return f"name {_shown(source.get('name'))}" if source else ""


def describe_connection(entry: Mapping[str, Any]) -> str:
    """The connection an entry acted on, by id (``-`` for a failed create) and name; empty for a trunk's entry."""
    action = entry.get("action")
    if "connection" not in entry and not (isinstance(action, str) and action.endswith(" connection")):
        return ""
    before, after = _sides(entry)
    named = entry.get("connection_name", (after if action == "create connection" else before).get("name"))
    i_connection = entry.get("connection")
    said = "-" if i_connection is None else format_value(i_connection)
    return said if named is None else f"{said} {_shown(named)}"


def failure_message(entry: Mapping[str, Any]) -> str | None:
    """Why an entry's attempt failed, or None when it succeeded."""
    result = entry.get("result")
    if result == "OK" or (isinstance(result, dict) and result.get("read_back") == "applied"):
        return None
    return format_value(result.get("message", "")) if isinstance(result, dict) else format_value(result)


def describe_result(entry: Mapping[str, Any]) -> str:
    """The outcome in a few words: OK, FAILED, UNKNOWN (answer lost) or what a read-back showed."""
    result = entry.get("result")
    if result == "OK":
        return "OK"
    if not isinstance(result, dict):
        return f"FAILED {format_value(result)}"
    if "read_back" in result:
        return f"READ BACK: {format_value(result['read_back']).upper()} ({format_value(result.get('note', ''))})"
    word = "UNKNOWN" if result.get("outcome") == "unknown" else "FAILED"
    return f"{word} {format_value(result.get('message', ''))}"


def describe_entry(entry: Mapping[str, Any]) -> str:
    """One audit entry as one readable line; ``-`` where it names no account or trunk (a failed create)."""
    time, action, login, server, profile, account, trunk = (
        "-" if (value := entry.get(key)) is None else format_value(value)
        for key in ("time", "action", "login", "server", "profile", "account", "trunk"))
    connection = f" connection {said}" if (said := describe_connection(entry)) else ""
    return (f"{time}  {action}  {login}@{server} [{profile}]  account {account} trunk {trunk}{connection}  "
            f"{describe_change(entry)}  {describe_result(entry)}")
