"""The storage layer: opening the database, migrations, transactions.

All SQL of the project lives in this package (one module per group of tables) and in
``db/migrations/`` (SQLite) and ``db/migrations/postgresql/`` (the same numbers and names for
PostgreSQL). Callers pass a :class:`~factcheck.storage.engine.Database` around: a SQLite file
(the embedded default) or a PostgreSQL server (a ``postgresql://`` URL), see
:mod:`factcheck.storage.engine`; writes that belong together run inside
``with db.atomic():`` (nested blocks become savepoints).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from pathlib import Path

from factcheck import resources
from factcheck.errors import DatabaseError, ResourceError
from factcheck.storage.engine import (
    POSTGRESQL,
    SQLITE,
    Database,
    PostgresDatabase,
    SQLiteDatabase,
    connect_sqlite,
    is_url,
    shown_location,
)

__all__ = [
    "POSTGRESQL",
    "SQLITE",
    "Database",
    "apply_migrations",
    "chunks",
    "database_file",
    "database_key",
    "is_url",
    "migration_files",
    "open_db",
    "placeholders",
    "refresh_statistics",
    "schema_version",
    "shown_location",
    "table_names",
    "utcnow",
]

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
FOREIGN_KEYS_OFF = re.compile(r"^-- foreign_keys: off$", re.MULTILINE)
IN_CHUNK = 500  # bound parameters per IN (...) query


def chunks(items: Sequence, size: int = IN_CHUNK) -> Iterator[Sequence]:
    """``items`` in slices of at most ``size``, for IN (...) queries under SQLite's limits."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def placeholders(items: Sequence) -> str:
    """``?, ?, ...``: one bound parameter per item."""
    return ", ".join("?" for _ in items)


def database_file(db: Database) -> str:
    """The main database file's path ('' for an in-memory database or a PostgreSQL server:
    nothing can be saved beside it)."""
    if db.engine != SQLITE:
        return ""
    for _seq, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or ""
    return ""


def table_names(db: Database) -> list[str]:
    """The database's tables, by name (SQLite's own and PostgreSQL's catalogs left out)."""
    if db.engine == SQLITE:
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [row[0] for row in db.execute(sql).fetchall()]


def database_key(db: Database) -> str:
    """What tells this database from another in a process-wide cache: the file's path, or
    the server URL (without its password) with the database name."""
    return database_file(db) if db.engine == SQLITE else db.location


def one_row(db: Database, sql: str, params: list) -> dict | None:
    """The first row of a query as a dict, or None."""
    rows = list(db.query(sql, params))  # read to the end: the connection is free again
    return rows[0] if rows else None


def utcnow() -> str:
    """The current time as an ISO 8601 UTC string with seconds and microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open the database at ``path``, migrated: a ``postgresql://`` URL is a PostgreSQL server
    (a connection from the process's pool for that URL; ``close()`` gives it back), anything
    else a SQLite file, created if needed (WAL, foreign keys on)."""
    db: Database
    if is_url(path):
        db = PostgresDatabase(str(path).strip())
    else:
        path = Path(path)
        if str(path) != ":memory:":
            if path.exists() and path.is_dir():
                raise DatabaseError(f"database path {path} is a directory, not a file")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseError(
                    f"cannot create the folder for {path}: {error.strerror}"
                ) from None
        db = connect_sqlite(str(path))
    if migrate:
        try:
            apply_migrations(db)
            refresh_statistics(db)
        except BaseException:
            db.close()
            raise
    return db


# Query-planner statistics. Without them SQLite guesses, and at 10,000 claims its guesses make
# the queue and claim pages' queries 2-3 times slower (bench/review_browser.py, docs/benchmarks.md).
STATISTICS_TABLES = ("claims", "matches")  # their size steers the plans of the review pages
STATISTICS_FROM = 1000  # rows; smaller databases are fast whatever the plan
STATISTICS_GROWTH = 10  # analyse again once a table has grown this many times over


def _analysed_rows(db: Database, table: str) -> int:
    """Rows ``table`` had at the last ANALYZE (0: never analysed)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        return 0
    stats = db.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = ?", [table]).fetchall()
    return max((int(stat.split()[0]) for (stat,) in stats if stat), default=0)


def refresh_statistics(db: Database) -> bool:
    """Run ANALYZE when a table the review pages read has reached :data:`STATISTICS_FROM` rows
    with no statistics, or has grown :data:`STATISTICS_GROWTH` times since they were taken:
    about 0.1 s at 10,000 claims, once per ten-fold growth (a sampled ANALYZE is faster but
    its estimates chose slower plans). A database that another connection is writing (or a
    read-only file) is left for the next open. True when it analysed. PostgreSQL's
    autovacuum keeps its statistics itself: nothing to do there."""
    if not isinstance(db, SQLiteDatabase):
        return False
    stale = False
    for table in STATISTICS_TABLES:
        rows = db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        if rows >= STATISTICS_FROM and _analysed_rows(db, table) * STATISTICS_GROWTH <= rows:
            stale = True
    if not stale:
        return False
    try:
        db.execute("PRAGMA busy_timeout = 0")  # never wait for a writer on the way in
        with db.ensure_autocommit_on():
            db.execute("ANALYZE")
    except DatabaseError:  # locked by a writer, or read-only: the next open tries
        return False
    finally:
        db.execute("PRAGMA busy_timeout = 30000")
    return True


def migration_files(folder: Traversable | None = None) -> list[tuple[int, Traversable]]:
    """The numbered migration files, in order (default: the shipped ``db/migrations``).

    Read through the :class:`Traversable` API, so a zipped install works too. No migration
    at all is a :class:`ResourceError`: a database without its tables is never opened.
    """
    folder = resources.migrations_dir() if folder is None else folder
    found = []
    if folder.is_dir():
        for file in folder.iterdir():
            match = MIGRATION_NAME.match(file.name)
            if match and file.is_file():
                found.append((int(match.group(1)), file))
    if not found:
        raise ResourceError(
            f"no database migrations (NNNN_name.sql) in {folder}: the installation is "
            f"incomplete; {resources.REINSTALL}"
        )
    return sorted(found, key=lambda item: (item[0], item[1].name))


def _statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (trigger bodies kept whole)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return statements


POSTGRES_FOLDER = "postgresql"  # db/migrations/postgresql: the same migrations for PostgreSQL
MIGRATION_LOCK = 726_583_001  # PostgreSQL advisory lock: one process migrates at a time


def postgres_migration_files(folder: Traversable | None = None) -> list[tuple[int, Traversable]]:
    """The PostgreSQL migrations (``<folder>/postgresql``), checked to mirror the SQLite ones
    number for number and name for name: a missing mirror is a :class:`ResourceError`."""
    folder = resources.migrations_dir() if folder is None else folder
    sqlite_names = [file.name for _, file in migration_files(folder)]
    files = migration_files(folder / POSTGRES_FOLDER)
    postgres_names = [file.name for _, file in files]
    if postgres_names != sqlite_names:
        missing = sorted(set(sqlite_names) - set(postgres_names))
        extra = sorted(set(postgres_names) - set(sqlite_names))
        raise ResourceError(
            "the PostgreSQL migrations do not mirror the SQLite ones"
            + (f"; missing in {POSTGRES_FOLDER}/: {', '.join(missing)}" if missing else "")
            + (f"; only in {POSTGRES_FOLDER}/: {', '.join(extra)}" if extra else "")
        )
    return files


def apply_migrations(db: Database, folder: Traversable | None = None) -> list[int]:
    """Apply every migration not yet applied, each in its own transaction. Returns versions.

    SQLite runs ``db/migrations/NNNN_*.sql``, PostgreSQL ``db/migrations/postgresql/`` (the
    same numbers and names, under an advisory lock so two processes never migrate at once)."""
    postgres = db.engine == POSTGRESQL
    files = postgres_migration_files(folder) if postgres else migration_files(folder)
    try:
        if postgres:
            db.execute("SELECT pg_advisory_lock(?)", [MIGRATION_LOCK])
        try:
            return _apply(db, files)
        finally:
            if postgres:
                db.execute("SELECT pg_advisory_unlock(?)", [MIGRATION_LOCK])
    except DatabaseError as error:
        if str(error).startswith(("migration ", "cannot read")):
            raise
        raise DatabaseError(f"cannot read the database: {error}") from None


def _apply(db: Database, files: list[tuple[int, Traversable]]) -> list[int]:
    try:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
    except DatabaseError as error:
        raise DatabaseError(f"cannot read the database: {error}") from None
    applied = []
    for version, file in files:
        if version in done:
            continue
        script = file.read_text(encoding="utf-8")
        # A migration that rebuilds a referenced table says so; foreign keys cannot be
        # switched inside a transaction, so they go off around it and are checked before commit.
        keys_off = db.engine == SQLITE and FOREIGN_KEYS_OFF.search(script) is not None
        try:
            if keys_off:
                db.execute("PRAGMA foreign_keys = OFF")
            with db.atomic():
                if isinstance(db, PostgresDatabase):
                    db.run_script(script)  # PL/pgSQL bodies: one script, as written
                else:
                    for statement in _statements(script):
                        db.execute(statement)
                if keys_off and db.execute("PRAGMA foreign_key_check").fetchall():
                    raise DatabaseError("rows would break a foreign key")
                db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [version, file.name, utcnow()],
                )
        except DatabaseError as error:
            raise DatabaseError(f"migration {file.name} failed: {error}") from None
        finally:
            if keys_off:
                db.execute("PRAGMA foreign_keys = ON")
        applied.append(version)
    return applied


def schema_version(db: Database) -> int:
    """The highest applied migration number (0 for an empty database)."""
    row = db.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return row[0] or 0
