"""Agreement: how far reviewers (or cited sources) agree, with plots and downloads, over what
the signed-in account may see; says plainly when there is too little to measure."""

import json
from functools import partial

import pandas as pd
import streamlit as st

from app_pages.common import database, require_reviewer, safe_md, settings
from factcheck.agreement import charts
from factcheck.agreement import reports as research
from factcheck.errors import FactcheckError
from factcheck.review.scales import list_scales
from factcheck.storage import open_db
from factcheck.vocab import AGREEMENT_SCOPES

HEADLINE = (
    ("alpha_nominal", "Krippendorff's alpha (nominal)"),
    ("alpha_ordinal", "Krippendorff's alpha (ordinal)"),
    ("fleiss_kappa", "Fleiss' kappa"),
    ("percent_agreement", "Percent agreement"),
)


@st.cache_data(ttl=60, show_spinner="Computing agreement…")
def _report(db_path: str, scope: str, scale: str | None, resamples: int, viewer: str) -> dict:
    """The report as ``viewer`` may see it, as a dict with its tidy rows and why it is too
    thin to mean anything (cached a minute per viewer; Recompute clears it)."""
    db = open_db(db_path)
    try:
        report = research.agreement(db, scope, scale, resamples=resamples, viewer=viewer)
    finally:
        db.close()
    return {
        "report": report.to_dict(),
        "rows": research.agreement_rows(report),
        "too_few": research.too_few(report),
    }


def _downloads(chart, name: str, key: str) -> None:
    """PNG and SVG (rendered on click, offline) and the Vega-Lite spec of a chart."""
    row = st.container(horizontal=True)
    row.download_button(
        "PNG",
        data=partial(charts.image, chart, "png"),
        file_name=f"{name}.png",
        mime="image/png",
        key=f"{key}_png",
        on_click="ignore",
    )
    row.download_button(
        "SVG",
        data=partial(charts.image, chart, "svg"),
        file_name=f"{name}.svg",
        mime="image/svg+xml",
        key=f"{key}_svg",
        on_click="ignore",
    )
    row.download_button(
        "Vega-Lite JSON",
        data=chart.to_json(),
        file_name=f"{name}.vl.json",
        mime="application/json",
        key=f"{key}_spec",
        on_click="ignore",
    )


def _chart(chart, name: str, key: str) -> None:
    st.altair_chart(chart, key=key)
    _downloads(chart, name, key)


def _headline(report: dict, thin: bool) -> None:
    cells = st.columns(len(HEADLINE))
    for cell, (name, label) in zip(cells, HEADLINE):
        value, ci = report.get(name), report.get(f"{name}_ci")
        if thin:
            cell.metric(label, "too few")
            continue
        cell.metric(label, "undefined" if value is None else f"{value:.3f}")
        if ci:
            cell.caption(f"95% CI {ci[0]:.3f} to {ci[1]:.3f}")
        elif name in report.get("reasons", {}):
            cell.caption(safe_md(report["reasons"][name]))


def _reviewers(report: dict, thin: bool) -> None:
    _headline(report, thin)
    st.caption(
        f"{report['n_claims_paired']} of {report['n_claims']} claims have two or more "
        f"labels · {report['n_reviewers']} reviewers · {report['n_ratings']} labels · "
        f"scale {safe_md(report['scale'])}"
    )
    if thin:
        return
    if report["cohen_kappa"]:
        _chart(charts.pairwise_heatmap(report), "pairwise-kappa", "fc_agree_heat")
    if report["confusion_matrices"]:
        pairs = report["confusion_matrices"]
        pick = st.selectbox(
            "Confusion matrix of the pair",
            range(len(pairs)),
            key="fc_agree_pair",
            format_func=lambda i: " vs ".join(map(str, pairs[i]["reviewers"])),
        )
        _chart(charts.confusion_chart(pairs[pick]), "confusion-matrix", "fc_agree_confusion")
    if report["per_label"]:
        _chart(charts.per_label_bars(report), "per-label", "fc_agree_labels")
    st.subheader("Per reviewer")
    st.dataframe(pd.DataFrame(report["per_reviewer"]), hide_index=True, width="stretch")


def _sources(report: dict, thin: bool) -> None:
    alpha = report["alpha_nominal"]
    st.metric(
        "Krippendorff's alpha, sources as coders",
        "too few" if thin else "undefined" if alpha is None else f"{alpha:.3f}",
    )
    if thin:
        return
    for reason in report["reasons"].values():
        st.caption(safe_md(reason))
    if any(cell["n"] for line in report["matrix"].values() for cell in line.values()):
        _chart(charts.source_heatmap(report), "source-agreement", "fc_agree_sources")
    st.subheader("Per source")
    st.dataframe(
        pd.DataFrame(report["per_source"]).drop(columns="stances"), hide_index=True, width="stretch"
    )
    st.subheader(f"Claims where sources conflict ({len(report['conflicts'])})")
    if report["conflicts"]:
        st.dataframe(pd.DataFrame(report["conflicts"]), hide_index=True, width="stretch")


viewer = require_reviewer()["name"]
st.title("Agreement")
left, middle, right = st.columns(3)
scope = left.radio("Between", AGREEMENT_SCOPES, horizontal=True, key="fc_agree_scope")
scale = middle.selectbox(
    "Scale", list_scales(), index=None, placeholder="The one in use", key="fc_agree_scale"
)
resamples = right.number_input(
    "Bootstrap resamples",
    0,
    5000,
    1000,
    step=100,
    key="fc_agree_resamples",
    help="For the 95% confidence intervals; 0 switches them off.",
)
if st.button("Recompute", icon=":material/refresh:", key="fc_agree_refresh"):
    _report.clear()

database()  # opens (and migrates) the database this run uses
try:
    result = _report(str(settings().db_path), scope, scale, int(resamples), viewer)
except FactcheckError as error:
    st.info(safe_md(str(error)))
    st.stop()

report = result["report"]
if result["too_few"]:
    st.warning(safe_md(result["too_few"]), icon=":material/info:")
(_reviewers if scope == "reviewers" else _sources)(report, bool(result["too_few"]))
st.subheader("All figures")
rows = pd.DataFrame(result["rows"], columns=research.ROW_COLUMNS)
st.dataframe(rows, hide_index=True, width="stretch", key="fc_agree_rows")
csv_col, json_col = st.columns(2)
csv_col.download_button(
    "Figures as CSV",
    data=research.agreement_csv(result["rows"]),
    file_name=f"agreement-{scope}.csv",
    mime="text/csv",
    key="fc_agree_csv",
    on_click="ignore",
    icon=":material/download:",
)
json_col.download_button(
    "Full report as JSON",
    data=json.dumps({"scope": scope, **report, "too_few": result["too_few"]}, indent=2),
    file_name=f"agreement-{scope}.json",
    mime="application/json",
    key="fc_agree_json",
    on_click="ignore",
    icon=":material/download:",
)
