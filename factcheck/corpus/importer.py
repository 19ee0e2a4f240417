"""Reference corpus import: files -> sources and passages (one public entry: :func:`import_paths`).

Formats: ``csv``/``tsv``/``json``/``jsonl`` with field mapping, ``folder`` (.txt/.md/.html
documents), ``claimreview`` (schema.org ClaimReview JSON-LD, or the Fact Check Tools API's
``claims`` list) and ``checkthat`` (CLEF CheckThat! 2021 ``vclaims.jsonl``, Snopes and
PolitiFact shapes). Every file is parsed and checked before anything is written; then all
files are written in one transaction, so bad input changes nothing. A source's claim, title
and lead become one passage each; a body is split into overlapping sentence windows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from factcheck.config import Settings, load_settings
from factcheck.errors import InputError
from factcheck.storage import Database, utcnow
from factcheck.storage import corpus as store
from factcheck.storage.claims import text_hash
from factcheck.text import iso_date, split_sentences
from factcheck.vocab import CORPUS_FORMATS, CORPUS_KINDS, ON_EXISTING

DOC_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
WINDOW_CHARS = 800  # a body passage holds whole sentences up to about this many characters
WINDOW_OVERLAP = 1  # sentences shared by consecutive body passages
POLITIFACT = "https://www.politifact.com"
# json.loads beyond broken syntax: an integer past Python's digit limit, nesting past recursion
JSON_FAILURES = (ValueError, RecursionError)
MAX_JSON_DEPTH = 100  # ClaimReview needs about 5 levels; the readers recurse
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # tab, newlines and form feeds stay

# Field roles and the column names detected for each (lower case, '-' and ' ' read as '_').
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "claim",
        "claim_text",
        "claimreviewed",
        "statement",
        "vclaim",
        "text",
        "body",
        "content",
    ),
    "title": ("title", "headline"),
    "url": ("url", "link", "href", "source_url"),
    "date": (
        "date",
        "published",
        "published_date",
        "date_published",
        "datepublished",
        "publication_date",
        "review_date",
        "reviewdate",
    ),
    "verdict": (
        "verdict",
        "rating",
        "label",
        "truth_label",
        "ruling",
        "textual_rating",
        "textualrating",
    ),
    "id": ("id", "external_id", "vclaim_id", "claim_id", "uid"),
    "lead": ("lead", "subtitle", "summary", "description", "text_lead"),
    "body": ("body", "content", "text", "article", "article_text"),
    "claimant": ("claimant", "speaker"),
    "author": ("author",),
    "publisher": ("publisher", "site"),
    "claim_date": ("claim_date", "claimdate", "stated_on"),
}


@dataclass(frozen=True)
class ImportOptions:
    """How to read the files: format, field names the user gave, constants for every row."""

    format: str = "auto"
    fields: dict[str, str] = field(default_factory=dict)  # role -> field name (--text-field ...)
    publisher: str | None = None
    kind: str | None = None
    skip_bad: bool = False
    actor: str = "cli"
    on_existing: str = "update"  # a row whose id is stored with other content: vocab.ON_EXISTING


@dataclass
class BadRow:
    where: str  # "line 7", "item 3", "file notes/a.txt"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Record:
    """One reference document as read from a file, before it becomes a source."""

    where: str
    claim: str | None = None
    title: str | None = None
    lead: str | None = None
    body: str | None = None
    url: str | None = None
    date_raw: str | None = None
    claim_date_raw: str | None = None
    verdict_raw: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    claimant: str | None = None
    author: str | None = None
    publisher: str | None = None
    external_id: str | None = None
    kind: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    """What importing one file did."""

    path: str
    format: str
    rows: int
    new: int = 0
    present: int = 0
    skipped: list[BadRow] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)  # sources added
    present_ids: list[int] = field(default_factory=list)  # the file's sources already stored
    corrected_ids: list[int] = field(default_factory=list)  # stored ids given new content
    warnings: list[str] = field(default_factory=list)  # how the file was read, if not as UTF-8

    @property
    def message(self) -> str:
        text = f"{self.new} new, {self.present} already present"
        if self.corrected_ids:
            text += f", {len(self.corrected_ids)} corrected (same id, new content)"
        if self.skipped:
            text += f", {len(self.skipped)} bad rows skipped"
        return text


@dataclass
class _Parsed:
    path: Path
    format: str
    sources: list[tuple[dict, list[dict]]]
    bad: list[BadRow]
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- entry point


def import_paths(
    db: Database,
    paths: Iterable[str | Path],
    options: ImportOptions = ImportOptions(),
    *,
    settings: Settings | None = None,
    progress: bool = False,
) -> list[ImportResult]:
    """Import files or folders as reference sources: all of them or, on bad input, nothing."""
    _check_options(options)
    settings = settings or load_settings()
    parsed = [parse_file(Path(p), options, settings) for p in paths]
    bad = [(p.path, row) for p in parsed for row in p.bad]
    if bad and not options.skip_bad:
        raise InputError(_bad_rows_message(bad))
    with db.atomic():
        return [_write(db, p, options, progress) for p in parsed]


def parse_file(path: Path, options: ImportOptions, settings: Settings) -> _Parsed:
    """Read and check one file or folder; raises :class:`InputError` for file-level problems."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    fmt = options.format if options.format != "auto" else detect_format(path)
    warnings: list[str] = []
    if fmt == "folder":
        rows = _read_folder(path, settings, warnings)
    else:
        if path.is_dir():
            raise InputError(f"{path} is a folder; use --format folder (or auto)")
        text, warning = _decoded_file(path)
        warnings += [warning] if warning else []
        rows = READERS[fmt](text, path, options)
    records = [r for r in rows if isinstance(r, Record)]
    bad = [r for r in rows if isinstance(r, BadRow)]
    if not records and not bad:
        raise InputError(f"{path}: no rows to import")
    records, duplicates = _drop_duplicate_ids(records)
    kind_default = "article" if fmt == "folder" else "fact-check"
    sources = [build_source(r, options, kind_default, path, fmt) for r in records]
    return _Parsed(path, fmt, sources, bad + duplicates, warnings)


def _check_options(options: ImportOptions) -> None:
    if options.format not in CORPUS_FORMATS:
        raise InputError(
            f"unknown format {options.format!r}; choose one of: {', '.join(CORPUS_FORMATS)}"
        )
    if options.on_existing not in ON_EXISTING:
        raise InputError(
            f"unknown --on-existing {options.on_existing!r}; choose one of: {', '.join(ON_EXISTING)}"
        )
    if options.kind is not None and options.kind not in CORPUS_KINDS:
        raise InputError(f"unknown kind {options.kind!r}; choose one of: {', '.join(CORPUS_KINDS)}")
    unknown = set(options.fields) - set(FIELD_NAMES)
    if unknown:
        raise InputError(f"unknown field roles: {', '.join(sorted(unknown))}")


def shown_names(names: Iterable[str]) -> str:
    """Names from a file, comma-separated, each quoted when it holds a line break or other
    unprintable character (an error message stays one line)."""
    return ", ".join(name if name.isprintable() else repr(name) for name in names)


def _bad_rows_message(bad: list[tuple[Path, BadRow]], shown: int = 5) -> str:
    listed = "; ".join(f"{path} {row}" for path, row in bad[:shown])
    more = f" (and {len(bad) - shown} more)" if len(bad) > shown else ""
    return (
        f"{len(bad)} bad row{'s' if len(bad) != 1 else ''}: {listed}{more}. Nothing was "
        "imported: fix them, or pass --skip-bad to import the other rows"
    )


def _write(db: Database, parsed: _Parsed, options: ImportOptions, progress: bool) -> ImportResult:
    result = ImportResult(
        str(parsed.path),
        parsed.format,
        len(parsed.sources) + len(parsed.bad),
        skipped=list(parsed.bad),
        warnings=list(parsed.warnings),
    )
    known = store.source_ids_by_hash(db, [s["content_hash"] for s, _ in parsed.sources])
    by_id = store.source_ids_by_external_id(
        db,
        [
            s["external_id"]
            for s, _ in parsed.sources
            if s["external_id"] and s["content_hash"] not in known
        ],
    )
    if by_id and options.on_existing == "refuse":
        listed = shown_names(sorted(by_id)[:5]) + (" ..." if len(by_id) > 5 else "")
        raise InputError(
            f"{parsed.path}: {len(by_id)} row(s) carry an id already stored with other content "
            f"({listed}); nothing was imported (--on-existing update records them as "
            "corrections of the stored sources)"
        )
    bar = tqdm(
        parsed.sources,
        desc=f"importing {parsed.path.name}",
        unit="source",
        file=sys.stderr,
        leave=False,
        disable=not progress or len(parsed.sources) < 500,
    )
    for source, passages in bar:
        if source["content_hash"] in known:
            result.present += 1
            result.present_ids.append(known[source["content_hash"]])
            continue
        corrected = by_id.get(source["external_id"]) if source["external_id"] else None
        if corrected is not None:
            store.correct_source(db, corrected, source, passages, actor=options.actor)
            known[source["content_hash"]] = corrected
            result.corrected_ids.append(corrected)
            result.present_ids.append(corrected)
            continue
        known[source["content_hash"]] = store.insert_source(db, source, passages)
        result.source_ids.append(known[source["content_hash"]])
        result.new += 1
    store.record_import(
        db,
        actor=options.actor,
        summary={
            "file": result.path,
            "format": result.format,
            "new": result.new,
            "already_present": result.present,
            "corrected": result.corrected_ids,
            "skipped": [str(b) for b in result.skipped],
            **({"warnings": result.warnings} if result.warnings else {}),
            "first_id": result.source_ids[0] if result.source_ids else None,
            "last_id": result.source_ids[-1] if result.source_ids else None,
        },
    )
    return result


# --------------------------------------------------------------------------- record -> rows


def build_source(
    record: Record, options: ImportOptions, kind_default: str, path: Path, fmt: str
) -> tuple[dict, list[dict]]:
    """The sources row and passage rows for one record (offsets index the joined text)."""
    text, passages = _join_parts(record)
    content = [
        record.external_id,
        text,
        record.url,
        record.verdict_raw,
        record.date_raw,
        record.claim_date_raw,
        record.claimant,
    ]
    source = {
        "kind": options.kind or record.kind or kind_default,
        "external_id": record.external_id,
        "title": record.title,
        "url": record.url,
        "publisher": options.publisher or record.publisher,
        "author": record.author,
        "date": iso_date(record.date_raw),
        "date_raw": record.date_raw,
        "claim_date": iso_date(record.claim_date_raw),
        "claim_date_raw": record.claim_date_raw,
        "claimant": record.claimant,
        "verdict": verdict_slug(record.verdict_raw),
        "verdict_raw": record.verdict_raw,
        "rating_value": record.rating_value,
        "best_rating": record.best_rating,
        "worst_rating": record.worst_rating,
        "text": text,
        "extra": record.extra,
        "content_hash": hashlib.sha256(
            json.dumps(content, ensure_ascii=False).encode("utf-8")
        ).hexdigest(),
        "import_file": str(path),
        "import_format": fmt,
        "imported_at": utcnow(),
        "imported_by": options.actor,
    }
    return source, passages


def _tidy(value: str | None) -> str:
    """No-break spaces as spaces, no trailing spaces on lines, at most one blank line in a row."""
    value = (value or "").replace("\xa0", " ")
    value = re.sub(r"[ \t]+\n", "\n", value)
    return re.sub(r"\n{3,}", "\n\n", value).strip()


def _join_parts(record: Record) -> tuple[str, list[dict]]:
    text = ""
    spans: list[tuple[str, int, int]] = []
    for name in ("claim", "title", "lead", "body"):
        value = _tidy(getattr(record, name))
        if not value:
            continue
        text += "\n\n" if text else ""
        start = len(text)
        text += value
        pieces = split_passages(value) if name == "body" else [(0, len(value))]
        spans.extend((name, start + a, start + b) for a, b in pieces)
    passages: list[dict] = []
    seen: set[str] = set()
    for name, start, end in spans:
        digest = text_hash(text[start:end])
        if digest in seen:  # a title equal to the claim is embedded once
            continue
        seen.add(digest)
        passages.append(
            {
                "idx": len(passages),
                "field": name,
                "text": text[start:end],
                "start": start,
                "end": end,
                "text_hash": digest,
            }
        )
    return text, passages


def split_passages(
    text: str, max_chars: int = WINDOW_CHARS, overlap: int = WINDOW_OVERLAP
) -> list[tuple[int, int]]:
    """Windows of whole sentences up to ``max_chars``, consecutive ones sharing ``overlap``."""
    sentences = split_sentences(text, breaks="paragraph")
    spans = [piece for span in sentences for piece in _cut(text, span, max_chars)]
    windows, i = [], 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= max_chars:
            j += 1
        windows.append((spans[i][0], spans[j][1]))
        if j + 1 >= len(spans):
            break
        i = max(j + 1 - overlap, i + 1)
    return windows


def _cut(text: str, span: tuple[int, int], max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than ``max_chars`` cut at spaces into pieces that fit."""
    start, end = span
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        cut = cut if cut > start else start + max_chars
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    return pieces + [(start, end)]


def verdict_slug(raw: str | None) -> str | None:
    """A rating as a lower-case slug: "Pants on Fire!" -> "pants-on-fire"."""
    if not raw:
        return None
    slug = re.sub(r"[^\w]+", "-", raw.strip().lower()).strip("-")
    return slug or None


def _drop_duplicate_ids(records: list[Record]) -> tuple[list[Record], list[BadRow]]:
    first: dict[str, str] = {}
    kept, bad = [], []
    for record in records:
        key = record.external_id
        if key is not None and key in first:
            bad.append(BadRow(record.where, f"duplicate id {key!r} (first at {first[key]})"))
            continue
        if key is not None:
            first[key] = record.where
        kept.append(record)
    return kept, bad


# --------------------------------------------------------------------------- reading files


def detect_format(path: Path) -> str:
    """The format from a folder, the file name, and for JSON a look at the content."""
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in DOC_SUFFIXES:
        return "folder"
    if suffix == ".csv":
        return "csv"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".jsonl", ".ndjson"):
        return _sniff_jsonl(_read_text(path))
    if suffix in (".json", ".jsonld"):
        return "claimreview" if _claimreview_items(_load_json(_read_text(path), path)) else "json"
    raise InputError(
        f"cannot tell the format of {path} from its name; "
        f"give --format ({', '.join(CORPUS_FORMATS[1:])})"
    )


def _sniff_jsonl(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            try:
                first = _parsed_json(line)
            except JSON_FAILURES:
                return "jsonl"  # the reader reports the broken line
            if isinstance(first, dict) and {"vclaim_id", "vclaim"} <= set(first):
                return "checkthat"
            return "claimreview" if isinstance(first, dict) and _is_claimreview(first) else "jsonl"
    return "jsonl"


def _read_text(path: Path) -> str:
    """The file decoded as UTF-8 (else the best guess); clear errors for empty or binary files."""
    return _decoded_file(path)[0]


def _decoded_file(path: Path) -> tuple[str, str | None]:
    """:func:`_read_text`, and a warning when the file was not UTF-8 and was guessed."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path} is empty")
    if b"\x00" in data[:8192]:
        raise InputError(f"{path} looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InputError(f"{path}: cannot decode the text (save it as UTF-8)") from None
        return str(best), (
            f"not valid UTF-8: read as {best.encoding}, a guess (save the file as UTF-8 to be sure)"
        )


def _load_json(text: str, path: Path) -> Any:
    try:
        return _parsed_json(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}: broken JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except JSON_FAILURES as error:
        raise InputError(f"{path}: unreadable JSON: {_json_failure(error)}") from None


def _parsed_json(text: str) -> Any:
    """``json.loads``, refusing nesting deeper than :data:`MAX_JSON_DEPTH` (RecursionError)
    so that the readers, which walk the value recursively, never meet it."""
    value = json.loads(text)
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise RecursionError
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


def _json_failure(error: Exception) -> str:
    """Why ``json.loads`` failed, past broken syntax, in words."""
    if isinstance(error, RecursionError):
        return f"it is nested more than {MAX_JSON_DEPTH} levels deep"
    return f"a number has more than {sys.get_int_max_str_digits()} digits"


def _read_table(text: str, path: Path, options: ImportOptions, delimiter: str) -> list:
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL,
        strict=True,
    )
    rows: list[tuple[str, dict] | BadRow] = []
    header: list[str] | None = None
    line = 0
    try:
        for values in reader:
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if header is None:
                header = _header(values, path)
                continue
            rows.append(_table_row(values, header, f"line {start}"))
    except csv.Error as error:
        raise InputError(f"{path} line {reader.line_num}: {error}") from None
    if header is None:
        raise InputError(f"{path} is empty")
    if not rows:
        raise InputError(f"{path} has a header but no rows")
    return _map_rows(rows, header, path, options)


def _header(values: list[str], path: Path) -> list[str]:
    header = [v.strip() for v in values]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise InputError(f"{path}: the header names {shown_names(duplicates)} more than once")
    return header


def _table_row(values: list[str], header: list[str], where: str) -> tuple[str, dict] | BadRow:
    if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
        return BadRow(where, f"{len(values)} columns, the header has {len(header)}")
    if len(values) < len(header):
        return BadRow(where, f"{len(values)} columns, the header has {len(header)}")
    return where, dict(zip(header, values))


def _read_json(text: str, path: Path, options: ImportOptions) -> list:
    data = _load_json(text, path)
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of objects, found a {type(data).__name__}")
    rows = [
        (f"item {i}", item)
        if isinstance(item, dict)
        else BadRow(f"item {i}", f"a {type(item).__name__}, not an object")
        for i, item in enumerate(data, 1)
    ]
    return _map_rows(rows, _keys(rows), path, options)


def _jsonl_rows(text: str) -> list:
    rows: list = []
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines(): U+2028 is no break
        if not line.strip():
            continue
        try:
            item = _parsed_json(line)
        except json.JSONDecodeError as error:
            rows.append(
                BadRow(f"line {number}", f"broken JSON: {error.msg} at column {error.colno}")
            )
            continue
        except JSON_FAILURES as error:
            rows.append(BadRow(f"line {number}", f"unreadable JSON: {_json_failure(error)}"))
            continue
        rows.append(
            (f"line {number}", item)
            if isinstance(item, dict)
            else BadRow(f"line {number}", f"a {type(item).__name__}, not an object")
        )
    return rows


def _read_jsonl(text: str, path: Path, options: ImportOptions) -> list:
    rows = _jsonl_rows(text)
    return _map_rows(rows, _keys(rows), path, options)


def _keys(rows: list) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        if not isinstance(row, BadRow):
            keys.update(dict.fromkeys(row[1]))
    return list(keys)


def resolve_fields(available: list[str], given: dict[str, str], path: Path) -> dict[str, str]:
    """Role -> field name: the user's choices (checked), then the detected common names."""
    found = shown_names(available) or "(none)"
    mapping: dict[str, str] = {}
    for role, name in given.items():
        if name.split(".")[0] not in available:
            raise InputError(
                f"{path}: no field {name!r} (--{role.replace('_', '-')}-field); "
                f"fields found: {found}"
            )
        mapping[role] = name
    normal = {_normal(name): name for name in reversed(available)}
    for role, names in FIELD_NAMES.items():
        if role in mapping:
            continue
        match = next(
            (normal[n] for n in names if n in normal and normal[n] not in mapping.values()), None
        )
        if match:
            mapping[role] = match
    if "text" not in mapping:
        raise InputError(
            f"{path}: no text field (looked for {', '.join(FIELD_NAMES['text'])}; name it with "
            f"--text-field); fields found: {found}"
        )
    return mapping


def _normal(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _map_rows(rows: list, available: list[str], path: Path, options: ImportOptions) -> list:
    if not any(not isinstance(r, BadRow) for r in rows):
        return rows
    mapping = resolve_fields(available, options.fields, path)
    kind = options.kind or ("fact-check" if "verdict" in mapping else "article")
    return [r if isinstance(r, BadRow) else _mapped_record(r[1], r[0], mapping, kind) for r in rows]


def _mapped_record(row: dict, where: str, mapping: dict[str, str], kind: str) -> Record | BadRow:
    """A mapped row; its text is the claim of a fact-check when short, else body text."""

    def get(role: str) -> str | None:
        return _text(_lookup(row, mapping[role])) if role in mapping else None

    text = get("text")
    if not text:
        return BadRow(where, f"no value for {mapping['text']!r}")
    is_claim = kind == "fact-check" and len(text) <= WINDOW_CHARS
    body = "\n\n".join(t for t in ((None if is_claim else text), get("body")) if t) or None
    used = set(mapping.values())
    return Record(
        where=where,
        claim=text if is_claim else None,
        body=body,
        title=get("title"),
        lead=get("lead"),
        url=get("url"),
        date_raw=get("date"),
        claim_date_raw=get("claim_date"),
        verdict_raw=get("verdict"),
        claimant=get("claimant"),
        author=get("author"),
        publisher=get("publisher"),
        external_id=get("id"),
        kind=kind,
        extra={k: v for k, v in row.items() if k not in used and v not in (None, "")},
    )


def _lookup(row: dict, name: str) -> Any:
    """A field by name; a dotted name reaches into nested objects (JSON)."""
    if name in row:
        return row[name]
    value: Any = row
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _text(value: Any) -> str | None:
    """A stripped string without control characters (PostgreSQL refuses NUL), or None; an
    object or list gives its (first) name."""
    if isinstance(value, (dict, list)):
        return _name(value)
    if value is None:
        return None
    text = CONTROL_CHARS.sub("", str(value)).strip()
    return text or None


def _number(value: Any) -> float | None:
    """A finite number, or None (also for NaN, infinities and integers past float's range)."""
    try:
        number = float(value) if value not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _name(value: Any) -> str | None:
    """The name of a schema.org Person/Organization (or the first of a list), or a string."""
    if isinstance(value, list):
        return next((n for n in map(_name, value) if n), None)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


# --------------------------------------------------------------------------- folder


def _read_folder(path: Path, settings: Settings, warnings: list[str]) -> list:
    """A Record per document (``warnings`` gets how each was read, when not as given)."""
    from factcheck.ingest.read import load_bytes

    files = (
        [path]
        if path.is_file()
        else sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOC_SUFFIXES)
    )
    if not files:
        raise InputError(f"{path}: no {', '.join(DOC_SUFFIXES)} files in this folder")
    rows: list = []
    for file in files:
        name = file.name if file == path else str(file.relative_to(path))
        try:
            doc = load_bytes(
                file.read_bytes(),
                source=str(file),
                source_kind="file",
                settings=settings,
                name=file.name,
                read_as="article",  # a reference document is prose, never turns to cut
            )
        except InputError as error:
            rows.append(BadRow(f"file {name}", str(error)))
            continue
        warnings.extend(f"file {name}: {warning}" for warning in doc.warnings)
        rows.append(
            Record(
                where=f"file {name}",
                title=doc.title,
                body=doc.text,
                publisher=doc.publisher,
                date_raw=doc.published_date,
                external_id=name,
                extra={"language": doc.language} if doc.language else {},
            )
        )
    return rows


# --------------------------------------------------------------------------- ClaimReview


def _is_claimreview(item: dict) -> bool:
    types = item.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(
        isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "ClaimReview"
        for t in types
    )


def _claimreview_items(data: Any) -> list[dict]:
    """The ClaimReview objects of a JSON-LD document (object, list, @graph) or an API reply."""
    if isinstance(data, list):
        return [item for entry in data for item in _claimreview_items(entry)]
    if not isinstance(data, dict):
        return []
    if isinstance(data.get("@graph"), list):
        return _claimreview_items(data["@graph"])
    if isinstance(data.get("claims"), list):
        return [
            review
            for claim in data["claims"]
            if isinstance(claim, dict)
            for review in _from_factcheck_api(claim)
        ]
    return [data] if _is_claimreview(data) else []


def _from_factcheck_api(claim: dict) -> list[dict]:
    """A Fact Check Tools API claim as ClaimReview objects, one per review."""
    return [
        {
            "@type": "ClaimReview",
            "claimReviewed": claim.get("text"),
            "url": review.get("url"),
            "headline": review.get("title"),
            "datePublished": review.get("reviewDate"),
            "publisher": review.get("publisher"),
            "inLanguage": review.get("languageCode"),
            "reviewRating": {"alternateName": review.get("textualRating")},
            "itemReviewed": {
                "author": claim.get("claimant"),
                "datePublished": claim.get("claimDate"),
            },
        }
        for review in claim.get("claimReview") or []
        if isinstance(review, dict)
    ]


def _read_claimreview(text: str, path: Path, options: ImportOptions) -> list:
    rows: list[Record | BadRow] = []
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for entry in _jsonl_rows(text):
            if isinstance(entry, BadRow):
                rows.append(entry)
            else:
                rows.extend(_claimreview_record(i, entry[0]) for i in _claimreview_items(entry[1]))
    else:
        items = _claimreview_items(_load_json(text, path))
        rows = [_claimreview_record(item, f"item {n}") for n, item in enumerate(items, 1)]
    if not rows:
        raise InputError(
            f"{path}: no ClaimReview objects found (an object, a list or an "
            '@graph with "@type": "ClaimReview" is expected)'
        )
    return rows


def _claimreview_record(item: dict, where: str) -> Record | BadRow:
    claim = _text(item.get("claimReviewed"))
    if not claim:
        return BadRow(where, "a ClaimReview without claimReviewed")
    rating, reviewed = _review_rating(item.get("reviewRating")), item.get("itemReviewed")
    reviewed = reviewed if isinstance(reviewed, dict) else {}
    author = item.get("author")
    organisation = isinstance(author, dict) and author.get("@type") == "Organization"
    appearances = [
        _text(a.get("url")) if isinstance(a, dict) else _text(a)
        for key in ("appearance", "firstAppearance")
        for a in _as_list(reviewed.get(key))
    ]
    extra: dict[str, Any] = (
        {"appearances": [a for a in appearances if a]} if any(appearances) else {}
    )
    if item.get("inLanguage"):
        extra["language"] = _text(item["inLanguage"])
    return Record(
        where=where,
        claim=claim,
        title=_text(item.get("headline") or item.get("name")),
        lead=_text(item.get("description")),
        body=_text(item.get("reviewBody")),
        url=_text(item.get("url")),
        date_raw=_text(item.get("datePublished")),
        claim_date_raw=_text(reviewed.get("datePublished")),
        verdict_raw=_text(rating.get("alternateName") or rating.get("name")),
        rating_value=_number(rating.get("ratingValue")),
        best_rating=_number(rating.get("bestRating")),
        worst_rating=_number(rating.get("worstRating")),
        claimant=_name(reviewed.get("author")),
        author=None if organisation else _name(author),
        publisher=_name(item.get("publisher")) or (_name(author) if organisation else None),
        external_id=_text(item.get("@id") or item.get("identifier")),
        kind="fact-check",
        extra=extra,
    )


def _review_rating(value: Any) -> dict:
    """A ClaimReview's ``reviewRating`` as a Rating object: publishers also write the label
    alone (``"reviewRating": "False"``), a bare number, or a list of Ratings."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (dict, str))), None)
    if isinstance(value, str):
        return {"alternateName": value}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"ratingValue": value}
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


# --------------------------------------------------------------------------- CheckThat!


def _read_checkthat(text: str, path: Path, options: ImportOptions) -> list:
    rows = _jsonl_rows(text)
    first = next((r for r in rows if not isinstance(r, BadRow)), None)
    if first is not None and not {"vclaim_id", "vclaim"} <= set(first[1]):
        raise InputError(
            f"{path}: not a CheckThat! vclaims file (needs vclaim_id and vclaim); "
            f"fields found: {shown_names(first[1])}"
        )
    return [r if isinstance(r, BadRow) else _checkthat_record(r[1], r[0]) for r in rows]


_POLITIFACT_DATE = re.compile(r"/factchecks/(\d{4})/([a-z]{3})/(\d{1,2})/")
_CHECKTHAT_USED = {
    "vclaim_id",
    "vclaim",
    "title",
    "subtitle",
    "author",
    "date",
    "truth_label",
    "speaker",
    "url",
    "text_lead",
}


def _checkthat_record(row: dict, where: str) -> Record | BadRow:
    """A Snopes (2A) or PolitiFact (2B) verified claim: claim, title and subtitle/lead kept apart."""
    claim, vclaim_id = _text(row.get("vclaim")), _text(row.get("vclaim_id"))
    if not claim or not vclaim_id:
        return BadRow(where, "no vclaim" if vclaim_id else "no vclaim_id")
    politifact = "truth_label" in row or "-pol-" in vclaim_id
    record = Record(
        where=where,
        claim=claim,
        title=_text(row.get("title")),
        lead=_text(row.get("subtitle")) or _text(row.get("text_lead")),
        external_id=vclaim_id,
        author=_text(row.get("author")),
        claimant=_text(row.get("speaker")),
        verdict_raw=_text(row.get("truth_label")),
        kind="fact-check",
        publisher="PolitiFact" if politifact else "Snopes" if "-sno-" in vclaim_id else None,
        extra={k: v for k, v in row.items() if k not in _CHECKTHAT_USED},
    )
    url = _text(row.get("url"))
    record.url = POLITIFACT + url if url and url.startswith("/") and politifact else url
    if politifact:  # "date" is when the claim was stated; the URL holds the review date
        record.claim_date_raw = _text(row.get("date"))
        found = _POLITIFACT_DATE.search(url or "")
        record.date_raw = " ".join(reversed(found.groups())) if found else None
    else:
        record.date_raw = _text(row.get("date"))
    return record


READERS: dict[str, Callable[[str, Path, ImportOptions], list]] = {
    "csv": lambda text, path, options: _read_table(text, path, options, ","),
    "tsv": lambda text, path, options: _read_table(text, path, options, "\t"),
    "json": _read_json,
    "jsonl": _read_jsonl,
    "claimreview": _read_claimreview,
    "checkthat": _read_checkthat,
}
