"""Article text -> every sentence analysed and scored for check-worthiness.

``extract(text, threshold=0.5)`` segments the text (segment.py), finds each sentence's
quantities, entities, speaker and claim type, and scores it: the learned model's score
(checkworthiness.load_scorer, one batch per article), combined on the log-odds scale with
what a transcript says (fitted by research/fit_claim_scores.py): a transcript sentence's
log-odds come from the learned debate combination of :mod:`debate_scores` (the model's
log-odds, the speaker's role and questions, the sentence's form and embedding; monotone in
the model's score) at the debate operating point, and a transcript flags at most its
workload share of its sentences (the ``transcript_workload`` setting). Plain text keeps the
model's score, so its ranking is the model's; the rule signals (quantities, entities, claim type) only give
reasons: on held-out ClaimBuster sentences they add nothing to the model's ranking. Headings,
bylines, datelines and navigation stay in the list with score 0 and are never check-worthy,
so a reviewer sees everything; for sentences, ``check_worthy = score >= threshold``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from factcheck.errors import ConfigError, InputError, ModelError
from factcheck.extract import claim_types, debate_scores
from factcheck.extract.attribution import SPEECH_VERBS, Attribution, attribute
from factcheck.extract.entities import Vocabulary, find_entities, named, relabel_people
from factcheck.extract.quantities import find_quantities
from factcheck.extract.segment import Segment, classify_line, segment
from factcheck.text import is_question
from factcheck.types import SentenceClaim

MAX_LOG_ODDS = 27.0  # model scores are clipped to this many log-odds either side (1e-12)
# Stated limits that keep extraction within seconds on any input (bench/ingest_worst_cases.py):
MAX_SENTENCES = 5_000  # an article or transcript with more is refused at once: split it
MAX_PARSED_CHARS = 2_000  # a longer sentence is stored and scored, not parsed for figures etc.
MAX_SCORED_CHARS = 4_000  # the scorer reads ~256 tokens; longer text is cut before tokenising
TRANSCRIPT_MAX_SHARE = 0.4  # the default workload (setting transcript_workload): share flagged
TRANSCRIPT_MIN_CAP = 10  # ... but a transcript may always flag this many
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
    _score(claims, threshold, scorer, TRANSCRIPT_MAX_SHARE)
    return claims


def score_sentences(texts: Sequence[str], *, threshold: float, scorer=None) -> list[SentenceClaim]:
    """Score stand-alone sentences (one per item), each analysed on its own."""
    _check_threshold(threshold)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
    if bad:
        raise InputError(f"sentence {bad[0] + 1} is empty or not text: give one sentence per line")
    claims = [_analysed_alone(index, text) for index, text in enumerate(texts)]
    _score(claims, threshold, scorer, TRANSCRIPT_MAX_SHARE)
    return claims


def analyse(text: str) -> list[SentenceClaim]:
    """The rule-based part: segments, quantities, entities, speakers and types (score 0)."""
    claims = analyse_segments(segment(text))
    _add_context(claims)
    return claims


def score_claims(
    claims: list[SentenceClaim],
    *,
    threshold: float,
    scorer=None,
    workload: float = TRANSCRIPT_MAX_SHARE,
) -> None:
    """Score analysed sentences in place, as :func:`extract` does (furniture keeps 0); a
    transcript's sentences (those with a turn) flag at most ``workload`` of them."""
    _check_threshold(threshold)
    if not 0.0 < workload <= 1.0:
        raise ConfigError(f"the transcript workload must be over 0 and at most 1, not {workload}")
    _score(claims, threshold, scorer, workload)


def analyse_segments(segments: Sequence[Segment]) -> list[SentenceClaim]:
    """:func:`analyse` over segments already cut (offsets into one text); no context set."""
    if len(segments) > MAX_SENTENCES:
        raise InputError(
            f"the text has {len(segments):,} sentences and lines; at most {MAX_SENTENCES:,} are "
            "read as one article or transcript: split it into parts and ingest each"
        )
    body = [s for s in segments if not s.is_junk]
    # a sentence over MAX_PARSED_CHARS is not read for names or speaker (see _analysed)
    sentences = [s.text if len(s.text) <= MAX_PARSED_CHARS else "" for s in body]
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
    return claims


def _analysed(
    index: int, seg: Segment, entities: list[dict], attribution: Attribution
) -> SentenceClaim:
    long = len(seg.text) > MAX_PARSED_CHARS
    quantities = [] if long else find_quantities(seg.text)
    claim_type = claim_types.classify(
        seg.text[:MAX_PARSED_CHARS],
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


def _score(claims: list[SentenceClaim], threshold: float, scorer, workload: float) -> None:
    """Model scores in one batch, combined with what the transcript says; furniture keeps 0."""
    candidates = [c for c in claims if _is_sentence(c)]
    model_scores = _model_scores([c.text[:MAX_SCORED_CHARS] for c in candidates], scorer)
    spoken = [i for i, c in enumerate(candidates) if c.turn is not None]
    moves = dict(
        zip(
            spoken,
            debate_scores.adjustments(
                [candidates[i] for i in spoken],
                log_odds(np.array([model_scores[i] for i in spoken], dtype=float)),
                scorer,
            ),
        )
    )
    for index, (claim, model_score) in enumerate(zip(candidates, model_scores)):
        adjustments = moves.get(index, [])
        combined = float(log_odds(model_score)) + sum(delta for _, delta in adjustments)
        claim.score = round(1.0 / (1.0 + math.exp(-combined)), 10)
        claim.reasons = _reasons(claim, model_score, adjustments, _signals(claim))
    for claim in claims:
        claim.check_worthy = _is_sentence(claim) and claim.score >= threshold
    debate_scores.store_inferred_roles([candidates[i] for i in spoken])
    _cap_transcript_workload([candidates[i] for i in spoken], workload)


def _cap_transcript_workload(spoken: list[SentenceClaim], workload: float) -> None:
    """A transcript flags at most ``workload`` of its sentences (but never fewer than
    :data:`TRANSCRIPT_MIN_CAP`, so a short exchange keeps its claims): those over the
    threshold beyond that share, lowest scores first, are not claims (their reasons say so).
    The learned score alone flagged up to 93% of a single-speaker speech."""
    flagged = sorted(
        (c for c in spoken if c.check_worthy), key=lambda c: (-c.score, c.sentence_index)
    )
    cap = max(math.ceil(workload * len(spoken)), TRANSCRIPT_MIN_CAP)
    for place, claim in enumerate(flagged[cap:], start=cap + 1):
        claim.check_worthy = False
        claim.reasons.append(
            f"over the transcript's workload cap: ranked {place} of {len(spoken)} sentences; "
            f"at most {workload:.0%} of a transcript's sentences are claims (transcript workload)"
        )


def log_odds(probability):
    """The model's score on the log-odds scale, clipped to +-MAX_LOG_ODDS."""
    p = np.clip(
        probability, 1.0 / (1.0 + math.exp(MAX_LOG_ODDS)), 1.0 / (1.0 + math.exp(-MAX_LOG_ODDS))
    )
    return np.log(p / (1.0 - p))


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
    claim: SentenceClaim,
    model_score: float,
    adjustments: list[tuple[str, float]],
    signals: list[str],
) -> list[str]:
    reasons = [f"model score {model_score:.2f}"]
    if len(claim.text) > MAX_PARSED_CHARS:
        reasons.append(
            f"long sentence ({len(claim.text):,} characters, over {MAX_PARSED_CHARS:,}): not "
            "read for figures, names or speaker"
        )
    for label, delta in adjustments:
        verb = "raised" if delta > 0 else "lowered"
        reasons.append(f"{label}: {verb} by {abs(delta):.1f} log-odds")
    if adjustments:
        reasons.append(f"score {claim.score:.2f}")
    if is_question(claim.text):
        reasons.append("question: scored by the model as it reads (no rule changes it)")
    if signals:
        reasons.append("claim signals: " + ", ".join(signals) + " (shown, not added to the score)")
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
