"""Altair charts of agreement reports (``to_dict()`` of :mod:`factcheck.agreement.statistics` reports),
and their PNG / SVG bytes (through vl-convert-python, offline)."""

from __future__ import annotations

import io
from typing import Literal

import altair as alt
import pandas as pd

SIZE = 360


def _text_layer(base: alt.Chart, field: str, fmt: str) -> alt.Chart:
    return base.mark_text(fontSize=12).encode(text=alt.Text(f"{field}:Q", format=fmt))


def pairwise_heatmap(report: dict, value: str = "kappa") -> alt.Chart:
    """Reviewer x reviewer heatmap of Cohen's kappa (``value``: kappa or kappa_quadratic)."""
    rows = []
    for pair in report["cohen_kappa"]:
        a, b = map(str, pair["reviewers"])
        v = pair.get(value)
        rows += [
            {"reviewer_a": a, "reviewer_b": b, value: v, "n": pair["n_claims"]},
            {"reviewer_a": b, "reviewer_b": a, value: v, "n": pair["n_claims"]},
        ]
    base = alt.Chart(pd.DataFrame(rows, columns=["reviewer_a", "reviewer_b", value, "n"]))
    base = base.encode(x=alt.X("reviewer_a:N", title=None), y=alt.Y("reviewer_b:N", title=None))
    heat = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", scale=alt.Scale(domain=[-1, 1], scheme="redblue")),
        tooltip=["reviewer_a", "reviewer_b", alt.Tooltip(f"{value}:Q", format=".3f"), "n"],
    )
    return (heat + _text_layer(base, value, ".2f")).properties(
        width=SIZE, height=SIZE, title=f"Cohen's {value.replace('_', ' ')} per pair"
    )


def confusion_chart(matrix: dict) -> alt.Chart:
    """One pair's confusion matrix (rows: the first reviewer's labels)."""
    a, b = map(str, matrix["reviewers"])
    labels = list(map(str, matrix["labels"]))
    rows = [
        {a: labels[i], b: labels[j], "claims": n}
        for i, line in enumerate(matrix["matrix"])
        for j, n in enumerate(line)
    ]
    base = alt.Chart(pd.DataFrame(rows, columns=[a, b, "claims"])).encode(
        x=alt.X(f"{b}:N", sort=labels, title=b), y=alt.Y(f"{a}:N", sort=labels, title=a)
    )
    heat = base.mark_rect().encode(
        color=alt.Color("claims:Q", scale=alt.Scale(scheme="blues")), tooltip=[a, b, "claims"]
    )
    return (heat + _text_layer(base, "claims", "d")).properties(
        width=SIZE, height=SIZE, title=f"Confusion matrix: {a} vs {b}"
    )


def per_label_bars(report: dict) -> alt.Chart:
    """Per label: prevalence, specific agreement and Fleiss' per-category kappa."""
    order = [str(row["label"]) for row in report["per_label"]]
    rows = [
        {"label": str(row["label"]), "measure": measure, "value": row[measure]}
        for row in report["per_label"]
        for measure in ("prevalence", "specific_agreement", "fleiss_kappa")
        if row[measure] is not None
    ]
    frame = pd.DataFrame(rows, columns=["label", "measure", "value"])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("label:N", sort=order, title=None),
            xOffset="measure:N",
            y=alt.Y("value:Q", title=None),
            color="measure:N",
            tooltip=["label", "measure", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=SIZE * 1.5, height=SIZE * 0.75, title="Per label")
    )


def source_heatmap(report: dict) -> alt.Chart:
    """Source x source share of claims where both took the same stance."""
    rows = [
        {"source_a": str(a), "source_b": str(b), "agreement": cell["agreement"], "n": cell["n"]}
        for a, line in report["matrix"].items()
        for b, cell in line.items()
        if cell["n"]
    ]
    base = alt.Chart(pd.DataFrame(rows, columns=["source_a", "source_b", "agreement", "n"]))
    base = base.encode(x=alt.X("source_a:N", title=None), y=alt.Y("source_b:N", title=None))
    heat = base.mark_rect().encode(
        color=alt.Color("agreement:Q", scale=alt.Scale(domain=[0, 1], scheme="greens")),
        tooltip=["source_a", "source_b", alt.Tooltip("agreement:Q", format=".2f"), "n"],
    )
    return (heat + _text_layer(base, "agreement", ".2f")).properties(
        width=SIZE, height=SIZE, title="Same stance, per pair of sources"
    )


def image(chart: alt.Chart, fmt: Literal["png", "svg"] = "png") -> bytes:
    """The chart as PNG or SVG bytes (rendered offline by vl-convert-python)."""
    buffer = io.BytesIO() if fmt == "png" else io.StringIO()
    chart.save(buffer, format=fmt)
    data = buffer.getvalue()
    return data if isinstance(data, bytes) else data.encode("utf-8")
