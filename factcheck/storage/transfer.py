"""Moving a database: :func:`copy_database` (a laptop's SQLite file onto the team's PostgreSQL
server, ids and the audit log untouched) and :func:`backup` (SQLite's online backup API, or
``pg_dump`` for PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from factcheck.errors import DatabaseError, InputError
from factcheck.storage import (
    POSTGRESQL,
    SQLITE,
    Database,
    schema_version,
    table_names,
)
from factcheck.storage.engine import PostgresDatabase, SQLiteDatabase, split_password

SKIPPED = ("schema_migrations",)  # the target has its own: migrated when it was opened
BATCH = 5000  # rows read from the source at a time


def table_order(db: Database) -> list[str]:
    """The source's tables, each after every table its foreign keys reference (the migration
    bookkeeping left out)."""
    tables = [t for t in table_names(db) if t not in SKIPPED]
    needs = {
        table: {
            row[2]
            for row in db.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
            if row[2] != table
        }
        for table in tables
    }
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and needs[t] <= set(ordered)]
        if not ready:  # a cycle: cannot happen with this schema
            raise DatabaseError(
                f"foreign keys form a cycle among {sorted(set(tables) - set(ordered))}"
            )
        ordered.extend(sorted(ready))
    return ordered


def _columns(db: Database, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")').fetchall()]


def row_counts(db: Database, tables: list[str]) -> dict[str, int]:
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def copy_database(
    source: Database, target: Database, progress: Callable[[str], None] | None = None
) -> list[dict]:
    """Copy every row of the SQLite database ``source`` into the empty PostgreSQL database
    ``target`` in one transaction: tables in foreign-key order, ids kept, identity sequences
    moved past the copied ids, the audit log row for row (its triggers refuse changes, not
    new ids). Both must be at the same migration. Refuses a target holding any row. Returns
    each table with its rows in source and target (checked equal before the commit)."""
    if not isinstance(source, SQLiteDatabase):
        raise InputError("copy from a SQLite database file (--from PATH)")
    if not isinstance(target, PostgresDatabase):
        raise InputError("copy to a PostgreSQL server (--to postgresql://...)")
    if schema_version(source) != schema_version(target):
        raise DatabaseError(
            f"the two databases are at different migrations ({schema_version(source)} and "
            f"{schema_version(target)}); upgrade factcheck where it is older"
        )
    tables = table_order(source)
    missing = sorted(set(tables) - set(table_names(target)))
    if missing:
        raise DatabaseError(f"the target has no table {', '.join(missing)}")
    filled = {t: n for t, n in row_counts(target, tables).items() if n}
    if filled:
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(filled.items()))
        raise DatabaseError(
            f"the target database is not empty: {listed}; copy into a new, empty database"
        )
    with target.atomic():
        for table in tables:
            columns = _columns(source, table)
            names = ", ".join(f'"{c}"' for c in columns)
            cursor = source.execute(f'SELECT {names} FROM "{table}"')
            copied = 0
            while rows := cursor.fetchmany(BATCH):
                target.copy_rows(table, columns, rows)
                copied += len(rows)
            if "id" in columns:
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence(?, 'id'), max(id)) FROM \"{table}\" "
                    "HAVING max(id) IS NOT NULL",
                    [table],
                )
            if progress:
                progress(f"{table}: {copied:,} rows")
        before, after = row_counts(source, tables), row_counts(target, tables)
        wrong = [t for t in tables if before[t] != after[t]]
        if wrong:
            raise DatabaseError(
                f"row counts differ after the copy in {', '.join(wrong)}; nothing was kept"
            )
    return [{"table": t, "source": before[t], "target": after[t]} for t in tables]


def backup(db: Database, destination: str | Path) -> Path:
    """A consistent copy of the whole database at ``destination`` (which must not exist): a
    SQLite file made with SQLite's online backup API (writers may go on meanwhile), or a
    ``pg_dump`` custom-format archive (restore with ``pg_restore -d URL FILE``)."""
    path = Path(destination)
    if path.exists():
        raise InputError(f"{path} already exists; choose a new file name")
    if not path.parent.is_dir():
        raise InputError(f"no folder {path.parent} for the backup")
    if db.engine == SQLITE:
        assert isinstance(db, SQLiteDatabase)
        try:
            with sqlite3.connect(path) as copy:
                db.conn.backup(copy)
            copy.close()
        except sqlite3.Error as error:
            path.unlink(missing_ok=True)
            raise DatabaseError(f"backup to {path} failed: {error}") from None
        return path
    assert db.engine == POSTGRESQL and isinstance(db, PostgresDatabase)
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise DatabaseError(
            "pg_dump is not installed: install the PostgreSQL client "
            "(apt-get install postgresql-client) of the server's version or newer"
        )
    # the password goes in the environment: a command line is visible to every local user
    url, password = split_password(db.url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if password is not None:
        env["PGPASSWORD"] = password
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(path), "--dbname", url],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        path.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise DatabaseError(
            f"pg_dump of {db.location} failed: {reason.replace(db.url, db.location)}"
        )
    return path
