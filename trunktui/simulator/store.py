"""The simulator's data: customers, their accounts and the accounts' trunks.

SQLite keeps the simulator honest about the things a real switch enforces in
its database (unique trunk names per account, LIKE matching, NULL distinct
from empty) and lets a file-backed simulator keep edits across restarts.
The trunks table is built from ``model.TRUNK_FIELDS``, so a member added to
the model appears in the simulator without touching this file.

Every method runs as one transaction under one lock: the HTTP server calls
in from many threads, and one shared connection keeps an in-memory database
shared between them. A long trunk list is read in batches, each its own
short transaction (``trunk_batches``), so that sending it holds no lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from trunktui.model import ACCOUNT_MEMBERS, TRUNK_FIELDS, Field, Kind

_SQL_TYPES = {Kind.STRING: "TEXT", Kind.INTEGER: "INTEGER", Kind.DOUBLE: "REAL", Kind.BOOLEAN: "INTEGER"}

TRUNK_COLUMNS: tuple[str, ...] = tuple(f.name for f in TRUNK_FIELDS)
_CUSTOMER_COLUMNS = ("i_customer", "name", "login", "password")
ACCOUNT_COLUMNS = ACCOUNT_MEMBERS
_I_TRUNK_COLUMN = TRUNK_COLUMNS.index("i_trunk")
_BOOLEAN_TRUNK_COLUMNS = frozenset(f.name for f in TRUNK_FIELDS if f.kind is Kind.BOOLEAN)
_BOOLEAN_ACCOUNT_COLUMNS = frozenset(("blocked", "expired"))
_TRUNK_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in TRUNK_COLUMNS) + " FROM trunks"
_ACCOUNT_SELECT = "SELECT " + ", ".join(ACCOUNT_COLUMNS) + " FROM accounts"
_INSERTED = tuple(f for f in TRUNK_FIELDS if f.name != "i_trunk")
_UPDATABLE = frozenset(f.name for f in TRUNK_FIELDS if f.updatable)
_TRUNK_INSERT = (
    "INSERT INTO trunks (" + ", ".join(f'"{f.name}"' for f in _INSERTED) + ") VALUES ("
    + ", ".join("?" * len(_INSERTED)) + ")"
)
# Reads an account's trunks in i_trunk order from any point without sorting, batch after batch.
_ACCOUNT_ORDER = "trunks_by_account"
_ACCOUNT_ORDER_DDL = f"CREATE INDEX IF NOT EXISTS {_ACCOUNT_ORDER} ON trunks (i_account, i_trunk)"
FIRST_BATCH = 64
"""Trunks in the first batch of a list: few, so that its answer starts at once."""
LARGEST_BATCH = 4096
_OWNED_ACCOUNTS = "i_account IN (SELECT i_account FROM accounts WHERE i_customer = ?)"

_FIXED_DDL = (
    """CREATE TABLE IF NOT EXISTS customers (
    i_customer INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    login TEXT NOT NULL UNIQUE,
    password TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS accounts (
    i_account INTEGER PRIMARY KEY,
    i_customer INTEGER NOT NULL REFERENCES customers(i_customer),
    username TEXT NOT NULL UNIQUE,
    description TEXT DEFAULT '',
    blocked INTEGER NOT NULL DEFAULT 0,
    expired INTEGER NOT NULL DEFAULT 0,
    balance REAL NOT NULL DEFAULT 0,
    credit_limit REAL,
    base_currency TEXT NOT NULL DEFAULT 'USD'
)""",
)


class StoreError(Exception):
    """A request the data refuses; the message is fit for a fault string."""


class DuplicateName(StoreError):
    """Another trunk of the same account already has this name."""


class BadPattern(StoreError):
    """A LIKE pattern PostgreSQL would refuse."""


def _column_ddl(spec: Field) -> str:
    if spec.name == "i_trunk":
        return '"i_trunk" INTEGER PRIMARY KEY AUTOINCREMENT'  # a real switch never reuses an id
    ddl = f'"{spec.name}" {_SQL_TYPES[spec.kind]}'
    if spec.name == "i_account":
        return ddl + " NOT NULL REFERENCES accounts(i_account)"
    if not spec.nullable:
        ddl += f" NOT NULL DEFAULT {_sql_literal(spec.default)}"
    return ddl


def _sql_literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(int(value)) if isinstance(value, bool) else repr(value)


def check_like_pattern(pattern: str) -> None:
    """Refuse a pattern ending in a lone backslash, as PostgreSQL does."""
    escaped = False
    for char in pattern:
        escaped = not escaped and char == "\\"
    if escaped:
        raise BadPattern("LIKE pattern must not end with escape character")


class Store:
    """Customers, accounts and trunks in SQLite; ``path=None`` keeps them in memory.

    Tables are created only when absent, and a file written before a member
    was added to the model gains that column when opened, so a ``--db`` file
    outlives changes to the model. Seeding is left to the caller.
    """

    def __init__(self, path: str | None = None) -> None:
        """A file at ``path`` holds the logins' passwords, so it is made (or kept) private: mode 0600.

        SQLite gives its journal files the database file's mode.
        """
        self.path = path
        self._lock = threading.Lock()
        if path:
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(path, 0o600)
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self._db.create_function("casefold", 1, lambda s: None if s is None else s.casefold(), deterministic=True)
        self._db.execute("PRAGMA case_sensitive_like = ON")
        self._db.execute("PRAGMA foreign_keys = ON")
        if path:
            self._db.execute("PRAGMA journal_mode = WAL")
        with self._transaction() as db:
            for statement in _FIXED_DDL:
                db.execute(statement)
            db.execute(
                "CREATE TABLE IF NOT EXISTS trunks ("
                + ", ".join(_column_ddl(f) for f in TRUNK_FIELDS)
                + ", UNIQUE (i_account, name))"
            )
            known = {row[1] for row in db.execute("PRAGMA table_info(trunks)")}
            for spec in TRUNK_FIELDS:
                if spec.name not in known:
                    db.execute(f"ALTER TABLE trunks ADD COLUMN {_column_ddl(spec)}")
            db.execute(_ACCOUNT_ORDER_DDL)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def is_empty(self) -> bool:
        """True when no customer exists yet, so the caller may seed."""
        with self._transaction() as db:
            return db.execute("SELECT 1 FROM customers LIMIT 1").fetchone() is None

    def add_customer(self, name: str, login: str, password: str) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO customers (name, login, password) VALUES (?, ?, ?)", (name, login, password)
            )
            return _new_id(cursor)

    def customers(self) -> list[dict[str, Any]]:
        with self._transaction() as db:
            rows = db.execute("SELECT i_customer, name, login, password FROM customers ORDER BY i_customer").fetchall()
        return [dict(zip(_CUSTOMER_COLUMNS, row, strict=True)) for row in rows]

    def customer_by_login(self, login: str) -> dict[str, Any] | None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT i_customer, name, login, password FROM customers WHERE login = ?", (login,)
            ).fetchone()
        return None if row is None else dict(zip(_CUSTOMER_COLUMNS, row, strict=True))

    def customer_exists(self, i_customer: int) -> bool:
        with self._transaction() as db:
            return db.execute("SELECT 1 FROM customers WHERE i_customer = ?", (i_customer,)).fetchone() is not None

    def add_account(
        self,
        i_customer: int,
        username: str,
        *,
        description: str | None = "",
        blocked: bool = False,
        expired: bool = False,
        balance: float = 0.0,
        credit_limit: float | None = None,
        base_currency: str = "USD",
    ) -> int:
        """Add an account; its ``description`` may be None (NULL), as on some switches."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO accounts (i_customer, username, description, blocked, expired, balance,"
                " credit_limit, base_currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (i_customer, username, description, blocked, expired, balance, credit_limit, base_currency),
            )
            return _new_id(cursor)

    def list_accounts(self, i_customer: int, offset: int, limit: int) -> list[dict[str, Any]]:
        with self._transaction() as db:
            rows = db.execute(
                _ACCOUNT_SELECT + " WHERE i_customer = ? ORDER BY i_account LIMIT ? OFFSET ?",
                (i_customer, limit, offset),
            ).fetchall()
        return [_account(row) for row in rows]

    def get_account(
        self, i_customer: int, *, i_account: int | None = None, username: str | None = None
    ) -> dict[str, Any] | None:
        """One of the customer's accounts by id or username; None if not theirs or absent."""
        column, key = ("i_account", i_account) if username is None else ("username", username)
        with self._transaction() as db:
            row = db.execute(
                _ACCOUNT_SELECT + f" WHERE i_customer = ? AND {column} = ?", (i_customer, key)
            ).fetchone()
        return None if row is None else _account(row)

    def list_trunks(
        self, i_account: int, name_pattern: str | None = None, *, case_insensitive: bool = False
    ) -> list[dict[str, Any]]:
        """The account's trunks whose name matches ``name_pattern`` (SQL LIKE), in i_trunk order, read at once."""
        where, args = _trunk_filter(i_account, name_pattern, case_insensitive)
        with self._transaction() as db:
            rows = db.execute(_TRUNK_SELECT + where + " ORDER BY i_trunk", args).fetchall()
        return [_trunk(row) for row in rows]

    def trunk_batches(
        self, i_account: int, name_pattern: str | None = None, *, case_insensitive: bool = False
    ) -> Iterator[list[dict[str, Any]]]:
        """The trunks ``list_trunks`` returns, read a batch at a time as the caller asks for them.

        A bad pattern is refused now, not at the first batch. Batches grow
        from ``FIRST_BATCH`` to ``LARGEST_BATCH`` trunks; each is read in a
        transaction of its own, from the i_trunk after the last one read, so
        a change made while the list is read shows in the batches still to
        come, and no trunk comes twice.
        """
        where, args = _trunk_filter(i_account, name_pattern, case_insensitive)
        query = (_TRUNK_SELECT + f" INDEXED BY {_ACCOUNT_ORDER}" + where
                 + " AND i_trunk > ? ORDER BY i_trunk LIMIT ?")
        return self._batches(query, args)

    def _batches(self, query: str, args: list[Any]) -> Iterator[list[dict[str, Any]]]:
        after, size = 0, FIRST_BATCH
        while True:
            with self._transaction() as db:
                rows = db.execute(query, (*args, after, size)).fetchall()
            if rows:
                yield [_trunk(row) for row in rows]
            if len(rows) < size:
                return
            after, size = rows[-1][_I_TRUNK_COLUMN], min(size * 4, LARGEST_BATCH)

    def trunk_names(self, i_account: int) -> set[str]:
        with self._transaction() as db:
            return {row[0] for row in db.execute("SELECT name FROM trunks WHERE i_account = ?", (i_account,))}

    def get_trunk(self, i_customer: int, i_trunk: int) -> dict[str, Any] | None:
        """The trunk if it belongs to one of the customer's accounts, else None."""
        with self._transaction() as db:
            row = db.execute(
                _TRUNK_SELECT + f" WHERE i_trunk = ? AND {_OWNED_ACCOUNTS}", (i_trunk, i_customer)
            ).fetchone()
        return None if row is None else _trunk(row)

    def create_trunk(self, values: Mapping[str, Any]) -> int:
        """Insert one trunk; members not given take the field's default."""
        return self.insert_trunks([values])[0]

    def insert_trunks(self, rows: Iterable[Mapping[str, Any]]) -> list[int]:
        """Insert many trunks in one transaction and return their ids, in order."""
        values = [tuple(row.get(s.name, s.default) for s in _INSERTED) for row in rows]
        with self._transaction() as db:
            try:
                return [_new_id(db.execute(_TRUNK_INSERT, row)) for row in values]
            except sqlite3.IntegrityError as error:
                raise _integrity(error) from None

    def update_trunk(self, i_customer: int, i_trunk: int, changes: Mapping[str, Any]) -> bool:
        """Apply ``changes``; False if the customer has no such trunk."""
        unknown = set(changes) - set(_UPDATABLE)
        if unknown:
            raise StoreError(f"not updatable: {', '.join(sorted(unknown))}")
        with self._transaction() as db:
            if db.execute(f"SELECT 1 FROM trunks WHERE i_trunk = ? AND {_OWNED_ACCOUNTS}",
                          (i_trunk, i_customer)).fetchone() is None:
                return False
            if changes:
                assignments = ", ".join(f'"{name}" = ?' for name in changes)
                try:
                    db.execute(f"UPDATE trunks SET {assignments} WHERE i_trunk = ?", (*changes.values(), i_trunk))
                except sqlite3.IntegrityError as error:
                    raise _integrity(error) from None
            return True

    def delete_trunk(self, i_customer: int, i_trunk: int) -> bool:
        with self._transaction() as db:
            cursor = db.execute(f"DELETE FROM trunks WHERE i_trunk = ? AND {_OWNED_ACCOUNTS}", (i_trunk, i_customer))
            return cursor.rowcount > 0


def _trunk_filter(i_account: int, name_pattern: str | None, case_insensitive: bool) -> tuple[str, list[Any]]:
    """The WHERE clause, and its arguments, of an account's trunks whose name matches ``name_pattern``."""
    where = " WHERE i_account = ?"
    args: list[Any] = [i_account]
    if name_pattern is not None:
        check_like_pattern(name_pattern)
        name = "casefold(name) LIKE casefold(?)" if case_insensitive else "name LIKE ?"
        where += f" AND {name} ESCAPE '\\'"
        args.append(name_pattern)
    return where, args


def _new_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added (SQLite sets ``lastrowid`` on every successful INSERT)."""
    return int(cursor.lastrowid or 0)


def _integrity(error: sqlite3.IntegrityError) -> StoreError:
    if "UNIQUE" in str(error):
        return DuplicateName("trunk name already used in this account")
    return StoreError(str(error))


def _account(row: tuple[Any, ...]) -> dict[str, Any]:
    account = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
    for name in _BOOLEAN_ACCOUNT_COLUMNS:
        account[name] = bool(account[name])
    return account


def _trunk(row: tuple[Any, ...]) -> dict[str, Any]:
    trunk = dict(zip(TRUNK_COLUMNS, row, strict=True))
    for name in _BOOLEAN_TRUNK_COLUMNS:
        trunk[name] = bool(trunk[name])
    return trunk
