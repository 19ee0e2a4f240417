"""Text helpers shared across the stages: cleaning, leads, the one sentence splitter, the one
date parser, the one Markdown escape, names and tokens.

Pure functions over strings; no models and no I/O. Nothing heavy is imported at import time
(syntok and dateutil are imported by the functions that need them).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import Literal

_URL = re.compile(r"(https?://\S+|www\.\S+|pic\.twitter\.com/\S+)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH_RE = "|".join([*_MONTHS, "sept", *(m[:3] for m in _MONTHS)])
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_DATE_MDY = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})\b", re.IGNORECASE
)
_DATE_DMY = re.compile(
    rf"\b(\d{{1,2}}){_ORDINAL}\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TITLES = {"mr", "mrs", "ms", "dr", "president", "senator", "sen", "gov", "rep", "vice"}

LEAD_CHARS = 500


def is_question(text: str) -> bool:
    """Whether ``text`` ends in a question mark (closing quotes and brackets aside)."""
    return text.rstrip(_QUESTION_TAIL).endswith("?")


_QUESTION_TAIL = " \t\n\"'”’)]"


def clean_text(text: str | None) -> str:
    """Drop links (tweets, posts) and collapse whitespace."""
    return _SPACE.sub(" ", _URL.sub(" ", text or "")).strip()


def lead_snippet(text: str | None, limit: int = LEAD_CHARS) -> str:
    """The start of an article, at most ``limit`` characters, cut after a sentence if one ends."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] > limit // 3:
        return head[: ends[-1]].strip()
    return head.rsplit(" ", 1)[0]


def with_context(text: str, context: str | None) -> str:
    """The claim preceded by its context (neighbouring sentences), cleaned."""
    return clean_text(f"{context} {text}" if context else text)


# ---------------------------------------------------------------- sentences

Breaks = Literal["line", "paragraph"]
"""Where a sentence always ends besides its punctuation: at every line end, or at a blank line."""

_BREAK = {"line": re.compile(r"\n"), "paragraph": re.compile(r"\n[ \t]*\n")}
_BOUNDARY = re.compile(r"[.!?…][\"”’')\]]*\s+")
_SENTENCE_START = re.compile(r"[\"“‘'(\[]?[A-Z]")
_LAST_WORD = re.compile(r"[A-Za-z]+(?=[\"”’')\]]*$)")


def split_sentences(
    text: str, start: int = 0, end: int | None = None, *, breaks: Breaks | None = None
) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:end]``: the project's one splitter.

    Spans are trimmed of white space and empty ones dropped, so ``text[s:e]`` is the sentence.
    Where every candidate boundary is plain (a full stop after an ordinary lower-case word,
    then a capital) the text is cut there; anything else (abbreviations, initials, numbers)
    goes to syntok, which copes with quotes and abbreviations (U.S., Gen., Dr.). The fast path
    gives syntok's answer on plain text at a fraction of its cost.

    ``breaks``: None (the default) reads a newline as a space, for hard-wrapped body text;
    ``"line"`` ends a sentence at every line end; ``"paragraph"`` at every blank line.
    """
    end = len(text) if end is None else end
    if breaks is None:
        return _split(text, start, end)
    spans: list[tuple[int, int]] = []
    for found in _BREAK[breaks].finditer(text, start, end):
        spans += _split(text, start, found.start())
        start = found.end()
    return spans + _split(text, start, end)


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    start, end = trimmed_span(text, start, end)
    if start == end:
        return []
    chunk = text[start:end]
    candidates = list(_BOUNDARY.finditer(chunk))
    if not candidates:
        return [(start, end)]
    if all(_plain_boundary(chunk, m) for m in candidates):
        starts = [start] + [start + m.end() for m in candidates if _starts_sentence(chunk, m.end())]
    else:
        starts = _syntok_starts(chunk, start)
    bounds = starts[1:] + [end]
    spans = [trimmed_span(text, s, e) for s, e in zip(starts, bounds)]
    return [(s, e) for s, e in spans if s < e]


def _plain_boundary(chunk: str, match: re.Match) -> bool:
    """A boundary no sentence splitter would doubt (a full stop after an ordinary word, then a
    capital), or one that is plainly no boundary (a lower-case word follows)."""
    if not _starts_sentence(chunk, match.end()):
        return chunk[match.end() : match.end() + 1].islower()
    if chunk[match.start()] in "!?…":
        return True
    found = _LAST_WORD.search(chunk, max(0, match.start() - 40), match.start())
    if found is None:
        return False
    word = found.group(0)
    if len(word) < 2 or word in _not_endings() or (word.isupper() and len(word) < 4):
        return False
    return chunk[found.start() - 1 : found.start()] not in (".", "-")


def _starts_sentence(chunk: str, position: int) -> bool:
    return bool(_SENTENCE_START.match(chunk, position))


@cache
def _not_endings() -> frozenset[str]:
    """syntok's own lists of words that end with a full stop without ending a sentence."""
    try:
        from syntok._segmentation_states import State
    except ImportError:  # a later syntok: every doubtful case goes to syntok
        return frozenset()
    try:
        return frozenset(State.abbreviations | State.months)
    except AttributeError:
        return frozenset()


def _syntok_starts(chunk: str, offset: int) -> list[int]:
    import syntok.segmenter

    starts = [
        offset + sentence[0].offset
        for paragraph in syntok.segmenter.analyze(chunk)
        for sentence in paragraph
        if sentence
    ]
    starts[:1] = [offset]
    return starts


# ---------------------------------------------------------------- dates


def parse_date(value: str | date | None) -> date | None:
    """The first whole date in ``value``, else None: the project's one date parser.

    Reads ISO dates ('2019-10-22', '20191022', '2021-07-20T09:00:00Z'), named ones anywhere in
    a text ('stated on October 22, 2019 in a mailer', '6 March 2021', 'May 8th, 2018', '22 oct
    2019'), and, when none is found, the whole value as dateutil reads it ('07/20/2021'). A
    date missing its day or month ('May 2015', '2015') is no date. A ``date`` is returned as is
    (a ``datetime`` as its date).
    """
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    value = str(value)
    for pattern, order in ((_DATE_ISO, "ymd"), (_DATE_MDY, "mdy"), (_DATE_DMY, "dmy")):
        match = pattern.search(value)
        if match:
            parts = dict(zip(order, match.groups()))
            try:
                return date(int(parts["y"]), _month(parts["m"]), int(parts["d"]))
            except ValueError:
                continue
    return _whole_date(value.strip())


def iso_date(value: str | date | None) -> str | None:
    """:func:`parse_date` as ``YYYY-MM-DD`` text (how dates are stored), else None."""
    found = parse_date(value)
    return found.isoformat() if found else None


def _whole_date(value: str) -> date | None:
    """``value`` read by dateutil when it names one whole date; else None."""
    if not value:
        return None
    from dateutil import parser as dateparser

    try:  # read twice with different defaults: a date missing its day or month is no date
        one = dateparser.parse(value, default=datetime(2000, 1, 1)).date()
        two = dateparser.parse(value, default=datetime(2001, 2, 2)).date()
    except (ValueError, OverflowError, TypeError, dateparser.ParserError):
        return None
    return one if one == two else None


def _month(value: str) -> int:
    if value.isdigit():
        return int(value)
    return [m[:3] for m in _MONTHS].index(value[:3].lower()) + 1


# ---------------------------------------------------------------- names and tokens


def name_tokens(name: str | None) -> set[str]:
    """Lower-case name parts without honorifics: 'MR. ROMNEY' -> {'romney'}."""
    parts = set(_TOKEN.findall((name or "").lower()))
    return {p for p in parts if p not in _TITLES and len(p) > 1}


def speaker_match(query_speaker: str | None, doc_speaker: str | None) -> float | None:
    """1.0 when the last names agree, 0.0 when both are known and differ, None if unknown."""
    q, d = name_tokens(query_speaker), name_tokens(doc_speaker)
    if not q or not d:
        return None
    return 1.0 if q & d else 0.0


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (for lexical overlap features)."""
    return _TOKEN.findall(text.lower())


def numbers(text: str) -> set[str]:
    """Numbers as written, without thousands separators: '4,300' -> '4300'."""
    return {n.replace(",", "") for n in _NUMBER.findall(text or "")}


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'@%/])")
_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# GFM turns bare URLs, www. names and e-mail addresses into links even when escaped: a word
# joiner (U+2060, invisible) after the scheme, "www" or before "@" stops that.
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto)(?=:)|\bwww(?=\.)")


def escape_markdown(text, *, one_line: bool = False, break_links: bool = True) -> str:
    """``text`` with every Markdown/HTML special character backslash-escaped: the project's one
    escape for untrusted text going into Markdown (the app's pages, the Markdown export). No
    links, images, HTML, colour directives, emoji shortcodes or maths survive.

    ``break_links`` also puts an invisible word joiner into bare URLs, www. names and e-mail
    addresses, which GFM would turn into links even when escaped. Line breaks are kept as
    Markdown hard breaks, or with ``one_line`` folded with the white space around them into
    one space. None is the empty string.
    """
    if text is None:
        return ""
    text = str(text)
    if one_line:
        text = _LINE_BREAKS.sub(" ", text).strip()
    else:
        text = text.replace("\r", "")
    if break_links:
        text = text.replace("@", "\u2060@")
        text = _AUTOLINK.sub(lambda found: found.group(0) + "\u2060", text)
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    if one_line:
        return escaped
    lines = "\n".join(line.lstrip() for line in escaped.split("\n"))
    return _LONE_NEWLINE.sub("  \n", lines)


# ---------------------------------------------------------------- JSON inside HTML

_HTML_UNSAFE_JSON = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def html_safe_json(text: str) -> str:
    """JSON text (as :func:`json.dumps` writes it) that is safe to paste into an HTML
    ``<script>`` element: ``<``, ``>``, ``&``, U+2028 and U+2029 -- which JSON syntax only allows
    inside strings -- written as ``\\u`` escapes, so no ``</script>`` or ``<!--`` ends the
    element early and line separators do not break older JavaScript parsers. ``json.loads``
    reads back exactly the same data."""
    return text.translate(_HTML_UNSAFE_JSON)


def http_url(value, what: str = "url") -> str:
    """``value`` stripped, when it is an http:// or https:// address with a host
    (:class:`~factcheck.errors.InputError` naming ``what`` otherwise)."""
    from urllib.parse import urlparse

    from factcheck.errors import InputError

    text = str(value or "").strip()
    parsed = urlparse(text)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        raise InputError(f"{what} must start with http:// or https://, got {text[:200]!r}")
    return text
