"""Claim detection on debates and news: the stored scores against the model alone and the old
rule floors.

(a) ClaimBuster, the held-out 20% of the fixed split (never used for training or choosing):
precision, recall, F1 at the default threshold and average precision of (i) the model alone,
(ii) the old shipped rule, max(model, floor by number of rule signals) — recomputed here by
``old_floor_scores``, the library no longer has it —, (iii) the scores ``score_sentences``
stores now.

(b) CheckThat! 2021 2B transcripts, train and dev apart (the combination and the transcript
operating point were fitted on train only): each transcript read by the app's transcript
path (``ingest.transcript`` + ``extract.turns``), the share of the sentences PolitiFact
checked that are flagged at the default threshold (recall) and the share of all sentences
flagged (the checker's workload; stage lines count as sentences, never flagged). Old: the
floors on the model's scores; H2: model log-odds + role weight + transcript shift
(``data/claim_scores.json``; the roles stored on the claims, inferred ones included); H2 +
roles: the same with the roles the fitting inferred from the speaker labels
(``research.fit_claim_scores.infer_roles``); new (learned): what ``extract_transcript``
stores now, the learned debate combination (``extract.debate_scores``); shipped: that score
with the default workload cap, and the same at other ``transcript_workload`` settings. Goal:
recall >= 0.90 with <= 40% flagged.

Model scores are cached by text in /tmp/factcheck-bench/claim-model-scores.npz, sentence
embeddings in /tmp/factcheck-bench/claim-embeddings.npz.

    python bench/debate_claims.py [--claimbuster PATH] [--debates DIR]
"""

from __future__ import annotations

import argparse
import math
import os
import re
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_fscore_support  # noqa: E402

from factcheck.config import load_settings  # noqa: E402
from factcheck.extract.checkworthiness import load_scorer  # noqa: E402
from factcheck.extract.claims import TRANSCRIPT_MIN_CAP, log_odds, score_sentences  # noqa: E402
from factcheck.extract.turns import extract_transcript  # noqa: E402
from factcheck.ingest.transcript import to_document  # noqa: E402
from factcheck.models.embed import BUNDLED_MODEL, encode  # noqa: E402
from factcheck.research import fit_claim_scores as fit  # noqa: E402
from factcheck.research import train_scorer as ts  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CACHE = Path("/tmp/factcheck-bench/claim-model-scores.npz")
EMBED_CACHE = Path("/tmp/factcheck-bench/claim-embeddings.npz")
WORKLOADS = (0.3, 0.4, 0.5, 0.6, 1.0)  # transcript_workload settings a desk might choose
OLD_FLOORS = (0.05, 0.3, 0.55, 0.75)  # the shipped rule until 2026-12-06, by signal count
_SIGNALS = re.compile(r"^claim signals: (.*) \(shown")


class CachedScorer:
    """The shipped scorer, remembering each text's score (on disk between runs)."""

    def __init__(self) -> None:
        self.scores: dict[str, float] = {}
        if CACHE.exists():
            with np.load(CACHE) as data:
                self.scores = dict(zip(data["texts"].tolist(), data["scores"].tolist()))
        self.added = False
        self.vectors: dict[str, np.ndarray] = {}
        if EMBED_CACHE.exists():
            with np.load(EMBED_CACHE, allow_pickle=True) as data:
                self.vectors = dict(zip(data["texts"].tolist(), data["vecs"]))
        self.embedded = False

    def embed(self, texts):
        """The project's embedder (FACTCHECK_EMBED_BACKEND), remembering each text's vector."""
        missing = sorted({t for t in texts if t not in self.vectors})
        if missing:
            self.vectors.update(zip(missing, encode(missing, model=BUNDLED_MODEL)))
            self.embedded = True
        return np.array([self.vectors[t] for t in texts])

    def score(self, texts):
        missing = sorted({t for t in texts if t not in self.scores})
        if missing:
            self.scores.update(zip(missing, load_scorer().score(missing).tolist()))
            self.added = True
        return np.array([self.scores[t] for t in texts], dtype=float)

    def save(self) -> None:
        if self.embedded:
            EMBED_CACHE.parent.mkdir(parents=True, exist_ok=True)
            texts = list(self.vectors)
            np.savez(
                EMBED_CACHE,
                texts=np.array(texts, dtype=object),
                vecs=np.array([self.vectors[t] for t in texts]),
            )
        if self.added:
            CACHE.parent.mkdir(parents=True, exist_ok=True)
            texts = list(self.scores)
            np.savez(CACHE, texts=np.array(texts), scores=np.array([self.scores[t] for t in texts]))


def old_floor_scores(claims, model: dict[str, float]) -> np.ndarray:
    """The old rule: max(model score, OLD_FLOORS[number of rule signals]); furniture 0."""
    out = []
    for claim in claims:
        if claim.claim_type is None:
            out.append(0.0)
            continue
        listed = [m.group(1) for r in claim.reasons if (m := _SIGNALS.match(r))]
        signals = len(listed[0].split(", ")) if listed else 0
        out.append(max(model[claim.text], OLD_FLOORS[signals]))
    return np.array(out)


def h2_scores(claims, model: dict[str, float], role_of: dict) -> np.ndarray:
    """H2's combination (2026-12-06 morning): sigmoid(model log-odds + role weight + shift),
    roles from the transcript or, where given, ``role_of`` (source line -> inferred role)."""
    combination = fit.load_combination()
    out = []
    for claim in claims:
        if claim.claim_type is None:
            out.append(0.0)
            continue
        role = role_of.get(claim.source_line) or claim.speaker_role or ""
        z = float(log_odds(model[claim.text])) + combination["role_weights"].get(role, 0.0)
        out.append(1.0 / (1.0 + np.exp(-(z + combination["transcript_shift"]))))
    return np.array(out)


def capped(scores, sentence, files, threshold: float, workload: float) -> np.ndarray:
    """The shipped rule at another ``transcript_workload``: per transcript, at most
    max(ceil(workload x sentences), TRANSCRIPT_MIN_CAP) of those over the threshold."""
    flagged = (scores >= threshold) & sentence
    for stem in np.unique(files):
        rows = np.where(files == stem)[0]
        cap = max(math.ceil(workload * sentence[rows].sum()), TRANSCRIPT_MIN_CAP)
        over = rows[flagged[rows]]
        flagged[over[np.argsort(-scores[over], kind="stable")][cap:]] = False
    return flagged


def prf(labels, scores, threshold: float) -> str:
    p, r, f, _ = precision_recall_fscore_support(
        labels, scores >= threshold, average="binary", zero_division=0
    )
    ap = average_precision_score(labels, scores)
    return f"P={p:.3f} R={r:.3f} F1={f:.3f} AP={ap:.4f}"


def claimbuster(path: Path, scorer: CachedScorer, threshold: float) -> None:
    texts, labels = ts.read_labelled(path)
    _, held_rows = ts.split_indices(labels)
    held = [texts[i] for i in held_rows]
    y = labels[held_rows]
    claims = score_sentences(held, threshold=threshold, scorer=scorer)
    model = scorer.score(held)
    stored = np.array([c.score for c in claims])
    old = old_floor_scores(claims, dict(zip(held, model.tolist())))
    print(
        f"(a) ClaimBuster held-out ({len(held)} sentences, {y.mean():.1%} check-worthy), "
        f"threshold {threshold}"
    )
    for name, values in (
        ("model alone", model),
        ("old: max(model, floors)", old),
        ("new stored", stored),
    ):
        ties = len(values) - len(np.unique(values))
        print(f"  {name:26s} {prf(y, values, threshold)}  (tied scores: {ties})")


def debates(root: Path, scorer: CachedScorer, threshold: float) -> None:
    rows = fit.load_debates(root)
    by_file: dict[str, list] = defaultdict(list)
    for row in rows:
        by_file[row.transcript].append(row)
    results: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for stem, file_rows in sorted(by_file.items()):
        path = root / "transcripts" / f"{stem}.tsv"
        document = to_document(path.read_text(encoding="utf-8"), name=path.name)
        claims = extract_transcript(
            document.text, document.turns or [], threshold=threshold, scorer=scorer
        )
        model = {c.text: float(s) for c, s in zip(claims, scorer.score([c.text for c in claims]))}
        old = old_floor_scores(claims, model)
        new = np.array([c.score if c.claim_type is not None else 0.0 for c in claims])
        role_of = {row.line: row.role for row in file_rows}
        h2 = h2_scores(claims, model, {})
        roles = h2_scores(claims, model, role_of)
        checked = {row.line for row in file_rows if row.checked}
        split = file_rows[0].split or "unlabelled"
        bucket = results[split]
        bucket["checked"] += [c.source_line in checked for c in claims]
        bucket["moderator"] += [role_of.get(c.source_line) == "moderator" for c in claims]
        bucket["old"] += list(old)
        bucket["H2"] += list(h2)
        bucket["H2 + roles"] += list(roles)
        bucket["new (learned)"] += list(new)
        bucket["shipped flags"] += [c.check_worthy for c in claims]
        bucket["sentence"] += [c.claim_type is not None for c in claims]
        bucket["file"] += [stem] * len(claims)
        bucket["transcripts"].append(stem)
    print(
        f"\n(b) CheckThat! 2B transcripts, threshold {threshold} (goal: recall >= 0.90, flagged <= 40%)"
    )
    for split in ("train", "dev"):
        bucket = results[split]
        checked = np.array(bucket["checked"])
        moderator = np.array(bucket["moderator"])
        print(
            f"  {split}: {len(bucket['transcripts'])} transcripts, {len(checked)} sentences, "
            f"{int(checked.sum())} checked by PolitiFact, {int(moderator.sum())} by inferred moderators"
        )
        for name in ("old", "H2", "H2 + roles", "new (learned)"):
            values = np.array(bucket[name])
            flagged = values >= threshold
            print(
                f"    {name:14s} recall {flagged[checked].mean():.3f}  flagged {flagged.mean():.1%}  "
                f"moderator sentences flagged {flagged[moderator].mean():.1%}  "
                f"AP {average_precision_score(checked, values):.4f}"
            )
        shipped = np.array(bucket["shipped flags"], dtype=bool)
        print(
            f"    {'shipped: learned, at most 40% of each transcript':14s} recall "
            f"{shipped[checked].mean():.3f}  flagged {shipped.mean():.1%}  "
            f"moderator sentences flagged {shipped[moderator].mean():.1%}  "
            f"(AP as 'new (learned)')"
        )
        new, sentence = np.array(bucket["new (learned)"]), np.array(bucket["sentence"])
        files = np.array(bucket["file"])
        for workload in WORKLOADS:
            flagged = capped(new, sentence, files, threshold, workload)
            print(
                f"      transcript_workload {workload:.1f}: recall {flagged[checked].mean():.3f}  "
                f"flagged {flagged.mean():.1%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--claimbuster", type=Path, default=SHARED / "claimbuster/sentences-dev.csv"
    )
    parser.add_argument("--debates", type=Path, default=SHARED / "checkthat2021-2b")
    args = parser.parse_args()
    threshold = load_settings().threshold
    scorer = CachedScorer()
    try:
        claimbuster(args.claimbuster, scorer, threshold)
        debates(args.debates, scorer, threshold)
    finally:
        scorer.save()


if __name__ == "__main__":
    main()
