"""Research exports and agreement over the database.

- :func:`annotations_table`: every reviewer's own label in long form (claim, reviewer, label,
  ordinal value, scale, time); editors' final verdicts are left out.
- :func:`trec_run`: the matches as a TREC run file, ``claim_id Q0 passage_id rank score tag``,
  one line a match; the tag is the method, with the model after a dash when there is one.
- :func:`reviewer_report` / :func:`source_report`: :mod:`factcheck.agreement.statistics` over the stored
  verdicts (one scale at a time) and over the cited sources' stances.
- :func:`agreement_rows`: a report as one tidy table (statistic, subject, value, CI, n, note).
- :func:`too_few`: why a report's figures mean nothing yet (fewer than :data:`MIN_REVIEWERS`
  reviewers or sources, or fewer than :data:`MIN_CLAIMS` claims with two or more labels or
  stances), else None.

Each takes ``viewer`` (an account name; None: local administration, everything) and works on
what that account may see (:mod:`factcheck.export.verdicts` states the rule): claims blind review
hides from them are left out, and so are, for accounts without per-reviewer sight of a claim,
its individual labels; source agreement then counts only its published sources.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd

from factcheck.agreement.statistics import (
    AgreementError,
    AgreementReport,
    SourceAgreement,
    reviewer_agreement,
)
from factcheck.agreement.statistics import source_agreement as _source_agreement
from factcheck.errors import InputError
from factcheck.export.tables import to_delimited, typed
from factcheck.export.visibility import visibility
from factcheck.review import workflow
from factcheck.review.scales import get_scale
from factcheck.review.workflow import annotations_long
from factcheck.storage import Database
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
MIN_REVIEWERS = 2
"""Fewer reviewers (or sources) than this: agreement figures mean nothing."""
MIN_CLAIMS = 5
"""Fewer claims with two or more labels (or stances) than this: the figures mean nothing."""


# --------------------------------------------------------------------------- exports


def _visible_annotations(db: Database, viewer: str | None, scale: str | None = None) -> list[dict]:
    """Individual labels (on ``scale`` when given) on the claims where ``viewer`` sees each
    reviewer's own work."""
    rows = annotations_long(db, scale=scale, viewer=viewer)
    if viewer is None:
        return rows
    seen = visibility(db, viewer, {r["claim_id"] for r in rows})
    return [r for r in rows if seen.per_reviewer(r["claim_id"])]


def annotations_table(db: Database, claim_ids=None, viewer: str | None = None) -> pd.DataFrame:
    """Individual labels in long form (:data:`ANNOTATION_COLUMNS`), optionally of some claims,
    as ``viewer`` may see them."""
    frame = pd.DataFrame(
        _visible_annotations(db, viewer), columns=[c[0] for c in ANNOTATION_COLUMNS]
    )
    if claim_ids is not None:
        frame = frame[frame["claim_id"].isin(list(claim_ids))]
    return typed(frame, ANNOTATION_COLUMNS)


def _run_tag(method: str, model: str) -> str:
    return re.sub(r"[^\w.-]+", "_", f"{method}-{model}" if model else method)


def trec_run(db: Database, article_id: int | None = None) -> str:
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
    db: Database,
    scale: str | None = None,
    *,
    resamples: int = 1000,
    seed: int = 0,
    viewer: str | None = None,
) -> AgreementReport:
    """Agreement between reviewers' own verdicts on one scale (the only one used, or
    ``scale``), over the labels ``viewer`` may see."""
    every = _visible_annotations(db, viewer)
    chosen = _one_scale({r["scale"] for r in every}, scale, "verdicts")
    rows = [r for r in every if r["scale"] == chosen] if chosen else []
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


def _visible_stances(db: Database, viewer: str | None) -> list[dict]:
    """The cited sources' stances ``viewer`` may see (see the module docstring)."""
    rows = store.source_stance_rows(db)
    if viewer is None:
        return rows
    seen = visibility(db, viewer, {r["claim_id"] for r in rows})
    status = {r["claim_id"]: r["status"] for r in rows}
    every = store.citation_rows(db, sorted(status))  # what was chosen, 'context' ones too
    published = {r["citation_id"] for r in seen.citations(every, status)}
    return [r for r in rows if seen.per_reviewer(r["claim_id"]) or r["citation_id"] in published]


def source_report(
    db: Database, scale: str | None = None, viewer: str | None = None
) -> SourceAgreement:
    """Agreement of the cited sources with the final verdicts and with each other, over the
    citations ``viewer`` may see."""
    rows = _visible_stances(db, viewer)
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
    db: Database,
    scope: str = "reviewers",
    scale: str | None = None,
    *,
    resamples: int = 1000,
    seed: int = 0,
    viewer: str | None = None,
) -> AgreementReport | SourceAgreement:
    """The agreement report of ``scope`` (reviewers or sources), over what ``viewer`` (an
    account name; None: everything) may see."""
    if scope not in AGREEMENT_SCOPES:
        raise InputError(f"unknown scope {scope!r}; choose one of: {', '.join(AGREEMENT_SCOPES)}")
    if viewer is not None:
        workflow.account(db, viewer, "read")  # unknown or disabled: refused
    if scope == "sources":
        return source_report(db, scale, viewer)
    return reviewer_report(db, scale, resamples=resamples, seed=seed, viewer=viewer)


def too_few(report: AgreementReport | SourceAgreement | dict) -> str | None:
    """Why the report's figures mean nothing yet, in plain words, or None when there is enough
    to go on: at least :data:`MIN_REVIEWERS` reviewers (sources) and :data:`MIN_CLAIMS` claims
    that two or more of them labelled (cited with a stance)."""
    data = report if isinstance(report, dict) else report.to_dict()
    sources = "n_sources" in data
    people = data["n_sources"] if sources else data["n_reviewers"]
    paired = data["n_claims_paired"]
    who = "sources" if sources else "reviewers"
    what = "cited by two or more sources" if sources else "labelled by two or more reviewers"
    if people >= MIN_REVIEWERS and paired >= MIN_CLAIMS:
        return None
    return (
        f"Too few to measure agreement: {paired} claim{'' if paired == 1 else 's'} {what} and "
        f"{people} {who[:-1] if people == 1 else who} in all. The figures mean something from "
        f"{MIN_CLAIMS} such claims and {MIN_REVIEWERS} {who}."
    )


def agreement_csv(rows: list[dict]) -> bytes:
    """Tidy rows as spreadsheet-safe CSV (full precision; empty cells for undefined values)."""
    return to_delimited(pd.DataFrame(rows, columns=list(ROW_COLUMNS)))
