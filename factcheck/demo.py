"""The demo: on first start with an empty database, load the team's example reference corpus
(``examples/demo_corpus/``: fact-check notes with verdicts and official documents) and the
example article, then match the article's claims so the demo queue shows real matches."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import as_file

from factcheck import resources
from factcheck.config import Settings
from factcheck.storage import Database
from factcheck.types import AddResult

DEMO_ARTICLE = "demo_article.md"  # in the shipped examples (resources.examples_dir())
DEMO_CORPUS = "demo_corpus"
DEMO_CORPUS_FILES = (("factchecks.jsonl", "fact-check"), ("official.jsonl", "official"))
DEMO_ACTOR = "demo"
CORPUS_SHARE = 0.4  # of the progress bar: importing the corpus; the rest is the article

DemoProgress = Callable[[str, float], None]
"""Told each step of loading the demo: what it does, and how much of the load is done (0-1)."""


def is_empty(db: Database) -> bool:
    """True when no article has been ingested yet."""
    from factcheck.storage import articles

    return not articles.any_stored(db)


def load_demo_corpus(db: Database, settings: Settings, progress: DemoProgress | None = None) -> int:
    """Import the demo reference corpus (a second call adds nothing). Returns sources added."""
    from factcheck.corpus.importer import ImportOptions, import_paths

    corpus = resources.examples_dir() / DEMO_CORPUS
    added = 0
    for n, (name, kind) in enumerate(DEMO_CORPUS_FILES):
        if progress:
            progress(
                f"importing the demo {kind} sources", CORPUS_SHARE * n / len(DEMO_CORPUS_FILES)
            )
        options = ImportOptions(format="jsonl", kind=kind, actor=DEMO_ACTOR)
        with as_file(corpus / name) as path:
            added += sum(r.new for r in import_paths(db, [path], options, settings=settings))
    return added


def load_demo(db: Database, settings: Settings, progress: DemoProgress | None = None) -> AddResult:
    """Import the demo corpus, then add the demo article and match its claims (idempotent).

    ``progress(message, fraction)`` hears of each step (fraction: 0 to 1 of the whole load).
    """
    from factcheck.pipeline import add_article

    load_demo_corpus(db, settings, progress)
    step = _article_steps(progress) if progress else None
    with as_file(resources.examples_dir() / DEMO_ARTICLE) as article:
        result = add_article(
            db,
            settings,
            source=str(article),
            actor=DEMO_ACTOR,
            extractor="default",
            corpus_name="demo reference corpus",
            progress=step,
        )
    if progress:
        progress("demo loaded", 1.0)
    return result


def _article_steps(progress: DemoProgress):
    """The pipeline's messages for the demo article as fractions of the whole load: each
    message moves the bar a share of what is left of the article's part (the pipeline says
    what it does, not how much of it is done)."""
    done = [CORPUS_SHARE]

    def step(message: str) -> None:
        done[0] += (0.95 - done[0]) / 3
        progress(message, done[0])

    return step


def ensure_demo(
    db: Database, settings: Settings, progress: DemoProgress | None = None
) -> AddResult | None:
    """Load the demo only when the database has no articles yet."""
    if not is_empty(db):
        return None
    return load_demo(db, settings, progress)
