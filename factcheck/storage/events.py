"""The append-only events table: every change is recorded through :func:`record`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from factcheck.errors import DatabaseError
from factcheck.storage import Database, utcnow


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def insert_id(db: Database, sql: str, params: Sequence | Mapping) -> int:
    """Run ``sql`` (one ``INSERT`` into a table with an ``id``) and return the new row's id,
    read with ``RETURNING id`` (both engines; there is no last-row-id on PostgreSQL)."""
    if db.in_transaction:
        rows = db.execute(f"{sql} RETURNING id", params).fetchall()
    else:  # SQLite would leave a RETURNING statement's implicit transaction open
        with db.atomic():
            rows = db.execute(f"{sql} RETURNING id", params).fetchall()
    if len(rows) != 1:
        raise DatabaseError("the INSERT reported no row id")
    return int(rows[0][0])


def record(
    db: Database,
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
    return insert_id(
        db,
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


def for_claim(db: Database, claim_id: int) -> list[dict]:
    """A claim's history, oldest first, with before/after decoded."""
    rows = db.query("SELECT * FROM events WHERE claim_id = ? ORDER BY id", [claim_id])
    return [_decoded(row) for row in rows]


def for_entity(db: Database, entity: str, entity_id: int) -> list[dict]:
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
