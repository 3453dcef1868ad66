"""What the account picker knows: the accounts loaded so far, and what its list and status line say.

The rows, the count and the status line are all worked out from this one
object, so they cannot disagree: a refresh that fails cannot leave the old
rows on screen under a count of none, nor a count of accounts that are not
listed. Nothing here imports Textual; the screen shows what this says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any

from trunktui.model import Account
from trunktui.text import counted, printable, quoted
from trunktui.tui.recent import RecentAccount


class Phase(Enum):
    """Where loading the pages of ``listAccounts`` stands."""

    LOADING = auto()
    """A page is on its way, and more may follow."""
    COMPLETE = auto()
    """A short page came: every account is loaded."""
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


def _shown(value: Any) -> str | None:
    """A server value as the picker shows it: None stays NULL, anything else becomes safe text."""
    return None if value is None else printable(value)


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
        return cls(False, i_account, _shown(account.username), _shown(account.description), account)

    @classmethod
    def remembered(cls, entry: RecentAccount, account: Account | None) -> PickerRow:
        if account is None:
            return cls(True, entry.i_account, entry.username, entry.description, None)
        return cls(True, entry.i_account, _shown(account.username), _shown(account.description), account)

    def matches(self, wanted: str) -> bool:
        """Whether casefolded ``wanted`` is part of the id, username or description."""
        return wanted in self.folded


def _accounts(count: int, loaded: bool = False) -> str:
    return counted(count, "loaded account" if loaded else "account")


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
        self.offset = 0
        """How many accounts the switch has listed so far: where the next page starts."""
        self._listed: list[PickerRow] = []
        self._found: list[PickerRow] = []
        self._by_id: dict[int, Account] = {}

    def restart(self) -> None:
        """Forget every loaded account and start again from the first page."""
        self.generation += 1
        self.phase, self.fault, self.offset = Phase.LOADING, "", 0
        self._listed, self._found, self._by_id = [], [], {}

    def add_page(self, accounts: Iterable[Account], complete: bool) -> list[PickerRow]:
        """Take the next page (``complete`` if it is the last); return the rows it adds."""
        added: list[PickerRow] = []
        for account in accounts:
            self.offset += 1
            i_account = self._learn(account)
            if i_account is not None:
                row = PickerRow.loaded(account, i_account)
                added.append(row)
                self._listed.append(row)
        listed = {row.i_account for row in added}
        self._found = [row for row in self._found if row.i_account not in listed]
        if complete:
            self.phase = Phase.COMPLETE
        return added

    def add_found(self, account: Account) -> list[PickerRow]:
        """An account looked up by id or username: listed after the loaded ones until its page comes."""
        i_account = self._learn(account)
        if i_account is None:
            return []
        row = PickerRow.loaded(account, i_account)
        self._found.append(row)
        return [row]

    def _learn(self, account: Account) -> int | None:
        """Remember ``account`` by its id; None if it has no usable id or is already known."""
        i_account = account.i_account
        if isinstance(i_account, bool) or not isinstance(i_account, int) or i_account in self._by_id:
            return None
        self._by_id[i_account] = account
        return i_account

    def rows(self) -> list[PickerRow]:
        """Every row, each account once: the recent ones first."""
        recent = [PickerRow.remembered(entry, self._by_id.get(entry.i_account)) for entry in self.recent]
        first = {row.i_account for row in recent}
        return [*recent, *(row for row in (*self._listed, *self._found) if row.i_account not in first)]

    @property
    def count(self) -> int:
        """How many accounts are loaded (listed or looked up)."""
        return len(self._by_id)

    def find(self, key: int | str) -> Account | None:
        """A loaded account by id, or by exact username."""
        if isinstance(key, int):
            return self._by_id.get(key)
        return next((account for account in self._by_id.values() if account.username == key), None)

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
        count, complete = self.count, self.phase is Phase.COMPLETE
        if self.seeking is not None and self.phase is Phase.LOADING:
            return f"Looking for {quoted(self.seeking)} in the account list: {count:,} loaded…", Tone.BUSY
        matched = sum(row.account is not None for row in shown)
        remembered = f"{len(shown) - matched} ★ remembered" if len(shown) > matched else ""
        if typed and matched:
            said = f"{matched:,} of {_accounts(count, loaded=not complete)} match{'es' if matched == 1 else ''}"
        elif typed:
            said = f"No {'loaded ' if not complete else ''}account matches {quoted(typed)}"
        elif count:
            said = f"{_accounts(count)} loaded"
        else:
            said = "This login has no accounts" if complete else ""
        said = " · ".join(part for part in (said, remembered) if part)
        if self.phase is Phase.FAILED:
            return " · ".join(part for part in (said, self.fault, f"{retry} tries again") if part), Tone.FAULT
        if self.phase is Phase.LOADING:
            if not count:
                return " · ".join(part for part in ("Loading accounts…", said) if part), Tone.BUSY
            return f"{said}, loading more…", Tone.BUSY
        if self.phase is Phase.STOPPED:
            return f"{said or 'No accounts loaded'}; loading stopped · {retry} loads them all", Tone.PLAIN
        return said, Tone.PLAIN
