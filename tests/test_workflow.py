"""Review workflow: statuses from new to published, second review, adjudication, publishing
rules, and compare-and-set between two clients."""

import pytest

from factcheck.errors import ConflictError, InputError
from factcheck.review import workflow as review
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage import corpus as corpus_store
from factcheck.storage import events, open_db
from factcheck.types import Document, SentenceClaim


def _claims(db, *texts):
    """An article whose sentences are ``texts`` (all check-worthy); their claim ids."""
    with db.atomic():
        article_id = article_store.insert(
            db,
            Document(text=" ".join(texts), source="a.txt", title="A"),
            content_hash="hash-" + texts[0],
            extractor="default",
            actor="ingest",
        )
        sentences = [
            SentenceClaim(
                sentence_index=i, text=t, start=0, end=len(t), score=0.8, check_worthy=True
            )
            for i, t in enumerate(texts)
        ]
        return claim_store.insert_many(db, article_id, sentences, actor="ingest")


def _passage(db):
    with db.atomic():
        source_id = corpus_store.insert_source(
            db,
            {
                "kind": "fact-check",
                "title": "Unemployment fact-check",
                "url": "https://example.org/fc",
                "text": "Unemployment fell to 4%.",
                "content_hash": "src1",
                "verdict": "false",
            },
            [
                {
                    "idx": 0,
                    "field": "claim",
                    "text": "Unemployment fell to 4%.",
                    "start": 0,
                    "end": 24,
                    "text_hash": "p1",
                }
            ],
        )
    return corpus_store.passages_of(db, source_id)[0]["id"]


def _status(db, claim_id):
    return claim_store.get(db, claim_id)["status"]


def test_full_workflow_from_new_to_published_with_a_citation(team):
    db = team
    (claim_id,) = _claims(db, "Unemployment fell to 2% last year.")
    passage_id = _passage(db)

    assert review.start_review(db, "Ann", claim_id)["status"] == "in_review"
    review.cite_passage(db, "Ann", claim_id, passage_id, "refutes", quote="fell to 4%")
    claim = review.save_verdict(
        db, "Ann", claim_id, "false", confidence=0.9, rationale="Official data say 4%."
    )
    assert claim["status"] == "verdict"
    published = review.publish(db, "Eve", claim_id, expected_version=claim["version"])

    assert published["status"] == "published"
    detail = review.claim_detail(db, claim_id, "Eve")
    assert detail["final_verdict"]["label"] == "False"
    assert detail["final_verdict"]["reviewer"] == "Eve"
    assert [v["reviewer"] for v in detail["verdicts"]] == ["Ann"]
    assert detail["citations"][0]["verdict_id"] == detail["verdicts"][0]["id"]
    statuses = [
        (e["before"]["status"], e["after"]["status"])
        for e in events.for_claim(db, claim_id)
        if e["action"] == "claim.status"
    ]
    assert statuses == [("new", "in_review"), ("in_review", "verdict"), ("verdict", "published")]


def test_publish_is_refused_without_a_citation_and_for_a_checker(team):
    db = team
    (claim_id,) = _claims(db, "The bridge cost 3 billion.")
    claim = review.save_verdict(db, "Ann", claim_id, "true")
    assert claim["status"] == "verdict"
    before = len(events.for_claim(db, claim_id))

    with pytest.raises(review.PermissionDeniedError, match="only editors can publish"):
        review.publish(db, "Ann", claim_id)
    with pytest.raises(review.WorkflowError, match="cite at least one"):
        review.publish(db, "Eve", claim_id)

    after = claim_store.get(db, claim_id)
    assert (after["status"], after["version"]) == ("verdict", claim["version"])
    assert len(events.for_claim(db, claim_id)) == before
    assert review.claim_detail(db, claim_id, "Eve")["final_verdict"] is None


def test_publish_is_refused_before_a_verdict(team):
    db = team
    (claim_id,) = _claims(db, "Crime doubled.")
    review.cite_external(db, "Ann", claim_id, "https://stats.example.org", "refutes")
    with pytest.raises(review.WorkflowError, match="is new"):
        review.publish(db, "Eve", claim_id)


def test_second_reviewer_is_awaited_then_agreement_gives_a_verdict(team):
    db = team
    (claim_id,) = _claims(db, "Exports rose by 10%.")
    assert review.assign(db, "Eve", [claim_id], ["Ann", "Bob"]) == 2
    assert review.assign(db, "Eve", [claim_id], ["Ann"]) == 0  # unique pair

    assert (
        review.save_verdict(db, "Ann", claim_id, "Mostly True")["status"]
        == "awaiting_second_review"
    )
    assert review.save_verdict(db, "Bob", claim_id, "mostly-true")["status"] == "verdict"
    assert review.adjudication_queue(db) == []


def test_disagreement_goes_to_adjudication_and_the_final_verdict_is_kept_apart(team):
    db = team
    (claim_id,) = _claims(db, "Taxes are the highest ever.")
    review.assign(db, "Eve", [claim_id], ["Ann", "Bob"])
    review.save_verdict(db, "Ann", claim_id, "False", confidence=0.8)
    claim = review.save_verdict(db, "Bob", claim_id, "Half True", confidence=0.6)

    assert claim["status"] == "awaiting_second_review"
    (row,) = review.adjudication_queue(db)
    assert row["id"] == claim_id and row["needs_adjudication"] == 1
    assert {(v["reviewer"], v["label"]) for v in row["verdicts"]} == {
        ("Ann", "False"),
        ("Bob", "Half True"),
    }

    with pytest.raises(review.PermissionDeniedError, match="only editors can adjudicate"):
        review.adjudicate(db, "Ann", claim_id, "False")
    claim = review.adjudicate(
        db,
        "Eve",
        claim_id,
        "Mostly False",
        rationale="Close to record.",
        expected_version=claim["version"],
    )

    assert claim["status"] == "verdict"
    assert review.adjudication_queue(db) == []
    long = review.annotations_long(db)
    assert [(r["reviewer"], r["label"], r["ordinal"]) for r in long] == [
        ("Ann", "False", 2),
        ("Bob", "Half True", 4),
    ]
    finals = [r for r in review.annotations_long(db, include_final=True) if r["is_final"]]
    assert [(r["reviewer"], r["label"]) for r in finals] == [("Eve", "Mostly False")]


def test_published_claims_are_reopened_only_by_editors(team):
    db = team
    (claim_id,) = _claims(db, "The river is 300 km long.")
    review.save_verdict(db, "Ann", claim_id, "True")
    review.cite_external(db, "Ann", claim_id, "https://atlas.example.org/river", "supports")
    review.publish(db, "Eve", claim_id)

    with pytest.raises(review.WorkflowError, match="reopen"):
        review.save_verdict(db, "Bob", claim_id, "False")
    with pytest.raises(review.PermissionDeniedError, match="only editors"):
        review.bulk_set_status(db, "Ann", [claim_id], "in_review")
    assert review.bulk_set_status(db, "Eve", [claim_id], "in_review", reason="correction") == [
        claim_id
    ]
    assert _status(db, claim_id) == "in_review"


def test_dismiss_and_bulk_status_are_all_or_nothing(team):
    db = team
    first, second = _claims(db, "Claim one is here.", "Claim two is here.")
    assert review.dismiss(db, "Ann", [first, second]) == [first, second]
    last = events.for_claim(db, first)[-1]
    assert last["after"] == {"status": "dismissed", "reason": "not check-worthy"}

    with pytest.raises(InputError, match="use publish"):
        review.bulk_set_status(db, "Eve", [first], "published")
    with pytest.raises(Exception, match="no claim with id 999"):
        review.bulk_set_status(db, "Ann", [first, 999], "new")
    assert (_status(db, first), _status(db, second)) == ("dismissed", "dismissed")
    with pytest.raises(review.WorkflowError, match="dismissed"):
        review.save_verdict(db, "Ann", first, "False")


def test_two_clients_saving_the_same_version_never_lose_an_update(team, db_path):
    (claim_id,) = _claims(team, "The stadium holds 90,000 people.")
    review.start_review(team, "Ann", claim_id)
    tab_a, tab_b = open_db(db_path), open_db(db_path)
    try:
        loaded = review.claim_detail(tab_a, claim_id, "Ann")["claim"]["version"]
        assert review.claim_detail(tab_b, claim_id, "Bob")["claim"]["version"] == loaded

        review.save_verdict(tab_a, "Ann", claim_id, "True", expected_version=loaded)
        with pytest.raises(ConflictError, match="reload"):
            review.save_verdict(tab_b, "Bob", claim_id, "False", expected_version=loaded)

        assert [(v["reviewer"], v["label"]) for v in review.annotations_long(team)] == [
            ("Ann", "True")
        ]
        fresh = review.claim_detail(tab_b, claim_id, "Bob")["claim"]["version"]
        review.save_verdict(tab_b, "Bob", claim_id, "False", expected_version=fresh)
        assert len(review.annotations_long(team)) == 2
    finally:
        tab_a.close()
        tab_b.close()
