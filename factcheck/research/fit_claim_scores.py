"""Fitting how sentence scores combine the check-worthiness model with what a transcript says.

Plain text keeps the model's score (:mod:`factcheck.extract.claims`); a transcript sentence's
score is the transcript model's (below). The first combination, ``sigmoid(model log-odds +
role weight + transcript shift)`` (``data/claim_scores.json``, which also records how the
transcript model was fitted), is no longer used by the app; ``bench/debate_claims.py``
compares it. Everything is fitted on the CheckThat! 2021 task 2B *train*
transcripts (the dev transcripts are only reported, by ``bench/debate_claims.py``), where a
sentence is positive when PolitiFact checked it (a query in ``queries-train-dev.tsv``):

- the role weights: a logistic regression with the model's log-odds as a fixed offset
  (slope 1, so the model's ranking is kept within a role), an intercept (not shipped) and
  an L2 penalty;
- the shift: the transcript operating point, so that the default threshold (0.5) flags
  ``WORKLOAD`` of the train transcripts' sentences (the most recall a checker can have for
  that workload, since the shift moves no sentence past another).

The transcript model (``data/debate_claims.npz``, what the app uses for transcript
sentences, :mod:`factcheck.extract.debate_scores`): each train transcript read by the app's
path, its sentences' features and all-MiniLM-L6-v2 embeddings (PCA_COMPONENTS dimensions), a
standardised L2 logistic regression (C) and the shift for WORKLOAD; PCA_COMPONENTS and C were
chosen by 5-fold cross-validation by transcript on the train transcripts
(:func:`cross_validate`: recall at each fold's own operating point).

Roles here come from the speaker labels (:func:`infer_roles`): stage lines (SYSTEM) are left
out, labels such as QUESTION or UNIDENTIFIED are the audience, and a speaker with at least
MODERATOR_QUESTION_SHARE of their sentences ending in "?" is a moderator. Write
``factcheck/data/claim_scores.json`` and ``factcheck/data/debate_claims.npz`` with::

    python -m factcheck.research.fit_claim_scores --data ../shared/data/checkthat2021-2b

Nothing at run time imports this.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck.errors import ModelError
from factcheck.extract import claims as claim_scores
from factcheck.extract.debate_scores import (
    AUDIENCE_LABEL,
    MIN_SPEAKER_SENTENCES,
    MODERATOR_QUESTION_SHARE,
)
from factcheck.text import is_question

WORKLOAD = 0.40  # share of transcript sentences the default threshold may flag
L2 = 1.0  # penalty on the role weights (the intercept is free)
STAGE_LABELS = {"SYSTEM"}
COMBINATION_FILE = Path(__file__).resolve().parent.parent / "data" / "claim_scores.json"
LOWERED_ROLES = ("moderator", "audience")  # roles with a weight in the first combination
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "checkthat2021-2b"


@dataclass
class DebateSentence:
    """One transcript row of the 2B data, with whether PolitiFact checked it."""

    transcript: str
    line: int
    speaker: str
    text: str
    split: str  # "train" or "dev": the qrels file naming the transcript's checked sentences
    checked: bool = False
    role: str | None = None  # "moderator", "audience", "speaker"; None for stage lines


def load_debates(data_dir: str | Path = DEFAULT_DATA) -> list[DebateSentence]:
    """Every transcript row, marked checked / train / dev from the queries and qrels.

    Query ids are ``<transcript stem>_<line>`` with the stem sometimes spelled otherwise
    than the file (``milwuakee``); a query is placed by its date, its line and its text.
    """
    root = Path(data_dir)
    rows: list[DebateSentence] = []
    where: dict[tuple[str, int], DebateSentence] = {}
    for path in sorted((root / "transcripts").glob("*.tsv")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            parts = raw.split("\t")
            if len(parts) < 3 or not parts[2].strip() or not parts[0].strip().isdigit():
                continue
            row = DebateSentence(path.stem, int(parts[0]), parts[1].strip(), parts[2].strip(), "")
            rows.append(row)
            where[(path.stem, row.line)] = row
    split_of = {}
    for split in ("train", "dev"):
        for raw in (root / f"qrels-{split}.tsv").read_text(encoding="utf-8").splitlines():
            if raw.strip():
                split_of[raw.split("\t")[0]] = split
    stems = sorted({row.transcript for row in rows})
    transcript_split: dict[str, str] = {}
    for raw in (root / "queries-train-dev.tsv").read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        query_id, text = raw.split("\t", 1)
        stem, line = query_id.rsplit("_", 1)
        found = [
            where[(s, int(line))]
            for s in stems
            if s[:8] == stem[:8]
            and (s, int(line)) in where
            and _same_start(where[(s, int(line))].text, text)
        ]
        if len(found) == 1:
            found[0].checked = True
            transcript_split[found[0].transcript] = split_of[query_id]
    for row in rows:
        row.split = transcript_split.get(row.transcript, "")
    infer_roles(rows)
    return rows


def _same_start(a: str, b: str) -> bool:
    return a.strip()[:30].lower() == b.strip()[:30].lower()


def infer_roles(rows: list[DebateSentence]) -> None:
    """Each row's role from its speaker label and how often that speaker asks (in place)."""
    asked: dict[tuple[str, str], list[bool]] = {}
    speakers: dict[str, set[str]] = {}
    for row in rows:
        asked.setdefault((row.transcript, row.speaker), []).append(is_question(row.text))
        speakers.setdefault(row.transcript, set()).add(row.speaker)
    for row in rows:
        questions = asked[(row.transcript, row.speaker)]
        if row.speaker in STAGE_LABELS:
            row.role = None
        elif AUDIENCE_LABEL.search(row.speaker):
            row.role = "audience"
        elif (
            len(speakers[row.transcript] - STAGE_LABELS) >= 2
            and len(questions) >= MIN_SPEAKER_SENTENCES
            and np.mean(questions) >= MODERATOR_QUESTION_SHARE
        ):
            row.role = "moderator"
        else:
            row.role = "speaker"


def fit_offset_logistic(
    offset: np.ndarray, features: np.ndarray, labels: np.ndarray, l2: float = L2
) -> tuple[np.ndarray, float]:
    """Weights and intercept of a logistic regression whose log-odds are ``offset + b + Xw``."""
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = params[:-1], params[-1]
        z = offset + bias + features @ weights
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
        nll = np.sum(np.logaddexp(0.0, z) - labels * z) + 0.5 * l2 * weights @ weights
        grad_z = p - labels
        grad = np.concatenate([features.T @ grad_z + l2 * weights, [grad_z.sum()]])
        return float(nll), grad

    start = np.zeros(features.shape[1] + 1)
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return result.x[:-1], float(result.x[-1])


def load_combination() -> dict:
    """The first combination's role weights and transcript shift (``data/claim_scores.json``,
    which also records how the shipped transcript model was fitted); benches compare it."""
    try:
        data = json.loads(COMBINATION_FILE.read_text(encoding="utf-8"))
        weights = {role: float(data["role_weights"].get(role, 0.0)) for role in LOWERED_ROLES}
        shift = float(data["transcript_shift"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ModelError(
            f"the claim score combination at {COMBINATION_FILE} is unusable "
            f"({type(error).__name__}); rebuild it with "
            "`python -m factcheck.research.fit_claim_scores`"
        ) from None
    return {"role_weights": weights, "transcript_shift": shift}


def model_log_odds(scores: np.ndarray) -> np.ndarray:
    return claim_scores.log_odds(np.asarray(scores, dtype=float))


def fit(rows: list[DebateSentence], scores: dict[str, float]) -> dict:
    """The combination (``claim_scores.json`` content) from the train transcripts."""
    train = [r for r in rows if r.split == "train" and r.role is not None]
    offset = model_log_odds(np.array([scores[r.text] for r in train]))
    roles = LOWERED_ROLES
    features = np.array([[r.role == role for role in roles] for r in train], dtype=float)
    labels = np.array([r.checked for r in train], dtype=float)
    weights, _ = fit_offset_logistic(offset, features, labels)
    combined = offset + features @ weights
    # shift so that 0.5 (log-odds 0) flags WORKLOAD of the train sentences
    shift = -float(np.quantile(combined, 1.0 - WORKLOAD))
    flagged = combined + shift >= 0
    return {
        "format": 1,
        "role_weights": {role: round(float(w), 4) for role, w in zip(roles, weights)},
        "transcript_shift": round(shift, 4),
        "fitted_on": (
            f"CheckThat! 2021 2B train transcripts ({len(train)} sentences, "
            f"{int(labels.sum())} checked by PolitiFact); roles from speaker labels "
            "(factcheck.research.fit_claim_scores.infer_roles)"
        ),
        "how": (
            "role weights: logistic regression with the model's log-odds as offset, "
            f"free intercept (not shipped), L2 {L2}; shift: the default threshold flags "
            f"{WORKLOAD:.0%} of the train sentences"
        ),
        "train_recall_at_default": round(float(flagged[labels == 1].mean()), 4),
        "train_flagged_at_default": round(float(flagged.mean()), 4),
    }


PCA_COMPONENTS = 32  # embedding dimensions kept (5-fold CV by transcript on 2B train)
C = 0.01  # inverse L2 strength of the transcript model (same CV)
FOLDS = 5


@dataclass
class TranscriptTable:
    """The train transcripts' sentences as the app reads them: features, vectors, labels."""

    features: np.ndarray
    vectors: np.ndarray
    labels: np.ndarray
    groups: np.ndarray  # the transcript of each sentence
    texts: tuple[str, ...] = ()  # each sentence's text, speaker and turn (for experiments)
    speakers: tuple[str, ...] = ()
    turns: tuple[int, ...] = ()


def transcript_table(
    rows: list[DebateSentence], scorer, embed, split: str = "train", data_dir: Path = DEFAULT_DATA
) -> TranscriptTable:
    """Each ``split`` transcript read by the app's path (``ingest.transcript`` +
    ``extract.turns``), its sentences' features (:func:`debate_scores.features`), embeddings
    and whether PolitiFact checked them (stage lines left out)."""
    from factcheck.extract import debate_scores

    stems = sorted({r.transcript for r in rows if r.split == split})
    tables, texts, labels, groups, speakers, turns = [], [], [], [], [], []
    shipped = debate_scores.adjustments
    # the table needs the app's sentences and analysis, not the shipped combination's scores
    debate_scores.adjustments = lambda claims, *_: [[] for _ in claims]
    try:
        read = {stem: _read_transcript(data_dir, stem, scorer) for stem in stems}
    finally:
        debate_scores.adjustments = shipped
    checked_lines: dict[str, set[int]] = {}
    for r in rows:
        if r.checked:
            checked_lines.setdefault(r.transcript, set()).add(r.line)
    for stem in stems:
        checked = checked_lines.get(stem, set())
        claims = read[stem]
        body = [c for c in claims if c.claim_type is not None]
        lo = model_log_odds(scorer.score([c.text for c in body]))
        tables.append(debate_scores.features(body, lo))
        texts += [c.text for c in body]
        labels += [c.source_line in checked for c in body]
        groups += [stem] * len(body)
        speakers += [c.speaker or "" for c in body]
        turns += [c.turn for c in body]
    return TranscriptTable(
        np.vstack(tables),
        np.asarray(embed(texts), dtype=float),
        np.array(labels, dtype=float),
        np.array(groups),
        tuple(texts),
        tuple(speakers),
        tuple(turns),
    )


def _read_transcript(data_dir: Path, stem: str, scorer) -> list:
    from factcheck.extract.turns import extract_transcript
    from factcheck.ingest.transcript import to_document

    path = Path(data_dir) / "transcripts" / f"{stem}.tsv"
    document = to_document(path.read_text(encoding="utf-8"), name=path.name)
    return extract_transcript(document.text, document.turns or [], threshold=0.5, scorer=scorer)


def fit_transcript_model(table: TranscriptTable) -> dict:
    """PCA of the embeddings + standardised logistic regression (C) over the features and
    the reduced embedding; the shift makes log-odds 0 flag WORKLOAD of the sentences.
    Weights are returned on the raw scale: log-odds = (x - center) @ weights + intercept."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression

    pca = PCA(PCA_COMPONENTS, random_state=0).fit(table.vectors)
    x = np.hstack([table.features, pca.transform(table.vectors)])
    center, scale = x.mean(axis=0), x.std(axis=0) + 1e-12
    model = LogisticRegression(C=C, max_iter=5000).fit((x - center) / scale, table.labels)
    weights = model.coef_[0] / scale
    z = (x - center) @ weights + model.intercept_[0]
    return {
        "pca_mean": pca.mean_,
        "pca_components": pca.components_,
        "center": center,
        "weights": weights,
        "intercept": np.array(model.intercept_[0]),
        "shift": np.array(-np.quantile(z, 1.0 - WORKLOAD)),
    }


def transcript_log_odds(model: dict, table: TranscriptTable) -> np.ndarray:
    reduced = (table.vectors - model["pca_mean"]) @ model["pca_components"].T
    x = np.hstack([table.features, reduced])
    return (x - model["center"]) @ model["weights"] + model["intercept"] + model["shift"]


def cross_validate(table: TranscriptTable) -> dict:
    """5-fold by transcript: recall of the checked sentences and share flagged at each fold's
    own operating point (WORKLOAD of its training sentences), and the pooled AP."""
    from sklearn.metrics import average_precision_score

    stems = sorted(set(table.groups))
    z = np.zeros(len(table.labels))
    for fold in range(FOLDS):
        held = np.isin(table.groups, stems[fold::FOLDS])
        part = _subset(table, ~held)
        z[held] = transcript_log_odds(fit_transcript_model(part), _subset(table, held))
    flagged = z >= 0
    return {
        "cv_recall": round(float(flagged[table.labels == 1].mean()), 4),
        "cv_flagged": round(float(flagged.mean()), 4),
        "cv_ap": round(float(average_precision_score(table.labels, z)), 4),
    }


def _subset(table: TranscriptTable, keep: np.ndarray) -> TranscriptTable:
    return TranscriptTable(
        table.features[keep], table.vectors[keep], table.labels[keep], table.groups[keep]
    )


def write_transcript_model(model: dict, path: Path) -> None:
    from factcheck.extract import debate_scores

    np.savez(path, features=np.array(debate_scores.FEATURES), **model)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=COMBINATION_FILE, help="the JSON to write")
    parser.add_argument(
        "--roles-only", action="store_true", help="refit the role weights only (no embeddings)"
    )
    args = parser.parse_args(argv)
    from factcheck.extract.checkworthiness import load_scorer

    rows = load_debates(args.data)
    texts = sorted({r.text for r in rows if r.split == "train"})
    scores = dict(zip(texts, load_scorer().score(texts).tolist()))
    combination = fit(rows, scores)
    if not args.roles_only:
        from factcheck.extract import debate_scores
        from factcheck.models.embed import encode

        table = transcript_table(rows, _Cached(scores), encode, data_dir=args.data)
        model = fit_transcript_model(table)
        flagged = transcript_log_odds(model, table) >= 0
        write_transcript_model(model, debate_scores.MODEL_FILE)
        combination["transcript_model"] = {
            "file": debate_scores.MODEL_FILE.name,
            "how": (
                "logistic regression (sklearn, L2, C "
                f"{C}, standardised) over {', '.join(debate_scores.FEATURES)} and the "
                f"sentence's all-MiniLM-L6-v2 embedding reduced to {PCA_COMPONENTS} PCA "
                f"dimensions; shift: the default threshold flags {WORKLOAD:.0%} of the train "
                "sentences; chosen by 5-fold CV by transcript on 2B train"
            ),
            "train_recall_at_default": round(float(flagged[table.labels == 1].mean()), 4),
            "train_flagged_at_default": round(float(flagged.mean()), 4),
            **cross_validate(table),
        }
    args.out.write_text(json.dumps(combination, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(combination, indent=1))


class _Cached:
    """Model scores looked up by text (computed once above)."""

    def __init__(self, scores: dict[str, float]):
        self.scores = scores

    def score(self, texts):
        missing = [t for t in texts if t not in self.scores]
        if missing:
            from factcheck.extract.checkworthiness import load_scorer

            self.scores.update(zip(missing, load_scorer().score(missing).tolist()))
        return np.array([self.scores[t] for t in texts], dtype=float)


if __name__ == "__main__":
    main()
