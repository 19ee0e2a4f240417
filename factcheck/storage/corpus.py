"""SQL for the reference corpus: the sources table and their passages."""

from __future__ import annotations

import json
from collections.abc import Sequence

from factcheck.storage import Database, chunks, events, placeholders, utcnow

SOURCE_COLUMNS = (
    "kind",
    "external_id",
    "title",
    "url",
    "publisher",
    "author",
    "date",
    "date_raw",
    "claim_date",
    "claim_date_raw",
    "claimant",
    "verdict",
    "verdict_raw",
    "rating_value",
    "best_rating",
    "worst_rating",
    "text",
    "extra",
    "content_hash",
    "import_file",
    "import_format",
    "imported_at",
    "imported_by",
)
NO_LIMIT = 2**62  # LIMIT for "all rows" that both engines accept (SQLite's -1 is not SQL)
PASSAGE_COLUMNS = ("source_id", "idx", "field", "text", "start", "end", "text_hash")
LIST_COLUMNS = (
    "id",
    "kind",
    "external_id",
    "title",
    "url",
    "publisher",
    "date",
    "claimant",
    "verdict",
    "import_file",
    "imported_at",
)


def source_ids_by_hash(db: Database, hashes: Sequence[str]) -> dict[str, int]:
    """content hash -> source id, for those of ``hashes`` already stored."""
    found: dict[str, int] = {}
    for chunk in chunks(list(dict.fromkeys(hashes))):
        found.update(
            db.execute(
                f"SELECT content_hash, id FROM sources WHERE content_hash IN "
                f"({placeholders(chunk)})",
                list(chunk),
            ).fetchall()
        )
    return found


def _source_row(source: dict, imported_by: str) -> dict:
    """The sources columns of ``source`` (:data:`SOURCE_COLUMNS`), ``extra`` as JSON, imported
    now by ``imported_by`` unless it says otherwise."""
    row = {name: source.get(name) for name in SOURCE_COLUMNS}
    row["extra"] = json.dumps(source.get("extra") or {}, ensure_ascii=False, sort_keys=True)
    row["imported_at"] = row["imported_at"] or utcnow()
    row["imported_by"] = row["imported_by"] or imported_by
    return row


def _insert_passages(db: Database, source_id: int, passages: Sequence[dict]) -> None:
    """Insert ``passages`` of ``source_id`` in one batch, in their order (ids ascending)."""
    db.executemany(
        'INSERT INTO passages (source_id, idx, field, text, start, "end", text_hash) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (source_id, p["idx"], p["field"], p["text"], p["start"], p["end"], p["text_hash"])
            for p in passages
        ],
    )


def insert_source(db: Database, source: dict, passages: Sequence[dict]) -> int:
    """Insert one source and its passages; call inside a transaction. Returns the source id."""
    row = _source_row(source, "cli")
    columns = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" for _ in row)
    source_id = events.insert_id(
        db, f"INSERT INTO sources ({columns}) VALUES ({marks})", list(row.values())
    )
    _insert_passages(db, source_id, passages)
    return source_id


def source_ids_by_external_id(db: Database, external_ids: Sequence[str]) -> dict[str, int]:
    """external id -> the latest source with it, for those of ``external_ids`` stored."""
    found: dict[str, int] = {}
    for chunk in chunks(list(dict.fromkeys(external_ids))):
        found.update(
            db.execute(
                "SELECT external_id, max(id) FROM sources WHERE external_id IN "
                f"({placeholders(chunk)}) GROUP BY external_id",
                list(chunk),
            ).fetchall()
        )
    return found


def correct_source(
    db: Database, source_id: int, source: dict, passages: Sequence[dict], *, actor: str
) -> None:
    """Replace a stored source's fields and passages with a corrected version (same id), with
    a ``source.corrected`` event holding the fields before and after; call inside a
    transaction. A passage whose field and text are unchanged keeps its id (its vectors,
    matches and citations stay); a removed one is deleted, unless a reviewer cited it: then
    it is kept, out of the source's order (negative idx), so the citation still shows it."""
    before = get_source(db, source_id) or {}
    row = _source_row(source, actor)
    sets = ", ".join(f'"{name}" = ?' for name in row)
    db.execute(f"UPDATE sources SET {sets} WHERE id = ?", [*row.values(), source_id])
    old = {
        (p["field"], p["text_hash"]): p["id"]
        for p in db.query(
            "SELECT id, field, text_hash FROM passages WHERE source_id = ? ORDER BY idx",
            [source_id],
        )
    }
    db.execute("UPDATE passages SET idx = -id WHERE source_id = ?", [source_id])
    added: list[dict] = []
    updates: list[tuple] = []
    for passage in passages:
        kept = old.pop((passage["field"], passage["text_hash"]), None)
        if kept is None:
            added.append(passage)
        else:
            updates.append(
                (passage["idx"], passage["text"], passage["start"], passage["end"], kept)
            )
    # every old passage's idx is negative now: the new order's idx values cannot clash
    db.executemany(
        'UPDATE passages SET idx = ?, text = ?, start = ?, "end" = ? WHERE id = ?', updates
    )
    _insert_passages(db, source_id, added)
    gone = list(old.values())
    cited: set[int] = set()
    for chunk in chunks(gone):
        cited.update(
            r[0]
            for r in db.execute(
                f"SELECT DISTINCT passage_id FROM citations WHERE passage_id IN "
                f"({placeholders(chunk)})",
                list(chunk),
            ).fetchall()
        )
    for chunk in chunks([i for i in gone if i not in cited]):
        db.execute(f"DELETE FROM passages WHERE id IN ({placeholders(chunk)})", list(chunk))
    after = get_source(db, source_id) or {}
    changed = sorted(k for k in after if k not in ("imported_at",) and after[k] != before.get(k))
    events.record(
        db,
        actor=actor,
        action="source.corrected",
        entity="sources",
        entity_id=source_id,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
    )


def record_import(db: Database, *, actor: str, summary: dict) -> int:
    """The one event of an import of one file (counts, first and last new id)."""
    return events.record(
        db,
        actor=actor,
        action="corpus.imported",
        entity="sources",
        entity_id=summary.get("first_id"),
        after=summary,
    )


def get_source(db: Database, source_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM sources WHERE id = ?", [source_id]))
    return _decode(rows[0]) if rows else None


def passages_of(db: Database, source_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM passages WHERE source_id = ? ORDER BY idx", [source_id]))


def list_sources(
    db: Database,
    *,
    kind: str | None = None,
    verdict: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    """Sources without their text, with their passage count, in id order."""
    where, params = [], []
    if kind:
        where.append("s.kind = ?")
        params.append(kind)
    if verdict:
        where.append("s.verdict = ?")
        params.append(verdict)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    columns = ", ".join(f"s.{name}" for name in LIST_COLUMNS)
    sql = (
        f"SELECT {columns}, (SELECT count(*) FROM passages p WHERE p.source_id = s.id) AS passages "
        f"FROM sources s {clause} ORDER BY s.id LIMIT ? OFFSET ?"
    )
    return list(db.query(sql, [*params, NO_LIMIT if limit is None else limit, offset]))


def iter_passages(db: Database, *, fields: Sequence[str] | None = None) -> list[dict]:
    """Every passage (id, source_id, field, text, text_hash), optionally of some fields only."""
    clause, params = "", []
    if fields:
        clause = f"WHERE field IN ({', '.join('?' for _ in fields)})"
        params = list(fields)
    sql = f"SELECT id, source_id, idx, field, text, text_hash FROM passages {clause} ORDER BY id"
    return list(db.query(sql, params))


def counts(db: Database) -> dict:
    """Row counts of the corpus tables (sources, passages, embeddings, matches)."""
    return {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("sources", "passages", "embeddings", "matches")
    }


def stats(db: Database) -> dict:
    """Counts by kind, publisher, verdict, passage field, import file, and vectors by model."""

    def grouped(sql: str) -> list[dict]:
        return list(db.query(sql))

    return {
        "totals": counts(db),
        "kinds": grouped(
            "SELECT kind, count(*) AS sources FROM sources GROUP BY kind ORDER BY 2 DESC"
        ),
        "publishers": grouped(
            "SELECT coalesce(publisher, '') AS publisher, count(*) AS sources FROM sources "
            "GROUP BY coalesce(publisher, '') ORDER BY 2 DESC"
        ),
        "verdicts": grouped(
            "SELECT coalesce(verdict, '') AS verdict, count(*) AS sources FROM sources "
            "GROUP BY coalesce(verdict, '') ORDER BY 2 DESC"
        ),
        "fields": grouped(
            "SELECT field, count(*) AS passages, round(avg(length(text)), 1) AS avg_chars "
            "FROM passages GROUP BY field ORDER BY 2 DESC"
        ),
        "files": grouped(
            "SELECT import_file, import_format, count(*) AS sources, min(imported_at) AS first_at "
            "FROM sources GROUP BY import_file, import_format ORDER BY first_at"
        ),
        "models": grouped(
            "SELECT model, dim, count(*) AS vectors FROM embeddings GROUP BY model, dim ORDER BY 3 DESC"
        ),
    }


def _decode(row: dict) -> dict:
    row = dict(row)
    if isinstance(row.get("extra"), str):
        row["extra"] = json.loads(row["extra"])
    return row
