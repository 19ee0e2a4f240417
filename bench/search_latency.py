"""Top-10 search latency, recall@10 and memory: exact numpy against hnswlib, usearch and faiss.

Realistic embeddings, not isotropic random vectors (on which approximate indexes look falsely
bad): the 19,250 CheckThat! 2021 2B verified claims encoded with the bundled MiniLM are the
seed; more vectors are synthesised from them, each a Dirichlet-weighted mix of a random real
vector, one of its 10 nearest real neighbours and a second random real vector, plus Gaussian
noise, less a fifth of the real mean vector (mixing alone pulls vectors towards the mean and
inflates the cosine of unrelated pairs), re-normalised. A realism check prints, for real,
synthetic and isotropic corpora of the same size, the mean top-1/top-10 cosine of the queries
and the mean cosine of random pairs: synthetic matches real, isotropic is far off.
Queries are held-out real sentences (2B debate claims and 2A tweets), never in the corpus.

Each index is built with 2 threads; every query (exact included) runs alone on 1 thread.
Recall@10 is against exact search on the same vectors; speed is p50 exact / p50 index.
Vectors and built indexes are cached under /tmp/fc_ann/ (``--rebuild`` to build again).

Usage: nice -n 10 python bench/search_latency.py [--sizes 100000,1000000] [--quick]
       [--libs exact,usearch-f16,hnswlib,faiss-hnsw,faiss-ivf,usearch-i8,usearch-bf16,annindex]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import psutil
from threadpoolctl import threadpool_limits

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.match import ann  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CACHE = Path(os.environ.get("FC_ANN_CACHE", "/tmp/fc_ann"))
K = 10
BUILD_THREADS = 2
MIX_ALPHA = (4.0, 2.0, 0.5)  # Dirichlet weights: anchor, a near neighbour, a random vector
NOISE = 0.01  # per-dimension standard deviation of the added noise (norm ~0.2)
CENTRE = 0.2  # share of the real mean vector taken off: mixing alone inflates pair cosines
ALL_LIBS = "exact,usearch-f16,hnswlib,faiss-hnsw,faiss-ivf,usearch-i8,usearch-bf16,annindex"


# ----------------------------------------------------------------------------- vectors
def read_jsonl(path: Path, field: str) -> list[str]:
    return [json.loads(line)[field].strip() for line in path.open(encoding="utf-8")]


def read_queries(path: Path) -> list[str]:
    rows = [line.rstrip("\n").split("\t") for line in path.open(encoding="utf-8")]
    return [row[1].strip() for row in rows if len(row) > 1 and row[1].strip()]


def cached_encode(texts: list[str]) -> np.ndarray:
    """MiniLM vectors of ``texts``, cached as .npy keyed by a hash of the texts."""
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"real_{key}.npy"
    if path.exists():
        return np.load(path)
    from factcheck.models import embed

    print(f"  encoding {len(texts):,} texts (cached afterwards as {path.name}) ...", flush=True)
    vectors = embed.encode(texts, batch_size=64)
    np.save(path, vectors)
    return vectors


def real_vectors() -> tuple[np.ndarray, np.ndarray]:
    """(seed corpus, held-out queries): real MiniLM vectors of CheckThat! texts."""
    claims = read_jsonl(DATA / "checkthat2021-2b" / "vclaims.jsonl", "vclaim")
    queries = read_queries(DATA / "checkthat2021-2b" / "queries-train-dev.tsv") + read_queries(
        DATA / "checkthat2021-2a" / "queries-train-dev.tsv"
    )
    seen = set(claims)
    queries = list(dict.fromkeys(q for q in queries if q not in seen))
    return cached_encode(claims), cached_encode(queries)


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def exact_topk(corpus: np.ndarray, queries: np.ndarray, k: int, chunk: int = 64) -> tuple:
    """Exact top-k (ids, scores) by batched matrix products; ``chunk`` queries at a time."""
    ids, scores = [], []
    for start in range(0, len(queries), chunk):
        sims = queries[start : start + chunk] @ corpus.T
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        part = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-part, axis=1)
        ids.append(np.take_along_axis(top, order, axis=1))
        scores.append(np.take_along_axis(part, order, axis=1))
    return np.vstack(ids), np.vstack(scores)


def real_neighbours(real: np.ndarray, k: int = 10) -> np.ndarray:
    """Each real vector's k nearest other real vectors (cached)."""
    path = CACHE / f"real_nn{k}_{len(real)}.npy"
    if path.exists():
        return np.load(path)
    ids, _ = exact_topk(real, real, k + 1, chunk=1024)
    np.save(path, ids[:, 1:])
    return ids[:, 1:]


def synthesise(real: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` synthetic vectors: Dirichlet mixes of anchor, near neighbour, random; plus noise."""
    rng = np.random.default_rng(seed)
    near, mean = real_neighbours(real), real.mean(axis=0)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a = rng.integers(len(real), size=m)
        b = near[a, rng.integers(near.shape[1], size=m)]
        c = rng.integers(len(real), size=m)
        w = rng.dirichlet(MIX_ALPHA, size=m).astype(np.float32)
        mix = w[:, :1] * real[a] + w[:, 1:2] * real[b] + w[:, 2:] * real[c]
        mix += rng.normal(0.0, NOISE, mix.shape).astype(np.float32) - CENTRE * mean
        out[start : start + m] = normalise(mix)
    return out


def corpus_of(real: np.ndarray, n: int) -> np.ndarray:
    """The real seed vectors followed by synthetic ones up to ``n`` (cached as .npy)."""
    if n <= len(real):
        return real[:n]
    path = CACHE / f"corpus_{n}_a{'-'.join(map(str, MIX_ALPHA))}_s{NOISE}_c{CENTRE}.npy"
    if path.exists():
        return np.load(path, mmap_mode="r")[:]
    corpus = np.vstack([real, synthesise(real, n - len(real), seed=n)])
    np.save(path, corpus)
    return corpus


def isotropic(n: int, dim: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return normalise(rng.standard_normal((n, dim), dtype=np.float32))


def profile(corpus: np.ndarray, queries: np.ndarray) -> tuple[float, float, float]:
    """(mean top-1 cosine, mean top-10 cosine, mean random-pair cosine)."""
    _, scores = exact_topk(corpus, queries, K)
    rng = np.random.default_rng(2)
    i, j = rng.integers(len(corpus), size=(2, 20_000))
    pairs = float(np.mean(np.sum(corpus[i] * corpus[j], axis=1)))
    return float(scores[:, 0].mean()), float(scores.mean()), pairs


def realism(real: np.ndarray, queries: np.ndarray, sizes: list[int]) -> None:
    print("\nRealism: query -> corpus cosine (mean top-1, mean top-10) and random-pair cosine")
    print(f"{'corpus':<34}{'top-1':>8}{'top-10':>8}{'pairs':>8}")
    n, dim = len(real), real.shape[1]
    rows = [
        (f"real claims, n={n:,}", real),
        (f"synthetic only, n={n:,}", synthesise(real, n, seed=7)),
        (f"isotropic random, n={n:,}", isotropic(n, dim)),
    ]
    for size in sizes:
        rows.append((f"real+synthetic, n={size:,}", corpus_of(real, size)))
        rows.append((f"isotropic random, n={size:,}", isotropic(size, dim)))
    for name, corpus in rows:
        top1, top10, pairs = profile(corpus, queries)
        print(f"{name:<34}{top1:8.3f}{top10:8.3f}{pairs:8.3f}", flush=True)
        del corpus
        gc.collect()


# ----------------------------------------------------------------------------- indexes
class Lib:
    """One index configuration: build or load it, set the search knob, query one vector."""

    knob = "ef"

    def __init__(self, n: int, dim: int):
        self.n, self.dim, self.index = n, dim, None

    def cache_path(self) -> Path:
        tag = re.sub(r"[^A-Za-z0-9]+", "-", self.params())
        return CACHE / f"idx_{self.name}_{self.n}_{tag}.bin"

    def set_knob(self, value: int) -> None: ...

    def query(self, vector: np.ndarray) -> np.ndarray: ...


class Hnswlib(Lib):
    name, m, efc = "hnswlib", 16, 128

    def build(self, corpus):
        import hnswlib

        self.index = hnswlib.Index(space="ip", dim=self.dim)
        self.index.init_index(max_elements=len(corpus), M=self.m, ef_construction=self.efc)
        self.index.add_items(corpus, np.arange(len(corpus)), num_threads=BUILD_THREADS)

    def save(self, path):
        self.index.save_index(str(path))

    def load(self, path):
        import hnswlib

        self.index = hnswlib.Index(space="ip", dim=self.dim)
        self.index.load_index(str(path))

    def set_knob(self, value):
        self.index.set_ef(value)

    def query(self, vector):
        return self.index.knn_query(vector, k=K, num_threads=1)[0][0]

    def params(self):
        return f"M={self.m} ef_construction={self.efc}, f32"


class Usearch(Lib):
    m, efc = 16, 128

    def __init__(self, n, dim, dtype):
        super().__init__(n, dim)
        self.dtype, self.name = dtype, f"usearch-{dtype}"

    def build(self, corpus):
        from usearch.index import Index

        self.index = Index(
            ndim=self.dim,
            metric="cos",
            dtype=self.dtype,
            connectivity=self.m,
            expansion_add=self.efc,
        )
        self.index.add(np.arange(len(corpus)), corpus, threads=BUILD_THREADS)

    def save(self, path):
        self.index.save(str(path))

    def load(self, path):
        from usearch.index import Index

        self.index = Index.restore(str(path))

    def set_knob(self, value):
        self.index.expansion_search = value

    def query(self, vector):
        return self.index.search(vector, K, threads=1).keys

    def params(self):
        return f"connectivity={self.m} expansion_add={self.efc}, {self.dtype}"


class FaissHnsw(Lib):
    name, m, efc = "faiss-hnsw", 16, 128

    def build(self, corpus):
        import faiss

        faiss.omp_set_num_threads(BUILD_THREADS)
        self.index = faiss.IndexHNSWFlat(self.dim, self.m, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = self.efc
        self.index.add(corpus)
        faiss.omp_set_num_threads(1)

    def save(self, path):
        import faiss

        faiss.write_index(self.index, str(path))

    def load(self, path):
        import faiss

        self.index = faiss.read_index(str(path))
        faiss.omp_set_num_threads(1)

    def set_knob(self, value):
        self.index.hnsw.efSearch = value

    def query(self, vector):
        return self.index.search(vector[None, :], K)[1][0]

    def params(self):
        return f"M={self.m} efConstruction={self.efc}, f32"


class FaissIvf(FaissHnsw):
    name, knob = "faiss-ivf", "nprobe"

    def nlist(self) -> int:
        return 1024 if self.n >= 500_000 else 256

    def build(self, corpus):
        import faiss

        faiss.omp_set_num_threads(BUILD_THREADS)
        quantiser = faiss.IndexFlatIP(self.dim)
        self.index = faiss.IndexIVFFlat(
            quantiser, self.dim, self.nlist(), faiss.METRIC_INNER_PRODUCT
        )
        self.index.cp.max_points_per_centroid = 64
        sample = np.random.default_rng(3).choice(len(corpus), 64 * self.nlist(), replace=False)
        self.index.train(corpus[np.sort(sample)])
        self.index.add(corpus)
        faiss.omp_set_num_threads(1)

    def set_knob(self, value):
        self.index.nprobe = value

    def params(self):
        return f"nlist={self.nlist()}, f32"


class AnnWrapper(Lib):
    """factcheck.match.ann.AnnIndex itself: the library the project ships, through its wrapper."""

    name = "annindex"

    def build(self, corpus):
        self.index = ann.AnnIndex(self.dim, model="bench", threads=BUILD_THREADS)
        self.index.add(np.arange(len(corpus), dtype=np.int64), corpus)

    def save(self, path):
        self.index.save(path)

    def load(self, path):
        self.index = ann.AnnIndex.load(path)

    def set_knob(self, value):
        self.index.ef_search = value

    def query(self, vector):
        return self.index.search(vector, K)[0][0]

    def params(self):
        return "AnnIndex defaults (usearch f16, connectivity=16, expansion_add=128)"


def make_lib(name: str, n: int, dim: int) -> Lib:
    table = {
        "hnswlib": lambda: Hnswlib(n, dim),
        "usearch-f16": lambda: Usearch(n, dim, "f16"),
        "usearch-i8": lambda: Usearch(n, dim, "i8"),
        "usearch-bf16": lambda: Usearch(n, dim, "bf16"),
        "faiss-hnsw": lambda: FaissHnsw(n, dim),
        "faiss-ivf": lambda: FaissIvf(n, dim),
        "annindex": lambda: AnnWrapper(n, dim),
    }
    return table[name]()


# ----------------------------------------------------------------------------- measuring
def rss() -> int:
    return psutil.Process().memory_info().rss


def build_or_load(lib: Lib, corpus: np.ndarray, rebuild: bool) -> tuple[str, int, int]:
    """(build time text, RSS delta bytes, file size bytes); caches the built index."""
    path, meta = lib.cache_path(), lib.cache_path().with_suffix(".json")
    gc.collect()
    before = rss()
    if path.exists() and meta.exists() and not rebuild:
        lib.load(path)
        built = json.loads(meta.read_text())["build_s"]
        when = f"{built:7.1f} s (cached)"
    else:
        start = time.perf_counter()
        lib.build(corpus)
        built = time.perf_counter() - start
        lib.save(path)
        meta.write_text(json.dumps({"build_s": built}))
        when = f"{built:7.1f} s"
    return when, rss() - before, path.stat().st_size


def latencies(search, queries: np.ndarray) -> np.ndarray:
    """Per-query seconds of ``search(vector)`` over ``queries``, on 1 thread, after a warm-up."""
    out = np.empty(len(queries))
    with threadpool_limits(1):
        for q in queries[:10]:
            search(q)
        for i, q in enumerate(queries):
            start = time.perf_counter()
            search(q)
            out[i] = time.perf_counter() - start
    return out


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth))
    return hits / truth.size


def measure_exact(corpus, queries) -> float:
    index = ann.ExactIndex(corpus.shape[1], model="bench")
    gc.collect()
    before = rss()
    start = time.perf_counter()
    index.add(np.arange(len(corpus), dtype=np.int64), corpus)
    built = time.perf_counter() - start
    delta = rss() - before
    times = latencies(lambda q: index.search(q, K), queries)
    p50, p95 = np.percentile(times, [50, 95]) * 1000
    print(
        f"{'exact numpy':<13}{'-':>6}{p50:9.2f}{p95:9.2f}{1.0:8.3f}{1.0:7.1f}x"
        f"{built:10.1f} s{delta / 2**20:9.0f}{len(corpus) * corpus.shape[1] * 4 / 2**20:9.0f}"
        "  float32 matrix, argpartition",
        flush=True,
    )
    return float(p50)


def measure_lib(lib, corpus, queries, truth, knobs, exact_p50, rebuild) -> None:
    when, delta, size = build_or_load(lib, corpus, rebuild)
    for value in knobs:
        lib.set_knob(value)
        found = np.array([lib.query(q) for q in queries[: len(truth)]])
        times = latencies(lib.query, queries[: len(truth)])
        p50, p95 = np.percentile(times, [50, 95]) * 1000
        r = recall(found, truth)
        mark = " <" if r >= 0.95 else ""
        print(
            f"{lib.name:<13}{value:>6}{p50:9.2f}{p95:9.2f}{r:8.3f}{exact_p50 / p50:7.1f}x"
            f"{when:>12}{delta / 2**20:9.0f}{size / 2**20:9.0f}  {lib.params()}{mark}",
            flush=True,
        )
    lib.index = None
    gc.collect()


def run_size(n, real, queries, libs, args) -> None:
    corpus = corpus_of(real, n)
    nq = args.queries
    truth, _ = exact_topk(corpus, queries[:nq], K)
    print(
        f"\n== n = {n:,} passages x {corpus.shape[1]} dims, {nq} held-out real queries, "
        f"top-{K}; knob = ef_search (HNSW) / nprobe (IVF); '<' = recall@10 >= 0.95"
    )
    print(
        f"{'index':<13}{'knob':>6}{'p50 ms':>9}{'p95 ms':>9}{'recall':>8}{'speed':>8}"
        f"{'build':>12}{'RSS MiB':>9}{'file MiB':>9}  params"
    )
    exact_p50 = measure_exact(corpus, queries[: min(nq, args.exact_queries)])
    gc.collect()
    for name in libs:
        if name == "exact":
            continue
        knobs = args.nprobe if name == "faiss-ivf" else args.ef
        measure_lib(
            make_lib(name, n, corpus.shape[1]),
            corpus,
            queries,
            truth,
            knobs,
            exact_p50,
            args.rebuild,
        )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--libs", default=ALL_LIBS)
    parser.add_argument("--queries", type=int, default=500, help="queries for recall/latency")
    parser.add_argument("--exact-queries", type=int, default=100, help="queries timed on exact")
    parser.add_argument("--ef", default="32,64,128,256")
    parser.add_argument("--nprobe", default="8,16,32,64")
    parser.add_argument("--quick", action="store_true", help="100k, 200 queries, 2 indexes")
    parser.add_argument("--rebuild", action="store_true", help="ignore cached indexes")
    parser.add_argument("--no-realism", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.queries, args.exact_queries = "100000", 200, 50
        args.libs = "exact,usearch-f16,hnswlib" if args.libs == ALL_LIBS else args.libs
        args.ef = "32,64"
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.ef = [int(s) for s in args.ef.split(",")]
    args.nprobe = [int(s) for s in args.nprobe.split(",")]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    libs = [name.strip() for name in args.libs.split(",") if name.strip()]
    real, queries = real_vectors()
    print(
        f"seed: {len(real):,} real claim vectors; {len(queries):,} held-out real queries; "
        f"synthesis: Dirichlet{MIX_ALPHA} mix + N(0, {NOISE}^2) noise - {CENTRE} x mean, "
        "re-normalised"
    )
    if not args.no_realism:
        realism(real, queries[: args.queries], args.sizes)
    for n in args.sizes:
        run_size(n, real, queries, libs, args)


if __name__ == "__main__":
    main()
