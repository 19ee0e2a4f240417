"""Encoding speed: the cached ``vectors.embed_texts`` against ``SentenceTransformer.encode``.

Imports the CheckThat! 2A fact-checks from ../shared into a fresh database, samples N
passage texts (claims, titles, subtitles) and encodes them, in the same run, with:

- ``direct``: ``SentenceTransformer.encode`` (normalised, batch 64), the baseline;
- ``embed_texts``: ``vectors.embed_texts`` into an empty cache (hashing, lookups, one
  transaction a batch);
- with ``--onnx``: the ``onnx`` (float32) and ``onnx-int8`` backends through
  ``embed.encode(..., backend=...)``, with their cosine agreement to the torch vectors.

The texts go in chunks, every method on every chunk, their order rotating from chunk to
chunk, so that a busy shared machine slows all of them alike. Then the corpus is imported
again and ``embed_texts`` called again: it must encode nothing.

Usage: python bench/encoding.py [--n 2000] [--batch-size 64] [--chunk 256] [--onnx]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.corpus import vectors  # noqa: E402
from factcheck.corpus.importer import import_paths  # noqa: E402
from factcheck.models import embed  # noqa: E402
from factcheck.storage import corpus as corpus_store  # noqa: E402
from factcheck.storage import open_db  # noqa: E402

VCLAIMS = ROOT.parent / "shared" / "data" / "checkthat2021-2a" / "vclaims.jsonl"


def sample_texts(db, n: int) -> list[str]:
    """N distinct passage texts of the imported corpus, a fixed random sample."""
    texts = sorted({p["text"].strip() for p in corpus_store.iter_passages(db)})
    return random.Random(0).sample(texts, min(n, len(texts)))


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:7.1f} texts/s ({seconds:6.1f} s)"


def methods(db, batch_size: int, onnx: bool) -> dict:
    model = embed.load_model(None)
    out = {
        "direct": lambda texts: model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        ),
        "embed_texts": lambda texts: vectors.embed_texts(db, texts, batch_size=batch_size),
    }
    if onnx:
        for name in ("onnx", "onnx-int8"):
            out[name] = lambda texts, name=name: embed.encode(
                texts, batch_size=batch_size, backend=name
            )
    return out


def run_interleaved(runners: dict, texts: list[str], chunk: int) -> tuple[dict, dict]:
    """Total seconds and stacked vectors per method; every method encodes every chunk."""
    seconds, parts = defaultdict(float), defaultdict(list)
    names = list(runners)
    for number, start in enumerate(range(0, len(texts), chunk)):
        part = texts[start : start + chunk]
        for name in names[number % len(names) :] + names[: number % len(names)]:
            took, result = timed(lambda name=name, part=part: runners[name](part))
            seconds[name] += took
            parts[name].append(result)
    return seconds, {name: np.vstack(p) for name, p in parts.items()}


class CountingEncode:
    """Stands in for embed.encode and counts the texts it is asked to encode."""

    def __init__(self):
        self.real, self.texts = embed.encode, 0

    def __call__(self, texts, **kwargs):
        self.texts += len(texts)
        return self.real(texts, **kwargs)


def check_reimport(db, texts: list[str], batch_size: int, baseline: float) -> None:
    counter = CountingEncode()
    embed.encode = counter
    try:
        [again] = import_paths(db, [VCLAIMS])
        seconds, _ = timed(lambda: vectors.embed_texts(db, texts, batch_size=batch_size))
    finally:
        embed.encode = counter.real
    print(f"\nre-import: {again.message}")
    print(
        f"embed_texts again: {counter.texts} texts re-encoded; {rate(len(texts), seconds)}, "
        f"{baseline / seconds:.0f}x the baseline"
    )


def warm_up(runners: dict, texts: list[str]) -> None:
    """Load the model and export the ONNX graphs outside the timed runs."""
    for name, runner in runners.items():
        if name != "embed_texts":
            took, _ = timed(lambda runner=runner: runner(texts))
            print(f"warm-up {name}: {took:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="texts to encode")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--chunk", type=int, default=256, help="texts per interleaved chunk")
    parser.add_argument("--onnx", action="store_true", help="also the ONNX Runtime backends")
    args = parser.parse_args()
    if not VCLAIMS.exists():
        sys.exit(f"shared data not found at {VCLAIMS} (../shared is not beside the repo)")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACTCHECK_ONNX_DIR"] = str(Path(tmp) / "onnx")
        db = open_db(Path(tmp) / "corpus.db")
        took, [result] = timed(lambda: import_paths(db, [VCLAIMS]))
        print(
            f"import {VCLAIMS.name}: {result.message} in {took:.1f} s "
            f"({result.new / took:.0f} sources/s)"
        )
        texts = sample_texts(db, args.n)
        runners = methods(db, args.batch_size, args.onnx)
        warm_up(runners, texts[: args.batch_size])
        seconds, got = run_interleaved(runners, texts, args.chunk)
        base = seconds["direct"]
        print(
            f"\n{len(texts)} texts, batch {args.batch_size}, torch on {embed.detect_device()}, "
            f"chunks of {args.chunk} interleaved:"
        )
        for name, took in seconds.items():
            cosine = np.sum(got[name] * got["direct"], axis=1)
            print(
                f"  {name:12s} {rate(len(texts), took)}  ratio {base / took:5.2f}x  "
                f"cosine to direct: min {cosine.min():.4f}, mean {cosine.mean():.4f}"
            )
        print("  goals: embed_texts >= 1.0x; an ONNX backend >= 2x")
        check_reimport(db, texts, args.batch_size, base)
        db.close()


if __name__ == "__main__":
    main()
