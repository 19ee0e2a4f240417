"""The review workbench behind the Streamlit pages: one call per page view, plus its actions.

Each ``*_view`` function gathers everything a page shows in one call (the page reads its
widgets, calls one of them, renders); the actions wrap :mod:`factcheck.review.workflow` where a page
needs a choice made for it (what clicking an evidence card's stance means, signing in).
Nothing here imports streamlit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from factcheck import pipeline, vocab
from factcheck.config import Settings, default, load_settings
from factcheck.errors import ConfigError, InputError, NotFoundError
from factcheck.ingest import read as sources
from factcheck.ingest.transcript import clock
from factcheck.match import matcher as matching
from factcheck.review import workflow as review
from factcheck.review.scales import get_scale, list_scales
from factcheck.storage import Database
from factcheck.storage import matches as match_store
from factcheck.storage import review as review_store
from factcheck.storage import workbench as store
from factcheck.storage.articles import list_with_counts
from factcheck.storage.review import QueueFilters
from factcheck.types import AddResult

Progress = Callable[[str], None]

CONTEXT_CHARS = 1500  # at most this much article text each side of the claim
WHOLE_ARTICLE_CHARS = 200_000
UPLOAD_TYPES = ("txt", "md", "markdown", "html", "htm", "srt", "vtt", "tsv", "csv")
PAGE_SIZES = (25, 50, 100, 200)


def strong_match_threshold() -> float:
    """The calibrated confidence from which a match is strong (``FACTCHECK_MATCH_STRONG``)."""
    try:
        return load_settings().match_strong
    except ConfigError:
        return default("match_strong")


# ---------------------------------------------------------------- who is working


def reviewer_names(db: Database) -> list[str]:
    return [row["name"] for row in review_store.list_reviewers(db)]


# ---------------------------------------------------------------- articles


def add_article(
    db: Database,
    settings: Settings,
    *,
    actor: str,
    text: str | None = None,
    data: bytes | None = None,
    filename: str | None = None,
    url: str | None = None,
    title: str | None = None,
    progress: Progress | None = None,
    read_as: str = "auto",
) -> AddResult:
    """Add a pasted text, an uploaded file (``data`` + ``filename``) or a URL through
    :func:`factcheck.pipeline.add_article` (ingest, then match against the reference corpus);
    ``read_as``: auto, article or transcript, as ``factcheck ingest --format``."""
    review.account(db, actor, "review")  # viewers read; checkers and above add articles
    given = [value for value in (text, data, url) if value not in (None, "", b"")]
    if len(given) != 1:
        raise InputError("give one of: pasted text, an uploaded file, or a URL")
    title = (title or "").strip() or None
    say = progress or (lambda _message: None)
    if url:
        return pipeline.add_article(
            db,
            settings,
            source=url.strip(),
            actor=actor,
            title=title,
            progress=say,
            read_as=read_as,
        )
    if text:
        say("reading the pasted text")
        document = sources.load_bytes(
            text.encode("utf-8"),
            source="paste",
            source_kind="paste",
            settings=settings,
            read_as=read_as,
        )
    else:
        name = filename or "upload"
        if name.rsplit(".", 1)[-1].lower() not in UPLOAD_TYPES:
            raise InputError(f"{name}: upload a .txt, .md, .html, .srt, .vtt, .tsv or .csv file")
        say(f"reading {name}")
        assert data is not None  # exactly one of text, data and url was given
        document = sources.load_bytes(
            data,
            source=f"upload:{name}",
            source_kind="upload",
            settings=settings,
            name=name,
            read_as=read_as,
        )
    return pipeline.add_article(
        db, settings, document=document, actor=actor, title=title, progress=say
    )


def transcript_place(claim: dict) -> dict | None:
    """Where a transcript's claim was said: speaker, role, turn (1-based), the time span as
    ``hh:mm:ss–hh:mm:ss`` (None without cue times) and its source line; None for articles."""
    if claim.get("turn") is None:
        return None
    start, end = claim.get("time_start"), claim.get("time_end")
    time = None
    if start is not None:
        time = clock(start) + (f"–{clock(end)}" if end is not None and end > start else "")
    return {
        "speaker": claim.get("speaker"),
        "role": claim.get("speaker_role"),
        "turn": int(claim["turn"]) + 1,
        "time": time,
        "line": claim.get("source_line"),
    }


def articles_view(db: Database, viewer: str | None = None) -> list[dict]:
    """Every article with counts of sentences, claims, reviewed and published claims (as
    ``viewer`` may see them: blind review applied)."""
    return list_with_counts(db, review.blind_viewer_id(db, viewer))


# ---------------------------------------------------------------- queue


def queue_view(
    db: Database,
    filters: QueueFilters | None = None,
    *,
    sort: str = "score",
    descending: bool = True,
    page: int = 0,
    page_size: int = 50,
    viewer: str | None = None,
) -> dict:
    """One page of the queue (``rows``, ``total``, ``counts``) as ``viewer`` may see it
    (blind review applied; None: everything) and the filters' choices."""
    result = review.queue(
        db,
        filters,
        sort=sort,
        descending=descending,
        limit=page_size,
        offset=max(0, int(page)) * page_size,
        viewer=viewer,
    )
    scale = review.claim_scale(db)
    labels = list(dict.fromkeys([*scale.names, *store.verdict_labels(db)]))
    return result | {
        "page": page,
        "pages": max(1, -(-result["total"] // page_size)),
        "options": {
            "articles": store.article_choices(db),
            "claim_types": store.claim_types(db),
            "assignees": reviewer_names(db),
            "verdicts": labels,
            "statuses": list(vocab.STATUSES),
            "manual_statuses": list(vocab.MANUAL_STATUSES),
            "strong_match": strong_match_threshold(),
        },
    }


def neighbours(
    db: Database,
    claim_id: int,
    filters: QueueFilters | None = None,
    *,
    sort: str = "score",
    descending: bool = True,
    viewer: str | None = None,
) -> dict:
    """The previous and next claim of the queue around ``claim_id`` (None at the ends); a
    claim no longer in the queue has the queue's first claim as its next. ``viewer``: the
    queue as that account sees it (blind review applied)."""
    ids = store.queue_ids(
        db,
        filters or QueueFilters(),
        sort=sort,
        descending=descending,
        viewer_id=review.blind_viewer_id(db, viewer),
    )
    try:
        position = ids.index(int(claim_id))
    except ValueError:
        following = [i for i in ids if i != claim_id]
        return {
            "previous": None,
            "next": following[0] if following else None,
            "position": None,
            "total": len(ids),
        }
    return {
        "previous": ids[position - 1] if position > 0 else None,
        "next": ids[position + 1] if position + 1 < len(ids) else None,
        "position": position + 1,
        "total": len(ids),
    }


# ---------------------------------------------------------------- one claim


def _paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = text.rfind("\n\n", 0, start)
    left = 0 if left < 0 else left + 2
    right = text.find("\n\n", end)
    right = len(text) if right < 0 else right
    return max(left, start - CONTEXT_CHARS), min(right, end + CONTEXT_CHARS)


def article_context(text: str, claim: dict, *, whole: bool = False) -> dict:
    """The claim's sentence in its paragraph (or the whole article): before, sentence, after."""
    start, end = int(claim.get("start") or 0), int(claim.get("end") or 0)
    anchored = claim.get("anchored", True) and text and 0 <= start < end <= len(text)
    if not anchored:
        return {
            "before": "",
            "sentence": claim["text"],
            "after": "",
            "anchored": False,
            "fallback": claim.get("context") or "",
            "truncated": False,
            "article_chars": len(text or ""),
        }
    if whole:
        left = max(0, start - WHOLE_ARTICLE_CHARS // 2)
        right = min(len(text), end + WHOLE_ARTICLE_CHARS // 2)
    else:
        left, right = _paragraph_bounds(text, start, end)
    return {
        "before": text[left:start],
        "sentence": text[start:end],
        "after": text[end:right],
        "anchored": True,
        "fallback": "",
        "truncated": left > 0 or right < len(text),
        "article_chars": len(text),
    }


def evidence_cards(db: Database, claim_id: int, owner: str) -> list[dict]:
    """The claim's stored candidates as cards in rank order: passage, source, date, link,
    similarity (``score``), confidence, band (also as ``strength``), method, model, the
    source's published verdict, and ``owner``'s own stance or dismissal."""
    state = store.evidence_state(db, claim_id, owner)
    cards = []
    for row in match_store.for_claim(db, claim_id):
        found = state.get(row["passage_id"], {})
        card = {
            key: row.get(key)
            for key in (
                "passage_id",
                "text",
                "source_id",
                "title",
                "url",
                "publisher",
                "date",
                "verdict",
                "verdict_raw",
                "kind",
                "external_id",
                "score",
                "confidence",
                "band",
                "rank",
                "method",
                "model",
                "strength",
            )
        }
        card["stance"] = found.get("stance")
        card["citation_id"] = found.get("citation_id")
        card["cited_by"] = found.get("cited_by")
        card["dismissed"] = bool(found.get("dismissed"))
        card["dismissed_by"] = found.get("dismissed_by")
        card["choice"] = "irrelevant" if card["dismissed"] else card["stance"]
        cards.append(card)
    return cards


def describe_event(event: dict) -> str:
    """One readable line for a history event's change."""
    before, after = event.get("before"), event.get("after")
    if event.get("hidden"):
        return "(hidden until you save your own verdict)"
    action = event["action"]
    if action == "claim.status" and before and after:
        reason = f" ({after['reason']})" if after.get("reason") else ""
        return f"{before.get('status')} → {after.get('status')}{reason}"
    if action.startswith("verdict") and after:
        confidence = after.get("confidence")
        text = f"{after.get('label')} ({after.get('scale')})"
        if confidence is not None:
            text += f", confidence {confidence:.2f}"
        if before:
            text = f"{before.get('label')} → {text}"
        if after.get("rationale"):
            text += f": {after['rationale']}"
        return text
    if action.startswith("citation") and (after or before):
        row = after or before or {}
        where = row.get("url") or (f"passage {row['passage_id']}" if row.get("passage_id") else "")
        return f"{row.get('stance') or ''} {where}".strip()
    if action == "claim.assigned" and after:
        return f"assigned {after.get('reviewer')}"
    if action.startswith("evidence") and (after or before):
        row = after or before or {}
        return f"passage {row.get('passage_id')}" + (
            f" ({row['reason']})" if row.get("reason") else ""
        )
    if action == "claim.created":
        return "extracted from the article"
    value = after if after is not None else before
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)[:300]


def claim_view(
    db: Database,
    claim_id: int | None,
    viewer: str,
    *,
    filters: QueueFilters | None = None,
    sort: str = "score",
    descending: bool = True,
    whole_article: bool = False,
    with_queue: bool = True,
) -> dict:
    """Everything the claim page shows: :func:`review.claim_detail` (blind mode applied),
    the article context, evidence cards, the history, and the queue's previous/next claim
    (``with_queue`` False: ``queue`` is None, for callers that do not page through the queue,
    such as the HTTP API and `review show`, saving a pass over the queue's ids).

    Without ``claim_id`` the queue's first claim is shown.
    """
    if claim_id is None:
        claim_id = neighbours(db, -1, filters, sort=sort, descending=descending, viewer=viewer)[
            "next"
        ]
        if claim_id is None:
            raise NotFoundError("the queue is empty: no claim matches its filters")
    detail = review.claim_detail(db, int(claim_id), viewer)
    claim = detail["claim"]
    text = store.article_text(db, claim["article_id"])
    history = [
        event | {"change": describe_event(event)}
        for event in review.history(db, claim["id"], viewer)
    ]
    scale = get_scale(detail["scale"])
    repeats = matching.duplicates(db, claim["id"])
    # near-duplicates whose reviews blind review hides from the viewer show no verdict
    hidden = review.blinded_claims(db, viewer, [m["claim_id"] for m in repeats])
    repeats = [
        m
        | {
            "label": None,
            "labels": None,
            "final_label": None,
            "status": review.blind_status(m["status"]),
        }
        if m["claim_id"] in hidden
        else m
        for m in repeats
    ]
    return detail | {
        "context": article_context(text, claim),
        "whole_article": article_context(text, claim, whole=True) if whole_article else None,
        "cards": evidence_cards(db, claim["id"], detail["viewer"]["name"]),
        "prior_verdicts": matching.with_verdicts(repeats),
        "duplicates": len(repeats),
        "history": history,
        "queue": neighbours(
            db, claim["id"], filters, sort=sort, descending=descending, viewer=viewer
        )
        if with_queue
        else None,
        "scale_description": scale.description,
        "external_citations": [c for c in detail["citations"] if c["passage_id"] is None],
    }


def set_evidence(
    db: Database,
    actor: str,
    claim_id: int,
    passage_id: int,
    choice: str | None,
    card: dict | None = None,
) -> str:
    """Apply a card's choice: cite with a stance, ``irrelevant`` dismisses, None clears what
    the card had (removes its citation or restores it). Returns what was done."""
    if choice in vocab.STANCES:
        review.cite_passage(db, actor, claim_id, passage_id, choice)
        return f"cited passage {passage_id} as {choice}"
    if choice == "irrelevant":
        review.dismiss_evidence(db, actor, claim_id, passage_id)
        return f"dismissed passage {passage_id} as irrelevant"
    if choice is not None:
        raise InputError(
            f"unknown evidence choice {choice!r}; "
            f"choose one of: {', '.join(vocab.EVIDENCE_CHOICES)}"
        )
    card = card or {}
    if card.get("dismissed"):
        review.restore_evidence(db, actor, claim_id, passage_id)
        return f"restored passage {passage_id}"
    if card.get("citation_id"):
        review.remove_citation(db, actor, card["citation_id"])
        return f"removed the citation of passage {passage_id}"
    return "nothing to change"


# ---------------------------------------------------------------- editors


def adjudication_view(db: Database, viewer: str) -> dict:
    """The editor's desk: disagreements to adjudicate, verdicts ready to publish, settings."""
    reviewer = review.account(db, viewer, "see_all")
    rows = []
    for row in review.adjudication_queue(db, viewer):
        scales = sorted({v["scale"] for v in row["verdicts"]}) or [
            review.claim_scale(db, row["article_id"]).name
        ]
        rows.append(row | {"scale": scales[0], "labels": get_scale(scales[0]).names})
    return {
        "role": reviewer["role"],
        "disagreements": rows,
        "ready": store.ready_to_publish(db),
        "blind": review.blind_mode(db),
        "scale": review.claim_scale(db).name,
        "scales": list_scales(),
        "reviewers": review_store.list_reviewers(db),
    }


def filters_to_dict(filters: QueueFilters) -> dict:
    return asdict(filters)


# ---------------------------------------------------------------- watched feeds (Monitor page)


def monitor_view(db: Database, viewer: str) -> dict:
    """The Monitor page: the feeds, the latest polls, and whether ``viewer`` may manage
    feeds (editors, admins) or poll them (checkers and above)."""
    from factcheck.monitor import watch
    from factcheck.review.permissions import allowed

    reviewer = review.account(db, viewer, "read")
    return {
        "feeds": watch.list_feeds(db),
        "polls": watch.recent_polls(db, limit=30),
        "can_manage": allowed(reviewer, "manage_feeds"),
        "can_poll": allowed(reviewer, "review"),
        "every_forms": watch.EVERY_FORMS,
    }


def add_feed(
    db: Database, settings: Settings, *, actor: str, url: str, every: str, title: str | None
) -> dict:
    """Watch a feed as ``actor`` (an editor or admin); the new feed."""
    from factcheck.monitor import watch

    review.account(db, actor, "manage_feeds")
    return watch.add(db, url, settings, actor=actor, every=every, title=title)


def poll_feeds_now(
    db: Database, settings: Settings, *, actor: str, progress: Progress | None = None
) -> list:
    """Poll every active feed now as ``actor`` (checkers and above: it adds articles); the
    :class:`factcheck.monitor.watch.PollResult` of each."""
    from factcheck.monitor import watch

    review.account(db, actor, "review")
    return watch.run(db, settings, actor=actor, once=True, progress=progress)


def feeds_view(db: Database, viewer: str) -> list[dict]:
    """Every watched feed with its state (any account may read them)."""
    from factcheck.monitor import watch

    review.account(db, viewer, "read")
    return watch.list_feeds(db)


def feed_view(db: Database, viewer: str, feed_id: int) -> dict:
    """One watched feed with its state (:class:`NotFoundError` if none)."""
    from factcheck.monitor import watch

    review.account(db, viewer, "read")
    return watch.get(db, feed_id)


def feed_polls(db: Database, viewer: str, feed_id: int, limit: int = 50) -> list[dict]:
    """The feed's latest polls, newest first (:class:`NotFoundError` for no such feed)."""
    from factcheck.monitor import watch

    review.account(db, viewer, "read")
    watch.get(db, feed_id)
    return watch.recent_polls(db, feed_id, limit)


def set_feed_active(db: Database, *, actor: str, feed_id: int, active: bool) -> dict:
    """Pause or resume a feed as ``actor`` (an editor or admin); the feed as it is now."""
    from factcheck.monitor import watch

    review.account(db, actor, "manage_feeds")
    return watch.set_active(db, feed_id, active, actor=actor)


def remove_feed(db: Database, *, actor: str, feed_id: int) -> dict:
    """Stop watching a feed as ``actor`` (an editor or admin); the removed feed."""
    from factcheck.monitor import watch

    review.account(db, actor, "manage_feeds")
    return watch.remove(db, feed_id, actor=actor)


def poll_feed_now(db: Database, settings: Settings, *, actor: str, feed_id: int):
    """Poll one active feed now as ``actor`` (checkers and above), back-off or not; its
    :class:`factcheck.monitor.watch.PollResult`. A paused feed is refused."""
    from factcheck.monitor import watch

    review.account(db, actor, "review")
    feed = watch.get(db, feed_id)
    if not feed["active"]:
        raise InputError(f"feed {feed_id} is paused: resume it first")
    return watch.poll_safely(db, feed, settings, actor=actor)
