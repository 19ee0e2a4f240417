"""`factcheck agreement` end to end: the Krippendorff (2011) example imported with
`factcheck verdicts import`, every output format, too few reviewers, sources, and the page."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from test_agreement import KRIPPENDORFF_2011
from test_export import add_article

from factcheck.agreement import charts
from factcheck.agreement import reports as research
from factcheck.cli import cli
from factcheck.errors import InputError
from factcheck.review import workflow as review


def _labels_csv(path) -> None:
    lines = ["claim,reviewer,label"]
    for coder, values in KRIPPENDORFF_2011.items():
        lines += [
            f"Unit {unit},{coder},{value}"
            for unit, value in enumerate(values.split(), start=1)
            if value != "."
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def krippendorff_db(db_path, tmp_path):
    labels = tmp_path / "krippendorff.csv"
    _labels_csv(labels)
    result = CliRunner().invoke(
        cli, ["verdicts", "import", str(labels), "--scale", "ordinal-1-5", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert "imported 41 labels" in result.stdout and "(12 new claims)" in result.stdout
    return db_path


def _agreement(db_path, *args) -> object:
    return CliRunner().invoke(cli, ["agreement", *args, "--db", str(db_path)])


def test_acceptance_krippendorff_2011_via_the_cli(krippendorff_db):
    result = _agreement(krippendorff_db, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert round(report["alpha_nominal"], 3) == 0.743
    assert round(report["alpha_ordinal"], 3) == 0.815
    assert (
        report["scope"],
        report["scale"],
        report["n_claims"],
        report["n_reviewers"],
        report["n_ratings"],
    ) == ("reviewers", "ordinal-1-5", 12, 4, 41)
    low, high = report["alpha_nominal_ci"]
    assert low < report["alpha_nominal"] < high
    assert {
        "fleiss_kappa",
        "percent_agreement",
        "cohen_kappa",
        "per_label",
        "per_reviewer",
        "confusion_matrices",
    } <= set(report)
    assert "NaN" not in result.stdout


def test_csv_and_table_formats(krippendorff_db):
    result = _agreement(krippendorff_db, "--format", "csv", "--resamples", "0")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns) == list(research.ROW_COLUMNS)
    overall = frame[frame["subject"] == "all"].set_index("statistic")
    assert round(overall.loc["alpha_nominal", "value"], 3) == 0.743
    assert round(overall.loc["alpha_ordinal", "value"], 3) == 0.815
    assert overall.loc["alpha_nominal", "n"] == 11
    assert overall["ci_low"].isna().all()  # bootstrap switched off
    pairs = frame[frame["statistic"] == "cohen_kappa"]
    assert pairs["subject"].tolist() == ["A vs B", "A vs C", "A vs D", "B vs C", "B vs D", "C vs D"]
    table = _agreement(krippendorff_db, "--resamples", "0").stdout
    assert "alpha_ordinal" in table and "0.815" in table and "nan" not in table.lower()


def test_fewer_than_two_reviewers_per_claim_says_so(db_path, tmp_path):
    labels = tmp_path / "one.csv"
    labels.write_text("claim,reviewer,label\nA.,Ann,1\nB.,Bob,2\n", encoding="utf-8")
    CliRunner().invoke(
        cli, ["verdicts", "import", str(labels), "--scale", "ordinal-1-5", "--db", str(db_path)]
    )
    for fmt in ("json", "csv", "table"):
        result = _agreement(db_path, "--format", fmt)
        assert result.exit_code == 1
        assert "agreement needs at least two reviewers on the same claim" in result.stderr
        assert "none with two reviewers" in result.stderr
        assert "nan" not in (result.stdout + result.stderr).lower()


def test_empty_database_and_several_scales(db, db_path):
    result = _agreement(db_path)
    assert result.exit_code == 1 and "found no verdicts" in result.stderr
    a, b = add_article(db, "x", [("A.", None), ("B.", None)])
    for name in ("Ann", "Bob"):
        review.ensure_reviewer(db, name)
        review.save_verdict(db, name, a, "true", scale="simple")
        review.save_verdict(db, name, b, "4", scale="ordinal-1-5")
    result = _agreement(db_path)
    assert result.exit_code == 1
    assert "several scales (ordinal-1-5, simple); choose one scale" in result.stderr
    chosen = json.loads(_agreement(db_path, "--scale", "simple", "--format", "json").stdout)
    assert chosen["scale"] == "simple" and chosen["n_claims"] == 1
    assert chosen["alpha_nominal"] is None and "no variation" in chosen["reasons"]["alpha_nominal"]


def _source_claims(db):
    """Three claims with agreed verdicts; the two sources agree on two and conflict on the
    third, where CheckOrg's 'refutes' matches the verdict (Mostly False)."""
    claims = add_article(db, "s", [("A rose.", None), ("B fell.", None), ("C held.", None)])
    review.ensure_reviewer(db, "Ann")
    review.ensure_reviewer(db, "Eve", "editor")
    stances = {
        claims[0]: ("refutes", "refutes", "False"),
        claims[1]: ("supports", "supports", "True"),
        claims[2]: ("supports", "refutes", "Mostly False"),
    }
    for claim, (first, second, final) in stances.items():
        review.cite_external(db, "Ann", claim, "https://www.factdesk.example/a", first)
        review.cite_external(
            db, "Ann", claim, "https://checkorg.example/b", second, title="CheckOrg"
        )
        review.cite_external(db, "Ann", claim, "https://ctx.example/c", "context")
        review.save_verdict(db, "Ann", claim, final)
    return claims


def test_sources_scope(db, db_path):
    claims = _source_claims(db)
    result = _agreement(db_path, "--scope", "sources", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["scope"] == "sources" and report["n_sources"] == 2  # context left out
    per = {row["source"]: row for row in report["per_source"]}
    assert set(per) == {"CheckOrg", "factdesk.example"}
    assert per["factdesk.example"]["n_agree"] == 2 and per["CheckOrg"]["n_agree"] == 3
    assert per["CheckOrg"]["agreement_with_verdict"] == 1.0
    assert report["matrix"]["CheckOrg"]["factdesk.example"] == {"agreement": 2 / 3, "n": 3}
    assert [c["claim_id"] for c in report["conflicts"]] == [claims[2]]
    frame = pd.read_csv(
        io.StringIO(_agreement(db_path, "--scope", "sources", "--format", "csv").stdout)
    )
    stats = frame.set_index(["statistic", "subject"])["value"]
    assert stats[("conflicting_claims", "all sources")] == 1
    assert stats[("source_pair_agreement", "CheckOrg vs factdesk.example")] == pytest.approx(2 / 3)


def test_unknown_scope_is_refused(db):
    with pytest.raises(InputError, match="choose one of: reviewers, sources"):
        research.agreement(db, "editors")


def test_agreement_csv_is_spreadsheet_safe(db, db_path):
    a, b = add_article(db, "x", [("A.", None), ("B.", None)])
    for name, labels in (("=cmd", ("true", "false")), ("Bob", ("true", "true"))):
        review.ensure_reviewer(db, name)
        review.save_verdict(db, name, a, labels[0], scale="simple")
        review.save_verdict(db, name, b, labels[1], scale="simple")
    text = _agreement(db_path, "--format", "csv").stdout
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=cmd vs Bob" in cells
    risky = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert risky and all(float(c) < 0 for c in risky)  # only negative numbers


# --------------------------------------------------------------------------- charts and page


def test_charts_render_offline(krippendorff_db):
    from factcheck.storage import open_db

    db = open_db(krippendorff_db)
    report = research.reviewer_report(db, resamples=0).to_dict()
    db.close()
    heat = charts.pairwise_heatmap(report).to_dict()
    assert [layer["mark"]["type"] for layer in heat["layer"]] == ["rect", "text"]
    (rows,) = heat["datasets"].values()
    assert len(rows) == 12  # 6 pairs, both ways round
    ab = next(r for r in rows if (r["reviewer_a"], r["reviewer_b"]) == ("A", "B"))
    assert ab["kappa"] == pytest.approx(report["cohen_kappa"][0]["kappa"]) and ab["n"] == 9
    png = charts.image(charts.confusion_chart(report["confusion_matrices"][0]))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = charts.image(charts.per_label_bars(report), "svg").decode()
    assert svg.lstrip().startswith("<svg") and "Per label" in svg


def test_agreement_page_shows_figures_and_downloads(krippendorff_db):
    from streamlit.testing.v1 import AppTest

    from app_pages.common import ACCOUNT_KEY
    from factcheck.review import accounts
    from factcheck.storage import open_db

    db = open_db(krippendorff_db)
    editor = accounts.add_account(db, None, "Ed", "editor")
    db.close()
    page = AppTest.from_file("../app_pages/agreement.py", default_timeout=120)
    page.session_state[ACCOUNT_KEY] = {k: editor[k] for k in ("id", "name", "role")}
    page.session_state["fc_agree_resamples"] = 0
    page.run()
    assert not page.exception and not page.error
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Krippendorff's alpha (nominal)"] == "0.743"
    assert metrics["Krippendorff's alpha (ordinal)"] == "0.815"
    labels = [b.label for b in page.get("download_button")]
    assert labels.count("PNG") == 3 and "Figures as CSV" in labels
    assert len(page.get("vega_lite_chart")) == 3
    page.radio(key="fc_agree_scope").set_value("sources").run()
    assert not page.exception
    assert "cited sources with a stance" in page.info[0].value


# --------------------------------------------------------------------------- too few to mean anything


def test_too_few_claims_or_reviewers_is_said_plainly(db, db_path):
    claims = add_article(db, "few", [(f"Claim {i}.", None) for i in range(research.MIN_CLAIMS)])
    for name in ("Ann", "Bob"):
        review.ensure_reviewer(db, name)
    for n, claim in enumerate(claims[:-1]):
        review.save_verdict(db, "Ann", claim, "true" if n % 2 else "false", scale="simple")
        review.save_verdict(db, "Bob", claim, "true", scale="simple")
    report = research.agreement(db, resamples=0)
    message = research.too_few(report)
    assert message == (
        f"Too few to measure agreement: {research.MIN_CLAIMS - 1} claims labelled by two or "
        f"more reviewers and 2 reviewers in all. The figures mean something from "
        f"{research.MIN_CLAIMS} such claims and {research.MIN_REVIEWERS} reviewers."
    )
    assert research.too_few(report.to_dict()) == message  # the page passes the dict
    result = _agreement(db_path, "--format", "json", "--resamples", "0")
    assert result.exit_code == 0 and json.loads(result.stdout)["too_few"] == message
    table = _agreement(db_path, "--resamples", "0")
    assert table.exit_code == 0 and message in table.stderr and "alpha_nominal" in table.stdout

    review.save_verdict(db, "Ann", claims[-1], "true", scale="simple")
    review.save_verdict(db, "Bob", claims[-1], "true", scale="simple")
    assert research.too_few(research.agreement(db, resamples=0)) is None  # enough now


def test_too_few_sources(db, db_path, krippendorff_db):
    _source_claims(db)
    report = research.agreement(db, "sources")
    assert report.n_claims_paired == 3 and report.n_sources == 2
    assert research.too_few(report).startswith(
        "Too few to measure agreement: 3 claims cited by two or more sources and 2 sources"
    )
    whole = research.agreement(db, scale="ordinal-1-5", resamples=0)  # 11 paired, 4 coders
    assert research.too_few(whole) is None
