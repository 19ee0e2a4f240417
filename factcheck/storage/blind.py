"""SQL fragments for blind review, shared by the queries that must hide others' work: which
claims ``c`` hide it from a viewer, and the status that viewer sees."""

from __future__ import annotations

__all__ = ["BLIND_MODE", "BLIND_VERSION", "blinded_sql", "seen_status_sql", "seen_updated_sql"]

BLIND_VERSION = 0
"""The version a blinded viewer sees (the true one counts others' saves). Their writes that
carry it skip the compare-and-set; a claim's status is still checked."""

# Blind mode of a claim's article: the article's setting, else the global one (JSON text).
BLIND_MODE = """coalesce(
    (SELECT value FROM settings WHERE scope = 'article:' || c.article_id AND key = 'blind_mode'),
    (SELECT value FROM settings WHERE scope = 'global' AND key = 'blind_mode'),
    'false') = 'true'"""


def blinded_sql(viewer_id: int | None) -> str:
    """SQL true for the claims ``c`` on which the viewer must not see others' work yet: blind
    mode is on, the claim is not published, and the viewer has saved no verdict on it.
    ``viewer_id`` None: a viewer who sees everything (editors, local administration)."""
    if viewer_id is None:
        return "FALSE"
    return f"""(c.status <> 'published' AND {BLIND_MODE} AND NOT EXISTS (SELECT 1 FROM verdicts v
        WHERE v.claim_id = c.id AND v.reviewer_id = {int(viewer_id)} AND v.is_final = 0))"""


def seen_status_sql(viewer_id: int | None) -> str:
    """The status a viewer sees: a blinded claim waiting on or holding others' verdicts shows
    as in_review (the true status would tell that someone else has saved)."""
    if viewer_id is None:
        return "c.status"
    return (
        f"CASE WHEN c.status IN ('awaiting_second_review', 'verdict') AND "
        f"{blinded_sql(viewer_id)} THEN 'in_review' ELSE c.status END"
    )


def seen_updated_sql(viewer_id: int | None) -> str:
    """When a claim last changed as a viewer may know it: a blinded claim's creation time."""
    if viewer_id is None:
        return "c.updated_at"
    return f"CASE WHEN {blinded_sql(viewer_id)} THEN c.created_at ELSE c.updated_at END"
