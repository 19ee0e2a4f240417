"""SQL for the articles table."""

from __future__ import annotations

from factcheck.storage import Database, events, utcnow
from factcheck.storage.blind import seen_status_sql
from factcheck.types import Document

ARTICLE_FIELDS = (
    "id",
    "source",
    "source_kind",
    "title",
    "publisher",
    "published_date",
    "language",
    "format",
    "content_hash",
    "extractor",
    "ingested_at",
    "ingested_by",
)


def find_by_hash(db: Database, content_hash: str) -> dict | None:
    rows = list(db.query("SELECT * FROM articles WHERE content_hash = ?", [content_hash]))
    return rows[0] if rows else None


def any_stored(db: Database) -> bool:
    return db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None


def get(db: Database, article_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
    return rows[0] if rows else None


def insert(
    db: Database, document: Document, *, content_hash: str, extractor: str, actor: str
) -> int:
    """Insert an article and its event; call inside a transaction."""
    row = {
        "source": document.source,
        "source_kind": document.source_kind,
        "title": document.title,
        "publisher": document.publisher,
        "published_date": document.published_date,
        "language": document.language,
        "format": document.format,
        "text": document.text,
        "content_hash": content_hash,
        "extractor": extractor,
        "ingested_at": utcnow(),
        "ingested_by": actor,
    }
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    article_id = events.insert_id(
        db, f"INSERT INTO articles ({columns}) VALUES ({marks})", list(row.values())
    )
    summary: dict[str, object] = {k: v for k, v in row.items() if k != "text"}
    summary["chars"] = len(document.text)
    if document.warnings:  # how the input was read, e.g. "not valid UTF-8: read as cp1252"
        summary["warnings"] = list(document.warnings)
    events.record(
        db,
        actor=actor,
        action="article.ingested",
        entity="articles",
        entity_id=article_id,
        after=summary,
        article_id=article_id,
    )
    return article_id


def list_with_counts(db: Database, viewer_id: int | None = None) -> list[dict]:
    """Every article (without its text) with sentence, claim, reviewed and published counts;
    ``viewer_id`` counts claims by the status blind review lets that viewer see."""
    fields = ", ".join(f"a.{name}" for name in ARTICLE_FIELDS)
    status = seen_status_sql(viewer_id)
    sql = f"""
        SELECT {fields},
               count(c.id) AS sentences,
               coalesce(sum(c.check_worthy), 0) AS claims,
               coalesce(sum(CASE WHEN c.check_worthy = 1
                                 AND ({status}) IN ('verdict', 'published') THEN 1 END), 0)
                   AS reviewed,
               coalesce(sum(CASE WHEN c.check_worthy = 1 AND c.status = 'published'
                                 THEN 1 END), 0) AS published
        FROM articles a LEFT JOIN claims c ON c.article_id = a.id
        GROUP BY a.id ORDER BY a.id
    """
    return list(db.query(sql))
