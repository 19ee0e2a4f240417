"""AppTest: the editor's desk — a disagreement between two reviewers reaches it, the editor's
final verdict is stored apart from the individual ones, publishing, settings, checkers' view."""

import pytest
from app_seed import open_app, small_desk, texts

from factcheck.review import workflow as review
from factcheck.storage import claims as claim_store

DESK = "app_pages/adjudication.py"


@pytest.fixture
def disagreement(db):
    desk = small_desk(db)
    claim_id = desk["claims"][0]
    review.ensure_reviewer(db, "Eve", "editor")
    for name in ("Ann", "Bob"):
        review.ensure_reviewer(db, name, "checker")
    review.assign(db, "Eve", [claim_id], ["Ann", "Bob"])
    review.cite_passage(db, "Ann", claim_id, desk["passages"][0], "refutes")
    review.save_verdict(db, "Ann", claim_id, "False", confidence=0.9, rationale="4%, not 2%")
    review.save_verdict(db, "Bob", claim_id, "Half True", confidence=0.5)
    return desk | {"claim": claim_id}


def test_the_editor_adjudicates_then_publishes(db, disagreement):
    claim_id = disagreement["claim"]
    at = open_app("Eve", "editor", page=DESK)
    assert not at.exception
    assert "Disagreements · 1" in texts(at.subheader)
    verdicts = at.dataframe[0].value
    assert set(zip(verdicts["reviewer"], verdicts["label"])) == {
        ("Ann", "False"),
        ("Bob", "Half True"),
    }
    at.selectbox(key=f"fc_adj_label_{claim_id}").set_value("Mostly False")
    at.text_input(key=f"fc_adj_rationale_{claim_id}").set_value("Close to Ann's reading.")
    at.button(key=f"fc_adj_go_{claim_id}").click().run()
    assert not at.exception
    assert any("Final verdict saved" in s for s in texts(at.success))
    assert "Disagreements · 0" in texts(at.subheader)
    assert "Ready to publish · 1" in texts(at.subheader)

    rows = list(
        db.query(
            "SELECT r.name, v.label, v.is_final FROM verdicts v JOIN reviewers r "
            "ON r.id = v.reviewer_id WHERE claim_id = ? ORDER BY v.id",
            [claim_id],
        )
    )
    assert rows == [
        {"name": "Ann", "label": "False", "is_final": 0},
        {"name": "Bob", "label": "Half True", "is_final": 0},
        {"name": "Eve", "label": "Mostly False", "is_final": 1},
    ]

    at.button(key=f"fc_pub_{claim_id}").click().run()
    assert claim_store.get(db, claim_id)["status"] == "published"
    assert "Ready to publish · 0" in texts(at.subheader)


def test_a_checker_sees_the_desk_but_cannot_decide(db, disagreement):
    at = open_app("Ann", page=DESK)
    assert not at.exception
    assert any("Only editors" in i for i in texts(at.info))
    assert not [b for b in at.button if b.key.startswith("fc_adj_go_")]


def test_publishing_without_a_source_is_not_offered(db):
    desk = small_desk(db)
    review.ensure_reviewer(db, "Eve", "editor")
    review.save_verdict(db, "Eve", desk["claims"][1], "True")
    at = open_app("Eve", "editor", page=DESK)
    assert at.button(key=f"fc_pub_{desk['claims'][1]}").disabled


def test_settings_blind_mode_and_scale(db):
    small_desk(db)
    review.ensure_reviewer(db, "Eve", "editor")
    at = open_app("Eve", "editor", page=DESK)
    at.toggle(key="fc_blind").set_value(True)
    at.selectbox(key="fc_scale").set_value("simple")
    at.button(key="FormSubmitter:fc_settings_form-Save settings").click().run()
    assert not at.exception
    assert review.blind_mode(db) is True
    assert review.claim_scale(db).name == "simple"
    at.switch_page("app_pages/claim.py").run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("fc_pick_")]
    assert labels == ["False", "Misleading", "True", "Unproven"]


def test_an_editor_changes_a_role(db):
    small_desk(db)
    review.ensure_reviewer(db, "Eve", "editor")
    review.ensure_reviewer(db, "Ann", "checker")
    at = open_app("Eve", "editor", page=DESK)
    at.selectbox(key="fc_role_who").set_value("Ann").run()
    at.radio(key="fc_role_new").set_value("editor")
    at.button(key="fc_role_set").click().run()
    assert not at.exception
    assert any("Ann is now editor" in s for s in texts(at.success))
    assert review.ensure_reviewer(db, "Ann")["role"] == "editor"
