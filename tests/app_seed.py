"""Test data for the app tests, the browser tests and bench/app_pages.py: articles with
check-worthy claims, fact-check sources with passages, and matches between them, written
straight through the storage layer (no model, no extraction: fast and deterministic)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage import corpus as corpus_store
from factcheck.types import Document, SentenceClaim

CLAIMS = [
    "Unemployment fell to 2% last year, the minister said.",
    "The new bridge cost 3 billion euros.",
    "Crime doubled in the capital since 2019.",
]
HOSTILE = (
    "<script>alert('x')</script> **bold** [link](javascript:alert(1)) "
    "![img](http://example.org/pixel.png) :red[red] $x^2$"
)
VERDICTS = ["false", "true", "half-true", "mostly-false", "pants-fire"]
CLAIM_TYPES = ["statistic", "quote", "event", "comparison"]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_article(
    db,
    claims: list[str],
    *,
    title: str = "Test article",
    scores=None,
    actor: str = "seed",
    claim_types=None,
    speakers=None,
) -> list[int]:
    """An article whose sentences are ``claims`` (all check-worthy); the claim ids."""
    text = ""
    sentences = []
    for i, claim in enumerate(claims):
        if text:
            text += " " if i % 3 else "\n\n"
        start = len(text)
        text += claim
        score = scores[i] if scores else round(0.95 - 0.05 * (i % 10), 2)
        sentences.append(
            SentenceClaim(
                sentence_index=i,
                text=claim,
                start=start,
                end=len(text),
                score=score,
                reasons=[f"seeded score {score:.2f}"],
                check_worthy=True,
                claim_type=(claim_types or CLAIM_TYPES)[i % len(claim_types or CLAIM_TYPES)],
                speaker=speakers[i] if speakers else ("the minister" if i % 2 == 0 else None),
                quantities=[{"text": "2%", "value": 2, "unit": "%"}] if "%" in claim else [],
            )
        )
    with db.atomic():
        article_id = article_store.insert(
            db,
            Document(text=text, source=f"seed:{title}", source_kind="paste", title=title),
            content_hash=_hash(title + text),
            extractor="default",
            actor=actor,
        )
        return claim_store.insert_many(db, article_id, sentences, actor=actor)


def add_sources(db, count: int, *, prefix: str = "Fact-check") -> list[int]:
    """``count`` fact-check sources with one passage each; the passage ids."""
    passage_ids = []
    with db.atomic():
        for i in range(count):
            text = f"{prefix} {i}: the claim about figure {i} is not supported by official data."
            source_id = corpus_store.insert_source(
                db,
                {
                    "kind": "fact-check",
                    "title": f"{prefix} number {i}",
                    "url": f"https://factcheck.example.org/{i}",
                    "publisher": "Example Checks",
                    "date": f"2024-01-{(i % 28) + 1:02d}",
                    "verdict": VERDICTS[i % len(VERDICTS)],
                    "text": text,
                    "content_hash": _hash(f"{prefix}-{i}"),
                },
                [
                    {
                        "idx": 0,
                        "field": "claim",
                        "text": text,
                        "start": 0,
                        "end": len(text),
                        "text_hash": _hash(text),
                    }
                ],
            )
            passage_ids.append(
                db.execute("SELECT id FROM passages WHERE source_id = ?", [source_id]).fetchone()[0]
            )
    return passage_ids


def add_matches(
    db,
    claim_ids,
    passage_ids,
    per_claim: int,
    *,
    method: str = "hybrid",
    model: str = "all-MiniLM-L6-v2",
) -> int:
    """Match each claim with ``per_claim`` passages (rotating through ``passage_ids``)."""
    now = datetime.now(UTC).isoformat()
    rows = []
    n = len(passage_ids)
    for position, claim_id in enumerate(claim_ids):
        for rank in range(1, per_claim + 1):
            passage_id = passage_ids[(position + rank - 1) % n]
            score = round(0.92 - 0.04 * rank, 3)  # also the confidence, strong to 0.8
            band = "strong" if score >= 0.8 else "suggested"
            rows.append((claim_id, passage_id, score, rank, method, model, score, band, now))
    with db.atomic():
        db.executemany(
            "INSERT INTO matches (claim_id, passage_id, score, rank, method, model, "
            "confidence, band, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            rows,
        )
    return len(rows)


def small_desk(db) -> dict:
    """Three claims, the first matched with three fact-checks: the app tests' starting point."""
    claim_ids = add_article(db, CLAIMS, title="Economy report")
    passage_ids = add_sources(db, 3)
    add_matches(db, claim_ids[:1], passage_ids, 3)
    return {"claims": claim_ids, "passages": passage_ids}


# ---------------------------------------------------------------- AppTest helpers

PASSWORD = "correct horse battery staple"
"""The password :func:`sign_in_token` gives the accounts it creates."""
ADMIN = "Admin"
"""The admin :func:`sign_in_token` adds when the database has none (else the app would ask
for the first admin instead of showing pages)."""


def _database():
    from factcheck.config import load_settings
    from factcheck.storage import open_db

    return open_db(load_settings().db_path)


def sign_in_token(name: str, role: str = "checker") -> str:
    """A session token for the account ``name`` from ``accounts.sign_in`` (the same token the
    sign-in form stores): the account is created with ``role`` and :data:`PASSWORD` when it
    does not exist (an existing one keeps its role and gets :data:`PASSWORD` when it has no
    password), and an :data:`ADMIN` is added when the database has no admin."""
    from factcheck.config import load_settings
    from factcheck.review import accounts

    db = _database()
    try:
        if accounts.needs_first_admin(db) and not (role == "admin" and _missing(db, name)):
            if _missing(db, ADMIN):
                accounts.add_account(db, None, ADMIN, "admin", PASSWORD)
        if _missing(db, name):
            accounts.add_account(db, None, name, role, PASSWORD)
        else:
            try:
                accounts.sign_in(db, name, PASSWORD, load_settings())
            except Exception:  # noqa: BLE001 - made without a password (or another one)
                accounts.reset_password(db, None, name, PASSWORD)
        return accounts.sign_in(db, name, PASSWORD, load_settings())[1]
    finally:
        db.close()


def _missing(db, name: str) -> bool:
    from factcheck.errors import NotFoundError
    from factcheck.review import accounts

    try:
        accounts.get_account(db, name)
    except NotFoundError:
        return True
    return False


def open_app(
    name: str | None = None,
    role: str = "checker",
    *,
    page: str | None = None,
    claim: int | None = None,
    timeout: float = 60,
    run: bool = True,
):
    """The app in AppTest (FACTCHECK_DB must be set), on ``page`` (a path under app_pages/)
    with ``?claim=`` when given.

    Signed in as ``name`` when given, the way the sign-in form does it: a token from
    :func:`sign_in_token` under ``st.session_state[common.TOKEN_KEY]`` (``"fc_token"``); the
    app resolves the account from it on every run. ``run=False`` returns it before its first
    run (to set query parameters or state first)."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from app_pages.common import TOKEN_KEY

    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "app.py"), default_timeout=timeout)
    if name:
        at.session_state[TOKEN_KEY] = sign_in_token(name, role)
    if page:
        at.switch_page(page)
    if claim is not None:
        at.query_params["claim"] = str(claim)
    return at.run() if run else at


def texts(elements) -> list[str]:
    return [str(element.value) for element in elements]


RESEARCH_CLAIMS = [
    "Exports grew by 12% in the first quarter.",
    "The health budget is the largest in the country's history.",
    "Half of all new jobs went to young people.",
    "Rents rose faster than wages for ten years.",
    "The city planted 40,000 trees since 2020.",
    "Teacher salaries are the lowest in the region.",
]
# Ann's and Bob's verdicts on RESEARCH_CLAIMS (PolitiFact scale): four agree, two do not.
RESEARCH_LABELS = [
    ("False", "False"),
    ("True", "True"),
    ("Mostly False", "Half True"),
    ("Pants on Fire!", "Pants on Fire!"),
    ("Half True", "Half True"),
    ("Mostly True", "False"),
]


def research_desk(db) -> dict:
    """:func:`small_desk` plus an article of six claims labelled by two checkers, Ann and Bob
    (agreeing on four), and the desk's first claim published by the editor Eve with a cited
    fact-check: what the Export and Agreement pages need."""
    from factcheck.review import workflow as review

    desk = small_desk(db)
    review.ensure_reviewer(db, "Eve", "editor")
    for name in ("Ann", "Bob"):
        review.ensure_reviewer(db, name, "checker")
    labelled = add_article(db, RESEARCH_CLAIMS, title="Budget speech")
    review.assign(db, "Eve", labelled, ["Ann", "Bob"])
    for claim_id, (ann, bob) in zip(labelled, RESEARCH_LABELS):
        review.save_verdict(
            db, "Ann", claim_id, ann, confidence=0.8, rationale=f"Ann on {claim_id}"
        )
        review.save_verdict(
            db, "Bob", claim_id, bob, confidence=0.6, rationale=f"Bob on {claim_id}"
        )
    published = desk["claims"][0]
    review.cite_passage(db, "Ann", published, desk["passages"][0], "refutes")
    review.save_verdict(db, "Ann", published, "False", rationale="Official data say 4%.")
    review.publish(db, "Eve", published)
    return {**desk, "labelled": labelled, "published": published}
