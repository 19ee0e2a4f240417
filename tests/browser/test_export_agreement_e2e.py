"""In a real browser: the Export page previews the verdict table and its download buttons give
files that open in their readers (pandas, openpyxl, json); the Agreement page shows the
reviewers' agreement figures, draws the altair charts and downloads figures and images.

The database holds two checkers' verdicts on six claims (four agree) and one published verdict
with a cited fact-check (tests/app_seed.py: research_desk)."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from browser_ui import key, seeded_database, sign_in
from openpyxl import load_workbook
from playwright.sync_api import expect

from factcheck.export import verdicts as export

ORG = {"FACTCHECK_ORG_NAME": "Example Checks", "FACTCHECK_ORG_URL": "https://checks.example.org"}


@pytest.fixture
def seeded(tmp_path, team_database):
    from app_seed import research_desk

    yield from seeded_database(tmp_path, research_desk, accounts_from=team_database)


@pytest.fixture
def server_env():
    return ORG


def cells(grid, text: str):
    """The cells of a st.dataframe's accessible table holding exactly ``text``."""
    return grid.locator('[role="gridcell"]', has_text=re.compile(f"^{re.escape(text)}$"))


def download(page, button_key: str) -> bytes:
    """Click the download button with ``button_key``; the downloaded file's bytes."""
    with page.expect_download() as info:
        key(page, button_key).get_by_role("button").click()
    return info.value.path().read_bytes()


def test_the_export_page_previews_the_table_and_downloads_open_in_their_readers(
    server, seeded, open_page
):
    page = open_page("/export")
    sign_in(page, "Eve")  # the editor: every reviewer's work
    expect(page.get_by_role("heading", name="Export", exact=True)).to_be_visible()
    expect(page.get_by_text("7 claims with a verdict match")).to_be_visible()
    preview = page.locator('[data-testid="stDataFrame"]')  # the grid's accessible table
    expect(preview).to_be_visible()
    # the grid draws on a canvas and keeps a hidden accessible table of the cells in view
    expect(preview.locator('[role="columnheader"]', has_text="claim_text")).to_be_attached()
    expect(cells(preview, "Budget speech")).to_have_count(6)
    expect(cells(preview, "published")).to_have_count(1)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    table = pd.read_csv(
        io.BytesIO(download(page, "fc_export_csv")), dtype=str, keep_default_na=False
    )
    assert list(table.columns) == export.NAMES
    assert len(table) == 7
    published = table[table["claim_id"] == str(seeded["published"])].iloc[0]
    assert (published["status"], published["verdict_label"], published["source_stances"]) == (
        "published",
        "False",
        "refutes",
    )
    assert published["source_urls"] == "https://factcheck.example.org/0"
    assert "Ann: Mostly True\nBob: False" in set(table["reviewer_verdicts"])

    workbook = load_workbook(io.BytesIO(download(page, "fc_export_xlsx")))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == export.NAMES
    assert sheet.max_row == 8
    assert sheet.freeze_panes == "A2"
    assert len(workbook.worksheets) >= 3  # the verdicts, the sources, the correction log

    records = json.loads(download(page, "fc_export_json"))
    assert len(records) == 7 and list(records[0]) == export.NAMES
    tsv = export.read_export(download(page, "fc_export_tsv"), "tsv")
    assert tsv["claim_id"].tolist() == [int(i) for i in table["claim_id"]]

    reviews = json.loads(download(page, "fc_export_claimreview"))
    assert [review["claimReviewed"] for review in reviews] == [
        "Unemployment fell to 2% last year, the minister said."
    ]
    (review,) = reviews
    assert review["@type"] == "ClaimReview"
    assert review["author"]["name"] == "Example Checks"
    assert review["reviewRating"]["alternateName"] == "False"

    # a filter narrows the preview and the files alike
    key(page, "fc_export_status").click()
    page.get_by_role("option", name="published").click()
    expect(page.get_by_text("1 claims with a verdict match")).to_be_visible()
    page.keyboard.press("Escape")
    rows = export.read_export(download(page, "fc_export_csv"))
    assert rows["claim_id"].tolist() == [seeded["published"]]


def test_the_agreement_page_shows_the_figures_draws_the_charts_and_downloads(
    server, seeded, open_page
):
    page = open_page("/agreement")
    sign_in(page, "Eve")
    expect(page.get_by_role("heading", name="Agreement", exact=True)).to_be_visible()
    figures = {
        "Krippendorff's alpha (nominal)": "0.621",
        "Krippendorff's alpha (ordinal)": "0.734",
        "Fleiss' kappa": "0.586",
        "Percent agreement": "0.667",
    }
    for label, value in figures.items():
        metric = page.locator('[data-testid="stMetric"]', has_text=label)
        expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(value)
    expect(page.get_by_text("6 of 7 claims have two or more labels")).to_be_visible()
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for title, mark in (  # vega-embed draws SVG; each mark's aria-label holds its data
        ("Cohen's kappa per pair", "reviewer_a: Ann; reviewer_b: Bob; kappa: 0.6; n: 6"),
        ("Confusion matrix: Ann vs Bob", "Bob: False; Ann: Mostly True; claims: 1"),
        ("Per label", "label: Pants on Fire!; value: 1; measure: specific_agreement"),
    ):
        chart = charts.filter(has_text=title)
        expect(chart.locator("svg.marks")).to_be_visible()
        expect(chart.locator(f'[aria-label="{mark}"]').first).to_be_attached()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    rows = pd.read_csv(io.BytesIO(download(page, "fc_agree_csv")))
    assert {"statistic", "subject", "value"} <= set(rows.columns)
    alpha = rows[(rows["statistic"] == "alpha_nominal") & (rows["subject"] == "all")]
    assert round(float(alpha["value"].iloc[0]), 3) == 0.621
    kappa = rows[rows["statistic"] == "cohen_kappa"]
    assert kappa["subject"].tolist() == ["Ann vs Bob"]

    assert download(page, "fc_agree_heat_png").startswith(b"\x89PNG\r\n\x1a\n")
    svg = download(page, "fc_agree_confusion_svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "Confusion matrix: Ann vs Bob" in svg
    spec = json.loads(download(page, "fc_agree_labels_spec"))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")

    report = json.loads(download(page, "fc_agree_json"))
    assert report["scope"] == "reviewers"
    assert round(report["alpha_ordinal"], 3) == 0.734

    key(page, "fc_agree_scope").get_by_text("sources", exact=True).click()  # sources as coders
    expect(page.get_by_text("Krippendorff's alpha, sources as coders")).to_be_visible()
    # one source and no claim cited by two: the figure says "too few", the table says why
    expect(page.get_by_text("Too few to measure agreement: 0 claims cited by two")).to_be_visible()
    reason = page.locator('[role="gridcell"]', has_text="undefined: no claim is cited by two")
    expect(reason.first).to_be_attached()  # the grid's accessible table (drawn on a canvas)
    expect(page.get_by_text("too few", exact=True)).to_be_visible()  # the alpha's metric
    expect(charts.filter(has_text="Same stance, per pair of sources")).to_have_count(0)
    rows = pd.read_csv(io.BytesIO(download(page, "fc_agree_csv")))
    assert "agreement_with_verdict" in set(rows["statistic"])
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
