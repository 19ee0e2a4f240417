"""The demo: on first start with an empty database, load the team's example reference corpus
(``examples/demo_corpus/``: fact-check notes with verdicts and official documents) and the
example article, then match the article's claims so the demo queue shows real matches."""

from __future__ import annotations

from importlib.resources import as_file

import sqlite_utils

from factcheck import resources
from factcheck.config import Settings
from factcheck.types import AddResult

DEMO_ARTICLE = "demo_article.md"  # in the shipped examples (resources.examples_dir())
DEMO_CORPUS = "demo_corpus"
DEMO_CORPUS_FILES = (("factchecks.jsonl", "fact-check"), ("official.jsonl", "official"))
DEMO_ACTOR = "demo"


def is_empty(db: sqlite_utils.Database) -> bool:
    """True when no article has been ingested yet."""
    from factcheck.storage import articles

    return not articles.any_stored(db)


def load_demo_corpus(db: sqlite_utils.Database, settings: Settings) -> int:
    """Import the demo reference corpus (a second call adds nothing). Returns sources added."""
    from factcheck.corpus.importer import ImportOptions, import_paths

    corpus = resources.examples_dir() / DEMO_CORPUS
    added = 0
    for name, kind in DEMO_CORPUS_FILES:
        options = ImportOptions(format="jsonl", kind=kind, actor=DEMO_ACTOR)
        with as_file(corpus / name) as path:
            added += sum(r.new for r in import_paths(db, [path], options, settings=settings))
    return added


def load_demo(db: sqlite_utils.Database, settings: Settings) -> AddResult:
    """Import the demo corpus, then add the demo article and match its claims (idempotent)."""
    from factcheck.pipeline import add_article

    load_demo_corpus(db, settings)
    with as_file(resources.examples_dir() / DEMO_ARTICLE) as article:
        return add_article(
            db,
            settings,
            source=str(article),
            actor=DEMO_ACTOR,
            extractor="default",
            corpus_name="demo reference corpus",
        )


def ensure_demo(db: sqlite_utils.Database, settings: Settings) -> AddResult | None:
    """Load the demo only when the database has no articles yet."""
    if not is_empty(db):
        return None
    return load_demo(db, settings)
