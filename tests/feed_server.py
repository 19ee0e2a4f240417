"""A local feed server for tests: RSS and Atom feeds with ETag / Last-Modified validators (a
conditional request that still matches gets 304, and is counted), and article pages."""

from __future__ import annotations

from email.utils import formatdate
from xml.sax.saxutils import escape

from local_server import Site, respond

PAGE = (
    "<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{body}</p></article></body></html>"
)


def page(title: str, body: str) -> str:
    return PAGE.format(title=escape(title), body=escape(body))


def rss(title: str, items: list[dict]) -> str:
    """RSS 2.0; each item: title, link, guid, description (any may be missing)."""
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link>"
    ]
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "description"):
            if item.get(key) is not None:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts)


def atom(title: str, entries: list[dict]) -> str:
    """Atom 1.0; each entry: title, link, id, content (HTML; any may be missing)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
        "<updated>2026-12-01T00:00:00Z</updated>"
    ]
    for entry in entries:
        parts.append("<entry>")
        if entry.get("title") is not None:
            parts.append(f"<title>{escape(entry['title'])}</title>")
        if entry.get("link") is not None:
            parts.append(f'<link href="{escape(entry["link"], {chr(34): "&quot;"})}"/>')
        if entry.get("id") is not None:
            parts.append(f"<id>{escape(entry['id'])}</id>")
        if entry.get("content") is not None:
            parts.append(f'<content type="html">{escape(entry["content"])}</content>')
        parts.append("<updated>2026-12-01T00:00:00Z</updated></entry>")
    parts.append("</feed>")
    return "".join(parts)


class FeedSite(Site):
    """A :class:`Site` whose feeds carry validators: ``feed(path, body, etag=..., modified=True)``.
    ``conditional[path]`` counts the requests that sent matching validators (answered 304)."""

    def __init__(self):
        self.validators: dict[str, dict] = {}
        self.conditional: dict[str, int] = {}
        super().__init__()

    def feed(
        self,
        path: str,
        body: str | bytes,
        *,
        etag: str | None = None,
        modified: bool = False,
        content_type: str = "application/rss+xml",
    ) -> str:
        """Serve a feed at ``path`` with an ETag and/or a Last-Modified date; its URL."""
        headers = {}
        if etag:
            headers["ETag"] = etag
        if modified:
            headers["Last-Modified"] = formatdate(1_780_000_000, usegmt=True)
        self.validators[path] = headers
        return self.route(path, body, content_type=content_type, headers=headers)

    def _handler(self):
        site = self
        base = super()._handler()

        class Handler(base):  # type: ignore[valid-type, misc]
            def do_GET(self):  # noqa: N802 - the http.server API
                sent = site.validators.get(self.path, {})
                etag, modified = sent.get("ETag"), sent.get("Last-Modified")
                asked_etag = self.headers.get("If-None-Match")
                asked_date = self.headers.get("If-Modified-Since")
                if (asked_etag or asked_date) and (
                    (not asked_etag or asked_etag == etag)
                    and (not asked_date or asked_date == modified)
                ):
                    site.requests.append(self.path)
                    site.conditional[self.path] = site.conditional.get(self.path, 0) + 1
                    respond(self, 304, dict(sent, **{"Content-Length": "0"}), b"")
                    return
                super().do_GET()

        return Handler
