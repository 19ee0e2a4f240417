"""Exports and agreement respect blind review and roles: a checker who has not judged a claim
that another checker reviewed blind finds nothing of that work (nor the claim) in the preview,
any format, the Sources sheet, the Correction log, the annotations, the agreement figures, the
CLI's `--as` or the Export page; once they save they see it; editors see everything; a viewer
gets no reviewer's own work on articles reviewed blind, unless blind mode is off."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from test_export import add_article, add_passage

from factcheck.agreement import reports as research
from factcheck.agreement.statistics import AgreementError
from factcheck.cli import cli
from factcheck.errors import NotFoundError, PermissionDeniedError
from factcheck.export import verdicts as export
from factcheck.export.verdicts import ExportFilters
from factcheck.review import accounts
from factcheck.review import workflow as review

# Annabel's work on the blind claim: every trace of it must stay out of Bo's exports.
ANNABEL = "Annabel Quist"
ANNABEL_LABEL = "Mostly False"
ANNABEL_RATIONALE = "ZEBRA-RATIONALE from the census tables"
ANNABEL_URL = "https://annabel-evidence.example/zebra"
ANNABEL_TITLE = "Annabel's zebra census"
ANNABEL_NOTE = "ZEBRA-NOTE checked twice"
BLIND_TEXT = "Zebras outnumber horses in Lisbon."
TRACES = (ANNABEL, ANNABEL_LABEL, ANNABEL_RATIONALE, ANNABEL_URL, ANNABEL_TITLE, ANNABEL_NOTE)
TRACES += (BLIND_TEXT, "annabel")  # the claim itself; any spelling of her name
FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "markdown", "claimreview", "annotations")


def build_blind_desk(db) -> SimpleNamespace:
    """Blind review on. Annabel (checker) judged the blind claim, Bo (checker) has not. Bo and
    Cyd (checkers) judged two claims each; Cyd's first is published by Edna (editor) with one
    of Cyd's two citations chosen. Vic is a viewer."""
    for name, role in (
        (ANNABEL, "checker"),
        ("Bo", "checker"),
        ("Cyd", "checker"),
        ("Edna", "editor"),
        ("Vic", "viewer"),
    ):
        accounts.add_account(db, None, name, role)
    review.set_blind_mode(db, "Edna", True)
    review.set_organisation(db, "Edna", "Desk Org", "https://desk.example")
    blind, shared1, shared2, published = add_article(
        db,
        "Blind article",
        [
            (BLIND_TEXT, "Mayor Lee"),
            ("Trams carry a million people a day.", None),
            ("Bike lanes doubled since 2020.", None),
            ("The port handled 9 million containers.", "Port Authority"),
        ],
        url="https://news.example/blind",
    )
    passage = add_passage(db)

    review.assign(db, "Edna", [blind], [ANNABEL, "Bo"])
    review.cite_external(
        db,
        ANNABEL,
        blind,
        ANNABEL_URL,
        "refutes",
        title=ANNABEL_TITLE,
        quote="zebra count",
        note=ANNABEL_NOTE,
    )
    review.cite_passage(db, ANNABEL, blind, passage, "refutes")
    review.save_verdict(db, ANNABEL, blind, ANNABEL_LABEL, rationale=ANNABEL_RATIONALE)

    for claim, (bo, cyd) in ((shared1, ("True", "True")), (shared2, ("False", "Half True"))):
        review.save_verdict(db, "Bo", claim, bo, rationale=f"Bo on {claim}")
        review.save_verdict(db, "Cyd", claim, cyd, rationale=f"Cyd on {claim}")
    review.cite_external(db, "Bo", shared1, "https://bo.example/trams", "supports", title="Bo")
    review.cite_external(
        db, "Cyd", shared1, "https://cyd.example/trams", "supports", title="Cyd's trams"
    )

    chosen = review.cite_external(
        db, "Cyd", published, "https://port.example/stats", "supports", title="Port stats"
    )
    review.cite_external(
        db,
        "Cyd",
        published,
        "https://draft.example/unused",
        "refutes",
        title="Unchosen source",
        note="CYD-NOTE",
    )
    review.save_verdict(db, "Cyd", published, "Mostly True", rationale="PORT-RATIONALE")
    review.publish(db, "Edna", published, citations=[chosen["id"]])
    return SimpleNamespace(
        blind=blind, shared1=shared1, shared2=shared2, published=published, passage=passage
    )


@pytest.fixture
def desk(db):
    return build_blind_desk(db)


def _text(data: bytes, fmt: str) -> str:
    """Every cell of an export as text (all sheets of a workbook)."""
    if fmt != "xlsx":
        return data.decode("utf-8")
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    )


def _claim_ids(data: bytes, fmt: str) -> set:
    """The claim ids an export mentions, read with the format's own reader (ClaimReview: the
    claims' texts)."""
    if fmt in ("csv", "tsv", "annotations"):
        sep = "\t" if fmt == "tsv" else ","
        return set(pd.read_csv(io.BytesIO(data), sep=sep)["claim_id"].dropna().astype(int))
    if fmt == "xlsx":
        ids: set[int] = set()
        for sheet in ("Verdicts", "Sources", "Correction log"):
            frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet)
            ids |= set(frame["claim_id"].dropna().astype(int))
        return ids
    if fmt == "json":
        return {row["claim_id"] for row in json.loads(data)}
    if fmt == "jsonl":
        return {json.loads(line)["claim_id"] for line in data.decode().splitlines()}
    if fmt == "markdown":
        text = data.decode()
        return {int(line.split()[-1]) for line in text.splitlines() if line.startswith("## Claim")}
    return {r["claimReviewed"] for r in json.loads(data)}


def _assert_no_trace(text: str) -> None:
    found = [trace for trace in TRACES if trace.casefold() in text.casefold()]
    assert not found, f"found {found}"


# --------------------------------------------------------------------------- a blinded checker


def test_the_preview_leaves_out_the_blind_claim_and_all_of_its_traces(db, desk):
    table = export.verdict_table(db, viewer="Bo")
    assert table["claim_id"].tolist() == [desk.shared1, desk.shared2, desk.published]
    _assert_no_trace(table.to_csv())
    shared = table.set_index("claim_id").loc[desk.shared2]
    assert shared["reviewer_verdicts"].split("\n") == ["Bo: False", "Cyd: Half True"]  # seen
    everything = export.verdict_table(db)
    assert desk.blind in everything["claim_id"].tolist()


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_holds_anything_of_the_blind_claim(db, desk, fmt):
    data = export.export(db, fmt, viewer="Bo")
    _assert_no_trace(_text(data, fmt))
    ids = _claim_ids(data, fmt)
    assert desk.blind not in ids and BLIND_TEXT not in ids
    assert ids  # something is exported: the test would pass on an empty file otherwise


def test_xlsx_sources_and_correction_log_hold_only_what_the_checker_may_see(db, desk):
    data = export.export(db, "xlsx", viewer="Bo")
    sources = pd.read_excel(io.BytesIO(data), sheet_name="Sources", keep_default_na=False)
    assert set(sources["claim_id"]) == {desk.shared1, desk.published}
    assert "Cyd" in set(sources["cited_by"])  # others' citations where Bo has judged
    log = pd.read_excel(io.BytesIO(data), sheet_name="Correction log", keep_default_na=False)
    assert desk.blind not in set(log["claim_id"])
    assert {"verdict.saved", "citation.added"} <= set(log["action"])
    assert not log["before"].str.contains("Annabel").any()
    assert not log["after"].str.contains("Annabel").any()


def test_the_library_tables_take_the_viewer(db, desk):
    ids = [desk.blind, desk.shared1, desk.published]
    assert desk.blind not in set(export.sources_table(db, ids, "Bo")["claim_id"])
    assert desk.blind not in set(export.correction_log(db, ids, "Bo")["claim_id"])
    assert desk.blind not in set(research.annotations_table(db, ids, "Bo")["claim_id"])
    assert desk.blind in set(export.sources_table(db, ids)["claim_id"])  # local administration
    assert desk.blind in set(research.annotations_table(db, ids)["claim_id"])


def test_filters_do_not_reveal_the_blind_claim(db, desk):
    for filters in (
        ExportFilters(reviewer=ANNABEL),
        ExportFilters(verdict=ANNABEL_LABEL),
        ExportFilters(statuses=("awaiting_second_review",)),
    ):
        assert desk.blind not in export.verdict_table(db, filters, "Bo")["claim_id"].tolist()
    assert export.verdict_table(db, ExportFilters(reviewer=ANNABEL), "Bo").empty


def test_agreement_over_what_the_checker_may_see(db, desk):
    everything = research.agreement(db, "reviewers", resamples=0).to_dict()
    assert everything["n_ratings"] == 6 and everything["n_reviewers"] == 3
    mine = research.agreement(db, "reviewers", resamples=0, viewer="Bo").to_dict()
    assert (mine["n_ratings"], mine["n_reviewers"], mine["n_claims"]) == (5, 2, 3)
    _assert_no_trace(
        json.dumps(mine)
        + json.dumps(
            research.agreement_rows(research.agreement(db, "reviewers", resamples=0, viewer="Bo"))
        )
    )
    sources = research.agreement(db, "sources", viewer="Bo")
    text = json.dumps(sources.to_dict()) + json.dumps(research.agreement_rows(sources))
    _assert_no_trace(text)
    assert "annabel-evidence.example" not in text and "Jobless" not in text
    every_source = json.dumps(research.agreement(db, "sources").to_dict())
    assert ANNABEL_TITLE in every_source and "FactDesk" in every_source  # source names


def test_the_cli_exports_and_measures_as_the_account(db, db_path, desk, tmp_path):
    runner = CliRunner()
    for fmt in ("csv", "json", "annotations", "markdown"):
        result = runner.invoke(cli, ["export", "--format", fmt, "--as", "Bo", "--db", str(db_path)])
        assert result.exit_code == 0, result.output
        _assert_no_trace(result.stdout)
        assert desk.blind not in _claim_ids(result.stdout_bytes, fmt)
    out = tmp_path / "bo.xlsx"
    result = runner.invoke(
        cli, ["export", "--format", "xlsx", "-o", str(out), "--as", "Bo", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    _assert_no_trace(_text(out.read_bytes(), "xlsx"))
    whole = runner.invoke(cli, ["export", "--format", "csv", "--db", str(db_path)])
    assert ANNABEL in whole.stdout  # without --as: local administration, everything

    for scope in ("reviewers", "sources"):
        result = runner.invoke(
            cli,
            ["agreement", "--scope", scope, "--format", "json", "--as", "Bo", "--db", str(db_path)],
        )
        assert result.exit_code == 0, result.output
        _assert_no_trace(result.stdout)
        assert "too few" in json.loads(result.stdout)["too_few"].casefold()
    result = runner.invoke(cli, ["agreement", "--as", "Bo", "--db", str(db_path)])
    assert result.exit_code == 0 and "Too few to measure agreement" in result.stderr
    _assert_no_trace(result.stdout + result.stderr)
    whole = runner.invoke(cli, ["agreement", "--format", "csv", "--db", str(db_path)])
    assert ANNABEL in whole.stdout


def test_the_cli_refuses_an_unknown_or_disabled_account(db, db_path, desk):
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--as", "Nobody", "--db", str(db_path)])
    assert result.exit_code == 1 and "unknown account 'Nobody'" in result.stderr
    assert result.stdout == ""
    accounts.set_disabled(db, None, "Bo")
    result = runner.invoke(cli, ["agreement", "--as", "Bo", "--db", str(db_path)])
    assert result.exit_code == 1 and "disabled" in result.stderr
    with pytest.raises(NotFoundError):
        export.verdict_table(db, viewer="Nobody")
    with pytest.raises(PermissionDeniedError):
        export.export(db, "csv", viewer="Bo")


# --------------------------------------------------------------------------- after saving


def test_once_the_checker_saves_they_see_the_other_work(db, desk):
    review.save_verdict(db, "Bo", desk.blind, "True", rationale="Bo disagrees")
    table = export.verdict_table(db, viewer="Bo")
    row = table.set_index("claim_id").loc[desk.blind]
    assert row["reviewer_verdicts"].split("\n") == [f"{ANNABEL}: {ANNABEL_LABEL}", "Bo: True"]
    assert ANNABEL_URL in row["source_urls"]
    data = export.export(db, "xlsx", viewer="Bo")
    sources = pd.read_excel(io.BytesIO(data), sheet_name="Sources", keep_default_na=False)
    assert ANNABEL_NOTE in set(sources["note"]) and ANNABEL in set(sources["cited_by"])
    log = pd.read_excel(io.BytesIO(data), sheet_name="Correction log", keep_default_na=False)
    assert ANNABEL in set(log[log["claim_id"] == desk.blind]["actor"])
    annotations = pd.read_csv(io.BytesIO(export.export(db, "annotations", viewer="Bo")))
    assert ANNABEL in set(annotations[annotations["claim_id"] == desk.blind]["reviewer"])
    report = research.agreement(db, "reviewers", resamples=0, viewer="Bo").to_dict()
    assert report["n_ratings"] == 7 and report["n_reviewers"] == 3


def test_an_editor_sees_everything(db, desk):
    assert export.export(db, "csv", viewer="Edna") == export.export(db, "csv")
    assert export.export(db, "annotations", viewer="Edna") == export.export(db, "annotations")
    table = export.verdict_table(db, viewer="Edna").set_index("claim_id")
    assert row_has(table.loc[desk.blind], ANNABEL, ANNABEL_LABEL)
    log = export.correction_log(db, [desk.blind], "Edna")
    assert ANNABEL in set(log["actor"])
    report = research.agreement(db, "reviewers", resamples=0, viewer="Edna").to_dict()
    assert report["n_ratings"] == 6


def row_has(row, name: str, label: str) -> bool:
    return f"{name}: {label}" in row["reviewer_verdicts"].split("\n")


# --------------------------------------------------------------------------- viewers


def test_a_viewer_gets_no_reviewer_work_on_a_blind_article(db, desk):
    table = export.verdict_table(db, viewer="Vic")
    assert table["claim_id"].tolist() == [desk.published]  # unpublished ones stay blind
    (row,) = table.to_dict("records")
    assert (row["reviewers"], row["reviewer_verdicts"]) == ("", "")
    assert (row["verdict_label"], row["verdict_by"]) == ("Mostly True", "Edna")
    assert row["source_urls"] == "https://port.example/stats"  # the published source only
    assert row["rationale"] == "PORT-RATIONALE"  # the published verdict's, as published
    text = _text(export.export(db, "xlsx", viewer="Vic"), "xlsx")
    for trace in ("Cyd", "CYD-NOTE", "Unchosen source", *TRACES):
        assert trace.casefold() not in text.casefold(), trace
    book = openpyxl.load_workbook(io.BytesIO(export.export(db, "xlsx", viewer="Vic")))
    log = pd.DataFrame(book["Correction log"].values)
    assert "claim.status" in set(log[3]) and "verdict.final" in set(log[3])
    assert set(log[2][1:]) <= {"Edna", "ingest"}  # the desk's and the system's record
    annotations = pd.read_csv(io.BytesIO(export.export(db, "annotations", viewer="Vic")))
    assert annotations.empty
    assert export.verdict_table(db, ExportFilters(reviewer="Cyd"), "Vic").empty
    with pytest.raises(AgreementError):
        research.agreement(db, "reviewers", viewer="Vic")
    sources = json.dumps(research.agreement(db, "sources", viewer="Vic").to_dict())
    assert "Port stats" in sources and "Unchosen source" not in sources


def test_a_viewer_sees_reviewer_work_when_blind_mode_is_off(db, desk):
    review.set_blind_mode(db, "Edna", False)
    table = export.verdict_table(db, viewer="Vic").set_index("claim_id")
    assert len(table) == 4
    assert row_has(table.loc[desk.blind], ANNABEL, ANNABEL_LABEL)
    assert row_has(table.loc[desk.published], "Cyd", "Mostly True")
    annotations = pd.read_csv(io.BytesIO(export.export(db, "annotations", viewer="Vic")))
    assert len(annotations) == 6


# --------------------------------------------------------------------------- published sources


def test_published_sources_are_the_ones_the_editor_chose(db, desk):
    for viewer in (None, "Edna", "Bo"):
        table = export.verdict_table(db, viewer=viewer).set_index("claim_id")
        assert table.loc[desk.published, "source_urls"] == "https://port.example/stats"
        sources = export.sources_table(db, [desk.published], viewer)
        assert sources["url"].tolist() == ["https://port.example/stats"]
    (item,) = json.loads(export.export(db, "claimreview", viewer="Bo"))
    assert item["citation"] == [
        {"@type": "CreativeWork", "url": "https://port.example/stats", "name": "Port stats"}
    ]
    assert item["author"] == {
        "@type": "Organization",
        "name": "Desk Org",
        "url": "https://desk.example",
    }


# --------------------------------------------------------------------------- the pages


def _page(path: str, db, name: str):
    from streamlit.testing.v1 import AppTest

    from app_pages.common import ACCOUNT_KEY

    account = accounts.get_account(db, name)
    page = AppTest.from_file(path, default_timeout=60)
    page.session_state[ACCOUNT_KEY] = {k: account[k] for k in ("id", "name", "role")}
    return page


def test_export_page_signed_in_as_the_blinded_checker(db, desk):
    page = _page("../app_pages/export.py", db, "Bo").run()
    assert not page.exception and not page.error
    preview = page.dataframe[0].value
    assert preview["claim_id"].tolist() == [desk.shared1, desk.shared2, desk.published]
    _assert_no_trace(preview.to_csv())
    shown = " ".join(str(e.value) for e in [*page.markdown, *page.caption])
    _assert_no_trace(shown)
    assert "claims under blind review that you have not judged" in shown
    buttons = {b.label: b for b in page.get("download_button")}
    assert not buttons["ClaimReview JSON-LD"].proto.disabled  # the desk named the organisation


def test_agreement_page_signed_in_as_the_blinded_checker_says_too_few(db, desk):
    page = _page("../app_pages/agreement.py", db, "Bo")
    page.session_state["fc_agree_resamples"] = 0
    page.run()
    assert not page.exception and not page.error
    assert "Too few to measure agreement" in page.warning[0].value
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Krippendorff's alpha (nominal)"] == "too few"
    shown = " ".join(str(e.value) for e in [*page.markdown, *page.caption, *page.warning])
    _assert_no_trace(shown)
    for frame in page.dataframe:
        _assert_no_trace(frame.value.to_csv())


def test_the_whole_app_signed_in_as_the_blinded_checker_exports_only_their_view(db, desk):
    from app_seed import open_app

    at = open_app("Bo", page="app_pages/export.py")
    assert not at.exception and not at.error
    preview = at.dataframe[0].value
    assert preview["claim_id"].tolist() == [desk.shared1, desk.shared2, desk.published]
    _assert_no_trace(preview.to_csv())
    at = open_app("Bo", page="app_pages/agreement.py")
    assert not at.exception and not at.error
    assert "Too few to measure agreement" in at.warning[0].value
