"""What else could find the debate sentences PolitiFact checks? Candidate features for the
transcript model, by 5-fold cross-validation by transcript on the CheckThat! 2021 2B TRAIN
transcripts only (dev is not read: these are train-CV figures, no decision was taken on dev).

Each variant adds columns to the shipped features (``extract.debate_scores.FEATURES`` + the
32-dim PCA of the sentence embedding) and is fitted as the shipped model is
(``research.fit_claim_scores.fit_transcript_model``: standardised L2 logistic regression, the
operating point flagging 40% of the fold's training sentences):

- context: the model's log-odds of the sentence before and after (and the same when in the same
  turn), the turn's max and mean, the speaker's mean, the sentence's percentile and z-score in
  its transcript and the transcript's mean;
- words: the out-of-fold log-odds of a tf-idf (1-2 grams) logistic regression on the text
  (nested: the fold's training part gets its own inner out-of-fold values);
- prior fact-checks: the largest and the mean of the 3 largest cosines to the PolitiFact
  fact-checks (``vclaims.jsonl``) published before the event's date (from the URL's date and
  the transcript's file name), as a desk's corpus would hold them.

Printed per variant: recall of the checked sentences and share flagged at the operating point
alone and with the shipped workload cap (40% of each transcript, at least 10), and AP::

    python bench/debate_detection_features.py [--data ../shared/data/checkthat2021-2b]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from debate_claims import CachedScorer  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from factcheck.extract.claims import TRANSCRIPT_MAX_SHARE, TRANSCRIPT_MIN_CAP  # noqa: E402
from factcheck.models.embed import BUNDLED_MODEL  # noqa: E402
from factcheck.research import fit_claim_scores as fit  # noqa: E402
from factcheck.research.checkthat import cached_embedder  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "checkthat2021-2b"
VECTORS = Path("/tmp/factcheck-bench/vectors")
MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
URL_DATE = re.compile(r"/(\d{4})/([a-z]{3})[a-z]*/(\d{1,2})/")


def context_columns(table: fit.TranscriptTable) -> np.ndarray:
    """Neighbours', turn's, speaker's and transcript's model log-odds (per transcript)."""
    log_odds = table.features[:, 0]
    out = np.zeros((len(log_odds), 10))
    for stem in np.unique(table.groups):
        rows = np.where(table.groups == stem)[0]
        lo, turns = log_odds[rows], [table.turns[i] for i in rows]
        speakers = [table.speakers[i] for i in rows]
        n = len(rows)
        before, after = np.r_[-5.0, lo[:-1]], np.r_[lo[1:], -5.0]
        same_before = np.array([i > 0 and turns[i] == turns[i - 1] for i in range(n)], float)
        same_after = np.array([i < n - 1 and turns[i] == turns[i + 1] for i in range(n)], float)
        by_turn, by_speaker = defaultdict(list), defaultdict(list)
        for value, turn, speaker in zip(lo, turns, speakers):
            by_turn[turn].append(value)
            by_speaker[speaker].append(value)
        percentile = np.argsort(np.argsort(lo, kind="stable"), kind="stable") / max(n - 1, 1)
        out[rows] = np.c_[
            before,
            after,
            before * same_before,
            after * same_after,
            [max(by_turn[t]) for t in turns],
            [np.mean(by_turn[t]) for t in turns],
            [np.mean(by_speaker[s]) for s in speakers],
            percentile,
            (lo - lo.mean()) / (lo.std() + 1e-9),
            np.full(n, lo.mean()),
        ]
    return out


def word_log_odds(texts: np.ndarray, labels: np.ndarray, fit_rows, apply_rows) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=3, sublinear_tf=True)
    model = LogisticRegression(C=1.0, max_iter=3000)
    model.fit(vectoriser.fit_transform(texts[fit_rows]), labels[fit_rows])
    return model.decision_function(vectoriser.transform(texts[apply_rows]))


def prior_fact_checks(table: fit.TranscriptTable, data: Path) -> np.ndarray:
    """Largest and top-3 mean cosine to fact-checks published before the transcript's date."""
    rows = [json.loads(line) for line in (data / "vclaims.jsonl").open(encoding="utf-8")]
    dates = []
    for row in rows:
        found = URL_DATE.search(row.get("url", ""))
        month = MONTHS.get(found.group(2)[:3], 0) if found else 0
        dates.append(
            int(found.group(1)) * 10000 + month * 100 + int(found.group(3)) if found else 0
        )
    corpus = np.asarray(
        cached_embedder(VECTORS, BUNDLED_MODEL)([r["vclaim"] for r in rows]), dtype=np.float32
    )
    corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
    dates_array = np.array(dates)
    out = np.zeros((len(table.labels), 2))
    for stem in np.unique(table.groups):
        rows_of = np.where(table.groups == stem)[0]
        vectors = table.vectors[rows_of].astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        sims = vectors @ corpus[dates_array < int(stem[:8])].T
        top = -np.sort(-np.partition(-sims, 3, axis=1)[:, :3], axis=1)
        out[rows_of] = np.c_[top[:, 0], top.mean(axis=1)]
    return out


def evaluate(z: np.ndarray, table: fit.TranscriptTable) -> str:
    flagged = z >= 0
    capped = flagged.copy()
    for stem in np.unique(table.groups):
        rows = np.where(table.groups == stem)[0]
        cap = max(math.ceil(TRANSCRIPT_MAX_SHARE * len(rows)), TRANSCRIPT_MIN_CAP)
        over = rows[flagged[rows]]
        capped[over[np.argsort(-z[over], kind="stable")][cap:]] = False
    checked = table.labels == 1
    return (
        f"recall {flagged[checked].mean():.3f} at {flagged.mean():.1%} flagged; "
        f"with the 40% cap {capped[checked].mean():.3f} at {capped.mean():.1%}; "
        f"AP {average_precision_score(table.labels, z):.4f}"
    )


def cross_validated(table: fit.TranscriptTable, extra, texts=None) -> np.ndarray:
    """Out-of-fold log-odds with ``extra`` columns (and nested word log-odds when ``texts``)."""
    stems = sorted(set(table.groups))
    z = np.zeros(len(table.labels))
    for fold in range(fit.FOLDS):
        held = np.isin(table.groups, stems[fold :: fit.FOLDS])
        train, test = np.where(~held)[0], np.where(held)[0]
        columns = [table.features, *([extra] if extra is not None else [])]
        if texts is not None:
            words = np.zeros(len(table.labels))
            inner = sorted(set(table.groups[train]))
            for part in range(4):
                mask = np.isin(table.groups[train], inner[part::4])
                words[train[mask]] = word_log_odds(texts, table.labels, train[~mask], train[mask])
            words[test] = word_log_odds(texts, table.labels, train, test)
            columns.append(words[:, None])
        features = np.hstack(columns)
        part_table = fit.TranscriptTable(
            features[train], table.vectors[train], table.labels[train], table.groups[train]
        )
        model = fit.fit_transcript_model(part_table)
        z[test] = fit.transcript_log_odds(
            model,
            fit.TranscriptTable(
                features[test], table.vectors[test], table.labels[test], table.groups[test]
            ),
        )
    return z


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    args = parser.parse_args()
    scorer = CachedScorer()
    rows = fit.load_debates(args.data)
    table = fit.transcript_table(rows, scorer, scorer.embed, split="train", data_dir=args.data)
    scorer.save()
    texts = np.array(table.texts, dtype=object)
    print(
        f"2B train, 5-fold CV by transcript: {len(set(table.groups))} transcripts, "
        f"{len(table.labels)} sentences, {int(table.labels.sum())} checked"
    )
    context, prior = context_columns(table), prior_fact_checks(table, args.data)
    for name, extra, words in (
        ("shipped features", None, None),
        ("+ context", context, None),
        ("+ words (tf-idf)", None, texts),
        ("+ prior fact-checks", prior, None),
        ("+ words + prior fact-checks", prior, texts),
    ):
        print(f"  {name:28s} {evaluate(cross_validated(table, extra, words), table)}", flush=True)


if __name__ == "__main__":
    main()
