"""Check-worthiness: the shipped scorer against a baseline on the held-out ClaimBuster part.

Baseline: logistic regression on all-MiniLM-L6-v2 sentence embeddings (fitted here on the
training part of the same fixed split). Shipped: factcheck/data/checkworthiness.npz (MiniLM
with averaged low-rank adapters on the layers after the frozen trunk, see
factcheck/checkworthiness.py), run by each backend: torch, ONNX, ONNX int8 (the default).
Prints precision, recall, F1 at 0.5 and average precision on the held-out 20%, throughput
of each (sentences/s, same run, same sentences) and the scores of the seed article's
sentences. The baseline's training embeddings are cached by text under /tmp/factcheck-bench
(:func:`factcheck.research.checkthat.cached_embedder`).

    python bench/checkworthiness.py [--data PATH] [--seed-article PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_fscore_support  # noqa: E402

from factcheck.extract import checkworthiness as cw  # noqa: E402
from factcheck.models.embed import encode  # noqa: E402
from factcheck.research import train_scorer as ts  # noqa: E402
from factcheck.research.checkthat import cached_embedder  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CACHE = Path("/tmp/factcheck-bench")


def metrics(labels: np.ndarray, probs: np.ndarray) -> str:
    p, r, f, _ = precision_recall_fscore_support(labels, probs >= 0.5, average="binary")
    return f"P={p:.3f} R={r:.3f} F1={f:.3f} AP={average_precision_score(labels, probs):.3f}"


def timed(fn, texts):
    start = time.perf_counter()
    out = fn(texts)
    return out, len(texts) / (time.perf_counter() - start)


def batch_dependence(scorer: cw.Scorer, texts: list[str]) -> str:
    """How far log-odds move when each text is scored alone instead of in a batch."""
    batched = scorer.decision(texts)
    alone = np.concatenate([scorer.decision([text]) for text in texts])
    flips = int(((batched > 0) != (alone > 0)).sum())
    return f"max |change| {np.abs(batched - alone).max():.2g} log-odds, {flips}/{len(texts)} decisions flip"


def seed_sentences(path: Path) -> list[str]:
    """Lines of the article, split after . ? ! (headings stay whole)."""
    text = path.read_text(encoding="utf-8")
    parts = []
    for line in text.splitlines():
        parts += [
            s.strip()
            for s in re.split(r"(?:(?<=[.?!])|(?<=[.?!][”\"]))\s+(?=[A-Z“\"])", line)
            if s.strip()
        ]
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data/claimbuster/sentences-dev.csv")
    parser.add_argument(
        "--seed-article", type=Path, default=SHARED / "seeds/000_9f6c08b4849e9d93.txt"
    )
    args = parser.parse_args()

    texts, labels = ts.read_labelled(args.data)
    train_rows, held_rows = ts.split_indices(labels)
    held = [texts[i] for i in held_rows]
    y_held = labels[held_rows]
    print(
        f"ClaimBuster: {len(train_rows)} training / {len(held)} held-out sentences "
        f"({y_held.mean():.1%} check-worthy)"
    )

    baseline = LogisticRegression(max_iter=5000).fit(
        cached_embedder(CACHE)([texts[i] for i in train_rows]), labels[train_rows]
    )
    scorers = {name: cw.load_scorer(backend_name=name) for name in cw.BACKENDS}
    scorer = scorers[cw.backend()]
    for each in scorers.values():
        each.score(held[:8])  # warm up (the first call of an ONNX session is slow)
    encode(held[:8])

    def baseline_score(batch):
        return baseline.predict_proba(encode(batch))[:, 1]

    base_probs, base_speed = timed(baseline_score, held)
    rows = [("baseline LR on MiniLM embeddings", base_probs, base_speed)]
    for name, each in scorers.items():
        default = " (default)" if name == cw.backend() else ""
        label = f"shipped, {name}{default}"
        rows.append((label, *timed(each.score, held)))
    weights = cw.read_weights(cw.DATA_DIR / cw.WEIGHTS_FILE)
    print(
        f"\nshipped: MiniLM, {scorer.trunk} frozen + {len(scorer.branch)} tuned layers, "
        f"{int(weights.get('soup', 1))} tuned branches averaged"
    )
    print(
        f"held-out, threshold 0.5 ({len(held)} sentences; speed on the same sentences; "
        "goal F1 >= 0.85, AP >= 0.92)"
    )
    for name, probs, speed in rows:
        print(
            f"  {name:40s} {metrics(y_held, probs)}  {speed:6.0f} sent/s "
            f"({speed / base_speed:.2f}x baseline)"
        )

    print(
        "\nbatch dependence (first 200 held-out sentences, batched vs one at a time): "
        f"{batch_dependence(scorer, held[:200])}"
    )

    if args.seed_article.exists():
        sentences = seed_sentences(args.seed_article)
        scores = scorer.score(sentences)
        news = [f"{sentence} ({copy})" for copy in range(20) for sentence in sentences]
        news_base = timed(encode, news)[1]
        news_ship = timed(scorer.score, news)[1]
        print(
            f"\nnews-length sentences (seed article x20, {len(news)}): MiniLM encode alone "
            f"{news_base:.0f} sent/s, shipped scorer {news_ship:.0f} sent/s ({news_ship / news_base:.2f}x)"
        )
        print(f"\nseed article: {len(sentences)} sentences, {int((scores >= 0.5).sum())} at >= 0.5")
        for sentence, value in zip(sentences, scores):
            print(f"  {value:.2f}  {sentence[:100]}")
    else:
        print(f"\nseed article not found at {args.seed_article}; skipped")


if __name__ == "__main__":
    main()
