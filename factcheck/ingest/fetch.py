"""Fetching a URL safely: http(s) only, public addresses only, bounded in time, size and hops.

Redirects are followed by hand so that every hop is checked again. Host names are resolved
and *every* address checked before a request is sent, and again when connecting; loopback,
private, link-local and reserved addresses are refused unless
``settings.allow_private_urls`` is set.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass

import httpcore
import httpx

from factcheck import __version__
from factcheck.config import Settings
from factcheck.errors import FetchError
from factcheck.ingest.limits import too_large_message

ALLOWED_SCHEMES = ("http", "https")
ALLOWED_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
)
REDIRECT_CODES = (301, 302, 303, 307, 308)
HEADERS = {
    "User-Agent": f"factcheck/{__version__} (+https://github.com/factcheck)",
    "Accept": "text/html, application/xhtml+xml, text/markdown, text/plain;q=0.9, */*;q=0.1",
}
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "text/html",  # some servers label their feeds wrongly: the parser decides
    "text/plain",
)
FEED_HEADERS = {
    **HEADERS,
    "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1",
}
PRIVATE_HINT = "pass --allow-private-urls or set FACTCHECK_ALLOW_PRIVATE_URLS=1 to allow it"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    """A fetched page: the final URL, its body, media type and declared charset; the HTTP
    status (304: not modified, with no body) and the validators ETag and Last-Modified."""

    url: str
    data: bytes
    media_type: str | None
    charset: str | None
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None


class HostError(FetchError):
    """A host that cannot be resolved or is not public (the message does not name the URL)."""


def fetch_url(url: str, settings: Settings) -> Fetched:
    """GET ``url`` within the settings' limits; raise :class:`FetchError` on any failure."""
    return _fetch(url, settings, HEADERS, ALLOWED_TYPES)


def fetch_feed(
    url: str, settings: Settings, *, etag: str | None = None, last_modified: str | None = None
) -> Fetched:
    """GET an RSS or Atom feed under the same rules as :func:`fetch_url`, sending the
    validators of the last answer (If-None-Match, If-Modified-Since): a ``Fetched`` with
    status 304 and no body when the feed has not changed."""
    headers = dict(FEED_HEADERS)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return _fetch(url, settings, headers, FEED_TYPES)


def _fetch(url: str, settings: Settings, headers: dict, types: tuple[str, ...]) -> Fetched:
    deadline = time.monotonic() + settings.fetch_timeout
    with httpx.Client(
        transport=_transport(settings),
        timeout=settings.fetch_timeout,
        headers=headers,
        follow_redirects=False,
    ) as client:
        current = url
        for _ in range(settings.max_redirects + 1):
            check_url(current, allow_private=settings.allow_private_urls)
            fetched, location = _get(client, current, settings, deadline, types)
            if fetched is not None:
                return fetched
            assert location is not None  # _get returns a page or the redirect's target
            current = location
    raise FetchError(f"{url}: too many redirects (more than {settings.max_redirects})")


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is not http(s) or whose host is not a public address."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise FetchError(f"{url}: not a valid URL ({error})") from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise FetchError(f"{url}: only http and https URLs are supported")
    if not parsed.host:
        raise FetchError(f"{url}: the URL has no host name")
    if allow_private:
        return
    try:
        public_addresses(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
    except HostError as error:
        raise FetchError(f"{url}: {error}") from None


def public_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address of ``host``; :class:`HostError` if any one of them is not public."""
    addresses = resolve(host, port)
    for address in addresses:
        if is_refused(address):
            what = str(address) if _literal_ip(host) else f"{host} resolves to {address}, which"
            raise HostError(
                f"refused: {what} is a private, loopback or reserved address; {PRIVATE_HINT}"
            )
    return addresses


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` stands for (a literal IP needs no DNS look-up)."""
    literal = _literal_ip(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise HostError(f"cannot resolve host {host} ({error})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def is_refused(address: IPAddress) -> bool:
    """True for loopback, private, link-local, shared, reserved, unspecified and multicast."""
    embedded = [address]
    if isinstance(address, ipaddress.IPv6Address):
        embedded += [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    return any(not a.is_global or a.is_multicast for a in embedded)


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


class _PublicOnlyBackend(httpcore.SyncBackend):
    """Connects only to addresses checked at connection time, so that a host cannot answer
    the check with a public address and the connection with a private one (DNS rebinding)."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error = httpcore.ConnectError(f"no address found for {host}")
        for address in public_addresses(host, port):
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        raise last_error


def _transport(settings: Settings) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    if not settings.allow_private_urls:
        # httpx has no public hook for its connection pool's network backend.
        transport._pool._network_backend = _PublicOnlyBackend()
    return transport


def _get(
    client: httpx.Client,
    url: str,
    settings: Settings,
    deadline: float,
    types: tuple[str, ...] = ALLOWED_TYPES,
) -> tuple[Fetched | None, str | None]:
    """One request: the page, or ``(None, next_url)`` for a redirect."""
    try:
        with client.stream("GET", url) as response:
            if response.status_code in REDIRECT_CODES and "location" in response.headers:
                return None, str(response.url.join(response.headers["location"]))
            etag = response.headers.get("etag")
            last_modified = response.headers.get("last-modified")
            conditional = "if-none-match" in client.headers or "if-modified-since" in client.headers
            if response.status_code == 304 and conditional:
                return Fetched(str(response.url), b"", None, None, 304, etag, last_modified), None
            _check_response(url, response, settings, types)
            data = _read_capped(
                url, response, settings.max_input_bytes, deadline, settings.fetch_timeout
            )
            media_type, charset = _content_type(response)
            return (
                Fetched(
                    str(response.url),
                    data,
                    media_type,
                    charset,
                    response.status_code,
                    etag,
                    last_modified,
                ),
                None,
            )
    except HostError as error:  # raised at connection time by _PublicOnlyBackend
        raise FetchError(f"{url}: {error}") from None
    except httpx.TimeoutException:
        raise FetchError(f"{url}: timed out after {settings.fetch_timeout:g} s") from None
    except httpx.ConnectError as error:
        raise FetchError(f"{url}: could not connect ({_reason(error)})") from None
    except httpx.HTTPError as error:
        raise FetchError(f"{url}: request failed ({_reason(error)})") from None


def _check_response(
    url: str,
    response: httpx.Response,
    settings: Settings,
    types: tuple[str, ...] = ALLOWED_TYPES,
) -> None:
    if not 200 <= response.status_code < 300:
        raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
    media_type, _ = _content_type(response)
    if media_type is not None and media_type not in types:
        expected = "HTML, plain text or Markdown" if types == ALLOWED_TYPES else "RSS or Atom"
        raise FetchError(f"{url}: unsupported content type {media_type!r} (expected {expected})")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > settings.max_input_bytes:
        raise FetchError(f"{url}: {too_large_message(int(length), settings.max_input_bytes)}")


def _read_capped(
    url: str, response: httpx.Response, limit: int, deadline: float, timeout: float
) -> bytes:
    """The (decoded) body, refused as soon as it grows past ``limit`` or the deadline."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: {too_large_message(None, limit)}")
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: timed out after {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(response: httpx.Response) -> tuple[str | None, str | None]:
    """The media type (lower case) and charset parameter of the Content-Type header."""
    header = response.headers.get("content-type")
    if not header:
        return None, None
    media_type, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.lower() or None, charset


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return "connection refused" if "refused" in text.lower() else text
