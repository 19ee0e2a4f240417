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

What a score means. The method decides the order; the score shown is the same for every
method, so that it means one thing: the **similarity** of
the claim and the reference, the cosine of their sentence embeddings (-1..1, in practice
0..1), averaged over the reference's claim, title and lead with weights 1, 0.5 and 0.25 (a
missing field counts as the claim). With MiniLM, a paraphrase of the same claim scores about
0.75 and more, the same topic about 0.5. The method's own score (re-ranker probability, BM25
relative to the query's best, fusion, cross-encoder) orders the list and is what a TREC run
file holds; it is not comparable across queries (the re-ranker's features are relative to the
candidates), so it is never shown as such: :mod:`factcheck.match.calibration` turns it (with
the rank, the gaps to the best and the next candidate, and the similarity) into a confidence,
which the thresholds compare.

What is stored. Every check-worthy claim keeps its best ``FACTCHECK_MATCH_TOP_K`` candidates in
the method's order, weak ones included, each with its similarity, a calibrated confidence
(:mod:`factcheck.match.calibration`: the estimated chance that it is the right fact-check) and
its band: strong from ``FACTCHECK_MATCH_STRONG``, suggested from ``FACTCHECK_MATCH_SUGGESTED``,
else weak.
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
from factcheck.match import ann, calibration, grouping
from factcheck.match.retrieval import METHODS, Doc, Query, Retriever, dense_field_texts
from factcheck.models.embed import detect_device, loadable, require_available, stay_offline
from factcheck.storage import Database, database_file, database_key
from factcheck.storage import matches as store
from factcheck.storage.embeddings import cached_hashes, get_many
from factcheck.text import clean_text, parse_date

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
BATCH = 256  # claims matched and stored per transaction
CROSS_ENCODER_DEPTH = 20  # candidates a cross-encoder re-scores
_CACHE: dict[tuple, CorpusIndex] = {}
_CACHE_SIZE = 3
REPORT_FROM = 200  # texts to encode from which progress callbacks hear of the encoding
REPORT_EVERY = 5.0  # seconds between two such reports


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
        backend: str | None = None,
        batch_size: int = 64,
    ):
        self.db, self.model, self.bar, self.say = db, model, bar, say
        self.backend = backend  # None: the embed_backend setting
        self.batch_size = batch_size
        self.dim: int | None = None
        self._said: float | None = None  # when ``say`` last heard of an encoding (s into it)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self._said = None
        out = vectors.embed_or_zero(
            self.db,
            texts,
            self.model,
            dim=self.dim,
            batch_size=self.batch_size,
            progress=self.bar,
            report=self._report if self.say else None,
            backend=self.backend,
        )
        self.dim = out.shape[1]
        return out

    def _report(self, state: vectors.EncodingProgress) -> None:
        """Tell ``say`` how the encoding goes: at the first batch, then every few seconds,
        and at the end (texts done of total, rate, time left)."""
        if state.total < REPORT_FROM:
            return
        first, last = self._said is None, state.done >= state.total
        if first or last or state.seconds - (self._said or 0.0) >= REPORT_EVERY:
            self._said = state.seconds
            assert self.say is not None  # only passed as report when there is one
            self.say(state.message)


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
    ready = {name: embed(texts) for name, texts in unit_texts(docs).items()}
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


def unit_texts(docs: Sequence[Doc]) -> dict[str, list[str]]:
    """The texts the dense index embeds for retrieval units: each unit's claim, title and the
    start of its lead (empty where a unit has none)."""
    return {
        "claim": [d.claim for d in docs],
        "title": [d.title for d in docs],
        "lead": dense_field_texts(docs, "lead"),
    }


def encode_corpus(
    db: Database,
    settings: Settings | None = None,
    *,
    model: str | None = None,
    backend: str | None = None,
    progress: Progress | None = None,
    bar: bool = False,
    batch_size: int = 64,
) -> int:
    """Encode, once, what searching the corpus needs (:func:`unit_texts`) that the vector
    cache lacks for ``model`` and ``backend`` (default: the settings'); returns how many texts
    were encoded. ``bar``: a progress bar (done / total, rate, time left) on stderr;
    ``progress``: the same as messages every few seconds."""
    settings = settings or load_settings()
    model = model if model is not None else settings.model
    backend = backend or settings.embed_backend
    docs, _sources, _externals = build_units(store.corpus_rows(db, None))
    texts = sorted({t.strip() for field in unit_texts(docs).values() for t in field if t.strip()})
    if not texts:
        return 0
    key = vectors.cache_key(model, backend)
    hashes = [vectors.text_hash(t) for t in texts]
    cached = cached_hashes(db, hashes, key)
    missing = [t for t, h in zip(texts, hashes) if h not in cached]
    if missing:
        DbEmbedder(db, model, bar=bar, say=progress, backend=backend, batch_size=batch_size)(
            missing
        )
    return len(missing)


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
    suggested: int = 0
    weak: int = 0
    duplicates: int = 0  # claims grouped with an earlier near-duplicate
    corpus: int = 0  # reference units searched
    method: str = ""

    @property
    def message(self) -> str:
        if not self.claims:
            text = "no check-worthy claims to match (ingest an article first)"
        elif not self.corpus:
            text = f"{self.claims} claims; no reference corpus to match against"
        else:
            text = (
                f"{self.claims} claims matched against {self.corpus:,} reference units "
                f"({self.method}): {self.matches} candidates stored: {self.strong} strong, "
                f"{self.suggested} suggested, {self.weak} weak"
            )
        if self.duplicates:
            text += f"; {self.duplicates} repeat an earlier claim"
        return text


def claim_queries(db: Database, claim_ids: Sequence[int]) -> list[Query]:
    """Claims as queries, as ``factcheck eval`` builds them: text, the sentences before as
    context (a transcript's five, an article's two), speaker, the article's (event's) date."""
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
    """Match claims against the corpus; store for each its top-k candidates in the method's
    order with similarity, calibrated confidence and band, weak ones included (replacing its
    earlier matches), one transaction per batch; then group near-duplicate claims."""
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
                ranked = rank(index, batch, method, top_k + 1, settings.cross_encoder)
                rows: list[dict[str, Any]] = [
                    {"claim_id": int(q.id), **candidate}
                    for q in batch
                    for candidate in calibrated(ranked[q.id], settings)[:top_k]
                ]
                with db.atomic():
                    store.replace_for_claims(db, [int(q.id) for q in batch], rows)
                result.matches += len(rows)
                result.strong += sum(r["band"] == "strong" for r in rows)
                result.suggested += sum(r["band"] == "suggested" for r in rows)
                result.weak += sum(r["band"] == "weak" for r in rows)
                if rows:
                    result.method = rows[0]["method"]
                shown.update(len(batch))
                if progress and len(queries) > BATCH:
                    progress(f"matched {min(start + BATCH, len(queries))} of {len(queries)} claims")
    if group:
        result.duplicates = group_duplicates(db, [int(q.id) for q in queries], settings)
    return result


def calibrated(found: Sequence[Found], settings: Settings) -> list[dict[str, Any]]:
    """One ranked list (best first) as rows to store or show: passage_id, score (the
    similarity), rank, method, model, confidence and band."""
    conf = calibration.shipped().confidences(
        [f.method_score for f in found], [f.score for f in found], found[0].method if found else ""
    )
    return [
        {
            "passage_id": f.passage_id,
            "score": f.score,
            "rank": f.rank,
            "method": f.method,
            "model": f.model,
            "confidence": round(float(c), 4),
            "band": calibration.band(float(c), settings.match_strong, settings.match_suggested),
        }
        for f, c in zip(found, conf)
    ]


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


CANDIDATE_COLUMNS = (
    "claim_id",
    "article_id",
    "rank",
    "band",
    "confidence",
    "similarity",
    "external_id",
    "source_id",
    "title",
    "url",
    "passage_id",
    "passage",
    "method",
    "model",
)
"""The columns of :func:`stored_candidates` (``factcheck matches``)."""


def stored_candidates(
    db: Database,
    *,
    article_id: int | None = None,
    claim_id: int | None = None,
    band: str | None = None,
) -> list[dict]:
    """Each claim's stored candidates (of one article, one claim, one band) by claim then
    rank, with :data:`CANDIDATE_COLUMNS`; ``external_id`` is the source's own id in its corpus
    file (e.g. CheckThat!'s ``vclaim_id``). Raises :class:`InputError` for an unknown article,
    claim or band."""
    from factcheck.storage import articles as article_store
    from factcheck.vocab import MATCH_BANDS

    if band is not None and band not in MATCH_BANDS:
        raise InputError(f"unknown band {band!r}; choose one of: {', '.join(MATCH_BANDS)}")
    if article_id is not None and article_store.get(db, article_id) is None:
        raise InputError(f"no article {article_id}; list them with `factcheck articles`")
    if claim_id is not None and not store.claim_texts(db, [claim_id]):
        raise InputError(f"no claim {claim_id}; list them with `factcheck claims`")
    rows = store.listing(db, article_id=article_id, claim_id=claim_id, band=band)
    for row in rows:
        for key in ("confidence", "similarity"):
            row[key] = None if row[key] is None else round(float(row[key]), 4)
    return [{key: row.get(key) for key in CANDIDATE_COLUMNS} for row in rows]


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
    """The best ``top_k`` sources for a free text, with passage, source, similarity
    (``score``), calibrated confidence and band (``strength``: strong, suggested or weak)."""
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
        top_k + 1,
        settings.cross_encoder,
    )["q"]
    rows = calibrated(found, settings)[:top_k]
    cards = store.passage_cards(db, [r["passage_id"] for r in rows])
    return [
        {
            "rank": r["rank"],
            "score": round(r["score"], 4),
            "confidence": r["confidence"],
            "strength": r["band"],
            "method": r["method"],
            "model": r["model"],
            **cards[r["passage_id"]],
        }
        for r in rows
    ]


# --------------------------------------------------------------------------- near-duplicates


def group_duplicates(
    db: Database, claim_ids: Sequence[int], settings: Settings | None = None
) -> int:
    """Put each claim in the group of its most similar earlier check-worthy claim when their
    cosine reaches ``duplicate_threshold`` (else in a group of its own), comparing it only with
    the claims sharing a hash bucket (:mod:`factcheck.match.grouping`). Returns how many
    joined an existing group."""
    settings = settings or load_settings()
    grouped = grouping.group_claims(db, claim_ids, settings.model, settings.duplicate_threshold)
    return grouped.joined


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
