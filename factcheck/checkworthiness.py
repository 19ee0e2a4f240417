"""Check-worthiness scoring: how much a sentence reads like a checkable factual claim.

Public API (stable): ``load_scorer() -> Scorer``; ``Scorer.score(texts) -> np.ndarray`` of
floats in [0, 1], one per text, in order.

Model: the first four transformer layers of the bundled all-MiniLM-L6-v2 are run (the last
two, tuned for sentence similarity, add nothing here, and skipping them is 1.5x faster);
the token states of layers 1-4 are mean-pooled and
concatenated (1,536 features); a logistic regression trained on ClaimBuster debate
sentences turns them into a probability. The intercept is shifted so that 0.5 is the
F1-best threshold of out-of-fold predictions on the training part.

Rebuild the shipped weights (deterministic, a few minutes on a CPU)::

    python -m factcheck.checkworthiness train --data ../shared/data/claimbuster/sentences-dev.csv
"""

from __future__ import annotations

import logging
import re
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import InputError, ModelError

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
WEIGHTS_FILE = "checkworthiness.npz"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "claimbuster" / "sentences-dev.csv"
LAYERS = (1, 2, 3, 4)
MAX_TOKENS = 256  # as the bundled sentence-transformers model truncates
EMBEDDING_LAYER = 6  # the bundled model's last layer: its mean is the sentence embedding
UNFINISHED_PENALTY = 6.0  # log-odds taken off text that does not end like a sentence
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
BATCH_SIZE = 64
SEED = 0
HOLDOUT = 0.2
REGULARISATION_C = 0.003  # chosen by 5-fold CV on the training part only
_lock = threading.Lock()


class LayerFeatures:
    """Mean-pooled token states of the first layers of the bundled MiniLM, one row per text."""

    def __init__(self, layers: Sequence[int] = LAYERS, max_tokens: int = MAX_TOKENS):
        self.layers = tuple(int(layer) for layer in layers)
        self.max_tokens = int(max_tokens)
        self.tokenizer, self.model = _load_encoder(max(self.layers))

    @property
    def dim(self) -> int:
        return self.model.config.hidden_size * len(self.layers)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """The pooled layers side by side: shape (len(texts), dim), float32."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(text) for text in texts], kind="stable")
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            out[rows] = self._batch([texts[i] for i in rows])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        import torch

        encoded = self.tokenizer(texts, padding=True, truncation=True,
                                 max_length=self.max_tokens, return_tensors="pt")
        with torch.inference_mode():
            states = self.model(**encoded, output_hidden_states=True).hidden_states
        mask = encoded["attention_mask"].unsqueeze(-1).to(states[0].dtype)
        pooled = [(states[layer] * mask).sum(1) / mask.sum(1) for layer in self.layers]
        return torch.cat(pooled, dim=-1).numpy()


@lru_cache(maxsize=2)
def _load_encoder(depth: int):
    """Tokenizer and the bundled MiniLM cut to its first ``depth`` layers (loaded once)."""
    from .embed import bundled_model_path

    path = bundled_model_path()
    try:
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path)
    except Exception as error:  # noqa: BLE001 - one clear message
        raise ModelError(f"cannot load the bundled MiniLM from {path}: {type(error).__name__}: "
                         f"{str(error).splitlines()[0][:200]}") from None
    model.encoder.layer = model.encoder.layer[:depth]
    model.config.num_hidden_layers = depth
    return tokenizer, model.eval()


@dataclass
class Scorer:
    """A linear model over :class:`LayerFeatures`; ``score`` gives calibrated probabilities."""

    coef: np.ndarray
    intercept: float
    features: LayerFeatures

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds, one per text (0 = the 0.5 operating point)."""
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float32)
        return self._logits(texts, self.features(list(texts)))

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is a check-worthy factual claim, in input order."""
        return _sigmoid(self.decision(texts))

    def score_and_embed(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Scores and the bundled MiniLM's sentence embeddings (L2-normalised, as
        ``embed.encode`` gives them) from ONE pass of the model: cheaper than both calls."""
        both = LayerFeatures((*self.features.layers, EMBEDDING_LAYER), self.features.max_tokens)
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float32), np.zeros((0, both.dim - self.features.dim), np.float32)
        pooled = both(list(texts))
        features, embeddings = pooled[:, :self.features.dim], pooled[:, self.features.dim:]
        embeddings /= np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
        return _sigmoid(self._logits(texts, features)), embeddings

    def _logits(self, texts: Sequence[str], features: np.ndarray) -> np.ndarray:
        """Linear log-odds; text that does not end like a sentence (a heading, a cut-off
        fragment) loses UNFINISHED_PENALTY: in the debate data such text is rarely
        check-worthy (9% against 28%), and headings are not claims to check."""
        unfinished = np.array([_SENTENCE_END.search(text) is None for text in texts])
        return features @ self.coef + self.intercept - UNFINISHED_PENALTY * unfinished


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))).astype(np.float32)


def load_scorer(path: str | Path | None = None) -> Scorer:
    """The scorer from the shipped weights (or ``path``), loaded once per process."""
    weights = Path(path) if path else DATA_DIR / WEIGHTS_FILE
    with _lock:
        return _cached_scorer(str(weights.resolve()))


@lru_cache(maxsize=4)
def _cached_scorer(path: str) -> Scorer:
    coef, intercept, layers, max_tokens = read_weights(Path(path))
    features = LayerFeatures(layers, max_tokens)
    if coef.shape != (features.dim,):
        raise ModelError(f"check-worthiness weights in {path} have {coef.shape[0]} features, the "
                         f"encoder gives {features.dim}; rebuild them with "
                         "`python -m factcheck.checkworthiness train`")
    return Scorer(coef, intercept, features)


def read_weights(path: Path) -> tuple[np.ndarray, float, tuple[int, ...], int]:
    """(coef, intercept, layers, max_tokens) of a weights file; ModelError when unusable."""
    rebuild = "rebuild them with `python -m factcheck.checkworthiness train`"
    if not path.is_file():
        raise ModelError(f"check-worthiness weights not found at {path}; {rebuild}")
    try:
        with np.load(path, allow_pickle=False) as data:
            coef = np.asarray(data["coef"], dtype=np.float32)
            intercept = float(data["intercept"])
            layers = tuple(int(layer) for layer in data["layers"])
            max_tokens = int(data["max_tokens"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as error:
        raise ModelError(f"check-worthiness weights at {path} are unreadable "
                         f"({type(error).__name__}); {rebuild}") from None
    usable_layers = bool(layers) and 0 <= min(layers) and max(layers) <= EMBEDDING_LAYER
    if coef.ndim != 1 or not np.all(np.isfinite(coef)) or not np.isfinite(intercept) \
            or not usable_layers or max_tokens < 8:
        raise ModelError(f"check-worthiness weights at {path} are corrupt; {rebuild}")
    return coef, intercept, layers, max_tokens


# ---------------------------------------------------------------- training


def read_labelled(csv_path: str | Path) -> tuple[list[str], np.ndarray]:
    """Texts and 0/1 labels from a ``sentence_id,label,text`` CSV (ClaimBuster layout)."""
    import pandas as pd

    path = Path(csv_path)
    if not path.is_file():
        raise InputError(f"training data not found at {path}; give a ClaimBuster-style CSV "
                         "with columns label,text (--data PATH)")
    try:
        frame = pd.read_csv(path)
    except Exception as error:  # noqa: BLE001 - one clear message
        raise InputError(f"cannot read {path} as CSV: {type(error).__name__}") from None
    missing = {"label", "text"} - set(frame.columns)
    if missing:
        raise InputError(f"{path} lacks column(s) {', '.join(sorted(missing))}; "
                         "expected sentence_id,label,text")
    frame = frame.dropna(subset=["label", "text"])
    if not frame["label"].isin([0, 1]).all():
        raise InputError(f"{path}: labels must be 0 or 1")
    labels = frame["label"].to_numpy(dtype=np.int64)
    if len(set(labels)) < 2 or min(np.bincount(labels)) < 10:
        raise InputError(f"{path}: need at least 10 sentences of each label to train")
    return frame["text"].astype(str).tolist(), labels


def split_indices(labels: np.ndarray, holdout: float = HOLDOUT) -> tuple[np.ndarray, np.ndarray]:
    """The fixed stratified (train, held-out) split every tool and benchmark uses."""
    from sklearn.model_selection import train_test_split

    indices = np.arange(len(labels))
    return train_test_split(indices, test_size=holdout, stratify=labels, random_state=SEED)


def fit_linear(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
    """Standardised logistic regression, folded into one (coef, intercept) on raw features,
    with the intercept moved so that 0.5 is the F1-best out-of-fold threshold."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=REGULARISATION_C, max_iter=5000))
    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    out_of_fold = cross_val_predict(model, features, labels, cv=folds, method="decision_function")
    model.fit(features, labels)
    scaler, regression = model[0], model[1]
    coef = regression.coef_[0] / scaler.scale_
    intercept = float(regression.intercept_[0] - scaler.mean_ @ coef)
    return coef.astype(np.float32), intercept - best_f1_logit(out_of_fold, labels)


def best_f1_logit(logits: np.ndarray, labels: np.ndarray) -> float:
    """The log-odds threshold that maximises F1."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(labels, logits)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1[:-1]))])


def train(csv_path: str | Path = DEFAULT_DATA, out_dir: str | Path = DATA_DIR, *,
          limit: int | None = None) -> Path:
    """Fit the scorer on the training part of the fixed split; write ``out_dir``/weights.

    ``limit`` keeps a stratified subsample of that part (for quick checks). Deterministic.
    """
    if limit is not None and limit < 40:
        raise InputError(f"--limit must be at least 40 sentences, got {limit}")
    texts, labels = read_labelled(csv_path)
    train_rows, _ = split_indices(labels)
    if limit is not None and limit < len(train_rows):
        from sklearn.model_selection import train_test_split

        train_rows, _ = train_test_split(train_rows, train_size=limit,
                                         stratify=labels[train_rows], random_state=SEED)
    features = LayerFeatures()(([texts[i] for i in train_rows]))
    coef, intercept = fit_linear(features, labels[train_rows])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / WEIGHTS_FILE
    np.savez_compressed(target, coef=coef, intercept=np.float32(intercept),
                        layers=np.array(LAYERS), max_tokens=np.int64(MAX_TOKENS),
                        trained_on=np.int64(len(train_rows)))
    _cached_scorer.cache_clear()
    log.info("wrote %s (%d training sentences)", target, len(train_rows))
    return target


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m factcheck.checkworthiness train [--data PATH] [--out DIR] [--limit N]``."""
    import sys

    import click

    from .errors import FactcheckError

    @click.group()
    def cli() -> None:
        """Check-worthiness model tools."""

    @cli.command("train")
    @click.option("--data", "data", type=click.Path(dir_okay=False), default=str(DEFAULT_DATA),
                  show_default=True, help="ClaimBuster-style CSV: sentence_id,label,text.")
    @click.option("--out", "out", type=click.Path(file_okay=False), default=str(DATA_DIR),
                  show_default=True, help="Folder for checkworthiness.npz.")
    @click.option("--limit", type=int, default=None, help="Train on a stratified subsample.")
    def train_command(data: str, out: str, limit: int | None) -> None:
        """Rebuild the weights from the training part of the fixed 80/20 split."""
        try:
            click.echo(f"wrote {train(data, out, limit=limit)}")
        except FactcheckError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)

    cli.main(args=list(argv) if argv is not None else None, prog_name="python -m factcheck.checkworthiness")


if __name__ == "__main__":
    main()
