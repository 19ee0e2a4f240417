"""Review data model: reviewers, settings, verdict validation, blind mode, evidence, events,
the queue with its filters and counts, and imported labels."""

from datetime import UTC, datetime

import pytest

from factcheck.errors import ConfigError, InputError, NotFoundError
from factcheck.review import workflow as review
from factcheck.review.scales import UnknownLabelError
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage import corpus as corpus_store
from factcheck.storage import events
from factcheck.types import Document, SentenceClaim


def _article(db, title, sentences, published=None):
    """An article of (text, score, claim_type, check_worthy) sentences; its claim ids."""
    with db.atomic():
        article_id = article_store.insert(
            db,
            Document(text=title, source=title, title=title, published_date=published),
            content_hash="hash-" + title,
            extractor="default",
            actor="ingest",
        )
        rows = [
            SentenceClaim(
                sentence_index=i,
                text=text,
                start=0,
                end=len(text),
                score=score,
                claim_type=kind,
                check_worthy=worthy,
            )
            for i, (text, score, kind, worthy) in enumerate(sentences)
        ]
        return article_id, claim_store.insert_many(db, article_id, rows, actor="ingest")


def _passages(db, count=2):
    with db.atomic():
        source_id = corpus_store.insert_source(
            db,
            {
                "kind": "fact-check",
                "title": "Fact-check",
                "url": "https://fc.example.org/1",
                "text": "x" * 100,
                "content_hash": "source-1",
            },
            [
                {
                    "idx": i,
                    "field": "body",
                    "text": f"Passage {i}",
                    "start": i * 10,
                    "end": i * 10 + 9,
                    "text_hash": f"p{i}",
                }
                for i in range(count)
            ],
        )
    return [p["id"] for p in corpus_store.passages_of(db, source_id)]


def _match(db, claim_id, passage_id, score):
    db.execute(
        "INSERT INTO matches (claim_id, passage_id, score, rank, method, model, confidence, "
        "created_at) VALUES (?, ?, ?, 1, 'dense', 'm', ?, '2024')",
        [claim_id, passage_id, score, score],
    )


@pytest.fixture
def claim_id(team):
    sentences = [("The deficit tripled in 2023.", 0.9, "statistic", True)]
    return _article(team, "Budget", sentences)[1][0]


def _event_count(db):
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


# ---------------------------------------------------------------- reviewers and settings


def test_reviewers_are_created_once_and_keep_their_role(db):
    ann = review.ensure_reviewer(db, "  Ann  Lee ", "checker")
    assert ann["name"] == "Ann Lee"
    assert review.ensure_reviewer(db, "ann lee")["id"] == ann["id"]
    with pytest.raises(review.PermissionDeniedError, match="registered as checker"):
        review.ensure_reviewer(db, "Ann Lee", "editor")
    with pytest.raises(InputError, match="checker, editor"):
        review.ensure_reviewer(db, "Zed", "boss")
    with pytest.raises(InputError, match="enter a reviewer name"):
        review.ensure_reviewer(db, "   ")
    assert [e["action"] for e in events.for_entity(db, "reviewers", ann["id"])] == [
        "reviewer.created"
    ]


def test_only_editors_change_roles_and_settings(team):
    with pytest.raises(review.PermissionDeniedError, match="only admins"):
        review.set_role(team, "Ann", "Bob", "editor")
    with pytest.raises(review.PermissionDeniedError, match="only admins"):
        review.set_role(team, "Eve", "Bob", "editor")  # editors do not manage accounts
    with pytest.raises(review.PermissionDeniedError, match="only editors"):
        review.set_blind_mode(team, "Ann", True)
    review.ensure_reviewer(team, "Ada", "admin")
    assert review.set_role(team, "Ada", "Bob", "editor")["role"] == "editor"
    article_id, _ = _article(team, "Other", [("Prices rose 5%.", 0.8, None, True)])
    assert review.set_scale(team, "Eve", "snopes", article_id=article_id) == "snopes"
    assert review.claim_scale(team, article_id).name == "snopes"
    assert review.claim_scale(team).name == "politifact"
    with pytest.raises(ConfigError, match="unknown verdict scale"):
        review.set_scale(team, "Eve", "stars")
    with pytest.raises(NotFoundError, match="no article with id 999"):
        review.set_blind_mode(team, "Eve", True, article_id=999)


def test_unknown_actor_is_refused(claim_id, team):
    with pytest.raises(NotFoundError, match="unknown account 'Mallory'"):
        review.save_verdict(team, "Mallory", claim_id, "False")


# ---------------------------------------------------------------- verdict validation


def test_bad_label_is_rejected_listing_the_valid_ones_and_changes_nothing(team, claim_id):
    before = claim_store.get(team, claim_id)
    count = _event_count(team)
    with pytest.raises(UnknownLabelError, match="valid labels: Pants on Fire!, False, Mostly"):
        review.save_verdict(team, "Ann", claim_id, "probably wrong")
    with pytest.raises(InputError, match="between 0 and 1"):
        review.save_verdict(team, "Ann", claim_id, "False", confidence=1.5)
    after = claim_store.get(team, claim_id)
    assert (after["version"], after["status"]) == (before["version"], before["status"])
    assert _event_count(team) == count
    assert review.annotations_long(team) == []


def test_labels_are_normalised_with_their_ordinal_and_scale_stays_consistent(team, claim_id):
    review.save_verdict(team, "Ann", claim_id, "pants-fire", confidence="0.7")
    (row,) = review.annotations_long(team)
    assert (row["label"], row["scale"], row["ordinal"]) == ("Pants on Fire!", "politifact", 1)
    with pytest.raises(InputError, match="reviewed on the politifact scale"):
        review.save_verdict(team, "Bob", claim_id, "False", scale="snopes")
    review.save_verdict(team, "Bob", claim_id, "False")
    assert {r["scale"] for r in review.annotations_long(team)} == {"politifact"}


# ---------------------------------------------------------------- blind mode


def test_blind_mode_hides_others_verdicts_until_the_viewer_saved(team, claim_id):
    review.set_blind_mode(team, "Eve", True)
    review.assign(team, "Eve", [claim_id], ["Ann", "Bob"])
    review.save_verdict(team, "Ann", claim_id, "False", rationale="secret reasoning")

    blind = review.claim_detail(team, claim_id, "Bob")
    assert blind["blind"] is True
    assert blind["verdicts"] == [] and "hidden_verdicts" not in blind  # not even a count
    assert [a["name"] for a in blind["assignees"]] == ["Bob"]
    assert blind["claim"]["status"] == "in_review"  # "awaiting 2nd review" would tell
    bobs_history = review.history(team, claim_id, viewer="Bob")
    assert not [e for e in bobs_history if e["entity"] == "verdicts"]
    assert "Ann" not in repr(bobs_history) and "secret reasoning" not in repr(bobs_history)
    assert len(review.claim_detail(team, claim_id, "Eve")["verdicts"]) == 1  # editors see all

    review.save_verdict(team, "Bob", claim_id, "True")
    seen = review.claim_detail(team, claim_id, "Bob")
    assert seen["blind"] is False
    assert [v["reviewer"] for v in seen["verdicts"]] == ["Ann", "Bob"]


def test_blind_mode_per_article_overrides_the_global_setting(team, claim_id):
    article_id = claim_store.get(team, claim_id)["article_id"]
    review.set_blind_mode(team, "Eve", True)
    review.set_blind_mode(team, "Eve", False, article_id=article_id)
    review.save_verdict(team, "Ann", claim_id, "False")
    assert review.blind_mode(team) is True and review.blind_mode(team, article_id) is False
    assert len(review.claim_detail(team, claim_id, "Bob")["verdicts"]) == 1


# ---------------------------------------------------------------- evidence


def test_evidence_cards_are_cited_recited_and_dismissed(team, claim_id):
    first, second = _passages(team)
    _match(team, claim_id, first, 0.91)
    _match(team, claim_id, second, 0.40)

    cited = review.cite_passage(team, "Ann", claim_id, first, "supports")
    again = review.cite_passage(team, "Ann", claim_id, first, "refutes", quote="Passage 0")
    assert again["id"] == cited["id"] and again["stance"] == "refutes"
    review.dismiss_evidence(team, "Ann", claim_id, second, reason="off topic")

    cards = {c["passage_id"]: c for c in review.claim_detail(team, claim_id, "Ann")["evidence"]}
    assert (cards[first]["stance"], cards[first]["dismissed"]) == ("refutes", 0)
    assert (cards[second]["stance"], cards[second]["dismissed"]) == (None, 1)

    review.dismiss_evidence(team, "Bob", claim_id, first)  # Bob's own dismissal
    review.cite_passage(team, "Bob", claim_id, second, "context")  # Ann's dismissal stays hers
    detail = review.claim_detail(team, claim_id, "Bob")
    assert [c["passage_id"] for c in detail["own_citations"]] == [second]
    assert [d["passage_id"] for d in detail["dismissed_evidence"]] == [first]
    anns = review.claim_detail(team, claim_id, "Ann")
    assert [(c["passage_id"], c["stance"]) for c in anns["own_citations"]] == [(first, "refutes")]
    assert [d["passage_id"] for d in anns["dismissed_evidence"]] == [second]
    with pytest.raises(InputError, match="supports, refutes, mixed, context"):
        review.cite_passage(team, "Ann", claim_id, first, "irrelevant")
    with pytest.raises(NotFoundError, match="no passage with id 999"):
        review.cite_passage(team, "Ann", claim_id, 999, "supports")


def test_external_sources_are_validated_and_removed_by_their_author(team, claim_id):
    citation = review.cite_external(
        team,
        "Ann",
        claim_id,
        "https://stats.example.org/t1",
        "refutes",
        title="Table 1",
        quote="deficit grew 40%",
    )
    assert citation["accessed_at"] == datetime.now(UTC).date().isoformat()
    with pytest.raises(InputError, match="http:// or https://"):
        review.cite_external(team, "Ann", claim_id, "javascript:alert(1)", "refutes")
    with pytest.raises(InputError, match="access date"):
        review.cite_external(
            team, "Ann", claim_id, "https://x.org", "context", accessed_at="yesterday"
        )
    with pytest.raises(review.PermissionDeniedError, match="another reviewer's"):
        review.remove_citation(team, "Bob", citation["id"])
    review.remove_citation(team, "Eve", citation["id"])
    assert review.claim_detail(team, claim_id, "Ann")["citations"] == []


# ---------------------------------------------------------------- events


def test_every_action_leaves_an_event_with_actor_before_and_after(team, claim_id):
    (passage,) = _passages(team, 1)
    review.assign(team, "Eve", [claim_id], ["Ann"])
    review.start_review(team, "Ann", claim_id)
    review.cite_passage(team, "Ann", claim_id, passage, "refutes")
    review.save_verdict(team, "Ann", claim_id, "False")
    review.save_verdict(team, "Ann", claim_id, "Mostly False")
    review.publish(team, "Eve", claim_id)

    trail = [(e["actor"], e["action"]) for e in review.history(team, claim_id)[1:]]
    assert trail == [
        ("Eve", "claim.assigned"),
        ("Ann", "claim.status"),
        ("Ann", "citation.added"),
        ("Ann", "verdict.saved"),
        ("Ann", "claim.status"),
        ("Ann", "verdict.saved"),
        ("Eve", "citation.chosen"),
        ("Eve", "verdict.final"),
        ("Eve", "claim.status"),
    ]
    revised = [e for e in review.history(team, claim_id) if e["action"] == "verdict.saved"][1]
    assert (revised["before"]["label"], revised["after"]["label"]) == ("False", "Mostly False")
    assert revised["after"]["version"] == 2


# ---------------------------------------------------------------- queue


@pytest.fixture
def queue_db(team):
    _, (a1, a2, a3, low) = _article(
        team,
        "Economy",
        [
            ("Unemployment is 3%.", 0.9, "statistic", True),
            ("The mayor said 50% of roads are fixed.", 0.7, "quote", True),
            ("Crime rose 100% in 2020.", 0.6, "statistic", True),
            ("Hello there.", 0.1, None, False),
        ],
        published="2024-01-01",
    )
    _, (b1,) = _article(
        team,
        "Health",
        [("Vaccines cut cases by 90%.", 0.8, "statistic", True)],
        published="2024-06-01",
    )
    (passage,) = _passages(team, 1)
    _match(team, a1, passage, 0.95)
    _match(team, a2, passage, 0.50)
    review.assign(team, "Eve", [a1, b1], ["Ann"])
    review.save_verdict(team, "Ann", a1, "False")
    review.dismiss(team, "Bob", [a3])
    return team, {"a1": a1, "a2": a2, "a3": a3, "low": low, "b1": b1}


def _ids(result):
    return [row["id"] for row in result["rows"]]


def test_queue_filters_and_counts(queue_db):
    db, c = queue_db
    F = review.QueueFilters
    everything = review.queue(db)
    assert _ids(everything) == [c["a1"], c["b1"], c["a2"], c["a3"]]  # by score, not-worthy hidden
    assert everything["total"] == 4
    assert everything["counts"] == {
        "new": 2,
        "in_review": 0,
        "awaiting_second_review": 0,
        "verdict": 1,
        "published": 0,
        "dismissed": 1,
    }

    assert _ids(review.queue(db, F(statuses=("new",)))) == [c["b1"], c["a2"]]
    new_only = review.queue(db, F(statuses="new"))
    assert new_only["total"] == 2 and new_only["counts"]["dismissed"] == 1
    assert _ids(review.queue(db, F(min_score=0.65, max_score=0.85))) == [c["b1"], c["a2"]]
    assert _ids(review.queue(db, F(claim_type="quote"))) == [c["a2"]]
    assert _ids(review.queue(db, F(assignee="ann"))) == [c["a1"], c["b1"]]
    assert _ids(review.queue(db, F(verdict="False"))) == [c["a1"]]
    assert _ids(review.queue(db, F(strong_match=0.9))) == [c["a1"]]
    assert _ids(review.queue(db, F(search="50%"))) == [c["a2"]]
    assert _ids(review.queue(db, F(search="100%"))) == [c["a3"]]  # % is literal, not a wildcard
    assert _ids(review.queue(db, F(include_all=True, max_score=0.2))) == [c["low"]]
    health = db.execute("SELECT id FROM articles WHERE title = 'Health'").fetchone()[0]
    assert _ids(review.queue(db, F(article_id=health))) == [c["b1"]]

    row = review.queue(db, F(verdict="False"))["rows"][0]
    assert (row["assignees"], row["best_match"], row["verdicts"]) == ("Ann", 0.95, 1)


def test_queue_sorting_paging_and_bad_input(queue_db):
    db, c = queue_db
    by_date = review.queue(db, sort="date", descending=True)
    assert _ids(by_date)[0] == c["b1"]
    assert _ids(review.queue(db, sort="position", descending=False, limit=2, offset=1)) == [
        c["a2"],
        c["a3"],
    ]
    with pytest.raises(InputError, match="score, date"):
        review.queue(db, sort="random")
    with pytest.raises(InputError, match="unknown status 'done'"):
        review.queue(db, review.QueueFilters(statuses=("done",)))
    with pytest.raises(InputError, match="above the maximum"):
        review.queue(db, review.QueueFilters(min_score=0.9, max_score=0.1))


# ---------------------------------------------------------------- imported labels


def test_imported_labels_create_claims_reviewers_and_keep_timestamps(team, claim_id):
    first = review.import_verdict(
        team,
        "cli",
        reviewer="Rita",
        label="mostly-true",
        scale="politifact",
        claim_text="Wages doubled since 2010.",
        created_at="2021-03-04T10:00:00",
    )
    assert first["claim_created"] is True
    again = review.import_verdict(
        team,
        "cli",
        reviewer="Sam",
        label="True",
        scale="politifact",
        claim_text="  Wages doubled since 2010. ",
    )
    assert (again["claim_id"], again["claim_created"]) == (first["claim_id"], False)
    known = review.import_verdict(
        team, "cli", reviewer="Rita", label="False", scale="politifact", claim_id=claim_id
    )
    assert known["claim_id"] == claim_id

    claim = claim_store.get(team, first["claim_id"])
    article = article_store.get(team, claim["article_id"])
    assert (article["source_kind"], claim["origin"], claim["status"]) == (
        "imported",
        "imported",
        "new",
    )
    rows = [r for r in review.annotations_long(team) if r["claim_id"] == first["claim_id"]]
    assert [(r["reviewer"], r["label"]) for r in rows] == [("Rita", "Mostly True"), ("Sam", "True")]
    assert rows[0]["created_at"].startswith("2021-03-04T10:00:00")
    assert review.ensure_reviewer(team, "Rita")["role"] == "checker"

    count = _event_count(team)
    with pytest.raises(UnknownLabelError, match="valid labels"):
        review.import_verdict(
            team,
            "cli",
            reviewer="Tom",
            label="nah",
            scale="politifact",
            claim_text="A brand new claim.",
        )
    with pytest.raises(InputError, match="either a claim id or a claim text"):
        review.import_verdict(team, "cli", reviewer="Tom", label="True", scale="politifact")
    assert _event_count(team) == count
