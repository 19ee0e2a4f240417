"""Loading a source (file, URL, stdin, upload or paste) into a :class:`Document`.

Bytes pass four steps, each refusing bad input with an :class:`InputError` that names it:
size (checked before a file is read), binary sniffing, decoding (UTF-8 with or without BOM,
else a declared charset, else cp1252 with a warning on the Document, once
charset-normalizer judges the bytes to be text) and normalising
(newlines, control characters, NFC). The text is then converted by format: plain text as is,
Markdown without its markup (markdown-it-py), HTML reduced to its main text (trafilatura).
Paragraphs are separated by blank lines in every format.
"""

from __future__ import annotations

import codecs
import copy
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import urlsplit

from factcheck.config import Settings
from factcheck.errors import InputError
from factcheck.ingest import transcript
from factcheck.ingest.limits import too_large_message
from factcheck.text import iso_date
from factcheck.types import Document
from factcheck.vocab import READ_AS

URL_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
FALLBACK_ENCODINGS = ("cp1252", "latin_1")  # charset-normalizer judges text by these
CP1252_UNMAPPED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])  # no character in cp1252
SNIFF_BYTES = 8192
BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF document (convert it to text first)",
    b"PK\x03\x04": "a ZIP archive or office document (convert it to text first)",
    b"\x1f\x8b": "a gzip archive",
    b"BZh9": "a bzip2 archive",
    b"\xfd7zXZ\x00": "an xz archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!\x1a\x07": "a RAR archive",
    b"\x7fELF": "an executable",
    b"SQLite format 3\x00": "an SQLite database",
    b"RIFF": "a media file (WAV, AVI or WebP)",
    b"OggS": "an Ogg media file",
    b"ID3": "an MP3 file",
    b"fLaC": "a FLAC audio file",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"\x00asm": "a WebAssembly module",
}
EXTENSION_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".txt": "text",
    ".text": "text",
    ".srt": "text",
    ".vtt": "text",
    ".tsv": "text",
    ".tab": "text",
    ".csv": "text",
}
MEDIA_TYPE_FORMATS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
}
FORMAT_LABELS = {"html": "HTML page", "markdown": "Markdown document", "text": "text"}
HTML_START = re.compile(
    r"\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html)", re.I | re.S
)
HTML_TAG = re.compile(r"</?(html|head|body|p|div|article|section|h[1-6]|span|table)\b", re.I)
MARKDOWN_HINT = re.compile(
    r"\A---[ \t]*\n|^#{1,6}[ \t]+\S|^```|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*", re.M
)
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
NEWLINES = re.compile(r"\r\n?|[\x0b\x85\u2028]")
PARAGRAPH_BREAKS = re.compile(r"[\x0c\u2029]")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff]")
BLANK_RUNS = re.compile(r"\n{3,}")
SPACE_RUNS = re.compile(r"\s+")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)

# Elements whose content is never article text (iframes and objects hold fallback content).
HIDDEN_HTML = (
    "//script[not(@type='application/ld+json')] | //style | //iframe | //frame | //frameset"
    " | //noscript | //noframes | //object | //embed | //applet | //template | //svg | //math"
    " | //canvas | //audio | //video | //select | //*[@hidden] | //*[@aria-hidden='true']"
)
BOILERPLATE_HTML = "//script | //nav | //header | //footer | //aside | //form | //menu | //head"
HTML_BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li blockquote pre dt dd tr td th caption figcaption div section "
    "article main table ul ol dl body address".split()
)
XML_BLOCK_TAGS = frozenset({"head", "p", "item", "quote", "code", "row"})
HIDDEN_INLINE_HTML = re.compile(r"<(/?)(script|style|iframe|noscript|object|template|svg)\b", re.I)
DATE_CONFIG = {"extensive_search": False, "original_date": True}


# ---------------------------------------------------------------- sources -> bytes


def load_source(source: str, settings: Settings, *, read_as: str = "auto") -> Document:
    """Load a file path, an http(s) URL, or ``-`` (stdin) into a :class:`Document`
    (``read_as``: one of :data:`READ_AS`, see :func:`load_bytes`)."""
    if URL_PATTERN.match(source):
        return load_url(source, settings, read_as=read_as)
    data = read_input(source, settings)
    if source == "-":
        return load_bytes(
            data, source="stdin", source_kind="stdin", settings=settings, read_as=read_as
        )
    return load_bytes(
        data, source=source, source_kind="file", settings=settings, name=source, read_as=read_as
    )


def read_input(source: str, settings: Settings) -> bytes:
    """The bytes of a file or of stdin (``-``), refusing what is over the size limit unread."""
    limit = settings.max_input_bytes
    if source == "-":
        return _read_capped(sys.stdin.buffer, "stdin", limit)
    path = Path(source)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except OSError as error:
        raise InputError(f"{source}: cannot read the file ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{source}: is a directory, not a file")
    if stat.S_ISREG(info.st_mode) and info.st_size > limit:
        raise InputError(f"{source}: {too_large_message(info.st_size, limit)}")
    try:
        with path.open("rb") as stream:
            return _read_capped(stream, source, limit)
    except OSError as error:
        raise InputError(f"{source}: cannot read the file ({error.strerror})") from None


def _read_capped(stream: BinaryIO, label: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{label}: {too_large_message(None, limit)}")
    return data


def load_url(url: str, settings: Settings, *, read_as: str = "auto") -> Document:
    """An http(s) page fetched under the URL rules (ingest.fetch) as a :class:`Document`."""
    from factcheck.ingest.fetch import fetch_url

    page = fetch_url(url, settings)
    return load_bytes(
        page.data,
        source=url,
        source_kind="url",
        settings=settings,
        name=urlsplit(page.url).path,
        content_type=page.media_type,
        charset=page.charset,
        read_as=read_as,
    )


# ---------------------------------------------------------------- bytes -> Document


def load_bytes(
    data: bytes,
    *,
    source: str,
    source_kind: str,
    settings: Settings,
    name: str | None = None,
    content_type: str | None = None,
    charset: str | None = None,
    read_as: str = "auto",
) -> Document:
    """Turn raw bytes (a file, an upload, a paste, a fetched page) into a :class:`Document`.

    ``name`` (a file name or URL path) and ``content_type`` decide the format; without
    either it is sniffed from the content. ``charset`` is a declared encoding, if any.
    ``read_as``: ``"article"``, ``"transcript"`` (speakers' turns, see
    :mod:`factcheck.ingest.transcript`) or ``"auto"``: a transcript when it looks like one.
    """
    if read_as not in READ_AS:
        raise InputError(f"unknown format {read_as!r}; choose one of: {', '.join(READ_AS)}")
    text, warning = decode_checked(data, source=source, settings=settings, charset=charset)
    document = _text_to_document(text, source, source_kind, name, content_type, read_as)
    for field in ("title", "publisher", "published_date", "language"):  # one line each
        value = getattr(document, field)
        if value is not None:  # YAML escapes and HTML entities can make control characters
            setattr(document, field, " ".join(CONTROL_CHARS.sub("", str(value)).split()) or None)
    document.warnings = [warning] if warning else []
    return document


def _text_to_document(
    text: str,
    source: str,
    source_kind: str,
    name: str | None,
    content_type: str | None,
    read_as: str,
) -> Document:
    """:func:`load_bytes` after decoding: the text read by its format (or as a transcript)."""
    kind = detect_format(text, name=name, content_type=content_type)
    url = source if source_kind == "url" else None
    if kind == "text" and read_as != "article":
        flavour = transcript.detect(text, name)
        if flavour or read_as == "transcript":
            return _transcript(text, source, source_kind, name, flavour)
    try:
        document = CONVERTERS[kind](text, url)
    except InputError as error:
        raise InputError(f"{source}: {error}") from None
    if kind != "text" and read_as != "article" and document.text.strip():
        flavour = transcript.detect(document.text)
        if flavour or read_as == "transcript":  # an HTML or Markdown page of turns
            found = _transcript(document.text, source, source_kind, name, flavour)
            found.title = document.title or found.title
            found.publisher = document.publisher
            found.published_date = found.published_date or document.published_date
            found.language = document.language
            return found
    if not document.text.strip():
        raise InputError(
            f"{source}: no readable text found in this {FORMAT_LABELS[kind]}"
            + (" (only scripts, styles or markup)" if kind == "html" else "")
        )
    document.source, document.source_kind = source, source_kind
    return document


def _transcript(
    text: str, source: str, source_kind: str, name: str | None, flavour: str | None
) -> Document:
    try:
        document = transcript.to_document(text, name=name, flavour=flavour)
    except InputError as error:
        raise InputError(f"{source}: {error}") from None
    document.source, document.source_kind = source, source_kind
    return document


def decode_lines(
    data: bytes, *, source: str, settings: Settings, warn: Callable[[str], None] | None = None
) -> list[str]:
    """The non-blank lines of ``data`` (one sentence a line), whitespace folded; ``warn``
    is given the decoding fallback's warning, if any (see :func:`decode_checked`)."""
    text, warning = decode_checked(data, source=source, settings=settings)
    if warning and warn:
        warn(warning)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


def decode_checked(
    data: bytes, *, source: str, settings: Settings, charset: str | None = None
) -> tuple[str, str | None]:
    """Checked, decoded and normalised text (:class:`InputError` for anything unusable), and
    a warning when the bytes were not valid UTF-8 (nor in a BOM's
    or a declared charset) and were read as cp1252 instead (see :func:`_fallback`)."""
    if len(data) > settings.max_input_bytes:
        raise InputError(f"{source}: {too_large_message(len(data), settings.max_input_bytes)}")
    if not data:
        raise InputError(f"{source}: the input is empty")
    decoded, warning = _decode(data, source, charset)
    text = normalise(decoded)
    if not text.strip():
        raise InputError(f"{source}: the input contains only whitespace")
    return text, warning


def normalise(text: str) -> str:
    """Unix newlines, no NULs or other control characters, Unicode NFC."""
    text = PARAGRAPH_BREAKS.sub("\n\n", NEWLINES.sub("\n", text))
    return unicodedata.normalize("NFC", CONTROL_CHARS.sub("", text))


def detect_format(text: str, *, name: str | None = None, content_type: str | None = None) -> str:
    """``"html"``, ``"markdown"`` or ``"text"``: by media type, then extension, then content."""
    by_type = MEDIA_TYPE_FORMATS.get((content_type or "").split(";")[0].strip().lower())
    if by_type in ("html", "markdown"):
        return by_type
    by_extension = EXTENSION_FORMATS.get(PurePosixPath(name or "").suffix.lower())
    if by_extension:
        return by_extension
    if by_type == "text":
        return "text"
    return _sniff_format(text)


def _sniff_format(text: str) -> str:
    head = text[:SNIFF_BYTES]
    if HTML_START.match(head) or (head.lstrip().startswith("<") and HTML_TAG.search(head)):
        return "html"
    if MARKDOWN_HINT.search(text[: SNIFF_BYTES * 4]):
        return "markdown"
    return "text"


# ---------------------------------------------------------------- decoding


def _decode(data: bytes, source: str, charset: str | None) -> tuple[str, str | None]:
    """The text, and a warning when it was read by the cp1252 fallback."""
    if data.startswith(codecs.BOM_UTF8):
        return _decoded_or_refused(data[len(codecs.BOM_UTF8) :], "utf-8", source), None
    if (text := _utf16_with_bom(data)) is not None:
        return text, None
    _refuse_binary(data, source)
    declared = _declared_codecs(data, charset)
    for codec in ("utf-8", *declared):
        if (text := _strict_decode(data, codec)) is not None:
            return text, None
    return _fallback(data, source, declared)


def _fallback(data: bytes, source: str, declared: list[str]) -> tuple[str, str]:
    """Bytes that are not UTF-8 read as cp1252 (a superset of Latin-1's printable
    characters, so never worse than Latin-1), once charset-normalizer judges them text.

    The five bytes cp1252 leaves unmapped become U+FFFD, so nothing is lost unseen; the
    warning says so. (Read as Latin-1, as before, they and every cp1252 quote, dash and euro
    sign became C1 control characters, which normalising then silently deleted.)
    """
    from charset_normalizer import from_bytes

    mapped = data.translate(None, CP1252_UNMAPPED)
    if (
        not mapped.strip()
        or from_bytes(mapped, cp_isolation=list(FALLBACK_ENCODINGS)).best() is None
    ):
        raise InputError(f"{source}: {_undecodable()}")
    unmapped = len(data) - len(mapped)
    others = [name for name in dict.fromkeys(declared) if name != "utf-8"]
    also = f" (nor {', '.join(others)}, as declared)" if others else ""
    warning = f"not valid UTF-8{also}: read as cp1252"
    if unmapped:
        warning += (
            f" ({unmapped} byte{'s' if unmapped != 1 else ''} could not be mapped and "
            f"{'were' if unmapped != 1 else 'was'} replaced with \ufffd, U+FFFD)"
        )
    return data.decode("cp1252", errors="replace"), warning


def _utf16_with_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 with a BOM (Windows "Unicode"), when it really reads as such."""
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    return str(guess) if guess is not None and guess.encoding.startswith("utf_16") else None


def _refuse_binary(data: bytes, source: str) -> None:
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError(f"{source}: looks like {what}, not text")
    if data[4:8] == b"ftyp":
        raise InputError(f"{source}: looks like a video or image file (MP4/HEIC), not text")
    sample = data[:SNIFF_BYTES]
    if sample.count(b"\x00") > max(1, len(sample) // 100):  # a stray NUL is only stripped
        raise InputError(f"{source}: looks like a binary file (it contains NUL bytes), not text")


def _declared_codecs(data: bytes, charset: str | None) -> list[str]:
    """Codecs declared by the server or an HTML ``<meta charset>``, as Python names."""
    labels = [charset] if charset else []
    if match := META_CHARSET.search(data[:SNIFF_BYTES]):
        labels.append(match.group(1).decode("ascii"))
    codecs_found = []
    for label in labels:
        try:
            name = codecs.lookup(label).name
        except LookupError:
            continue
        # As browsers do (WHATWG): Latin-1 and ASCII labels mean windows-1252.
        codecs_found.append("cp1252" if name in ("iso8859-1", "latin-1", "ascii") else name)
    return codecs_found


def _strict_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decoded_or_refused(data: bytes, codec: str, source: str) -> str:
    text = _strict_decode(data, codec)
    if text is None:
        raise InputError(f"{source}: {_undecodable()}")
    return text


def _undecodable() -> str:
    return "not valid text in any supported encoding (UTF-8, UTF-16 with BOM, cp1252, Latin-1)"


# ---------------------------------------------------------------- plain text


def text_to_document(text: str, url: str | None = None) -> Document:
    """Plain text: trailing spaces and extra blank lines removed; no metadata."""
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return Document(text=BLANK_RUNS.sub("\n\n", lines).strip(), source=url)


# ---------------------------------------------------------------- Markdown


def markdown_to_document(text: str, url: str | None = None) -> Document:
    """Markdown: the text without markup; title, date, publisher from front matter or ``# h1``."""
    meta, body = _front_matter(text)
    blocks, first_h1 = _markdown_blocks(body)
    return Document(
        text="\n\n".join(blocks),
        source=url,
        title=_meta_str(meta, "title") or first_h1,
        publisher=_meta_str(meta, "publisher", "sitename", "site_name", "site"),
        published_date=iso_date(meta.get("date") or meta.get("published")),
        language=_meta_str(meta, "lang", "language"),
    )


def _front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter (``---`` ... ``---``) as a dict, and the rest of the text."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml

    try:
        meta = yaml.safe_load(match.group(1))
    except (yaml.YAMLError, ValueError, RecursionError):  # ValueError: "date: 2024-13-01"
        meta = None
    return (meta if isinstance(meta, dict) else {}), text[match.end() :]


def _markdown_blocks(body: str) -> tuple[list[str], str | None]:
    """The text of each block (paragraph, heading, item, table row, code) and the first h1."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(body)
    blocks: list[str] = []
    row: list[str] | None = None
    first_h1, heading = None, None
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            heading = token.tag if token.type == "heading_open" else None
        elif token.type in ("tr_open", "tr_close"):
            if row is not None:
                blocks.append(" | ".join(cell for cell in row if cell))
            row = [] if token.type == "tr_open" else None
        elif token.type == "inline":
            line = _inline_text(token.children or [])
            (row if row is not None else blocks).append(line)
            if heading == "h1" and first_h1 is None:
                first_h1 = line or None
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.strip("\n"))
        elif token.type == "html_block":
            blocks.extend(html_paragraphs(token.content))
    return [block for block in blocks if block.strip()], first_h1


def _inline_text(children: list) -> str:
    """The text of inline tokens: links become their text; images and raw HTML are dropped."""
    parts, hidden = [], 0
    for child in children:
        if child.type == "html_inline":
            if match := HIDDEN_INLINE_HTML.match(child.content):
                hidden = max(0, hidden + (-1 if match.group(1) else 1))
        elif hidden:
            continue
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" " if child.type == "softbreak" else "\n")
    return _fold_lines("".join(parts))


def _meta_str(meta: dict, *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, (str, int, float)) and str(value).strip():
            return str(value).strip()
    return None


# ---------------------------------------------------------------- HTML

HTML_MAX_DEPTH = 256  # libxml2's nesting limit without XML_PARSE_HUGE (kept: it bounds memory)


def html_to_document(text: str, url: str | None = None) -> Document:
    """HTML: the main text (trafilatura), with title, date, site name and language."""
    tree = _parse_html(text)
    if tree is None:
        return Document(text="", source=url)
    _drop_elements(tree, HIDDEN_HTML)
    from trafilatura import extract_metadata

    meta = extract_metadata(copy.deepcopy(tree), default_url=url, date_config=DATE_CONFIG)
    paragraphs = _main_text(tree, url) or _all_paragraphs(tree)
    lang = (tree.get("lang") or "").strip().split("-")[0].lower() or None
    return Document(
        text="\n\n".join(paragraphs),
        source=url,
        title=meta.title,
        publisher=meta.sitename,
        published_date=meta.date,
        language=lang,
    )


def html_paragraphs(html: str) -> list[str]:
    """Every paragraph of an HTML fragment, without scripts, styles or boilerplate."""
    tree = _parse_html(html)
    if tree is None:
        return []
    _drop_elements(tree, HIDDEN_HTML)
    return _all_paragraphs(tree)


def _parse_html(text: str):
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        tree = None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise InputError(
            f"the HTML is nested more than {HTML_MAX_DEPTH} elements deep; the parser stops "
            "there and the text inside would be lost, so it is refused (save the page as "
            "plain text and ingest that)"
        )
    return tree


def _drop_elements(tree, xpath: str) -> None:
    for element in tree.xpath(xpath):
        if element.getparent() is not None:
            element.drop_tree()


def _main_text(tree, url: str | None) -> list[str]:
    """The main text's paragraphs as trafilatura finds them (menus and boilerplate left out)."""
    import trafilatura

    result = trafilatura.bare_extraction(
        copy.deepcopy(tree), url=url, include_comments=False, include_tables=True
    )
    if result is None or isinstance(result, dict) or result.body is None:  # dict: as_dict=True only
        return []
    return [p for p in _xml_paragraphs(result.body) if p]


def _xml_paragraphs(element) -> Iterator[str]:
    """Paragraphs of trafilatura's XML: innermost blocks, table rows as ``a | b``."""
    for child in element:
        if child.tag == "row":
            yield " | ".join(filter(None, (_flat_text(cell) for cell in child)))
        elif child.tag in XML_BLOCK_TAGS and not any(
            d.tag in XML_BLOCK_TAGS for d in child.iterdescendants()
        ):
            yield _flat_text(child)
        else:
            if child.tag in XML_BLOCK_TAGS and (child.text or "").strip():
                yield " ".join(child.text.split())
            yield from _xml_paragraphs(child)


def _flat_text(element) -> str:
    """An element's text, line breaks (``<lb/>``) kept, other whitespace folded."""
    for line_break in element.iter("lb"):
        line_break.tail = "\n" + (line_break.tail or "")
    lines = (" ".join(line.split()) for line in "".join(element.itertext()).split("\n"))
    return "\n".join(line for line in lines if line)


def _all_paragraphs(tree) -> list[str]:
    """Fallback for short pages: the text of every block outside menus, headers and footers."""
    from lxml import etree

    _drop_elements(tree, BOILERPLATE_HTML)
    for element in tree.iter(etree.Element):
        element.text = SPACE_RUNS.sub(" ", element.text or "") or None
        element.tail = SPACE_RUNS.sub(" ", element.tail or "") or None
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in HTML_BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    paragraphs = (_fold_lines(chunk) for chunk in tree.text_content().split("\n\n"))
    return [p for p in paragraphs if p]


def _fold_lines(chunk: str) -> str:
    lines = (" ".join(line.split()) for line in chunk.split("\n"))
    return "\n".join(line for line in lines if line)


CONVERTERS = {
    "text": text_to_document,
    "markdown": markdown_to_document,
    "html": html_to_document,
}
