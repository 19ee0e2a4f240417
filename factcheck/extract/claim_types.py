"""The kind of claim a sentence makes (one of types.CLAIM_TYPES), by cue words.

First match wins: a figure makes a statistic; mostly quoted words with a speaker, a quote;
then opinion, prediction, causal and comparison cues; anything else is an event.
"""

from __future__ import annotations

import re

from factcheck.text import is_question

QUOTE_SHARE = 0.3

# Cue words (matched as whole words) and cue phrases (matched inside the lower-cased text).
_CUES = (
    (
        "opinion",
        "should must best worst terrible wonderful disgrace disgraceful shameful ridiculous "
        "unacceptable outrageous deserve deserves frankly obviously clearly",
        (
            "ought to",
            "i think",
            "i believe",
            "we believe",
            "in my view",
            "in my opinion",
            "i hope",
            "we hope",
        ),
    ),
    (
        "prediction",
        "will won't won’t would shall vow vows vowed promise promised promises pledge pledged "
        "forecast forecasts predicts seeking",
        (
            "going to",
            "plan to",
            "plans to",
            "planning to",
            "expect to",
            "expects to",
            "expected to",
            "intend to",
            "intends to",
            "projected to",
            "set to",
            "poised to",
            "aim to",
            "aims to",
            "seek to",
            "seeks to",
            "next week",
            "next month",
            "next year",
            "as soon as",
        ),
    ),
    (
        "causal",
        "because caused causes causing forced forcing blamed triggered sparked",
        (
            "due to",
            "led to",
            "leads to",
            "leading to",
            "as a result",
            "result in",
            "resulted in",
            "results in",
            "thanks to",
            "responsible for",
        ),
    ),
    (
        "comparison",
        "than largest biggest highest lowest smallest fastest slowest record twice double "
        "doubled tripled increase increased decrease decreased rose fell grew declined more "
        "fewer less",
        ("compared with", "compared to", "first time", "half as"),
    ),
)
_RULES = tuple(
    (name, frozenset(words.split()), re.compile(" (?:" + "|".join(phrases) + ") "))
    for name, words, phrases in _CUES
)
_WORDS = re.compile(r"[a-z][a-z’']*")


def classify(sentence: str, *, has_quantity: bool, quoted_share: float, speaker: str | None) -> str:
    """The claim type of ``sentence``; ``quoted_share`` is the part of it inside quotation marks."""
    if has_quantity:
        return "statistic"
    if speaker and quoted_share >= QUOTE_SHARE:
        return "quote"
    lowered = sentence.lower()
    if is_question(lowered):
        return "opinion"
    word_list = _WORDS.findall(lowered)
    words, joined = set(word_list), f" {' '.join(word_list)} "
    for name, cue_words, cue_phrases in _RULES:
        if not words.isdisjoint(cue_words) or cue_phrases.search(joined):
            return name
    return "event"
