"""Article text -> sentences with exact character offsets, and page furniture marked as such.

Lines are grouped into blocks (hard-wrapped lines are joined back), each block is classified
(navigation, byline, dateline, heading, or body) and body blocks are split into sentences by
the project's one splitter, :func:`factcheck.text.split_sentences` (syntok where in doubt,
which copes with quotes and abbreviations: U.S., Gen., Dr.). Every segment satisfies
``text[segment.start:segment.end] == segment.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.text import split_sentences, trimmed_span

BODY = "sentence"
JUNK_KINDS = ("navigation", "byline", "dateline", "heading")

HEADING_MAX_WORDS = 20
WRAPPED_LINE_MIN_CHARS = 60

_LINE = re.compile(r"[^\n]+")
_END_PUNCT = re.compile(r"[.!?…:;\"”’')\]]$")
_WORD = re.compile(r"\S+")
_BULLET = re.compile(r"(?:[-–—•*·▪►]|\d{1,2}[.)])\s")  # used with .match
_NAV_PHRASE = re.compile(
    r"^(?:back to top(?: button)?|skip to (?:main )?content|read more|related (?:articles|stories|posts|news)"
    r"|advertisement|share (?:this|on)\b.*|subscribe\b.*|sign up\b.*|follow us\b.*|all rights reserved.*"
    r"|©.*|copyright\b.*|cookies?\b.*|click here\b.*|menu|home|print|email|comments?|leave a comment"
    r"|you may also like|most (?:read|popular|viewed)|tags?:.*|loading\W*|show more|see also)\W*$",
    re.IGNORECASE,
)
_GLUED = re.compile(r"[a-z]{2,}[A-Z][a-z]")
_SEPARATORS = re.compile(r"\s[|›»•·/]\s")
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by|story by)\s+[A-Z]", re.IGNORECASE)
_DATE_WORD = re.compile(
    r"^(?:\d[\d:.,/-]*|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?"
    r"|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|am|pm|a\.m\.|p\.m\."
    r"|gmt|utc|bst|est|edt|et|pt|cet|published|updated|posted|last|on|at|ago|hours?|minutes?"
    r"|days?|\||-|—)[,.:]?$",
    re.IGNORECASE,
)
_DATELINE_PREFIX = re.compile(
    r"^[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}"  # KABUL / NEW YORK
    r"(?:,\s*[A-Z][a-z]+\.?(?: \d{1,2})?(?:,? \d{4})?)?"  # , July 7 / , January 2024
    r"\s*(?:\([A-Za-z .]+\))?"  # (Reuters)
    r"\s*[-—–]{1,2}\s+(?=[A-Z\"“])"
)


@dataclass(frozen=True)
class Segment:
    """A span of the article: a sentence (``kind == "sentence"``) or page furniture."""

    start: int
    end: int
    text: str
    kind: str = BODY

    @property
    def is_junk(self) -> bool:
        return self.kind != BODY


def segment(text: str) -> list[Segment]:
    """All sentences and furniture of ``text``, in order, with exact offsets."""
    segments: list[Segment] = []
    for start, end in _blocks(text):
        segments.extend(_segment_block(text, start, end))
    return segments


def classify_line(line: str, *, allow_heading: bool = True) -> str | None:
    """The furniture kind of one stand-alone line, or None when it is body text."""
    if _NAV_PHRASE.match(line) or _is_glued_menu(line) or _is_separator_list(line):
        return "navigation"
    words = _WORD.findall(line)
    if _BYLINE.match(line) and len(words) <= 12 and not _END_PUNCT.search(line):
        return "byline"
    if _is_date_line(words):
        return "dateline"
    if allow_heading and _is_heading(line, words):
        return "heading"
    return None


def _blocks(text: str):
    """(start, end) of each block: a line, or hard-wrapped lines joined back together."""
    block: list[int] | None = None
    previous_end = -1
    for match in _LINE.finditer(text):
        start, end = trimmed_span(text, match.start(), match.end())
        if start == end:
            continue
        if block and _continues(text, block, previous_end, start):
            block[1] = end
        else:
            if block:
                yield tuple(block)
            block = [start, end]
        previous_end = end
    if block:
        yield tuple(block)


def _continues(text: str, block: list[int], previous_end: int, start: int) -> bool:
    """Whether the line at ``start`` carries on the block (a wrapped line, not a new one)."""
    if "\n" in text[previous_end:start].replace("\n", "", 1):
        return False  # a blank line in between
    previous = text[block[0] : previous_end]
    if _END_PUNCT.search(previous) or _BULLET.match(text, start):
        return False
    first = text[start]
    if first.islower() or first in ",;)":
        return True
    last_line = previous.rsplit("\n", 1)[-1]
    last_word = last_line.rsplit(None, 1)[-1]
    return len(last_line) >= WRAPPED_LINE_MIN_CHARS and last_word[:1].islower()


def _segment_block(text: str, start: int, end: int) -> list[Segment]:
    block = text[start:end]
    if "\n" not in block:
        kind = classify_line(block)
        if kind:
            return [Segment(start, end, block, kind)]
    segments = []
    prefix = _DATELINE_PREFIX.match(block)
    if prefix:
        head_end = start + len(prefix.group(0).rstrip(" -—–"))
        segments.append(Segment(start, head_end, text[start:head_end], "dateline"))
        start = start + prefix.end()
    segments.extend(Segment(s, e, text[s:e]) for s, e in split_sentences(text, start, end))
    return segments


def _is_glued_menu(line: str) -> bool:
    """Category names run together ("AfghanistanAsia-PacificNorth America")."""
    return not _END_PUNCT.search(line) and len(line.split()) <= 12 and bool(_GLUED.search(line))


def _is_separator_list(line: str) -> bool:
    """A breadcrumb or menu ("Home | World | Asia")."""
    return len(_SEPARATORS.findall(line)) >= 2 and not _END_PUNCT.search(line)


def _is_date_line(words: list[str]) -> bool:
    if not words or len(words) > 10:
        return False
    dated = sum(1 for w in words if _DATE_WORD.match(w))
    return dated == len(words) and any(ch.isdigit() for w in words for ch in w)


def _is_heading(line: str, words: list[str]) -> bool:
    """A short stand-alone line without closing punctuation, such as a title or subheading."""
    if (_END_PUNCT.search(line) and not line.endswith(":")) or _BULLET.match(line):
        return False
    if not words or len(words) > HEADING_MAX_WORDS:
        return False
    return not line[0].islower()
