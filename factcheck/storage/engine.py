"""The two database engines behind one small interface, :class:`Database`.

- **SQLite** (a file path: the embedded default): :class:`SQLiteDatabase`, a
  :class:`sqlite_utils.Database` on one connection (WAL, foreign keys on).
- **PostgreSQL** (a ``postgresql://`` URL: the team server): :class:`PostgresDatabase`, one
  connection borrowed from a :class:`psycopg_pool.ConnectionPool` (one pool per URL and
  process), returned by :meth:`~PostgresDatabase.close`.

The storage modules write one SQL dialect, the portable subset of both engines: ``?`` and
``:name`` parameters, ``INSERT ... ON CONFLICT``, ``RETURNING id`` for new ids, ``lower()`` for
case-insensitive names, TRUE/FALSE, integers 0/1 for flags, explicit NULLS FIRST/LAST where a
sort meets NULLs. :func:`postgres_sql` turns it into PostgreSQL's: parameters become ``%s`` /
``%(name)s`` and four SQLite functions get their PostgreSQL equivalent (``group_concat`` with
a separator, ``group_concat(DISTINCT x)``, the ``json_each(?)`` id list, ``json_extract(x,
'$.key')``). Errors from either engine arrive as :class:`factcheck.errors.IntegrityError`
(a broken unique key, check, foreign key or the append-only log) or
:class:`~factcheck.errors.DatabaseError`; callers never import sqlite3 or psycopg.

Transactions: outside ``atomic()`` every statement commits on its own (both engines);
``atomic()`` blocks nest as savepoints; ``write_transaction()`` is ``atomic()`` that on SQLite
begins IMMEDIATE (the write lock first). On PostgreSQL (READ COMMITTED) concurrent writers of
one claim are ordered by the compare-and-set ``UPDATE claims ... WHERE version = ?`` that
every review write starts with: the second waits for the first's row lock, then matches no
row and gets a :class:`~factcheck.errors.ConflictError`; no update is lost.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
import zlib
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

import sqlite_utils

from factcheck.errors import DatabaseError, IntegrityError
from factcheck.vocab import is_db_url as is_url

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
POOL_SIZE = 10  # connections per PostgreSQL URL and process
POOL_TIMEOUT = 30.0  # seconds to wait for a free connection
CONNECT_TIMEOUT = 10  # seconds to reach the server


class Cursor(Protocol):
    """What :meth:`Database.execute` returns: rows as tuples."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...

    def fetchmany(self, size: int = ...) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """The interface the storage modules use; both engines implement it."""

    engine: str  # SQLITE or POSTGRESQL
    location: str  # the file path, or the URL without its password

    def execute(self, sql: str, parameters: Any = None) -> Cursor:
        """Run one statement; its :class:`Cursor`."""

    def query(self, sql: str, params: Any = None) -> Iterator[dict]:
        """Run a SELECT (or ``... RETURNING``); its rows as dicts."""

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> int:
        """Run one statement per row; the number of rows changed."""

    def atomic(self) -> AbstractContextManager[Any]:
        """A transaction (a savepoint inside one): commits on success, rolls back on error."""

    def write_transaction(self) -> AbstractContextManager[Any]:
        """A transaction that writes: see the module docstring."""

    @property
    def in_transaction(self) -> bool: ...

    def serialize(self, name: str) -> None:
        """Inside a write transaction: run those serialising on ``name`` one at a time."""
        ...

    def close(self) -> None: ...


def split_password(url: str) -> tuple[str, str | None]:
    """A PostgreSQL URL without its password, and the password (None when there is none)."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip(), None
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), unquote(parts.password)


def shown_location(location: object) -> str:
    """The location as it may be shown or logged: a URL loses its password."""
    text = str(location)
    if not is_url(text):
        return text
    parts = urlsplit(text.strip())
    if parts.password is None:
        return text.strip()
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# ---------------------------------------------------------------- SQLite


class SQLiteIntegrityError(IntegrityError, sqlite3.IntegrityError):
    """An SQLite integrity error as the project's :class:`IntegrityError` (still a
    :class:`sqlite3.IntegrityError` for sqlite-utils' own methods)."""


class SQLiteOperationalError(DatabaseError, sqlite3.OperationalError):
    """An SQLite operational error (locked, no such table, ...) as a :class:`DatabaseError`."""


class SQLiteDatabaseError(DatabaseError, sqlite3.DatabaseError):
    """Any other SQLite error as a :class:`DatabaseError`."""


def _sqlite_error(error: sqlite3.Error) -> Exception:
    if isinstance(error, DatabaseError):  # already ours
        return error
    if isinstance(error, sqlite3.IntegrityError):
        return SQLiteIntegrityError(str(error))
    if isinstance(error, sqlite3.OperationalError):
        return SQLiteOperationalError(str(error))
    return SQLiteDatabaseError(str(error))


class _Rows:
    """A finished statement's rows, read like a cursor."""

    def __init__(self, rows: list, rowcount: int):
        self._rows, self.rowcount = rows, rowcount

    def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list:
        rows, self._rows = self._rows, []
        return rows

    def fetchmany(self, size: int = 1) -> list:
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class SQLiteDatabase(sqlite_utils.Database):
    """A sqlite-utils database that speaks the :class:`Database` interface and raises the
    project's errors."""

    engine = SQLITE

    def __init__(self, conn: sqlite3.Connection, location: str):
        super().__init__(conn)
        self.location = location

    def execute(self, sql: str, parameters: Any = None) -> Any:
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = super().execute(sql, parameters)
            if not was_in_transaction and self.conn.in_transaction and cursor.description:
                # a write with RETURNING outside a transaction: finish and commit it now, as
                # PostgreSQL does, instead of leaving its implicit transaction open
                rows = cursor.fetchall()
                self.conn.commit()
                return _Rows(rows, cursor.rowcount)
            return cursor
        except sqlite3.Error as error:
            raise _sqlite_error(error) from error

    def query(self, sql: str, params: Any = None) -> Generator[dict, None, None]:
        try:
            return super().query(sql, params)
        except sqlite3.Error as error:
            raise _sqlite_error(error) from error

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> int:
        with self.atomic():
            before = self.conn.total_changes
            try:
                self.conn.executemany(sql, rows)
            except sqlite3.Error as error:
                raise _sqlite_error(error) from error
            return self.conn.total_changes - before

    @contextmanager
    def atomic(self) -> Iterator[SQLiteDatabase]:
        try:
            with super().atomic():
                yield self
        except sqlite3.Error as error:
            raise _sqlite_error(error) from error

    @contextmanager
    def write_transaction(self) -> Iterator[SQLiteDatabase]:
        """Like :meth:`atomic`, but a new transaction begins IMMEDIATE: it takes the write lock
        first, so its reads are current and a concurrent writer waits instead of failing."""
        if self.conn.in_transaction:
            with self.atomic():
                yield self
            return
        self.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.conn.rollback()
            raise
        try:
            self.conn.commit()
        except sqlite3.Error as error:
            self.conn.rollback()
            raise _sqlite_error(error) from error
        except BaseException:
            self.conn.rollback()
            raise

    def serialize(self, name: str) -> None:
        """Nothing to do: a SQLite write transaction holds the database's one write lock."""

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction


def connect_sqlite(path: str) -> SQLiteDatabase:
    """A connection to the SQLite file at ``path``: WAL, foreign keys on, 30 s busy wait."""
    try:
        conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        db = SQLiteDatabase(conn, path)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 30000")
        with db.ensure_autocommit_on():
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    except (sqlite3.Error, DatabaseError) as error:
        raise DatabaseError(f"cannot open database {path}: {error}") from None
    return db


# ---------------------------------------------------------------- PostgreSQL

_FUNCTIONS = (
    # group_concat(DISTINCT x) -> string_agg(DISTINCT x, ','): SQLite's default separator
    (
        re.compile(r"\bgroup_concat\(\s*DISTINCT\s+([^(),]+?)\s*\)", re.I),
        r"string_agg(DISTINCT \1, ',')",
    ),
    # group_concat(x, sep) -> string_agg(x, sep) (the storage SQL always gives the separator)
    (re.compile(r"\bgroup_concat\(", re.I), "string_agg("),
    # a JSON list of ids as a subquery
    (
        re.compile(r"\bSELECT\s+value\s+FROM\s+json_each\(\s*\?\s*\)", re.I),
        "SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(? AS json))",
    ),
    # json_extract(column, '$.key') -> the key's text
    (
        re.compile(r"\bjson_extract\(\s*([\w.]+)\s*,\s*'\$\.(\w+)'\s*\)", re.I),
        r"(CAST(\1 AS json) ->> '\2')",
    ),
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _parameters(sql: str) -> str:
    """``?`` -> ``%s``, ``:name`` -> ``%(name)s`` and a literal ``%`` -> ``%%``, leaving
    string literals, quoted names, comments and ``::`` casts as they are."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif ch == "?":
            out.append("%s")
            i += 1
        elif sql.startswith("::", i):
            out.append("::")
            i += 2
        elif ch == ":" and (match := _NAME.match(sql, i + 1)):
            out.append(f"%({match.group()})s")
            i = match.end()
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=2048)
def postgres_sql(sql: str) -> str:
    """The storage dialect's ``sql`` as PostgreSQL runs it (see the module docstring)."""
    for pattern, replacement in _FUNCTIONS:
        sql = pattern.sub(replacement, sql)
    return _parameters(sql)


def _postgres_params(params: Any) -> Any:
    """Parameters for psycopg: a list (or dict); booleans as the 0/1 the schema stores."""
    if params is None:
        return []
    if isinstance(params, Mapping):
        return {k: int(v) if isinstance(v, bool) else v for k, v in params.items()}
    return [int(v) if isinstance(v, bool) else v for v in params]


def _postgres_error(error: Exception, location: str) -> DatabaseError:
    import psycopg

    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, psycopg.errors.IntegrityError):
        return IntegrityError(message)
    if isinstance(error, psycopg.OperationalError):
        return DatabaseError(f"database {location}: {message}")
    return DatabaseError(message)


_POOLS: dict[str, Any] = {}
_POOLS_LOCK = threading.Lock()


def _configure(conn: Any) -> None:
    """Each new pooled connection: numeric results as int or float (not Decimal)."""
    from psycopg.adapt import Loader

    class NumberLoader(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            return int(text) if text.lstrip("-").isdigit() else float(text)

    conn.adapters.register_loader("numeric", NumberLoader)


def _pool(url: str) -> Any:
    """The process's connection pool for ``url``, opened (and the server reached) on first use."""
    with _POOLS_LOCK:
        pool = _POOLS.get(url)
        if pool is not None:
            return pool
        import psycopg
        from psycopg_pool import ConnectionPool

        shown = shown_location(url)
        try:  # reach the server once, for an error that says why
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else error
            raise DatabaseError(f"cannot connect to database {shown}: {reason}") from None
        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
            configure=_configure,
            check=ConnectionPool.check_connection,  # a server restart leaves no dead connection
            timeout=POOL_TIMEOUT,
            name=shown,
            open=True,
        )
        _POOLS[url] = pool
        return pool


def close_pools(url: str | None = None) -> None:
    """Close the pool of ``url`` (every pool when None): its connections end."""
    with _POOLS_LOCK:
        urls = list(_POOLS) if url is None else [url]
        for key in urls:
            pool = _POOLS.pop(key, None)
            if pool is not None:
                pool.close()


class PostgresDatabase:
    """One pooled PostgreSQL connection (autocommit outside :meth:`atomic`)."""

    engine = POSTGRESQL

    def __init__(self, url: str):
        self.url = url
        self.location = shown_location(url)
        self._pool = _pool(url)
        try:
            self.conn: Any = self._pool.getconn()
        except Exception as error:  # PoolTimeout: every connection busy, or the server gone
            raise DatabaseError(f"no connection to database {self.location}: {error}") from None

    def execute(self, sql: str, parameters: Any = None) -> Any:
        import psycopg

        try:
            return self.conn.execute(postgres_sql(sql), _postgres_params(parameters))
        except psycopg.Error as error:
            raise _postgres_error(error, self.location) from error

    def query(self, sql: str, params: Any = None) -> Iterator[dict]:
        import psycopg
        from psycopg.rows import dict_row

        try:
            with self.conn.cursor(row_factory=dict_row) as cursor:
                cursor.execute(postgres_sql(sql), _postgres_params(params))
                rows = cursor.fetchall()
        except psycopg.Error as error:
            raise _postgres_error(error, self.location) from error
        return iter(rows)

    def run_script(self, script: str) -> None:
        """Run a PostgreSQL script as written (several statements, no parameters): the
        migrations, whose PL/pgSQL bodies must not be translated."""
        import psycopg

        try:
            self.conn.execute(script)
        except psycopg.Error as error:
            raise _postgres_error(error, self.location) from error

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        """Bulk-load rows into ``table`` with COPY (far faster than INSERTs for a corpus)."""
        import psycopg

        names = ", ".join(f'"{name}"' for name in columns)
        try:
            with (
                self.conn.cursor() as cursor,
                cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            raise _postgres_error(error, self.location) from error

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> int:
        import psycopg

        batch = [_postgres_params(row) for row in rows]
        if not batch:
            return 0
        try:
            with self.conn.cursor() as cursor:
                cursor.executemany(postgres_sql(sql), batch)
                return max(cursor.rowcount, 0)
        except psycopg.Error as error:
            raise _postgres_error(error, self.location) from error

    @contextmanager
    def atomic(self) -> Iterator[PostgresDatabase]:
        import psycopg

        try:
            with self.conn.transaction():
                yield self
        except psycopg.Error as error:
            raise _postgres_error(error, self.location) from error

    def write_transaction(self) -> AbstractContextManager[PostgresDatabase]:
        return self.atomic()

    def serialize(self, name: str) -> None:
        """Make write transactions that call this with ``name`` run one at a time (a
        transaction-level advisory lock), for check-then-write rules that span rows (the last
        admin): READ COMMITTED alone would let two of them pass the check together."""
        self.execute("SELECT pg_advisory_xact_lock(?)", [zlib.crc32(name.encode("utf-8"))])

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        """Give the connection back to the pool (rolled back if a transaction is open)."""
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            self._pool.putconn(conn)
        except Exception:  # the pool was closed meanwhile
            conn.close()

    def __enter__(self) -> PostgresDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "conn", None) is not None:
            try:
                self.close()
            except Exception:
                pass
