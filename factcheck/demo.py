"""The demo: on first start with an empty database, load the team's example article
(and, once a reference corpus ships in examples/, that corpus) so a newcomer sees a queue."""

from __future__ import annotations

import sqlite_utils

from .config import EXAMPLES_DIR, Settings
from .types import IngestResult

DEMO_ARTICLE = EXAMPLES_DIR / "demo_article.md"
DEMO_ACTOR = "demo"


def is_empty(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def load_demo(db: sqlite_utils.Database, settings: Settings) -> IngestResult:
    """Ingest the demo article (idempotent: a second call adds nothing)."""
    from .ingest import ingest_source

    return ingest_source(db, str(DEMO_ARTICLE), settings, actor=DEMO_ACTOR, extractor="default")


def ensure_demo(db: sqlite_utils.Database, settings: Settings) -> IngestResult | None:
    """Load the demo only when the database has no articles yet."""
    if not is_empty(db):
        return None
    return load_demo(db, settings)
