"""The append-only events table: every change is recorded through :func:`record`."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import sqlite_utils

from factcheck.errors import DatabaseError
from factcheck.storage import utcnow


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row that the INSERT run on ``cursor`` wrote."""
    if cursor.lastrowid is None:  # sqlite3 sets it after every successful INSERT
        raise DatabaseError("the INSERT reported no row id")
    return cursor.lastrowid


def record(
    db: sqlite_utils.Database,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
    claim_id: int | None = None,
    article_id: int | None = None,
) -> int:
    """Append one event; call it inside the transaction that makes the change."""
    cursor = db.execute(
        "INSERT INTO events (at, actor, action, entity, entity_id, claim_id, article_id, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            utcnow(),
            actor,
            action,
            entity,
            entity_id,
            claim_id,
            article_id,
            _dump(before),
            _dump(after),
        ],
    )
    return inserted_id(cursor)


def for_claim(db: sqlite_utils.Database, claim_id: int) -> list[dict]:
    """A claim's history, oldest first, with before/after decoded."""
    rows = db.query("SELECT * FROM events WHERE claim_id = ? ORDER BY id", [claim_id])
    return [_decoded(row) for row in rows]


def for_entity(db: sqlite_utils.Database, entity: str, entity_id: int) -> list[dict]:
    """The history of one row of ``entity``, oldest first."""
    rows = db.query(
        "SELECT * FROM events WHERE entity = ? AND entity_id = ? ORDER BY id", [entity, entity_id]
    )
    return [_decoded(row) for row in rows]


def _decoded(row: dict) -> dict:
    row = dict(row)
    for key in ("before", "after"):
        if row[key] is not None:
            row[key] = json.loads(row[key])
    return row
