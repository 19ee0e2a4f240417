"""Claims across articles: the cost of grouping a new article's claims with N stored claims,
bucketed (LSH, :func:`factcheck.match.grouping.group_claims`, what ingest runs) against the
full pass over every stored claim vector (:func:`factcheck.match.grouping.group_exact`, what
ingest ran before), in the same run, on the same database.

The stored claims: real MiniLM vectors of CheckThat! 2021 2B debate sentences of six words or
more (cached by text under /tmp/factcheck-bench by
:func:`factcheck.research.checkthat.cached_embedder`, encoded on the first run), topped up to N
with synthetic vectors drawn from a Gaussian with the real vectors' mean and covariance (so the same anisotropy: unrelated MiniLM sentences have a
cosine of about 0.1-0.2, not 0). Each stored claim starts as its own group (the grouping's cost
does not depend on the groups, only on the vectors). Each new article has 30 claims: 15 held-out
real sentences and 15 repeats of stored claims at cosines from 0.88 to 0.99. Printed: the
median time per article of both methods and their ratio, the candidates compared and vectors
read per claim, and the recall of the nearest earlier duplicate (the exact method's choice
when it joined a group) and the agreement of the two groupings::

    HF_HUB_OFFLINE=1 python bench/trending.py --claims 100000 --articles 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.config import load_settings  # noqa: E402
from factcheck.corpus import vectors  # noqa: E402
from factcheck.match import grouping  # noqa: E402
from factcheck.research.checkthat import cached_embedder  # noqa: E402
from factcheck.storage import articles as article_store  # noqa: E402
from factcheck.storage import claims as claim_store  # noqa: E402
from factcheck.storage import matches as match_store  # noqa: E402
from factcheck.storage import open_db  # noqa: E402
from factcheck.storage import trending as trending_store  # noqa: E402
from factcheck.storage.embeddings import put_many  # noqa: E402
from factcheck.types import Document, SentenceClaim  # noqa: E402

CACHE = Path("/tmp/factcheck-bench")  # cached_embedder's folder
TRANSCRIPTS = ROOT.parent / "shared" / "data" / "checkthat2021-2b" / "transcripts"
PER_ARTICLE = 50  # stored claims per stored article
NEW = 30  # claims per new article
REPEAT_COSINES = np.linspace(0.88, 0.99, NEW // 2)


def real_vectors() -> tuple[list[str], np.ndarray]:
    """Distinct 2B debate sentences and their MiniLM vectors (cached)."""
    texts = sorted(
        {
            parts[2]
            for path in sorted(TRANSCRIPTS.glob("*.tsv"))
            for parts in (line.split("\t") for line in path.read_text("utf-8").splitlines())
            if len(parts) >= 3 and parts[2].strip()
        }
    )
    # sentences of six words or more, as bench/match_all.py takes claims from the debates
    keep = {t.strip(): t for t in texts if len(t.split()) >= 6}
    return list(keep), cached_embedder(CACHE)(list(keep.values())).astype(np.float32)


def synthetic(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` unit vectors from a Gaussian with the real vectors' mean and covariance."""
    mean = real.mean(axis=0)
    root = np.linalg.cholesky(np.cov(real, rowvar=False) + 1e-6 * np.eye(real.shape[1]))
    out = mean + rng.standard_normal((n, real.shape[1])).astype(np.float32) @ root.T
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def near(base: np.ndarray, cosine: float, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(base.shape).astype(np.float32)
    noise -= noise.dot(base) * base
    noise /= np.linalg.norm(noise)
    out = cosine * base + np.sqrt(1 - cosine**2) * noise
    return out / np.linalg.norm(out)


def add_articles(db, texts: list[str], matrix: np.ndarray, key: str, start: int) -> list[int]:
    """Articles of PER_ARTICLE check-worthy claims; vectors into the embedding cache."""
    ids: list[int] = []
    for first in range(0, len(texts), PER_ARTICLE):
        batch = texts[first : first + PER_ARTICLE]
        with db.atomic():
            article = article_store.insert(
                db,
                Document(text=" ".join(batch), source=f"bench-{start + first}", title="bench"),
                content_hash=f"bench-{start + first}",
                extractor="bench",
                actor="bench",
            )
            ids += claim_store.insert_many(
                db,
                article,
                [
                    SentenceClaim(n, t, 0, len(t), 0.9, check_worthy=True)
                    for n, t in enumerate(batch)
                ],
                actor="bench",
            )
            put_many(
                db,
                [vectors.text_hash(t) for t in batch],
                matrix[first : first + PER_ARTICLE],
                key,
            )
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000, help="stored claims")
    parser.add_argument("--articles", type=int, default=5, help="new articles of 30 claims")
    parser.add_argument("--db", default=None, help="database (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    threshold = load_settings().duplicate_threshold

    texts, real = real_vectors()
    order = rng.permutation(len(texts))
    held_out = [int(i) for i in order[: args.articles * NEW // 2]]
    stored_real = [int(i) for i in order[len(held_out) :]][: args.claims]
    n_synthetic = args.claims - len(stored_real)
    stored_texts = [texts[i] for i in stored_real] + [
        f"synthetic claim {i}" for i in range(n_synthetic)
    ]
    stored = np.vstack([real[stored_real], synthetic(real, n_synthetic, rng)])
    print(
        f"stored claims: {len(stored_texts):,} ({len(stored_real):,} real 2B debate sentences, "
        f"{n_synthetic:,} synthetic); threshold {threshold}; {grouping.BANDS} bands x "
        f"{grouping.BITS} bits"
    )

    folder = None if args.db else tempfile.TemporaryDirectory()
    db = open_db(args.db or str(Path(folder.name) / "trending.db"))  # type: ignore[union-attr]
    try:
        run(db, args, rng, texts, real, held_out, stored_texts, stored)
    finally:
        db.close()
        if folder is not None:
            folder.cleanup()


def run(db, args, rng, texts, real, held_out, stored_texts, stored) -> None:
    """Store the claims, then group the new articles both ways and print the figures."""
    settings = load_settings()
    model, threshold = settings.model, settings.duplicate_threshold
    key = vectors.cache_key(model)
    started = time.perf_counter()
    ids = add_articles(db, stored_texts, stored, key, 0)
    bits = grouping.signs(stored)
    signed = grouping.slots(bits)
    for first in range(0, len(ids), 5000):
        chunk = ids[first : first + 5000]
        with db.atomic():
            match_store.replace_groups(
                db,
                [{"claim_id": c, "group_id": c, "similarity": None, "model": key} for c in chunk],
            )
            trending_store.replace_buckets(
                db,
                {
                    c: (signed[first + n].tolist(), grouping.pack_signs(bits[first + n]))
                    for n, c in enumerate(chunk)
                },
                key,
            )
    print(
        f"built in {time.perf_counter() - started:.0f} s: "
        f"{trending_store.bucket_count(db):,} bucket rows"
    )

    lsh_times, exact_times = [], []
    candidates = loaded = claims = 0
    found = wanted = agree = 0
    for article in range(args.articles):
        real_new = held_out[article * NEW // 2 : (article + 1) * NEW // 2]
        bases = rng.choice(len(stored), NEW // 2, replace=False)
        new_texts = [texts[i] for i in real_new] + [
            f"repeat {article}-{n}" for n in range(len(bases))
        ]
        new_vectors = np.vstack(
            [real[real_new]]
            + [near(stored[b], float(c), rng)[None] for b, c in zip(bases, REPEAT_COSINES)]
        )
        new_ids = add_articles(db, new_texts, new_vectors, key, args.claims + article * NEW)
        t0 = time.perf_counter()
        lsh = grouping.group_claims(db, new_ids, model, threshold)
        lsh_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        exact = grouping.group_exact(db, new_ids, model, threshold)
        exact_times.append(time.perf_counter() - t0)
        by_lsh, by_exact = lsh.groups, exact.groups
        candidates += lsh.candidates
        loaded += lsh.vectors_loaded
        claims += len(new_ids)
        for claim in new_ids:
            (lsh_group, lsh_sim), (exact_group, exact_sim) = by_lsh[claim], by_exact[claim]
            same_similarity = (
                lsh_sim is None and exact_sim is None
                if lsh_sim is None or exact_sim is None
                else abs(lsh_sim - exact_sim) < 1e-5
            )
            agree += lsh_group == exact_group and same_similarity
            if by_exact[claim][1] is not None:  # the exact method found a duplicate
                wanted += 1
                found += by_lsh[claim][0] == by_exact[claim][0]
    lsh_s, exact_s = statistics.median(lsh_times), statistics.median(exact_times)
    print(
        f"grouping one article of {NEW} claims (median of {args.articles}): "
        f"LSH {lsh_s * 1000:.0f} ms, full pass {exact_s * 1000:.0f} ms: "
        f"{exact_s / lsh_s:.0f}x faster"
    )
    print(
        f"LSH per claim: {candidates / claims:.0f} candidates sharing a bucket (signatures "
        f"compared); {loaded / args.articles:.0f} vectors read per article (full pass: "
        f"{args.claims:,}+)"
    )
    print(
        f"nearest earlier duplicate found: {found}/{wanted} "
        f"({found / max(wanted, 1):.3f}); same group and similarity as the full pass: "
        f"{agree}/{claims}"
    )


if __name__ == "__main__":
    main()
