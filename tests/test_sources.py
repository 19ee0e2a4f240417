"""Loading sources: formats, metadata, encodings, normalisation and refusals of bad input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.ingest import read as sources
from factcheck.ingest.read import decode_lines, detect_format, load_bytes, load_source

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
INVALID_UTF8 = b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xe2\x82\x28\xf0\x28\x8c\xbc\xf8\xa1\xa1\xa1" * 40

NEWS_HTML = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <title>Hospital waiting lists fall | The Courier</title>
  <meta property="og:site_name" content="The Courier">
  <meta property="article:published_time" content="2024-02-14T07:30:00+00:00">
  <script>var tracking = "SCRIPT-IN-HEAD";</script>
  <style>.ad { content: "STYLE-IN-HEAD"; }</style>
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/weather">Weather</a></li></ul></nav>
  <article>
    <h1>Hospital waiting lists fall for third month</h1>
    <p>The number of people waiting for hospital treatment in England fell to 7.5 million in
       December, according to figures published by NHS England on Thursday.</p>
    <script>document.write("SCRIPT-IN-BODY")</script>
    <h2>Targets missed</h2>
    <p>Despite the fall, the health service missed its target of treating 92% of patients
       within 18 weeks, a goal it has not met since 2016.</p>
    <iframe src="https://ads.example/frame">IFRAME-FALLBACK</iframe>
    <p>The health secretary said the figures showed "real progress".</p>
  </article>
  <footer>Copyright The Courier 2024. Privacy policy. Cookie settings.</footer>
</body>
</html>
"""

HOSTILE_SNIPPETS = [
    "<script>alert('SCRIPT-TEXT')</script>",
    "<style>p { content: 'STYLE-TEXT' }</style>",
    "<iframe srcdoc='<p>IFRAME-DOC</p>'>IFRAME-TEXT</iframe>",
    "<noscript>NOSCRIPT-TEXT</noscript>",
    "<object data='x.swf'>OBJECT-TEXT</object>",
    "<svg><text>SVG-TEXT</text></svg>",
    "<template><p>TEMPLATE-TEXT</p></template>",
    "<p hidden>HIDDEN-TEXT</p>",
]


def load(data: bytes | str, settings, **kwargs):
    data = data.encode("utf-8") if isinstance(data, str) else data
    return load_bytes(
        data,
        source=kwargs.pop("source", "test input"),
        source_kind="paste",
        settings=settings,
        **kwargs,
    )


# ---------------------------------------------------------------- formats and metadata


def test_plain_text_keeps_paragraphs_and_has_no_metadata(settings):
    document = load(
        "First paragraph, line one.\r\nLine two.\r\n\r\n\r\n\r\nSecond para.  \n",
        settings,
        name="note.txt",
    )
    assert document.text == "First paragraph, line one.\nLine two.\n\nSecond para."
    assert (document.title, document.publisher, document.published_date) == (None, None, None)
    assert document.source == "test input" and document.source_kind == "paste"


def test_markdown_markup_is_stripped_and_front_matter_read(settings):
    markdown = (
        "---\ntitle: Budget plans\ndate: 2024-03-05\npublisher: Daily Ledger\nlang: en\n---\n"
        "# Budget rises by **5%**\n\n"
        "The [finance ministry](https://example.org/mof) said *spending* will rise by 5%.\n"
        "It gave no ![chart](chart.png) details.\n\n"
        "- Schools get `2 billion`\n- Roads get 1 billion\n\n"
        "> Quoted line from the minister.\n"
    )
    document = load(markdown, settings, name="budget.md")
    assert document.text == (
        "Budget rises by 5%\n\n"
        "The finance ministry said spending will rise by 5%. It gave no details.\n\n"
        "Schools get 2 billion\n\nRoads get 1 billion\n\nQuoted line from the minister."
    )
    assert document.title == "Budget plans"
    assert document.published_date == "2024-03-05"
    assert document.publisher == "Daily Ledger"
    assert document.language == "en"


def test_markdown_title_comes_from_the_first_h1(settings):
    document = load(
        "Intro line.\n\n# The real title\n\n## Section\n\nBody.", settings, name="a.markdown"
    )
    assert document.title == "The real title"
    assert document.text == "Intro line.\n\nThe real title\n\nSection\n\nBody."


def test_html_main_text_and_metadata(settings):
    document = load(NEWS_HTML, settings, name="story.html")
    paragraphs = document.text.split("\n\n")
    assert paragraphs[0] == "Hospital waiting lists fall for third month"
    assert paragraphs[1].startswith("The number of people waiting for hospital treatment")
    assert "Targets missed" in paragraphs  # a heading is its own paragraph
    assert paragraphs[-1] == 'The health secretary said the figures showed "real progress".'
    assert document.title == "Hospital waiting lists fall for third month"
    assert document.publisher == "The Courier"
    assert document.published_date == "2024-02-14"
    assert document.language == "en"
    for boilerplate in ("Weather", "Copyright", "Cookie", "SCRIPT-IN", "STYLE-IN", "IFRAME"):
        assert boilerplate not in document.text


@pytest.mark.parametrize("snippet", HOSTILE_SNIPPETS)
def test_hostile_html_never_reaches_the_text(settings, snippet):
    for page in (  # a full article page, and a tiny page that takes the fallback path
        NEWS_HTML.replace("<h2>", snippet + "<h2>"),
        f"<p>Prices rose 3% in May.</p>{snippet}<p>Wages rose 2%.</p>",
    ):
        document = load(page, settings, name="page.html")
        assert "-TEXT" not in document.text and "IFRAME-DOC" not in document.text
        assert "rose" in document.text or "waiting" in document.text


def test_script_inside_markdown_never_reaches_the_text(settings):
    markdown = "# T\n\nPrices <script>SCRIPT-TEXT()</script> rose.\n\n<script>\nMORE()\n</script>\n"
    assert load(markdown, settings, name="a.md").text == "T\n\nPrices rose."


def test_html_of_only_scripts_has_no_readable_text(settings):
    page = (
        "<html><head><script>var a = 1;</script></head><body><script>go()</script>"
        "<style>p{}</style></body></html>"
    )
    with pytest.raises(InputError, match="test input: no readable text found in this HTML"):
        load(page, settings, name="x.html")


@pytest.mark.parametrize(
    "name, content_type, text, expected",
    [
        ("a.html", None, "plain words", "html"),
        ("a.HTM", None, "plain words", "html"),
        ("notes.md", None, "plain words", "markdown"),
        ("notes.txt", None, "# looks like markdown", "text"),
        ("/story", "text/html", "plain words", "html"),
        ("/story", "text/markdown", "plain words", "markdown"),
        ("/readme.md", "text/plain", "plain words", "markdown"),
        ("/story", "text/plain", "<html><body>x</body></html>", "text"),
        (None, None, "<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        (None, None, "  <div><p>fragment</p></div>", "html"),
        (None, None, "# Heading\n\nBody", "markdown"),
        (None, None, "See [the report](https://x.org/r).", "markdown"),
        (None, None, "Just a sentence. 5 < 6 and 7 > 2.", "text"),
    ],
)
def test_format_detection(name, content_type, text, expected):
    assert detect_format(text, name=name, content_type=content_type) == expected


# ---------------------------------------------------------------- encodings and normalisation


@pytest.mark.parametrize(
    "data",
    [
        "Café “quoted” — naïve.".encode(),
        "\ufeffCafé “quoted” — naïve.".encode("utf-8"),
        "Café “quoted” — naïve.".encode("cp1252"),
        "\ufeffCafé “quoted” — naïve.".encode("utf-16"),
    ],
)
def test_encodings_are_detected(settings, data):
    assert load(data, settings).text == "Café “quoted” — naïve."


def test_latin1_text_is_accepted(settings):
    text = "Der Preis stieg in Köln um 5 Prozent, sagte der Bürgermeister. Año señor."
    assert load(text.encode("latin-1"), settings).text == text


CP1252_WARNING = "not valid UTF-8: read as cp1252"


@pytest.mark.parametrize(
    "data",
    [
        "Café “quoted” — naïve.".encode(),
        "\ufeffCafé “quoted”.".encode("utf-8"),
        "\ufeffCafé “quoted”.".encode("utf-16"),
        b"Plain ASCII text.",
    ],
)
def test_text_read_as_given_has_no_warning(settings, data):
    assert load(data, settings).warnings == []


def test_a_declared_charset_that_decodes_has_no_warning(settings):
    page = '<html><head><meta charset="windows-1252"></head><body><p>Café “quoted”.</p>'
    document = load(page.encode("cp1252"), settings, name="fr.html")
    assert (document.text, document.warnings) == ("Café “quoted”.", [])


def test_cp1252_text_is_read_with_a_warning_naming_cp1252(settings):
    """It was read without a word: the reader could not tell it had guessed."""
    text = "Prices rose 5 € — “a record”, said the minister’s office."
    document = load(text.encode("cp1252"), settings)
    assert (document.text, document.warnings) == (text, [CP1252_WARNING])


def test_bytes_cp1252_cannot_map_are_kept_visible_and_counted(settings):
    """0x81, 0x8D, 0x8F, 0x90 and 0x9D have no character in cp1252: the text was read as
    Latin-1 and every such byte, and every cp1252 quote and dash beside it, silently deleted."""
    data = "He said “hello” —".encode("cp1252") + b" \x81 then \x8d\x8f\x90\x9d."
    document = load(data, settings)
    assert document.text == "He said “hello” — \ufffd then \ufffd\ufffd\ufffd\ufffd."
    assert document.warnings == [
        f"{CP1252_WARNING} (5 bytes could not be mapped and were replaced with \ufffd, U+FFFD)"
    ]
    one = load("Café “x”".encode("cp1252") + b"\x81", settings).warnings[0]
    assert one.endswith("(1 byte could not be mapped and was replaced with \ufffd, U+FFFD)")


def test_a_declared_charset_that_fails_is_named_in_the_warning(settings):
    page = '<html><head><meta charset="utf-16"></head><body><p>Café “quoted”.</p>'
    document = load(page.encode("cp1252"), settings, name="fr.html")
    assert document.text == "Café “quoted”."
    assert document.warnings == ["not valid UTF-8 (nor utf-16, as declared): read as cp1252"]


def test_transcripts_carry_the_warning_too(settings):
    data = "ANNA: Prices rose 5 € — “a record”.\nBEN: They fell.\n".encode("cp1252")
    document = load(data, settings, name="debate.txt", read_as="transcript")
    assert document.format == "transcript" and document.warnings == [CP1252_WARNING]


@pytest.mark.parametrize("depth", [300, 100_000])
def test_html_nested_past_the_parsers_limit_is_refused_saying_so(settings, depth):
    """It was refused as "only scripts, styles or markup", which is not what happened."""
    page = "<div>" * depth + "Prices rose 3% in May." + "</div>" * depth
    with pytest.raises(InputError, match="test input: the HTML is nested more than 256 elements"):
        load(page, settings, name="deep.html")


def test_html_nested_within_the_limit_is_read(settings):
    page = "<div>" * 200 + "Prices rose 3% in May." + "</div>" * 200
    assert load(page, settings, name="deep.html").text == "Prices rose 3% in May."


def test_html_meta_charset_is_honoured(settings):
    page = (
        '<html><head><meta charset="windows-1251"></head><body><p>'
        "Правительство заявило, что бюджет вырастет на 5 процентов.</p></body></html>"
    )
    document = load(page.encode("cp1251"), settings, name="ru.html")
    assert document.text == "Правительство заявило, что бюджет вырастет на 5 процентов."


def test_newlines_controls_and_nfc_are_normalised(settings):
    raw = "Caf\u0065\u0301 one.\rTwo\x00 words\x07.\r\nThree\u2028four.\x0cFive."
    assert load(raw, settings).text == "Café one.\nTwo words.\nThree\nfour.\n\nFive."


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "test input: the input is empty"),
        (b" \n\t\r\n \xc2\xa0 ", "test input: the input contains only whitespace"),
        (PNG_BYTES, "test input: looks like a PNG image, not text"),
        (b"%PDF-1.7\n...", "looks like a PDF document"),
        (b"text\x00with\x00nuls\x00", "looks like a binary file \\(it contains NUL bytes\\)"),
        (INVALID_UTF8, "test input: not valid text in any supported encoding"),
        (b"\xff\xfe" + INVALID_UTF8, "not valid text in any supported encoding"),
    ],
)
def test_bad_bytes_are_refused_with_a_clear_message(settings, data, message):
    with pytest.raises(InputError, match=message):
        load(data, settings)


def test_size_limit_applies_to_bytes(settings):
    small = settings.with_overrides(max_input_bytes=100)
    with pytest.raises(InputError, match="too large.*the limit is 100 bytes"):
        load(b"a" * 101, small)
    assert load(b"a" * 100, small).text == "a" * 100


def test_big_file_is_refused_before_reading(tmp_path, settings, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # a sparse 50 MB file
        handle.truncate(50 * 1024 * 1024)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened although it is over the limit")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(InputError, match=r"big\.txt: too large \(50 MB; the limit is 10 MB"):
        load_source(str(big), settings)


def test_missing_file_and_directory(tmp_path, settings):
    with pytest.raises(InputError, match="nope.txt: no such file"):
        load_source(str(tmp_path / "nope.txt"), settings)
    with pytest.raises(InputError, match="is a directory, not a file"):
        load_source(str(tmp_path), settings)


# ---------------------------------------------------------------- files, stdin and lines


def test_file_source_records_its_path(tmp_path, settings):
    path = tmp_path / "story.md"
    path.write_text("# Title\n\nBody text here.", encoding="utf-8")
    document = load_source(str(path), settings)
    assert (document.source, document.source_kind, document.title) == (str(path), "file", "Title")


def test_stdin_source(settings, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"# From stdin\n\nHello.")))
    document = load_source("-", settings)
    assert (document.source, document.source_kind) == ("stdin", "stdin")
    assert document.text == "From stdin\n\nHello." and document.title == "From stdin"


def test_stdin_over_the_limit_is_refused(settings, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 2000)))
    with pytest.raises(InputError, match="stdin: too large"):
        load_source("-", settings.with_overrides(max_input_bytes=1000))


def test_decode_lines(settings):
    data = "  One sentence.  \r\n\r\n\tTwo   sentences here.\n   \nCafé.\n".encode("cp1252")
    assert decode_lines(data, source="s.txt", settings=settings) == [
        "One sentence.",
        "Two sentences here.",
        "Café.",
    ]
    with pytest.raises(InputError, match="s.txt: looks like a PNG image"):
        decode_lines(PNG_BYTES, source="s.txt", settings=settings)


def test_too_large_message_is_readable():
    assert sources.too_large_message(52_428_800, 10_485_760) == (
        "too large (50 MB; the limit is 10 MB; set FACTCHECK_MAX_INPUT_BYTES to change it)"
    )
    assert sources.too_large_message(None, 1536) == (
        "too large (the limit is 1.5 KB; set FACTCHECK_MAX_INPUT_BYTES to change it)"
    )
