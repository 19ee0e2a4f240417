"""Vector indexes for passage search: exact numpy below a size threshold, usearch HNSW above.

Both kinds share one API: ``add(ids, vectors)`` (an id already present is replaced),
``remove(ids)``, ``search(queries, k) -> (ids, scores)``, ``save(path)`` / ``load(path)``,
``len()``. Scores are cosine similarities (vectors are L2-normalised on the way in).
``search`` always returns 2-D arrays with ``min(k, len(index))`` columns, best first; where an
approximate search finds fewer, the row is padded with id -1 and score -inf.

Ids are int64 >= 0, chosen by the caller (e.g. passage ids). No SQL here: the caller reads
ids and vectors from storage, and keeps a saved index in step (:func:`sync`,
:func:`load_or_build`). A saved file holds a JSON header (kind, model, dimension, id count
and checksum, parameters) then the payload; :func:`read_meta` reads the header alone, and
:func:`is_in_step` compares it with the ids in the database to detect a stale file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from factcheck.config import load_settings
from factcheck.errors import InputError, ModelError

MAGIC = b"FCVINDEX1\n"
_HEADER_LEN = struct.Struct("<Q")


@dataclass(frozen=True)
class IndexMeta:
    """What a saved index holds: enough to tell whether it is still in step."""

    kind: str
    model: str
    dim: int
    count: int
    checksum: str
    params: dict = field(default_factory=dict)


def ids_checksum(ids: Iterable[int] | np.ndarray) -> str:
    """An order-independent checksum of a set of int64 ids."""
    unique = np.unique(np.asarray(ids if hasattr(ids, "__len__") else list(ids), dtype="<i8"))
    return hashlib.sha256(unique.tobytes()).hexdigest()[:32]


def is_in_step(
    meta: IndexMeta, ids_in_db, model: str | None = None, dim: int | None = None
) -> bool:
    """True when ``meta`` describes exactly ``ids_in_db`` (and ``model``/``dim`` when given)."""
    ids = np.unique(np.asarray(ids_in_db, dtype=np.int64))
    if (model is not None and meta.model != model) or (dim is not None and meta.dim != dim):
        return False
    return meta.count == len(ids) and meta.checksum == ids_checksum(ids)


def ann_threshold() -> int:
    """Passages from which search uses the approximate index: the ``ann_threshold`` setting
    (``FACTCHECK_ANN_THRESHOLD``, default 50,000)."""
    return load_settings().ann_threshold


def choose_index(n: int, dim: int, model: str, threshold: int | None = None) -> VectorIndex:
    """An empty index suited to ``n`` vectors: exact below the threshold, ANN from it."""
    limit = ann_threshold() if threshold is None else threshold
    return ExactIndex(dim, model) if n < limit else AnnIndex(dim, model)


def index_path(db_path: str | Path, model: str) -> Path:
    """Where the index of ``model`` lives: beside the database, ``<db>.<model>.index``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("._") or "model"
    return Path(f"{db_path}.{safe}.index")


class VectorIndex:
    """Shared behaviour: checks, metadata, the file format. Subclasses store the vectors."""

    kind = "base"

    def __init__(self, dim: int, model: str):
        if dim < 1:
            raise InputError(f"vector dimension must be at least 1, got {dim}")
        self.dim, self.model = int(dim), model

    # what a subclass provides
    def __len__(self) -> int:
        raise NotImplementedError

    def ids(self) -> np.ndarray:
        raise NotImplementedError

    def _add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        raise NotImplementedError

    def _remove(self, ids: np.ndarray) -> int:
        raise NotImplementedError

    def _search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _payload(self) -> bytes:
        raise NotImplementedError

    def _params(self) -> dict:
        return {}

    def add(self, ids, vectors) -> None:
        """Add (or replace) one vector per id."""
        ids, vectors = _as_ids(ids), self._as_matrix(vectors)
        if len(ids) != len(vectors):
            raise InputError(f"{len(ids)} ids for {len(vectors)} vectors")
        if len(np.unique(ids)) != len(ids):
            raise InputError("the same id is given twice in one add")
        if len(ids):
            self._remove(ids)
            self._add(ids, vectors)

    def remove(self, ids) -> int:
        """Remove the given ids (absent ones are ignored). Returns how many were removed."""
        ids = _as_ids(ids)
        return self._remove(ids) if len(ids) and len(self) else 0

    def search(self, queries, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(ids int64, cosine scores float32), each (n_queries, min(k, len)), best first."""
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        queries = self._as_matrix(queries)
        k = min(k, len(self))
        if k == 0 or not len(queries):
            return np.zeros((len(queries), k), np.int64), np.zeros((len(queries), k), np.float32)
        return self._search(queries, k)

    def meta(self) -> IndexMeta:
        ids = self.ids()
        return IndexMeta(
            self.kind, self.model, self.dim, len(ids), ids_checksum(ids), self._params()
        )

    def save(self, path: str | Path) -> IndexMeta:
        """Write header and payload to ``path`` atomically (temporary file, then rename)."""
        meta = self.meta()
        header = json.dumps(asdict(meta), sort_keys=True).encode()
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as out:
            out.write(MAGIC + _HEADER_LEN.pack(len(header)) + header)
            out.write(self._payload())
        os.replace(tmp, path)
        return meta

    @classmethod
    def load(cls, path: str | Path) -> VectorIndex:
        """The index saved at ``path`` (of this class, or any kind when called on the base)."""
        meta, payload = _read(path, header_only=False)
        kinds = {k.kind: k for k in (ExactIndex, AnnIndex)}
        if meta.kind not in kinds or (cls is not VectorIndex and meta.kind != cls.kind):
            raise ModelError(f"{path} holds a {meta.kind!r} index, not {cls.kind!r}")
        assert payload is not None  # read with header_only=False
        return kinds[meta.kind]._from_payload(meta, payload)

    def _as_matrix(self, vectors) -> np.ndarray:
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix[None, :]
        if matrix.ndim != 2 or matrix.shape[1] != self.dim:
            raise ModelError(
                f"vectors of shape {matrix.shape} do not fit an index of "
                f"dimension {self.dim} (model {self.model!r})"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return np.ascontiguousarray(matrix / np.where(norms > 0, norms, 1.0))


class ExactIndex(VectorIndex):
    """Every vector in one float32 matrix; search is a matrix product and argpartition."""

    kind = "exact"

    def __init__(self, dim: int, model: str):
        super().__init__(dim, model)
        self._ids = np.zeros(0, np.int64)
        self._vectors = np.zeros((0, self.dim), np.float32)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def ids(self) -> np.ndarray:
        return self._ids[: self._n].copy()

    def _add(self, ids, vectors) -> None:
        need = self._n + len(ids)
        if need > len(self._ids):
            self._grow(max(need, 2 * len(self._ids), 1024))
        self._ids[self._n : need] = ids
        self._vectors[self._n : need] = vectors
        self._n = need

    def _grow(self, capacity: int) -> None:
        ids, vectors = np.zeros(capacity, np.int64), np.zeros((capacity, self.dim), np.float32)
        ids[: self._n], vectors[: self._n] = self._ids[: self._n], self._vectors[: self._n]
        self._ids, self._vectors = ids, vectors

    def _remove(self, ids) -> int:
        keep = ~np.isin(self._ids[: self._n], ids)
        kept = int(keep.sum())
        removed = self._n - kept
        if removed:
            self._ids[:kept] = self._ids[: self._n][keep]
            self._vectors[:kept] = self._vectors[: self._n][keep]
            self._n = kept
        return removed

    def _search(self, queries, k):
        scores = queries @ self._vectors[: self._n].T
        if k < self._n:
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(self._n), scores.shape)
        part = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-part, axis=1, kind="stable")
        rows = np.take_along_axis(top, order, axis=1)
        return self._ids[rows], np.take_along_axis(part, order, axis=1)

    def _payload(self) -> bytes:
        return (
            self._ids[: self._n].astype("<i8").tobytes()
            + self._vectors[: self._n].astype("<f4").tobytes()
        )

    @classmethod
    def _from_payload(cls, meta: IndexMeta, payload: memoryview) -> ExactIndex:
        index = cls(meta.dim, meta.model)
        n = meta.count
        if len(payload) != n * 8 + n * meta.dim * 4:
            raise ModelError("the exact index file is truncated or corrupt; rebuild it")
        index._ids = np.frombuffer(payload[: n * 8], "<i8").astype(np.int64)
        index._vectors = np.frombuffer(payload[n * 8 :], "<f4").reshape(n, meta.dim).copy()
        index._n = n
        return index


class AnnIndex(VectorIndex):
    """usearch HNSW graph, cosine metric; f16 storage by default (half the memory of f32).

    ``connectivity`` (M), ``expansion_add`` (ef_construction) and ``ef_search`` trade build
    time and memory for recall; docs/benchmarks.md has the measured recall, latency and memory
    of the defaults (bench/search_latency.py). Deletes use usearch's
    ``remove``; no capacity has to be set in advance.
    """

    kind = "usearch"

    def __init__(
        self,
        dim: int,
        model: str,
        *,
        dtype: str = "f16",
        connectivity: int = 16,
        expansion_add: int = 128,
        ef_search: int = 384,
        threads: int = 0,
    ):
        super().__init__(dim, model)
        from usearch.index import Index

        self.dtype, self.threads = dtype, threads
        self._index = Index(
            ndim=self.dim,
            metric="cos",
            dtype=dtype,
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=ef_search,
        )

    @property
    def ef_search(self) -> int:
        return int(self._index.expansion_search)

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        # usearch defines this setter apart from its getter, which mypy reads as read-only
        self._index.expansion_search = int(value)  # type: ignore[misc]

    def __len__(self) -> int:
        return len(self._index)

    def ids(self) -> np.ndarray:
        return np.asarray(self._index.keys[:], dtype=np.int64)

    def _add(self, ids, vectors) -> None:
        self._index.add(ids.astype(np.uint64), vectors, threads=self.threads)

    def _remove(self, ids) -> int:
        present = ids[np.atleast_1d(self._index.contains(ids.astype(np.uint64)))]
        if len(present):
            self._index.remove(present.astype(np.uint64))
        return len(present)

    def _search(self, queries, k):
        found = self._index.search(queries, k, threads=self.threads)
        keys, distances = _padded(found.keys, k), _padded(found.distances, k)
        counts = np.atleast_1d(getattr(found, "counts", len(found.keys)))
        missing = np.arange(k)[None, :] >= counts[:, None]
        ids = np.where(missing, -1, keys.astype(np.int64))
        scores = np.where(missing, -np.inf, 1.0 - distances).astype(np.float32)
        return ids, scores

    def _params(self) -> dict:
        return {
            "dtype": self.dtype,
            "connectivity": int(self._index.connectivity),
            "expansion_add": int(self._index.expansion_add),
            "ef_search": self.ef_search,
        }

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self._params().items())

    def _payload(self) -> bytes:
        data = self._index.save()  # no path given: the bytes come back
        if data is None:
            raise ModelError("the approximate index could not be serialised")
        return data

    @classmethod
    def _from_payload(cls, meta: IndexMeta, payload: memoryview) -> AnnIndex:
        from usearch.index import Index

        params = dict(meta.params)
        index = cls(meta.dim, meta.model, **params)
        restored = Index.restore(payload)
        if restored is None or restored.ndim != meta.dim:
            raise ModelError("the approximate index file is corrupt; rebuild it")
        index._index = restored
        index.ef_search = params.get("ef_search", 384)
        return index


def read_meta(path: str | Path) -> IndexMeta:
    """The header of a saved index, without loading the vectors."""
    return _read(path, header_only=True)[0]


def load_index(path: str | Path) -> VectorIndex:
    """The index saved at ``path``, whichever kind it is."""
    return VectorIndex.load(path)


def _read(path: str | Path, header_only: bool) -> tuple[IndexMeta, memoryview | None]:
    try:
        with open(path, "rb") as source:
            start = source.read(len(MAGIC) + _HEADER_LEN.size)
            if not start.startswith(MAGIC) or len(start) < len(MAGIC) + _HEADER_LEN.size:
                raise ModelError(f"{path} is not a factcheck vector index; delete it to rebuild")
            (size,) = _HEADER_LEN.unpack(start[len(MAGIC) :])
            header = json.loads(source.read(size))
            payload = None if header_only else memoryview(source.read())
    except FileNotFoundError:
        raise ModelError(f"no vector index at {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ModelError(f"{path} has an unreadable header; delete it to rebuild") from None
    return IndexMeta(**header), payload


def _padded(values: np.ndarray, k: int) -> np.ndarray:
    """usearch answers one query with a 1-D array of the hits found: make it (1, k)."""
    if values.ndim == 2:
        return values
    return np.concatenate([values, np.zeros(k - len(values), values.dtype)])[None, :]


def _as_ids(ids) -> np.ndarray:
    array = np.atleast_1d(np.asarray(ids))
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise InputError("ids must be a 1-D array of whole numbers")
    array = array.astype(np.int64)
    if array.size and array.min() < 0:
        raise InputError("ids must be 0 or more")
    return array


# ----------------------------------------------------------------------------- keeping in step
VectorsFor = Callable[[np.ndarray], np.ndarray]


def sync(index: VectorIndex, ids_in_db, vectors_for: VectorsFor) -> tuple[int, int]:
    """Add the ids the index lacks (vectors from ``vectors_for(ids)``), drop the ones gone.

    Returns (added, removed).
    """
    wanted, held = np.unique(_as_ids(ids_in_db)), np.unique(index.ids())
    missing, gone = np.setdiff1d(wanted, held), np.setdiff1d(held, wanted)
    removed = index.remove(gone) if len(gone) else 0
    if len(missing):
        index.add(missing, vectors_for(missing))
    return len(missing), removed


def load_or_build(
    path: str | Path,
    model: str,
    dim: int,
    ids_in_db,
    vectors_for: VectorsFor,
    threshold: int | None = None,
) -> VectorIndex:
    """The index at ``path`` brought in step with ``ids_in_db``, or a new one; saved if changed.

    A file of another model, dimension or kind than :func:`choose_index` now picks is rebuilt.
    """
    ids = np.unique(_as_ids(ids_in_db))
    wanted = choose_index(len(ids), dim, model, threshold)
    path = Path(path)
    if path.exists():
        meta = read_meta(path)
        if is_in_step(meta, ids, model, dim) and meta.kind == wanted.kind:
            return load_index(path)
        if meta.model == model and meta.dim == dim and meta.kind == wanted.kind:
            wanted = load_index(path)
    if sync(wanted, ids, vectors_for) != (0, 0) or not path.exists():
        wanted.save(path)
    return wanted
