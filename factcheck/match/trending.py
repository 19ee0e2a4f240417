"""Claims across articles: the near-duplicate groups that spread over several articles.

In: the ``claim_groups`` that grouping (:mod:`factcheck.match.grouping`) keeps, the viewing
account. Out: the Trending view's groups, most articles first, each with its representative
claim (the first seen), articles and claims counts, first and last seen (the articles'
published date, else when they were ingested), the speakers, the group's best fact-check
match, and the verdicts already given on its claims as the viewer may see them (blind review
hides others' verdicts exactly as on the claim page's "Seen before").
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from factcheck.config import Settings
from factcheck.errors import InputError
from factcheck.review import workflow as review
from factcheck.storage import Database
from factcheck.storage import trending as store

COLUMNS = (
    "group_id",
    "claim",
    "articles",
    "claims",
    "first_seen",
    "last_seen",
    "speakers",
    "best_match",
    "best_match_verdict",
    "best_match_band",
    "verdicts",
)
"""The columns of a Trending table (``factcheck trending``)."""

TOP_SPEAKERS = 3
_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def since_date(value: str | None, now: datetime | None = None) -> str | None:
    """``7d``, ``2w``, ``24h`` (back from now) or an ISO date as the ISO date it starts from;
    None or empty: no window. Raises :class:`InputError` for anything else."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    found = _SINCE.match(value)
    if found:
        amount, unit = int(found.group(1)), _UNITS[found.group(2).lower()]
        start = (now or datetime.now(UTC)) - timedelta(**{unit: amount})
        return start.date().isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(
            f"since {value!r}: give a number of hours, days or weeks (24h, 7d, 2w) or a date "
            "(2026-12-01)"
        ) from None


def trending(
    db: Database,
    viewer: str | None = None,
    *,
    since: str | None = None,
    min_articles: int = 2,
    limit: int = 20,
    settings: Settings | None = None,
) -> list[dict]:
    """The groups of near-duplicate claims seen in at least ``min_articles`` articles (within
    ``since``: see :func:`since_date`), most articles first then the latest seen, at most
    ``limit``; each with :data:`COLUMNS` and ``members`` (its claims: claim_id, text, speaker,
    article_id, article_title, seen, status and label as ``viewer`` may see them).

    With ``settings``, claims never grouped (ingested while there was no reference corpus, so
    never matched) are grouped first (:func:`group_ungrouped`: their vectors are encoded once)."""
    if min_articles < 1:
        raise InputError(f"min articles must be at least 1, got {min_articles}")
    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    start = since_date(since)
    if settings is not None:
        group_ungrouped(db, settings)
    groups = store.spread_groups(db, since=start, min_articles=min_articles, limit=limit)
    members = store.group_claims(db, [g["group_id"] for g in groups], start)
    hidden = review.blinded_claims(db, viewer, [m["claim_id"] for m in members])
    best = store.best_matches(db, [m["claim_id"] for m in members])
    by_group: dict[int, list[dict]] = {}
    for member in members:
        by_group.setdefault(member["group_id"], []).append(_visible(member, hidden))
    return [_summary(group, by_group.get(group["group_id"], []), best) for group in groups]


def group_ungrouped(db: Database, settings: Settings) -> int:
    """Group the check-worthy claims that no matching run grouped; returns how many."""
    from factcheck.match.matcher import group_duplicates

    ids = store.ungrouped_claim_ids(db)
    if ids:
        group_duplicates(db, ids, settings)
    return len(ids)


def _visible(member: dict, hidden: set[int]) -> dict:
    """A group's claim with its verdict (the final one, else the reviewers' labels) unless
    blind review hides it from the viewer (then no label, and a status that tells nothing)."""
    if member["claim_id"] in hidden:
        status = review.blind_status(member["status"])
        label = None
    else:
        status, label = member["status"], member["final_label"] or member["labels"]
    return {
        "claim_id": member["claim_id"],
        "text": member["text"],
        "speaker": member["speaker"],
        "article_id": member["article_id"],
        "article_title": member["article_title"],
        "seen": member["seen"],
        "similarity": member["similarity"],
        "status": status,
        "label": label,
        "scale": member["scale"] if label else None,
    }


def _summary(group: dict, members: list[dict], best: dict[int, dict]) -> dict:
    speakers = Counter(m["speaker"] for m in members if m["speaker"])
    matches = [best[m["claim_id"]] for m in members if m["claim_id"] in best]
    top = min(matches, key=_match_order, default=None)
    verdicts = sorted({m["label"] for m in members if m["label"]})
    return {
        "group_id": group["group_id"],
        "claim": members[0]["text"] if members else "",
        "articles": group["articles"],
        "claims": group["claims"],
        "first_seen": group["first_seen"],
        "last_seen": group["last_seen"],
        "speakers": [name for name, _ in speakers.most_common(TOP_SPEAKERS)],
        "best_match": top["title"] if top else None,
        "best_match_verdict": top["verdict"] if top else None,
        "best_match_band": top["band"] if top else None,
        "best_match_confidence": top["confidence"] if top else None,
        "best_match_url": top["url"] if top else None,
        "verdicts": verdicts,
        "members": members,
    }


def _match_order(match: dict) -> tuple:
    """Strong first, then the highest confidence, then the highest similarity."""
    band = {"strong": 0, "suggested": 1}.get(match["band"] or "", 2)
    return (band, -(match["confidence"] or 0.0), -(match["score"] or 0.0))
