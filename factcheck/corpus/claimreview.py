"""schema.org ClaimReview JSON-LD for published verdicts.

One ClaimReview per published claim with a final verdict::

    url             FACTCHECK_REVIEW_URL with {claim_id} filled in (left out when unset)
    claimReviewed   the claim's text
    datePublished   the date it was published
    author          Organization: the organisation set on the editor's desk, else
                    FACTCHECK_ORG_NAME, FACTCHECK_ORG_URL (the export passes it in)
    reviewRating    Rating: alternateName = the verdict label; ratingValue, bestRating,
                    worstRating = its ordinal value and the scale's best and worst (left out for
                    labels off the ordinal scale, such as "Unproven")
    itemReviewed    Claim: author (Person, or Organization when the speaker names one),
                    datePublished (the article's date), appearance (the article's URL)
    citation        CreativeWork (url, name) for each source the published verdict cites
                    (the citations the editor chose; http(s) URLs only; left out when none)

An organisation name (the desk's, or FACTCHECK_ORG_NAME) is required once there is a review to
write. Claims are untrusted text: the export writes the JSON with
:func:`factcheck.text.html_safe_json`, so it can be pasted into a ``<script>`` element.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from typing import Any
from urllib.parse import urlparse

from factcheck.config import Settings, load_settings
from factcheck.errors import ConfigError
from factcheck.extract.entities import find_entities
from factcheck.extract.gazetteer import ORG_WORDS
from factcheck.review.scales import get_scale

CONTEXT = "https://schema.org"
ORG_LABELS = ("ORG", "GPE", "NORP")


@dataclass(frozen=True)
class Organisation:
    """The fact-checking organisation that authors the reviews."""

    name: str
    url: str | None = None
    review_url: str | None = None  # template with {claim_id}


def organisation_from_settings(settings: Settings | None = None) -> Organisation | None:
    """The ``org_name``, ``org_url`` and ``review_url`` settings (FACTCHECK_ORG_NAME,
    FACTCHECK_ORG_URL, FACTCHECK_REVIEW_URL, checked there); None without a name."""
    settings = settings or load_settings()
    if not settings.org_name:
        return None
    return Organisation(settings.org_name, settings.org_url, settings.review_url)


def speaker_type(speaker: str) -> str:
    """ "Organization" when the speaker names one (entity or organisation word), else "Person"."""
    labels = {e["label"] for e in find_entities(speaker)}
    last = (speaker.casefold().split() or [""])[-1].rstrip(".")
    org_word = last in ORG_WORDS or f"{last}." in ORG_WORDS  # "Corp" as well as "Corp."
    if "PERSON" not in labels and (labels & set(ORG_LABELS) or org_word):
        return "Organization"
    return "Person"


def _number(value):
    return int(value) if float(value).is_integer() else float(value)


def rating(label: str, scale_name: str) -> dict:
    """A schema.org Rating for ``label`` on the scale."""
    scale = get_scale(scale_name)
    out = {"@type": "Rating", "alternateName": scale.normalise(label)}
    ordinal = scale.ordinal(label)
    if ordinal is not None and scale.is_ordinal:
        out |= {
            "ratingValue": _number(ordinal),
            "bestRating": _number(scale.best),
            "worstRating": _number(scale.worst),
        }
    return out


def item_reviewed(row: dict) -> dict:
    """The reviewed Claim: who said it, when, where it appeared."""
    item: dict[str, Any] = {"@type": "Claim"}
    if row.get("speaker"):
        item["author"] = {"@type": speaker_type(row["speaker"]), "name": row["speaker"]}
    if row.get("article_date"):
        item["datePublished"] = row["article_date"]
    if row.get("article_url"):
        item["appearance"] = [{"@type": "CreativeWork", "url": row["article_url"]}]
    return item


def citations(row: dict) -> list[dict]:
    """The sources a verdict-table row cites (its ``source_urls`` and ``source_titles``, one a
    line) as CreativeWorks; sources without an http(s) URL are left out."""
    urls = str(row.get("source_urls") or "").split("\n")
    titles = str(row.get("source_titles") or "").split("\n")
    out = []
    for url, title in zip_longest(urls, titles, fillvalue=""):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            continue
        out.append({"@type": "CreativeWork", "url": url} | ({"name": title} if title else {}))
    return out


def claim_review(row: dict, org: Organisation) -> dict:
    """The ClaimReview of one verdict-table row (a dict of :data:`factcheck.export.verdicts.COLUMNS`)."""
    review = {"@context": CONTEXT, "@type": "ClaimReview"}
    if org.review_url:
        review["url"] = org.review_url.replace("{claim_id}", str(row["claim_id"]))
    author = {"@type": "Organization", "name": org.name} | ({"url": org.url} if org.url else {})
    published = (row.get("published_at") or row.get("verdict_at") or "")[:10]
    return (
        review
        | {"claimReviewed": row["claim_text"]}
        | ({"datePublished": published} if published else {})
        | {
            "author": author,
            "reviewRating": rating(row["verdict_label"], row["verdict_scale"]),
            "itemReviewed": item_reviewed(row),
        }
        | ({"citation": cited} if (cited := citations(row)) else {})
    )


def claim_reviews(rows: list[dict], org: Organisation | None = None) -> list[dict]:
    """ClaimReviews for the published rows that have a final verdict (others are skipped).

    ``org``: the author (:func:`factcheck.export.verdicts.claimreview_organisation` gives the
    desk's); None falls back to the settings."""
    published = [r for r in rows if r["status"] == "published" and r.get("verdict_label")]
    if not published:
        return []
    org = org or organisation_from_settings()
    if org is None:
        raise ConfigError(
            "name the fact-checking organisation that authors the ClaimReviews: an editor "
            "sets it on the Editor's desk, or set FACTCHECK_ORG_NAME (and FACTCHECK_ORG_URL)"
        )
    return [claim_review(row, org) for row in published]
