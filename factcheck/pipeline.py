"""Source -> article: load the text, extract and score its sentences, store both at once,
then match the new claims against the reference corpus.

:func:`add_article` is what the CLI's ``ingest``, the app's Articles page and the demo call:
ingest, then match, with the outcome reported one way (:class:`factcheck.types.AddResult`).
:func:`ingest_source` (or :func:`ingest_document` for text the caller already has, such as a
paste or an upload in the app) is the ingest step alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict

from factcheck.config import Settings
from factcheck.errors import FactcheckError, IntegrityError
from factcheck.extract import claims as extract
from factcheck.ingest import read as sources
from factcheck.ingest import transcript
from factcheck.storage import Database
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage import matches as match_store
from factcheck.types import AddResult, Document, IngestResult

Progress = Callable[[str], None]


def content_hash(text: str) -> str:
    """sha256 of the article text with whitespace runs folded (the de-duplication key)."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def run_extractor(document: Document, settings: Settings, *, extractor: str | None = None):
    """The sentences of ``document`` analysed by the chosen extractor.

    A transcript always goes through :func:`factcheck.extract.turns.extract_transcript` (the
    LLM extractor reads prose; its anchoring knows no turns), whatever extractor is chosen.
    """
    if document.format == "transcript":
        from factcheck.extract.turns import extract_transcript

        turns = document.turns
        if turns is None:  # a Document made elsewhere: read its text's "Speaker: text" turns
            turns = transcript.to_document(document.text, flavour="turns").turns or []
        return extract_transcript(
            document.text,
            turns,
            threshold=settings.threshold,
            workload=settings.transcript_workload,
        )
    name = extractor or settings.extractor
    if name == "llm":
        from factcheck.extract import llm

        return llm.extract_claims(document.text, settings)
    return extract.extract(document.text, threshold=settings.threshold)


def extractor_for(document: Document, chosen: str) -> str:
    """The extractor that really reads ``document``: transcripts always the default one."""
    return "default" if document.format == "transcript" else chosen


def ingest_document(
    db: Database,
    document: Document,
    settings: Settings,
    *,
    actor: str,
    extractor: str | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Store ``document`` and its scored sentences in one transaction (nothing if seen before,
    also when a parallel ingest of the same text stores it first)."""
    digest = content_hash(document.text)
    existing = article_store.find_by_hash(db, digest)
    if existing is not None:
        return _already_ingested(existing, document)
    if progress:
        progress("extracting claims")
    sentences = run_extractor(document, settings, extractor=extractor)
    if progress:
        progress("saving")
    try:
        with db.write_transaction():
            existing = article_store.find_by_hash(db, digest)
            if existing is None:
                article_id = article_store.insert(
                    db,
                    document,
                    content_hash=digest,
                    extractor=extractor_for(document, extractor or settings.extractor),
                    actor=actor,
                )
                claim_store.insert_many(db, article_id, sentences, actor=actor)
    except IntegrityError:
        # PostgreSQL: a parallel ingest committed the same text after our check
        existing = article_store.find_by_hash(db, digest)
        if existing is None:
            raise
    if existing is not None:
        return _already_ingested(existing, document)
    claims = sum(1 for s in sentences if s.check_worthy)
    read_as = ""
    if document.format == "transcript":
        speakers = {s.speaker for s in sentences if s.speaker and s.claim_type}
        turns = len({s.turn for s in sentences if s.turn is not None})
        read_as = f" (a transcript: {turns} turns, {len(speakers)} speakers"
        if (extractor or settings.extractor) != "default":
            read_as += "; transcripts use the default extractor"
        read_as += ")"
    return IngestResult(
        article_id=article_id,
        created=True,
        source=document.source,
        title=document.title,
        sentences=len(sentences),
        claims=claims,
        message=f"article {article_id}: {claims} claims from {len(sentences)} sentences{read_as}",
        warnings=list(document.warnings),
    )


def _already_ingested(existing: dict, document: Document) -> IngestResult:
    return IngestResult(
        article_id=existing["id"],
        created=False,
        source=document.source,
        title=existing["title"],
        sentences=0,
        claims=0,
        message=f"already ingested as article {existing['id']}; nothing added",
        warnings=list(document.warnings),
    )


def ingest_source(
    db: Database,
    source: str,
    settings: Settings,
    *,
    actor: str,
    title: str | None = None,
    extractor: str | None = None,
    progress: Progress | None = None,
    read_as: str = "auto",
) -> IngestResult:
    """Load ``source`` (a path, a URL, or ``-`` for stdin) and ingest it (``read_as``: auto,
    article or transcript, see :func:`factcheck.ingest.read.load_bytes`)."""
    if progress:
        progress(f"loading {source}")
    document = sources.load_source(source, settings, read_as=read_as)
    if title:
        document.title = title
    return ingest_document(
        db, document, settings, actor=actor, extractor=extractor, progress=progress
    )


def add_article(
    db: Database,
    settings: Settings,
    *,
    actor: str,
    source: str | None = None,
    document: Document | None = None,
    title: str | None = None,
    extractor: str | None = None,
    match: bool = True,
    progress: Progress | None = None,
    corpus_name: str = "reference corpus",
    read_as: str = "auto",
) -> AddResult:
    """Add one article: read ``source`` (a path, a URL or ``-``) or take ``document``, extract
    and store its claims, then match the new claims against the reference corpus when one
    exists (unless ``match`` is False).

    A failure to read, extract or store raises (nothing is stored); a failure to match does
    not: the article stays stored and the result says why (``match_error``, and in
    ``message``). ``corpus_name`` names the corpus in the message. ``read_as`` (auto,
    article, transcript) is how ``source`` is read.
    """
    if source is not None and document is None:
        ingested = ingest_source(
            db,
            source,
            settings,
            actor=actor,
            title=title,
            extractor=extractor,
            progress=progress,
            read_as=read_as,
        )
    elif document is not None and source is None:
        if title:
            document.title = title
        ingested = ingest_document(
            db, document, settings, actor=actor, extractor=extractor, progress=progress
        )
    else:
        raise TypeError("add_article takes a source or a document, not both")
    result = AddResult(**asdict(ingested))
    if not (match and result.created and match_store.corpus_signature(db)[0]):
        return result
    from factcheck.match.matcher import match_article

    if progress:
        progress(f"matching claims against the {corpus_name}")
    try:
        result.matched = match_article(db, result.article_id, settings, progress=progress)
    except FactcheckError as error:
        result.match_error = str(error)
        result.message += f"; claims not matched: {error}"
    else:
        bands = match_store.band_counts(db, result.article_id)
        result.message += f"; {result.matched} matches with the {corpus_name}" + (
            " (" + ", ".join(f"{n} {band}" for band, n in bands.items()) + ")"
            if sum(bands.values())
            else ""
        )
    return result
