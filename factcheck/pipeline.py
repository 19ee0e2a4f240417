"""Source -> article: load the text, extract and score its sentences, store both at once.

The one public entry point is :func:`ingest_source` (or :func:`ingest_document` for text the
caller already has, such as a paste or an upload in the app).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import sqlite_utils

from factcheck.config import Settings
from factcheck.extract import claims as extract
from factcheck.ingest import read as sources
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.types import Document, IngestResult

Progress = Callable[[str], None]


def content_hash(text: str) -> str:
    """sha256 of the article text with whitespace runs folded (the de-duplication key)."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def run_extractor(document: Document, settings: Settings, *, extractor: str | None = None):
    """The sentences of ``document`` analysed by the chosen extractor."""
    name = extractor or settings.extractor
    if name == "llm":
        from factcheck.extract import llm

        return llm.extract_claims(document.text, settings)
    return extract.extract(document.text, threshold=settings.threshold)


def ingest_document(
    db: sqlite_utils.Database,
    document: Document,
    settings: Settings,
    *,
    actor: str,
    extractor: str | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Store ``document`` and its scored sentences in one transaction (nothing if seen before)."""
    digest = content_hash(document.text)
    existing = article_store.find_by_hash(db, digest)
    if existing is not None:
        return IngestResult(
            article_id=existing["id"],
            created=False,
            source=document.source,
            title=existing["title"],
            sentences=0,
            claims=0,
            message=f"already ingested as article {existing['id']}; nothing added",
        )
    if progress:
        progress("extracting claims")
    sentences = run_extractor(document, settings, extractor=extractor)
    if progress:
        progress("saving")
    with db.atomic():
        article_id = article_store.insert(
            db,
            document,
            content_hash=digest,
            extractor=extractor or settings.extractor,
            actor=actor,
        )
        claim_store.insert_many(db, article_id, sentences, actor=actor)
    claims = sum(1 for s in sentences if s.check_worthy)
    return IngestResult(
        article_id=article_id,
        created=True,
        source=document.source,
        title=document.title,
        sentences=len(sentences),
        claims=claims,
        message=f"article {article_id}: {claims} claims from {len(sentences)} sentences",
    )


def ingest_source(
    db: sqlite_utils.Database,
    source: str,
    settings: Settings,
    *,
    actor: str,
    title: str | None = None,
    extractor: str | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Load ``source`` (a path, a URL, or ``-`` for stdin) and ingest it."""
    if progress:
        progress(f"loading {source}")
    document = sources.load_source(source, settings)
    if title:
        document.title = title
    return ingest_document(
        db, document, settings, actor=actor, extractor=extractor, progress=progress
    )
