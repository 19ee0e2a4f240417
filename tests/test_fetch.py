"""URL fetching: a local HTTP server (allowed explicitly) and refusals before any connection."""

from __future__ import annotations

import socket

import httpx
import pytest

from factcheck.errors import FetchError, InputError
from factcheck.ingest import fetch
from factcheck.ingest.read import load_source

ARTICLE_HTML = (
    "<html lang='en'><head><title>Rail fares | Metro Times</title>"
    "<meta property='og:site_name' content='Metro Times'>"
    "<meta property='article:published_time' content='2024-06-01T09:00:00Z'></head>"
    "<body><nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav><article>"
    "<h1>Rail fares rise by 4.9% in March</h1>"
    "<p>Regulated rail fares in England will rise by 4.9% from March, the transport "
    "department said on Thursday, below the 5.9% increase of last year.</p>"
    "<p>Passenger groups said the rise would still hurt commuters on low incomes.</p>"
    "</article><footer>Copyright Metro Times</footer></body></html>"
)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to resolve a name or open a connection."""

    def forbidden(*args, **kwargs):
        raise AssertionError("network used although the URL should have been refused first")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(httpx.Client, "send", forbidden)


def test_html_page_is_fetched_with_its_metadata(site, local):
    url = site.route("/news/rail.html", ARTICLE_HTML)
    document = load_source(url, local)
    assert document.source == url and document.source_kind == "url"
    assert document.title == "Rail fares rise by 4.9% in March"
    assert document.publisher == "Metro Times"
    assert document.published_date == "2024-06-01"
    assert document.text.startswith("Rail fares rise by 4.9% in March\n\nRegulated rail fares")
    assert "Sport" not in document.text and "Copyright" not in document.text


def test_plain_text_and_markdown_content_types(site, local):
    text_url = site.route("/a", "Line one.\n\nLine **two**.", content_type="text/plain")
    markdown_url = site.route("/b", "# Heading\n\nLine **two**.", content_type="text/markdown")
    assert load_source(text_url, local).text == "Line one.\n\nLine **two**."
    document = load_source(markdown_url, local)
    assert document.text == "Heading\n\nLine two." and document.title == "Heading"


def test_declared_charset_is_used(site, local):
    body = "<html><body><p>Le café coûte 3 €, a déclaré le ministre mardi.</p></body></html>"
    url = site.route("/fr", body.encode("cp1252"), content_type="text/html; charset=windows-1252")
    assert "café coûte 3 €" in load_source(url, local).text


def test_redirects_are_followed_up_to_the_limit(site, local):
    site.route("/final", ARTICLE_HTML)
    site.route("/hop2", status=302, headers={"Location": "/final"})
    start = site.route("/hop1", status=301, headers={"Location": site.base + "/hop2"})
    assert "Regulated rail fares" in load_source(start, local).text
    with pytest.raises(FetchError, match=r"too many redirects \(more than 1\)"):
        load_source(start, local.with_overrides(max_redirects=1))


def test_redirect_loop_is_stopped(site, local):
    url = site.route("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="too many redirects"):
        fetch.fetch_url(url, local)
    assert len(site.requests) == local.max_redirects + 1


def test_every_redirect_hop_is_checked_again(site, settings, monkeypatch):
    # Treat loopback as public, so that only the redirect target (10.x) can be refused.
    monkeypatch.setattr(fetch, "is_refused", lambda address: not address.is_loopback)
    hosts_contacted = []
    original_send = httpx.Client.send

    def spy(client, request, **kwargs):
        hosts_contacted.append(request.url.host)
        return original_send(client, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", spy)
    url = site.route("/out", status=302, headers={"Location": "http://10.1.2.3/secret"})
    with pytest.raises(FetchError, match=r"10\.1\.2\.3 is a private, loopback or reserved"):
        fetch.fetch_url(url, settings)
    assert hosts_contacted == ["127.0.0.1"] and site.requests == ["/out"]


@pytest.mark.parametrize("status, reason", [(404, "Not Found"), (500, "Internal Server Error")])
def test_error_status_names_the_status(site, local, status, reason):
    url = site.route(f"/status{status}", "oops", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status} {reason}"):
        load_source(url, local)


def test_slow_server_times_out(site, local):
    url = site.route("/slow", ARTICLE_HTML, delay=1.5)
    with pytest.raises(FetchError, match=r"timed out after 0\.2 s"):
        load_source(url, local.with_overrides(fetch_timeout=0.2))


def test_connection_refused_is_reported(local):
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect.*refused"):
        load_source(f"http://127.0.0.1:{port}/", local)


def test_unsupported_content_type_is_refused(site, local):
    url = site.route("/logo", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    with pytest.raises(FetchError, match="unsupported content type 'image/png'"):
        load_source(url, local)


def test_size_cap_from_content_length(site, local):
    url = site.route("/big", "x" * 5000, content_type="text/plain")
    with pytest.raises(FetchError, match="too large"):
        load_source(url, local.with_overrides(max_input_bytes=1000))


def test_size_cap_is_enforced_while_streaming(site, local):
    # No Content-Length: the body is counted as it arrives and refused past the cap.
    url = site.route(
        "/stream", "word " * 50_000, content_type="text/plain", headers={"Content-Length": None}
    )
    with pytest.raises(FetchError, match="too large"):
        load_source(url, local.with_overrides(max_input_bytes=10_000))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://10.20.30.40/article",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://[fd00::1]/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_private_addresses_are_refused_before_connecting(settings, no_network, url):
    with pytest.raises(FetchError, match="private, loopback or reserved.*allow-private-urls"):
        load_source(url, settings)


def test_loopback_server_gets_no_request_without_the_allowance(site, settings):
    url = site.route("/page", ARTICLE_HTML)
    with pytest.raises(FetchError, match="refused"):
        load_source(url, settings)
    assert site.requests == []


def test_host_names_are_resolved_and_every_address_checked(settings, monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ],
    )
    with pytest.raises(
        FetchError, match=r"news\.example resolves to 127\.0\.0\.1, which is a private"
    ):
        fetch.check_url("https://news.example/story", allow_private=False)


def test_dns_rebinding_is_refused_at_connection_time(site, settings, monkeypatch):
    # The name first resolves to a public address (the check), then to loopback (the connect).
    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1"])
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *args, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))
        ],
    )
    url = site.route("/page", ARTICLE_HTML).replace("127.0.0.1", "rebind.example")
    with pytest.raises(FetchError, match=r"rebind\.example resolves to 127\.0\.0\.1, which is"):
        fetch.fetch_url(url, settings)
    assert site.requests == []


def test_unresolvable_host_is_a_clear_error(settings, monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(FetchError, match="cannot resolve host nowhere.invalid"):
        load_source("https://nowhere.invalid/", settings)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a.txt", "file:///etc/passwd", "gopher://example.com/"]
)
def test_only_http_and_https(settings, no_network, url):
    with pytest.raises(FetchError, match="only http and https"):
        load_source(url, settings)


def test_fetch_errors_are_input_errors(settings, no_network):
    with pytest.raises(InputError):
        load_source("http://10.0.0.1/", settings)
