"""The verdict table and its export formats.

:func:`verdict_table` builds one pandas DataFrame, one row per claim that has at least one
verdict, with the columns of :data:`COLUMNS` in that order. Every format is written from it:

- ``csv`` / ``tsv``: UTF-8 (no BOM), CRLF row ends, minimal quoting. A text cell that begins
  with ``=``, ``+``, ``-``, ``@``, tab or carriage return -- or with single quotes followed by
  one of those -- gets one more leading single quote, so no spreadsheet runs it as a formula.
  :func:`read_export` reads such a file back with pandas and removes exactly that quote: the
  result equals :func:`verdict_table` (same columns, dtypes and values; missing text is ``""``).
- ``xlsx``: sheets Verdicts, Sources (one row per citation) and Correction log (every recorded
  change to the exported claims); frozen header, autofilter, clickable http(s) links. Text is
  stored as text cells (never formulas), so it is kept verbatim.
- ``json`` (a list of row objects) and ``jsonl`` (one object a line): the same table.
- ``markdown``: a readable report, every untrusted text escaped (no links, HTML or images from
  claims, rationales or sources; only http(s) URLs become links).
- ``claimreview``: schema.org ClaimReview JSON-LD for published verdicts
  (:mod:`factcheck.corpus.claimreview`).
- ``annotations`` (long-format labels, CSV) and ``trec-run`` (the matches): research exports
  (:mod:`factcheck.agreement.reports`).

Multi-valued cells (sources, reviewers) hold one line per item; line i of ``source_urls``,
``source_titles``, ``source_quotes`` and ``source_stances`` describe the same citation
(line breaks inside an item become spaces). JSON, JSON Lines and ClaimReview write ``<``, ``>``,
``&``, U+2028 and U+2029 inside strings as ``\u003c``, ``\u003e``, ``\u0026``, ``\u2028``,
``\u2029`` (:func:`factcheck.text.html_safe_json`): the same data, safe to paste into an HTML
``<script>`` element.

Sources of a published claim are the ones its published verdict cites (the citations the editor
chose when publishing); all of its citations when it was published before that choice existed.

**Who sees what** (:mod:`factcheck.export.visibility`). Every function here and in
:mod:`factcheck.agreement.reports` takes ``viewer``, an account name; None is local
administration (the CLI without ``--as``), which sees everything, as do accounts allowed
``see_all`` (editors and admins). For any other account (checkers, viewers):

1. *Hidden claims.* A claim on which blind review hides others' work from the viewer (blind mode
   on for its article, not published, and no verdict of the viewer's own on it:
   :func:`factcheck.review.workflow.blinded_claims`) is left out of everything -- the verdict
   table, every format, the Sources sheet, the Correction log, the annotations and the
   agreement figures -- since its mere presence would tell that someone has reviewed it.
2. *Restricted claims.* An account that may not review (the ``viewer`` role) sees the claims of
   articles under blind mode without any reviewer's own work: ``reviewers`` and
   ``reviewer_verdicts`` are empty, ``rationale`` is only the editor's final one (an agreed
   verdict's rationale is the reviewers' own text: empty), the Sources sheet keeps the
   published sources only, with no ``cited_by`` or ``note``, the Correction log keeps only the
   desk's record (events by editors, admins or the system about the claim, its status and its
   final verdict; no verdicts, citations or assignments of reviewers), the annotations and the
   reviewers' agreement leave the claim out, and source agreement counts only its published
   sources. The ``reviewer`` filter never matches a restricted claim. With blind mode off for an
   article, its claims are not restricted.
3. Everything else is shown in full: a checker who has saved a verdict on a claim, or whose
   claim is published or not under blind mode, sees every reviewer's work on it, as on the
   claim page.

The columns never change (a fixed schema); what the viewer may not see is left empty.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlparse

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from factcheck.agreement import reports as research
from factcheck.config import load_settings
from factcheck.corpus import claimreview
from factcheck.errors import FactcheckError, InputError
from factcheck.export.tables import plain, read_delimited, records, to_delimited, typed
from factcheck.export.visibility import Visibility, visibility
from factcheck.review import workflow
from factcheck.review.scales import get_scale, label_key
from factcheck.storage import Database
from factcheck.storage import export as store
from factcheck.text import escape_markdown, html_safe_json
from factcheck.vocab import EXPORT_FORMATS, STANCES, STATUSES

# (name, type, meaning): the verdict table's columns, in order. Types: int, float, str.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("claim_id", "int", "the claim's id"),
    ("claim_text", "str", "the claim as extracted (or imported)"),
    ("speaker", "str", "who made the claim, when known"),
    ("article_id", "int", "the article the claim comes from"),
    ("article_title", "str", "its title"),
    ("article_url", "str", "its URL (articles fetched from the web)"),
    ("article_publisher", "str", "its publisher"),
    ("article_date", "str", "its publication date (ISO 8601)"),
    ("status", "str", "the claim's review status"),
    (
        "verdict_label",
        "str",
        "the final verdict: the editor's, else the label all reviewers "
        "agreed on once the claim reached 'verdict'",
    ),
    ("verdict_ordinal", "float", "its ordinal value on the scale (empty if not ordinal)"),
    ("verdict_scale", "str", "the verdict scale"),
    ("verdict_by", "str", "the editor who gave the final verdict, or 'agreed'"),
    ("rationale", "str", "the final verdict's rationale (agreed by several: each one's)"),
    ("source_urls", "str", "URL of each cited source, one a line"),
    ("source_titles", "str", "title of each cited source, one a line"),
    ("source_quotes", "str", "quoted passage of each cited source, one a line"),
    ("source_stances", "str", f"stance of each cited source ({', '.join(STANCES)})"),
    ("reviewers", "str", "the reviewers assigned or with a verdict, one a line"),
    ("reviewer_verdicts", "str", "each reviewer's own verdict, 'name: label' one a line"),
    ("claim_created_at", "str", "when the claim was stored (UTC, ISO 8601)"),
    ("claim_updated_at", "str", "its last change"),
    ("verdict_at", "str", "when the final verdict was given, else the latest individual one"),
    ("published_at", "str", "when the verdict was published"),
)
NAMES = [name for name, _, _ in COLUMNS]
SOURCE_COLUMNS = (
    ("claim_id", "int"),
    ("citation_id", "int"),
    ("stance", "str"),
    ("url", "str"),
    ("title", "str"),
    ("quote", "str"),
    ("publisher", "str"),
    ("passage_id", "int"),
    ("source_id", "int"),
    ("accessed_at", "str"),
    ("note", "str"),
    ("cited_by", "str"),
    ("cited_at", "str"),
)
LOG_COLUMNS = (
    ("event_id", "int"),
    ("at", "str"),
    ("actor", "str"),
    ("action", "str"),
    ("claim_id", "int"),
    ("entity", "str"),
    ("entity_id", "int"),
    ("before", "str"),
    ("after", "str"),
)
EXTENSIONS = {
    "csv": "csv",
    "tsv": "tsv",
    "xlsx": "xlsx",
    "json": "json",
    "jsonl": "jsonl",
    "markdown": "md",
    "claimreview": "jsonld",
    "annotations": "csv",
    "trec-run": "run",
}
MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "jsonl": "application/jsonl",
    "markdown": "text/markdown",
    "claimreview": "application/ld+json",
    "annotations": "text/csv",
    "trec-run": "text/plain",
}


@dataclass(frozen=True)
class ExportFilters:
    """Which claims to export; None means no filter.

    ``date_from`` / ``date_to`` (inclusive, ISO dates) apply to ``verdict_at``; ``verdict``
    matches the final label loosely ("pants-fire" == "Pants on Fire!"); ``reviewer`` keeps
    claims the reviewer is assigned to or gave a verdict on.
    """

    article_id: int | None = None
    statuses: tuple[str, ...] | None = None
    date_from: str | date | None = None
    date_to: str | date | None = None
    reviewer: str | None = None
    verdict: str | None = None


# --------------------------------------------------------------------------- the table


def _date(value, what: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError(f"{what} must be a date like 2024-05-31, got {value!r}") from None


def checked_filters(filters: ExportFilters | None) -> ExportFilters:
    """``filters`` validated (statuses known, dates ISO, from <= to)."""
    filters = filters or ExportFilters()
    statuses = (filters.statuses,) if isinstance(filters.statuses, str) else filters.statuses
    unknown = [s for s in statuses or () if s not in STATUSES]
    if unknown:
        raise InputError(
            f"unknown status {', '.join(map(repr, unknown))}; choose from: {', '.join(STATUSES)}"
        )
    low, high = _date(filters.date_from, "from date"), _date(filters.date_to, "to date")
    if low and high and low > high:
        raise InputError(f"the from date {low} is after the to date {high}")
    return ExportFilters(
        filters.article_id,
        tuple(statuses) if statuses else None,
        low,
        high,
        (filters.reviewer or "").strip() or None,
        (filters.verdict or "").strip() or None,
    )


def _one_line(value) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", str(value or "")).strip()


def _lines(values) -> str:
    return "\n".join(_one_line(v) for v in values)


def _final(claim: dict, verdicts: list[dict]) -> dict:
    """The claim's final verdict: the editor's, else the agreed one (see COLUMNS)."""
    final = next((v for v in verdicts if v["is_final"]), None)
    individual = [v for v in verdicts if not v["is_final"]]
    latest = max((v["updated_at"] for v in verdicts), default=None)
    if final is not None:
        return {
            "verdict_label": final["label"],
            "verdict_ordinal": final["ordinal"],
            "verdict_scale": final["scale"],
            "verdict_by": final["reviewer"],
            "rationale": final["rationale"],
            "verdict_at": final["updated_at"],
        }
    agreed = {(v["scale"], v["label"]) for v in individual}
    if claim["status"] in ("verdict", "published") and len(agreed) == 1:
        first = individual[0]
        rationale = (
            first["rationale"]
            if len(individual) == 1
            else "\n\n".join(
                f"{v['reviewer']}: {v['rationale']}" for v in individual if v["rationale"]
            )
        )
        return {
            "verdict_label": first["label"],
            "verdict_ordinal": first["ordinal"],
            "verdict_scale": first["scale"],
            "verdict_by": "agreed",
            "rationale": rationale,
            "verdict_at": latest,
        }
    return {"verdict_at": latest}


def _row(
    claim: dict,
    verdicts: list[dict],
    citations: list[dict],
    assigned: list[str],
    per_reviewer: bool = True,
) -> dict:
    individual = [v for v in verdicts if not v["is_final"]]
    people = list(dict.fromkeys([*assigned, *(v["reviewer"] for v in individual)]))
    final = _final(claim, verdicts)
    if not per_reviewer:  # a restricted claim: no reviewer's own work (see the docstring)
        people, individual = [], []
        if final.get("verdict_by") == "agreed":
            final["rationale"] = ""
    return (
        claim
        | final
        | {
            "source_urls": _lines(c["url"] for c in citations),
            "source_titles": _lines(c["title"] for c in citations),
            "source_quotes": _lines(c["quote"] for c in citations),
            "source_stances": _lines(c["stance"] for c in citations),
            "reviewers": _lines(people),
            "reviewer_verdicts": _lines(f"{v['reviewer']}: {v['label']}" for v in individual),
        }
    )


def _canonical(scale: str, label: str) -> str | None:
    """``label`` as named on ``scale`` (aliases too), None when the scale lacks it."""
    try:
        return get_scale(scale).normalise(label)
    except FactcheckError:
        return None


def _verdict_is(frame: pd.DataFrame, wanted: str) -> pd.Series:
    names = {s: _canonical(s, wanted) for s in frame["verdict_scale"].unique() if s}
    same_key = frame["verdict_label"].map(label_key) == label_key(wanted)
    return same_key | (frame["verdict_scale"].map(names) == frame["verdict_label"])


def _filtered(frame: pd.DataFrame, filters: ExportFilters) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if filters.verdict:
        keep &= _verdict_is(frame, filters.verdict)
    day = frame["verdict_at"].str.slice(0, 10)
    if filters.date_from:
        keep &= day >= filters.date_from
    if filters.date_to:
        keep &= day <= filters.date_to
    return frame[keep].reset_index(drop=True)


def _visible_table(
    db: Database, filters: ExportFilters | None, viewer: str | None
) -> tuple[pd.DataFrame, Visibility]:
    """The verdict table as ``viewer`` may see it, and what they may see."""
    filters = checked_filters(filters)
    claims = store.claim_rows(
        db, article_id=filters.article_id, statuses=filters.statuses, reviewer=filters.reviewer
    )
    seen = visibility(db, viewer, [c["claim_id"] for c in claims])
    claims = [
        c
        for c in claims
        if seen.shown(c["claim_id"]) and (seen.per_reviewer(c["claim_id"]) or not filters.reviewer)
    ]
    ids = [c["claim_id"] for c in claims]
    status = {c["claim_id"]: c["status"] for c in claims}
    verdicts, citations, assigned = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in store.verdict_rows(db, ids):
        verdicts[row["claim_id"]].append(row)
    for row in seen.citations(store.citation_rows(db, ids), status):
        citations[row["claim_id"]].append(row)
    for row in store.assignment_rows(db, ids):
        assigned[row["claim_id"]].append(row["reviewer"])
    rows = [
        _row(
            c,
            verdicts[c["claim_id"]],
            citations[c["claim_id"]],
            assigned[c["claim_id"]],
            seen.per_reviewer(c["claim_id"]),
        )
        for c in claims
    ]
    return _filtered(typed(pd.DataFrame(rows), COLUMNS), filters), seen


def verdict_table(
    db: Database, filters: ExportFilters | None = None, viewer: str | None = None
) -> pd.DataFrame:
    """The verdict table (columns and dtypes of :data:`COLUMNS`), one row per claim, as
    ``viewer`` (an account name; None: everything) may see it (see the module docstring)."""
    return _visible_table(db, filters, viewer)[0]


def sources_table(db: Database, claim_ids, viewer: str | None | Visibility = None) -> pd.DataFrame:
    """One row per citation of the claims (:data:`SOURCE_COLUMNS`) that ``viewer`` may see."""
    ids = [int(i) for i in claim_ids]
    seen = viewer if isinstance(viewer, Visibility) else visibility(db, viewer, ids)
    status = store.claim_statuses(db, ids)
    rows = seen.citations(store.citation_rows(db, ids), status)
    return typed(pd.DataFrame(rows), SOURCE_COLUMNS)


def correction_log(db: Database, claim_ids, viewer: str | None | Visibility = None) -> pd.DataFrame:
    """Every recorded change to the claims that ``viewer`` may see, oldest first; before/after
    as JSON text."""
    ids = [int(i) for i in claim_ids]
    seen = viewer if isinstance(viewer, Visibility) else visibility(db, viewer, ids)
    return typed(pd.DataFrame(seen.events(store.event_rows(db, ids))), LOG_COLUMNS)


def claimreview_organisation(db: Database) -> claimreview.Organisation | None:
    """The ClaimReview author: the organisation set on the editor's desk, else the
    FACTCHECK_ORG_NAME/URL settings (:func:`factcheck.review.workflow.organisation`), with the
    FACTCHECK_REVIEW_URL template; None without a name."""
    found = workflow.organisation(db)
    if not found.get("name"):
        return None
    return claimreview.Organisation(found["name"], found.get("url"), load_settings().review_url)


# --------------------------------------------------------------------------- reading back


def read_export(data, fmt: str = "csv", columns=COLUMNS) -> pd.DataFrame:
    """A csv, tsv, json or jsonl export (path, bytes or file) back as the table written."""
    if fmt in ("csv", "tsv"):
        return read_delimited(data, columns, "\t" if fmt == "tsv" else ",")
    if fmt not in ("json", "jsonl"):
        raise InputError(f"cannot read {fmt!r} back; choose csv, tsv, json or jsonl")
    if isinstance(data, (bytes, bytearray)):
        text = data.decode("utf-8")
    elif hasattr(data, "read"):
        text = data.read()
        text = text.decode("utf-8") if isinstance(text, bytes) else text
    else:
        with open(data, encoding="utf-8") as handle:
            text = handle.read()
    rows = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines() if x]
    return typed(pd.DataFrame(rows, columns=[c[0] for c in columns]), columns)


# --------------------------------------------------------------------------- JSON


def to_json(frame: pd.DataFrame) -> bytes:
    """A list of row objects, safe to paste into an HTML page."""
    text = json.dumps(records(frame), ensure_ascii=False, indent=2)
    return (html_safe_json(text) + "\n").encode("utf-8")


def to_jsonl(frame: pd.DataFrame) -> bytes:
    """One row object a line, safe to paste into an HTML page."""
    return "".join(
        html_safe_json(json.dumps(r, ensure_ascii=False)) + "\n" for r in records(frame)
    ).encode("utf-8")


# --------------------------------------------------------------------------- Excel


def _http(url: str) -> bool:
    parsed = urlparse(url)
    return (
        parsed.scheme in ("http", "https")
        and bool(parsed.netloc)
        and not any(ch.isspace() for ch in url)
    )


def _cell_value(value):
    value = plain(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet(workbook: Workbook, title: str, frame: pd.DataFrame, links=()) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c, _cell_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: never a formula
                if frame.columns[c - 1] in links and _http(cell.value):
                    cell.hyperlink, cell.style = cell.value, "Hyperlink"
    for c, name in enumerate(frame.columns, start=1):
        longest = max([len(name), *(len(str(v)) for v in frame[name].head(200))])
        sheet.column_dimensions[sheet.cell(1, c).column_letter].width = min(60, longest + 2)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def to_xlsx(table: pd.DataFrame, sources: pd.DataFrame, log: pd.DataFrame) -> bytes:
    """The workbook: Verdicts, Sources, Correction log."""
    workbook = Workbook()
    if workbook.active is not None:  # a new workbook's empty default sheet
        workbook.remove(workbook.active)
    _sheet(workbook, "Verdicts", table, links=("article_url", "source_urls"))
    _sheet(workbook, "Sources", sources, links=("url",))
    _sheet(workbook, "Correction log", log)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- Markdown


def md_escape(text) -> str:
    """Untrusted text for the report: :func:`factcheck.text.escape_markdown`, on one line."""
    return escape_markdown(text, one_line=True, break_links=False)


def _md_link(url: str) -> str:
    return f"<{url}>" if _http(url) and not re.search(r"[<>]", url) else md_escape(url)


def _md_claim(row: dict) -> list[str]:
    ordinal = "" if row["verdict_ordinal"] is None else f", {row['verdict_ordinal']:g}"
    verdict = (
        f"{md_escape(row['verdict_label'])} ({md_escape(row['verdict_scale'])}{ordinal})"
        if row["verdict_label"]
        else "no final verdict yet"
    )
    article = md_escape(row["article_title"] or f"article {row['article_id']}")
    extra = [md_escape(x) for x in (row["article_publisher"], row["article_date"]) if x]
    lines = [
        f"## Claim {row['claim_id']}",
        "",
        f"> {md_escape(row['claim_text'])}",
        "",
        f"- **Verdict:** {verdict}",
        f"- **Status:** {md_escape(row['status'])}",
        f"- **Speaker:** {md_escape(row['speaker']) or 'unknown'}",
        f"- **Article:** {', '.join([article, *extra])}"
        + (f" {_md_link(row['article_url'])}" if row["article_url"] else ""),
    ]
    if row["reviewer_verdicts"]:
        lines.append(
            "- **Reviewers:** "
            + "; ".join(md_escape(v) for v in row["reviewer_verdicts"].split("\n"))
        )
    if row["rationale"]:
        lines += ["", "**Rationale:** " + md_escape(row["rationale"])]
    sources = (
        zip(
            *(
                row[k].split("\n")
                for k in ("source_stances", "source_titles", "source_urls", "source_quotes")
            )
        )
        if row["source_stances"]
        else []
    )
    items = [
        f"{n}. *{md_escape(stance)}* {md_escape(title)} "
        f"{_md_link(url) if url else ''}" + (f" — “{md_escape(quote)}”" if quote else "")
        for n, (stance, title, url, quote) in enumerate(sources, start=1)
    ]
    if items:
        lines += ["", "**Sources:**", "", *items]
    return lines + [""]


def to_markdown(frame: pd.DataFrame, generated: datetime | None = None) -> bytes:
    """A readable verdict report."""
    generated = generated or datetime.now(UTC)
    lines = [
        "# Verdict report",
        "",
        f"Generated {generated.isoformat(timespec='seconds')}; {len(frame)} claims.",
        "",
    ]
    if frame.empty:
        lines.append("No claims match.")
    for row in records(frame):
        lines += _md_claim(row)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


# --------------------------------------------------------------------------- entry point


def export(
    db: Database,
    fmt: str,
    filters: ExportFilters | None = None,
    viewer: str | None = None,
) -> bytes:
    """The export in format ``fmt`` (one of :data:`factcheck.vocab.EXPORT_FORMATS`) as
    ``viewer`` (an account name; None: local administration, everything) may see it."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}"
        )
    if fmt == "trec-run":  # the matches: the system's, no reviewer's work
        if viewer is not None:
            workflow.account(db, viewer, "read")
        return research.trec_run(db, _article_only(filters)).encode("utf-8")
    table, seen = _visible_table(db, filters, viewer)
    ids = table["claim_id"].tolist()
    if fmt in ("csv", "tsv"):
        return to_delimited(table, "\t" if fmt == "tsv" else ",")
    if fmt == "xlsx":
        return to_xlsx(table, sources_table(db, ids, seen), correction_log(db, ids, seen))
    if fmt == "json":
        return to_json(table)
    if fmt == "jsonl":
        return to_jsonl(table)
    if fmt == "markdown":
        return to_markdown(table)
    if fmt == "claimreview":
        rows = records(table)
        published = [r for r in rows if r["status"] == "published" and r["verdict_label"]]
        org = claimreview_organisation(db) if published else None
        reviews = claimreview.claim_reviews(published, org)
        return (html_safe_json(json.dumps(reviews, ensure_ascii=False, indent=2)) + "\n").encode()
    shown = [i for i in ids if seen.per_reviewer(i)]
    return to_delimited(research.annotations_table(db, shown, viewer))


def _article_only(filters: ExportFilters | None) -> int | None:
    """The article filter of a TREC run export (the only filter that applies to matches)."""
    filters = checked_filters(filters)
    if any(
        [filters.statuses, filters.date_from, filters.date_to, filters.reviewer, filters.verdict]
    ):
        raise InputError(
            "a trec-run export covers every match; only the article filter applies to it"
        )
    return filters.article_id
