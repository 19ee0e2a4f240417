"""SQL behind the review workbench pages: queue neighbours, filter options, evidence state.

The queue's own filters and sorts come from :mod:`factcheck.storage.review` so the pages and
the queue never disagree on what a filter means.
"""

from __future__ import annotations

from factcheck.storage import Database
from factcheck.storage.matches import BEST_MATCH
from factcheck.storage.review import QueueFilters, _where, sort_columns, sort_joins, sort_order


def queue_ids(
    db: Database,
    filters: QueueFilters,
    *,
    sort: str = "score",
    descending: bool = True,
    viewer_id: int | None = None,
) -> list[int]:
    """Every claim id of the queue in queue order (ids only: cheap even for 10,000 claims);
    ``viewer_id`` filters on what blind review lets that viewer see (None: everything)."""
    where, params = _where(filters, viewer_id=viewer_id)
    columns = sort_columns(sort, viewer_id)
    if sort == "match":  # the alias only exists in the full queue select
        columns = (BEST_MATCH,)
    order = sort_order(columns, descending)
    sql = (
        f"SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id{sort_joins(sort)} "
        f"{where} ORDER BY {order}, c.id"
    )
    return [row[0] for row in db.execute(sql, params).fetchall()]


def article_choices(db: Database) -> list[dict]:
    """Articles for a filter: id and title (or source), in id order."""
    return list(
        db.query(
            "SELECT id, coalesce(nullif(title, ''), source, 'article ' || id) AS title "
            "FROM articles ORDER BY id"
        )
    )


def claim_types(db: Database) -> list[str]:
    rows = db.execute(
        "SELECT DISTINCT claim_type FROM claims WHERE claim_type IS NOT NULL "
        "AND check_worthy = 1 ORDER BY claim_type"
    ).fetchall()
    return [row[0] for row in rows]


def verdict_labels(db: Database) -> list[str]:
    rows = db.execute("SELECT DISTINCT label FROM verdicts ORDER BY label").fetchall()
    return [row[0] for row in rows]


def article_text(db: Database, article_id: int) -> str:
    row = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
    return row[0] if row else ""


def evidence_state(db: Database, claim_id: int, owner: str) -> dict[int, dict]:
    """``owner``'s own citation and dismissal of each passage of this claim, by passage id
    (another reviewer's stance on the same card is theirs, never shown as the owner's)."""
    state: dict[int, dict] = {}
    for passage_id, stance, citation_id, cited_by in db.execute(
        "SELECT passage_id, stance, id, created_by FROM citations "
        "WHERE claim_id = ? AND passage_id IS NOT NULL AND created_by = ?",
        [claim_id, owner],
    ).fetchall():
        state.setdefault(passage_id, {}).update(
            stance=stance, citation_id=citation_id, cited_by=cited_by
        )
    for passage_id, dismissed_by in db.execute(
        "SELECT passage_id, dismissed_by FROM evidence_dismissals "
        "WHERE claim_id = ? AND dismissed_by = ?",
        [claim_id, owner],
    ).fetchall():
        state.setdefault(passage_id, {}).update(dismissed=1, dismissed_by=dismissed_by)
    return state


def ready_to_publish(db: Database, limit: int = 200) -> list[dict]:
    """Claims with an agreed or adjudicated verdict, not yet published, oldest change first."""
    sql = """
        SELECT c.id, c.text, c.status, c.version, c.updated_at, a.title AS article_title,
               (SELECT count(*) FROM citations ct WHERE ct.claim_id = c.id) AS citations,
               coalesce((SELECT v.label FROM verdicts v WHERE v.claim_id = c.id AND v.is_final = 1),
                        (SELECT min(v.label) FROM verdicts v
                          WHERE v.claim_id = c.id AND v.is_final = 0)) AS verdict
        FROM claims c JOIN articles a ON a.id = c.article_id
        WHERE c.status = 'verdict' ORDER BY c.updated_at, c.id LIMIT ?
    """
    return list(db.query(sql, [limit]))
