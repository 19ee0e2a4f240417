"""Claim matching: rank the reference corpus in the database for claims, store the best.

One code path serves ``factcheck match``, ``search``, ``eval``, ingest and the app:
:func:`corpus_index` turns the corpus into retrieval units and a
:class:`factcheck.match.retrieval.Retriever`; :func:`rank` orders units for queries; the callers
store (:func:`match_claims`), print (:func:`search`) or score (:func:`factcheck.research.evaluate.evaluate_files`) them.

Retrieval units. A source with a checked claim is one unit: its claim passage, with its
title and lead as further fields (the shape the re-ranker was trained on); each body window of
a long document is a unit of its own (with the source's title); a source with neither is one
unit made of its title or lead. A unit's id is the id of its first passage, so a match points
at a passage. Results keep the best unit per source.

Vectors come from the embedding cache (:mod:`factcheck.corpus.vectors`): a text is encoded once per
model, ever, so a second run encodes nothing new. When the corpus holds vectors of another
model only, matching stops with a message offering ``factcheck corpus embed``.

Search. ``dense`` is exact cosine (numpy) below ``FACTCHECK_ANN_THRESHOLD`` units and the
usearch HNSW index of :mod:`factcheck.match.ann` from it (saved beside the database, kept in step
with inserted and deleted passages by its id checksum; the exact weighted score is then
computed for its candidates). ``bm25``, ``hybrid`` and ``rerank`` score every unit. A named
cross-encoder (``FACTCHECK_CROSS_ENCODER``) re-scores the top candidates of any method.

What a score means. The method decides the order; the score shown and compared with the
thresholds is the same for every method, so that it means one thing: the **similarity** of
the claim and the reference, the cosine of their sentence embeddings (-1..1, in practice
0..1), averaged over the reference's claim, title and lead with weights 1, 0.5 and 0.25 (a
missing field counts as the claim). With MiniLM, a paraphrase of the same claim scores about
0.75 and more, the same topic about 0.5. The method's own score (re-ranker probability, BM25
relative to the query's best, fusion, cross-encoder) orders the list and is what a TREC run
file holds; it is not comparable across queries (the re-ranker's features are relative to the
candidates), so it is never used with the thresholds.

Matches under ``FACTCHECK_MATCH_SUGGESTED`` (default 0.5) are not stored; from
``FACTCHECK_MATCH_STRONG`` (default 0.75) a match is strong.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from factcheck.config import Settings, load_settings
from factcheck.corpus import vectors
from factcheck.errors import InputError, ModelError
from factcheck.match import ann
from factcheck.match.retrieval import METHODS, Doc, Query, Retriever
from factcheck.models.embed import detect_device, loadable, require_available, stay_offline
from factcheck.storage import Database, database_file, database_key
from factcheck.storage import matches as store
from factcheck.storage.embeddings import get_many
from factcheck.text import clean_text, parse_date

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
BATCH = 256  # claims matched and stored per transaction
CROSS_ENCODER_DEPTH = 20  # candidates a cross-encoder re-scores
_CACHE: dict[tuple, CorpusIndex] = {}
_CACHE_SIZE = 3


# --------------------------------------------------------------------------- embedding


class DbEmbedder:
    """``texts -> vectors`` through the database cache; an empty text gets a zero vector."""

    def __init__(
        self,
        db: Database,
        model: str | None,
        *,
        bar: bool = False,
        say: Progress | None = None,
    ):
        self.db, self.model, self.bar, self.say = db, model, bar, say
        self.dim: int | None = None

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t.strip() if isinstance(t, str) else "" for t in texts]
        filled = [i for i, t in enumerate(texts) if t]
        if filled and self.say and len(filled) >= 500:
            self.say(f"encoding up to {len(filled):,} texts (cached ones are skipped)")
        found = (
            vectors.embed_texts(self.db, [texts[i] for i in filled], self.model, progress=self.bar)
            if filled
            else None
        )
        if found is not None:
            self.dim = found.shape[1]
        out = np.zeros((len(texts), self.dim or self._dimension()), dtype=np.float32)
        if found is not None:
            out[filled] = found
        return out

    def _dimension(self) -> int:
        self.dim = vectors.dimension(self.db, self.model)
        return self.dim


# --------------------------------------------------------------------------- the corpus


@dataclass
class CorpusIndex:
    """The corpus as retrieval units, ready to rank."""

    retriever: Retriever
    passage_ids: np.ndarray  # unit -> passage id
    source_ids: np.ndarray  # unit -> source id
    external_ids: list  # unit -> the source's id in its imported file
    model: str  # cache key of the embedding model
    position: dict = field(default_factory=dict)  # passage id -> unit
    ann_index: ann.VectorIndex | None = None

    def __len__(self) -> int:
        return len(self.passage_ids)


def build_units(rows: Sequence[dict]) -> tuple[list[Doc], list[int], list]:
    """Retrieval units from :func:`storage.matches.corpus_rows` (see the module docstring)."""
    docs, sources, externals = [], [], []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j]["source_id"] == rows[i]["source_id"]:
            j += 1
        group = rows[i:j]
        i = j
        first: dict[str, dict] = {}
        for row in group:
            first.setdefault(row["field"], row)
        bodies = [row for row in group if row["field"] == "body"]
        title, lead, claim = first.get("title"), first.get("lead"), first.get("claim")
        head = claim or (None if bodies else title or lead)
        meta = group[0]
        speaker = meta["claimant"] or ""
        claim_date, published = parse_date(meta["claim_date"]), parse_date(meta["date"])
        title_text = title["text"] if title else ""
        if head is not None:
            docs.append(
                Doc(
                    str(head["id"]),
                    head["text"],
                    title=title_text if title is not head else "",
                    lead=lead["text"] if lead is not None and lead is not head else "",
                    speaker=speaker,
                    date=claim_date,
                    published=published,
                )
            )
        for body in bodies:
            docs.append(
                Doc(
                    str(body["id"]),
                    body["text"],
                    title=title_text,
                    speaker=speaker,
                    date=claim_date,
                    published=published,
                )
            )
        added = (head is not None) + len(bodies)
        sources += [meta["source_id"]] * added
        externals += [meta["external_id"]] * added
    return docs, sources, externals


def corpus_index(
    db: Database,
    settings: Settings | None = None,
    *,
    model: str | None = None,
    source_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    bar: bool = False,
) -> CorpusIndex | None:
    """The corpus (or the given sources) ready to rank; None when there is none.

    Raises :class:`ModelError` when the model cannot be loaded offline, or when the corpus is
    encoded with another model only.
    """
    settings = settings or load_settings()
    model = model if model is not None else settings.model
    require_available(model)
    key = vectors.require_model(db, model)
    signature = store.corpus_signature(db)
    if signature[0] == 0:
        return None
    subset = None if source_ids is None else ann.ids_checksum(source_ids)
    cache_key = (database_key(db), key, signature, subset)
    embed = DbEmbedder(db, model, bar=bar, say=progress)
    cached = _CACHE.get(cache_key)
    if cached is not None:
        cached.retriever.embed = embed  # the cached index must not keep an old connection
        return cached
    rows = store.corpus_rows(db, source_ids)
    docs, sources, externals = build_units(rows)
    if not docs:
        return None
    if progress:
        progress(f"preparing {len(docs):,} reference units for search")
    ready = {"claim": embed([d.claim for d in docs]), "title": embed([d.title for d in docs])}
    retriever = Retriever(docs, embed, vectors=ready)
    passage_ids = np.array([int(d.id) for d in docs], dtype=np.int64)
    index = CorpusIndex(
        retriever,
        passage_ids,
        np.array(sources, dtype=np.int64),
        externals,
        key,
        {int(p): n for n, p in enumerate(passage_ids)},
    )
    if len(docs) >= settings.ann_threshold:
        index.ann_index = _approximate_index(db, index, settings.ann_threshold)
    _CACHE[cache_key] = index
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    return index


def _approximate_index(db: Database, index: CorpusIndex, threshold: int) -> ann.VectorIndex:
    """The usearch index over the units' claim vectors, saved beside the database."""
    claim_vectors = index.retriever.dense.vectors["claim"]

    def vectors_for(ids: np.ndarray) -> np.ndarray:
        return claim_vectors[[index.position[int(i)] for i in ids]]

    dim = claim_vectors.shape[1]
    path = database_file(db)
    if not path:
        built = ann.choose_index(len(index), dim, index.model, threshold)
        built.add(index.passage_ids, claim_vectors)
        return built
    return ann.load_or_build(
        ann.index_path(path, index.model),
        index.model,
        dim,
        index.passage_ids,
        vectors_for,
        threshold=threshold,
    )


def clear_cache() -> None:
    _CACHE.clear()


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class Found:
    """One ranked unit for a query: its passage, source, similarity ``score`` (see the module
    docstring), the method's own ranking score, rank, method and model."""

    passage_id: int
    source_id: int
    external_id: str | None
    score: float
    rank: int
    method: str
    model: str
    method_score: float


def rank(
    index: CorpusIndex,
    queries: Sequence[Query],
    method: str,
    k: int,
    cross_encoder: str | None = None,
) -> dict[str, list[Found]]:
    """``{query id: [Found, ...]}``: the best ``k`` sources per query in the method's order."""
    _require_method(method)
    if k < 1:
        raise InputError(f"top-k must be at least 1, got {k}")
    if not queries:
        return {}
    wide = max(4 * k, CROSS_ENCODER_DEPTH if cross_encoder else 0, 20)
    query_vectors = index.retriever.embed([clean_text(q.text) for q in queries])
    if method == "dense" and index.ann_index is not None:
        hits = _approximate_dense(index, index.ann_index, queries, query_vectors, wide)
    else:
        found = index.retriever.search(queries, method, k=wide)
        hits = {
            q: [(index.position[int(h.doc_id)], h.score, h.method) for h in found[q]] for q in found
        }
    out = {}
    for row, query in enumerate(queries):
        best: list[tuple[int, float, str]] = []
        seen: set[int] = set()
        for unit, score, used in hits.get(query.id, []):
            source = int(index.source_ids[unit])
            if source not in seen:
                seen.add(source)
                best.append((unit, score, used))
        if cross_encoder:
            best = _cross_rescore(cross_encoder, query, best[:CROSS_ENCODER_DEPTH], index)
        best = best[:k]
        similar = similarity(index, query_vectors[row], [u for u, _s, _m in best])
        out[query.id] = [
            Found(
                int(index.passage_ids[u]),
                int(index.source_ids[u]),
                index.external_ids[u],
                float(sim),
                r,
                used,
                cross_encoder or index.model,
                float(s),
            )
            for r, ((u, s, used), sim) in enumerate(zip(best, similar), start=1)
        ]
    return out


def _require_method(method: str) -> str:
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
    return method


def similarity(index: CorpusIndex, query_vector: np.ndarray, units) -> np.ndarray:
    """The match score: cosine of the claim with each unit's claim, title and lead vectors,
    weighted 1 / 0.5 / 0.25 (a missing field counts as the claim's)."""
    dense = index.retriever.dense
    units = np.asarray(units, dtype=np.int64)
    if not len(units):
        return np.zeros(0, dtype=np.float32)
    weights = index.retriever.config.dense_weights
    total = sum(weights.get(f, 0.0) for f in dense.vectors) or 1.0
    per_field = {f: v[units] @ query_vector for f, v in dense.vectors.items()}
    score = np.zeros(len(units), dtype=np.float32)
    for name, values in per_field.items():
        values = np.where(dense.present[name][units], values, per_field["claim"])
        score += weights.get(name, 0.0) * values
    return np.clip(score / total, -1.0, 1.0)


def _approximate_dense(
    index: CorpusIndex,
    ann_index: ann.VectorIndex,
    queries: Sequence[Query],
    query_vectors: np.ndarray,
    k: int,
) -> dict[str, list[tuple[int, float, str]]]:
    """Dense search through ``ann_index`` (the index's approximate one): its candidates,
    scored exactly."""
    ids, _ = ann_index.search(query_vectors, max(5 * k, 100))
    out = {}
    for row, query in enumerate(queries):
        units = np.array(
            [index.position[int(i)] for i in ids[row] if int(i) in index.position], dtype=np.int64
        )
        score = similarity(index, query_vectors[row], units)
        order = np.argsort(-score, kind="stable")[:k]
        out[query.id] = [(int(units[o]), float(score[o]), "dense") for o in order]
    return out


def _cross_rescore(name: str, query: Query, best: list, index: CorpusIndex) -> list:
    if not best:
        return best
    model = load_cross_encoder(name)
    docs = index.retriever.docs
    pairs = [
        (query.text, docs[u].claim if not docs[u].title else f"{docs[u].title}. {docs[u].claim}")
        for u, _s, _m in best
    ]
    raw = np.asarray(model.predict(pairs), dtype=float).reshape(len(pairs), -1)[:, -1]
    scores = raw if raw.min() >= 0 and raw.max() <= 1 else 1 / (1 + np.exp(-raw))
    order = np.argsort(-scores, kind="stable")
    return [(best[o][0], float(scores[o]), f"{best[o][2]}+cross-encoder") for o in order]


def load_cross_encoder(name: str):
    """A sentence-transformers CrossEncoder by local path, or a hub name already cached (or
    with FACTCHECK_ALLOW_DOWNLOAD=1); a clear :class:`ModelError` otherwise, never a hang."""
    stay_offline()
    if not loadable(name):
        raise ModelError(
            f"cross-encoder {name!r} is not a folder on disk and downloads are off: give the "
            "path of a sentence-transformers cross-encoder folder, set "
            "FACTCHECK_ALLOW_DOWNLOAD=1 where a network is available, or unset "
            "FACTCHECK_CROSS_ENCODER (--cross-encoder) to match without one."
        )
    return _load_cross_encoder(name)


_CROSS: dict[str, object] = {}


def _load_cross_encoder(name: str):
    if name not in _CROSS:
        from sentence_transformers import CrossEncoder

        try:
            _CROSS[name] = CrossEncoder(name, device=detect_device())
        except Exception as error:  # noqa: BLE001 - one clear message
            raise ModelError(
                f"cannot load cross-encoder {name!r}: {type(error).__name__}: "
                f"{str(error).splitlines()[0][:200]}"
            ) from None
    return _CROSS[name]


# --------------------------------------------------------------------------- matching claims


@dataclass
class MatchResult:
    """What a matching run did."""

    claims: int = 0
    matches: int = 0
    strong: int = 0
    duplicates: int = 0  # claims grouped with an earlier near-duplicate
    corpus: int = 0  # reference units searched
    method: str = ""

    @property
    def message(self) -> str:
        if not self.corpus:
            text = f"{self.claims} claims; no reference corpus to match against"
        else:
            text = (
                f"{self.claims} claims matched against {self.corpus:,} reference units "
                f"({self.method}): {self.matches} matches stored, {self.strong} strong"
            )
        if self.duplicates:
            text += f"; {self.duplicates} repeat an earlier claim"
        return text


def claim_queries(db: Database, claim_ids: Sequence[int]) -> list[Query]:
    """Claims as queries: text, the two sentences before as context, speaker, article date."""
    return [
        Query(
            str(c["id"]),
            c["text"],
            context=c["context"] or "",
            speaker=c["speaker"] or "",
            date=parse_date(c["published_date"]),
        )
        for c in store.claims_for_matching(db, claim_ids)
    ]


def match_claims(
    db: Database,
    claim_ids: Sequence[int],
    settings: Settings | None = None,
    *,
    top_k: int | None = None,
    method: str | None = None,
    progress: Progress | None = None,
    bar: bool = False,
    group: bool = True,
) -> MatchResult:
    """Match claims against the corpus; store for each its top-k passages scoring at least
    the suggested threshold (replacing its earlier matches), one transaction per batch; then
    group near-duplicate claims."""
    settings = settings or load_settings()
    top_k = top_k or settings.match_top_k
    method = _require_method(method or settings.match_method)
    queries = claim_queries(db, claim_ids)
    result = MatchResult(claims=len(queries), method=method)
    if not queries:
        return result
    index = corpus_index(db, settings, progress=progress, bar=bar)
    if index is not None:
        result.corpus = len(index)
        with tqdm(
            total=len(queries),
            unit="claim",
            desc="matching",
            file=sys.stderr,
            disable=not bar or len(queries) < BATCH,
            leave=False,
        ) as shown:
            for start in range(0, len(queries), BATCH):
                batch = queries[start : start + BATCH]
                ranked = rank(index, batch, method, top_k, settings.cross_encoder)
                rows: list[dict[str, Any]] = [
                    {
                        "claim_id": int(q.id),
                        "passage_id": f.passage_id,
                        "score": f.score,
                        "rank": f.rank,
                        "method": f.method,
                        "model": f.model,
                    }
                    for q in batch
                    for f in ranked[q.id]
                    if f.score >= settings.match_suggested
                ]
                with db.atomic():
                    store.replace_for_claims(db, [int(q.id) for q in batch], rows)
                result.matches += len(rows)
                result.strong += sum(r["score"] >= settings.match_strong for r in rows)
                if rows:
                    result.method = rows[0]["method"]
                shown.update(len(batch))
                if progress and len(queries) > BATCH:
                    progress(f"matched {min(start + BATCH, len(queries))} of {len(queries)} claims")
    if group:
        result.duplicates = group_duplicates(db, [int(q.id) for q in queries], settings)
    return result


def match_article(
    db: Database,
    article_id: int,
    settings: Settings | None = None,
    progress: Progress | None = None,
    **options,
) -> int:
    """Match an article's check-worthy claims when a corpus exists. Returns matches stored."""
    if store.corpus_signature(db)[0] == 0:
        return 0
    ids = store.check_worthy_ids(db, article_id)
    return match_claims(db, ids, settings, progress=progress, **options).matches


def match_all(db: Database, settings: Settings | None = None, **options) -> MatchResult:
    """Match every check-worthy claim of every article."""
    return match_claims(db, store.check_worthy_ids(db), settings, **options)


def search(
    db: Database,
    text: str,
    top_k: int = 10,
    method: str | None = None,
    settings: Settings | None = None,
    **options,
) -> list[dict]:
    """The best ``top_k`` sources for a free text, with passage, source, score and strength
    ("strong", "suggested", or "weak" under the suggested threshold)."""
    settings = settings or load_settings()
    if not isinstance(text, str) or not text.strip():
        raise InputError("nothing to search for: give a claim or some words")
    index = corpus_index(db, settings, **options)
    if index is None:
        raise InputError(
            "the reference corpus is empty: import one with `factcheck corpus import FILE`"
        )
    found = rank(
        index,
        [Query("q", text.strip())],
        method or settings.match_method,
        top_k,
        settings.cross_encoder,
    )["q"]
    cards = store.passage_cards(db, [f.passage_id for f in found])
    out = []
    for f in found:
        card = cards[f.passage_id]
        strength = (
            "strong"
            if f.score >= settings.match_strong
            else "suggested"
            if f.score >= settings.match_suggested
            else "weak"
        )
        out.append(
            {
                "rank": f.rank,
                "score": round(f.score, 4),
                "strength": strength,
                "method": f.method,
                "model": f.model,
                **card,
            }
        )
    return out


# --------------------------------------------------------------------------- near-duplicates


def group_duplicates(
    db: Database, claim_ids: Sequence[int], settings: Settings | None = None
) -> int:
    """Put each claim in the group of its most similar earlier check-worthy claim when their
    cosine reaches ``duplicate_threshold`` (else in a group of its own). Claim vectors are
    cached in the embeddings table by text hash. Returns how many joined an existing group."""
    settings = settings or load_settings()
    targets = sorted(set(int(c) for c in claim_ids))
    if not targets:
        return 0
    key = vectors.cache_key(settings.model)
    existing = store.groups(db)
    every = sorted(set(store.check_worthy_ids(db)) | set(targets))
    texts = store.claim_texts(db, every)
    every = [c for c in every if c in texts]
    matrix = DbEmbedder(db, settings.model)([texts[c] for c in every])
    row_of = {c: n for n, c in enumerate(every)}
    target_set = set(targets)
    known = np.array([c in existing and c not in target_set for c in every], dtype=bool)
    group_of = {c: existing[c] for c in every if known[row_of[c]]}
    rows, joined = [], 0
    for start in range(0, len(targets), 512):
        chunk = [c for c in targets[start : start + 512] if c in row_of]
        sims = matrix[[row_of[c] for c in chunk]] @ matrix.T
        for n, claim in enumerate(chunk):
            row = sims[n].copy()
            row[~known] = -np.inf
            best = int(np.argmax(row)) if known.any() else -1
            if best >= 0 and row[best] >= settings.duplicate_threshold:
                group_id, similarity = group_of[every[best]], float(row[best])
                joined += 1
            else:
                group_id, similarity = claim, None
            group_of[claim] = group_id
            known[row_of[claim]] = True
            rows.append(
                {"claim_id": claim, "group_id": group_id, "similarity": similarity, "model": key}
            )
    with db.atomic():
        store.replace_groups(db, rows)
    return joined


def duplicates(db: Database, claim_id: int) -> list[dict]:
    """The other claims of ``claim_id``'s near-duplicate group, with their verdicts and the
    cosine similarity to this claim."""
    members = store.group_members(db, claim_id)
    if not members:
        return []
    own = store.claim_texts(db, [claim_id])
    hashes = [vectors.text_hash(own[claim_id].strip())] if claim_id in own else []
    found = get_many(db, hashes + [m["text_hash"] for m in members], members[0]["model"])
    mine = found.get(hashes[0]) if hashes else None
    for member in members:
        other = found.get(member["text_hash"])
        member["similarity"] = (
            round(float(np.dot(mine, other)), 3) if mine is not None and other is not None else None
        )
        member["label"] = member["final_label"] or member["labels"]
        member.pop("text_hash", None)
    return members


def prior_verdicts(db: Database, claim_id: int) -> list[dict]:
    """Near-duplicates of ``claim_id`` that already have a verdict: claim_id, text,
    article_title, status, label (the final verdict, else the reviewers' labels), scale,
    similarity."""
    return with_verdicts(duplicates(db, claim_id))


def with_verdicts(members: list[dict]) -> list[dict]:
    """Those of :func:`duplicates`' members that already have a verdict."""
    return [m for m in members if m["label"]]
