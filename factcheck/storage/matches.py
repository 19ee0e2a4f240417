"""SQL for claim matching: the corpus as retrieval units, the matches table, claim groups.

A match row links a claim to a corpus passage with the similarity (``score``), rank, method and
model that produced it, its calibrated confidence and band (see :mod:`factcheck.match.matcher`
for what they mean).
"""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.storage import Database, chunks, placeholders, utcnow
from factcheck.vocab import MATCH_BANDS

BEST_MATCH = "(SELECT max(m.confidence) FROM matches m WHERE m.claim_id = c.id)"
"""The best match of claim ``c``: its matches' highest confidence (NULL without any); read
from the index ``matches_claim_confidence`` (migration 0009)."""

# A claim's (``c``) verdicts as the claim groups show them: ``final_label`` (the latest final
# verdict), ``scale`` (of the latest verdict, final first), ``labels`` (the distinct
# individual labels, sorted, comma separated).
VERDICT_COLUMNS = """(SELECT v.label FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 1
                 ORDER BY v.updated_at DESC LIMIT 1) AS final_label,
               (SELECT v.scale FROM verdicts v WHERE v.claim_id = c.id
                 ORDER BY v.is_final DESC, v.updated_at DESC LIMIT 1) AS scale,
               (SELECT group_concat(label, ', ') FROM (SELECT DISTINCT v.label FROM verdicts v
                 WHERE v.claim_id = c.id AND v.is_final = 0 ORDER BY v.label) AS distinct_labels)
                 AS labels"""

TRANSCRIPT_CONTEXT = 5  # sentences before a transcript's claim (as eval's CheckThat! queries)
ARTICLE_CONTEXT = 2  # sentences before an article's claim

# --------------------------------------------------------------------------- the corpus


def corpus_signature(db: Database) -> tuple[int, int, int]:
    """(count, max id, sum of ids) of the passages: changes whenever a passage comes or goes."""
    row = db.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0) FROM passages"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def corpus_rows(db: Database, source_ids: Sequence[int] | None = None) -> list[dict]:
    """Every passage with the source fields retrieval uses, in source then passage order."""
    sql = (
        "SELECT p.id, p.source_id, p.idx, p.field, p.text, s.external_id, s.claimant, "
        "s.claim_date, s.date FROM passages p JOIN sources s ON s.id = p.source_id "
    )
    order = " ORDER BY p.source_id, p.idx"
    if source_ids is None:
        return list(db.query(sql + order))
    rows: list[dict] = []
    for chunk in chunks(sorted(set(source_ids))):
        rows += db.query(sql + f"WHERE p.source_id IN ({placeholders(chunk)})" + order, list(chunk))
    rows.sort(key=lambda r: (r["source_id"], r["idx"]))
    return rows


def passage_cards(db: Database, passage_ids: Sequence[int]) -> dict[int, dict]:
    """passage id -> passage text and its source's title, url, publisher, date, verdict, kind."""
    out: dict[int, dict] = {}
    for chunk in chunks(list(dict.fromkeys(passage_ids))):
        rows = db.query(
            "SELECT p.id AS passage_id, p.text, p.field, s.id AS source_id, s.external_id, "
            "s.title, s.url, s.publisher, s.date, s.verdict, s.verdict_raw, s.kind "
            f"FROM passages p JOIN sources s ON s.id = p.source_id WHERE p.id IN ({placeholders(chunk)})",
            list(chunk),
        )
        out.update((row["passage_id"], row) for row in rows)
    return out


# --------------------------------------------------------------------------- claims


def check_worthy_ids(db: Database, article_id: int | None = None) -> list[int]:
    """Ids of the check-worthy claims (of one article, or all), in id order."""
    if article_id is None:
        rows = db.execute("SELECT id FROM claims WHERE check_worthy = 1 ORDER BY id")
    else:
        rows = db.execute(
            "SELECT id FROM claims WHERE check_worthy = 1 AND article_id = ? ORDER BY id",
            [article_id],
        )
    return [row[0] for row in rows.fetchall()]


def claims_for_matching(db: Database, claim_ids: Sequence[int]) -> list[dict]:
    """Claims with their speaker, the article's date and the sentences just before them
    (:data:`TRANSCRIPT_CONTEXT` of a transcript, :data:`ARTICLE_CONTEXT` of an article)."""
    claims: list[dict] = []
    for chunk in chunks(list(dict.fromkeys(claim_ids))):
        claims += db.query(
            "SELECT c.id, c.article_id, c.sentence_index, c.text, c.speaker, "
            "a.published_date, a.format FROM claims c JOIN articles a ON a.id = c.article_id "
            f"WHERE c.id IN ({placeholders(chunk)})",
            list(chunk),
        )
    claims.sort(key=lambda c: c["id"])
    wanted: dict[int, set[int]] = {}
    for claim in claims:
        index = claim["sentence_index"]
        claim["context_from"] = max(
            0,
            index - (TRANSCRIPT_CONTEXT if claim["format"] == "transcript" else ARTICLE_CONTEXT),
        )
        wanted.setdefault(claim["article_id"], set()).update(range(claim["context_from"], index))
    sentences: dict[tuple[int, int], str] = {}
    for article_id, indexes in wanted.items():
        for chunk in chunks(sorted(indexes)):
            rows = db.execute(
                f"SELECT sentence_index, text FROM claims WHERE article_id = ? AND "
                f"sentence_index IN ({placeholders(chunk)})",
                [article_id, *chunk],
            ).fetchall()
            sentences.update(((article_id, i), text) for i, text in rows)
    for claim in claims:
        index = claim["sentence_index"]
        claim["context"] = " ".join(
            sentences[(claim["article_id"], i)]
            for i in range(claim.pop("context_from"), index)
            if (claim["article_id"], i) in sentences
        )
    return claims


def claim_texts(db: Database, claim_ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunks(list(dict.fromkeys(claim_ids))):
        out.update(
            db.execute(
                f"SELECT id, text FROM claims WHERE id IN ({placeholders(chunk)})", list(chunk)
            ).fetchall()
        )
    return out


# --------------------------------------------------------------------------- matches


def replace_for_claims(db: Database, claim_ids: Sequence[int], rows: Sequence[dict]) -> int:
    """Delete the matches of ``claim_ids`` and insert ``rows`` (claim_id, passage_id, score,
    rank, method, model, and optionally band and confidence). Call inside a transaction (one
    per batch). Returns rows stored."""
    now = utcnow()
    for chunk in chunks(list(claim_ids)):
        db.execute(f"DELETE FROM matches WHERE claim_id IN ({placeholders(chunk)})", list(chunk))
    db.executemany(
        "INSERT INTO matches (claim_id, passage_id, score, rank, method, model, band, "
        "confidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r["claim_id"],
                r["passage_id"],
                float(r["score"]),
                int(r["rank"]),
                r["method"],
                r.get("model") or "",
                r.get("band"),
                None if r.get("confidence") is None else float(r["confidence"]),
                now,
            )
            for r in rows
        ],
    )
    return len(rows)


def for_claim(db: Database, claim_id: int) -> list[dict]:
    """A claim's stored candidates, one per passage, in the matching method's order
    (``rank``), then best score: passage_id, text, field, source_id, external_id, title, url,
    publisher, date, verdict, verdict_raw, kind, claimant, score (the similarity), rank,
    method, model, confidence, band and strength (the band; 'weak' for rows stored before
    bands existed)."""
    return for_claims(db, [claim_id]).get(claim_id, [])


def for_claims(db: Database, claim_ids: Sequence[int]) -> dict[int, list[dict]]:
    """:func:`for_claim` of many claims in one query per :data:`~factcheck.storage.IN_CHUNK`
    of them: claim id -> its candidates in the same order (claims without any left out)."""
    out: dict[int, list[dict]] = {}
    for chunk in chunks(list(dict.fromkeys(claim_ids))):
        sql = f"""
            SELECT m.claim_id, p.id AS passage_id, p.text, p.field, s.id AS source_id,
                   s.external_id, s.title, s.url, s.publisher, s.date, s.verdict,
                   s.verdict_raw, s.kind, s.claimant, m.score, m.rank, m.method, m.model,
                   m.confidence, m.band
            FROM matches m
            JOIN passages p ON p.id = m.passage_id
            JOIN sources s ON s.id = p.source_id
            WHERE m.claim_id IN ({placeholders(chunk)})
              AND m.id = (SELECT m2.id FROM matches m2 WHERE m2.claim_id = m.claim_id
                            AND m2.passage_id = m.passage_id ORDER BY m2.score DESC, m2.id LIMIT 1)
            ORDER BY m.claim_id, m.rank, m.score DESC, p.id
        """
        for row in db.query(sql, list(chunk)):
            row["band"] = row["band"] or "weak"
            row["strength"] = row["band"]
            out.setdefault(row.pop("claim_id"), []).append(row)
    return out


def listing(
    db: Database,
    *,
    article_id: int | None = None,
    claim_id: int | None = None,
    band: str | None = None,
) -> list[dict]:
    """Every stored candidate of check-worthy claims (of one article or one claim, of one band),
    by claim then rank: claim_id, article_id, rank, band, confidence, similarity, method,
    model, passage_id, passage text, field, source_id, external_id, title, url."""
    where: list[str] = ["1 = 1"]
    params: list[int | str] = []
    if article_id is not None:
        where.append("c.article_id = ?")
        params.append(article_id)
    if claim_id is not None:
        where.append("c.id = ?")
        params.append(claim_id)
    if band is not None:
        where.append("coalesce(m.band, 'weak') = ?")
        params.append(band)
    sql = f"""
        SELECT c.id AS claim_id, c.article_id, m.rank, coalesce(m.band, 'weak') AS band,
               m.confidence, m.score AS similarity, m.method, m.model, p.id AS passage_id,
               p.text AS passage, p.field, s.id AS source_id, s.external_id, s.title, s.url
        FROM matches m
        JOIN claims c ON c.id = m.claim_id
        JOIN passages p ON p.id = m.passage_id
        JOIN sources s ON s.id = p.source_id
        WHERE {" AND ".join(where)}
        ORDER BY c.id, m.rank, m.id
    """
    return list(db.query(sql, params))


def band_counts(db: Database, article_id: int) -> dict[str, int]:
    """The stored candidates of an article's claims per band (strong, suggested, weak)."""
    rows = dict(
        db.execute(
            "SELECT coalesce(m.band, 'weak'), count(*) FROM matches m "
            "JOIN claims c ON c.id = m.claim_id WHERE c.article_id = ? GROUP BY 1",
            [article_id],
        ).fetchall()
    )
    return {band: int(rows.get(band, 0)) for band in MATCH_BANDS}


def count(db: Database, claim_ids: Sequence[int] | None = None) -> int:
    if claim_ids is None:
        return db.execute("SELECT count(*) FROM matches").fetchone()[0]
    return sum(
        db.execute(
            f"SELECT count(*) FROM matches WHERE claim_id IN ({placeholders(c)})", list(c)
        ).fetchone()[0]
        for c in chunks(list(claim_ids))
    )


# --------------------------------------------------------------------------- claim groups


def groups(db: Database) -> dict[int, int]:
    """claim id -> group id of every grouped claim."""
    return dict(db.execute("SELECT claim_id, group_id FROM claim_groups").fetchall())


def replace_groups(db: Database, rows: Sequence[dict]) -> int:
    """Store (claim_id, group_id, similarity, model) rows, replacing those claims' rows."""
    now = utcnow()
    db.executemany(
        "INSERT INTO claim_groups (claim_id, group_id, similarity, model, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (claim_id) DO UPDATE SET "
        "group_id = excluded.group_id, similarity = excluded.similarity, "
        "model = excluded.model, created_at = excluded.created_at",
        [(r["claim_id"], r["group_id"], r.get("similarity"), r["model"], now) for r in rows],
    )
    return len(rows)


def group_members(db: Database, claim_id: int) -> list[dict]:
    """The other claims in ``claim_id``'s group with their article, status and verdicts:
    ``final_label`` (the editor's or agreed final verdict) and ``labels`` (individual ones)."""
    sql = f"""
        SELECT c.id AS claim_id, c.text, c.status, c.text_hash, a.id AS article_id,
               coalesce(nullif(a.title, ''), a.source) AS article_title, g2.model,
               {VERDICT_COLUMNS}
        FROM claim_groups g
        JOIN claim_groups g2 ON g2.group_id = g.group_id AND g2.claim_id != g.claim_id
        JOIN claims c ON c.id = g2.claim_id
        JOIN articles a ON a.id = c.article_id
        WHERE g.claim_id = ?
        ORDER BY c.id
    """
    return list(db.query(sql, [claim_id]))


def group_sizes(db: Database) -> dict[int, int]:
    """group id -> number of claims, for groups of two or more."""
    return dict(
        db.execute(
            "SELECT group_id, count(*) FROM claim_groups GROUP BY group_id HAVING count(*) > 1"
        ).fetchall()
    )
