"""The simulator's data: customers, their accounts, the accounts' trunks and the trunks' connections.

SQLite keeps the simulator honest about the things a real switch enforces in
its database (unique trunk names per account, unique connection names per
trunk, LIKE matching, NULL distinct from empty) and lets a file-backed
simulator keep edits across restarts. Each table of records is built from
its ``model.Schema``: the 2020 trunks (``TRUNKS_2020``), the 2022+ trunks
(``versions.TRUNKS_2022``) and their connections (``versions.CONNECTIONS``),
so a member added to a schema appears in the simulator without touching
this file. One store holds both APIs' trunks; a server serves one of them.

Every method runs as one transaction under one lock: the HTTP server calls
in from many threads, and one shared connection keeps an in-memory database
shared between them. A long trunk list is read in batches, each its own
short transaction (``trunk_batches``), so that sending it holds no lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from trunktui.model import ACCOUNT_MEMBERS, TRUNKS_2020, Field, Kind, Schema
from trunktui.versions import CONNECTIONS, TRUNKS_2022, Api

_SQL_TYPES = {Kind.STRING: "TEXT", Kind.INTEGER: "INTEGER", Kind.DOUBLE: "REAL", Kind.BOOLEAN: "INTEGER"}

_CUSTOMER_COLUMNS = ("i_customer", "name", "login", "password")
ACCOUNT_COLUMNS = ACCOUNT_MEMBERS
_BOOLEAN_ACCOUNT_COLUMNS = frozenset(("blocked", "expired"))
_ACCOUNT_SELECT = "SELECT " + ", ".join(ACCOUNT_COLUMNS) + " FROM accounts"
FIRST_BATCH = 64
"""Trunks in the first batch of a list: few, so that its answer starts at once."""
LARGEST_BATCH = 4096
_OWNED_ACCOUNTS = "i_account IN (SELECT i_account FROM accounts WHERE i_customer = ?)"
ORDER = "order_no"
"""The member that places a connection in its trunk's list, 1 at the top; the store keeps it 1..n."""

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
    "CREATE TABLE IF NOT EXISTS about (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class StoreError(Exception):
    """A request the data refuses; the message is fit for a fault string."""


class DuplicateName(StoreError):
    """Another record of the same owner (a trunk's account, a connection's trunk) already has this name."""


class BadPattern(StoreError):
    """A LIKE pattern PostgreSQL would refuse."""


class _Table:
    """A table of records of one ``Schema``, each owned by a row of another table, names unique per owner.

    It holds the SQL that creates, reads and writes the table, all made from
    the schema's fields. ``owned`` is the condition (one ``?``: the
    customer) that a row belongs to that customer.
    """

    def __init__(self, name: str, schema: Schema, owner: str, owner_table: str, owned: str) -> None:
        self.name = name
        self.schema = schema
        self.key = schema.key
        self.owner = owner
        self.owner_table = owner_table
        self.owned = owned
        self.columns: tuple[str, ...] = tuple(f.name for f in schema.fields)
        self.key_column = self.columns.index(self.key)
        self.booleans = tuple(i for i, f in enumerate(schema.fields) if f.kind is Kind.BOOLEAN)
        self.select = "SELECT " + ", ".join(f'"{c}"' for c in self.columns) + f" FROM {name}"
        self.inserted = tuple(f for f in schema.fields if f.name != self.key)
        self.insert = (f"INSERT INTO {name} (" + ", ".join(f'"{f.name}"' for f in self.inserted)
                       + ") VALUES (" + ", ".join("?" * len(self.inserted)) + ")")
        self.updatable = frozenset(f.name for f in schema.fields if f.updatable)
        # Reads an owner's records in id order from any point without sorting, batch after batch.
        self.by_owner = f"{name}_by_{owner.removeprefix('i_')}"

    def ddl(self) -> list[str]:
        table = (f"CREATE TABLE IF NOT EXISTS {self.name} (" + ", ".join(self.column_ddl(f) for f in self.schema.fields)
                 + f", UNIQUE ({self.owner}, name))")
        return [table, f"CREATE INDEX IF NOT EXISTS {self.by_owner} ON {self.name} ({self.owner}, {self.key})"]

    def column_ddl(self, spec: Field) -> str:
        if spec.name == self.key:
            return f'"{spec.name}" INTEGER PRIMARY KEY AUTOINCREMENT'  # a real switch never reuses an id
        ddl = f'"{spec.name}" {_SQL_TYPES[spec.kind]}'
        if spec.name == self.owner:
            return ddl + f" NOT NULL REFERENCES {self.owner_table}({self.owner}) ON DELETE CASCADE"
        if not spec.nullable:
            ddl += f" NOT NULL DEFAULT {_sql_literal(spec.default)}"
        return ddl

    def row(self, values: tuple[Any, ...]) -> dict[str, Any]:
        record = dict(zip(self.columns, values, strict=True))
        for index in self.booleans:
            name = self.columns[index]
            record[name] = bool(record[name])
        return record

    def values(self, record: Mapping[str, Any]) -> tuple[Any, ...]:
        """What ``insert`` takes for a record; members not given take the field's default."""
        return tuple(record.get(f.name, f.default) for f in self.inserted)

    def matching(self, owner: int, name_pattern: str | None, case_insensitive: bool) -> tuple[str, list[Any]]:
        """The WHERE clause, and its arguments, of an owner's records whose name matches ``name_pattern``."""
        where = f" WHERE {self.owner} = ?"
        args: list[Any] = [owner]
        if name_pattern is not None:
            check_like_pattern(name_pattern)
            name = "casefold(name) LIKE casefold(?)" if case_insensitive else "name LIKE ?"
            where += f" AND {name} ESCAPE '\\'"
            args.append(name_pattern)
        return where, args


_TRUNKS = {
    Api.V2020: _Table("trunks", TRUNKS_2020, "i_account", "accounts", _OWNED_ACCOUNTS),
    Api.V2022: _Table("trunks_2022", TRUNKS_2022, "i_account", "accounts", _OWNED_ACCOUNTS),
}
_CONNECTIONS = _Table("trunk_connections", CONNECTIONS, "i_trunk", "trunks_2022",
                      f"i_trunk IN (SELECT i_trunk FROM trunks_2022 WHERE {_OWNED_ACCOUNTS})")
_TABLES = (*_TRUNKS.values(), _CONNECTIONS)
_ORDER_DDL = (f"CREATE UNIQUE INDEX IF NOT EXISTS {_CONNECTIONS.name}_order "
              f"ON {_CONNECTIONS.name} (i_trunk, {ORDER})")


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
    """Customers, accounts, trunks and connections in SQLite; ``path=None`` keeps them in memory.

    Tables are created only when absent, and a file written before a member
    was added to a schema gains that column when opened, so a ``--db`` file
    outlives changes to the model. Seeding is left to the caller.

    A trunk method takes the ``api`` whose trunks it acts on. A connection's
    ``order_no`` is the store's to keep: within a trunk the places are always
    1 to n, each held once, whatever is created, moved or deleted.
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
            for table in _TABLES:
                for statement in table.ddl():
                    db.execute(statement)
                known = {row[1] for row in db.execute(f"PRAGMA table_info({table.name})")}
                for spec in table.schema.fields:
                    if spec.name not in known:
                        db.execute(f"ALTER TABLE {table.name} ADD COLUMN {table.column_ddl(spec)}")
            db.execute(_ORDER_DDL)

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

    def made_for(self, api: Api) -> Api | None:
        """The API these data were made for, recorded as ``api`` if they are new; None if the record is unreadable.

        Data written before the record existed held only 2020 trunks.
        """
        with self._transaction() as db:
            row = db.execute("SELECT value FROM about WHERE key = 'api'").fetchone()
            if row is not None:
                return next((known for known in Api if known.value == row[0]), None)
            made = api if db.execute("SELECT 1 FROM customers LIMIT 1").fetchone() is None else Api.V2020
            db.execute("INSERT INTO about (key, value) VALUES ('api', ?)", (made.value,))
            return made

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
        self, i_account: int, name_pattern: str | None = None, *, case_insensitive: bool = False,
        api: Api = Api.V2020,
    ) -> list[dict[str, Any]]:
        """The account's trunks whose name matches ``name_pattern`` (SQL LIKE), in i_trunk order, read at once."""
        table = _TRUNKS[api]
        where, args = table.matching(i_account, name_pattern, case_insensitive)
        with self._transaction() as db:
            rows = db.execute(table.select + where + " ORDER BY i_trunk", args).fetchall()
        return [table.row(row) for row in rows]

    def trunk_batches(
        self, i_account: int, name_pattern: str | None = None, *, case_insensitive: bool = False,
        api: Api = Api.V2020,
    ) -> Iterator[list[dict[str, Any]]]:
        """The trunks ``list_trunks`` returns, read a batch at a time as the caller asks for them.

        A bad pattern is refused now, not at the first batch. Batches grow
        from ``FIRST_BATCH`` to ``LARGEST_BATCH`` trunks; each is read in a
        transaction of its own, from the i_trunk after the last one read, so
        a change made while the list is read shows in the batches still to
        come, and no trunk comes twice.
        """
        table = _TRUNKS[api]
        where, args = table.matching(i_account, name_pattern, case_insensitive)
        query = (table.select + f" INDEXED BY {table.by_owner}" + where
                 + " AND i_trunk > ? ORDER BY i_trunk LIMIT ?")
        return self._batches(table, query, args)

    def _batches(self, table: _Table, query: str, args: list[Any]) -> Iterator[list[dict[str, Any]]]:
        after, size = 0, FIRST_BATCH
        while True:
            with self._transaction() as db:
                rows = db.execute(query, (*args, after, size)).fetchall()
            if rows:
                yield [table.row(row) for row in rows]
            if len(rows) < size:
                return
            after, size = rows[-1][table.key_column], min(size * 4, LARGEST_BATCH)

    def trunk_names(self, i_account: int, *, api: Api = Api.V2020) -> set[str]:
        with self._transaction() as db:
            return {row[0] for row in db.execute(f"SELECT name FROM {_TRUNKS[api].name} WHERE i_account = ?",
                                                 (i_account,))}

    def get_trunk(self, i_customer: int, i_trunk: int, *, api: Api = Api.V2020) -> dict[str, Any] | None:
        """The trunk if it belongs to one of the customer's accounts, else None."""
        with self._transaction() as db:
            return _owned(db, _TRUNKS[api], i_customer, i_trunk)

    def create_trunk(self, values: Mapping[str, Any], *, api: Api = Api.V2020) -> int:
        """Insert one trunk; members not given take the field's default."""
        return self.insert_trunks([values], api=api)[0]

    def insert_trunks(self, rows: Iterable[Mapping[str, Any]], *, api: Api = Api.V2020) -> list[int]:
        """Insert many trunks in one transaction and return their ids, in order."""
        table = _TRUNKS[api]
        values = [table.values(row) for row in rows]
        with self._transaction() as db, _integrity(table):
            return [_new_id(db.execute(table.insert, row)) for row in values]

    def insert_trunks_with_connections(
        self, rows: Iterable[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]]
    ) -> list[int]:
        """Insert many 2022+ trunks, each with its connections placed 1 to n as given, in one transaction;
        return the trunks' ids, in order. A connection's ``i_trunk`` and ``order_no`` are set here."""
        trunks, connections = _TRUNKS[Api.V2022], _CONNECTIONS
        made: list[int] = []
        with self._transaction() as db, _integrity(connections):
            for trunk, its_connections in rows:
                i_trunk = _new_id(db.execute(trunks.insert, trunks.values(trunk)))
                made.append(i_trunk)
                db.executemany(connections.insert, [
                    connections.values({**connection, "i_trunk": i_trunk, ORDER: place})
                    for place, connection in enumerate(its_connections, start=1)
                ])
        return made

    def update_trunk(
        self, i_customer: int, i_trunk: int, changes: Mapping[str, Any], *, api: Api = Api.V2020
    ) -> bool:
        """Apply ``changes``; False if the customer has no such trunk."""
        table = _TRUNKS[api]
        _refuse_fixed(table, changes)
        with self._transaction() as db:
            if _owned(db, table, i_customer, i_trunk) is None:
                return False
            _assign(db, table, i_trunk, changes)
            return True

    def delete_trunk(self, i_customer: int, i_trunk: int, *, api: Api = Api.V2020) -> bool:
        """Delete the trunk, and on a 2022+ trunk its connections; False if the customer has no such trunk."""
        table = _TRUNKS[api]
        with self._transaction() as db:
            cursor = db.execute(f"DELETE FROM {table.name} WHERE i_trunk = ? AND {table.owned}", (i_trunk, i_customer))
            return cursor.rowcount > 0

    def list_connections(
        self, i_customer: int, i_trunk: int, name_pattern: str | None = None, *, case_insensitive: bool = False
    ) -> list[dict[str, Any]] | None:
        """The 2022+ trunk's connections whose name matches ``name_pattern`` (SQL LIKE), top to bottom;
        None if the customer has no such trunk."""
        where, args = _CONNECTIONS.matching(i_trunk, name_pattern, case_insensitive)
        with self._transaction() as db:
            if _owned(db, _TRUNKS[Api.V2022], i_customer, i_trunk) is None:
                return None
            rows = db.execute(_CONNECTIONS.select + where + f" ORDER BY {ORDER}", args).fetchall()
        return [_CONNECTIONS.row(row) for row in rows]

    def get_connection(self, i_customer: int, i_trunk_connection: int) -> dict[str, Any] | None:
        """The connection if its trunk belongs to one of the customer's accounts, else None."""
        with self._transaction() as db:
            return _owned(db, _CONNECTIONS, i_customer, i_trunk_connection)

    def create_connection(self, i_customer: int, values: Mapping[str, Any]) -> int | None:
        """Insert a connection into its trunk (``values["i_trunk"]``) at the place ``order_no`` asks for (a
        number, "first" or "last"; last when absent or past the end), moving the ones from there down;
        return its id, or None if the customer has no such trunk."""
        i_trunk = values["i_trunk"]
        with self._transaction() as db, _integrity(_CONNECTIONS):
            if _owned(db, _TRUNKS[Api.V2022], i_customer, i_trunk) is None:
                return None
            count = _count(db, i_trunk)
            place = _place(values.get(ORDER, "last"), None, count)
            _shift(db, i_trunk, place, count, 1)
            return _new_id(db.execute(_CONNECTIONS.insert, _CONNECTIONS.values({**values, ORDER: place})))

    def update_connection(self, i_customer: int, i_trunk_connection: int, changes: Mapping[str, Any]) -> bool:
        """Apply ``changes``, a move among them (``order_no``: a number, "first", "last", "up" or "down"; one
        that cannot go further stays put); False if the customer has no such connection."""
        _refuse_fixed(_CONNECTIONS, changes)
        members = {name: value for name, value in changes.items() if name != ORDER}
        with self._transaction() as db:
            connection = _owned(db, _CONNECTIONS, i_customer, i_trunk_connection)
            if connection is None:
                return False
            _assign(db, _CONNECTIONS, i_trunk_connection, members)
            if ORDER in changes:
                i_trunk, now = connection["i_trunk"], connection[ORDER]
                place = _place(changes[ORDER], now, _count(db, i_trunk))
                if place != now:
                    _set_place(db, i_trunk_connection, 0)
                    if place < now:
                        _shift(db, i_trunk, place, now - 1, 1)
                    else:
                        _shift(db, i_trunk, now + 1, place, -1)
                    _set_place(db, i_trunk_connection, place)
            return True

    def delete_connection(self, i_customer: int, i_trunk_connection: int) -> bool:
        """Delete the connection and close the gap it leaves; False if the customer has no such connection."""
        with self._transaction() as db:
            connection = _owned(db, _CONNECTIONS, i_customer, i_trunk_connection)
            if connection is None:
                return False
            db.execute(f"DELETE FROM {_CONNECTIONS.name} WHERE i_trunk_connection = ?", (i_trunk_connection,))
            i_trunk = connection["i_trunk"]
            _shift(db, i_trunk, connection[ORDER] + 1, _count(db, i_trunk) + 1, -1)
            return True


def _owned(db: sqlite3.Connection, table: _Table, i_customer: int, key: int) -> dict[str, Any] | None:
    row = db.execute(table.select + f" WHERE {table.key} = ? AND {table.owned}", (key, i_customer)).fetchone()
    return None if row is None else table.row(row)


def _refuse_fixed(table: _Table, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - table.updatable
    if unknown:
        raise StoreError(f"not updatable: {', '.join(sorted(unknown))}")


def _assign(db: sqlite3.Connection, table: _Table, key: int, changes: Mapping[str, Any]) -> None:
    if changes:
        assignments = ", ".join(f'"{name}" = ?' for name in changes)
        with _integrity(table):
            db.execute(f"UPDATE {table.name} SET {assignments} WHERE {table.key} = ?", (*changes.values(), key))


def _count(db: sqlite3.Connection, i_trunk: int) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {_CONNECTIONS.name} WHERE i_trunk = ?", (i_trunk,)).fetchone()[0])


def _place(wanted: Any, now: int | None, count: int) -> int:
    """The place ``wanted`` means for a connection at ``now`` (None: a new one) among ``count``."""
    last = count + 1 if now is None else count
    if wanted == "first":
        return 1
    if wanted == "last":
        return last
    if wanted == "up":
        return max((now or last) - 1, 1)
    if wanted == "down":
        return min((now or last) + 1, last)
    return min(max(int(wanted), 1), last)


def _shift(db: sqlite3.Connection, i_trunk: int, low: int, high: int, by: int) -> None:
    """Move the trunk's connections at places ``low`` to ``high`` by ``by`` places.

    In two steps, through negative places, so that no place is held twice
    on the way: SQLite checks the unique index row by row.
    """
    table = _CONNECTIONS.name
    db.execute(f"UPDATE {table} SET {ORDER} = -({ORDER} + ?) WHERE i_trunk = ? AND {ORDER} BETWEEN ? AND ?",
               (by, i_trunk, low, high))
    db.execute(f"UPDATE {table} SET {ORDER} = -{ORDER} WHERE i_trunk = ? AND {ORDER} < 0", (i_trunk,))


def _set_place(db: sqlite3.Connection, i_trunk_connection: int, place: int) -> None:
    db.execute(f"UPDATE {_CONNECTIONS.name} SET {ORDER} = ? WHERE i_trunk_connection = ?",
               (place, i_trunk_connection))


def _new_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added (SQLite sets ``lastrowid`` on every successful INSERT)."""
    return int(cursor.lastrowid or 0)


@contextmanager
def _integrity(table: _Table) -> Iterator[None]:
    """SQLite's refusal of a write as a ``StoreError``: ``DuplicateName`` for a name the owner already has."""
    try:
        yield
    except sqlite3.IntegrityError as error:
        if f"{table.name}.name" in str(error):
            owner = "account" if table.owner == "i_account" else "trunk"
            raise DuplicateName(f"{table.schema.noun} name already used in this {owner}") from None
        raise StoreError(str(error)) from None


def _account(row: tuple[Any, ...]) -> dict[str, Any]:
    account = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
    for name in _BOOLEAN_ACCOUNT_COLUMNS:
        account[name] = bool(account[name])
    return account
