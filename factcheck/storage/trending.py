"""SQL for claims across articles: the LSH buckets of grouped claims, and the Trending view's
near-duplicate groups (tables ``claim_buckets``, ``claim_groups``; migration 0011)."""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.storage import Database, chunks, placeholders
from factcheck.storage.matches import VERDICT_COLUMNS

SEEN = "coalesce(a.published_date, a.ingested_at)"
"""When an article was seen: its published date, else when it was ingested."""


# --------------------------------------------------------------------------- buckets


def candidates(db: Database, slots: Sequence[int], model: str) -> dict[int, dict]:
    """The grouped claims in any of ``slots`` whose buckets hold ``model``'s vector: claim id
    -> group_id, signature and ``slots`` (those of ``slots`` it is in). Whether they are still
    check-worthy is for :func:`check_worthy_texts` to say, for the few that are compared."""
    found: dict[int, dict] = {}
    for chunk in chunks(sorted(set(int(s) for s in slots))):
        for row in db.query(
            # CROSS JOIN: SQLite starts from the buckets' key (not claim_groups' model index)
            "SELECT b.slot, g.claim_id AS id, g.group_id, g.signature FROM claim_buckets b "
            f"CROSS JOIN claim_groups g WHERE b.slot IN ({placeholders(chunk)}) "
            "AND g.claim_id = b.claim_id AND g.bucket_model = ?",
            [*chunk, model],
        ):
            slot = row.pop("slot")
            found.setdefault(row["id"], row | {"slots": set()})["slots"].add(slot)
    return found


def check_worthy_texts(db: Database, claim_ids: Sequence[int]) -> dict[int, str]:
    """claim id -> text of those of ``claim_ids`` that are check-worthy."""
    out: dict[int, str] = {}
    for chunk in chunks(list(dict.fromkeys(claim_ids))):
        out.update(
            db.execute(
                f"SELECT id, text FROM claims WHERE id IN ({placeholders(chunk)}) "
                "AND check_worthy = 1",
                list(chunk),
            ).fetchall()
        )
    return out


def unbucketed(db: Database, model: str) -> list[dict]:
    """Grouped check-worthy claims without buckets of ``model`` (grouped before migration 0011,
    or under another model): id, text, group_id. Three index searches: none once done."""
    return list(
        db.query(
            "SELECT c.id, c.text, g.group_id FROM claim_groups g CROSS JOIN claims c "
            "WHERE c.id = g.claim_id AND g.claim_id IN ("
            "SELECT claim_id FROM claim_groups WHERE bucket_model IS NULL UNION ALL "
            "SELECT claim_id FROM claim_groups WHERE bucket_model < ? UNION ALL "
            "SELECT claim_id FROM claim_groups WHERE bucket_model > ?) "
            "AND c.check_worthy = 1 ORDER BY c.id",
            [model, model],
        )
    )


def replace_buckets(
    db: Database, buckets: dict[int, tuple[Sequence[int], bytes]], model: str
) -> int:
    """Replace the buckets of grouped claims (claim id -> its slots and signature) and mark
    them as holding ``model``'s vector. Call inside a transaction, after their claim_groups
    rows."""
    ids = list(buckets)
    for chunk in chunks(ids):
        db.execute(f"DELETE FROM claim_buckets WHERE claim_id IN ({placeholders(chunk)})", chunk)
    db.executemany(
        "UPDATE claim_groups SET bucket_model = ?, signature = ? WHERE claim_id = ?",
        [(model, signature, claim_id) for claim_id, (_, signature) in buckets.items()],
    )
    rows = [(int(slot), claim_id) for claim_id, (slots, _) in buckets.items() for slot in slots]
    db.executemany(
        "INSERT INTO claim_buckets (slot, claim_id) VALUES (?, ?) ON CONFLICT DO NOTHING", rows
    )
    return len(rows)


def ungrouped_claim_ids(db: Database) -> list[int]:
    """Check-worthy claims in no near-duplicate group (added while no corpus was there to
    match them against), in id order."""
    rows = db.execute(
        "SELECT c.id FROM claims c LEFT JOIN claim_groups g ON g.claim_id = c.id "
        "WHERE c.check_worthy = 1 AND g.claim_id IS NULL ORDER BY c.id"
    )
    return [row[0] for row in rows.fetchall()]


def bucket_count(db: Database) -> int:
    """Rows in claim_buckets."""
    return int(db.execute("SELECT count(*) FROM claim_buckets").fetchone()[0])


# --------------------------------------------------------------------------- trending


def spread_groups(db: Database, *, since: str | None, min_articles: int, limit: int) -> list[dict]:
    """Near-duplicate groups of check-worthy claims spanning at least ``min_articles``
    articles (seen on or after ``since``, an ISO date, when given), most articles first, then
    the latest seen: group_id, articles, claims, first_seen, last_seen."""
    window = f"AND {SEEN} >= ?" if since else ""
    sql = f"""
        SELECT g.group_id, count(DISTINCT c.article_id) AS articles, count(*) AS claims,
               min({SEEN}) AS first_seen, max({SEEN}) AS last_seen
        FROM claim_groups g JOIN claims c ON c.id = g.claim_id
        JOIN articles a ON a.id = c.article_id
        WHERE c.check_worthy = 1 {window}
        GROUP BY g.group_id HAVING count(DISTINCT c.article_id) >= ?
        ORDER BY articles DESC, last_seen DESC, g.group_id LIMIT ?"""
    params = [since] if since else []
    return list(db.query(sql, [*params, int(min_articles), int(limit)]))


def group_claims(db: Database, group_ids: Sequence[int], since: str | None = None) -> list[dict]:
    """The check-worthy claims of ``group_ids`` (seen on or after ``since`` when given), by
    group then date: claim_id, group_id, text, speaker, status, article_id, article_title,
    seen, similarity (to the claim it joined), final_label, labels, scale."""
    window = f"AND {SEEN} >= ?" if since else ""
    out: list[dict] = []
    for chunk in chunks(list(group_ids)):
        out += db.query(
            f"""
            SELECT c.id AS claim_id, g.group_id, c.text, c.speaker, c.status, c.article_id,
                   coalesce(nullif(a.title, ''), a.source) AS article_title, {SEEN} AS seen,
                   g.similarity, {VERDICT_COLUMNS}
            FROM claim_groups g JOIN claims c ON c.id = g.claim_id
            JOIN articles a ON a.id = c.article_id
            WHERE g.group_id IN ({placeholders(chunk)}) AND c.check_worthy = 1 {window}
            ORDER BY g.group_id, {SEEN}, c.id""",
            [*chunk, *([since] if since else [])],
        )
    return out


def best_matches(db: Database, claim_ids: Sequence[int]) -> dict[int, dict]:
    """For each claim with a stored match, its best one (strong band first, then confidence,
    then similarity): claim_id -> passage_id, confidence, band, score, title, url, verdict."""
    out: dict[int, dict] = {}
    for chunk in chunks(list(claim_ids)):
        rows = db.query(
            f"""
            SELECT m.claim_id, m.passage_id, m.confidence, m.band, m.score,
                   s.title, s.url, s.verdict
            FROM matches m JOIN passages p ON p.id = m.passage_id
            JOIN sources s ON s.id = p.source_id
            WHERE m.claim_id IN ({placeholders(chunk)})
            ORDER BY m.claim_id, CASE m.band WHEN 'strong' THEN 0 WHEN 'suggested' THEN 1
                     ELSE 2 END, m.confidence DESC NULLS LAST, m.score DESC, m.rank""",
            list(chunk),
        )
        for row in rows:
            out.setdefault(row["claim_id"], row)
    return out
