"""Agreement between reviewers, and between sources, over long-format tables (a pure library).

Reviewer input: a DataFrame with one row per ``claim_id``, ``reviewer``, ``label``; with no
scale, an optional ``ordinal`` column gives each label's ordinal value. Statistics:

- ``percent_agreement``: for each claim with m >= 2 labels, the share of its m(m-1)/2 reviewer
  pairs that agree, averaged over those claims (Fleiss's P-bar when m is constant).
- Cohen's kappa per reviewer pair over the claims both labelled (scikit-learn): unweighted, and
  quadratic-weighted over the ordinal labels (weights by rank on the scale) when the scale is
  ordinal. Its 95% CI is the asymptotic one of statsmodels' ``cohens_kappa``, clipped to [-1, 1].
- Fleiss' kappa (statsmodels) needs the same number of labels on every claim: it uses the claims
  with the most common number of labels (ties: the larger number); they are listed.
- Krippendorff's alpha (``krippendorff``), missing labels allowed: nominal over labels, ordinal
  over the scale's ordinal values (non-ordinal labels such as "Unproven" are left out of it).
- 95% CIs of the pooled statistics: percentile bootstrap over resamples of the claims each
  statistic uses, fixed seed; resamples where a statistic is undefined are dropped.
- Breakdowns: per label (prevalence, specific agreement, Fleiss' per-category kappa), per
  reviewer (agreement with the others and with the others' majority), a confusion matrix per pair.

Source input (:func:`source_agreement`): claim_id, source, stance, optional final_verdict.

Nothing undefined is returned as NaN: it is None, with the reason under ``reasons``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa

from factcheck.errors import InputError
from factcheck.review.scales import Scale, get_scale
from factcheck.vocab import POLAR_STANCES

REVIEW_COLUMNS = ("claim_id", "reviewer", "label")
SOURCE_COLUMNS = ("claim_id", "source", "stance")
STANCE_ALIASES = {
    "supports": POLAR_STANCES[0],
    "support": POLAR_STANCES[0],
    "supporting": POLAR_STANCES[0],
    "supported": POLAR_STANCES[0],
    "agrees": POLAR_STANCES[0],
    "refutes": POLAR_STANCES[1],
    "refute": POLAR_STANCES[1],
    "refuting": POLAR_STANCES[1],
    "refuted": POLAR_STANCES[1],
    "contradicts": POLAR_STANCES[1],
    "disputes": POLAR_STANCES[1],
    "mixed": POLAR_STANCES[2],
    "mixture": POLAR_STANCES[2],
    "partly": POLAR_STANCES[2],
}
STANCE_POLARITY = {"supports": "true", "refutes": "false", "mixed": "mixed"}
Interval = tuple[float, float]


class AgreementError(InputError):
    """Too little overlap between reviewers (or sources) to measure agreement."""


# --------------------------------------------------------------------------- shared helpers


def _finite(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _quiet(func: Callable, *args, **kwargs) -> float | None:
    """Call a library statistic; undefined (NaN, zero division, one value) -> None."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return _finite(func(*args, **kwargs))
        except (ValueError, ZeroDivisionError):
            return None


def _clean(obj):
    """JSON-ready: numpy scalars to Python, NaN to None, tuples to lists."""
    if isinstance(obj, dict):
        return {_clean(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def _require_columns(df: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"the table lacks column(s) {', '.join(missing)}; "
            f"it needs {', '.join(columns)} (has {', '.join(map(str, df.columns))})"
        )
    blank = df[list(columns[:2])].isna().any(axis=1).sum()
    if blank:
        raise InputError(f"{blank} row(s) lack a {columns[0]} or {columns[1]}; fill or drop them")


def alpha(counts: np.ndarray, level: str = "nominal") -> float | None:
    """Krippendorff's alpha from a claims x values count matrix (values in order for ordinal)."""
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[1] < 2 or not len(counts):
        return None
    return _quiet(krippendorff.alpha, value_counts=counts, level_of_measurement=level)


def fleiss(counts: np.ndarray) -> float | None:
    """Fleiss' kappa from a claims x labels count matrix with equal row sums."""
    counts = np.asarray(counts)
    if not len(counts):
        return None
    if len(set(counts.sum(axis=1).tolist())) > 1:
        raise InputError("Fleiss' kappa needs the same number of labels on every claim")
    return _quiet(fleiss_kappa, counts, method="fleiss")


def percent_agreement(counts: np.ndarray) -> float | None:
    """Mean over claims with >= 2 labels of the share of agreeing reviewer pairs."""
    counts = np.asarray(counts, dtype=float)
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.any():
        return None
    c, m = counts[keep], m[keep]
    return float(np.mean((c * (c - 1)).sum(axis=1) / (m * (m - 1))))


def bootstrap_ci(
    counts: np.ndarray,
    statistic: Callable[[np.ndarray], float | None],
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[Interval | None, str | None]:
    """Percentile CI of ``statistic`` over resamples of the rows (claims) of ``counts``."""
    counts = np.asarray(counts)
    if resamples < 1:
        return None, "bootstrap switched off (resamples=0)"
    if len(counts) < 2:
        return None, "a confidence interval needs at least two claims"
    rows = np.random.default_rng(seed).integers(0, len(counts), size=(resamples, len(counts)))
    values = np.array([np.nan if (v := statistic(counts[r])) is None else v for r in rows])
    values = values[np.isfinite(values)]
    if len(values) < resamples / 2:
        return None, f"undefined in {resamples - len(values)} of {resamples} bootstrap resamples"
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return (float(low), float(high)), None


# --------------------------------------------------------------------------- reviewer ratings


def prepare_ratings(df: pd.DataFrame, scale: Scale | str | None = None) -> pd.DataFrame:
    """Validated copy: claim_id, reviewer, label (canonical on the scale), ordinal (or NaN)."""
    _require_columns(df, REVIEW_COLUMNS)
    table = df[df["label"].notna() & (df["label"].astype(str).str.strip() != "")].copy()
    if scale is not None:
        scale = get_scale(scale)
        table["label"] = table["label"].map(scale.normalise)
        table["ordinal"] = table["label"].map(scale.ordinal).astype(float)
    else:
        table["label"] = table["label"].astype(str)
        ordinal = table.get("ordinal", np.nan)
        table["ordinal"] = pd.to_numeric(ordinal, errors="coerce")
    _check_duplicates(table, "reviewer", "labelled")
    return table[["claim_id", "reviewer", "label", "ordinal"]].reset_index(drop=True)


def _check_duplicates(table: pd.DataFrame, who: str, verb: str) -> None:
    dup = table[table.duplicated(["claim_id", who], keep=False)]
    if not dup.empty:
        first = dup.iloc[0]
        raise InputError(
            f"{len(dup)} rows repeat a {who} on a claim ({who} {first[who]!r} "
            f"{verb} claim {first['claim_id']!r} more than once); keep one row per "
            f"{who} and claim, e.g. the latest"
        )


def ratings_matrix(ratings: pd.DataFrame, value: str = "label") -> pd.DataFrame:
    """Claims x reviewers matrix of ``value`` (label or ordinal); missing labels are NaN."""
    return ratings.pivot(index="claim_id", columns="reviewer", values=value)


def label_counts(
    ratings: pd.DataFrame, column: str = "label", order: list | None = None
) -> pd.DataFrame:
    """Claims x values: how many reviewers gave each value (NaN values are left out)."""
    counts = pd.crosstab(ratings["claim_id"], ratings[column])
    return counts.reindex(columns=order, fill_value=0) if order is not None else counts


def _label_order(ratings: pd.DataFrame, scale: Scale | None) -> list:
    seen = set(ratings["label"])
    if scale is None:
        return sorted(seen)
    return [name for name in scale.names if name in seen]


def _paired(counts: pd.DataFrame) -> pd.DataFrame:
    return counts[counts.sum(axis=1) >= 2]


def _not_enough(ratings: pd.DataFrame) -> AgreementError:
    if ratings.empty:
        found = "found no labels"
    else:
        found = (
            f"found {len(ratings)} labels on {ratings['claim_id'].nunique()} claims by "
            f"{ratings['reviewer'].nunique()} reviewers, none with two reviewers"
        )
    return AgreementError(f"agreement needs at least two reviewers on the same claim; {found}")


def fleiss_claims(counts: pd.DataFrame) -> tuple[int | None, list]:
    """The most common number of labels per claim (ties: larger) and the claims that have it."""
    sizes = counts.sum(axis=1)
    sizes = sizes[sizes >= 2]
    if sizes.empty:
        return None, []
    freq = sizes.value_counts()
    n = int(max(freq.index[freq == freq.max()]))
    return n, list(sizes.index[sizes == n])


# --------------------------------------------------------------------------- pairs


def _pair_kappa(
    c1: np.ndarray, c2: np.ndarray, k: int, weights: str | None
) -> tuple[float | None, Interval | None, np.ndarray]:
    """Cohen's kappa (scikit-learn), its asymptotic CI (statsmodels) and the k x k table."""
    codes = np.arange(k)
    kappa = _quiet(cohen_kappa_score, c1, c2, labels=codes, weights=weights)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # one label only: sklearn warns, the table is still right
        table = confusion_matrix(c1, c2, labels=codes)
        if kappa is None:
            return None, None, table
        res = cohens_kappa(table, wt=weights)
    low, high = _finite(res.kappa_low), _finite(res.kappa_upp)
    ci = None if low is None or high is None else (max(low, -1.0), min(high, 1.0))
    return kappa, ci, table


def _codes(matrix: pd.DataFrame, values: list) -> np.ndarray:
    """Claims x reviewers matrix of indices into ``values`` (-1: no label)."""
    index = {v: i for i, v in enumerate(values)}
    return matrix.apply(lambda col: col.map(index)).fillna(-1).to_numpy(dtype=int)


def _pair_report(
    a, b, labels: np.ndarray, ordinals: np.ndarray, order: list, n_values: int
) -> tuple[dict, dict]:
    both = (labels[:, 0] >= 0) & (labels[:, 1] >= 0)
    c1, c2 = labels[both, 0], labels[both, 1]
    kappa, kappa_ci, table = _pair_kappa(c1, c2, len(order), None)
    pair: dict[str, Any] = {
        "reviewers": [a, b],
        "n_claims": int(both.sum()),
        "percent_agreement": float(np.mean(c1 == c2)),
        "kappa": kappa,
        "kappa_ci": kappa_ci,
        "reasons": {},
    }
    if kappa is None:
        pair["reasons"]["kappa"] = "undefined: the two reviewers used a single label between them"
    if n_values >= 2:
        ordinal = (ordinals[:, 0] >= 0) & (ordinals[:, 1] >= 0)
        q, q_ci, _ = _pair_kappa(ordinals[ordinal, 0], ordinals[ordinal, 1], n_values, "quadratic")
        pair.update(kappa_quadratic=q, kappa_quadratic_ci=q_ci, n_claims_ordinal=int(ordinal.sum()))
        if q is None:
            pair["reasons"]["kappa_quadratic"] = "undefined: fewer than two ordinal values shared"
    keep = np.flatnonzero(table.sum(axis=0) + table.sum(axis=1))
    matrix = {
        "reviewers": [a, b],
        "labels": [order[i] for i in keep],
        "matrix": table[np.ix_(keep, keep)].tolist(),
    }
    return pair, matrix


def pairwise(ratings: pd.DataFrame, scale: Scale | None = None) -> tuple[list[dict], list[dict]]:
    """Cohen's kappa and a confusion matrix (rows: first reviewer) for each pair sharing claims.

    The quadratic weights use each label's rank among the scale's ordinal values.
    """
    if scale is None:
        values = sorted(ratings["ordinal"].dropna().unique())
    else:
        values = sorted({lb.ordinal for lb in scale.ordinal_labels}) if scale.is_ordinal else []
    order = _label_order(ratings, scale)
    matrix = ratings_matrix(ratings, "label")
    reviewers = list(matrix.columns)
    labels = _codes(matrix, order)
    ordinals = _codes(ratings_matrix(ratings, "ordinal").reindex_like(matrix), values)
    pairs, matrices = [], []
    for i, j in combinations(sorted(range(len(reviewers)), key=lambda r: str(reviewers[r])), 2):
        if ((labels[:, i] >= 0) & (labels[:, j] >= 0)).any():
            pair, table = _pair_report(
                reviewers[i],
                reviewers[j],
                labels[:, [i, j]],
                ordinals[:, [i, j]],
                order,
                len(values),
            )
            pairs.append(pair)
            matrices.append(table)
    return pairs, matrices


# --------------------------------------------------------------------------- breakdowns


def per_label(counts: pd.DataFrame, fleiss_rows: list, scale: Scale | None = None) -> list[dict]:
    """Per label: ratings, prevalence, specific agreement, and Fleiss' per-category kappa.

    Specific agreement of label k: sum n_k(n_k - 1) / sum n_k(m - 1) over claims with m >= 2
    labels (the chance that another reviewer of the claim also chose k, given one did). The
    per-category kappa is Fleiss' kappa of "k versus the rest" over the Fleiss claims.
    """
    c, m = counts.to_numpy(dtype=float), counts.sum(axis=1).to_numpy(dtype=float)
    paired, sub = m >= 2, counts.loc[fleiss_rows].to_numpy(dtype=float)
    rows = []
    for j, label in enumerate(counts.columns):
        x = c[:, j]
        denom = (x * (m - 1))[paired].sum()
        kappa = fleiss(np.c_[sub[:, j], sub.sum(axis=1) - sub[:, j]]) if len(sub) else None
        row = {
            "label": label,
            "ordinal": scale.ordinal(label) if scale else None,
            "n_ratings": int(x.sum()),
            "prevalence": float(x.sum() / c.sum()),
            "specific_agreement": float((x * (x - 1))[paired].sum() / denom) if denom else None,
            "fleiss_kappa": kappa,
        }
        if kappa is None:
            row["reason"] = (
                "fleiss_kappa undefined: the label is never, or always, chosen on the Fleiss claims"
            )
        rows.append(row)
    return rows


def _reviewer_row(reviewer, codes: np.ndarray, c: np.ndarray) -> dict:
    has = codes >= 0
    own = np.where(has, c[np.arange(len(c)), np.maximum(codes, 0)], 0)
    m = c.sum(axis=1)
    shared = has & (m >= 2)
    others = c.copy()
    others[np.flatnonzero(has), codes[has]] -= 1
    top = others.max(axis=1)
    unique = has & (top > 0) & ((others == top[:, None]).sum(axis=1) == 1)
    pairs = (m - 1)[shared].sum()
    hits = others.argmax(axis=1)[unique] == codes[unique]
    return {
        "reviewer": reviewer,
        "n_labels": int(has.sum()),
        "n_shared_claims": int(shared.sum()),
        "agreement_with_others": float((own - 1)[shared].sum() / pairs) if pairs else None,
        "n_majority_claims": int(unique.sum()),
        "agreement_with_majority": float(hits.mean()) if unique.any() else None,
    }


def per_reviewer(ratings: pd.DataFrame, counts: pd.DataFrame) -> list[dict]:
    """Per reviewer: share of agreeing pairs with the others on shared claims, and agreement
    with the others' majority (claims where the other reviewers have a unique most common label)."""
    labels = ratings_matrix(ratings).reindex(counts.index)
    index = {label: j for j, label in enumerate(counts.columns)}
    c = counts.to_numpy()
    rows = []
    for reviewer in sorted(labels.columns, key=str):
        codes = labels[reviewer].map(index).fillna(-1).to_numpy(dtype=int)
        rows.append(_reviewer_row(reviewer, codes, c))
    return rows


# --------------------------------------------------------------------------- the report


@dataclass
class AgreementReport:
    """Agreement between reviewers; ``to_dict()`` is JSON-ready (None, never NaN)."""

    scale: str | None
    n_claims: int
    n_claims_paired: int
    n_reviewers: int
    n_ratings: int
    percent_agreement: float | None = None
    percent_agreement_ci: Interval | None = None
    alpha_nominal: float | None = None
    alpha_nominal_ci: Interval | None = None
    alpha_ordinal: float | None = None
    alpha_ordinal_ci: Interval | None = None
    alpha_ordinal_excluded: int = 0
    fleiss_kappa: float | None = None
    fleiss_kappa_ci: Interval | None = None
    fleiss_raters_per_claim: int | None = None
    fleiss_claims: list = field(default_factory=list)
    cohen_kappa: list[dict] = field(default_factory=list)
    per_label: list[dict] = field(default_factory=list)
    per_reviewer: list[dict] = field(default_factory=list)
    confusion_matrices: list[dict] = field(default_factory=list)
    bootstrap: dict = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return _clean(asdict(self))


def _estimate(
    report: AgreementReport,
    name: str,
    counts: np.ndarray,
    statistic: Callable,
    why: str,
    boot: dict,
) -> None:
    """Set ``name`` and ``name_ci`` on the report, or a reason when undefined."""
    value = statistic(counts)
    setattr(report, name, value)
    if value is None:
        report.reasons[name] = why
        return
    ci, reason = bootstrap_ci(counts, statistic, boot["resamples"], boot["seed"])
    setattr(report, f"{name}_ci", ci)
    if reason:
        report.reasons[f"{name}_ci"] = reason


def _ordinal_part(
    report: AgreementReport, ratings: pd.DataFrame, scale: Scale | None, boot: dict
) -> None:
    if scale is not None and not scale.is_ordinal:
        report.reasons["alpha_ordinal"] = f"scale {scale.name!r} is not ordinal"
        return
    if ratings["ordinal"].isna().all():
        report.reasons["alpha_ordinal"] = "no ordinal values: pass an ordinal scale or column"
        return
    report.alpha_ordinal_excluded = int(ratings["ordinal"].isna().sum())
    counts = _paired(label_counts(ratings, "ordinal", sorted(ratings["ordinal"].dropna().unique())))
    _estimate(
        report,
        "alpha_ordinal",
        counts.to_numpy(),
        lambda c: alpha(c, "ordinal"),
        "undefined: no claim has two ordinal labels, or all of them are equal",
        boot,
    )


def reviewer_agreement(
    df: pd.DataFrame, scale: Scale | str | None = None, *, resamples: int = 1000, seed: int = 0
) -> AgreementReport:
    """All agreement statistics for a long table of (claim_id, reviewer, label)."""
    scale = get_scale(scale) if scale is not None else None
    ratings = prepare_ratings(df, scale)
    counts = label_counts(ratings, order=_label_order(ratings, scale))
    paired = _paired(counts)
    if paired.empty:
        raise _not_enough(ratings)
    boot = {
        "resamples": resamples,
        "seed": seed,
        "confidence": 0.95,
        "method": "percentile bootstrap over claims",
    }
    report = AgreementReport(
        scale.name if scale else None,
        len(counts),
        len(paired),
        ratings["reviewer"].nunique(),
        len(ratings),
        bootstrap=boot,
    )
    _estimate(report, "percent_agreement", paired.to_numpy(), percent_agreement, "", boot)
    _estimate(
        report,
        "alpha_nominal",
        paired.to_numpy(),
        alpha,
        "undefined: every label given is the same (no variation)",
        boot,
    )
    _ordinal_part(report, ratings, scale, boot)
    report.fleiss_raters_per_claim, report.fleiss_claims = fleiss_claims(counts)
    _estimate(
        report,
        "fleiss_kappa",
        counts.loc[report.fleiss_claims].to_numpy(),
        fleiss,
        "undefined: every label on the Fleiss claims is the same",
        boot,
    )
    report.cohen_kappa, report.confusion_matrices = pairwise(ratings, scale)
    report.per_label = per_label(counts, report.fleiss_claims, scale)
    report.per_reviewer = per_reviewer(ratings, counts)
    return report


# --------------------------------------------------------------------------- sources


@dataclass
class SourceAgreement:
    """How sources agree with the final verdicts and with each other (``to_dict`` JSON-ready).

    A stance matches a verdict when ``supports`` meets a verdict above the scale's ordinal
    midpoint (true-ish), ``refutes`` one below it (false-ish), ``mixed`` one on it. Verdicts
    without an ordinal value ("Unproven") are not compared.
    """

    n_claims: int
    n_sources: int
    per_source: list[dict]
    matrix: dict
    alpha_nominal: float | None
    conflicts: list[dict]
    reasons: dict[str, str] = field(default_factory=dict)
    n_claims_paired: int = 0  # claims with stances from two or more sources

    def matrix_frame(self, value: str = "agreement") -> pd.DataFrame:
        """Source x source DataFrame of ``agreement`` (share of same stance) or ``n``."""
        return pd.DataFrame(
            {a: {b: cell[value] for b, cell in row.items()} for a, row in self.matrix.items()}
        ).T

    def to_dict(self) -> dict:
        return _clean(asdict(self))


def normalise_stance(stance: str) -> str:
    """supports / refutes / mixed from common spellings; unknown -> InputError."""
    key = str(stance).strip().casefold()
    if key not in STANCE_ALIASES:
        raise InputError(f"unknown stance {stance!r}; use one of: {', '.join(POLAR_STANCES)}")
    return STANCE_ALIASES[key]


def prepare_stances(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (claim_id, source): a source cited with different stances counts as mixed."""
    _require_columns(df, SOURCE_COLUMNS)
    table = df[df["stance"].notna()].copy()
    table["stance"] = table["stance"].map(normalise_stance)
    stance = table.groupby(["claim_id", "source"], sort=False)["stance"].agg(
        lambda s: s.iloc[0] if s.nunique() == 1 else "mixed"
    )
    return stance.reset_index()


def final_verdicts(df: pd.DataFrame, scale: Scale) -> pd.Series:
    """Per claim, the canonical final verdict (claims without one are left out)."""
    rows = df[df["final_verdict"].notna()] if "final_verdict" in df else df.iloc[0:0]
    verdicts = (
        rows.set_index("claim_id")["final_verdict"].map(scale.normalise)
        if not rows.empty
        else pd.Series(dtype=object)
    )
    clash = verdicts.groupby(level=0).nunique()
    if (clash > 1).any():
        raise InputError(
            f"claim {clash[clash > 1].index[0]!r} has more than one final verdict; "
            "give each claim one final_verdict"
        )
    return verdicts.groupby(level=0).first()


def _source_rows(stances: pd.DataFrame, polarity: pd.Series) -> list[dict]:
    rows = []
    for source, group in stances.groupby("source", sort=True):
        expected = group["claim_id"].map(polarity)
        known = expected.notna()
        agree = int((group["stance"].map(STANCE_POLARITY)[known] == expected[known]).sum())
        rows.append(
            {
                "source": source,
                "n_claims": len(group),
                "stances": {s: int((group["stance"] == s).sum()) for s in POLAR_STANCES},
                "n_with_verdict": int(known.sum()),
                "n_agree": agree,
                "agreement_with_verdict": agree / int(known.sum()) if known.any() else None,
            }
        )
    return rows


def _source_matrix(wide: pd.DataFrame) -> dict:
    matrix: dict = {a: {} for a in wide.columns}
    for a in wide.columns:
        for b in wide.columns:
            x, y = wide[a], wide[b]
            both = x.notna() & y.notna()
            share = float((x[both] == y[both]).mean()) if both.any() else None
            matrix[a][b] = {"agreement": share, "n": int(both.sum())}
    return matrix


def _conflicts(wide: pd.DataFrame) -> list[dict]:
    out = []
    for claim, row in wide.iterrows():
        by = {s: sorted(row.index[row == s], key=str) for s in POLAR_STANCES}
        if by["supports"] and by["refutes"]:
            out.append({"claim_id": claim, **by})
    return out


def source_agreement(df: pd.DataFrame, scale: Scale | str | None = None) -> SourceAgreement:
    """Agreement of sources with the final verdicts and with each other.

    ``df`` has claim_id, source, stance (supports/refutes/mixed) and optionally final_verdict
    (a label on ``scale``). Krippendorff's alpha treats sources as coders (nominal, stances).
    """
    stances = prepare_stances(df)
    if stances.empty:
        raise AgreementError("source agreement needs stances; found no rows with a stance")
    reasons: dict[str, str] = {}
    polarity = pd.Series(dtype=object)
    if scale is None:
        if "final_verdict" in df and df["final_verdict"].notna().any():
            reasons["agreement_with_verdict"] = "no verdict scale given: verdicts not compared"
    else:
        scale = get_scale(scale)
        polarity = final_verdicts(df, scale).map(scale.polarity).dropna()
    wide = stances.pivot(index="claim_id", columns="source", values="stance")
    counts = _paired(
        label_counts(stances.rename(columns={"stance": "label"}), order=list(POLAR_STANCES))
    )
    value = alpha(counts.to_numpy())
    if value is None:
        reasons["alpha_nominal"] = (
            "undefined: no claim is cited by two sources"
            if counts.empty
            else "undefined: every stance given is the same"
        )
    return SourceAgreement(
        len(wide),
        wide.shape[1],
        _source_rows(stances, polarity),
        _source_matrix(wide),
        value,
        _conflicts(wide),
        reasons,
        len(counts),
    )
