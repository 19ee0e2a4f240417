"""Calibrated confidence and bands of a claim's match candidates.

The confidence of a candidate is the estimated probability that it is the right fact-check
for the claim. It comes from a small logistic model over what exists at match time for each
ranked list (best first): the ranking score (the re-ranker's probability for ``rerank``, the
similarity for the other methods), its distance to the list's best and its lead over the next
candidate, the log of the rank and the similarity. Along a list the confidence never rises
(a lower-ranked candidate is at most as likely as the one above it).

The weights and the band thresholds live in ``factcheck/data/match_calibration.json``;
:mod:`factcheck.research.calibrate_matches` fits them on CheckThat! 2021 2B train and
measures them on dev (figures in docs/benchmarks.md). A candidate is **strong** from the
``FACTCHECK_MATCH_STRONG`` confidence, **suggested** from ``FACTCHECK_MATCH_SUGGESTED``,
else **weak**.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from factcheck.vocab import MATCH_BANDS

PARAMETERS_PATH = Path(__file__).resolve().parent.parent / "data" / "match_calibration.json"
FEATURES = ("score", "gap_to_best", "lead_over_next", "log_rank", "similarity")
MODELS = ("rerank", "similarity")  # the re-ranker's scores; any other method's similarity


def model_for(method: str) -> str:
    """Which calibration model fits a ranking ``method`` (as :class:`Found.method` names it)."""
    return "rerank" if method == "rerank" else "similarity"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def list_features(scores: Sequence[float], similarities: Sequence[float], model: str) -> np.ndarray:
    """Feature rows (len(scores) x len(FEATURES)) of one ranked list, best first.

    ``scores`` are the method's scores (re-ranker probabilities for ``rerank``); for the
    ``similarity`` model the similarities stand in. The list may hold one candidate more than
    is kept, so that the last kept one has a lead over its next.
    """
    sim = np.asarray(similarities, dtype=float)
    raw = np.asarray(scores if model == "rerank" else similarities, dtype=float)
    s = _logit(raw) if model == "rerank" else raw
    n = len(s)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    following = np.append(s[1:], s[-1])
    return np.column_stack([s, s.max() - s, s - following, np.log1p(np.arange(n)), sim]).astype(
        float
    )


@dataclass
class LogisticCalibration:
    """``confidence = sigmoid(w . standardised(features) + b)``."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict:
        return {
            "coef": np.round(self.coef, 6).tolist(),
            "intercept": round(float(self.intercept), 6),
            "mean": np.round(self.mean, 6).tolist(),
            "scale": np.round(self.scale, 6).tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> LogisticCalibration:
        return cls(
            np.asarray(data["coef"], dtype=float),
            float(data["intercept"]),
            np.asarray(data["mean"], dtype=float),
            np.asarray(data["scale"], dtype=float),
        )


@dataclass
class Calibration:
    """The shipped models (one per :data:`MODELS`), the fitted band thresholds and notes."""

    models: dict[str, LogisticCalibration]
    strong: float
    suggested: float
    info: dict

    def confidences(
        self, scores: Sequence[float], similarities: Sequence[float], method: str
    ) -> np.ndarray:
        """Confidence of each candidate of one ranked list (best first), never rising."""
        model = model_for(method)
        conf = self.models[model].predict(list_features(scores, similarities, model))
        return np.clip(np.minimum.accumulate(conf), 0.0, 1.0) if len(conf) else conf

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "models": {name: m.to_dict() for name, m in self.models.items()},
            "strong": round(self.strong, 4),
            "suggested": round(self.suggested, 4),
            "info": self.info,
        }

    def save(self, path: str | Path = PARAMETERS_PATH) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path = PARAMETERS_PATH) -> Calibration:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError("the calibration was fitted for other features; refit it")
        return cls(
            {name: LogisticCalibration.from_dict(data["models"][name]) for name in MODELS},
            float(data["strong"]),
            float(data["suggested"]),
            data.get("info", {}),
        )


@lru_cache(maxsize=1)
def shipped() -> Calibration:
    """The calibration in ``factcheck/data/match_calibration.json``."""
    return Calibration.load(PARAMETERS_PATH)


def band(confidence: float, strong: float, suggested: float) -> str:
    """'strong' from ``strong``, 'suggested' from ``suggested``, else 'weak'."""
    if not math.isfinite(confidence):
        return MATCH_BANDS[2]
    if confidence >= strong:
        return MATCH_BANDS[0]
    return MATCH_BANDS[1] if confidence >= suggested else MATCH_BANDS[2]
