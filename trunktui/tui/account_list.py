"""What the account picker knows: the accounts loaded so far, and what its list and status line say.

The rows, the count and the status line are all worked out from this one
object, so they cannot disagree: a refresh keeps the rows it replaces until
its first page comes, and while they show, the count and the status line
say they are from before (and whether the refresh failed). Accounts looked
up one by one on the switch are counted apart from the listed pages. Nothing
here imports Textual; the screen shows what this says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any

from trunktui.errors import FaultError
from trunktui.model import Account
from trunktui.text import counted, printable, quoted
from trunktui.tui.recent import RecentAccount


class Phase(Enum):
    """Where loading the pages of ``listAccounts`` stands."""

    LOADING = auto()
    """A page is on its way, and more may follow."""
    COMPLETE = auto()
    """A page came shorter or longer than asked, or with no account not loaded already: every account is loaded.

    A switch that ignores ``offset`` sends the same accounts again, and one
    that ignores ``limit`` sends them all at once; either way, asking on
    would never end.
    """
    STOPPED = auto()
    """The operator stopped the loading (Escape)."""
    FAILED = auto()
    """A page failed; ``AccountList.fault`` says why."""


class Tone(Enum):
    """How the status line shows a summary."""

    PLAIN = auto()
    BUSY = auto()
    FAULT = auto()


_SEPARATOR = "\x00"
"""Joins a row's texts; no filter text contains it, so a match never spans two of them."""


def shown_text(value: Any, limit: int | None = None) -> str | None:
    """A server value as the picker shows it: None stays NULL, anything else becomes safe text."""
    return None if value is None else printable(value, limit)


@dataclass(frozen=True)
class PickerRow:
    """One row of the picker: a recent entry (``account`` None until loaded) or a loaded account."""

    recent: bool
    i_account: int
    username: str | None
    description: str | None
    account: Account | None
    folded: str = field(init=False, repr=False, compare=False)
    """The id, username and description as shown (a NULL as ``NULL``), casefolded, for the filter."""

    def __post_init__(self) -> None:
        texts = (str(self.i_account), self.username, self.description)
        folded = _SEPARATOR.join("NULL" if text is None else text for text in texts).casefold()
        object.__setattr__(self, "folded", folded)

    @classmethod
    def loaded(cls, account: Account, i_account: int) -> PickerRow:
        return cls(False, i_account, shown_text(account.username), shown_text(account.description), account)

    @classmethod
    def remembered(cls, entry: RecentAccount, account: Account | None) -> PickerRow:
        if account is None:
            return cls(True, entry.i_account, entry.username, entry.description, None)
        return cls(True, entry.i_account, shown_text(account.username), shown_text(account.description), account)

    def matches(self, wanted: str) -> bool:
        """Whether casefolded ``wanted`` is part of the id, username or description."""
        return wanted in self.folded


def _usable_id(account: Account) -> int | None:
    i_account = account.i_account
    return None if isinstance(i_account, bool) or not isinstance(i_account, int) else i_account


class AccountList:
    """The accounts the picker knows, in the order it lists them: recent first, then as the switch listed them.

    ``generation`` changes on every restart, so a page or lookup asked for
    before it is told apart from one asked for after.
    """

    def __init__(self, recent: Sequence[RecentAccount]) -> None:
        self.recent = list(recent)
        self.generation = 0
        self.phase = Phase.LOADING
        self.fault = ""
        self.trouble = ""
        """A failed or stopped open, said until the next thing is typed or opened."""
        self.opening: str | None = None
        """An account asked for by id or username, on its way."""
        self.seeking: str | None = None
        """A username the switch could not look up, searched for in the pages as they come."""
        self.looking_up: str | None = None
        """Filter text looked up on the switch as an exact id or username, on its way."""
        self.refused: dict[str, FaultError] = {}
        """Filter texts the switch found no account for, with what it said, so Enter need not ask again."""
        self.offset = 0
        """How many accounts the switch has listed so far: where the next page starts."""
        self._listed: list[PickerRow] = []
        self._listed_ids: set[int] = set()
        self._found: list[PickerRow] = []
        self._by_id: dict[int, Account] = {}
        self._before: list[PickerRow] = []
        """The rows shown when the list was restarted, shown on until its first page comes."""

    def restart(self) -> None:
        """Start again from the first page; the rows shown now stay, said to be from before, until it comes."""
        self._before = self._account_rows()
        self.generation += 1
        self.phase, self.fault, self.offset = Phase.LOADING, "", 0
        self.looking_up, self.refused = None, {}
        self._listed, self._listed_ids, self._found, self._by_id = [], set(), [], {}

    @property
    def stale(self) -> bool:
        """Whether the rows are from before a restart whose first page has not come."""
        return bool(self._before)

    def add_page(self, accounts: Sequence[Account], limit: int) -> list[PickerRow]:
        """Take the next page, asked for with ``limit``; return the rows it adds."""
        self._before = []
        added: list[PickerRow] = []
        for account in accounts:
            self.offset += 1
            i_account = _usable_id(account)
            if i_account is None or i_account in self._listed_ids:
                continue
            self._listed_ids.add(i_account)
            self._by_id[i_account] = account
            row = PickerRow.loaded(account, i_account)
            added.append(row)
            self._listed.append(row)
        self._found = [row for row in self._found if row.i_account not in self._listed_ids]
        if len(accounts) != limit or not added:
            self.phase = Phase.COMPLETE
        return added

    def add_found(self, account: Account) -> list[PickerRow]:
        """An account looked up by id or username: listed after the loaded ones until its page comes."""
        i_account = _usable_id(account)
        if i_account is None or i_account in self._by_id:
            return []
        self._by_id[i_account] = account
        row = PickerRow.loaded(account, i_account)
        self._found.append(row)
        return [row]

    def fail(self, error: object) -> None:
        """A page failed: loading stops, and the status line says why."""
        what = "Refresh" if self.stale else "Loading accounts"
        self.phase, self.fault, self.seeking = Phase.FAILED, f"{what} failed: {error}", None

    def _account_rows(self) -> list[PickerRow]:
        """The accounts' rows, each account once, in the order shown: those from before a restart
        while they show, then the listed ones, then those looked up (recent ones aside)."""
        seen: set[int] = set()
        rows: list[PickerRow] = []
        for row in (*self._before, *self._listed, *self._found):
            if row.i_account not in seen:
                seen.add(row.i_account)
                rows.append(row)
        return rows

    def rows(self) -> list[PickerRow]:
        """Every row, each account once: the recent ones first."""
        recent = [PickerRow.remembered(entry, self.find(entry.i_account)) for entry in self.recent]
        first = {row.i_account for row in recent}
        return [*recent, *(row for row in self._account_rows() if row.i_account not in first)]

    @property
    def count(self) -> int:
        """How many accounts the switch's pages listed (those from before a restart while they show)."""
        return len(self._before or self._listed)

    def find(self, key: int | str) -> Account | None:
        """A loaded account by id, or by exact username (one from before a restart while they show)."""
        if isinstance(key, int) and key in self._by_id:
            return self._by_id[key]
        known = (*self._by_id.values(), *(row.account for row in self._before if row.account is not None))
        field = "i_account" if isinstance(key, int) else "username"
        return next((account for account in known if getattr(account, field) == key), None)

    def knows(self, text: str) -> bool:
        """Whether a row's id or username is exactly ``text`` (a recent one counts: it opens by id)."""
        return any(text in (str(row.i_account), row.username) for row in self.rows())

    def summary(self, typed: str, shown: Sequence[PickerRow], retry: str) -> tuple[str, Tone]:
        """What the status line says about ``shown``, the rows the filter ``typed`` lets through.

        ``retry`` names the key that loads the list again from where the focus is.
        """
        if self.trouble:
            return self.trouble, Tone.FAULT
        if self.opening is not None:
            return f"Looking up account {self.opening}…", Tone.BUSY
        if typed and self.looking_up == typed:
            return f"Looking up {quoted(typed)} on the switch…", Tone.BUSY
        count, stale = self.count, self.stale
        if self.seeking is not None and self.phase is Phase.LOADING:
            return f"Looking for {quoted(self.seeking)} in the account list: {count:,} loaded…", Tone.BUSY
        listed = {row.i_account for row in self._before} if stale else self._listed_ids
        matched = sum(row.account is not None and row.i_account in listed for row in shown)
        found = sum(row.account is not None and row.i_account not in listed for row in shown)
        remembered = len(shown) - matched - found
        if stale:
            accounts, no_account = f"{counted(count, 'account')} from before", "No account from before"
        elif self.phase is Phase.COMPLETE:
            accounts, no_account = counted(count, "account"), "No account"
        else:
            accounts, no_account = counted(count, "loaded account"), "No loaded account"
        parts: list[str] = []
        if typed and matched:
            parts.append(f"{matched:,} of {accounts} match{'es' if matched == 1 else ''}")
        elif typed and not found:
            refusal = self.refused.get(typed)
            parts.append(f"The switch did not find {quoted(typed)}: {refusal}" if refusal
                         else f"{no_account} matches {quoted(typed)}")
        elif not typed and count:
            parts.append(accounts if stale else f"{counted(count, 'account')} loaded")
        elif not typed and self.phase is Phase.COMPLETE and not found:
            parts.append("This login has no accounts")
        if found:
            parts.append(f"{found:,} found on the switch")
        if remembered:
            parts.append(f"{remembered} ★ remembered")
        said = " · ".join(parts)
        if self.phase is Phase.FAILED:
            return " · ".join(part for part in (said, self.fault, f"{retry} tries again") if part), Tone.FAULT
        if self.phase is Phase.LOADING:
            if not count:
                return " · ".join(part for part in ("Loading accounts…", said) if part), Tone.BUSY
            if stale:
                return f"{said}, refreshing…", Tone.BUSY
            return f"{said}, loading more…", Tone.BUSY
        if self.phase is Phase.STOPPED:
            return f"{said or 'No accounts loaded'}; loading stopped · {retry} loads them all", Tone.PLAIN
        return said, Tone.PLAIN
