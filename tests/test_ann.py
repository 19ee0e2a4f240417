"""Vector indexes: exact correctness, ANN recall on clustered vectors, persistence, staleness."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.errors import ConfigError, InputError, ModelError
from factcheck.match import ann

DIM = 32


def unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def clustered(n: int, dim: int = DIM, clusters: int = 50, seed: int = 0) -> np.ndarray:
    """Anisotropic, clustered unit vectors: a shared offset, cluster centres, noise."""
    rng = np.random.default_rng(seed)
    offset = rng.normal(size=dim)
    centres = offset + rng.normal(size=(clusters, dim))
    points = centres[rng.integers(clusters, size=n)] + 0.5 * rng.normal(size=(n, dim))
    return unit(points)


def brute_force(vectors, ids, queries, k):
    scores = unit(queries) @ vectors.T
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return ids[order], np.take_along_axis(scores, order, axis=1)


@pytest.fixture(params=["exact", "ann"])
def make(request):
    return (
        (lambda: ann.ExactIndex(DIM, "m"))
        if request.param == "exact"
        else (lambda: ann.AnnIndex(DIM, "m"))
    )


def test_exact_matches_brute_force():
    vectors, queries = clustered(2000), clustered(40, seed=1)
    ids = np.arange(2000, dtype=np.int64) * 7 + 3
    index = ann.ExactIndex(DIM, "m")
    index.add(ids[:1500], vectors[:1500])
    index.add(ids[1500:], vectors[1500:])
    found, scores = index.search(queries, 10)
    want, want_scores = brute_force(vectors, ids, queries, 10)
    assert found.shape == (40, 10) and found.dtype == np.int64
    np.testing.assert_allclose(scores, want_scores, atol=1e-5)
    assert (found == want).mean() > 0.99  # equal scores may swap places
    assert np.all(np.diff(scores, axis=1) <= 1e-6)


def test_exact_k_larger_than_index_and_single_query():
    index = ann.ExactIndex(DIM, "m")
    vectors = clustered(5)
    index.add([10, 11, 12, 13, 14], vectors)
    found, scores = index.search(vectors[2], 10)
    assert found.shape == (1, 5) and found[0, 0] == 12
    assert scores[0, 0] == pytest.approx(1.0, abs=1e-5)


def test_ann_recall_on_clustered_vectors():
    vectors, queries = clustered(5000), clustered(200, seed=1)
    ids = np.arange(5000, dtype=np.int64)
    index = ann.AnnIndex(DIM, "m")
    index.add(ids, vectors)
    found, _ = index.search(queries, 10)
    want, _ = brute_force(vectors, ids, queries, 10)
    recall = np.mean([len(set(f) & set(w)) / 10 for f, w in zip(found, want)])
    assert recall >= 0.9


def test_ann_recall_after_removals():
    vectors, queries = clustered(5000), clustered(200, seed=1)
    index = ann.AnnIndex(DIM, "m")
    index.add(np.arange(5000), vectors)
    gone = np.arange(0, 5000, 3)
    assert index.remove(gone) == len(gone)
    kept = np.setdiff1d(np.arange(5000), gone)
    found, _ = index.search(queries, 10)
    want, _ = brute_force(vectors[kept], kept, queries, 10)
    assert not np.isin(found, gone).any()
    assert np.mean([len(set(f) & set(w)) / 10 for f, w in zip(found, want)]) >= 0.9


def test_add_replaces_and_remove_drops(make):
    index, vectors = make(), clustered(300)
    index.add(np.arange(300), vectors)
    index.add([5], vectors[200])  # id 5 now holds vector 200
    assert len(index) == 300
    assert index.search(vectors[200], 2)[0][0].tolist().count(5) == 1
    assert index.remove([5, 6, 9999]) == 2
    assert len(index) == 298
    found, _ = index.search(vectors[:50], 10)
    assert not np.isin(found, [5, 6]).any()
    index.add([6], vectors[6])
    assert index.search(vectors[6], 1)[0][0, 0] == 6


def test_save_load_round_trip(make, tmp_path):
    index, vectors = make(), clustered(500)
    index.add(np.arange(500) + 100, vectors)
    index.remove([100, 101])
    path = ann.index_path(tmp_path / "f.db", "all-MiniLM-L6-v2")
    assert path.name == "f.db.all-MiniLM-L6-v2.index"
    meta = index.save(path)
    loaded = ann.load_index(path)
    assert type(loaded) is type(index) and len(loaded) == 498
    assert ann.read_meta(path) == meta and meta.model == "m" and meta.dim == DIM
    np.testing.assert_array_equal(np.sort(loaded.ids()), np.arange(102, 600))
    queries = clustered(20, seed=3)
    np.testing.assert_array_equal(loaded.search(queries, 5)[0], index.search(queries, 5)[0])
    assert not list(tmp_path.glob("*.tmp"))


def test_stale_detection(tmp_path):
    index = ann.ExactIndex(DIM, "all-MiniLM-L6-v2")
    index.add([1, 2, 3], clustered(3))
    meta = index.save(tmp_path / "x.index")
    assert ann.is_in_step(meta, [3, 1, 2], model="all-MiniLM-L6-v2", dim=DIM)
    assert not ann.is_in_step(meta, [1, 2])  # a passage deleted
    assert not ann.is_in_step(meta, [1, 2, 3, 4])  # a passage added
    assert not ann.is_in_step(meta, [1, 2, 4])  # same count, other ids
    assert not ann.is_in_step(meta, [1, 2, 3], model="other")
    assert not ann.is_in_step(meta, [1, 2, 3], dim=DIM + 1)


def test_load_or_build_keeps_in_step(tmp_path):
    vectors = clustered(100)
    asked = []

    def vectors_for(ids):
        asked.append(len(ids))
        return vectors[ids]

    path = tmp_path / "db.m.index"
    first = ann.load_or_build(path, "m", DIM, np.arange(60), vectors_for, threshold=80)
    assert isinstance(first, ann.ExactIndex) and asked == [60] and path.exists()
    again = ann.load_or_build(path, "m", DIM, np.arange(60), vectors_for, threshold=80)
    assert len(again) == 60 and asked == [60]  # in step: nothing encoded or fetched
    moved = ann.load_or_build(path, "m", DIM, np.arange(10, 70), vectors_for, threshold=80)
    assert asked[-1] == 10 and ann.is_in_step(ann.read_meta(path), np.arange(10, 70))
    grown = ann.load_or_build(path, "m", DIM, np.arange(100), vectors_for, threshold=80)
    assert isinstance(grown, ann.AnnIndex) and len(grown) == 100 and len(moved) == 60
    assert ann.read_meta(path).kind == "usearch"


def test_choose_index_threshold(monkeypatch):
    assert isinstance(ann.choose_index(10, DIM, "m"), ann.ExactIndex)
    assert isinstance(ann.choose_index(10, DIM, "m", threshold=5), ann.AnnIndex)
    monkeypatch.setenv("FACTCHECK_ANN_THRESHOLD", "8")
    assert ann.ann_threshold() == 8 and isinstance(ann.choose_index(10, DIM, "m"), ann.AnnIndex)
    monkeypatch.setenv("FACTCHECK_ANN_THRESHOLD", "lots")
    with pytest.raises(ConfigError):
        ann.ann_threshold()


def test_bad_input(make, tmp_path):
    index = make()
    with pytest.raises(ModelError):
        index.add([1], np.ones((1, DIM + 1)))
    with pytest.raises(InputError):
        index.add([1, 1], clustered(2))
    with pytest.raises(InputError):
        index.add([-1], clustered(1))
    with pytest.raises(InputError):
        index.add([1, 2], clustered(3))
    assert index.search(clustered(2), 5)[0].shape == (2, 0)
    (tmp_path / "junk.index").write_bytes(b"not an index")
    with pytest.raises(ModelError):
        ann.load_index(tmp_path / "junk.index")
    with pytest.raises(ModelError):
        ann.read_meta(tmp_path / "missing.index")
