"""A feed's bytes -> its entries (RSS 0.9x/1.0/2.0 and Atom, through feedparser).

Anything that is not a feed, or a feed too broken to give any entry, is one
:class:`~factcheck.errors.InputError`; feedparser's own failures never escape as anything else.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

import feedparser

from factcheck.errors import InputError
from factcheck.text import http_url

MAX_GUID = 500
"""A longer id is replaced by its hash (the column is a key)."""
MAX_TITLE = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
XML_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "text/xml")
SOFT_PROBLEMS = (
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
    feedparser.NonXMLContentType,
)
"""feedparser's complaints that do not make a feed unreadable."""


@dataclass(frozen=True)
class FeedEntry:
    """One item: its key within the feed (``guid``), its http(s) link if any, its title, and
    its text as HTML (the entry's content, else its summary)."""

    guid: str
    link: str | None
    title: str | None
    html: str | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    version: str
    entries: list[FeedEntry] = field(default_factory=list)


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """The feed in ``data`` (fetched from ``url``: relative links resolve against it).

    Raises :class:`InputError` naming ``url`` when ``data`` is not RSS or Atom, or is a feed
    so malformed that no entry can be read from it.
    """
    headers = {"content-location": url, "content-type": _xml_type(content_type)}
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
        problem = parsed.get("bozo_exception")
        if not parsed.get("version"):
            detail = "" if problem is None or isinstance(problem, SOFT_PROBLEMS) else problem
            raise InputError(f"{url}: not an RSS or Atom feed{_detail(detail)}")
        if parsed.get("bozo") and not parsed.entries and not isinstance(problem, SOFT_PROBLEMS):
            raise InputError(f"{url}: malformed feed{_detail(problem)}")
        entries = [entry for raw in parsed.entries if (entry := _entry(raw)) is not None]
        title = _clean(parsed.feed.get("title"), MAX_TITLE)
        return ParsedFeed(title=title, version=str(parsed.version), entries=entries)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - a parser failure is a feed we cannot read
        raise InputError(f"{url}: unreadable feed{_detail(error)}") from None


def _xml_type(content_type: str | None) -> str:
    """The type feedparser is told: the server's when it is an XML type, else XML (servers
    label feeds text/html or text/plain; the parser then decides)."""
    if content_type and (content_type in XML_TYPES or content_type.endswith("+xml")):
        return content_type
    return "application/xml"


def _detail(problem) -> str:
    if not problem:
        return ""
    text = _clean(str(problem), 200) or type(problem).__name__
    return f" ({text})"


def _clean(value, limit: int) -> str | None:
    """One line of printable text (whitespace folded, control characters dropped), or None."""
    if not isinstance(value, str):
        return None
    text = " ".join(_CONTROL.sub(" ", value).split())
    return text[:limit] or None


def without_nul(text: str) -> str:
    """``text`` without NUL characters (PostgreSQL's text refuses them)."""
    return text.replace("\x00", "")


def _entry(raw) -> FeedEntry | None:
    """An entry's key, link, title and HTML; None for an entry with nothing to read."""
    link = _link(raw.get("link"))
    title = _clean(raw.get("title"), MAX_TITLE)
    html = None
    for content in raw.get("content") or []:
        value = content.get("value") if hasattr(content, "get") else None
        if isinstance(value, str) and without_nul(value).strip():
            html = without_nul(value)
            break
    if html is None:
        summary = raw.get("summary")
        if isinstance(summary, str) and without_nul(summary).strip():
            html = without_nul(summary)
    if link is None and html is None and title is None:
        return None
    guid = _clean(raw.get("id"), 10_000) or link
    if guid is None:
        guid = "sha256:" + _hash(f"{title or ''}\n{html or ''}")
    elif len(guid) > MAX_GUID:
        guid = "sha256:" + _hash(guid)
    return FeedEntry(guid=guid, link=link, title=title, html=html)


def _link(value) -> str | None:
    """An http(s) link, else None (javascript:, mailto:, relative leftovers are dropped)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 2000:
        return None
    if _CONTROL.search(value.strip()):
        return None
    try:
        link = http_url(value)
    except InputError:
        return None
    return None if any(ch.isspace() for ch in link) else link


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
