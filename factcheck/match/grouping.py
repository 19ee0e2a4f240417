"""Near-duplicate claim groups, found through locality-sensitive hash buckets.

A claim joins the group of its most similar earlier check-worthy claim (any article) when
their cosine reaches ``duplicate_threshold``, else it starts a group of its own. The candidates
for "most similar" come from the database, not from a pass over every stored vector: each
grouped claim's vector is signed with random hyperplanes (SimHash), :data:`BANDS` bands of
:data:`BITS` bits, and stored as one ``claim_buckets`` row per band, with its signs packed
(``claim_groups.signature``). A new claim is compared with the claims sharing at least one
band with it: first on the cosine the signatures estimate, then, for those within
:data:`MARGIN` of the threshold, on the exact cosine (vectors from the embedding cache by text
hash). The hyperplanes are a fixed seeded matrix per vector size, so every process computes
the same buckets.

Two vectors at angle t agree on one bit with chance ``1 - t/pi`` and share a band with chance
``(1 - t/pi)^BITS``; they become candidates with chance ``1 - (1 - (1 - t/pi)^BITS)^BANDS``:
0.985 at cosine 0.90, 0.9999 at 0.95; 0.0007 at cosine 0, 0.005 at 0.2, 0.07 at 0.5
(:func:`collision_chance`). A true duplicate's group is found unless it is near the threshold
and every band differs. 48 x 16 was chosen on real MiniLM vectors of debate sentences (whose
unrelated pairs have a cosine of about 0.14, so they collide more than random vectors): 0.4% of
the stored claims become candidates, against 1.9% with 24 x 12, for the same recall at 0.90.

Claims grouped before migration 0011 (or under another model) get their buckets on the next
grouping (:func:`backfill`): found by an index on ``claim_groups.bucket_model``, once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from factcheck.corpus import vectors
from factcheck.storage import Database
from factcheck.storage import matches as match_store
from factcheck.storage import trending as store

BANDS = 48  # bands per vector, one claim_buckets row each
BITS = 16  # hyperplanes per band: a band's key is 0 .. 2**BITS - 1
SEED = 20261206  # the hyperplanes' seed (with the vector size): never change it
CHUNK = 512  # claims signed and looked up at a time
MARGIN = 0.06  # of the separating share (angle / pi): 4.7 standard deviations at 768 bits


@dataclass
class Grouped:
    """What one grouping did: claims grouped, how many joined an earlier group, candidates
    (sharing a bucket: their signatures compared), vectors read from the cache for the exact
    cosine, claims given buckets first (:func:`backfill`), and each claim's (group id,
    similarity; None: alone)."""

    claims: int = 0
    joined: int = 0
    candidates: int = 0
    vectors_loaded: int = 0
    backfilled: int = 0
    groups: dict[int, tuple[int, float | None]] = field(default_factory=dict)


def collision_chance(cosine: float, bands: int = BANDS, bits: int = BITS) -> float:
    """The chance two vectors with this cosine share at least one band."""
    agree = 1.0 - math.acos(max(-1.0, min(1.0, cosine))) / math.pi
    return 1.0 - (1.0 - agree**bits) ** bands


@lru_cache(maxsize=4)
def hyperplanes(dim: int) -> np.ndarray:
    """The fixed random hyperplanes for vectors of size ``dim`` (BANDS * BITS rows)."""
    return np.random.default_rng(SEED + dim).standard_normal((BANDS * BITS, dim)).astype(np.float32)


def signs(matrix: np.ndarray) -> np.ndarray:
    """Each vector's side of every hyperplane (rows x BANDS * BITS, bool)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    return matrix @ hyperplanes(matrix.shape[1]).T > 0


def slots(bits: np.ndarray) -> np.ndarray:
    """Each vector's bucket per band from its :func:`signs`: ``band * 2**BITS + key``
    (rows x BANDS, int64)."""
    keys = (bits.reshape(len(bits), BANDS, BITS).astype(np.int64) << np.arange(BITS)).sum(axis=2)
    return keys + (np.arange(BANDS, dtype=np.int64) << BITS)


def estimated_cosines(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The cosine of a vector with others estimated from their :func:`signs` (the share of
    hyperplanes that separate them is their angle over pi)."""
    apart = (others != signature).mean(axis=1)
    return np.cos(np.pi * apart)


def backfill(db: Database, model: str | None) -> int:
    """Give buckets to grouped check-worthy claims that have none for ``model``. Returns how
    many (0 once done: one indexed query)."""
    key = vectors.cache_key(model)
    missing = store.unbucketed(db, key)
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        bits = signs(vectors.embed_or_zero(db, [c["text"] for c in chunk], model))
        found = slots(bits)
        with db.atomic():
            store.replace_buckets(
                db,
                {c["id"]: (found[n].tolist(), pack_signs(bits[n])) for n, c in enumerate(chunk)},
                key,
            )
    return len(missing)


def group_claims(
    db: Database, claim_ids: Sequence[int], model: str | None, threshold: float
) -> Grouped:
    """Group ``claim_ids`` (in id order) with their most similar earlier check-worthy claim
    among the candidates sharing a bucket; store their groups and buckets in one transaction.

    A candidate's vector is read only when the cosine its signature estimates is within
    :data:`MARGIN` of the threshold (a pair at the threshold falls below it with chance about
    1e-6); the best of those is chosen on the exact cosine."""
    targets = sorted(set(int(c) for c in claim_ids))
    result = Grouped(claims=len(targets))
    if not targets:
        return result
    key = vectors.cache_key(model)
    result.backfilled = backfill(db, model)
    texts = match_store.claim_texts(db, targets)
    targets = [c for c in targets if c in texts]
    target_set = set(targets)
    matrix = vectors.embed_or_zero(db, [texts[c] for c in targets], model)
    bits = signs(matrix)
    signed = slots(bits)
    floor = math.cos(math.pi * min(1.0, math.acos(max(-1.0, threshold)) / math.pi + MARGIN))
    fresh: dict[int, list[int]] = {}  # slot -> rows of the targets grouped so far
    group_of: dict[int, int] = {}
    rows, buckets = [], {}
    for start in range(0, len(targets), CHUNK):
        chunk = range(start, min(start + CHUNK, len(targets)))
        stored = {
            c: row
            for c, row in store.candidates(
                db, signed[chunk.start : chunk.stop].ravel().tolist(), key
            ).items()
            if c not in target_set
        }
        in_slot: dict[int, list[int]] = {}
        for c, row in stored.items():
            group_of.setdefault(c, row["group_id"])
            for s in row["slots"]:
                in_slot.setdefault(s, []).append(c)
        # candidates per target, kept when their signatures say they may reach the threshold
        close: dict[int, list[int]] = {}
        for n in chunk:
            near = sorted({c for s in signed[n].tolist() for c in in_slot.get(s, ())})
            result.candidates += len(near)
            if near:
                others = np.vstack([unpack_signs(stored[c]["signature"]) for c in near])
                estimate = estimated_cosines(bits[n], others)
                close[n] = [c for c, e in zip(near, estimate) if e >= floor]
        wanted = sorted({c for found in close.values() for c in found})
        stored_vectors = {}
        if wanted:
            wanted_texts = store.check_worthy_texts(db, wanted)
            wanted = [c for c in wanted if c in wanted_texts]
            read = vectors.embed_or_zero(db, [wanted_texts[c] for c in wanted], model)
            stored_vectors = dict(zip(wanted, read))
        result.vectors_loaded += len(wanted)
        for n in chunk:
            claim, mine = targets[n], signed[n].tolist()
            best, best_sim = None, -np.inf
            near_stored = [c for c in close.get(n, ()) if c in stored_vectors]
            if near_stored:
                sims = np.vstack([stored_vectors[c] for c in near_stored]) @ matrix[n]
                top = int(np.argmax(sims))
                best, best_sim = near_stored[top], float(sims[top])
            near_fresh = sorted({m for s in mine for m in fresh.get(s, ())})
            result.candidates += len(near_fresh)
            if near_fresh:
                sims = matrix[near_fresh] @ matrix[n]
                top = int(np.argmax(sims))
                if float(sims[top]) > best_sim:
                    best, best_sim = targets[near_fresh[top]], float(sims[top])
            if best is not None and best_sim >= threshold:
                group_id, similarity = group_of[best], best_sim
                result.joined += 1
            else:
                group_id, similarity = claim, None
            group_of[claim] = group_id
            result.groups[claim] = (group_id, similarity)
            for s in mine:
                fresh.setdefault(s, []).append(n)
            buckets[claim] = (mine, pack_signs(bits[n]))
            rows.append(
                {"claim_id": claim, "group_id": group_id, "similarity": similarity, "model": key}
            )
    with db.atomic():
        match_store.replace_groups(db, rows)
        store.replace_buckets(db, buckets, key)
    return result


def pack_signs(bits: np.ndarray) -> bytes:
    """One vector's :func:`signs` as stored (``claim_groups.signature``)."""
    return np.packbits(bits).tobytes()


def unpack_signs(signature) -> np.ndarray:
    """:func:`pack_signs` undone."""
    return np.unpackbits(np.frombuffer(bytes(signature), dtype=np.uint8)).astype(bool)


def group_exact(
    db: Database, claim_ids: Sequence[int], model: str | None, threshold: float
) -> Grouped:
    """The reference method: the same grouping over every check-worthy grouped claim's
    vector (a full matrix product; what grouping did before 0011). Tests and the bench
    compare :func:`group_claims` with it."""
    targets = sorted(set(int(c) for c in claim_ids))
    result = Grouped(claims=len(targets))
    if not targets:
        return result
    key = vectors.cache_key(model)
    existing = match_store.groups(db)
    every = sorted(set(match_store.check_worthy_ids(db)) | set(targets))
    texts = match_store.claim_texts(db, every)
    every = [c for c in every if c in texts]
    matrix = vectors.embed_or_zero(db, [texts[c] for c in every], model)
    result.vectors_loaded = len(every)
    row_of = {c: n for n, c in enumerate(every)}
    target_set = set(targets)
    known = np.array([c in existing and c not in target_set for c in every], dtype=bool)
    group_of = {c: existing[c] for c in every if known[row_of[c]]}
    rows = []
    for start in range(0, len(targets), CHUNK):
        chunk = [c for c in targets[start : start + CHUNK] if c in row_of]
        sims = matrix[[row_of[c] for c in chunk]] @ matrix.T
        for n, claim in enumerate(chunk):
            row = sims[n].copy()
            row[~known] = -np.inf
            result.candidates += int(known.sum())
            best = int(np.argmax(row)) if known.any() else -1
            if best >= 0 and row[best] >= threshold:
                group_id, similarity = group_of[every[best]], float(row[best])
                result.joined += 1
            else:
                group_id, similarity = claim, None
            group_of[claim] = group_id
            result.groups[claim] = (group_id, similarity)
            known[row_of[claim]] = True
            rows.append(
                {"claim_id": claim, "group_id": group_id, "similarity": similarity, "model": key}
            )
    with db.atomic():
        match_store.replace_groups(db, rows)
    return result
