"""Texts -> vectors through the database cache: a text is encoded once per model, ever.

The cache key is ``sha256(text.strip())`` (the same hash as ``claims.text_hash`` and
``passages.text_hash``) with :func:`cache_key`: the model name from
:func:`factcheck.models.embed.resolve_model_name`, plus ``@onnx-int8`` when that backend is on
(its vectors differ; the ``onnx`` float32 backend gives the torch vectors and shares the key).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from factcheck.errors import InputError, ModelError
from factcheck.models import embed
from factcheck.models import onnx as embed_onnx
from factcheck.storage import Database
from factcheck.storage import corpus as corpus_store
from factcheck.storage import embeddings as store
from factcheck.storage.claims import text_hash


@dataclass(frozen=True)
class EncodingProgress:
    """Where an encoding run stands: texts ``done`` of ``total`` after ``seconds``."""

    done: int
    total: int
    seconds: float

    @property
    def rate(self) -> float:
        """Texts per second so far (0 before the first batch)."""
        return self.done / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far (None before the first batch)."""
        return (self.total - self.done) / self.rate if self.rate else None

    @property
    def message(self) -> str:
        text = f"encoding texts: {self.done:,} of {self.total:,}"
        if self.rate:
            text += f", {self.rate:,.0f} texts/s"
        if self.eta is not None and self.done < self.total:
            text += f", about {_duration(self.eta)} left"
        return text


EncodingReport = Callable[[EncodingProgress], None]


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def embed_texts(
    db: Database,
    texts: Sequence[str],
    model: str | None = None,
    batch_size: int = 64,
    progress: bool = False,
    report: EncodingReport | None = None,
    backend: str | None = None,
) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text in order; only uncached texts are
    encoded (``progress``: a bar on stderr; ``report``: hears after each batch; ``backend``:
    default the ``embed_backend`` setting)."""
    name, key = embed.resolve_model_name(model), cache_key(model, backend)
    clean = [_clean(text, i) for i, text in enumerate(texts)]
    hashes = [text_hash(text) for text in clean]
    cached = store.get_many(db, hashes, key)
    missing = {h: t for h, t in zip(hashes, clean) if h not in cached}
    if missing:
        cached.update(
            encode_missing(
                db,
                missing,
                name,
                batch_size=batch_size,
                progress=progress,
                report=report,
                backend=backend,
            )
        )
    if not hashes:
        return np.zeros((0, dimension(db, name)), dtype=np.float32)
    return _stack([cached[h] for h in hashes], key)


def embed_or_zero(
    db: Database,
    texts: Sequence[str],
    model: str | None = None,
    *,
    dim: int | None = None,
    batch_size: int = 64,
    progress: bool = False,
    report: EncodingReport | None = None,
    backend: str | None = None,
) -> np.ndarray:
    """:func:`embed_texts`, but an empty text (or not a string) gets a zero vector; ``dim``:
    their size when no text is filled (default :func:`dimension`)."""
    texts = [t.strip() if isinstance(t, str) else "" for t in texts]
    filled = [i for i, t in enumerate(texts) if t]
    if not filled:
        return np.zeros((len(texts), dim or dimension(db, model)), dtype=np.float32)
    found = embed_texts(
        db,
        [texts[i] for i in filled],
        model,
        batch_size=batch_size,
        progress=progress,
        report=report,
        backend=backend,
    )
    out = np.zeros((len(texts), found.shape[1]), dtype=np.float32)
    out[filled] = found
    return out


def cache_key(model: str | None = None, backend: str | None = None) -> str:
    """The name vectors are stored under: the model, and the backend when it changes them
    (``backend``: default the ``embed_backend`` setting)."""
    return embed.resolve_model_name(model) + embed_onnx.key_suffix(backend)


def encode_missing(
    db: Database,
    texts_by_hash: dict[str, str],
    model: str,
    *,
    batch_size: int = 64,
    progress: bool = False,
    backend: str | None = None,
    report: EncodingReport | None = None,
) -> dict[str, np.ndarray]:
    """Encode the given texts in batches (longest first), storing each batch in one
    transaction. ``progress``: a bar with the rate and time left on stderr; ``report``: called
    after each batch with an :class:`EncodingProgress`."""
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    key = cache_key(model, backend)
    order = sorted(texts_by_hash, key=lambda h: -len(texts_by_hash[h]))
    out: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    with tqdm(
        total=len(order),
        unit="text",
        desc=f"encoding ({key})",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    ) as bar:
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors = embed.encode(
                [texts_by_hash[h] for h in batch],
                model=model,
                batch_size=batch_size,
                backend=backend,
            )
            with db.atomic():
                store.put_many(db, batch, vectors, key)
            out.update(zip(batch, vectors))
            bar.update(len(batch))
            if report:
                report(EncodingProgress(len(out), len(order), time.perf_counter() - started))
    return out


def embed_passages(
    db: Database,
    model: str | None = None,
    *,
    batch_size: int = 64,
    progress: bool = False,
    backend: str | None = None,
    report: EncodingReport | None = None,
) -> int:
    """Encode every corpus passage that has no vector for ``model`` yet. Returns how many.
    ``backend``: torch, onnx or onnx-int8 (default: the ``embed_backend`` setting)."""
    name = embed.resolve_model_name(model)
    wanted = set(store.missing_passage_hashes(db, cache_key(model, backend)))
    if not wanted:
        return 0
    texts = {
        p["text_hash"]: p["text"].strip()
        for p in corpus_store.iter_passages(db)
        if p["text_hash"] in wanted
    }
    encode_missing(
        db, texts, name, batch_size=batch_size, progress=progress, backend=backend, report=report
    )
    return len(texts)


def models_in_db(db: Database) -> dict[str, int]:
    """Each model that has cached vectors, with how many, most first."""
    return store.models(db)


def model_mismatch(db: Database, model: str | None = None) -> str | None:
    """A message when the corpus has vectors but none from ``model``; None when all is well."""
    name, key = embed.resolve_model_name(model), cache_key(model)
    present = models_in_db(db)
    if not present or key in present:
        return None
    held = ", ".join(f"{m} ({n:,} texts)" for m, n in present.items())
    todo = len(store.missing_passage_hashes(db, key))
    backend = embed_onnx.backend()
    option = f" --backend {backend}" if backend != "torch" else ""
    return (
        f"the database holds vectors from {held}, none from {key!r}. Re-encode the corpus "
        f"for it with `factcheck corpus embed --model {name}{option}` ({todo:,} passages to "
        "encode), or use the model (and backend) the vectors came from (--model / "
        "FACTCHECK_MODEL, FACTCHECK_EMBED_BACKEND)."
    )


def require_model(db: Database, model: str | None = None) -> str:
    """The cache key of ``model``, or :class:`ModelError` when the stored vectors are another's."""
    message = model_mismatch(db, model)
    if message:
        raise ModelError(message)
    return cache_key(model)


def _clean(text: str, index: int) -> str:
    if not isinstance(text, str):
        raise InputError(f"text {index + 1} is a {type(text).__name__}, not a string")
    stripped = text.strip()
    if not stripped:
        raise InputError(f"text {index + 1} is empty; nothing to encode")
    return stripped


def _stack(vectors: list[np.ndarray], model: str) -> np.ndarray:
    dims = {len(v) for v in vectors}
    if len(dims) > 1:
        raise ModelError(
            f"vectors stored for {model!r} have different sizes ({sorted(dims)}): the model "
            "changed under the same name; delete its vectors and encode again"
        )
    return np.vstack(vectors).astype(np.float32, copy=False)


def dimension(db: Database, model: str | None) -> int:
    """The vector size of ``model`` (from the cache, else from the loaded model)."""
    stored = store.dimension(db, cache_key(model))
    if stored:
        return stored
    return embed_onnx.dimension(embed.load_model(model))
