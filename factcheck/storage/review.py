"""SQL for review: reviewers, assignments, verdicts, citations, dismissed evidence, settings,
the review queue and imported labels. Every write records its event (call inside a transaction).
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from factcheck.errors import ConflictError, NotFoundError
from factcheck.storage import Database, accounts, events, utcnow
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage.blind import BLIND_VERSION, blinded_sql, seen_status_sql, seen_updated_sql
from factcheck.storage.matches import BEST_MATCH
from factcheck.types import Document, SentenceClaim


def write_transaction(db: Database) -> AbstractContextManager[Any]:
    """``db.atomic()`` for a transaction that writes: on SQLite a new one begins IMMEDIATE (it
    takes the write lock first, so its reads are current and a concurrent writer waits instead
    of failing); on PostgreSQL the compare-and-set of :func:`lock_claim` orders writers (see
    :mod:`factcheck.storage.engine`)."""
    return db.write_transaction()


# ---------------------------------------------------------------- reviewers


def get_reviewer(db: Database, name: str) -> dict | None:
    """The account called ``name`` (case-insensitive, without its password hash), or None."""
    return accounts.get(db, name)


def insert_reviewer(db: Database, name: str, role: str, *, actor: str) -> dict:
    """A new account without a password (imported labels, local use)."""
    return accounts.insert(db, name, role, actor=actor)


def set_reviewer_role(db: Database, reviewer: dict, role: str, *, actor: str) -> dict:
    return accounts.update(db, reviewer, actor=actor, action="reviewer.role", role=role)


def list_reviewers(db: Database) -> list[dict]:
    """Every account (without password hashes), by name."""
    return accounts.list_all(db)


# ---------------------------------------------------------------- claims (version, status)


def lock_claim(db: Database, claim_id: int, expected_version: int | None) -> dict:
    """Compare-and-set: bump the claim's version (first write of the transaction); the new row.

    With ``expected_version`` None the bump is unconditional. On PostgreSQL a concurrent
    writer of the claim waits here for the row lock, then finds the version changed.
    """
    sql = "UPDATE claims SET version = version + 1, updated_at = ? WHERE id = ?"
    params: list[Any] = [utcnow(), claim_id]
    if expected_version is not None:
        sql += " AND version = ?"
        params.append(expected_version)
    cursor = db.execute(sql, params)
    if cursor.rowcount != 1:
        current = claim_store.get(db, claim_id)  # NotFoundError when missing
        raise ConflictError(
            f"claim {claim_id} was changed by someone else (now version {current['version']}, "
            f"you had {expected_version}); reload the claim and save again"
        )
    return claim_store.get(db, claim_id)


def set_status(
    db: Database, claim: dict, status: str, *, actor: str, reason: str | None = None
) -> dict:
    """Change a locked claim's status (no second version bump) and record it."""
    db.execute("UPDATE claims SET status = ? WHERE id = ?", [status, claim["id"]])
    after = {"status": status} | ({"reason": reason} if reason else {})
    events.record(
        db,
        actor=actor,
        action="claim.status",
        entity="claims",
        entity_id=claim["id"],
        before={"status": claim["status"]},
        after=after,
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )
    return claim | {"status": status}


# ---------------------------------------------------------------- assignments


def insert_assignment(db: Database, claim: dict, reviewer: dict, *, actor: str) -> bool:
    """Assign a reviewer to a claim; False when already assigned (nothing recorded)."""
    inserted = db.execute(
        "INSERT INTO assignments (claim_id, reviewer_id, assigned_by, assigned_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        [claim["id"], reviewer["id"], actor, utcnow()],
    ).fetchall()
    if len(inserted) != 1:
        return False
    events.record(
        db,
        actor=actor,
        action="claim.assigned",
        entity="assignments",
        entity_id=inserted[0][0],
        after={"reviewer": reviewer["name"]},
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )
    return True


def assignees(db: Database, claim_id: int) -> list[dict]:
    """The reviewers assigned to a claim, in assignment order."""
    sql = (
        "SELECT r.id, r.name, r.role, s.assigned_by, s.assigned_at FROM assignments s "
        "JOIN reviewers r ON r.id = s.reviewer_id WHERE s.claim_id = ? ORDER BY s.id"
    )
    return list(db.query(sql, [claim_id]))


# ---------------------------------------------------------------- verdicts

VERDICT_SELECT = (
    "SELECT v.*, r.name AS reviewer, r.role AS reviewer_role FROM verdicts v "
    "JOIN reviewers r ON r.id = v.reviewer_id"
)


def verdicts_of(db: Database, claim_id: int) -> list[dict]:
    """A claim's verdicts: individual ones in saving order, then the final one."""
    sql = f"{VERDICT_SELECT} WHERE v.claim_id = ? ORDER BY v.is_final, v.created_at, v.id"
    return list(db.query(sql, [claim_id]))


def get_verdict(db: Database, claim_id: int, reviewer_id: int) -> dict | None:
    """A reviewer's individual verdict on a claim, or None."""
    sql = f"{VERDICT_SELECT} WHERE v.claim_id = ? AND v.reviewer_id = ? AND v.is_final = 0"
    rows = list(db.query(sql, [claim_id, reviewer_id]))
    return rows[0] if rows else None


def get_final(db: Database, claim_id: int) -> dict | None:
    """The editor's final verdict on a claim, or None."""
    rows = list(db.query(f"{VERDICT_SELECT} WHERE v.claim_id = ? AND v.is_final = 1", [claim_id]))
    return rows[0] if rows else None


VERDICT_FIELDS = ("label", "scale", "ordinal", "confidence", "rationale")


def upsert_verdict(
    db: Database,
    claim: dict,
    reviewer: dict,
    values: dict,
    *,
    actor: str,
    is_final: bool = False,
    at: str | None = None,
    action: str = "verdict.saved",
) -> dict:
    """Insert or update an individual (or the final) verdict and record it; the row after.

    ``at`` sets created_at/updated_at (imported labels keep their own timestamp).
    """
    at = at or utcnow()
    if is_final:
        before = get_final(db, claim["id"])
    else:
        before = get_verdict(db, claim["id"], reviewer["id"])
    fields = {name: values.get(name) for name in VERDICT_FIELDS}
    if before is None:
        row = fields | {
            "claim_id": claim["id"],
            "reviewer_id": reviewer["id"],
            "is_final": int(is_final),
            "created_at": at,
            "updated_at": at,
        }
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        verdict_id = events.insert_id(
            db, f"INSERT INTO verdicts ({columns}) VALUES ({marks})", list(row.values())
        )
    else:
        verdict_id = before["id"]
        sets = ", ".join(f"{name} = ?" for name in fields)
        db.execute(
            f"UPDATE verdicts SET {sets}, reviewer_id = ?, updated_at = ?, version = version + 1 "
            "WHERE id = ?",
            [*fields.values(), reviewer["id"], at, verdict_id],
        )
    after = list(db.query(f"{VERDICT_SELECT} WHERE v.id = ?", [verdict_id]))[0]
    events.record(
        db,
        actor=actor,
        action=action,
        entity="verdicts",
        entity_id=verdict_id,
        before=_verdict_summary(before),
        after=_verdict_summary(after),
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )
    return after


def _verdict_summary(row: dict | None) -> dict | None:
    if row is None:
        return None
    keys = ("reviewer", *VERDICT_FIELDS, "is_final", "version")
    return {key: row[key] for key in keys}


def link_citations(db: Database, claim_id: int, verdict_id: int, created_by: str) -> int:
    """Attach a reviewer's not yet attached citations of a claim to their verdict."""
    cursor = db.execute(
        "UPDATE citations SET verdict_id = ? WHERE claim_id = ? AND created_by = ? "
        "AND verdict_id IS NULL",
        [verdict_id, claim_id, created_by],
    )
    return cursor.rowcount


# ---------------------------------------------------------------- citations and evidence


def get_passage(db: Database, passage_id: int) -> dict:
    """A corpus passage with its source's title, url and publisher."""
    sql = (
        "SELECT p.*, s.title AS source_title, s.url AS source_url, s.publisher, "
        "s.verdict AS source_verdict FROM passages p JOIN sources s ON s.id = p.source_id "
        "WHERE p.id = ?"
    )
    rows = list(db.query(sql, [passage_id]))
    if not rows:
        raise NotFoundError(f"no passage with id {passage_id}; pick one of the claim's matches")
    return rows[0]


CITATION_SELECT = (
    "SELECT c.*, p.text AS passage_text, s.title AS source_title, s.url AS source_url, "
    "s.publisher AS source_publisher, s.verdict AS source_verdict FROM citations c "
    "LEFT JOIN passages p ON p.id = c.passage_id LEFT JOIN sources s ON s.id = p.source_id"
)


def citations_of(db: Database, claim_id: int, owner: str | None = None) -> list[dict]:
    """A claim's citations (only ``owner``'s when given), oldest first."""
    if owner is None:
        return list(db.query(f"{CITATION_SELECT} WHERE c.claim_id = ? ORDER BY c.id", [claim_id]))
    sql = f"{CITATION_SELECT} WHERE c.claim_id = ? AND c.created_by = ? ORDER BY c.id"
    return list(db.query(sql, [claim_id, owner]))


def get_citation(db: Database, citation_id: int) -> dict:
    rows = list(db.query(f"{CITATION_SELECT} WHERE c.id = ?", [citation_id]))
    if not rows:
        raise NotFoundError(f"no citation with id {citation_id}; reload the claim")
    return rows[0]


def passage_citation(db: Database, claim_id: int, passage_id: int, owner: str) -> dict | None:
    """``owner``'s citation of a passage for a claim, or None."""
    sql = f"{CITATION_SELECT} WHERE c.claim_id = ? AND c.passage_id = ? AND c.created_by = ?"
    rows = list(db.query(sql, [claim_id, passage_id, owner]))
    return rows[0] if rows else None


def count_citations(db: Database, claim_id: int, *, in_final: bool = False) -> int:
    sql = "SELECT count(*) FROM citations WHERE claim_id = ?"
    if in_final:
        sql += " AND in_final = 1"
    return db.execute(sql, [claim_id]).fetchone()[0]


def choose_final_citations(
    db: Database, claim: dict, citation_ids: list[int] | None, *, actor: str
) -> int:
    """Mark the citations the published verdict cites (None: every citation of the claim)."""
    db.execute("UPDATE citations SET in_final = 0 WHERE claim_id = ?", [claim["id"]])
    if citation_ids is None:
        cursor = db.execute("UPDATE citations SET in_final = 1 WHERE claim_id = ?", [claim["id"]])
        chosen = None
    else:
        chosen = sorted({int(i) for i in citation_ids})
        cursor = db.execute(
            "UPDATE citations SET in_final = 1 WHERE claim_id = ? "
            "AND id IN (SELECT value FROM json_each(?))",
            [claim["id"], json.dumps(chosen)],
        )
    events.record(
        db,
        actor=actor,
        action="citation.chosen",
        entity="claims",
        entity_id=claim["id"],
        after={"citations": chosen if chosen is not None else "all"},
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )
    return cursor.rowcount


CITATION_FIELDS = (
    "verdict_id",
    "passage_id",
    "url",
    "title",
    "quote",
    "accessed_at",
    "stance",
    "note",
)


def insert_citation(db: Database, claim: dict, values: dict, *, actor: str) -> dict:
    row = {name: values.get(name) for name in CITATION_FIELDS}
    row |= {"claim_id": claim["id"], "created_by": actor, "created_at": utcnow()}
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    citation_id = events.insert_id(
        db, f"INSERT INTO citations ({columns}) VALUES ({marks})", list(row.values())
    )
    events.record(
        db,
        actor=actor,
        action="citation.added",
        entity="citations",
        entity_id=citation_id,
        after=row,
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )
    return get_citation(db, citation_id)


def update_citation(
    db: Database, citation: dict, changes: dict, *, actor: str, claim: dict
) -> dict:
    sets = ", ".join(f"{name} = ?" for name in changes)
    db.execute(f"UPDATE citations SET {sets} WHERE id = ?", [*changes.values(), citation["id"]])
    events.record(
        db,
        actor=actor,
        action="citation.updated",
        entity="citations",
        entity_id=citation["id"],
        before={k: citation[k] for k in changes},
        after=changes,
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )
    return get_citation(db, citation["id"])


def delete_citation(db: Database, citation: dict, *, actor: str, claim: dict) -> None:
    db.execute("DELETE FROM citations WHERE id = ?", [citation["id"]])
    before = {name: citation[name] for name in (*CITATION_FIELDS, "created_by", "created_at")}
    events.record(
        db,
        actor=actor,
        action="citation.removed",
        entity="citations",
        entity_id=citation["id"],
        before=before,
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )


def get_dismissal(db: Database, claim_id: int, passage_id: int, owner: str) -> dict | None:
    rows = list(
        db.query(
            "SELECT * FROM evidence_dismissals WHERE claim_id = ? AND passage_id = ? "
            "AND dismissed_by = ?",
            [claim_id, passage_id, owner],
        )
    )
    return rows[0] if rows else None


def dismissals_of(db: Database, claim_id: int, owner: str | None = None) -> list[dict]:
    """A claim's dismissed evidence (only ``owner``'s when given)."""
    sql = "SELECT * FROM evidence_dismissals WHERE claim_id = ?"
    params: list[Any] = [claim_id]
    if owner is not None:
        sql += " AND dismissed_by = ?"
        params.append(owner)
    return list(db.query(sql + " ORDER BY id", params))


def insert_dismissal(
    db: Database, claim: dict, passage_id: int, reason: str | None, *, actor: str
) -> dict:
    row = {
        "claim_id": claim["id"],
        "passage_id": passage_id,
        "reason": reason,
        "dismissed_by": actor,
        "dismissed_at": utcnow(),
    }
    dismissal_id = events.insert_id(
        db,
        "INSERT INTO evidence_dismissals (claim_id, passage_id, reason, dismissed_by, "
        "dismissed_at) VALUES (?, ?, ?, ?, ?)",
        list(row.values()),
    )
    events.record(
        db,
        actor=actor,
        action="evidence.dismissed",
        entity="evidence_dismissals",
        entity_id=dismissal_id,
        after=row,
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )
    return {"id": dismissal_id, **row}


def delete_dismissal(db: Database, dismissal: dict, *, actor: str, claim: dict) -> None:
    db.execute("DELETE FROM evidence_dismissals WHERE id = ?", [dismissal["id"]])
    events.record(
        db,
        actor=actor,
        action="evidence.restored",
        entity="evidence_dismissals",
        entity_id=dismissal["id"],
        before=dismissal,
        claim_id=claim["id"],
        article_id=claim["article_id"],
    )


def evidence_of(db: Database, claim_id: int, owner: str) -> list[dict]:
    """A claim's matched passages (best score per passage) in rank order with source, best
    confidence, and ``owner``'s own citation (stance, id) and dismissal of each; nobody
    else's."""
    sql = """
        SELECT p.id AS passage_id, p.text, p.field, s.id AS source_id, s.title AS source_title,
               s.url AS source_url, s.publisher, s.verdict AS source_verdict,
               max(m.score) AS score, min(m.rank) AS rank, max(m.confidence) AS confidence,
               group_concat(DISTINCT m.method) AS methods,
               (SELECT ct.stance FROM citations ct WHERE ct.claim_id = :claim
                 AND ct.passage_id = p.id AND ct.created_by = :owner) AS stance,
               (SELECT ct.id FROM citations ct WHERE ct.claim_id = :claim
                 AND ct.passage_id = p.id AND ct.created_by = :owner) AS citation_id,
               CASE WHEN EXISTS (SELECT 1 FROM evidence_dismissals d WHERE d.claim_id = :claim
                 AND d.passage_id = p.id AND d.dismissed_by = :owner) THEN 1 ELSE 0 END
                 AS dismissed
        FROM matches m JOIN passages p ON p.id = m.passage_id JOIN sources s ON s.id = p.source_id
        WHERE m.claim_id = :claim GROUP BY p.id, s.id ORDER BY min(m.rank), score DESC, p.id
    """
    return list(db.query(sql, {"claim": claim_id, "owner": owner}))


# ---------------------------------------------------------------- settings


def scope_of(article_id: int | None) -> str:
    return "global" if article_id is None else f"article:{article_id}"


def get_setting(db: Database, key: str, article_id: int | None = None) -> Any:
    """The article's value of ``key`` if set, else the global one, else None."""
    scopes = [scope_of(article_id), "global"] if article_id is not None else ["global"]
    for scope in scopes:
        row = db.execute(
            "SELECT value FROM settings WHERE scope = ? AND key = ?", [scope, key]
        ).fetchone()
        if row:
            return json.loads(row[0])
    return None


def put_setting(
    db: Database, key: str, value: Any, *, actor: str, article_id: int | None = None
) -> None:
    scope = scope_of(article_id)
    row = db.execute(
        "SELECT value FROM settings WHERE scope = ? AND key = ?", [scope, key]
    ).fetchone()
    db.execute(
        "INSERT INTO settings (scope, key, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, "
        "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        [scope, key, json.dumps(value), actor, utcnow()],
    )
    events.record(
        db,
        actor=actor,
        action="setting.changed",
        entity="settings",
        entity_id=None,
        before=None if row is None else {key: json.loads(row[0]), "scope": scope},
        after={key: value, "scope": scope},
        article_id=article_id,
    )


# ---------------------------------------------------------------- queue

# The verdict a claim ends with: the final one, else the agreed label once all have saved.
EFFECTIVE_VERDICT = """coalesce(
    (SELECT v.label FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 1),
    CASE WHEN c.status IN ('verdict', 'published') THEN
        (SELECT CASE WHEN count(DISTINCT v.scale || ':' || v.label) = 1 THEN min(v.label) END
           FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 0) END)"""

# Everyone assigned has saved, the labels differ, and no editor has decided yet.
NEEDS_ADJUDICATION = """(c.status IN ('in_review', 'awaiting_second_review', 'verdict')
    AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 1)
    AND (SELECT count(DISTINCT v.scale || ':' || v.label) FROM verdicts v
           WHERE v.claim_id = c.id AND v.is_final = 0) > 1
    AND NOT EXISTS (SELECT 1 FROM assignments s WHERE s.claim_id = c.id AND NOT EXISTS
           (SELECT 1 FROM verdicts v WHERE v.claim_id = c.id AND v.reviewer_id = s.reviewer_id
              AND v.is_final = 0)))"""


def queue_columns(viewer_id: int | None) -> str:
    """The queue's columns as ``viewer_id`` may see them (None: everything)."""
    if viewer_id is None:
        return QUEUE_COLUMNS
    hidden = blinded_sql(viewer_id)
    vid = int(viewer_id)
    return f"""
    c.id, c.article_id, a.title AS article_title, c.sentence_index, c.text, c.speaker,
    c.claim_type, c.score, c.check_worthy, {seen_status_sql(viewer_id)} AS status,
    CASE WHEN {hidden} THEN {BLIND_VERSION} ELSE c.version END AS version, c.created_at,
    {seen_updated_sql(viewer_id)} AS updated_at, coalesce(a.published_date, a.ingested_at) AS date,
    CASE WHEN {hidden} THEN (SELECT r.name FROM assignments s JOIN reviewers r
            ON r.id = s.reviewer_id WHERE s.claim_id = c.id AND r.id = {vid})
         ELSE (SELECT group_concat(r.name, ', ') FROM assignments s JOIN reviewers r
            ON r.id = s.reviewer_id WHERE s.claim_id = c.id) END AS assignees,
    {BEST_MATCH} AS best_match,
    CASE WHEN {hidden} THEN (SELECT count(*) FROM citations ct WHERE ct.claim_id = c.id
            AND ct.created_by = (SELECT name FROM reviewers WHERE id = {vid}))
         ELSE (SELECT count(*) FROM citations ct WHERE ct.claim_id = c.id) END AS citations,
    CASE WHEN {hidden} THEN 0 ELSE (SELECT count(*) FROM verdicts v WHERE v.claim_id = c.id
            AND v.is_final = 0) END AS verdicts,
    CASE WHEN {hidden} THEN NULL ELSE {EFFECTIVE_VERDICT} END AS verdict,
    CASE WHEN NOT {hidden} AND {NEEDS_ADJUDICATION} THEN 1 ELSE 0 END AS needs_adjudication"""


QUEUE_COLUMNS = f"""
    c.id, c.article_id, a.title AS article_title, c.sentence_index, c.text, c.speaker,
    c.claim_type, c.score, c.check_worthy, c.status, c.version, c.created_at, c.updated_at,
    coalesce(a.published_date, a.ingested_at) AS date,
    (SELECT group_concat(r.name, ', ') FROM assignments s JOIN reviewers r
       ON r.id = s.reviewer_id WHERE s.claim_id = c.id) AS assignees,
    {BEST_MATCH} AS best_match,
    (SELECT count(*) FROM citations ct WHERE ct.claim_id = c.id) AS citations,
    (SELECT count(*) FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 0) AS verdicts,
    {EFFECTIVE_VERDICT} AS verdict,
    CASE WHEN {NEEDS_ADJUDICATION} THEN 1 ELSE 0 END AS needs_adjudication"""

SORTS = {
    "score": ("c.score",),
    "date": ("coalesce(a.published_date, a.ingested_at)", "c.article_id", "c.sentence_index"),
    "updated": ("c.updated_at",),
    "position": ("c.article_id", "c.sentence_index"),
    "match": ("best_match",),
    # spread: how many articles the claim's near-duplicate group spans (0: not grouped), from
    # the groups' counts joined once (sort_joins), not a subquery per row over its group
    "spread": ("coalesce(sp.articles, 0)", "c.score"),
}
SPREAD_JOIN = (
    " LEFT JOIN claim_groups sg ON sg.claim_id = c.id LEFT JOIN (SELECT g.group_id, "
    "count(DISTINCT gc.article_id) AS articles FROM claim_groups g JOIN claims gc "
    "ON gc.id = g.claim_id GROUP BY g.group_id) sp ON sp.group_id = sg.group_id"
)


def sort_joins(sort: str) -> str:
    """The joins ``sort``'s ORDER BY needs after ``claims c JOIN articles a``."""
    return SPREAD_JOIN if sort == "spread" else ""


def sort_columns(sort: str, viewer_id: int | None = None) -> tuple[str, ...]:
    """The ORDER BY expressions of ``sort`` as ``viewer_id`` may see them (a blinded claim's
    last change is its creation: others' work must not reorder a blind queue)."""
    if sort == "updated":
        return (seen_updated_sql(viewer_id),)
    return SORTS[sort]


def sort_order(columns: tuple[str, ...], descending: bool) -> str:
    """ORDER BY terms with NULLs where SQLite puts them (first ascending, last descending):
    both engines sort the queue alike."""
    direction = "DESC NULLS LAST" if descending else "ASC NULLS FIRST"
    return ", ".join(f"{column} {direction}" for column in columns)


@dataclass(frozen=True)
class QueueFilters:
    """What the review queue shows; None means no filter."""

    article_id: int | None = None
    statuses: tuple[str, ...] | None = None
    min_score: float | None = None
    max_score: float | None = None
    claim_type: str | None = None
    assignee: str | None = None
    verdict: str | None = None
    strong_match: float | None = None  # only claims with a match of at least this confidence
    needs_adjudication: bool | None = None
    search: str | None = None
    include_all: bool = False  # also sentences that are not check-worthy


def _where(
    filters: QueueFilters, *, with_status: bool = True, viewer_id: int | None = None
) -> tuple[str, list]:
    """The WHERE clause of the queue. A viewer who may not see everything filters on what
    they see: their status, and on others' work (assignee, verdict, adjudication) only where
    they are not blinded."""
    clauses: list[str] = []
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        clauses.append(sql)
        params.extend(values)

    if not filters.include_all:
        add("c.check_worthy = 1")
    if filters.article_id is not None:
        add("c.article_id = ?", filters.article_id)
    status = seen_status_sql(viewer_id)
    shown = "TRUE" if viewer_id is None else f"NOT {blinded_sql(viewer_id)}"
    if with_status and filters.statuses:
        add(f"{status} IN ({', '.join('?' for _ in filters.statuses)})", *filters.statuses)
    if filters.min_score is not None:
        add("c.score >= ?", filters.min_score)
    if filters.max_score is not None:
        add("c.score <= ?", filters.max_score)
    if filters.claim_type:
        add("c.claim_type = ?", filters.claim_type)
    if filters.assignee:
        add(
            "EXISTS (SELECT 1 FROM assignments s JOIN reviewers r ON r.id = s.reviewer_id "
            "WHERE s.claim_id = c.id AND lower(r.name) = lower(?)"
            + ("" if viewer_id is None else f" AND (r.id = {int(viewer_id)} OR {shown})")
            + ")",
            filters.assignee,
        )
    if filters.verdict:
        add(f"{EFFECTIVE_VERDICT} = ? AND {shown}", filters.verdict)
    if filters.strong_match is not None:
        add(
            "EXISTS (SELECT 1 FROM matches m WHERE m.claim_id = c.id AND m.confidence >= ?)",
            filters.strong_match,
        )
    if filters.needs_adjudication is not None:
        add(
            f"(CASE WHEN {shown} AND {NEEDS_ADJUDICATION} THEN 1 ELSE 0 END) = ?",
            int(filters.needs_adjudication),
        )
    if filters.search:
        pattern = "%" + _escape_like(filters.search) + "%"
        add(
            "(lower(c.text) LIKE lower(?) ESCAPE '\\' "
            "OR lower(coalesce(c.speaker, '')) LIKE lower(?) ESCAPE '\\')",
            pattern,
            pattern,
        )
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def queue_rows(
    db: Database,
    filters: QueueFilters,
    *,
    sort: str = "score",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
    viewer_id: int | None = None,
) -> list[dict]:
    """One page of the queue; ``sort`` is a key of :data:`SORTS` (checked by the caller);
    ``viewer_id`` sees only what blind review lets them (None: everything).

    Two steps: the page's ids (sorting only what the order needs), then the page's columns,
    so the per-row subqueries run for the page and not for every row before the offset.
    """
    where, params = _where(filters, viewer_id=viewer_id)
    order = sort_order(sort_columns(sort, viewer_id), descending)
    extra = f", {BEST_MATCH} AS best_match" if sort == "match" else ""
    ids = [
        row[0]
        for row in db.execute(
            f"SELECT c.id{extra} FROM claims c JOIN articles a ON a.id = c.article_id"
            f"{sort_joins(sort)} {where} ORDER BY {order}, c.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = {
        row["id"]: row
        for row in db.query(
            f"SELECT {queue_columns(viewer_id)} FROM claims c "
            f"JOIN articles a ON a.id = c.article_id WHERE c.id IN ({marks})",
            ids,
        )
    }
    return [rows[claim_id] for claim_id in ids]


def queue_counts(
    db: Database, filters: QueueFilters, viewer_id: int | None = None
) -> dict[str, int]:
    """Claims per status (as the viewer sees it) matching every filter except the status one."""
    where, params = _where(filters, with_status=False, viewer_id=viewer_id)
    sql = (
        f"SELECT {seen_status_sql(viewer_id)} AS seen, count(*) FROM claims c "
        f"JOIN articles a ON a.id = c.article_id {where} GROUP BY seen"
    )
    return {status: n for status, n in db.execute(sql, params).fetchall()}


def needs_adjudication(db: Database, claim_id: int) -> bool:
    row = db.execute(
        f"SELECT {NEEDS_ADJUDICATION} FROM claims c WHERE c.id = ?", [claim_id]
    ).fetchone()
    return bool(row and row[0])


def adjudication_rows(db: Database) -> list[dict]:
    """Claims whose reviewers disagree and that have no final verdict, oldest change first."""
    sql = (
        f"SELECT {QUEUE_COLUMNS} FROM claims c JOIN articles a ON a.id = c.article_id "
        f"WHERE {NEEDS_ADJUDICATION} ORDER BY c.updated_at, c.id"
    )
    return list(db.query(sql))


def annotation_rows(
    db: Database,
    *,
    scale: str | None = None,
    include_final: bool = False,
    viewer_id: int | None = None,
) -> list[dict]:
    """Verdicts in long form (one row per claim and reviewer) for agreement statistics;
    ``viewer_id`` gets only the claims blind review lets them see (None: all)."""
    where = [] if include_final else ["v.is_final = 0"]
    if viewer_id is not None:
        where.append(
            f"NOT EXISTS (SELECT 1 FROM claims c WHERE c.id = v.claim_id AND "
            f"{blinded_sql(viewer_id)})"
        )
    params: list = []
    if scale:
        where.append("v.scale = ?")
        params.append(scale)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = (
        "SELECT v.claim_id, r.name AS reviewer, r.role, v.label, v.scale, v.ordinal, "
        "v.confidence, v.is_final, v.created_at, v.updated_at FROM verdicts v "
        f"JOIN reviewers r ON r.id = v.reviewer_id {clause} ORDER BY v.claim_id, r.name, v.is_final"
    )
    return list(db.query(sql, params))


# ---------------------------------------------------------------- imported labels


def imported_article(db: Database, name: str, *, actor: str) -> int:
    """The id of the 'imported' article called ``name``, created (without text) when missing."""
    content_hash = hashlib.sha256(f"imported:{name}".encode()).hexdigest()
    row = db.execute("SELECT id FROM articles WHERE content_hash = ?", [content_hash]).fetchone()
    if row:
        return row[0]
    document = Document(text="", source=name, source_kind="imported", title=name)
    return article_store.insert(
        db, document, content_hash=content_hash, extractor="imported", actor=actor
    )


def find_claim_by_text(db: Database, text: str) -> int | None:
    """The oldest claim with exactly this (stripped) text, or None."""
    row = db.execute(
        "SELECT id FROM claims WHERE text_hash = ? ORDER BY id LIMIT 1",
        [claim_store.text_hash(text)],
    ).fetchone()
    return row[0] if row else None


def insert_imported_claim(db: Database, article_id: int, text: str, *, actor: str) -> int:
    """A check-worthy claim with no span in its (textless) imported article."""
    row = db.execute(
        "SELECT coalesce(max(sentence_index) + 1, 0) FROM claims WHERE article_id = ?", [article_id]
    ).fetchone()
    claim = SentenceClaim(
        sentence_index=row[0],
        text=text.strip(),
        start=0,
        end=0,
        score=1.0,
        reasons=["imported"],
        check_worthy=True,
        origin="imported",
        anchored=False,
    )
    return claim_store.insert_many(db, article_id, [claim], actor=actor)[0]


# ---------------------------------------------------------------- blind review and drafts


def blinded_claim_ids(db: Database, viewer_id: int, claim_ids: list[int]) -> set[int]:
    """Which of ``claim_ids`` hide others' work from the viewer (see :func:`blinded_sql`)."""
    sql = (
        f"SELECT c.id FROM claims c WHERE c.id IN (SELECT value FROM json_each(?)) "
        f"AND {blinded_sql(viewer_id)}"
    )
    ids = json.dumps([int(i) for i in claim_ids])
    return {row[0] for row in db.execute(sql, [ids]).fetchall()}


def get_draft(db: Database, claim_id: int, reviewer_id: int) -> dict | None:
    row = db.execute(
        "SELECT value FROM drafts WHERE claim_id = ? AND reviewer_id = ?", [claim_id, reviewer_id]
    ).fetchone()
    return json.loads(row[0]) if row else None


def put_draft(db: Database, claim_id: int, reviewer_id: int, value: str) -> None:
    """Keep a draft (not an audited change: nothing is decided until the verdict is saved)."""
    db.execute(
        "INSERT INTO drafts (claim_id, reviewer_id, value, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (claim_id, reviewer_id) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at",
        [claim_id, reviewer_id, value, utcnow()],
    )


def delete_draft(db: Database, claim_id: int, reviewer_id: int) -> None:
    db.execute("DELETE FROM drafts WHERE claim_id = ? AND reviewer_id = ?", [claim_id, reviewer_id])
