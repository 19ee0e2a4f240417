"""SQL for the embedding cache: float32 vectors keyed by (text hash, model)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from factcheck.storage import Database, chunks, placeholders, utcnow


def get_many(db: Database, hashes: Sequence[str], model: str) -> dict[str, np.ndarray]:
    """The cached vectors of ``model`` for those of ``hashes`` that have one."""
    found: dict[str, np.ndarray] = {}
    for chunk in chunks(list(dict.fromkeys(hashes))):
        rows = db.execute(
            f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN "
            f"({placeholders(chunk)})",
            [model, *chunk],
        ).fetchall()
        for text_hash, blob in rows:
            found[text_hash] = np.frombuffer(blob, dtype="<f4")
    return found


def cached_hashes(db: Database, hashes: Sequence[str], model: str) -> set[str]:
    """Those of ``hashes`` with a cached vector of ``model`` (the vectors are not read)."""
    found: set[str] = set()
    for chunk in chunks(list(dict.fromkeys(hashes))):
        rows = db.execute(
            f"SELECT text_hash FROM embeddings WHERE model = ? AND text_hash IN "
            f"({placeholders(chunk)})",
            [model, *chunk],
        ).fetchall()
        found.update(row[0] for row in rows)
    return found


def put_many(db: Database, hashes: Sequence[str], vectors: np.ndarray, model: str) -> int:
    """Store vectors (one row each, float32); an existing (hash, model) is kept. Returns rows added."""
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    now = utcnow()
    dim = int(vectors.shape[1])
    return db.executemany(
        "INSERT INTO embeddings (text_hash, model, dim, vector, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(h, model, dim, vector.tobytes(), now) for h, vector in zip(hashes, vectors)],
    )


def models(db: Database) -> dict[str, int]:
    """Each model with cached vectors and how many it has, most first."""
    rows = db.execute(
        "SELECT model, count(*) FROM embeddings GROUP BY model ORDER BY 2 DESC, 1"
    ).fetchall()
    return {model: count for model, count in rows}


def count(db: Database, model: str | None = None) -> int:
    if model is None:
        return db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    return db.execute("SELECT count(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0]


def dimension(db: Database, model: str) -> int | None:
    """The vector size stored for ``model``, or None when it has no vectors."""
    row = db.execute("SELECT dim FROM embeddings WHERE model = ? LIMIT 1", [model]).fetchone()
    return int(row[0]) if row else None


def missing_passage_hashes(db: Database, model: str) -> list[str]:
    """Distinct passage text hashes with no vector for ``model`` yet."""
    rows = db.execute(
        "SELECT DISTINCT p.text_hash FROM passages p WHERE NOT EXISTS "
        "(SELECT 1 FROM embeddings e WHERE e.text_hash = p.text_hash AND e.model = ?)",
        [model],
    ).fetchall()
    return [row[0] for row in rows]
