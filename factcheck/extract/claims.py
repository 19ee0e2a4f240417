"""Article text -> every sentence analysed and scored for check-worthiness.

``extract(text, threshold=0.5)`` segments the text (segment.py), finds each sentence's
quantities, entities, speaker and claim type, and scores it: the learned model's score
(checkworthiness.load_scorer, one batch per article), raised to the rules' evidence when the
rules find more signs of a checkable claim. Headings, bylines, datelines and navigation stay
in the list with score 0 and are never check-worthy, so a reviewer sees everything; for
sentences, ``check_worthy = score >= threshold``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from factcheck.errors import ConfigError, InputError, ModelError
from factcheck.extract import claim_types
from factcheck.extract.attribution import SPEECH_VERBS, Attribution, attribute
from factcheck.extract.entities import Vocabulary, find_entities, named, relabel_people
from factcheck.extract.quantities import find_quantities
from factcheck.extract.segment import Segment, classify_line, segment
from factcheck.types import SentenceClaim

# Rule evidence by number of claim signals (a quantity, two or more named entities, a
# concrete claim type); the final score is max(model score, rule evidence).
RULE_EVIDENCE = (0.05, 0.3, 0.55, 0.75)
MIN_ENTITIES = 2
MAX_REASON_ITEMS = 4
CONCRETE_TYPES = ("statistic", "causal", "comparison")
_PAST_OR_PERFECT = re.compile(
    rf"\b(?:has|have|had)\s+(?:\w+\s+)?(?!{SPEECH_VERBS}\b)\w+\b|\b(?!{SPEECH_VERBS}\b)[a-z]{{3,}}ed\b"
)


def _signals(claim: SentenceClaim) -> list[str]:
    """The rule-based signs that a sentence makes a checkable claim."""
    signals = []
    if claim.quantities:
        signals.append("quantity")
    if len(named(claim.entities)) >= MIN_ENTITIES:
        signals.append("entities")
    if claim.claim_type in CONCRETE_TYPES or (
        claim.claim_type == "event" and _PAST_OR_PERFECT.search(claim.text)
    ):
        signals.append(claim.claim_type)
    return signals


def _is_sentence(claim: SentenceClaim) -> bool:
    """A body sentence (page furniture has no claim type)."""
    return claim.claim_type is not None


def extract(text: str, *, threshold: float, scorer=None) -> list[SentenceClaim]:
    """Every sentence of ``text`` with offsets, analysis, score and reasons."""
    _check_threshold(threshold)
    if not isinstance(text, str):
        raise InputError(f"article text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError("the article text is empty: there is nothing to extract claims from")
    claims = analyse(text)
    _score(claims, threshold, scorer)
    return claims


def score_sentences(texts: Sequence[str], *, threshold: float, scorer=None) -> list[SentenceClaim]:
    """Score stand-alone sentences (one per item), each analysed on its own."""
    _check_threshold(threshold)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
    if bad:
        raise InputError(f"sentence {bad[0] + 1} is empty or not text: give one sentence per line")
    claims = [_analysed_alone(index, text) for index, text in enumerate(texts)]
    _score(claims, threshold, scorer)
    return claims


def analyse(text: str) -> list[SentenceClaim]:
    """The rule-based part: segments, quantities, entities, speakers and types (score 0)."""
    segments = segment(text)
    body = [s for s in segments if not s.is_junk]
    sentences = [s.text for s in body]
    vocabulary = Vocabulary.from_sentences(sentences)
    entities = [find_entities(s, vocabulary) for s in sentences]
    vocabulary.learn_people(entities)
    relabel_people(entities, vocabulary)
    attributions = iter(attribute(sentences, entities, vocabulary))
    entity_lists = iter(entities)
    claims = []
    for index, seg in enumerate(segments):
        if seg.is_junk:
            claims.append(_junk(index, seg))
        else:
            claims.append(_analysed(index, seg, next(entity_lists), next(attributions)))
    _add_context(claims)
    return claims


def _analysed(
    index: int, seg: Segment, entities: list[dict], attribution: Attribution
) -> SentenceClaim:
    quantities = find_quantities(seg.text)
    claim_type = claim_types.classify(
        seg.text,
        has_quantity=bool(quantities),
        quoted_share=attribution.quoted_share,
        speaker=attribution.speaker,
    )
    return SentenceClaim(
        sentence_index=index,
        text=seg.text,
        start=seg.start,
        end=seg.end,
        score=0.0,
        speaker=attribution.speaker,
        attribution=attribution.cue,
        quantities=quantities,
        entities=entities,
        claim_type=claim_type,
    )


def _analysed_alone(index: int, text: str) -> SentenceClaim:
    stripped = text.strip()
    offset = text.find(stripped)
    kind = classify_line(stripped, allow_heading=False)
    seg = Segment(offset, offset + len(stripped), stripped, kind or "sentence")
    if seg.is_junk:
        return _junk(index, seg)
    vocabulary = Vocabulary.from_sentences([stripped])
    entities = find_entities(stripped, vocabulary)
    vocabulary.learn_people([entities])
    attribution = attribute([stripped], [entities], vocabulary)[0]
    return _analysed(index, seg, entities, attribution)


def _junk(index: int, seg: Segment) -> SentenceClaim:
    return SentenceClaim(
        sentence_index=index,
        text=seg.text,
        start=seg.start,
        end=seg.end,
        score=0.0,
        reasons=[seg.kind],
        check_worthy=False,
    )


def _add_context(claims: list[SentenceClaim]) -> None:
    """Each sentence's context: the sentence before it and the one after (furniture skipped)."""
    body = [c for c in claims if _is_sentence(c)]
    for position, claim in enumerate(body):
        before = body[position - 1].text if position > 0 else ""
        after = body[position + 1].text if position + 1 < len(body) else ""
        claim.context = " … ".join(part for part in (before, after) if part)


def _score(claims: list[SentenceClaim], threshold: float, scorer) -> None:
    """Model scores in one batch, combined with the rules; furniture keeps 0."""
    candidates = [c for c in claims if _is_sentence(c)]
    model_scores = _model_scores([c.text for c in candidates], scorer)
    for claim, model_score in zip(candidates, model_scores):
        signals = _signals(claim)
        evidence = RULE_EVIDENCE[len(signals)]
        claim.score = round(max(model_score, evidence), 4)
        claim.reasons = _reasons(claim, model_score, evidence, signals)
    for claim in claims:
        claim.check_worthy = _is_sentence(claim) and claim.score >= threshold


def _model_scores(texts: list[str], scorer) -> list[float]:
    if not texts:
        return []
    scores = np.asarray((scorer or _default_scorer()).score(texts), dtype=float).reshape(-1)
    if scores.shape[0] != len(texts) or not np.all(np.isfinite(scores)):
        raise ModelError(
            f"the check-worthiness scorer returned {scores.shape[0]} usable scores for "
            f"{len(texts)} sentences; check FACTCHECK_MODEL or reinstall the scorer's model"
        )
    return np.clip(scores, 0.0, 1.0).tolist()


@lru_cache(maxsize=1)
def _default_scorer():
    from factcheck.extract.checkworthiness import load_scorer

    return load_scorer()


def _reasons(
    claim: SentenceClaim, model_score: float, evidence: float, signals: list[str]
) -> list[str]:
    reasons = [f"model score {model_score:.2f}"]
    if evidence > model_score and signals:
        reasons.append(f"rules raise it to {evidence:.2f}: {', '.join(signals)}")
    elif evidence > model_score:
        reasons.append(f"raised to {evidence:.2f}, the floor for a body sentence")
    if claim.quantities:
        shown = [_quantity_label(q) for q in claim.quantities[:MAX_REASON_ITEMS]]
        reasons.append("quantity: " + "; ".join(shown))
    if claim.speaker:
        reasons.append(f"attributed to: {claim.speaker} ({claim.attribution})")
    names = named(claim.entities)
    if names:
        reasons.append("entities: " + ", ".join(names[:MAX_REASON_ITEMS]))
    reasons.append(f"claim type: {claim.claim_type}")
    return reasons


def _quantity_label(quantity: dict) -> str:
    text = (
        f"{quantity['qualifier']} {quantity['text']}" if quantity["qualifier"] else quantity["text"]
    )
    counted = quantity["counts"]
    return f"{text} ({counted})" if counted and counted not in quantity["text"] else text


def _check_threshold(threshold) -> None:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not 0 <= threshold <= 1
    ):
        raise ConfigError(f"threshold must be a number between 0 and 1, got {threshold!r}")
