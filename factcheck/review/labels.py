"""Import reviewers' labels given in other tools: a long-format CSV, one label a row.

Columns (header names case-insensitive): ``claim`` (a whole number is a claim id, anything else
the claim's text; or the explicit ``claim_id`` / ``claim_text``), ``reviewer``, ``label``, and
optionally ``timestamp`` (ISO 8601), ``confidence`` (0-1) and ``rationale``. Each row goes
through :func:`factcheck.review.workflow.import_verdict` (a claim unknown by text is created in an
"imported" article); a later row for the same claim and reviewer updates the earlier one.

All rows are written in one transaction. Bad rows (unknown label, missing claim, bad timestamp)
are reported with their line numbers (the header is line 1) and nothing is written, unless
``skip_bad`` is set: then only the good rows are written and the bad ones listed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from factcheck.errors import FactcheckError, InputError
from factcheck.review.scales import get_scale
from factcheck.review.workflow import claim_scale, import_verdict
from factcheck.storage import Database
from factcheck.storage.review import write_transaction

REQUIRED = ("reviewer", "label")
CLAIM_COLUMNS = ("claim", "claim_id", "claim_text")
MAX_LISTED = 20


@dataclass
class LabelImport:
    """What an import did: rows imported, claims created, bad rows ('line N: why')."""

    scale: str
    imported: int = 0
    claims_created: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        text = (
            f"imported {self.imported} labels on the {self.scale} scale "
            f"({self.claims_created} new claims)"
        )
        return text + (f"; skipped {len(self.skipped)} bad rows" if self.skipped else "")


def _text(data: bytes | str | Path) -> str:
    if isinstance(data, (str, Path)):
        path = Path(data)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read {path} ({error.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the labels file is not UTF-8 text; save it as UTF-8 CSV") from None


def _rows(text: str) -> list[tuple[int, dict]]:
    """(line number, row with lower-case keys) for each data row."""
    reader = csv.DictReader(io.StringIO(text))
    header = [str(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing or not set(CLAIM_COLUMNS) & set(header):
        raise InputError(
            f"the labels file needs columns claim (or claim_id / claim_text), "
            f"reviewer and label; found: {', '.join(header) or 'nothing'}"
        )
    reader.fieldnames = header
    rows, line = [], 2
    for row in reader:
        rows.append((line, {k: (v or "").strip() for k, v in row.items() if k}))
        line = reader.line_num + 1
    if not rows:
        raise InputError("the labels file has a header but no rows")
    return rows


def _claim(row: dict) -> dict:
    value = row.get("claim_id") or row.get("claim", "")
    text = row.get("claim_text") or ("" if re.fullmatch(r"\d+", value) else value)
    if text:
        return {"claim_text": text}
    if re.fullmatch(r"\d+", value):
        return {"claim_id": int(value)}
    raise InputError("no claim: give its id or its text")


def _import_row(db: Database, row: dict, scale: str, actor: str) -> dict:
    return import_verdict(
        db,
        actor,
        reviewer=row.get("reviewer", ""),
        label=row["label"],
        scale=scale,
        confidence=row.get("confidence") or None,
        rationale=row.get("rationale", ""),
        created_at=row.get("timestamp") or None,
        **_claim(row),
    )


def _report(bad: list[str]) -> str:
    listed = "; ".join(bad[:MAX_LISTED])
    more = f"; and {len(bad) - MAX_LISTED} more" if len(bad) > MAX_LISTED else ""
    return (
        f"{len(bad)} bad rows, nothing imported (fix them, or skip them with --skip-bad): "
        f"{listed}{more}"
    )


def import_labels(
    db: Database,
    data: bytes | str | Path,
    *,
    scale: str | None = None,
    actor: str = "cli",
    skip_bad: bool = False,
) -> LabelImport:
    """Import a long-format labels CSV (see module doc) in one transaction."""
    rows = _rows(_text(data))
    chosen = get_scale(scale).name if scale else claim_scale(db).name
    result, bad = LabelImport(chosen), []
    with write_transaction(db):
        for line, row in rows:
            try:
                with db.atomic():  # a savepoint: a row that fails leaves nothing behind
                    done = _import_row(db, row, chosen, actor)
            except FactcheckError as error:
                bad.append(f"line {line}: {error}")
                continue
            result.imported += 1
            result.claims_created += int(done["claim_created"])
        if bad and not skip_bad:
            raise InputError(_report(bad))
    result.skipped = bad
    return result
