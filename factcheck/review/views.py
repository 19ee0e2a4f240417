"""The claim as an account may see it, in one stable JSON layout: what
``factcheck review show --format json`` prints and ``GET /api/claims/{id}`` answers.

In: a view from :func:`factcheck.workbench.claim_view` (blind review already applied).
Out: plain JSON-ready dicts (see ``factcheck review show --help`` for the layout).
"""

from __future__ import annotations

CLAIM_KEYS = (
    "id",
    "article_id",
    "article_title",
    "text",
    "speaker",
    "claim_type",
    "score",
    "status",
    "version",
)
VERDICT_KEYS = (
    "reviewer",
    "label",
    "scale",
    "ordinal",
    "confidence",
    "rationale",
    "is_final",
    "created_at",
    "updated_at",
)
CARD_KEYS = (
    "passage_id",
    "source_id",
    "title",
    "url",
    "publisher",
    "date",
    "verdict",
    "score",
    "confidence",
    "band",
    "rank",
    "strength",
    "text",
    "stance",
    "citation_id",
    "dismissed",
)
CITATION_KEYS = (
    "id",
    "created_by",
    "stance",
    "passage_id",
    "url",
    "title",
    "quote",
    "note",
    "accessed_at",
    "in_final",
    "created_at",
)
SEEN_KEYS = ("claim_id", "text", "article_title", "status", "label", "scale", "similarity")


def verdict_json(verdict: dict | None) -> dict | None:
    if verdict is None:
        return None
    row = {key: verdict.get(key) for key in VERDICT_KEYS}
    row["is_final"] = bool(row["is_final"])
    return row


def citation_json(citation: dict) -> dict:
    row = {key: citation.get(key) for key in CITATION_KEYS}
    row["title"] = citation.get("title") or citation.get("source_title")
    row["url"] = citation.get("url") or citation.get("source_url")
    row["in_final"] = bool(row["in_final"])
    return row


def claim_json(view: dict) -> dict:
    """The stable JSON of `review show` from :func:`factcheck.workbench.claim_view`."""
    claim = view["claim"] | {"article_title": view["article"].get("title")}
    return {
        "claim": {key: claim.get(key) for key in CLAIM_KEYS},
        "viewer": {"name": view["viewer"]["name"], "role": view["viewer"]["role"]},
        "blind": bool(view["blind"]),
        "can_review": bool(view["can_review"]),
        "can_see_all": bool(view["can_edit_all"]),
        "scale": view["scale"],
        "labels": list(view["labels"]),
        "reviews_needed": view["reviews_needed"],
        "assignees": [a["name"] for a in view["assignees"]],
        "own_verdict": verdict_json(view["own_verdict"]),
        "verdicts": [verdict_json(v) for v in view["verdicts"]],
        "final_verdict": verdict_json(view["final_verdict"]),
        "needs_adjudication": bool(view["needs_adjudication"]),
        "draft": view["draft"],
        "evidence": [
            {key: card.get(key) for key in CARD_KEYS} | {"dismissed": bool(card["dismissed"])}
            for card in view["cards"]
        ],
        "own_citations": [citation_json(c) for c in view["own_citations"]],
        "other_citations": [citation_json(c) for c in view["other_citations"]],
        "seen_before": [{key: m.get(key) for key in SEEN_KEYS} for m in view["prior_verdicts"]],
        "history": [
            {key: event.get(key) for key in ("at", "actor", "action", "change")}
            for event in view["history"]
        ],
    }
