"""Research exports and agreement over the database.

- :func:`annotations_table`: every reviewer's own label in long form (claim, reviewer, label,
  ordinal value, scale, time); editors' final verdicts are left out.
- :func:`trec_run`: the matches as a TREC run file, ``claim_id Q0 passage_id rank score tag``,
  one line a match; the tag is the method, with the model after a dash when there is one.
- :func:`reviewer_report` / :func:`source_report`: :mod:`factcheck.agreement.statistics` over the stored
  verdicts (one scale at a time) and over the cited sources' stances.
- :func:`agreement_rows`: a report as one tidy table (statistic, subject, value, CI, n, note).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd
import sqlite_utils

from factcheck.agreement.statistics import (
    AgreementError,
    AgreementReport,
    SourceAgreement,
    reviewer_agreement,
)
from factcheck.agreement.statistics import source_agreement as _source_agreement
from factcheck.errors import InputError
from factcheck.export.tables import to_delimited, typed
from factcheck.review.scales import get_scale
from factcheck.review.workflow import annotations_long
from factcheck.storage import export as store
from factcheck.vocab import AGREEMENT_SCOPES, POLAR_STANCES

ANNOTATION_COLUMNS = (
    ("claim_id", "int"),
    ("reviewer", "str"),
    ("label", "str"),
    ("ordinal", "float"),
    ("scale", "str"),
    ("created_at", "str"),
    ("updated_at", "str"),
)
ROW_COLUMNS = ("statistic", "subject", "value", "ci_low", "ci_high", "n", "note")


# --------------------------------------------------------------------------- exports


def annotations_table(db: sqlite_utils.Database, claim_ids=None) -> pd.DataFrame:
    """Individual labels in long form (:data:`ANNOTATION_COLUMNS`), optionally of some claims."""
    frame = pd.DataFrame(annotations_long(db), columns=[c[0] for c in ANNOTATION_COLUMNS])
    if claim_ids is not None:
        frame = frame[frame["claim_id"].isin(list(claim_ids))]
    return typed(frame, ANNOTATION_COLUMNS)


def _run_tag(method: str, model: str) -> str:
    return re.sub(r"[^\w.-]+", "_", f"{method}-{model}" if model else method)


def trec_run(db: sqlite_utils.Database, article_id: int | None = None) -> str:
    """The stored matches (of one article, or all) as a TREC run file."""
    return "".join(
        f"{m['claim_id']} Q0 {m['passage_id']} {m['rank']} {m['score']:.6f} "
        f"{_run_tag(m['method'], m['model'])}\n"
        for m in store.match_rows(db, article_id)
    )


# --------------------------------------------------------------------------- agreement


def _one_scale(found: set[str], scale: str | None, what: str) -> str | None:
    if scale is not None:
        return get_scale(scale).name
    if len(found) > 1:
        raise InputError(
            f"the {what} use several scales ({', '.join(sorted(found))}); choose one scale"
        )
    return next(iter(found), None)


def reviewer_report(
    db: sqlite_utils.Database, scale: str | None = None, *, resamples: int = 1000, seed: int = 0
) -> AgreementReport:
    """Agreement between reviewers' own verdicts on one scale (the only one used, or ``scale``)."""
    chosen = _one_scale({r["scale"] for r in annotations_long(db)}, scale, "verdicts")
    rows = annotations_long(db, scale=chosen) if chosen else []
    if not rows:
        where = f" on the {chosen} scale" if chosen else ""
        raise AgreementError(
            f"agreement needs at least two reviewers on the same claim; found no verdicts{where}"
        )
    return reviewer_agreement(pd.DataFrame(rows), chosen, resamples=resamples, seed=seed)


def source_name(row: dict) -> str:
    """A cited source's name: its publisher, else its title, else its URL's host."""
    host = urlparse(row.get("url") or "").netloc.removeprefix("www.")
    return row.get("publisher") or row.get("title") or host or f"source {row.get('source_id')}"


def source_report(db: sqlite_utils.Database, scale: str | None = None) -> SourceAgreement:
    """Agreement of the cited sources with the final verdicts and with each other."""
    rows = store.source_stance_rows(db)
    if not rows:
        raise AgreementError(
            "source agreement needs cited sources with a stance "
            f"({', '.join(POLAR_STANCES)}); found none"
        )
    chosen = _one_scale(
        {r["final_scale"] for r in rows if r["final_scale"]}, scale, "final verdicts"
    )
    frame = pd.DataFrame(
        {
            "claim_id": [r["claim_id"] for r in rows],
            "source": [source_name(r) for r in rows],
            "stance": [r["stance"] for r in rows],
            "final_verdict": [
                r["final_verdict"] if r["final_scale"] == chosen else None for r in rows
            ],
        }
    )
    return _source_agreement(frame, chosen)


# --------------------------------------------------------------------------- tidy rows


def _stat(statistic, subject, value, ci=None, n=None, note=None) -> dict:
    low, high = ci if ci else (None, None)
    return {
        "statistic": statistic,
        "subject": subject,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        "note": note or ("" if value is not None else "undefined"),
    }


def _reviewer_rows(r: dict) -> list[dict]:
    why = r["reasons"]
    rows = [
        _stat(name, "all", r[name], r[f"{name}_ci"], n, why.get(name))
        for name, n in (
            ("percent_agreement", r["n_claims_paired"]),
            ("alpha_nominal", r["n_claims_paired"]),
            ("alpha_ordinal", r["n_claims_paired"]),
            ("fleiss_kappa", len(r["fleiss_claims"])),
        )
    ]
    for pair in r["cohen_kappa"]:
        subject = " vs ".join(map(str, pair["reviewers"]))
        rows.append(
            _stat(
                "cohen_kappa",
                subject,
                pair["kappa"],
                pair["kappa_ci"],
                pair["n_claims"],
                pair["reasons"].get("kappa"),
            )
        )
        if "kappa_quadratic" in pair:
            rows.append(
                _stat(
                    "cohen_kappa_quadratic",
                    subject,
                    pair["kappa_quadratic"],
                    pair["kappa_quadratic_ci"],
                    pair["n_claims_ordinal"],
                    pair["reasons"].get("kappa_quadratic"),
                )
            )
    for label in r["per_label"]:
        rows.append(
            _stat(
                "specific_agreement",
                f"label {label['label']}",
                label["specific_agreement"],
                n=label["n_ratings"],
            )
        )
        rows.append(
            _stat(
                "fleiss_kappa",
                f"label {label['label']}",
                label["fleiss_kappa"],
                n=label["n_ratings"],
                note=label.get("reason"),
            )
        )
    for person in r["per_reviewer"]:
        rows.append(
            _stat(
                "agreement_with_others",
                f"reviewer {person['reviewer']}",
                person["agreement_with_others"],
                n=person["n_shared_claims"],
            )
        )
    return rows


def _source_rows(s: dict) -> list[dict]:
    rows = [
        _stat(
            "alpha_nominal",
            "all sources",
            s["alpha_nominal"],
            n=s["n_claims"],
            note=s["reasons"].get("alpha_nominal"),
        ),
        _stat("conflicting_claims", "all sources", len(s["conflicts"]), n=s["n_claims"]),
    ]
    for source in s["per_source"]:
        rows.append(
            _stat(
                "agreement_with_verdict",
                f"source {source['source']}",
                source["agreement_with_verdict"],
                n=source["n_with_verdict"],
                note=s["reasons"].get("agreement_with_verdict"),
            )
        )
    names = sorted(s["matrix"], key=str)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            cell = s["matrix"][a][b]
            if cell["n"]:
                rows.append(
                    _stat("source_pair_agreement", f"{a} vs {b}", cell["agreement"], n=cell["n"])
                )
    return rows


def agreement_rows(report: AgreementReport | SourceAgreement) -> list[dict]:
    """The report's figures as tidy rows (:data:`ROW_COLUMNS`); undefined values say why."""
    data = report.to_dict()
    return _source_rows(data) if isinstance(report, SourceAgreement) else _reviewer_rows(data)


def agreement(
    db: sqlite_utils.Database,
    scope: str = "reviewers",
    scale: str | None = None,
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementReport | SourceAgreement:
    """The agreement report of ``scope`` (reviewers or sources)."""
    if scope not in AGREEMENT_SCOPES:
        raise InputError(f"unknown scope {scope!r}; choose one of: {', '.join(AGREEMENT_SCOPES)}")
    if scope == "sources":
        return source_report(db, scale)
    return reviewer_report(db, scale, resamples=resamples, seed=seed)


def agreement_csv(rows: list[dict]) -> bytes:
    """Tidy rows as spreadsheet-safe CSV (full precision; empty cells for undefined values)."""
    return to_delimited(pd.DataFrame(rows, columns=list(ROW_COLUMNS)))
