"""SQL for exports: the claims of the verdict table, their verdicts, assignments, citations and
events, the matches (TREC runs), the cited sources' stances (source agreement), and what
decides who may see which of them (blind mode per claim, the accounts' roles).

Lists of claim ids travel as one JSON parameter (``json_each``), so any number fits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from factcheck.storage import Database
from factcheck.storage.blind import BLIND_MODE
from factcheck.storage.review import EFFECTIVE_VERDICT

_IDS = "(SELECT value FROM json_each(?))"

# When a claim was (last) published: its latest status event to 'published'.
PUBLISHED_AT = """(SELECT max(e.at) FROM events e WHERE e.entity = 'claims'
    AND e.entity_id = c.id AND e.action = 'claim.status'
    AND json_extract(e.after, '$.status') = 'published')"""


def _ids(claim_ids: Iterable[int]) -> str:
    return json.dumps([int(i) for i in claim_ids])


def claim_rows(
    db: Database,
    *,
    article_id: int | None = None,
    statuses: tuple[str, ...] | None = None,
    reviewer: str | None = None,
) -> list[dict]:
    """Claims with at least one verdict, with their article, in article and sentence order.

    ``reviewer`` keeps the claims that reviewer gave a verdict on or is assigned to.
    """
    clauses = ["EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_id = c.id)"]
    params: list = []
    if article_id is not None:
        clauses.append("c.article_id = ?")
        params.append(article_id)
    if statuses:
        clauses.append(f"c.status IN ({', '.join('?' for _ in statuses)})")
        params.extend(statuses)
    if reviewer:
        clauses.append(
            "EXISTS (SELECT 1 FROM reviewers r WHERE lower(r.name) = lower(?) AND ("
            "EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_id = c.id AND v.reviewer_id = r.id) "
            "OR EXISTS (SELECT 1 FROM assignments s WHERE s.claim_id = c.id "
            "AND s.reviewer_id = r.id)))"
        )
        params.append(reviewer)
    sql = f"""
        SELECT c.id AS claim_id, c.text AS claim_text, c.speaker,
               c.article_id, a.title AS article_title,
               CASE WHEN a.source_kind = 'url' THEN a.source END AS article_url,
               a.publisher AS article_publisher, a.published_date AS article_date,
               c.status, c.created_at AS claim_created_at, c.updated_at AS claim_updated_at,
               {PUBLISHED_AT} AS published_at
        FROM claims c JOIN articles a ON a.id = c.article_id
        WHERE {" AND ".join(clauses)}
        ORDER BY c.article_id, c.sentence_index, c.id"""
    return list(db.query(sql, params))


def verdict_rows(db: Database, claim_ids: Iterable[int]) -> list[dict]:
    """The claims' verdicts (individual ones in saving order, then the final one)."""
    sql = f"""
        SELECT v.claim_id, r.name AS reviewer, v.label, v.scale, v.ordinal, v.confidence,
               v.rationale, v.is_final, v.created_at, v.updated_at
        FROM verdicts v JOIN reviewers r ON r.id = v.reviewer_id
        WHERE v.claim_id IN {_IDS}
        ORDER BY v.claim_id, v.is_final, v.created_at, v.id"""
    return list(db.query(sql, [_ids(claim_ids)]))


def assignment_rows(db: Database, claim_ids: Iterable[int]) -> list[dict]:
    """Who is assigned to each claim, in assignment order."""
    sql = f"""
        SELECT s.claim_id, r.name AS reviewer FROM assignments s
        JOIN reviewers r ON r.id = s.reviewer_id
        WHERE s.claim_id IN {_IDS} ORDER BY s.claim_id, s.id"""
    return list(db.query(sql, [_ids(claim_ids)]))


def citation_rows(db: Database, claim_ids: Iterable[int]) -> list[dict]:
    """The claims' citations: a corpus passage's source (URL, title, passage text) or an
    external URL and title, with quote, stance, who cited it and whether the published verdict
    cites it (``in_final``)."""
    sql = f"""
        SELECT ct.claim_id, ct.id AS citation_id, ct.passage_id, p.source_id,
               coalesce(ct.url, s.url) AS url, coalesce(ct.title, s.title) AS title,
               coalesce(ct.quote, p.text) AS quote, ct.stance, s.publisher,
               ct.accessed_at, ct.note, ct.created_by AS cited_by, ct.created_at AS cited_at,
               ct.in_final
        FROM citations ct
        LEFT JOIN passages p ON p.id = ct.passage_id LEFT JOIN sources s ON s.id = p.source_id
        WHERE ct.claim_id IN {_IDS} ORDER BY ct.claim_id, ct.id"""
    return list(db.query(sql, [_ids(claim_ids)]))


def event_rows(db: Database, claim_ids: Iterable[int]) -> list[dict]:
    """Every recorded change to the claims (status, verdicts, citations), oldest first."""
    sql = f"""
        SELECT e.id AS event_id, e.at, e.actor, e.action, e.entity, e.entity_id, e.claim_id,
               e.before, e.after
        FROM events e WHERE e.claim_id IN {_IDS} ORDER BY e.id"""
    return list(db.query(sql, [_ids(claim_ids)]))


def match_rows(db: Database, article_id: int | None = None) -> list[dict]:
    """Matches (claim -> passage with its source), by method, model, claim and rank."""
    where, params = "", []
    if article_id is not None:
        where, params = "WHERE c.article_id = ?", [article_id]
    sql = f"""
        SELECT m.claim_id, m.passage_id, p.source_id, m.rank, m.score, m.method, m.model
        FROM matches m JOIN passages p ON p.id = m.passage_id JOIN claims c ON c.id = m.claim_id
        {where} ORDER BY m.method, m.model, m.claim_id, m.rank, m.passage_id"""
    return list(db.query(sql, params))


# The scale of the effective verdict (storage.review.EFFECTIVE_VERDICT gives its label).
EFFECTIVE_SCALE = """coalesce(
    (SELECT v.scale FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 1),
    CASE WHEN c.status IN ('verdict', 'published') THEN
        (SELECT CASE WHEN count(DISTINCT v.scale || ':' || v.label) = 1 THEN min(v.scale) END
           FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 0) END)"""


def source_stance_rows(db: Database) -> list[dict]:
    """Every cited source's stance on a claim (not 'context'), with the claim's final verdict
    (the editor's, else the one all reviewers agreed on) and its scale, the claim's status and
    whether the published verdict cites it (``in_final``)."""
    sql = f"""
        SELECT ct.claim_id, ct.id AS citation_id, ct.passage_id, p.source_id, s.publisher,
               coalesce(ct.title, s.title) AS title, coalesce(ct.url, s.url) AS url, ct.stance,
               {EFFECTIVE_VERDICT} AS final_verdict, {EFFECTIVE_SCALE} AS final_scale,
               ct.in_final, c.status
        FROM citations ct JOIN claims c ON c.id = ct.claim_id
        LEFT JOIN passages p ON p.id = ct.passage_id LEFT JOIN sources s ON s.id = p.source_id
        WHERE ct.stance <> 'context' ORDER BY ct.claim_id, ct.id"""
    return list(db.query(sql))


def blind_mode_claim_ids(db: Database, claim_ids: Iterable[int]) -> set[int]:
    """Which of the claims belong to an article reviewed blind (its setting, else the global)."""
    sql = f"SELECT c.id FROM claims c WHERE c.id IN {_IDS} AND {BLIND_MODE}"
    return {row[0] for row in db.execute(sql, [_ids(claim_ids)]).fetchall()}


def claim_statuses(db: Database, claim_ids: Iterable[int]) -> dict[int, str]:
    """Each claim's status by id."""
    sql = f"SELECT id, status FROM claims WHERE id IN {_IDS}"
    return {row[0]: row[1] for row in db.execute(sql, [_ids(claim_ids)]).fetchall()}
