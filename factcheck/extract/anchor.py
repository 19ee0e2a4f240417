"""Re-anchoring: find where a piece of text (a model's "quote") sits in an article.

Three steps, strictest first: an exact match; a match after folding whitespace, case, curly
quotes, dashes and Unicode compatibility forms; a fuzzy match (:mod:`difflib`, similarity of
at least :data:`FUZZY_THRESHOLD`, the same figures) against a sentence, a part of one, or two
adjacent sentences of the article. A hit is always a span of the article, never the model's
wording.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from factcheck.text import split_sentences

FUZZY_THRESHOLD = 0.9
MIN_CHARS = 8  # shorter text matches too much to anchor anything
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_WRAPPERS = " \t\n\"'\u2018\u2019\u201c\u201d\u00ab\u00bb"


@dataclass(frozen=True)
class Anchor:
    """A span ``[start, end)`` of the article and how it was found."""

    start: int
    end: int
    method: str  # "exact", "normalised" or "fuzzy"
    similarity: float = 1.0


class ArticleText:
    """An article prepared once for locating many quotes in it."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each sentence; a line end always ends one."""
        return split_sentences(self.text, breaks="line")

    @cached_property
    def folded(self) -> tuple[str, list[int]]:
        return fold(self.text)

    @cached_property
    def candidates(self) -> list[tuple[int, str, list[int]]]:
        """Single sentences and adjacent pairs: start, folded text, index map (fuzzy matching)."""
        spans = self.sentences + [(a[0], b[1]) for a, b in zip(self.sentences, self.sentences[1:])]
        return [(start, *fold(self.text[start:end])) for start, end in spans]

    def locate(self, needle: str) -> Anchor | None:
        """The span of the article that ``needle`` quotes, or None when it is not there."""
        variants = _variants(needle)
        for variant in variants:
            start = self.text.find(variant)
            if start >= 0:
                return Anchor(start, start + len(variant), "exact")
        folded, index = self.folded
        for variant in variants:
            target = fold(variant)[0]
            position = folded.find(target)
            if position >= 0:
                return Anchor(index[position], index[position + len(target) - 1] + 1, "normalised")
        return self._fuzzy(variants[0]) if variants else None

    def mentions(self, text: str) -> bool:
        """Whether the article contains ``text`` once both are folded (e.g. a name)."""
        target = fold(text)[0]
        return bool(target) and target in self.folded[0]

    def context(self, start: int, end: int) -> str:
        """The whole sentence(s) that the span ``[start, end)`` touches."""
        touched = [(s, e) for s, e in self.sentences if s < end and e > start]
        if not touched:
            return self.text[start:end]
        return self.text[touched[0][0] : touched[-1][1]]

    def _fuzzy(self, needle: str) -> Anchor | None:
        """The best sentence, adjacent pair or part of a sentence, if similar enough."""
        target = fold(needle)[0]
        words = set(target.split())
        best: Anchor | None = None
        for start, folded, index in self.candidates:
            if len(words & set(folded.split())) < FUZZY_THRESHOLD * len(words) - 2:
                continue  # too few shared words for any alignment to pass
            lo, hi, ratio = _align(target, folded)
            if ratio < FUZZY_THRESHOLD or _numbers(folded[lo:hi]) != _numbers(target):
                continue  # not similar enough, or a figure differs: never anchor a changed figure
            if best is None or ratio > best.similarity:
                best = Anchor(start + index[lo], start + index[hi - 1] + 1, "fuzzy", ratio)
        return self._whole_words(best) if best else None

    def _whole_words(self, hit: Anchor) -> Anchor:
        """``hit`` widened so that it neither starts nor ends inside a word."""
        start, end = hit.start, hit.end
        while start > 0 and self.text[start - 1].isalnum() and self.text[start].isalnum():
            start -= 1
        while end < len(self.text) and self.text[end].isalnum() and self.text[end - 1].isalnum():
            end += 1
        return Anchor(start, end, hit.method, hit.similarity)


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:[.,]\d+)*", text))


def _align(target: str, folded: str) -> tuple[int, int, float]:
    """The part ``[lo, hi)`` of ``folded`` that best matches ``target``, and its similarity."""
    whole = SequenceMatcher(None, target, folded, autojunk=False)
    blocks = [b for b in whole.get_matching_blocks() if b.size]
    if len(folded) <= len(target) or not blocks:
        return 0, len(folded), whole.ratio()
    lo, hi = blocks[0].b, blocks[-1].b + blocks[-1].size
    lo, hi = lo + (folded[lo] == " "), hi - (folded[hi - 1] == " ")
    part = SequenceMatcher(None, target, folded[lo:hi], autojunk=False).ratio()
    return (lo, hi, part) if part > whole.ratio() else (0, len(folded), whole.ratio())


def locate(needle: str, article: str) -> Anchor | None:
    """The span of ``article`` that ``needle`` quotes, or None (see :class:`ArticleText`)."""
    return ArticleText(article).locate(needle)


def fold(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each of its characters, the index it came from in ``text``."""
    chars: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                index.append(i)
            continue
        for piece in unicodedata.normalize("NFKC", char).translate(_FOLD).lower():
            chars.append(piece)
            index.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index


def _variants(needle: str) -> list[str]:
    """The needle as given, unwrapped from quotes, and without its final punctuation."""
    stripped = needle.strip()
    unwrapped = stripped.strip(_WRAPPERS)
    bare = unwrapped.rstrip(".,;:!?").strip(_WRAPPERS)
    unique = dict.fromkeys(v for v in (stripped, unwrapped, bare) if len(v) >= MIN_CHARS)
    return list(unique)
