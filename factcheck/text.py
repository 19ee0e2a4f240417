"""Text preparation shared by the retrieval methods: cleaning, leads, dates, names, tokens.

Pure functions over strings; no models and no I/O.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_URL = re.compile(r"(https?://\S+|www\.\S+|pic\.twitter\.com/\S+)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH_RE = "|".join(m for m in _MONTHS) + "|" + "|".join(m[:3] for m in _MONTHS)
_DATE_MDY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b(\d{4})-?(\d{2})-?(\d{2})\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TITLES = {"mr", "mrs", "ms", "dr", "president", "senator", "sen", "gov", "rep", "vice"}

LEAD_CHARS = 500


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


def parse_date(value: str | date | None) -> date | None:
    """The first date in ``value``: ISO, 'October 22, 2019', '6 March 2021'; else None."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    for pattern, order in ((_DATE_ISO, "ymd"), (_DATE_MDY, "mdy"), (_DATE_DMY, "dmy")):
        match = pattern.search(value)
        if match:
            parts = dict(zip(order, match.groups()))
            try:
                return date(int(parts["y"]), _month(parts["m"]), int(parts["d"]))
            except ValueError:
                continue
    return None


def _month(value: str) -> int:
    if value.isdigit():
        return int(value)
    return [m[:3] for m in _MONTHS].index(value[:3].lower()) + 1


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
