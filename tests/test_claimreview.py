"""schema.org ClaimReview JSON-LD of published verdicts, checked field by field."""

from __future__ import annotations

import json

import pytest
from test_export import ARTICLE_URL, add_article, add_passage, build_newsroom

from factcheck.corpus.claimreview import (
    Organisation,
    claim_review,
    claim_reviews,
    rating,
    speaker_type,
)
from factcheck.errors import ConfigError
from factcheck.export import verdicts as export
from factcheck.review import workflow as review


@pytest.fixture
def org_env(monkeypatch):
    monkeypatch.setenv("FACTCHECK_ORG_NAME", "Example Fact Desk")
    monkeypatch.setenv("FACTCHECK_ORG_URL", "https://factdesk.example")
    monkeypatch.setenv("FACTCHECK_REVIEW_URL", "https://factdesk.example/checks/{claim_id}")


def _reviews(db) -> list[dict]:
    return json.loads(export.export(db, "claimreview"))


def test_published_verdict_field_by_field(db, org_env):
    newsroom = build_newsroom(db)
    (item,) = _reviews(db)  # only the published claim
    row = export.verdict_table(db).set_index("claim_id").loc[newsroom.jobs]
    assert item["@context"] == "https://schema.org"
    assert item["@type"] == "ClaimReview"
    assert item["url"] == f"https://factdesk.example/checks/{newsroom.jobs}"
    assert item["claimReviewed"] == "Unemployment fell to 2% last year."
    assert item["datePublished"] == row["published_at"][:10]
    assert item["author"] == {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://factdesk.example",
    }
    assert item["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 2,
        "bestRating": 6,
        "worstRating": 1,
    }
    assert item["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Jane Smith"},
        "datePublished": "2024-05-01",
        "appearance": [{"@type": "CreativeWork", "url": ARTICLE_URL}],
    }
    assert item["citation"] == [  # the sources the published verdict cites
        {
            "@type": "CreativeWork",
            "url": "https://factdesk.example/jobless",
            "name": "Jobless rate fact-check",
        },
        {"@type": "CreativeWork", "url": "https://stats.example/q1", "name": "+Quarterly stats"},
    ]
    assert set(item) == {
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "datePublished",
        "author",
        "reviewRating",
        "itemReviewed",
        "citation",
    }


def test_organisation_speaker_and_missing_article_fields(db, org_env):
    for name, role in (("Ann", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    (claim_id,) = add_article(db, "plain", [("Road spending tripled.", "the Health Ministry")])
    review.cite_passage(db, "Ann", claim_id, add_passage(db), "supports")
    review.save_verdict(db, "Ann", claim_id, "mostly true")
    review.publish(db, "Eve", claim_id)
    (item,) = _reviews(db)
    assert item["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "the Health Ministry"},
    }
    assert item["reviewRating"]["alternateName"] == "Mostly True"
    assert item["reviewRating"]["ratingValue"] == 5


@pytest.mark.parametrize(
    "speaker, kind",
    [
        ("Jane Smith", "Person"),
        ("Senator John Doe", "Person"),
        ("World Health Organization", "Organization"),
        ("the agency", "Organization"),
        ("Germany", "Organization"),
        ("Acme Corp", "Organization"),
        ("Acme Ltd.", "Organization"),
        ("Pat Kowalski", "Person"),
    ],
)
def test_speaker_type(speaker, kind):
    assert speaker_type(speaker) == kind


def test_rating_on_other_scales():
    assert rating("unproven", "snopes") == {"@type": "Rating", "alternateName": "Unproven"}
    assert rating("4", "ordinal-1-5") == {
        "@type": "Rating",
        "alternateName": "4",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert rating("missing context", "meta")["ratingValue"] == 3
    assert rating("missing context", "meta")["bestRating"] == 4


def test_review_url_is_left_out_without_a_template():
    row = {
        "claim_id": 7,
        "claim_text": "x",
        "status": "published",
        "verdict_label": "True",
        "verdict_scale": "simple",
        "published_at": "2024-06-02T10:00:00+00:00",
        "speaker": "",
        "article_date": "",
        "article_url": "",
    }
    item = claim_review(row, Organisation("Desk"))
    assert "url" not in item and item["author"] == {"@type": "Organization", "name": "Desk"}
    assert item["itemReviewed"] == {"@type": "Claim"} and item["datePublished"] == "2024-06-02"


def test_only_published_rows_with_a_verdict():
    rows = [
        {"status": "verdict", "verdict_label": "True"},
        {"status": "published", "verdict_label": ""},
    ]
    assert claim_reviews(rows, Organisation("Desk")) == []


def test_organisation_name_is_required_once_there_is_a_review(db, monkeypatch):
    monkeypatch.delenv("FACTCHECK_ORG_NAME", raising=False)
    assert _reviews(db) == []  # empty database: a valid empty list
    build_newsroom(db)
    with pytest.raises(ConfigError, match="set FACTCHECK_ORG_NAME"):
        export.export(db, "claimreview")


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("FACTCHECK_REVIEW_URL", "https://desk.example/checks", "must contain {claim_id}"),
        ("FACTCHECK_ORG_URL", "javascript:alert(1)", "FACTCHECK_ORG_URL must be an http"),
    ],
)
def test_bad_organisation_settings(db, monkeypatch, org_env, name, value, message):
    build_newsroom(db)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        export.export(db, "claimreview")


HOSTILE_CLAIM = "Taxes</script><script>alert('x')</script> & <!-- fell\u2028by\u20294%."


def _published(db, text: str) -> int:
    for name, role in (("Ann", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    (claim_id,) = add_article(db, "hostile", [(text, "Jane Smith")])
    review.cite_passage(db, "Ann", claim_id, add_passage(db), "refutes")
    review.save_verdict(db, "Ann", claim_id, "false")
    review.publish(db, "Eve", claim_id)
    return claim_id


def test_claimreview_is_safe_to_embed_in_a_script_element(db, org_env):
    _published(db, HOSTILE_CLAIM)
    data = export.export(db, "claimreview")
    text = data.decode("utf-8")
    assert "</script" not in text.casefold() and "<!--" not in text
    assert not set("<>&\u2028\u2029") & set(text)
    assert "\\u003c/script\\u003e" in text and "\\u0026" in text and "\\u2028" in text
    (item,) = json.loads(data)
    assert item["claimReviewed"] == HOSTILE_CLAIM  # the same text, read back


def test_the_desk_organisation_is_the_author(db, org_env):
    _published(db, "Road spending tripled.")
    review.set_organisation(db, "Eve", "Desk & Partners", "https://desk.example")
    (item,) = _reviews(db)
    assert item["author"] == {
        "@type": "Organization",
        "name": "Desk & Partners",
        "url": "https://desk.example",
    }
    assert item["url"].startswith("https://factdesk.example/checks/")  # the URL template stays
    review.set_organisation(db, "Eve", "")  # cleared: back to FACTCHECK_ORG_NAME
    assert _reviews(db)[0]["author"]["name"] == "Example Fact Desk"


def test_the_desk_organisation_is_enough_without_settings(db, monkeypatch):
    monkeypatch.delenv("FACTCHECK_ORG_NAME", raising=False)
    _published(db, "Road spending tripled.")
    with pytest.raises(ConfigError, match="Editor's desk"):
        export.export(db, "claimreview")
    review.set_organisation(db, "Eve", "Desk Org")
    assert _reviews(db)[0]["author"] == {"@type": "Organization", "name": "Desk Org"}


def test_only_the_chosen_sources_are_cited(db, org_env):
    for name, role in (("Ann", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    (claim_id,) = add_article(db, "chosen", [("Exports doubled.", None)])
    review.cite_passage(db, "Ann", claim_id, add_passage(db), "refutes")
    chosen = review.cite_external(
        db, "Ann", claim_id, "https://stats.example/x", "refutes", title="Stats"
    )
    review.save_verdict(db, "Ann", claim_id, "false")
    review.publish(db, "Eve", claim_id, citations=[chosen["id"]])
    (item,) = _reviews(db)
    assert item["citation"] == [
        {"@type": "CreativeWork", "url": "https://stats.example/x", "name": "Stats"}
    ]
