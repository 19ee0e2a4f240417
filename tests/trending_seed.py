"""Articles whose claims have chosen vectors (put in the embedding cache: no model runs), for
the grouping and Trending tests."""

from __future__ import annotations

import numpy as np
from app_seed import add_matches, add_sources

from factcheck.corpus import vectors
from factcheck.match import matcher
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage.embeddings import put_many
from factcheck.types import Document, SentenceClaim

DIM = 384
SAID = "The minimum wage has not risen in ten years."
REPEATED = "The minimum wage has not gone up for a decade."


def unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def add_article(db, title, claims, settings, *, date=None) -> list[int]:
    """An article whose check-worthy claims are ``claims``: (text, vector, speaker) triples;
    each vector is cached under the settings' model. Returns the claim ids."""
    text = " ".join(t for t, _, _ in claims)
    document = Document(text=text, source=f"{title}.txt", title=title, published_date=date)
    with db.atomic():
        article_id = article_store.insert(
            db, document, content_hash=title, extractor="test", actor="test"
        )
        ids = claim_store.insert_many(
            db,
            article_id,
            [
                SentenceClaim(n, t, 0, len(t), 0.9, check_worthy=True, speaker=speaker)
                for n, (t, _, speaker) in enumerate(claims)
            ],
            actor="test",
        )
        put_many(
            db,
            [vectors.text_hash(t) for t, _, _ in claims],
            np.vstack([unit(v) for _, v, _ in claims]),
            vectors.cache_key(settings.model),
        )
    return ids


def near(base: np.ndarray, cosine: float, rng: np.random.Generator) -> np.ndarray:
    """A unit vector at exactly ``cosine`` to the unit vector ``base``."""
    noise = rng.standard_normal(base.shape).astype(np.float32)
    noise -= noise.dot(base) * base
    noise /= np.linalg.norm(noise)
    return unit(cosine * base + np.sqrt(1 - cosine**2) * noise)


def seed_spread(db, settings) -> dict:
    """Three articles: the same claim in the first two (different speakers and days), other
    claims everywhere; grouped as ingest groups them. The repeat is matched with a fact-check."""
    rng = np.random.default_rng(11)
    wage = unit(rng.standard_normal(DIM))
    other = [unit(rng.standard_normal(DIM)) for _ in range(4)]
    first = add_article(
        db,
        "Morning paper",
        [(SAID, wage, "Ann Minister"), ("Trains are late.", other[0], None)],
        settings,
        date="2026-12-01",
    )
    second = add_article(
        db,
        "Evening news",
        [("Taxes fell.", other[1], None), (REPEATED, near(wage, 0.95, rng), "Bob Senator")],
        settings,
        date="2026-12-04",
    )
    third = add_article(
        db,
        "Weekly",
        [("Bridges are old.", other[2], None), ("Rain.", other[3], None)],
        settings,
        date="2026-11-20",
    )
    for ids in (first, second, third):
        matcher.group_duplicates(db, ids, settings)
    passage_ids = add_sources(db, 2)
    add_matches(db, [second[1]], passage_ids, 2)
    return {"said": first[0], "repeated": second[1], "others": [first[1], second[0], *third]}
