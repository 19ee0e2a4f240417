"""Transcript sentences: the learned combination of the model's score with what a debate says.

A transcript sentence's stored log-odds are a logistic regression (fitted on the CheckThat!
2021 2B train transcripts by :mod:`factcheck.research.fit_claim_scores`, shipped in
``data/debate_claims.npz``) over the check-worthiness model's log-odds (positive weight, so
the score is monotone in the model's at equal other features), the transcript features of
:data:`FEATURES` and the sentence's all-MiniLM-L6-v2 embedding reduced by PCA, plus the
transcript operating point (the default threshold 0.5 flags 40% of the train sentences).

Embeddings: the scorer's ``embed(texts)`` when it has one, else the project's embedder
(:func:`factcheck.models.embed.encode`) with the bundled all-MiniLM-L6-v2 whatever
``FACTCHECK_MODEL`` says, one batch per transcript. Vectors of another size (a stand-in
embedder) leave the topic out, and the reasons say so.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from factcheck.errors import ModelError
from factcheck.extract.entities import named
from factcheck.text import is_question
from factcheck.types import SentenceClaim

log = logging.getLogger(__name__)
MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "debate_claims.npz"
FEATURES = (
    "model_log_odds",
    "moderator",
    "audience",
    "question",
    "log_words",
    "has_quantity",
    "log_named_entities",
    "speaker_question_share",
    "speaker_share",
    "first_in_turn",
    "place_in_turn",
    "log_turn_length",
)
# groups of features named in a sentence's reasons (the rest: the model's weight + intercept)
SPEAKER_FEATURES = ("moderator", "audience", "speaker_question_share", "speaker_share")
FORM_FEATURES = (
    "question",
    "log_words",
    "has_quantity",
    "log_named_entities",
    "first_in_turn",
    "place_in_turn",
    "log_turn_length",
)
MODERATOR_QUESTION_SHARE = 0.15  # a speaker asking this share of their sentences moderates
MIN_SPEAKER_SENTENCES = 10
AUDIENCE_LABEL = re.compile(r"question|audience|unidentified|unknown|\bmale\b|female", re.I)


def inferred_roles(claims: list[SentenceClaim]) -> list[str | None]:
    """Each sentence's speaker role: the transcript's where it names one, else "audience" for
    labels such as QUESTION or UNIDENTIFIED, else "moderator" for a speaker (of at least
    :data:`MIN_SPEAKER_SENTENCES`, among two or more) asking at least
    :data:`MODERATOR_QUESTION_SHARE` of their sentences as questions, else None."""
    said = Counter(c.speaker for c in claims)
    asked = Counter(c.speaker for c in claims if is_question(c.text))
    roles: list[str | None] = []
    for claim in claims:
        if claim.speaker_role is not None:
            roles.append(claim.speaker_role)
        elif AUDIENCE_LABEL.search(claim.speaker or ""):
            roles.append("audience")
        elif (
            len(said) >= 2
            and said[claim.speaker] >= MIN_SPEAKER_SENTENCES
            and asked[claim.speaker] / said[claim.speaker] >= MODERATOR_QUESTION_SHARE
        ):
            roles.append("moderator")
        else:
            roles.append(None)
    return roles


def store_inferred_roles(claims: list[SentenceClaim]) -> None:
    """Give role-less speakers their :func:`inferred_roles` role (in place), with a reason."""
    said = Counter(c.speaker for c in claims)
    asked = Counter(c.speaker for c in claims if is_question(c.text))
    for claim, role in zip(claims, inferred_roles(claims)):
        if claim.speaker_role is None and role is not None:
            claim.speaker_role = role
            why = (
                f"{asked[claim.speaker] / said[claim.speaker]:.0%} of their "
                f"{said[claim.speaker]} sentences are questions"
                if role == "moderator"
                else "from the speaker label"
            )
            claim.reasons.append(f"role inferred: {role} ({why})")


def features(claims: list[SentenceClaim], model_log_odds: np.ndarray) -> np.ndarray:
    """One row of :data:`FEATURES` per sentence of one transcript (in spoken order)."""
    questions = [is_question(c.text) for c in claims]
    said = Counter(c.speaker for c in claims)
    asked = Counter(c.speaker for c, q in zip(claims, questions) if q)
    turn_sizes = Counter(c.turn for c in claims)
    place: Counter = Counter()
    rows = []
    for claim, log_odds, question, role in zip(
        claims, model_log_odds, questions, inferred_roles(claims)
    ):
        position = place[claim.turn]
        place[claim.turn] += 1
        rows.append(
            [
                float(log_odds),
                float(role == "moderator"),
                float(role == "audience" or bool(AUDIENCE_LABEL.search(claim.speaker or ""))),
                float(question),
                math.log1p(len(claim.text.split())),
                float(bool(claim.quantities)),
                math.log1p(len(named(claim.entities))),
                asked[claim.speaker] / said[claim.speaker],
                said[claim.speaker] / len(claims),
                float(position == 0),
                position / turn_sizes[claim.turn],
                math.log1p(turn_sizes[claim.turn]),
            ]
        )
    return np.array(rows, dtype=float).reshape(len(claims), len(FEATURES))


@lru_cache(maxsize=1)
def load_model() -> dict:
    """The shipped combination's arrays (``data/debate_claims.npz``)."""
    try:
        with np.load(MODEL_FILE, allow_pickle=False) as data:
            model = {key: np.asarray(data[key], dtype=float) for key in _KEYS}
            names = tuple(str(name) for name in data["features"])
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(
            f"the transcript score combination at {MODEL_FILE} is unusable "
            f"({type(error).__name__}); rebuild it with "
            "`python -m factcheck.research.fit_claim_scores`"
        ) from None
    weights = model["weights"]
    if (
        names != FEATURES
        or weights.shape != (len(FEATURES) + model["pca_components"].shape[0],)
        or not all(np.all(np.isfinite(v)) for v in model.values())
        or weights[0] <= 0
    ):
        raise ModelError(f"the transcript score combination at {MODEL_FILE} is corrupt")
    return model


_KEYS = ("pca_mean", "pca_components", "center", "weights", "intercept", "shift")


def adjustments(
    claims: list[SentenceClaim], model_log_odds: np.ndarray, scorer=None
) -> list[list[tuple[str, float]]]:
    """For each sentence of one transcript, what moves its log-odds from the model's:
    (reason, log-odds), summing to the stored log-odds less the model's."""
    if not claims:
        return []
    model = load_model()
    table = features(claims, model_log_odds)
    vectors = _embed([c.text for c in claims], scorer)
    weights, center = model["weights"], model["center"]
    n = len(FEATURES)
    embedded = vectors.shape[1] == model["pca_mean"].shape[0]
    if embedded:
        reduced = (vectors - model["pca_mean"]) @ model["pca_components"].T
    else:  # an embedder other than all-MiniLM-L6-v2 (a stand-in): the topic is left out
        log.warning("the embedder gives %d-dimensional vectors: topic not scored", vectors.shape[1])
        reduced = np.tile(center[n:], (len(claims), 1))
    parts = (np.hstack([table, reduced]) - center) * weights
    column = {name: i for i, name in enumerate(FEATURES)}
    speaker = parts[:, [column[f] for f in SPEAKER_FEATURES]].sum(axis=1)
    form = parts[:, [column[f] for f in FORM_FEATURES]].sum(axis=1)
    topic = parts[:, n:].sum(axis=1)
    base = (
        (weights[0] - 1.0) * table[:, 0]
        - weights[0] * center[0]
        + float(model["intercept"])
        + float(model["shift"])
    )
    weighting = "debate weighting of the model score and operating point"
    return [
        [
            (weighting if embedded else f"{weighting} (no sentence embedding)", float(b)),
            ("speaker (role, questions asked, share of the debate)", float(s)),
            ("sentence form (question, length, figures, names, place in turn)", float(f)),
            *([("topic (sentence embedding)", float(t))] if embedded else []),
        ]
        for b, s, f, t in zip(base, speaker, form, topic)
    ]


def _embed(texts: list[str], scorer) -> np.ndarray:
    embed = getattr(scorer, "embed", None)
    if embed is None:
        from factcheck.models.embed import BUNDLED_MODEL, encode

        return _checked(np.asarray(encode(texts, model=BUNDLED_MODEL), dtype=float), texts)
    return _checked(np.asarray(embed(texts), dtype=float), texts)


def _checked(vectors: np.ndarray, texts: list[str]) -> np.ndarray:
    if vectors.ndim != 2 or vectors.shape[0] != len(texts) or not np.all(np.isfinite(vectors)):
        raise ModelError(f"the embedder returned no usable vectors for {len(texts)} sentences")
    return vectors
