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
    assert set(item) == {
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "datePublished",
        "author",
        "reviewRating",
        "itemReviewed",
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
