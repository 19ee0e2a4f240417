"""`factcheck verdicts import`: long-format labels from other tools, all-or-nothing unless
--skip-bad, claims found by id or text or created in an 'imported' article."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_export import add_article

from factcheck.cli import cli
from factcheck.errors import InputError
from factcheck.review import workflow as review
from factcheck.review.labels import import_labels
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store


def _counts(db) -> dict:
    return {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("verdicts", "claims", "reviewers", "events")
    }


def test_labels_by_text_create_claims_in_an_imported_article(db):
    data = (
        b"claim,reviewer,label,timestamp\n"
        b"Crime rose 10%.,Ann,False,2024-03-01T09:30:00\n"
        b"Crime rose 10%.,Bob,mostly-false,2024-03-02T10:00:00+02:00\n"
        b"Wages fell.,Ann,true,\n"
    )
    result = import_labels(db, data, scale="politifact")
    assert (result.imported, result.claims_created, result.skipped) == (3, 2, [])
    rows = review.annotations_long(db)
    assert [(r["reviewer"], r["label"], r["ordinal"]) for r in rows] == [
        ("Ann", "False", 2.0),
        ("Bob", "Mostly False", 3.0),
        ("Ann", "True", 6.0),
    ]
    assert rows[0]["created_at"] == "2024-03-01T09:30:00.000000+00:00"
    assert rows[1]["created_at"] == "2024-03-02T08:00:00.000000+00:00"  # kept, in UTC
    claim = claim_store.get(db, rows[0]["claim_id"])
    article = article_store.get(db, claim["article_id"])
    assert (article["source_kind"], article["title"]) == ("imported", "Imported labels")
    assert [r["role"] for r in db.query("SELECT role FROM reviewers")] == ["checker", "checker"]


def test_labels_by_claim_id_and_existing_text(db):
    first, second = add_article(db, "a", [("Taxes rose.", None), ("Jobs grew.", None)])
    data = f"claim,reviewer,label\n{first},Ann,3\nJobs grew.,Bob,5\n"
    result = import_labels(db, data.encode(), scale="ordinal-1-5")
    assert (result.imported, result.claims_created) == (2, 0)
    labels = {(r["claim_id"], r["reviewer"]): r["label"] for r in review.annotations_long(db)}
    assert labels == {(first, "Ann"): "3", (second, "Bob"): "5"}


def test_reimport_updates_instead_of_duplicating(db):
    import_labels(db, b"claim,reviewer,label\nX is y.,Ann,1\n", scale="ordinal-1-5")
    import_labels(db, b"claim,reviewer,label\nX is y.,Ann,4\n", scale="ordinal-1-5")
    (row,) = review.annotations_long(db)
    assert row["label"] == "4" and db.execute("SELECT count(*) FROM claims").fetchone()[0] == 1


def test_bad_rows_are_listed_with_line_numbers_and_nothing_changes(db):
    review.ensure_reviewer(db, "Zed")
    before = _counts(db)
    data = (
        b"claim,reviewer,label\n"
        b"Fine claim.,Ann,2\n"
        b'"A claim\nover two lines",Bob,7\n'
        b"Another.,Cy,excellent\n"
        b"99999,Dee,3\n"
    )
    with pytest.raises(InputError) as caught:
        import_labels(db, data, scale="ordinal-1-5")
    message = str(caught.value)
    assert "3 bad rows, nothing imported" in message
    assert "line 3: unknown verdict '7'" in message and "valid labels: 1, 2, 3, 4, 5" in message
    assert "line 5: unknown verdict 'excellent'" in message  # line 3 spans two lines
    assert "line 6: no claim with id 99999" in message
    assert _counts(db) == before


def test_skip_bad_imports_the_good_rows(db):
    data = b"claim,reviewer,label\nFine claim.,Ann,2\nOther.,Bob,seven\n"
    result = import_labels(db, data, scale="ordinal-1-5", skip_bad=True)
    assert result.imported == 1 and len(result.skipped) == 1
    assert result.skipped[0].startswith("line 3: unknown verdict 'seven'")
    assert [r["label"] for r in review.annotations_long(db)] == ["2"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"text,who,label\nx,y,1\n", "needs columns claim"),
        (b"claim,reviewer,label\n", "has a header but no rows"),
        (b"\xff\xfeclaim", "not UTF-8"),
    ],
)
def test_unusable_files(db, data, message):
    with pytest.raises(InputError, match=message):
        import_labels(db, data, scale="ordinal-1-5")


def test_bom_and_header_case_are_accepted(db):
    data = "\ufeffClaim,Reviewer,Label,Timestamp\nSky is green.,Ann,False,\n".encode()
    assert import_labels(db, data, scale="simple").imported == 1


def test_default_scale_is_the_configured_one(db):
    result = import_labels(db, b"claim,reviewer,label\nX.,Ann,pants on fire\n")
    assert result.scale == "politifact" and result.imported == 1


def test_cli_import(db_path, tmp_path):
    good = tmp_path / "labels.csv"
    good.write_text("claim,reviewer,label\nA.,Ann,1\nA.,Bob,2\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["verdicts", "import", str(good), "--scale", "ordinal-1-5", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert "imported 2 labels on the ordinal-1-5 scale (1 new claims)" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("claim,reviewer,label\nB.,Ann,1\nB.,Bob,nine\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["verdicts", "import", str(bad), "--scale", "ordinal-1-5", "--db", str(db_path)]
    )
    assert result.exit_code == 1 and "line 3: unknown verdict 'nine'" in result.stderr
    result = runner.invoke(
        cli,
        [
            "verdicts",
            "import",
            str(bad),
            "--scale",
            "ordinal-1-5",
            "--skip-bad",
            "--db",
            str(db_path),
        ],
    )
    assert result.exit_code == 0 and "skipped line 3" in result.stderr
    result = runner.invoke(
        cli, ["verdicts", "import", str(good), "--scale", "nope", "--db", str(db_path)]
    )
    assert result.exit_code == 1 and "unknown verdict scale 'nope'" in result.stderr
